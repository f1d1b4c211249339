// Package docs_test holds the user documentation (README.md, CONTRIBUTING.md, docs/*.md)
// to the repository: every relative link resolves, and every YAML snippet of a recipe
// pastes into a stack file as its first line says and loads.
package docs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
)

// markdownFiles are the documents a user reads, relative to the repository's root.
func markdownFiles(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(fixtures.RepoRoot(), "docs", "*.md"))
	require.NoError(t, err)
	files := []string{"README.md", "CONTRIBUTING.md"}
	for _, d := range docs {
		files = append(files, filepath.Join("docs", filepath.Base(d)))
	}
	return files
}

func read(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures.RepoRoot(), file))
	require.NoError(t, err)
	return string(b)
}

// block is a fenced code block of a Markdown file.
type block struct {
	lang    string
	lines   []string // without the fence's indentation
	line    int      // of the opening fence, from 1
	section string   // the heading it is under
}

var fence = regexp.MustCompile("^( *)```(\\w*)\\s*$")

// split returns a Markdown text's prose (code blocks blanked) and its code blocks.
func split(text string) (string, []block) {
	var prose []string
	var blocks []block
	var open *block
	indent, section := "", ""
	for i, line := range strings.Split(text, "\n") {
		if m := fence.FindStringSubmatch(line); m != nil {
			if open == nil {
				open, indent = &block{lang: m[2], line: i + 1, section: section}, m[1]
			} else {
				blocks = append(blocks, *open)
				open = nil
			}
			prose = append(prose, "")
			continue
		}
		if open != nil {
			open.lines = append(open.lines, strings.TrimPrefix(line, indent))
			prose = append(prose, "")
			continue
		}
		if strings.HasPrefix(line, "#") {
			section = line
		}
		prose = append(prose, line)
	}
	return strings.Join(prose, "\n"), blocks
}

