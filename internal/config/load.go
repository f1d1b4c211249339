package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

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
// documented in Pulumi.yaml and docs/configuration.md.
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
	cfg.labels, cfg.positions = labels{}, map[string][]int{}
	d := decoder{get: get, errs: &Error{Stack: stack, StackFile: cfg.StackFile, labels: cfg.labels}, present: map[string]bool{}, failed: map[string]bool{}, positions: cfg.positions}
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
	applyAccountDefaults(cfg)
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
		if squash.Replace(strings.ToLower(namespace)) == squash.Replace(known) || distanceWithin(strings.ToLower(namespace), known, limit) <= limit {
			return known
		}
	}
	return ""
}

// nearest returns the candidate within two edits of s, ignoring case, or "": the one way
// every near miss (a key, a namespace, a field, a region, a bucket) gets its "did you mean".
func nearest(s string, candidates []string) string {
	best, bestDist := "", 3
	s = strings.ToLower(s)
	for _, c := range candidates {
		if d := distanceWithin(s, strings.ToLower(c), bestDist-1); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// distanceWithin is editDistance(a, b) when it is at most limit, and limit+1 otherwise. It
// compares the lengths first: a pasted value of megabytes is then never measured against
// each candidate, which would take seconds and gigabytes.
func distanceWithin(a, b string, limit int) int {
	if len(a)-len(b) > limit || len(b)-len(a) > limit {
		return limit + 1
	}
	return min(editDistance(a, b), limit+1)
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
	// positions are the stack file's indices of the entries kept of each list that lost
	// some (Config.entry).
	positions map[string][]int
}

// raw reads key k, notes that the stack file sets it and names its list entries.
func (d decoder) raw(k string) (string, bool) {
	v, ok := d.get(k)
	d.present[k] = ok
	if ok {
		d.errs.labels.readRaw(k, v)
	}
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
		d.refuse(k, k, raw, reflect.TypeOf(target), err)
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
		d.refuse(k, k, raw, reflect.TypeFor[[]T](), err)
		return nil
	}
	out := make([]T, 0, len(items))
	var kept []int
	for i, item := range items {
		v := defaults()
		if err := strictUnmarshal(string(item), &v); err != nil {
			d.refuse(k, fmt.Sprintf("%s[%d]", k, i), string(item), reflect.TypeFor[T](), err)
			continue
		}
		out = append(out, v)
		kept = append(kept, i)
	}
	if len(kept) < len(items) {
		d.positions[name] = kept
	}
	return out
}

// refuse records why raw, the value at path of key k, did not decode into typ: every
// mismatch, each at its own path.
func (d decoder) refuse(k, path, raw string, typ reflect.Type, err error) {
	d.failed[k] = true
	problems := mismatches(path, raw, typ)
	if len(problems) == 0 {
		// The walk mirrors encoding/json; should the two ever disagree, its own words.
		problems = []Problem{{path, strings.TrimPrefix(err.Error(), "json: ")}}
	}
	for _, p := range problems {
		d.errs.add(p.Key, "%s", p.Message)
	}
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
