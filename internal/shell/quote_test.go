package shell

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "''"},
		{"velero", "velero"},
		{"--include-namespaces", "--include-namespaces"},
		{"a=b", "a=b"},
		{"=b", "'=b'"},
		{"docker.io/velero/velero:v1.18.3", "docker.io/velero/velero:v1.18.3"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"'", `''\'''`},
		{"~", "'~'"},
		{"~root", "'~root'"},
		{"$HOME", "'$HOME'"},
		{"*", "'*'"},
		{"?", "'?'"},
		{"a?", "'a?'"},
		{"[", "'['"},
		{"]", "']'"},
		{"[ab]", "'[ab]'"},
		{"a[b", "'a[b'"},
		{"x]", "'x]'"},
		{"a;b", "'a;b'"},
		{"a&b", "'a&b'"},
		{"a|b", "'a|b'"},
		{"a<b", "'a<b'"},
		{"a>b", "'a>b'"},
		{"(a)", "'(a)'"},
		{"a\tb", "'a\tb'"},
		{`"x"`, `'"x"'`},
		{"a^b", "'a^b'"},
		{"x=~", "'x=~'"},
		{"azAZ09-_./:,+@%", "azAZ09-_./:,+@%"},
		{"-", "-"},
		{"%s", "%s"},
		{"0 1 * * *", "'0 1 * * *'"},
		{"a\nb", "'a\nb'"},
		{"!", "'!'"},
		{"#x", "'#x'"},
		{"{a,b}", "'{a,b}'"},
		{"`x`", "'`x`'"},
		{`a\b`, `'a\b'`},
		{"é", "'é'"},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestJoin(t *testing.T) {
	for _, tc := range []struct {
		argv []string
		want string
	}{
		{nil, ""},
		{[]string{"velero", "backup", "create", "daily"}, "velero backup create daily"},
		{[]string{"velero", "schedule", "create", "w", "--schedule", "0 3 * * 0"}, "velero schedule create w --schedule '0 3 * * 0'"},
		{[]string{"A=1", "x"}, "'A=1' x"},
		{[]string{"if", "x"}, "'if' x"},
		{[]string{"x", "if"}, "x if"},
		{[]string{"", "a"}, "'' a"},
	} {
		if got := Join(tc.argv); got != tc.want {
			t.Errorf("Join(%q) = %s, want %s", tc.argv, got, tc.want)
		}
	}
}

// printfArgv is the program that replaces argv[0]: it prints every
// remaining argument followed by a NUL byte, so the output can be split
// back into exactly the words the shell passed.
var printfArgv = []string{"printf", `%s\0`}

// shells are the shells the rendered lines are run by: /bin/sh (dash on
// Debian) always, bash in POSIX mode when present.
func shells(t testing.TB) [][]string {
	// "--" ends the shell's own options, so a line beginning with '-' or
	// '+' is read as a command, as it would be from a script file.
	out := [][]string{{"/bin/sh", "-c", "--"}}
	if p, err := exec.LookPath("bash"); err == nil {
		out = append(out, []string{p, "--posix", "-c", "--"})
	}
	return out
}

// runShell runs line with the shell sh in the directory dir.
func runShell(t testing.TB, sh []string, dir, line string, env []string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command(sh[0], append(sh[1:], line)...)
	cmd.Env = env
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, &shellError{err: err, stderr: stderr.String()}
	}
	return out, nil
}

type shellError struct {
	err    error
	stderr string
}

func (e *shellError) Error() string { return e.err.Error() + ": " + e.stderr }

// splitNUL splits printf's output back into the arguments.
func splitNUL(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	parts := strings.Split(string(b), "\x00")
	return parts[:len(parts)-1] // output ends with a NUL
}

// globTrap returns a new directory full of files that a word left
// unquoted would match as a glob pattern: every one-byte name, a few longer
// ones, names that are themselves patterns, and for each of words the names
// its pattern characters would match (see globVictims). A shell that
// expands an unquoted '?', '*' or '[...]' there replaces the word with file
// names, which the round-trip checks then see.
func globTrap(t testing.TB, words []string) string {
	t.Helper()
	dir := t.TempDir()
	names := []string{"ab", "ba", "xy", "[ab]", "a b", "-n", "{a,b}", "é", "日本", ".x", "..x", "a=b", "x=", "abc"}
	for c := 1; c < 256; c++ {
		if c != '/' && c != '.' {
			names = append(names, string([]byte{byte(c)}))
		}
	}
	for _, w := range words {
		names = append(names, globVictims(w)...)
	}
	for _, n := range names {
		if n == "" || n == "." || n == ".." || len(n) > 200 || strings.ContainsAny(n, "/\x00") {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatalf("glob trap: %v", err)
		}
	}
	return dir
}

