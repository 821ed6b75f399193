package shell

import (
	"fmt"
	"strings"
)

// splitWords splits a command line into words the way a POSIX shell does,
// without expansion: whitespace separates words; '...' keeps everything
// literally; "..." keeps everything but lets a backslash escape \ " $ and `;
// outside quotes a backslash escapes the next character; an unquoted # at the
// start of a word begins a comment. Quotes that enclose nothing still make a
// word, so `kubectl get pods -l ”` passes an empty selector.
func splitWords(line string) ([]string, error) {
	var (
		words  []string
		word   strings.Builder
		inWord bool // a word has started, even if it is still empty ('')
		runes  = []rune(line)
		n      = len(runes)
		flush  = func() {
			if inWord {
				words = append(words, word.String())
			}
			word.Reset()
			inWord = false
		}
	)
	for i := 0; i < n; i++ {
		r := runes[i]
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			flush()
		case r == '#' && !inWord:
			return words, nil
		case r == '\\':
			if i+1 == n {
				return nil, fmt.Errorf("line ends with a backslash: remove it or quote it")
			}
			i++
			word.WriteRune(runes[i])
			inWord = true
		case r == '\'':
			end := indexRune(runes, i+1, '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated single quote: close it with '")
			}
			word.WriteString(string(runes[i+1 : end]))
			inWord = true
			i = end
		case r == '"':
			inWord = true
			closed := false
			for i++; i < n; i++ {
				c := runes[i]
				if c == '"' {
					closed = true
					break
				}
				if c == '\\' && i+1 < n && strings.ContainsRune("\\\"$`", runes[i+1]) {
					i++
					c = runes[i]
				}
				word.WriteRune(c)
			}
			if !closed {
				return nil, fmt.Errorf(`unterminated double quote: close it with "`)
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return words, nil
}

func indexRune(runes []rune, from int, r rune) int {
	for i := from; i < len(runes); i++ {
		if runes[i] == r {
			return i
		}
	}
	return -1
}
