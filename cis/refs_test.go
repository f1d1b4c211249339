package cis

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	// unversioned is a CIS id without the version it belongs to ("CIS" and a bare id), the
	// numbering of v1.4.0 to v3.0.0 that no auditor on v5.0.0 can match.
	unversioned = regexp.MustCompile(`CIS( AWS Foundations)?( Benchmark)? [0-9]+\.[0-9]`)
	// single is one v5.0.0 id with its v7.0.0 id, as Ref writes it.
	single = regexp.MustCompile(`CIS v5\.0\.0 ([0-9.]*[0-9]) \((v7\.0\.0 ([0-9.]*[0-9])|not in v7\.0\.0)\)`)
	// cited is any v5.0.0 citation, for its first id.
	cited = regexp.MustCompile(`CIS v5\.0\.0 ([0-9.]*[0-9])`)
)

// TestRepositoryCitesVersionedIDs: every CIS id in the repository's code, docs, goldens and
// pack names its version, and every "CIS v5.0.0 X (v7.0.0 Y)" pairs ids as the table does,
// so no renumbering can leave an old id or a wrong pair behind.
func TestRepositoryCitesVersionedIDs(t *testing.T) {
	root := ".."
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".md", ".yaml", ".yml", ".json":
		default:
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		text := string(raw)
		for _, m := range unversioned.FindAllString(text, -1) {
			t.Errorf("%s: %q names no CIS version; write %s", path, m, "CIS v5.0.0 <id> (v7.0.0 <id>)")
		}
		for _, m := range single.FindAllStringSubmatch(text, -1) {
			c, ok := Lookup(m[1])
			if !assert.True(t, ok, "%s: %q: no v5.0.0 recommendation %s", path, m[0], m[1]) {
				continue
			}
			want := "not in v7.0.0"
			if c.V7 != "" {
				want = "v7.0.0 " + c.V7
			}
			assert.Equal(t, want, m[2], "%s: %q", path, m[0])
		}
		for _, m := range cited.FindAllStringSubmatch(text, -1) {
			_, ok := Lookup(strings.TrimSuffix(m[1], "."))
			assert.True(t, ok, "%s: %q: no v5.0.0 recommendation %s", path, m[0], m[1])
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, files, 100, "the walk reached the repository")
}
