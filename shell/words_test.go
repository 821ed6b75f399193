package shell

import (
	"reflect"
	"testing"
)

func TestSplitWords(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    []string
		wantErr string
	}{
		{name: "spaces and tabs separate words", line: "  kubectl\tget   pods ", want: []string{"kubectl", "get", "pods"}},
		{name: "an empty line has no words", line: "   ", want: nil},
		{name: "single quotes keep everything literally", line: `k get pods -o 'jsonpath={.items[*].metadata.name} \n'`, want: []string{"k", "get", "pods", "-o", `jsonpath={.items[*].metadata.name} \n`}},
		{name: "double quotes keep spaces", line: `echo "a  b"`, want: []string{"echo", "a  b"}},
		{name: "a backslash escapes a quote inside double quotes", line: `echo "say \"hi\""`, want: []string{"echo", `say "hi"`}},
		{name: "a backslash before another letter stays inside double quotes", line: `echo "a\nb"`, want: []string{"echo", `a\nb`}},
		{name: "a backslash escapes a space outside quotes", line: `echo a\ b`, want: []string{"echo", "a b"}},
		{name: "quoted parts join the word around them", line: `echo a'b c'"d"e`, want: []string{"echo", "ab cde"}},
		{name: "empty quotes make an empty word", line: `k get pods -l ''`, want: []string{"k", "get", "pods", "-l", ""}},
		{name: "a hash at the start of a word begins a comment", line: "k get pods # all of them", want: []string{"k", "get", "pods"}},
		{name: "a hash inside a word is text", line: "echo a#b '#c'", want: []string{"echo", "a#b", "#c"}},
		{name: "a whole-line comment has no words", line: "# nothing", want: nil},
		{name: "an unterminated single quote is an error", line: "echo 'abc", wantErr: "unterminated single quote: close it with '"},
		{name: "an unterminated double quote is an error", line: `echo "abc`, wantErr: `unterminated double quote: close it with "`},
		{name: "a trailing backslash is an error", line: `echo abc\`, wantErr: "line ends with a backslash: remove it or quote it"},
		{name: "multibyte text survives", line: "echo 'héllo wörld'", want: []string{"echo", "héllo wörld"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitWords(tt.line)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("splitWords(%q) error = %v, want %q", tt.line, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("splitWords(%q): %v", tt.line, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("splitWords(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}
