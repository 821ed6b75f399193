package shell

import (
	"strings"

	"github.com/c-bata/go-prompt"
)

// candidate is one completion: the text that replaces the word being typed
// and an optional description shown next to it.
type candidate struct {
	text, description string
}

// complete returns the candidates for the word under the cursor, given the
// text before the cursor. It is the completer: it never runs anything.
func (s *Shell) complete(before string) []candidate {
	words, err := splitWords(before)
	if err != nil {
		// Completion inside an unfinished quote: a rough split will do.
		words = strings.Fields(before)
	}
	if before == "" || strings.ContainsAny(before[len(before)-1:], " \t") {
		words = append(words, "") // the cursor starts a new word
	}
	if len(words) == 0 {
		words = []string{""}
	}
	current := words[len(words)-1]
	if len(words) == 1 {
		var out []candidate
		for _, c := range s.table() {
			for _, name := range append([]string{c.Name}, c.Aliases...) {
				if strings.HasPrefix(name, current) {
					out = append(out, candidate{text: name, description: c.Summary})
				}
			}
		}
		return out
	}
	c, ok := s.lookup(words[0])
	if !ok || c.Complete == nil {
		return nil
	}
	var out []candidate
	for _, text := range safeComplete(c, words[1:]) {
		if strings.HasPrefix(text, current) {
			out = append(out, candidate{text: text})
		}
	}
	return out
}

// safeComplete calls c.Complete, treating a panic as no candidates: the
// completer runs inside go-prompt's input loop, where a panic would end the
// session.
func safeComplete(c Command, args []string) (out []string) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	return c.Complete(args)
}

// completer adapts complete to go-prompt.
func (s *Shell) completer(d prompt.Document) []prompt.Suggest {
	var out []prompt.Suggest
	for _, c := range s.complete(d.TextBeforeCursor()) {
		out = append(out, prompt.Suggest{Text: c.text, Description: c.description})
	}
	return out
}
