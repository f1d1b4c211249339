package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/spec"
)

// Getter reads one raw configuration value by its full key, e.g. "secure-aws:apps".
// Structured values arrive as JSON text, as the Pulumi engine passes them to programs.
type Getter func(key string) (string, bool)

// MapGetter reads the values of a stack file (internal/stackfile), keyed as Getter.
func MapGetter(values map[string]string) Getter {
	return func(k string) (string, bool) { v, ok := values[k]; return v, ok }
}

// Keys are the project's configuration keys, without the "secure-aws:" namespace. Each is
// documented in Pulumi.yaml and the README.
var Keys = []string{
	"environment", "account", "adminGroup", "admins", "developerGroup", "developers",
	"buckets", "externalBuckets", "apps", "thirdParties", "backups", "ci", "quotas",
	"credentialsAsPulumiSecrets", "allowKeybase",
}

// Load reads, defaults and validates the configuration of stack. It returns every problem
// at once as an *Error. keys, when the caller knows them, are every key the stack sets: a
// key in the project's namespace that the program does not read is then an error, so a
// typo cannot silently drop a setting.
//
// An empty value ("", {} or []) is the same as no value: Pulumi.yaml declares every key
// with an empty default, because the Pulumi CLI requires every declared key that has no
// default, and then hands those defaults to the program as if the stack had set them.
func Load(stack string, get Getter, keys ...string) (*Config, error) {
	cfg := defaults(stack)
	get = withoutEmpty(get)
	d := decoder{get: get, errs: &Error{Stack: stack, StackFile: cfg.StackFile}, present: map[string]bool{}, failed: map[string]bool{}}
	unknownKeys(keys, d.errs)

	if v, ok := get(key("environment")); ok {
		cfg.Environment = v
	}
	cfg.Region, _ = get("aws:region")
	d.object("aws:allowedAccountIds", &accountIDs{cfg})
	d.object(key("account"), &cfg.Account)
	d.object(key("adminGroup"), &cfg.AdminGroup)
	d.object(key("developerGroup"), &cfg.DeveloperGroup)
	d.object(key("quotas"), &cfg.Quotas)
	d.object(key("credentialsAsPulumiSecrets"), &cfg.CredentialsAsPulumiSecrets)
	d.object(key("allowKeybase"), &cfg.AllowKeybase)
	cfg.Admins = list(d, "admins", zero[spec.ConsoleUser])
	cfg.Developers = list(d, "developers", zero[spec.ConsoleUser])
	cfg.Buckets = list(d, "buckets", zero[Bucket])
	cfg.ExternalBuckets = list(d, "externalBuckets", zero[ExternalBucket])
	cfg.Apps = list(d, "apps", zero[spec.Principal])
	cfg.ThirdParties = list(d, "thirdParties", zero[spec.Principal])
	cfg.Backups = list(d, "backups", defaultBackup)
	if _, ok := get(key("ci")); ok {
		ci := defaultCI()
		d.object(key("ci"), &ci)
		cfg.CI = &ci
	}

	// Validation runs even after decoding errors, so every problem is reported at once;
	// checks that would read a key that failed to decode are skipped.
	applyListDefaults(cfg)
	validate(cfg, d.errs, d.present, d.failed)
	if len(d.errs.Problems) > 0 {
		return nil, d.errs
	}
	return cfg, nil
}

// withoutEmpty reads an empty value ("", {} or [], as text or JSON) as no value.
func withoutEmpty(get Getter) Getter {
	return func(k string) (string, bool) {
		v, ok := get(k)
		if !ok {
			return "", false
		}
		var compact bytes.Buffer
		if json.Compact(&compact, []byte(v)) == nil {
			switch compact.String() {
			case `""`, "{}", "[]":
				return "", false
			}
		}
		return v, v != ""
	}
}

