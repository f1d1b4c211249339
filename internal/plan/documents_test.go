package plan_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
)

// codeBlock returns the first fenced block of text.
func codeBlock(t *testing.T, text string) string {
	t.Helper()
	_, rest, ok := strings.Cut(text, "```")
	require.True(t, ok, "no code block in %q", text)
	_, rest, _ = strings.Cut(rest, "\n")
	body, _, ok := strings.Cut(rest, "\n```")
	require.True(t, ok)
	return body
}

var (
	sharedStatement = regexp.MustCompile(`^(\s*)"shared: (.+)"(,?)$`)
	sharedList      = regexp.MustCompile(`^(\s*)"(Action|NotAction)": "shared: (.+) \((\d+)\)"(,?)$`)
)

// replaced replaces each line that re matches by the lines with gives for its match.
func replaced(lines []string, re *regexp.Regexp, with func(m []string) []string) []string {
	var out []string
	for _, l := range lines {
		if m := re.FindStringSubmatch(l); m != nil {
			out = append(out, with(m)...)
		} else {
			out = append(out, l)
		}
	}
	return out
}

// expanded puts back, in a document as the plan prints it, every shared statement and
// action list the plan names there.
func expanded(t *testing.T, doc string, statements map[string]string, lists map[string][]string) string {
	t.Helper()
	out := replaced(strings.Split(doc, "\n"), sharedStatement, func(m []string) []string {
		text, ok := statements[m[2]]
		require.True(t, ok, "the plan names a shared statement %q it does not print", m[2])
		lines := strings.Split(text, "\n")
		for i := range lines {
			lines[i] = m[1] + lines[i]
		}
		lines[len(lines)-1] += m[3]
		return lines
	})
	out = replaced(out, sharedList, func(m []string) []string {
		actions, ok := lists[m[3]]
		require.True(t, ok, "the plan names a shared list %q it does not print", m[3])
		assert.Equal(t, m[4], fmt.Sprint(len(actions)), "the count of %s", m[3])
		lines := []string{m[1] + `"` + m[2] + `": [`}
		for i, a := range actions {
			comma := ","
			if i == len(actions)-1 {
				comma = ""
			}
			lines = append(lines, m[1]+`  "`+a+`"`+comma)
		}
		return append(lines, m[1]+"]"+m[5])
	})
	return strings.Join(out, "\n")
}

// TestSharedPartsLoseNothing: the plan prints each statement and long action list that
// several places share once, and names it where it stands; put back, every document is
// the one the program registers, byte for byte (as indented JSON). For a stack with every
// feature and the example stacks.
func TestSharedPartsLoseNothing(t *testing.T) {
	production, err := plan.Run(fixtures.Examples(t), "production")
	require.NoError(t, err)
	for name, p := range map[string]*plan.Plan{"everything": everythingPlan(t), "production": production} {
		t.Run(name, func(t *testing.T) {
			md := p.Markdown()
			_, policies, ok := strings.Cut(md, "\n## IAM and bucket policy documents\n")
			require.True(t, ok)
			statements, lists := map[string]string{}, map[string][]string{}
			sharedLines := 0
			for _, part := range strings.Split(policies, "\n### ")[1:] {
				heading, body, _ := strings.Cut(part, "\n")
				switch heading {
				case "Shared statements", "Shared action lists":
					for _, entry := range strings.Split(body, "\n#### ")[1:] {
						entryName, entryBody, _ := strings.Cut(entry, "\n")
						block := codeBlock(t, entryBody)
						sharedLines += strings.Count(block, "\n") + 1
						if heading == "Shared statements" {
							statements[entryName] = block
						} else {
							lists[entryName] = strings.Split(block, "\n")
						}
					}
				}
			}
			if name == "production" {
				assert.True(t, slices.ContainsFunc(slices.Collect(maps.Keys(lists)), func(k string) bool { return strings.HasPrefix(k, "DenyDestructiveS3Actions.Action#") }), "the destructive deny list is shared")
				assert.Equal(t, 1, strings.Count(md, "\"s3:PutBucketRequestPayment\""+"\n")+strings.Count(md, "\ns3:PutBucketRequestPayment\n"), "each action of the deny list is printed once")
			}
			seen := 0
			for _, r := range p.Resources {
				for _, k := range []string{"policy", "assumeRolePolicy"} {
					text := r.Input(k)
					if text == "" {
						continue
					}
					seen++
					title := r.Input("name")
					if title == "" {
						title = r.Input("bucket")
					}
					heading := fmt.Sprintf("\n### %s `%s` (%s %s)\n", k, title, r.Type, r.Name)
					_, rest, ok := strings.Cut(md, heading)
					require.True(t, ok, "no %s", heading)
					var want bytes.Buffer
					require.NoError(t, json.Indent(&want, []byte(text), "", "  "))
					assert.Equal(t, want.String(), expanded(t, codeBlock(t, rest), statements, lists), "%s", heading)
				}
			}
			assert.Positive(t, seen)
		})
	}
}
