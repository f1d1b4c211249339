// Package iameval is a small IAM policy evaluator for tests, written from AWS's
// documentation of the evaluation logic and independent of the code that writes the
// policies: it reads the JSON AWS would read, and imports nothing of this project.
//
// One account, as https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// describes it for a request within an account: an explicit Deny in any policy wins, then
// an Allow in an identity policy or in the resource policy (for an AWS service, which has
// no identity policy, only the resource policy can allow). Action/NotAction and
// Resource/NotResource match with * and ? after ${aws:username} is substituted. Conditions
// follow https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html:
// several values of a key match if any matches (a negated operator: if none does); a key
// missing from the request fails a positive operator and satisfies a negated one and every
// ...IfExists operator. An operator it does not know fails the test, so a condition is
// never silently ignored.
package iameval

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Request is one request to AWS.
type Request struct {
	// Principal is the ARN of the IAM user or role making the request, or for an AWS
	// service, its service principal (cloudtrail.amazonaws.com).
	Principal string
	// Service marks a request an AWS service makes for itself.
	Service bool
	// Action and Resource are what is asked for, on which ARN.
	Action, Resource string
	// Context holds the request's condition keys beyond aws:PrincipalArn, which is
	// Principal for an IAM user or role: aws:MultiFactorAuthPresent, aws:SecureTransport,
	// aws:SourceArn, s3:x-amz-acl... A key that is not set is missing from the request.
	Context map[string]string
}

// With returns a copy of r with the context key set to value.
func (r Request) With(key, value string) Request {
	ctx := maps.Clone(r.Context)
	if ctx == nil {
		ctx = map[string]string{}
	}
	ctx[key] = value
	r.Context = ctx
	return r
}

// value is the request's value of key, and whether the request has it.
func (r Request) value(key string) (string, bool) {
	if strings.EqualFold(key, "aws:PrincipalArn") {
		return r.Principal, !r.Service
	}
	if strings.EqualFold(key, "aws:username") {
		_, name, ok := strings.Cut(r.Principal, ":user/")
		if i := strings.LastIndex(name, "/"); i >= 0 {
			name = name[i+1:]
		}
		return name, ok && !r.Service
	}
	v, ok := r.Context[key]
	return v, ok
}

// Allowed reports whether the identity policies and the resource policy (empty: none)
// allow r.
func Allowed(t testing.TB, identity []string, resource string, r Request) bool {
	t.Helper()
	allow := false
	for i, d := range append(slices.Clone(identity), resource) {
		if d == "" {
			continue
		}
		isResource := i == len(identity)
		if r.Service && !isResource {
			continue
		}
		var doc struct{ Statement []map[string]any }
		if err := json.Unmarshal([]byte(d), &doc); err != nil {
			t.Fatalf("policy is not JSON: %v\n%s", err, d)
		}
		for _, s := range doc.Statement {
			if isResource && !principalMatches(t, s["Principal"], r) {
				continue
			}
			if !applies(t, s, r) {
				continue
			}
			if s["Effect"] == "Deny" {
				return false
			}
			allow = true
		}
	}
	return allow
}

func wildcard(pattern, value string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile(re).MatchString(value)
}

func list(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case bool:
		return []string{map[bool]string{true: "true", false: "false"}[x]}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, list(e)...)
		}
		return out
	}
	return nil
}

func anyMatch(patterns []string, value string, r Request) bool {
	user, _ := r.value("aws:username")
	return slices.ContainsFunc(patterns, func(p string) bool {
		return wildcard(strings.ReplaceAll(p, "${aws:username}", user), value)
	})
}

// principalMatches reports whether a resource policy statement's Principal names r: "*"
// is everyone, {"AWS": "*"} every IAM principal, {"AWS": arn} that principal (an account's
// root ARN names every principal of the account), {"Service": name} that service.
func principalMatches(t testing.TB, p any, r Request) bool {
	if p == "*" {
		return true
	}
	byType, ok := p.(map[string]any)
	if !ok {
		t.Fatalf("a resource policy statement without a principal: %v", p)
	}
	for typ, ids := range byType {
		for _, id := range list(ids) {
			switch {
			case typ == "Service" && r.Service && id == r.Principal:
				return true
			case typ == "AWS" && !r.Service && (id == "*" || id == r.Principal):
				return true
			case typ == "AWS" && !r.Service && strings.HasSuffix(id, ":root") && strings.HasPrefix(r.Principal, strings.TrimSuffix(id, "root")):
				return true
			}
		}
	}
	return false
}

func applies(t testing.TB, s map[string]any, r Request) bool {
	if a, ok := s["Action"]; ok && !anyMatch(list(a), r.Action, r) {
		return false
	}
	if a, ok := s["NotAction"]; ok && anyMatch(list(a), r.Action, r) {
		return false
	}
	if res, ok := s["Resource"]; ok && !anyMatch(list(res), r.Resource, r) {
		return false
	}
	if res, ok := s["NotResource"]; ok && anyMatch(list(res), r.Resource, r) {
		return false
	}
	cond, _ := s["Condition"].(map[string]any)
	for op, keys := range cond {
		for k, v := range keys.(map[string]any) {
			if !condition(t, op, k, list(v), r) {
				return false
			}
		}
	}
	return true
}

// condition evaluates one operator on one key.
func condition(t testing.TB, op, key string, values []string, r Request) bool {
	got, present := r.value(key)
	base, ifExists := strings.CutSuffix(op, "IfExists")
	if base == "Null" {
		return slices.Contains(values, map[bool]string{true: "false", false: "true"}[present])
	}
	negated := strings.Contains(base, "Not")
	if !present {
		return ifExists || negated
	}
	var match func(pattern string) bool
	switch strings.Replace(base, "Not", "", 1) {
	case "Bool", "StringEquals":
		match = func(p string) bool { return p == got }
	case "StringLike", "ArnEquals", "ArnLike": // ArnEquals takes wildcards too
		match = func(p string) bool { return wildcard(p, got) }
	default:
		t.Fatalf("the evaluator does not know condition operator %s", op)
	}
	return slices.ContainsFunc(values, match) != negated
}
