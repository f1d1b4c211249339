package config

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is one invalid setting: the full key and what is wrong and allowed. Key is the
// path of the setting, list indices included ("secure-aws:apps[0].grants[1].actions");
// the error's text adds the name of each list entry on it.
type Problem struct {
	Key     string
	Message string
}

// Error lists every problem of one stack's configuration.
type Error struct {
	Stack     string
	StackFile string
	Problems  []Problem
	labels    labels // the names of the stack file's list entries, for the text
}

// Add records one more problem under key.
func (e *Error) Add(key, format string, args ...any) { e.add(key, format, args...) }

// add records a problem; every value the message quotes is cut to maxShown characters.
func (e *Error) add(key, format string, args ...any) {
	e.Problems = append(e.Problems, Problem{Key: key, Message: shortenQuoted(fmt.Sprintf(format, args...))})
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid configuration of stack %q in %s; nothing was changed:", e.Stack, e.StackFile)
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  - %s: %s", e.labels.of(p.Key), p.Message)
	}
	return b.String()
}

// labels names the entries of a stack file's lists by their path: "secure-aws:apps[0]" ->
// "my-app". An index alone does not say which entry a problem is in once the list is long
// or has been reordered.
type labels map[string]string

// read records the names of the list entries in v, the decoded JSON value at path: an
// entry is named by its name, else by its bucket (a grant, a vault without a name).
func (l labels) read(path string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			l.read(path+"."+k, sub)
		}
	case []any:
		for i, item := range v {
			p := fmt.Sprintf("%s[%d]", path, i)
			if m, ok := item.(map[string]any); ok {
				for _, field := range []string{"name", "bucket"} {
					if name, ok := m[field].(string); ok && name != "" {
						l[p] = name
						break
					}
				}
			}
			l.read(p, item)
		}
	}
}

// readRaw records the names of the list entries of key k's raw value.
func (l labels) readRaw(k, raw string) {
	var v any
	if json.Unmarshal([]byte(raw), &v) == nil {
		l.read(k, v)
	}
}

// of returns key k with each list entry on its path named:
// secure-aws:apps[0] (my-app).grants[1] (acme-assets).actions.
func (l labels) of(k string) string {
	var b strings.Builder
	start := 0
	for i := 0; i < len(k); i++ {
		if k[i] != ']' {
			continue
		}
		b.WriteString(k[start : i+1])
		start = i + 1
		if name, ok := l[k[:i+1]]; ok {
			head, long := shorten(name)
			if long {
				head += fmt.Sprintf(" (%d bytes)", len(name))
			}
			fmt.Fprintf(&b, " (%s)", head)
		}
	}
	b.WriteString(k[start:])
	return b.String()
}

// maxShown is how many characters of a value a message echoes: a longer value (a key file
// pasted into the wrong setting) is cut, so that the message stays readable.
const maxShown = 80

// shorten returns s, or its first maxShown characters and "…" when it is longer.
func shorten(s string) (string, bool) {
	if utf8.RuneCountInString(s) <= maxShown {
		return s, false
	}
	n := 0
	for i := range s {
		if n == maxShown {
			return s[:i] + "…", true
		}
		n++
	}
	return s, false
}

// shortenQuoted cuts each quoted value in msg that is longer than maxShown characters,
// and says how long it was: "aaaa…" (10485760 bytes). Every message quotes the values it
// echoes (%q), those of awsnames and spec included, so this one place cuts them all.
func shortenQuoted(msg string) string {
	var b strings.Builder
	for i := 0; i < len(msg); {
		if msg[i] == '"' {
			if lit, err := strconv.QuotedPrefix(msg[i:]); err == nil {
				value, _ := strconv.Unquote(lit)
				if head, long := shorten(value); long {
					fmt.Fprintf(&b, "%q (%d bytes)", head, len(value))
				} else {
					b.WriteString(lit)
				}
				i += len(lit)
				continue
			}
		}
		b.WriteByte(msg[i])
		i++
	}
	return b.String()
}
