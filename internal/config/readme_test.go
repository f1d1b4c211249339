package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/spec"
)

// keyTypes is what each top-level key decodes into (config.Load).
var keyTypes = map[string]any{
	"environment": "", "account": config.Account{}, "adminGroup": config.GroupSettings{}, "admins": []spec.ConsoleUser{},
	"developerGroup": config.GroupSettings{}, "developers": []spec.ConsoleUser{}, "buckets": []config.Bucket{},
	"externalBuckets": []string{}, "apps": []spec.Principal{}, "thirdParties": []spec.Principal{},
	"backups": []spec.Backup{}, "ci": config.CI{}, "quotas": config.Quotas{}, "credentialsAsPulumiSecrets": false,
}

// settingPaths lists every setting a stack file can hold, as the README names them:
// account.trail.bucket, apps[].grants[].prefix, ...
func settingPaths(prefix string, t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Struct {
			return settingPaths(prefix+"[]", t.Elem())
		}
	case reflect.Struct:
		var out []string
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case f.Anonymous && name == "":
				out = append(out, settingPaths(prefix, f.Type)...)
			case name != "" && name != "-":
				out = append(out, settingPaths(prefix+"."+name, f.Type)...)
			case name == "" && f.IsExported():
				// encoding/json decodes it by its Go name: a setting nobody meant to name.
				out = append(out, prefix+"."+f.Name+" (no json tag)")
			}
		}
		return out
	}
	return []string{prefix}
}

// readmeRows reads the README's configuration reference: each row's key names (a
// leading … abbreviates a path's start; `.b` or `b` after `a.x` in one cell is `a.b`)
// and its text.
func readmeRows(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	text := string(b)
	start := strings.Index(text, "### Reference")
	require.GreaterOrEqual(t, start, 0, "the README has a configuration reference")
	rows := map[string]string{}
	code := regexp.MustCompile("`([^`]+)`")
	for _, line := range strings.Split(text[start:], "\n")[4:] {
		if !strings.HasPrefix(line, "| `") {
			break
		}
		cells := strings.Split(line, " | ")
		last := ""
		for _, m := range code.FindAllStringSubmatch(cells[0], -1) {
			k := strings.TrimPrefix(m[1], config.Project+":")
			if last != "" && (strings.HasPrefix(k, ".") || !strings.ContainsAny(k, ".:[")) {
				k = last[:strings.LastIndex(last, ".")+1] + strings.TrimPrefix(k, ".")
			}
			rows[k] = line
			last = k
		}
	}
	return rows
}

// TestREADMEDocumentsEverySetting: every setting a stack file can hold, found from the
// configuration's types, has a row in the README's reference, or is named in its parent's
// row; a new field without documentation fails here.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range keyTypes {
			if !yield(k) {
				return
			}
		}
	})
	assert.ElementsMatch(t, config.Keys, keys, "keyTypes lists every key of config.Keys")
	rows := readmeRows(t)
	// names reports whether the row key k names path: exactly, or as an abbreviation
	// (…x names every path ending in .x), a list's [] aside.
	names := func(k, path string) bool {
		k, path = strings.TrimSuffix(k, "[]"), strings.TrimSuffix(path, "[]")
		suffix, abbreviated := strings.CutPrefix(k, "…")
		rest, found := strings.CutSuffix(path, suffix)
		return k == path || abbreviated && found && (rest == "" || strings.HasSuffix(rest, "."))
	}
	documented := func(path string) bool {
		dot := strings.LastIndex(path, ".")
		for k, row := range rows {
			if names(k, path) || dot > 0 && names(k, path[:dot]) && strings.Contains(row, "`"+path[dot+1:]+"`") {
				return true
			}
		}
		return false
	}
	var paths []string
	for _, k := range keys {
		paths = append(paths, settingPaths(k, reflect.TypeOf(keyTypes[k]))...)
	}
	require.Greater(t, len(paths), 40)
	for _, p := range paths {
		assert.True(t, documented(p), "the README's configuration reference does not document %s: add its row", config.Project+":"+p)
	}
	assert.False(t, documented("apps[].noSuchSetting"), "the check can fail")
}
