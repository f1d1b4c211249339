package plan

import (
	"fmt"
	"strings"
)

// CommentArtifact is the name of the plan workflow's artifact that holds the whole pull
// request comment (.github/workflows/plan.yml), which a cut comment points to.
const CommentArtifact = "plan-comment"

// CutComment returns the pull request comment md, whole when it has at most limit bytes,
// else cut at the end of a line so that, with what it closes and its note, it has at most
// limit bytes. GitHub refuses a longer comment (65,536 characters; a byte is at most one
// of them), and a comment cut mid-block would render the rest of the page inside the
// open code fence or folded <details>: the cut closes the fence, then every open
// <details>, and says how much is shown, which stack sections (### headings) it cuts,
// and that the whole comment is the workflow run's artifact and job summary.
func CutComment(md string, limit int) string {
	if len(md) <= limit {
		return md
	}
	var (
		fence   string // the open code fence's marker ("```", "~~~~"), "" outside one
		details int    // <details> opened and not closed, outside fences
		section string // the last ### heading
		best    = -1   // the byte offset of the best cut so far
		closing string // what the best cut closes
		cutIn   string // the section the best cut is in
	)
	note := func(shown int, cut []string) string {
		return fmt.Sprintf("\n---\n\n**This comment is cut** at %d of %d bytes, GitHub's limit: not shown are %s. The whole comment is the `%s` artifact of this workflow run, and its job summary.\n",
			shown, len(md), strings.Join(cut, ", "), CommentArtifact)
	}
	// The note's longest form lists every section: reserving it keeps every cut in limit.
	var sections []string
	for line := range strings.Lines(md) {
		if strings.HasPrefix(line, "### ") {
			sections = append(sections, "the rest of `"+strings.TrimSpace(line)+"`")
		}
	}
	reserve := len(note(len(md), append(sections, "the rest of the comment")))
	offset := 0
	for line := range strings.Lines(md) {
		trimmed := strings.TrimSpace(line)
		switch {
		case fence == "" && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")):
			fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, trimmed[:1]))]
		case fence != "" && strings.Trim(trimmed, fence[:1]) == "" && len(trimmed) >= len(fence):
			fence = ""
		case fence == "":
			details += strings.Count(line, "<details") - strings.Count(line, "</details>")
			if strings.HasPrefix(line, "### ") {
				section = strings.TrimSpace(line)
			}
		}
		offset += len(line)
		if !strings.HasSuffix(line, "\n") {
			break // the last line, unterminated: never a cut (md would fit)
		}
		close := ""
		if fence != "" {
			close = fence + "\n"
		}
		close += strings.Repeat("\n</details>\n", max(details, 0))
		if offset+len(close)+reserve > limit {
			break
		}
		best, closing, cutIn = offset, close, section
	}
	var cut []string
	if cutIn != "" {
		cut = append(cut, "the rest of `"+cutIn+"`")
	}
	after := md[max(best, 0):]
	for line := range strings.Lines(after) {
		if strings.HasPrefix(line, "### ") {
			cut = append(cut, "`"+strings.TrimSpace(line)+"`")
		}
	}
	if len(cut) == 0 {
		cut = append(cut, "the rest of the comment")
	}
	if best < 0 {
		return strings.TrimPrefix(note(0, cut), "\n")
	}
	return md[:best] + closing + note(best, cut)
}
