package shell

import (
	"bytes"
	"testing"

	"github.com/c-bata/go-prompt"
)

func TestNextKey(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{name: "a typed line is its text then Enter", input: "help\r", want: []string{"help", "\r"}},
		{name: "two pasted lines stay two lines", input: "help\rexit\r", want: []string{"help", "\r", "exit", "\r"}},
		{name: "an arrow key is one key", input: "\x1b[A\r", want: []string{"\x1b[A", "\r"}},
		{name: "a CSI sequence with parameters is one key", input: "\x1b[1;5Cx", want: []string{"\x1b[1;5C", "x"}},
		{name: "an SS3 key is one key", input: "\x1bOHab", want: []string{"\x1bOH", "ab"}},
		{name: "Alt and a letter is one key", input: "\x1bbword", want: []string{"\x1bb", "word"}},
		{name: "a lone escape is one key", input: "\x1b", want: []string{"\x1b"}},
		{name: "control keys come one at a time", input: "\x01\x04\x7f", want: []string{"\x01", "\x04", "\x7f"}},
		{name: "multibyte text stays together", input: "héllo\n", want: []string{"héllo", "\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for b := []byte(tt.input); len(b) > 0; {
				k := nextKey(b)
				got = append(got, string(k))
				b = b[len(k):]
			}
			if len(got) != len(tt.want) {
				t.Fatalf("keys of %q = %q, want %q", tt.input, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("keys of %q = %q, want %q", tt.input, got, tt.want)
				}
			}
		})
	}
}

func TestVT100WriterFlushesToItsWriter(t *testing.T) {
	var out bytes.Buffer
	w := &vt100Writer{out: &out}
	w.WriteStr("kubelab> ")
	w.EraseDown()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	w.WriteRawStr("again")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "kubelab> \x1b[Jagain"; got != want {
		t.Errorf("flushed %q, want %q", got, want)
	}
	var _ prompt.ConsoleWriter = w
}
