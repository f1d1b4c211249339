package plan_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/plan"
)

// comment is a pull request comment as scripts/plan-diff.sh writes it: per stack, changes,
// then a folded line diff in a ~~~ fence holding the plan's own ``` fences.
func comment(stacks ...string) string {
	var b strings.Builder
	b.WriteString("<!-- secure-aws-plan-diff -->\n## Offline plan diff\n")
	for _, s := range stacks {
		fmt.Fprintf(&b, "### %s\n**1 to create, 2 to update, 0 to replace, 0 to delete.**\n\n<details><summary>The plan, line by line</summary>\n\n~~~diff\n--- base/%s\n+++ head/%s\n", s, s, s)
		for i := range 200 {
			fmt.Fprintf(&b, "@@ -%d,3 +%d,3 @@ ### policy `p%d`\n ```json\n-  \"Action\": \"s3:GetObject\",\n+  \"Action\": \"s3:PutObject\",\n ```\n", i, i, i)
		}
		b.WriteString("~~~\n\n</details>\n")
	}
	return b.String()
}

// balanced reports whether every ~~~ fence and every <details> of md is closed, and no
// ``` fence is open outside the ~~~ ones.
func balanced(md string) bool {
	tilde, backtick, details := false, false, 0
	for line := range strings.Lines(md) {
		switch {
		case strings.HasPrefix(line, "~~~"):
			tilde = !tilde
		case !tilde && strings.HasPrefix(line, "```"):
			backtick = !backtick
		case !tilde && !backtick:
			details += strings.Count(line, "<details") - strings.Count(line, "</details>")
		}
	}
	return !tilde && !backtick && details == 0
}

// TestCutCommentFits: a comment within the limit is posted as written.
func TestCutCommentFits(t *testing.T) {
	md := comment("staging")
	assert.Equal(t, md, plan.CutComment(md, len(md)))
}

// TestCutCommentClosesWhatIsOpen: cut inside a stack's folded line diff, the comment ends
// at a line, closes the diff's fence and the <details>, stays within the limit, and says
// what is not shown (the rest of that stack, the stacks after it) and where the whole
// comment is. At any limit.
func TestCutCommentClosesWhatIsOpen(t *testing.T) {
	md := comment("staging", "production")
	require.True(t, balanced(md))
	got := plan.CutComment(md, len(md)/3)
	assert.LessOrEqual(t, len(got), len(md)/3)
	assert.True(t, balanced(got), "every fence and <details> closed:\n%s", got[max(0, len(got)-600):])
	assert.Contains(t, got, "not shown are the rest of `### staging`, `### production`.")
	assert.Contains(t, got, "The whole comment is the `"+plan.CommentArtifact+"` artifact of this workflow run")
	body, _, _ := strings.Cut(got, "~~~\n\n</details>\n\n---\n")
	assert.True(t, strings.HasPrefix(md, body), "the cut is at a line of the comment, then closes the fence and the <details>")
	assert.True(t, strings.HasPrefix(got, "<!-- secure-aws-plan-diff -->\n"), "the marker the comment job finds it by stays first")

	for limit := 2000; limit < len(md); limit += 997 {
		got := plan.CutComment(md, limit)
		assert.LessOrEqual(t, len(got), limit, limit)
		assert.True(t, balanced(got), "limit %d", limit)
		assert.Contains(t, got, "**This comment is cut**", limit)
	}
}

// TestCutCommentBetweenStacks: a cut after a stack's section ends names only the stacks
// after it, and closes nothing.
func TestCutCommentBetweenStacks(t *testing.T) {
	one := comment("staging")
	md := comment("staging", "production")
	got := plan.CutComment(md, len(one)+600)
	assert.True(t, balanced(got))
	assert.Contains(t, got, "not shown are the rest of `### production`.")
	assert.NotContains(t, got, "`### staging`")
}