// globVictims returns file names that w, read as a shell pattern, would
// match: each '*' replaced by nothing or by "x", each '?' by "x", each
// bracket expression by a byte it accepts. It is written from the POSIX
// pattern rules, independently of the quoting code.
func globVictims(w string) []string {
	var short, long strings.Builder
	for i := 0; i < len(w); i++ {
		switch c := w[i]; c {
		case '*':
			long.WriteByte('x')
		case '?':
			short.WriteByte('x')
			long.WriteByte('x')
		case '[':
			end := strings.IndexByte(w[i+1:], ']')
			if end < 0 {
				short.WriteByte(c)
				long.WriteByte(c)
				continue
			}
			class := w[i+1 : i+1+end]
			if end == 0 { // "[]...]": the first ']' is a member
				if e2 := strings.IndexByte(w[i+2:], ']'); e2 >= 0 {
					class = w[i+1 : i+2+e2]
					end = e2 + 1
				}
			}
			m := byte('x')
			if class != "" && class[0] != '!' && class[0] != '^' {
				m = class[0]
			} else if strings.ContainsRune(class, 'x') {
				m = 'q'
			}
			short.WriteByte(m)
			long.WriteByte(m)
			i += end + 1
		default:
			short.WriteByte(c)
			long.WriteByte(c)
		}
	}
	return []string{short.String(), long.String()}
}

// checkArguments renders printf %s\0 followed by args with Join, runs it
// through every shell in a glob trap and requires exactly args back.
func checkArguments(t testing.TB, args []string) {
	t.Helper()
	line := Join(append(append([]string(nil), printfArgv...), args...))
	dir := globTrap(t, args)
	for _, sh := range shells(t) {
		out, err := runShell(t, sh, dir, line, []string{"PATH=/usr/bin:/bin", "LC_ALL=C"})
		if err != nil {
			t.Fatalf("%s %q: %v", sh[0], line, err)
		}
		if got := splitNUL(out); !equal(got, args) {
			t.Fatalf("%s ran %q\n got %q\nwant %q", sh[0], line, got, args)
		}
	}
}

// posixReserved are the words a shell reads as syntax in command position
// (POSIX reserved words plus bash's).
var posixReserved = map[string]bool{"if": true, "then": true, "else": true, "elif": true, "fi": true,
	"do": true, "done": true, "case": true, "esac": true, "while": true, "until": true, "for": true,
	"in": true, "function": true, "select": true, "time": true, "coproc": true, "!": true,
	"{": true, "}": true, "[[": true, "]]": true}

