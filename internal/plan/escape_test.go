package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestNamesPrintNoMarkdown: a name a pull request chooses is printed as itself: it ends no
// code span, opens no HTML comment, splits no table cell and starts no line.
func TestNamesPrintNoMarkdown(t *testing.T) {
	for name, tc := range map[string]struct{ in, code, cell, text string }{
		"plain":      {"audit", "`audit`", "`audit`", "audit"},
		"a newline":  {"audit\n<!--", "`audit\\n<!--`", "`audit\\n<!--`", `audit\n&lt;!--`},
		"a backtick": {"a`b", "``a`b``", "``a`b``", "a\\`b"},
		"edges":      {"`a", "`` `a ``", "`` `a ``", "\\`a"},
		"a pipe":     {"a|b", "`a|b`", "`a\\|b`", `a\|b`},
		"html":       {"<b>x</b>", "`<b>x</b>`", "`<b>x</b>`", "&lt;b&gt;x&lt;/b&gt;"},
	} {
		assert.Equal(t, tc.code, code(tc.in), name)
		assert.Equal(t, tc.cell, cell(tc.in), name)
		assert.Equal(t, tc.text, mdText(tc.in), name)
	}
}
