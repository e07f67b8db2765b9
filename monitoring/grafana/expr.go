package grafana

import (
	"fmt"
	"strings"
)

// CheckExpr is the library's cheap syntactic check of a PromQL expression:
// not blank, every string literal ("...", '...' or `...`)
// closed, and every bracket ( [ { closed by its partner in the right order,
// with # comments running to the end of their line as PromQL's lexer reads
// them.
//
// It is deliberately weaker than Prometheus' parser, which prodkube does
// not import so that its importers never download Prometheus: whatever the
// parser accepts, CheckExpr accepts too (the module
// github.com/prodkube/prodkube/monitoring/grafana/dashcheck fuzzes exactly
// that promise), and it refuses the typing mistakes that are most common
// in dashboards: an unclosed selector, call or range, or a stray quote.
// The checker module parses every query of every dashboard with the real
// parser.
func CheckExpr(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return fmt.Errorf("must not be empty")
	}
	var open []byte
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch c {
		case '#':
			for i < len(expr) && expr[i] != '\n' {
				i++
			}
		case '"', '\'', '`':
			end := closingQuote(expr, i)
			if end < 0 {
				return fmt.Errorf("string literal opened at byte %d is not closed", i)
			}
			i = end
		case '(', '[', '{':
			open = append(open, c)
		case ')', ']', '}':
			want := map[byte]byte{')': '(', ']': '[', '}': '{'}[c]
			if len(open) == 0 {
				return fmt.Errorf("%q at byte %d closes nothing", string(c), i)
			}
			if top := open[len(open)-1]; top != want {
				return fmt.Errorf("%q at byte %d closes %q", string(c), i, string(top))
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		return fmt.Errorf("%q is not closed", string(open[len(open)-1]))
	}
	return nil
}

// closingQuote returns the index of the quote that closes the string
// literal starting at expr[start], or -1. Double and single quoted strings
// take backslash escapes; raw (backtick) strings take none.
func closingQuote(expr string, start int) int {
	q := expr[start]
	for i := start + 1; i < len(expr); i++ {
		switch expr[i] {
		case '\\':
			if q != '`' {
				i++
			}
		case q:
			return i
		}
	}
	return -1
}