// checkCommand renders argv with Join and runs it with a PATH that holds
// only a stub named argv[0], which prints its arguments. The stub must be
// what runs, and it must receive exactly argv[1:]. Names that are shell
// builtins are skipped (a builtin wins over PATH however it is quoted), as
// are names that cannot be file names.
func checkCommand(t testing.TB, argv []string) {
	t.Helper()
	name := argv[0]
	if name == "" || name == "." || name == ".." || len(name) > 200 || strings.ContainsAny(name, "/\x00") {
		return
	}
	dir := t.TempDir()
	stub := filepath.Join(dir, name)
	if err := os.WriteFile(stub, []byte("#!/bin/sh\nprintf 'stub\\0'\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done\n"), 0o755); err != nil {
		t.Fatalf("cannot create a file named %q: %v", name, err)
	}
	env := []string{"PATH=" + dir, "LC_ALL=C"}
	cwd := globTrap(t, argv)
	for _, sh := range shells(t) {
		if strings.HasPrefix(name, "%") && strings.Contains(sh[0], "bash") {
			// bash reads a command word starting with '%' as a job
			// specification (fg %N) even when it is quoted; like a builtin,
			// no quoting can route it to PATH.
			continue
		}
		if !posixReserved[name] {
			// Skip builtins: `command -v` names them without a path.
			out, err := runShell(t, sh, cwd, "command -v "+Quote(name), env)
			if err != nil || !strings.HasPrefix(string(out), "/") {
				continue
			}
		}
		line := Join(argv)
		out, err := runShell(t, sh, cwd, line, env)
		if err != nil {
			t.Fatalf("%s %q: %v", sh[0], line, err)
		}
		want := append([]string{"stub"}, argv[1:]...)
		if got := splitNUL(out); !equal(got, want) {
			t.Fatalf("%s ran %q\n got %q\nwant %q", sh[0], line, got, want)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var shellCases = [][]string{
	{"velero", "install", "--backup-location-config", "region=eu-west-1,s3ForcePathStyle=true"},
	{"velero", "schedule", "create", "weekly", "--schedule", "0 3 * * 0"},
	{"x", "", "''", "'", `'\''`, `"`, `\`, `\\`, "$", "${x}", "$(id)", "`id`", "*", "?", "[a]"},
	{"x", "~", "~root", "a~", "=", "=x", "a=b", "-", "--", "-n", "-e", "%s", `\0`, `%b`},
	{"x", "a b", "a\tb", "a\nb", "\n", " ", "#", "a#b", "!", "!!", "{a,b}", "a;b", "a&b", "a|b", "a>b", "a<b", "(a)"},
	{"x", "é", "\xff\xfe", "\x01\x7f", "日本"},
	{"if", "then"}, {"done"}, {"!", "x"}, {"{", "}"}, {"case"}, {"while"}, {"time"}, {"function"},
	{"A=1", "x"}, {"PATH=/", "x"}, {"a=b"}, {"--flag"}, {"~"}, {"#"},
}

// TestGlobTrapCatchesBareWords shows that the trap works: each of these
// patterns, written bare (as Quote would write it if it took the pattern
// characters for plain ones), is replaced by file names in the trap
// directory, so the round-trip tests fail for it. Each file name globVictims
// proposes is also a match by Go's own pattern matcher.
func TestGlobTrapCatchesBareWords(t *testing.T) {
	patterns := []string{"?", "*", "[ab]", "a?", "?b", "[!a]b", "a*", "[]]", "é?", "a[b]c", "*?*"}
	for _, p := range patterns {
		for _, v := range globVictims(p) {
			if ok, err := filepath.Match(p, v); err == nil && !ok && strings.ContainsAny(p, "*?") {
				t.Errorf("globVictims(%q) proposes %q, which the pattern does not match", p, v)
			}
		}
	}
	for _, p := range patterns {
		dir := globTrap(t, []string{p})
		for _, sh := range shells(t) {
			out, err := runShell(t, sh, dir, `printf '%s\0' `+p, []string{"PATH=/usr/bin:/bin", "LC_ALL=C"})
			if err != nil {
				t.Fatalf("%s: %v", sh[0], err)
			}
			got := splitNUL(out)
			if equal(got, []string{p}) {
				t.Errorf("%s left bare %q unexpanded in the trap", sh[0], p)
			}
		}
	}
}

func TestJoinRoundTripArguments(t *testing.T) {
	for _, argv := range shellCases {
		checkArguments(t, argv)
	}
	// Every byte alone, at the start, in the middle and at the end of a
	// word, in one command line.
	var every []string
	for c := 1; c < 256; c++ {
		b := string([]byte{byte(c)})
		every = append(every, b, b+"a", "a"+b+"a", "a"+b)
	}
	checkArguments(t, every)
}

func TestJoinRoundTripCommand(t *testing.T) {
	for _, argv := range shellCases {
		checkCommand(t, argv)
	}
}

// FuzzJoin checks the quoting contract against real shells: for any argv
// (NUL-separated in the fuzz input, since no exec argument can hold a NUL),
// the line Join renders, run by /bin/sh (and bash --posix) with the program
// replaced by printf '%s\0', prints exactly the original arguments; and run
// as is, with a stub of the program's name on PATH, the stub receives them.
// Both run in a glob trap (globTrap): a folder holding files that every
// argument, read as a pattern, would match, so a glob character left bare
// changes what the shell passes.
func FuzzJoin(f *testing.F) {
	for _, argv := range shellCases {
		f.Add(strings.Join(argv, "\x00"))
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		argv := strings.Split(s, "\x00")
		if len(argv) > 64 {
			return
		}
		checkArguments(t, argv)
		checkCommand(t, argv)
	})
}
