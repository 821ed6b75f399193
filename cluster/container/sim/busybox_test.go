package sim

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"kubelab/cluster/container"
)

// TestScriptsMatchRealBusybox runs each script in the sim and in the host's
// busybox sh (when installed) and compares output and exit code byte for
// byte.
func TestScriptsMatchRealBusybox(t *testing.T) {
	bb, err := exec.LookPath("busybox")
	if err != nil {
		msg := "busybox is not installed (apt-get install busybox-static) to compare the sim shell with it"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	bin := t.TempDir()
	for _, a := range []string{"echo", "printf", "cat", "wc", "seq", "head", "grep", "sh"} {
		if err := os.Symlink(bb, filepath.Join(bin, a)); err != nil {
			t.Fatal(err)
		}
	}
	tmp := t.TempDir()
	scripts := []string{
		`echo "a  b" 'c  d' e\ f; X="1 2"; echo $X "$X"; echo ${U:-def} ${#X}`,
		`for i in 1 2 3; do if [ $i -eq 2 ]; then continue; fi; echo $i; done; echo end`,
		`i=0; while [ $i -lt 5 ]; do i=$((i+1)); [ $i = 3 ] && break; done; echo $i`,
		`case foo.txt in *.log) echo log;; *.txt) echo txt;; esac`,
		`f() { echo "in f: $1 $#"; }; f a b`,
		`echo $(echo inner; echo two) | wc -w`,
		`printf "%d %s\n" 1 a 2 b; printf '%5.2f|\n' 3.14159`,
		`x=5; y=$((x * 3 + 1)); echo $y $((y % 4)) $((y > 10))`,
		`echo hi > f1; cat f1 /nope; echo rc=$?`,
		`false; echo $?; ! true; echo $?`,
		`test -z "" && echo empty; [ -n "x" ] && echo nonempty; [ a != b ] && echo ne`,
		`set -- a b c; echo $# $2; shift; echo $@`,
		`echo -n no-newline; echo; echo -e 'tab\there'`,
		`seq 3 | head -n 2; echo x | grep -c x`,
		`( exit 3 ); echo sub=$?; { echo grp; }`,
		`echo ${X:=assigned}; echo $X`,
		`exit 7`,
	}
	g := newRig(t)
	id := g.start(container.ContainerConfig{Image: "busybox", Command: []string{"sleep", "infinity"}})
	for _, s := range scripts {
		var out bytes.Buffer
		code, err := g.r.Exec(context.Background(), id, []string{"sh", "-c", "cd /tmp; " + s}, container.Streams{Stdout: &out, Stderr: &out})
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("busybox", "sh", "-c", s)
		cmd.Dir = tmp
		cmd.Env = []string{"PATH=" + bin}
		os.Remove(filepath.Join(tmp, "f1"))
		want, _ := cmd.CombinedOutput()
		wcode := cmd.ProcessState.ExitCode()
		if string(want) != out.String() || wcode != code {
			t.Errorf("script %s\n sim (%d): %q\n busybox (%d): %q", s, code, out.String(), wcode, want)
		}
	}
}
