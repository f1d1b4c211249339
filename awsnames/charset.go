package awsnames

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/runenames"
)

// Chars is one kind of character a name may hold, named as a message names it.
type Chars struct {
	Name   string // "lowercase letters"
	ranges string // pairs of first and last character: "az", "09", "--"
}

// The kinds of characters AWS's names are made of.
var (
	Lowercase  = Chars{"lowercase letters", "az"}
	Letters    = Chars{"letters", "azAZ"}
	Digits     = Chars{"digits", "09"}
	Hyphens    = Chars{"hyphens", "--"}
	Dots       = Chars{"dots", ".."}
	iamSymbols = Chars{"+ = , . @ _ -", "++==,,..@@__--"}
	slashes    = Chars{"/", "//"}
)

// Charset is the characters a kind of name may hold. A name's check and the message that
// states its rule are both made from it, so the two cannot disagree.
type Charset []Chars

// String states the set as a message does: "lowercase letters, digits and hyphens".
func (c Charset) String() string {
	names := make([]string, len(c))
	for i, k := range c {
		names[i] = k.Name
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// Allows reports whether r is in the set.
func (c Charset) Allows(r rune) bool {
	for _, k := range c {
		for i := 0; i+1 < len(k.ranges); i += 2 {
			if rune(k.ranges[i]) <= r && r <= rune(k.ranges[i+1]) {
				return true
			}
		}
	}
	return false
}

// Outside names the first character of s the set does not allow and where it is, e.g.
// `U+0430 CYRILLIC SMALL LETTER A at position 4` (positions count characters from 1), or
// returns "" when the set allows every character of s. A letter of another alphabet looks
// like a Latin one in a message, so it is named by its Unicode code point and name.
func (c Charset) Outside(s string) string {
	pos := 0
	for _, r := range s {
		pos++
		if !c.Allows(r) {
			return fmt.Sprintf("%s at position %d", character(r), pos)
		}
	}
	return ""
}

// character names r so that a reader can tell it from a look-alike: printable ASCII as
// itself in quotes, anything else by code point and Unicode name.
func character(r rune) string {
	switch {
	case r == ' ':
		return "a space"
	case r < unicode.MaxASCII && unicode.IsPrint(r):
		return fmt.Sprintf("%q", string(r))
	case unicode.IsControl(r):
		return fmt.Sprintf("U+%04X (a control character)", r)
	}
	if name := runenames.Name(r); name != "" && !strings.HasPrefix(name, "<") {
		return fmt.Sprintf("U+%04X %s", r, name)
	}
	return fmt.Sprintf("U+%04X", r)
}
