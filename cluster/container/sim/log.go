package sim

import (
	"bytes"
	"os"
	"sync"
	"time"

	"kubelab/cluster/clock"
)

// maxLogLine is where containerd splits a long line into partial ("P")
// entries: 16 KiB, its default max_container_log_line_size.
const maxLogLine = 16 * 1024

// logFile is a container's log in the CRI format
// ("2016-10-06T00:17:09.669794202Z stdout F text"), written as containerd
// writes it: one entry per line, stamped when the line is complete.
type logFile struct {
	mu     sync.Mutex
	clk    clock.Clock
	f      *os.File // nil: the kubelet gave no log path; output is dropped
	bufs   map[string]*bytes.Buffer
	closed bool
}

func openLog(path string, clk clock.Clock) (*logFile, error) {
	l := &logFile{clk: clk, bufs: map[string]*bytes.Buffer{"stdout": {}, "stderr": {}}}
	if path == "" {
		return l, nil
	}
	if err := ensureDir(path); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return nil, err
	}
	l.f = f
	return l, nil
}

// stream returns the writer of one stream ("stdout" or "stderr").
func (l *logFile) stream(name string) *logStream { return &logStream{l: l, name: name} }

type logStream struct {
	l    *logFile
	name string
}

func (s *logStream) Write(p []byte) (int, error) {
	l := s.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return len(p), nil
	}
	buf := l.bufs[s.name]
	buf.Write(p)
	now := l.clk.Now()
	for {
		b := buf.Bytes()
		i := bytes.IndexByte(b, '\n')
		switch {
		case i >= 0 && i <= maxLogLine:
			l.entry(now, s.name, "F", b[:i])
			buf.Next(i + 1)
			continue
		case len(b) > maxLogLine:
			l.entry(now, s.name, "P", b[:maxLogLine])
			buf.Next(maxLogLine)
			continue
		}
		break
	}
	return len(p), nil
}

func (l *logFile) entry(t time.Time, stream, tag string, line []byte) {
	if l.f == nil {
		return
	}
	var b bytes.Buffer
	b.Grow(len(line) + 48)
	b.WriteString(t.UTC().Format(time.RFC3339Nano))
	b.WriteByte(' ')
	b.WriteString(stream)
	b.WriteByte(' ')
	b.WriteString(tag)
	b.WriteByte(' ')
	b.Write(line)
	b.WriteByte('\n')
	_, _ = l.f.Write(b.Bytes())
}

// flush writes out unterminated output, as containerd does when a stream
// closes.
func (l *logFile) flush() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clk.Now()
	for _, name := range []string{"stdout", "stderr"} {
		if b := l.bufs[name]; b.Len() > 0 && !l.closed {
			l.entry(now, name, "F", b.Bytes())
			b.Reset()
		}
	}
}

func (l *logFile) close() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.f != nil {
		_ = l.f.Close()
	}
}