// unknownKeys reports the keys of the project's namespace that are not in Keys, and the
// keys whose namespace looks like a misspelling of this project's, aws or pulumi: the
// engine hands any namespace to the program, so "secure_aws:backups" would otherwise drop
// the backups without a word.
func unknownKeys(keys []string, errs *Error) {
	for _, k := range slices.Sorted(slices.Values(keys)) {
		namespace, name, namespaced := strings.Cut(k, ":")
		if !namespaced {
			continue
		}
		if namespace == "aws" && !slices.Contains(providerKeys, name) {
			errs.add(k, "is a setting of the AWS provider that a stack file may not hold (allowed: aws:%s): provider settings such as endpoints, proxies, insecure or ignoreTags change where requests go and what the provider trusts, out of the plan's sight; a proxy would read every credential AWS returns before it is encrypted", strings.Join(providerKeys, ", aws:"))
			continue
		}
		if namespace != Project {
			if near := misspeltNamespace(namespace); near != "" {
				errs.add(k, "%q is not a namespace this project reads; did you mean %s:%s?", namespace, near, name)
			}
			continue
		}
		if slices.Contains(Keys, name) {
			continue
		}
		msg := "is not a setting of this project"
		if near := nearest(name, Keys); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", key(near))
		} else {
			msg += fmt.Sprintf(" (settings: %s)", strings.Join(Keys, ", "))
		}
		errs.add(k, "%s", msg)
	}
}

// providerKeys are the aws: settings a stack file may hold: where and in which account it
// deploys, and how the runner's credentials are chosen (the program's own AWS reader,
// internal/awsaccount, honours the same). Every other provider setting is refused.
var providerKeys = []string{"region", "allowedAccountIds", "profile", "sharedConfigFiles", "sharedCredentialsFiles", "accessKey", "secretKey", "token", "assumeRole"}

// knownNamespaces are the configuration namespaces the program and its provider read.
var knownNamespaces = []string{Project, "aws", "pulumi"}

// otherPackages are namespaces of other Pulumi packages that look like ours but are not
// misspellings.
var otherPackages = []string{"awsx", "aws-native", "pulumiservice"}

// misspeltNamespace returns the known namespace that namespace misspells, or "": one that
// differs only in case or separators (-, _, .), or by one edit (two for the project's
// longer name), and is not another package's.
func misspeltNamespace(namespace string) string {
	if slices.Contains(knownNamespaces, namespace) || slices.Contains(otherPackages, strings.ToLower(namespace)) {
		return ""
	}
	squash := strings.NewReplacer("-", "", "_", "", ".", "")
	for _, known := range knownNamespaces {
		limit := 1
		if len(known) > 6 {
			limit = 2
		}
		if squash.Replace(strings.ToLower(namespace)) == squash.Replace(known) || editDistance(strings.ToLower(namespace), known) <= limit {
			return known
		}
	}
	return ""
}

// nearest returns the candidate within two edits of s, ignoring case, or "".
func nearest(s string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance of a and b: insertions,
// deletions, substitutions and swaps of neighbours ("asw" for "aws") count one each.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// key returns the full, namespaced name of a project key.
func key(name string) string { return Project + ":" + name }

type decoder struct {
	get     Getter
	errs    *Error
	present map[string]bool // the keys the stack file sets
	failed  map[string]bool // the keys that did not decode, whole or in part
}

// raw reads key k and notes that the stack file sets it.
func (d decoder) raw(k string) (string, bool) {
	v, ok := d.get(k)
	d.present[k] = ok
	return v, ok
}

// object decodes the JSON value of k into target, which already holds the defaults:
// fields the stack file leaves out keep them. Unknown fields are errors, so a misspelt
// setting is reported instead of silently ignored.
func (d decoder) object(k string, target any) {
	raw, ok := d.raw(k)
	if !ok {
		return
	}
	if err := strictUnmarshal(raw, target); err != nil {
		d.errs.add(k, "%s", describeJSONError(err))
		d.failed[k] = true
	}
}

// list decodes a list of objects, each element on top of its own defaults.
func list[T any](d decoder, name string, defaults func() T) []T {
	k := key(name)
	raw, ok := d.raw(k)
	if !ok {
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &items); err != nil {
		d.errs.add(k, "must be a list of mappings: %s", describeJSONError(err))
		d.failed[k] = true
		return nil
	}
	out := make([]T, 0, len(items))
	for i, item := range items {
		v := defaults()
		if err := strictUnmarshal(string(item), &v); err != nil {
			d.errs.add(fmt.Sprintf("%s[%d]", k, i), "%s", describeJSONError(err))
			d.failed[k] = true
			continue
		}
		out = append(out, v)
	}
	return out
}

// zero is the defaults of list elements that have none.
func zero[T any]() T {
	var v T
	return v
}

func strictUnmarshal(raw string, target any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(target); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("unexpected data after the value")
	}
	return nil
}

