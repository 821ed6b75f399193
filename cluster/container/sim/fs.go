package sim

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"

	"kubelab/cluster/container"
)

// overlay is a container's file system: the kubelet's mounts are real host
// files (so an emptyDir written by one container is read by another, and a
// configMap volume shows its keys), the image's few files are generated,
// and everything else written lives in memory, like a container's writable
// layer.
type overlay struct {
	c      *ctr
	mounts []container.Mount // longest container path first

	mu    sync.Mutex
	files map[string][]byte
	dirs  map[string]bool
}

var (
	errReadOnly = errors.New("Read-only file system")
	errIsDir    = errors.New("Is a directory")
	errNotDir   = errors.New("Not a directory")
)

func newOverlay(c *ctr) *overlay {
	o := &overlay{c: c, files: map[string][]byte{}, dirs: map[string]bool{"/": true}}
	o.mounts = append(o.mounts, c.cfg.Mounts...)
	sort.SliceStable(o.mounts, func(i, j int) bool { return len(o.mounts[i].ContainerPath) > len(o.mounts[j].ContainerPath) })
	for _, d := range c.img.spec.Listing {
		o.dirs["/"+d] = true
	}
	for _, d := range []string{"/etc", "/tmp", "/dev", "/proc", "/root", "/var", "/usr", "/bin", "/home", "/sys", "/usr/bin", "/usr/local", "/usr/local/bin", "/var/log"} {
		o.dirs[d] = true
	}
	if c.img.spec.WorkingDir != "" {
		o.dirs[c.img.spec.WorkingDir] = true
	}
	for _, m := range o.mounts {
		for d := path.Dir(path.Clean(m.ContainerPath)); d != "/"; d = path.Dir(d) {
			o.dirs[d] = true
		}
	}
	return o
}

// host maps a container path to a host path when a mount covers it.
func (o *overlay) host(p string) (string, *container.Mount) {
	for i := range o.mounts {
		m := &o.mounts[i]
		cp := path.Clean(m.ContainerPath)
		if p == cp {
			return m.HostPath, m
		}
		if strings.HasPrefix(p, cp+"/") || cp == "/" {
			return m.HostPath + strings.TrimPrefix(p, cp), m
		}
	}
	return "", nil
}

// generated are the image files the sim makes up.
func (o *overlay) generated(p string) ([]byte, bool) {
	c := o.c
	switch p {
	case "/etc/hostname":
		return []byte(c.sb.cfg.Hostname + "\n"), true
	case "/etc/hosts":
		return []byte("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"), true
	case "/etc/resolv.conf":
		var b strings.Builder
		d := c.sb.cfg.DNS
		if len(d.Searches) > 0 {
			b.WriteString("search " + strings.Join(d.Searches, " ") + "\n")
		}
		for _, s := range d.Servers {
			b.WriteString("nameserver " + s + "\n")
		}
		if len(d.Options) > 0 {
			b.WriteString("options " + strings.Join(d.Options, " ") + "\n")
		}
		return []byte(b.String()), true
	case "/etc/os-release":
		switch c.img.spec.Shell {
		case "ash":
			if strings.Contains(c.img.spec.Repo, "busybox") {
				return nil, false
			}
			return []byte("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.22.0\nPRETTY_NAME=\"Alpine Linux v3.22\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n"), true
		case "dash":
			return []byte("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n"), true
		}
	case "/dev/null", "/dev/zero":
		return nil, true
	case nginxRoot + "/index.html":
		if shortName(c.img.spec.Repo) == "nginx" {
			return []byte(nginxWelcome), true
		}
	case httpdRoot + "/index.html":
		if shortName(c.img.spec.Repo) == "httpd" {
			return []byte(httpdWelcome), true
		}
	}
	return nil, false
}

