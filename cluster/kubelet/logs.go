package kubelet

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"time"

	"github.com/fsnotify/fsnotify"
	corev1 "k8s.io/api/core/v1"
)

// logLine is one line of a CRI log file:
// "2016-10-06T00:17:09.669794202Z stdout F message".
type logLine struct {
	ts      time.Time
	stream  string
	partial bool
	content []byte
}

func parseCRILine(b []byte) (logLine, bool) {
	b = bytes.TrimSuffix(b, []byte("\n"))
	var l logLine
	i := bytes.IndexByte(b, ' ')
	if i < 0 {
		return l, false
	}
	ts, err := time.Parse(time.RFC3339Nano, string(b[:i]))
	if err != nil {
		return l, false
	}
	rest := b[i+1:]
	j := bytes.IndexByte(rest, ' ')
	if j < 0 {
		return l, false
	}
	l.ts, l.stream = ts, string(rest[:j])
	rest = rest[j+1:]
	if len(rest) > 0 && (rest[0] == 'P' || rest[0] == 'F') {
		l.partial = rest[0] == 'P'
		rest = rest[1:]
		if len(rest) > 0 && rest[0] == ' ' {
			rest = rest[1:]
		}
	}
	l.content = rest
	return l, true
}

// logWriter applies limitBytes and timestamps as the kubelet's log
// reader does (kuberuntime/logs).
type logWriter struct {
	out        io.Writer
	timestamps bool
	remaining  int64 // -1: unlimited
	midLine    bool
}

func (w *logWriter) write(l logLine) bool {
	var b []byte
	if w.timestamps && !w.midLine {
		b = append(b, l.ts.UTC().Format(time.RFC3339Nano)...)
		b = append(b, ' ')
	}
	b = append(b, l.content...)
	if !l.partial {
		b = append(b, '\n')
	}
	w.midLine = l.partial
	if w.remaining >= 0 {
		if int64(len(b)) > w.remaining {
			b = b[:w.remaining]
		}
		w.remaining -= int64(len(b))
	}
	if _, err := w.out.Write(b); err != nil {
		return false
	}
	return w.remaining != 0
}

// readLogs writes a container's log file under opts, following it while
// the container runs when asked to.
func (k *Kubelet) readLogs(ctx context.Context, path string, opts *corev1.PodLogOptions, out io.Writer, running func() bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := &logWriter{out: out, timestamps: opts.Timestamps, remaining: -1}
	if opts.LimitBytes != nil {
		w.remaining = *opts.LimitBytes
	}
	var since time.Time
	if opts.SinceSeconds != nil {
		since = k.clock.Now().Add(-time.Duration(*opts.SinceSeconds) * time.Second)
	} else if opts.SinceTime != nil {
		since = opts.SinceTime.Time
	}
	keep := func(l logLine) bool {
		if opts.Stream != nil && *opts.Stream != "All" && l.stream != *opts.Stream {
			return false
		}
		return since.IsZero() || !l.ts.Before(since)
	}
	r := bufio.NewReader(f)
	var lines []logLine
	var pending []byte
	readAvailable := func() {
		for {
			b, err := r.ReadBytes('\n')
			if err != nil {
				pending = append(pending, b...)
				return
			}
			if len(pending) > 0 {
				b = append(pending, b...)
				pending = nil
			}
			if l, ok := parseCRILine(b); ok && keep(l) {
				lines = append(lines, l)
			}
		}
	}
	readAvailable()
	if opts.TailLines != nil {
		// Count whole lines from the end; partial pieces belong to the
		// line their final piece ends.
		n, start := *opts.TailLines, len(lines)
		for start > 0 && n > 0 {
			start--
			if !lines[start].partial {
				n--
			}
			for start > 0 && lines[start-1].partial {
				start--
			}
		}
		if n >= 0 && *opts.TailLines == 0 {
			start = len(lines)
		}
		lines = lines[start:]
	}
	for _, l := range lines {
		if !w.write(l) {
			return nil
		}
	}
	if !opts.Follow {
		return nil
	}
	watcher, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer watcher.Close()
	if err := watcher.Add(path); err != nil {
		return err
	}
	for {
		lines = lines[:0]
		readAvailable()
		for _, l := range lines {
			if !w.write(l) {
				return nil
			}
		}
		if !running() {
			lines = lines[:0]
			readAvailable()
			for _, l := range lines {
				w.write(l)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-watcher.Events:
		case err := <-watcher.Errors:
			return err
		case <-k.runtimeChanged():
		}
	}
}