// describeJSONError rewords encoding/json errors for people editing YAML.
func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		where := fieldPath(typeErr.Field)
		if where == "" {
			where = "value"
		}
		return fmt.Sprintf("%s must be %s, not %s", where, goTypeName(typeErr.Type.String()), jsonKind(typeErr.Value))
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("is not valid structured config (%v); write it as a YAML mapping or list", err)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if strings.HasPrefix(msg, "unknown field") {
		if hint, ok := renamedField(msg); ok {
			return msg + ": " + hint
		}
		msg += " (check its spelling against the README's configuration reference)"
	}
	return msg
}

// fieldPath drops the Go type names encoding/json puts in a field path for embedded
// structs ("BackupSchedule.glacierAfterDays" is glacierAfterDays in the stack file).
func fieldPath(field string) string {
	var parts []string
	for _, p := range strings.Split(field, ".") {
		if p != "" && !unicode.IsUpper(rune(p[0])) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ".")
}

// jsonKind names the kind of a JSON value as YAML users know it.
func jsonKind(kind string) string {
	switch kind {
	case "object":
		return "a mapping"
	case "array":
		return "a list"
	case "bool":
		return "true or false"
	}
	return "a " + kind
}

// goTypeName names a Go type the way the README does.
func goTypeName(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	case t == "int":
		return "a whole number"
	}
	return "a mapping"
}

// UnmarshalJSON decodes a trail on top of its defaults, as the keys and list elements are
// (a trail is a field of account, allocated only when set): a left-out lockDays keeps the
// default, an explicit 0 stays 0 and is refused.
func (t *Trail) UnmarshalJSON(b []byte) error {
	type fields Trail // the same fields, without this method
	v := fields(defaultTrail())
	if err := strictUnmarshal(string(b), &v); err != nil {
		return err
	}
	*t = Trail(v)
	return nil
}

// AccountOf reads the one account id of a stack file's aws:allowedAccountIds value as Load
// does, so that a stack file is taken for another account's only when it really names one.
func AccountOf(raw string) (string, error) {
	c := &Config{}
	if err := strictUnmarshal(raw, &accountIDs{c}); err != nil {
		return "", err
	}
	if err := awsnames.AccountID(c.AccountID); err != nil {
		return "", err
	}
	return c.AccountID, nil
}

// accountIDs decodes aws:allowedAccountIds into Config.AccountID, which must be exactly one
// quoted 12-digit id: a stack deploys to one account, and a quoted id keeps its leading
// zeros.
type accountIDs struct{ cfg *Config }

func (a *accountIDs) UnmarshalJSON(b []byte) error {
	var ids []string
	if err := json.Unmarshal(b, &ids); err != nil {
		return fmt.Errorf(`must be a list with one quoted 12-digit account id, e.g. ["111111111111"]`)
	}
	if len(ids) != 1 {
		return fmt.Errorf("must list exactly one account id (the account this stack deploys to), not %d", len(ids))
	}
	a.cfg.AccountID = ids[0]
	return nil
}