// read returns a file's content.
func (o *overlay) read(p string) ([]byte, error) {
	if h, _ := o.host(p); h != "" {
		fi, err := os.Stat(h)
		if err != nil {
			return nil, fs.ErrNotExist
		}
		if fi.IsDir() {
			return nil, errIsDir
		}
		return os.ReadFile(h)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if b, ok := o.files[p]; ok {
		return append([]byte(nil), b...), nil
	}
	if o.dirs[p] {
		return nil, errIsDir
	}
	if b, ok := o.generated(p); ok {
		return b, nil
	}
	return nil, fs.ErrNotExist
}

// write creates, truncates or appends to a file.
func (o *overlay) write(p string, data []byte, appendTo bool) error {
	if p == "/dev/null" || p == "/dev/stdout" || p == "/dev/stderr" {
		return nil
	}
	if h, m := o.host(p); h != "" {
		if m.ReadOnly {
			return errReadOnly
		}
		if fi, err := os.Stat(h); err == nil && fi.IsDir() {
			return errIsDir
		}
		if _, err := os.Stat(path.Dir(h)); err != nil {
			return fs.ErrNotExist
		}
		flag := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
		if appendTo {
			flag = os.O_CREATE | os.O_WRONLY | os.O_APPEND
		}
		f, err := os.OpenFile(h, flag, 0o644)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.dirs[p] {
		return errIsDir
	}
	if !o.dirs[path.Dir(p)] {
		return fs.ErrNotExist
	}
	if appendTo {
		if _, ok := o.files[p]; !ok {
			if b, ok := o.generated(p); ok {
				o.files[p] = b
			}
		}
		o.files[p] = append(o.files[p], data...)
	} else {
		o.files[p] = append([]byte(nil), data...)
	}
	return nil
}

// stat reports whether p exists and whether it is a directory.
func (o *overlay) stat(p string) (exists, dir bool) {
	if h, _ := o.host(p); h != "" {
		fi, err := os.Stat(h)
		if err != nil {
			return false, false
		}
		return true, fi.IsDir()
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.dirs[p] {
		return true, true
	}
	if _, ok := o.files[p]; ok {
		return true, false
	}
	_, ok := o.generated(p)
	return ok, false
}

// mkdir makes a directory (and, with parents, its parents).
func (o *overlay) mkdir(p string, parents bool) error {
	if h, m := o.host(p); h != "" {
		if m.ReadOnly {
			return errReadOnly
		}
		if parents {
			return os.MkdirAll(h, 0o755)
		}
		return os.Mkdir(h, 0o755)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.dirs[p] {
		if parents {
			return nil
		}
		return fs.ErrExist
	}
	if !o.dirs[path.Dir(p)] {
		if !parents {
			return fs.ErrNotExist
		}
		for d := path.Dir(p); d != "/"; d = path.Dir(d) {
			o.dirs[d] = true
		}
	}
	o.dirs[p] = true
	return nil
}

// remove deletes a file.
func (o *overlay) remove(p string) error {
	if h, m := o.host(p); h != "" {
		if m.ReadOnly {
			return errReadOnly
		}
		return os.Remove(h)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.files[p]; !ok {
		return fs.ErrNotExist
	}
	delete(o.files, p)
	return nil
}

// list returns the names in a directory, sorted.
func (o *overlay) list(p string) ([]string, error) {
	names := map[string]bool{}
	if h, _ := o.host(p); h != "" {
		ents, err := os.ReadDir(h)
		if err != nil {
			fi, serr := os.Stat(h)
			if serr == nil && !fi.IsDir() {
				return nil, errNotDir
			}
			return nil, fs.ErrNotExist
		}
		for _, e := range ents {
			names[e.Name()] = true
		}
	} else {
		exists, dir := o.stat(p)
		if !exists {
			return nil, fs.ErrNotExist
		}
		if !dir {
			return nil, errNotDir
		}
	}
	o.mu.Lock()
	prefix := strings.TrimSuffix(p, "/") + "/"
	for f := range o.files {
		if strings.HasPrefix(f, prefix) && !strings.Contains(f[len(prefix):], "/") {
			names[f[len(prefix):]] = true
		}
	}
	for d := range o.dirs {
		if d != p && strings.HasPrefix(d, prefix) && !strings.Contains(d[len(prefix):], "/") {
			names[d[len(prefix):]] = true
		}
	}
	o.mu.Unlock()
	for _, m := range o.mounts {
		cp := path.Clean(m.ContainerPath)
		if path.Dir(cp) == path.Clean(p) {
			names[path.Base(cp)] = true
		}
	}
	switch p {
	case "/etc":
		for _, n := range []string{"hostname", "hosts", "resolv.conf"} {
			names[n] = true
		}
	}
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// abs resolves p against dir.
func abs(dir, p string) string {
	if !strings.HasPrefix(p, "/") {
		p = dir + "/" + p
	}
	return path.Clean(p)
}
