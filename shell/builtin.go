package shell

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/fatih/color"
)

// builtins is the part of the command table every shell has.
func (s *Shell) builtins() []Command {
	return append([]Command{
		{
			Name:     "kubectl",
			Aliases:  []string{"k"},
			Usage:    "kubectl [COMMAND] [ARGS...] [FLAGS...]",
			Summary:  "Run kubectl against the cluster (the real kubectl, in this process).",
			Run:      s.runKubectl,
			Complete: completeKubectl,
		},
		{
			Name:     "help",
			Usage:    "help [COMMAND]",
			Summary:  "List the commands, or show how to use one.",
			Run:      s.runHelp,
			Complete: s.completeCommandNames,
		},
		{
			Name:    "exit",
			Aliases: []string{"quit"},
			Usage:   "exit",
			Summary: "Leave kubelab (Ctrl-D on an empty line does the same).",
			Run:     func(context.Context, IO, []string) error { return errExit },
		},
	}, s.scriptCommands()...)
}

func (s *Shell) runHelp(_ context.Context, streams IO, args []string) error {
	bold := color.New(color.Bold)
	if s.colour {
		bold.EnableColor()
	} else {
		bold.DisableColor()
	}
	switch len(args) {
	case 0:
		tw := tabwriter.NewWriter(streams.Out, 0, 0, 3, ' ', 0)
		fmt.Fprintln(tw, "Commands:")
		for _, c := range s.table() {
			names := c.Name
			if len(c.Aliases) > 0 {
				names += ", " + strings.Join(c.Aliases, ", ")
			}
			// tabwriter would count colour escapes as width, so the
			// table stays plain.
			fmt.Fprintf(tw, "  %s\t%s\n", names, c.Summary)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(streams.Out, "\nType help COMMAND for its usage; kubectl help for kubectl's own.")
		return nil
	case 1:
		c, ok := s.lookup(args[0])
		if !ok {
			return s.unknownCommand(args[0])
		}
		fmt.Fprintf(streams.Out, "%s %s\n", bold.Sprint("usage:"), usage(c))
		if c.Summary != "" {
			fmt.Fprintln(streams.Out, c.Summary)
		}
		if len(c.Aliases) > 0 {
			fmt.Fprintf(streams.Out, "aliases: %s\n", strings.Join(c.Aliases, ", "))
		}
		return nil
	default:
		return fmt.Errorf("help takes at most one command name, got %d words", len(args))
	}
}

func usage(c Command) string {
	if c.Usage != "" {
		return c.Usage
	}
	return c.Name
}

// unknownCommand builds the error for a word that names no command,
// suggesting the closest name when one is near enough to be a typo.
func (s *Shell) unknownCommand(word string) error {
	if best := closestName(word, s.names()); best != "" {
		return fmt.Errorf("unknown command %q; did you mean %q? (type help for the list)", word, best)
	}
	return fmt.Errorf("unknown command %q (type help for the list)", word)
}

// names returns every command name and alias in table order.
func (s *Shell) names() []string {
	var names []string
	for _, c := range s.table() {
		names = append(names, c.Name)
		names = append(names, c.Aliases...)
	}
	return names
}

func (s *Shell) completeCommandNames(args []string) []string {
	if len(args) != 1 {
		return nil
	}
	names := s.names()
	sort.Strings(names)
	return names
}

// closestName returns the candidate nearest to word by edit distance
// (insertions, deletions, substitutions and swaps of neighbours, so
// "kubeclt" is one step from "kubectl"), or "" when none is close enough to
// be a plausible typo: at most 2 edits, and no more than half of the word.
// Ties go to the earlier candidate.
func closestName(word string, candidates []string) string {
	best, bestDist := "", 0
	for _, c := range candidates {
		d := editDistance(word, c)
		if d > 2 || 2*d > len([]rune(word)) {
			continue
		}
		if best == "" || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
