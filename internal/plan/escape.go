package plan

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// code renders s, a name a pull request chooses (a resource's name or type, an input),
// as a Markdown code span that shows s and nothing else: a control character is written
// as its Go escape (a newline would end the span's paragraph and let the rest of the name
// be Markdown, an HTML comment that hides the rest of the comment), the span's fence is
// longer than any run of backticks in s, and `<`, `>` stay literal inside a code span.
func code(s string) string {
	s = oneLine(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// cell is code(s) in a table row: GitHub splits a row at every `|` not escaped, in code
// spans too.
func cell(s string) string {
	return strings.ReplaceAll(code(s), "|", `\|`)
}

// mdText is s, a name, as Markdown text outside a code span: on one line, with `<`, `>`,
// backticks and `|` escaped, so that it opens no HTML, code span or table cell.
func mdText(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;", "`", "\\`", "|", "\\|").Replace(oneLine(s))
}

// oneLine writes each control character of s as its Go escape (`\n`).
func oneLine(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// controlled names the first control character of s, "" when it has none.
func controlled(s string) string {
	if i := strings.IndexFunc(s, unicode.IsControl); i >= 0 {
		return fmt.Sprintf("%q at byte %d", []rune(s[i:])[0], i)
	}
	return ""
}