// anchors are the fragment ids GitHub gives a Markdown file's headings.
func anchors(text string) map[string]bool {
	prose, _ := split(text)
	drop := regexp.MustCompile(`[^\p{L}\p{N} _-]`)
	seen := map[string]int{}
	out := map[string]bool{}
	for _, line := range strings.Split(prose, "\n") {
		heading, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " ")
		if !ok || !strings.HasPrefix(line, "#") {
			continue
		}
		slug := strings.ReplaceAll(drop.ReplaceAllString(strings.ToLower(strings.TrimSpace(heading)), ""), " ", "-")
		if n := seen[slug]; n > 0 {
			out[fmt.Sprintf("%s-%d", slug, n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	return out
}

// TestLinksResolve: every relative link of the documents points at a file or directory of
// the repository, and a link to a heading (#...) at one that exists.
func TestLinksResolve(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	checked := 0
	for _, file := range markdownFiles(t) {
		prose, _ := split(read(t, file))
		for _, m := range link.FindAllStringSubmatch(prose, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, fragment, _ := strings.Cut(target, "#")
			resolved := file
			if path != "" {
				resolved = filepath.Join(filepath.Dir(file), path)
				_, err := os.Stat(filepath.Join(fixtures.RepoRoot(), resolved))
				if !assert.NoError(t, err, "%s links to %s, which does not exist", file, target) {
					continue
				}
			}
			if fragment != "" && strings.HasSuffix(resolved, ".md") {
				assert.True(t, anchors(read(t, resolved))[fragment], "%s links to %s: %s has no heading #%s", file, target, resolved, fragment)
			}
			checked++
		}
	}
	assert.Greater(t, checked, 20, "the links were found")
	assert.False(t, anchors("# A\n## Rotate a key\n")["rotate-a-key-1"], "the check can fail")
}

// A recipe's YAML snippet says on its first line where it goes, in one of three ways:
//
//	# In Pulumi.staging.yaml, append under secure-aws:apps:
//	# In Pulumi.staging.yaml, add to the entry "- name: my-application" under secure-aws:apps:
//	# Pulumi.production.yaml, the whole file
var (
	appendTo  = regexp.MustCompile(`^# In (Pulumi\.[\w-]+\.yaml)[^,]*, append under ([\w:-]+):$`)
	addTo     = regexp.MustCompile(`^# In (Pulumi\.[\w-]+\.yaml)[^,]*, add to the entry "([^"]+)" under ([\w:-]+):$`)
	wholeFile = regexp.MustCompile(`^# (Pulumi\.[\w-]+\.yaml), the whole file$`)
	// placeholder is a value a reader replaces: PGP-KEY.
	placeholder = regexp.MustCompile(`\b[A-Z]+(?:-[A-Z]+)+\b`)
)

// placeholders are the values a snippet may leave to the reader, each with the command
// that makes the real value (named in the line's comment), and what the test puts in.
func placeholders(t *testing.T) map[string]struct{ command, value string } {
	t.Helper()
	key := regexp.MustCompile(`(?m)^\s+pgpKey: (\S+)$`).FindStringSubmatch(read(t, filepath.Join("testdata", "examples", "Pulumi.staging.yaml")))
	require.NotNil(t, key, "the example stack file has a pgpKey")
	return map[string]struct{ command, value string }{"PGP-KEY": {"gpg --export FINGERPRINT", key[1]}}
}

// paste puts snippet into the stack file text as header says, as a reader would with an
// editor: appended at the end of the key's list (the key added under config: when the file
// has none), or at the end of the entry (the entry's own lines kept, so a snippet shows only
// what to add), or as the whole file.
func paste(t *testing.T, text string, header []string, snippet []string) string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	indent := func(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
	// end returns the index of the first line after from that is not blank and is indented
	// at most depth.
	end := func(from, depth int) int {
		for i := from + 1; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) != "" && indent(lines[i]) <= depth {
				return i
			}
		}
		return len(lines)
	}
	keyLine := func(key string) int {
		for i, l := range lines {
			if l == "  "+key+":" {
				return i
			}
		}
		return -1
	}
	var out []string
	switch {
	case wholeFile.MatchString(header[0]):
		out = snippet
	case appendTo.MatchString(header[0]):
		key := header[2]
		k := keyLine(key)
		if k < 0 {
			out = append(append(lines, "  "+key+":"), snippet...)
			break
		}
		e := end(k, 2)
		out = append(append(append([]string{}, lines[:e]...), snippet...), lines[e:]...)
	default:
		entry, key := header[2], header[3]
		k := keyLine(key)
		require.GreaterOrEqual(t, k, 0, "the stack file has %s", key)
		start := -1
		for i := k + 1; i < end(k, 2); i++ {
			if strings.TrimSpace(lines[i]) == entry {
				start = i
				break
			}
		}
		require.GreaterOrEqual(t, start, 0, "the stack file has the entry %q under %s", entry, key)
		e := end(start, indent(lines[start]))
		out = append(append(append([]string{}, lines[:e]...), snippet...), lines[e:]...)
	}
	return strings.Join(out, "\n") + "\n"
}

// TestSnippetsPaste: every YAML snippet of the documents is valid YAML without duplicate
// keys; one that sets stack settings says where it goes, and, pasted there into a copy of
// the example stack files (after the snippets before it in the same section), loads
// through the configuration loader and the program and follows every mandatory rule. A
// placeholder is named with the command that makes its value.
func TestSnippetsPaste(t *testing.T) {
	known := placeholders(t)
	pasted := 0
	for _, file := range markdownFiles(t) {
		_, blocks := split(read(t, file))
		var dir, section string
		for _, b := range blocks {
			if b.lang != "yaml" {
				continue
			}
			where := fmt.Sprintf("%s:%d", file, b.line)
			text := strings.Join(b.lines, "\n")
			var header []string
			for _, re := range []*regexp.Regexp{appendTo, addTo, wholeFile} {
				if m := re.FindStringSubmatch(b.lines[0]); m != nil {
					header = m
				}
			}
			if header == nil {
				assert.NotContains(t, text, "secure-aws:", "%s: a snippet of stack settings says where it goes on its first line, e.g. # In Pulumi.staging.yaml, append under secure-aws:apps:", where)
				var v any
				assert.NoError(t, yaml.Unmarshal([]byte(text), &v), "%s: not valid YAML", where)
				continue
			}
			snippet := b.lines[1:]
			for i, l := range snippet {
				value, comment, _ := strings.Cut(l, "#")
				for _, p := range placeholder.FindAllString(value, -1) {
					k, ok := known[p]
					if !assert.True(t, ok, "%s: %s is no known placeholder; give a real value, or one of the placeholders this test knows", where, p) {
						continue
					}
					assert.Contains(t, comment, k.command, "%s: the line with %s names the command that makes its value (%s)", where, p, k.command)
					snippet[i] = strings.ReplaceAll(snippet[i], p, k.value)
				}
				assert.NotContains(t, value, "...", "%s: an elided value does not paste; use a placeholder", where)
			}
			var v any
			if !assert.NoError(t, yaml.Unmarshal([]byte(strings.Join(snippet, "\n")), &v), "%s: not valid YAML", where) {
				continue
			}
			if dir == "" || section != file+b.section {
				dir, section = fixtures.Examples(t), file+b.section
			}
			stackFile := filepath.Join(dir, header[1])
			before, err := os.ReadFile(stackFile)
			require.NoError(t, err, "%s: pastes into %s, which the examples do not have", where, header[1])
			after := paste(t, string(before), header, snippet)
			require.NoError(t, os.WriteFile(stackFile, []byte(after), 0o644))
			stack := strings.TrimSuffix(strings.TrimPrefix(header[1], "Pulumi."), ".yaml")
			p, err := plan.Run(dir, stack)
			if assert.NoError(t, err, "%s, pasted into %s:\n%s", where, header[1], after) {
				assert.Zero(t, p.MandatoryViolations(), "%s: the stack follows every mandatory rule", where)
				assert.NotEqual(t, string(before), after, "%s changes the stack file", where)
			}
			pasted++
		}
	}
	assert.GreaterOrEqual(t, pasted, 4, "the recipes' snippets were found")
}

// TestCodeNamesExistingSections: a message or comment of the code that sends the reader to
// a section of the README by name (README, 'Manual steps'; README: "What is protected...")
// names a heading the README has, so moving a section cannot strand a message.
func TestCodeNamesExistingSections(t *testing.T) {
	ref := regexp.MustCompile(`README[,:] \\?['"]([^'"\\]+)\\?['"]`)
	prose, _ := split(read(t, "README.md"))
	var headings []string
	for _, line := range strings.Split(prose, "\n") {
		if strings.HasPrefix(line, "#") {
			headings = append(headings, strings.TrimSpace(strings.TrimLeft(line, "#")))
		}
	}
	found := 0
	err := filepath.WalkDir(fixtures.RepoRoot(), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && d.Name() != ".github" {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, "_test.go") || !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".sh") && !strings.HasSuffix(path, ".yml") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			found++
			named := false
			for _, h := range headings {
				named = named || strings.HasPrefix(h, m[1])
			}
			assert.True(t, named, "%s sends the reader to the README's section %q, which the README does not have", path, m[1])
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, found, 2, "the references were found")
}

// TestREADMEReadsInTenMinutes: the README stays a guide (under 350 lines; the reference and
// the rationale live in docs/), and its first screen holds the quick start: at most five
// commands, within the first 30 lines.
func TestREADMEReadsInTenMinutes(t *testing.T) {
	text := read(t, "README.md")
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	assert.Less(t, len(lines), 350, "README.md has %d lines: move reference or rationale to docs/", len(lines))
	_, blocks := split(text)
	var quick *block
	for i, b := range blocks {
		if strings.Contains(b.section, "Quick start") {
			quick = &blocks[i]
			break
		}
	}
	require.NotNil(t, quick, "the README has a quick start with its commands in a code block")
	assert.LessOrEqual(t, quick.line+len(quick.lines)+1, 30, "the quick start ends within the first screen (30 lines)")
	assert.LessOrEqual(t, len(quick.lines), 5, "the quick start has at most five lines")
}
