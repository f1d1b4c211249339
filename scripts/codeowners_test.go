package scripts_test

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ownerRule is one line of a CODEOWNERS file.
type ownerRule struct {
	line    int
	pattern string
	owners  []string
}

// ownerPattern is the subset of CODEOWNERS patterns the repository's file uses, which
// matches reads exactly: `*`, or a path anchored at the root (a leading /) naming a
// directory (a trailing /) or a file, with `*` matching within one path segment.
var ownerPattern = regexp.MustCompile(`^(\*|/[A-Za-z0-9_.*-]+(/[A-Za-z0-9_.*-]+)*/?)$`)

// ownerName is a user or team (@name, @org/team) or an e-mail address.
var ownerName = regexp.MustCompile(`^(@[A-Za-z0-9-]+(/[A-Za-z0-9_.-]+)?|[^@\s]+@[^@\s]+)$`)

func parseCodeOwners(t *testing.T, text string) []ownerRule {
	t.Helper()
	var rules []ownerRule
	for i, line := range strings.Split(text, "\n") {
		if before, _, found := strings.Cut(line, "#"); found {
			line = before
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		require.Regexp(t, ownerPattern, fields[0], "line %d: a pattern this test cannot read as GitHub does", i+1)
		for _, o := range fields[1:] {
			assert.Regexp(t, ownerName, o, "line %d: not an owner", i+1)
		}
		rules = append(rules, ownerRule{line: i + 1, pattern: fields[0], owners: fields[1:]})
	}
	return rules
}

// matches reports whether a CODEOWNERS pattern of the subset ownerPattern allows applies
// to file, a path from the repository's root without a leading slash.
func (r ownerRule) matches(file string) bool {
	if r.pattern == "*" {
		return true
	}
	p := strings.TrimPrefix(r.pattern, "/")
	if strings.HasSuffix(p, "/") {
		return strings.HasPrefix(file, p)
	}
	ok, err := path.Match(p, file)
	return err == nil && ok
}

// ownersOf are the owners of file: those of the last rule that matches it, as GitHub reads
// the file.
func ownersOf(rules []ownerRule, file string) ([]string, int) {
	for i := len(rules) - 1; i >= 0; i-- {
		if rules[i].matches(file) {
			return rules[i].owners, rules[i].line
		}
	}
	return nil, 0
}

// TestCodeOwnersCoverWhatDecidesTheAccount: every file under the paths that decide the
// account's permissions, and the pipeline that applies them, has a code owner, so a
// change to it needs their review once main requires code-owner review.
func TestCodeOwnersCoverWhatDecidesTheAccount(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", ".github", "CODEOWNERS"))
	require.NoError(t, err)
	rules := parseCodeOwners(t, string(text))
	covered := 0
	for _, dir := range []string{"iampolicy", "rules", "policypack", "components", ".github", "scripts", "tools"} {
		err := filepath.WalkDir(filepath.Join("..", dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			file := filepath.ToSlash(strings.TrimPrefix(p, ".."+string(filepath.Separator)))
			owners, line := ownersOf(rules, file)
			assert.NotEmpty(t, owners, "%s has no code owner (last matching line: %d)", file, line)
			covered++
			return nil
		})
		require.NoError(t, err, dir)
	}
	assert.Greater(t, covered, 20, "the walk found the repository's files")
	for _, file := range []string{"go.mod", "go.sum", "Pulumi.yaml", "Pulumi.production.yaml", "Pulumi.a-new-stack.yaml"} {
		owners, line := ownersOf(rules, file)
		assert.NotEmpty(t, owners, "%s has no code owner (last matching line: %d)", file, line)
	}
}

// TestCodeOwnersMatcher: the matcher reads the patterns as GitHub does, or the coverage
// test above would prove nothing.
func TestCodeOwnersMatcher(t *testing.T) {
	rules := parseCodeOwners(t, "*  @acme/all\n/iampolicy/  @acme/iam\n/Pulumi.*.yaml  @acme/stacks\n/scripts/  \n")
	for file, want := range map[string]string{
		"main.go":                         "@acme/all",
		"iampolicy/canned.go":             "@acme/iam",
		"iampolicy/testdata/console.json": "@acme/iam",
		"internal/iampolicy/x.go":         "@acme/all", // anchored at the root
		"Pulumi.staging.yaml":             "@acme/stacks",
		"Pulumi.yaml":                     "@acme/all",
		"scripts/check-environments.sh":   "", // a later line without owners un-owns
	} {
		owners, _ := ownersOf(rules, file)
		assert.Equal(t, want, strings.Join(owners, " "), file)
	}
}
