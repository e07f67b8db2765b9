// Package shell renders argv slices as POSIX shell command lines.
//
// prodkube generates commands as data ([]string) and renders their shell form
// here, in one place, so that quoting is written once and fuzzed once against
// a real /bin/sh.
package shell

import "strings"

// Quote returns s in a form that a POSIX shell reads back as exactly s, as a
// single word in argument position. Words made only of characters that no shell treats specially
// are left bare so scripts stay readable; everything else is single-quoted,
// with embedded single quotes written as '\”.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	if isPlain(s) {
		return s
	}
	return quoteAlways(s)
}

func quoteAlways(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Join renders argv as one command line: each word quoted by Quote and
// separated by single spaces.
func Join(argv []string) string {
	var b strings.Builder
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		if i == 0 && (strings.Contains(a, "=") || reservedWords[a]) {
			// In command position a bare NAME=value is an assignment and a
			// bare reserved word ("if", "done", "time") is syntax; quoted,
			// either is an ordinary command name.
			b.WriteString(quoteAlways(a))
			continue
		}
		b.WriteString(Quote(a))
	}
	return b.String()
}

// reservedWords are the words a shell treats as syntax when they stand
// unquoted in command position: the POSIX reserved words and those bash
// adds. Only the ones made of plain characters need listing; "!", "{", "}",
// "[[" and "]]" are quoted anyway.
var reservedWords = map[string]bool{
	"case": true, "coproc": true, "do": true, "done": true, "elif": true, "else": true,
	"esac": true, "fi": true, "for": true, "function": true, "if": true, "in": true,
	"select": true, "then": true, "time": true, "until": true, "while": true,
}

// isPlain reports whether every byte of s is one that needs no quoting in
// its position of a word (see plainByte).
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if !plainByte(s[i], i == 0) {
			return false
		}
	}
	return true
}

// plainByte reports whether c carries no meaning to the shell: letters,
// digits and a few punctuation marks. '=' is plain except at the start of
// a word (first), where a word could be read as an assignment only before
// the command name, which Join never renders bare; '~' is excluded because
// of tilde expansion, '?', '*' and '[' because of pathname expansion.
func plainByte(c byte, first bool) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == ',' || c == '+' || c == '@' || c == '%' ||
		c == '=' && !first
}
