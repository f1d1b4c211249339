package config_test

import (
	"fmt"
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
	"allowKeybase": false,
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

// names reports whether the README row key k names path: exactly, or as an abbreviation
// (…x names every path ending in .x), a list's [] aside.
func names(k, path string) bool {
	k, path = strings.TrimSuffix(k, "[]"), strings.TrimSuffix(path, "[]")
	suffix, abbreviated := strings.CutPrefix(k, "…")
	rest, found := strings.CutSuffix(path, suffix)
	return k == path || abbreviated && found && (rest == "" || strings.HasSuffix(rest, "."))
}

// readmeRow is one row of the README's configuration reference, for one of its keys.
type readmeRow struct {
	cells []string // key names, type, default, meaning
	index int      // which of the row's keys this is
}

// reference is the configuration reference, which the README links to.
var reference = filepath.Join("..", "..", "docs", "configuration.md")

// readmeRows reads the configuration reference (docs/configuration.md): each row's key
// names (a leading … abbreviates a path's start; `.b` or `b` after `a.x` in one cell is
// `a.b`) and its text.
func readmeRows(t *testing.T) map[string]readmeRow {
	t.Helper()
	b, err := os.ReadFile(reference)
	require.NoError(t, err)
	text := string(b)
	start := strings.Index(text, "\n## Reference\n")
	require.GreaterOrEqual(t, start, 0, "%s has a section ## Reference", reference)
	start++
	rows := map[string]readmeRow{}
	code := regexp.MustCompile("`([^`]+)`")
	for _, line := range strings.Split(text[start:], "\n")[4:] {
		if !strings.HasPrefix(line, "| `") {
			break
		}
		cells := strings.Split(line, " | ")
		last := ""
		for i, m := range code.FindAllStringSubmatch(cells[0], -1) {
			k := strings.TrimPrefix(m[1], config.Project+":")
			if last != "" && (strings.HasPrefix(k, ".") || !strings.ContainsAny(k, ".:[")) {
				k = last[:strings.LastIndex(last, ".")+1] + strings.TrimPrefix(k, ".")
			}
			rows[k] = readmeRow{cells: cells, index: i}
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
	documented := func(path string) bool {
		dot := strings.LastIndex(path, ".")
		for k, row := range rows {
			if names(k, path) || dot > 0 && names(k, path[:dot]) && strings.Contains(row.cells[len(row.cells)-1], "`"+path[dot+1:]+"`") {
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
		assert.True(t, documented(p), "the configuration reference (docs/configuration.md) does not document %s: add its row", config.Project+":"+p)
	}
	assert.False(t, documented("apps[].noSuchSetting"), "the check can fail")
}

// TestREADMEDefaultsAreTheConfigurations: each default the README's reference states (a
// value in backticks) is the one the configuration applies; a default changed in
// defaults.go without the README fails here.
func TestREADMEDefaultsAreTheConfigurations(t *testing.T) {
	base := baseConfig()
	delete(base, "secure-aws:credentialsAsPulumiSecrets")
	cfg, err := config.Load("production", config.MapGetter(map[string]string{
		"aws:region":            base["aws:region"],
		"aws:allowedAccountIds": base["aws:allowedAccountIds"],
		"secure-aws:account":    `{"manage":true,"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},"alias":"acme-corp","trail":{"bucket":"acme-trail"}}`,
		"secure-aws:ci":         `{"repository":"acme/x","ownerId":1,"repositoryId":2}`,
		"secure-aws:buckets":    `[{"name":"acme-assets"}]`,
		"secure-aws:apps":       `[{"name":"a","grants":[{"bucket":"acme-assets"}]}]`,
		"secure-aws:backups":    `[{"bucket":"acme-backups"}]`,
	}))
	require.NoError(t, err)
	top := map[string]reflect.Value{
		"account": reflect.ValueOf(cfg.Account), "adminGroup": reflect.ValueOf(cfg.AdminGroup),
		"developerGroup": reflect.ValueOf(cfg.DeveloperGroup), "apps": reflect.ValueOf(cfg.Apps),
		"backups": reflect.ValueOf(cfg.Backups), "ci": reflect.ValueOf(*cfg.CI), "quotas": reflect.ValueOf(cfg.Quotas),
		"credentialsAsPulumiSecrets": reflect.ValueOf(cfg.CredentialsAsPulumiSecrets),
		"allowKeybase":               reflect.ValueOf(cfg.AllowKeybase),
	}
	plain, err := config.Load("staging", config.MapGetter(map[string]string{"aws:region": base["aws:region"], "aws:allowedAccountIds": base["aws:allowedAccountIds"]}))
	require.NoError(t, err)
	bare := map[string]reflect.Value{"account": reflect.ValueOf(plain.Account)}
	var all []string
	for k := range keyTypes {
		all = append(all, settingPaths(k, reflect.TypeOf(keyTypes[k]))...)
	}
	code := regexp.MustCompile("`([^`]+)`")
	valuesOnly := regexp.MustCompile("^`[^`]+`( / `[^`]+`)*$")
	set := map[string]bool{"account.manage": true, "account.alias": true, "account.trail.bucket": true,
		"ci.repository": true, "ci.ownerId": true, "ci.repositoryId": true}
	checked := 0
	for k, row := range readmeRows(t) {
		path := k
		if strings.HasPrefix(k, "…") {
			matches := slices.DeleteFunc(slices.Clone(all), func(p string) bool { return !names(k, p) })
			if len(matches) != 1 {
				continue
			}
			path = matches[0]
		}
		source := top
		if set[path] {
			source = bare // what this test sets to reach the others, read where it is not set
		}
		v, ok := settingValue(source, path)
		keys, defaults := code.FindAllString(row.cells[0], -1), code.FindAllStringSubmatch(row.cells[2], -1)
		if !ok || !valuesOnly.MatchString(row.cells[2]) || len(defaults) != len(keys) && len(defaults) != 1 {
			continue // a default in words: "required", "none (no trail)"
		}
		want := defaults[0][1]
		if len(defaults) == len(keys) {
			want = defaults[row.index][1] // `a` / `.b` with `x` / `y`
		}
		assert.Equal(t, want, v, "the configuration reference's default of %s", config.Project+":"+path)
		checked++
	}
	assert.Greater(t, checked, 25, "the defaults were read")
}

// settingValue formats the value the configuration holds at path, a scalar or a list of
// scalars; the first element of a list of objects stands for all.
func settingValue(top map[string]reflect.Value, path string) (string, bool) {
	segments := strings.Split(strings.ReplaceAll(path, "[]", ".[]"), ".")
	v, ok := top[segments[0]]
	for _, seg := range segments[1:] {
		if !ok {
			return "", false
		}
		if seg == "[]" {
			if v.Kind() != reflect.Slice || v.Len() == 0 {
				return "", false
			}
			v = v.Index(0)
			continue
		}
		v, ok = field(v, seg)
	}
	if !ok {
		return "", false
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int64, reflect.String:
		return fmt.Sprint(v.Interface()), true
	case reflect.Slice:
		if s, isStrings := v.Interface().([]string); isStrings {
			return "[" + strings.Join(s, ", ") + "]", true
		}
	}
	return "", false
}

// field is the struct field named name in JSON, embedded structs included.
func field(v reflect.Value, name string) (reflect.Value, bool) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name {
			return v.Field(i), true
		}
		if f.Anonymous && tag == "" {
			if got, ok := field(v.Field(i), name); ok {
				return got, true
			}
		}
	}
	return reflect.Value{}, false
}
