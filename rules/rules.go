// Package rules holds the project's policy rules (R2-R9, R11) as pure functions over
// resources. The Go policy pack (policypack/) and the offline plan (cmd/plan) both run
// them, so a reviewer sees in the plan exactly what `pulumi preview --policy-pack` enforces.
//
// Rules read properties defensively: a value the engine does not know yet (a new resource
// during a preview) or an unexpected shape is never a violation and never a panic.
package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/secure-aws/secure-aws/spec"
)

// Resource is what a rule sees of one resource.
type Resource struct {
	URN    string
	Type   string
	Name   string
	Parent string
	// Props are the resource's inputs.
	Props property.Map
	// Protect is the protect option.
	Protect bool
	// RetainOnDelete is the retainOnDelete option, nil where the source does not report it
	// (the policy engine's resource options do not carry it).
	RetainOnDelete *bool
}

// Level is a rule's enforcement level.
type Level string

// Enforcement levels, as Pulumi names them.
const (
	Mandatory Level = "mandatory"
	Advisory  Level = "advisory"
)

// Violation is one finding of a rule.
type Violation struct {
	Rule    string
	URN     string
	Message string
	// Setting is the stack file's key of the value the finding judges, where one setting
	// alone gives it (secure-aws:account.passwordPolicy.reusePrevention), Value that value,
	// and Message then what the rule accepts; "" where the finding is about what the
	// program built rather than one setting.
	Setting string `json:",omitempty"`
	Value   string `json:",omitempty"`
}

// Detail is what is wrong, led by the setting and its value where the finding has one:
// the message of the policy pack, which names the rule and the resource itself.
func (v Violation) Detail() string {
	if v.Setting == "" {
		return v.Message
	}
	return v.Setting + ": " + spec.Refusal(v.Value, v.Rule, v.Message)
}

// String is the violation in one line, as stderr shows it: the setting, its value, the
// rule and what it accepts ("secure-aws:account.passwordPolicy.reusePrevention: 5 fails
// password-policy-cis (CIS v5.0.0 1.8 (v7.0.0 2.9) asks for 24)"), the configuration's words for the same
// refusal (spec.Refusal); or the resource, what is wrong and the rule.
func (v Violation) String() string {
	if v.Setting != "" {
		return v.Detail()
	}
	urn := resource.URN(v.URN)
	if !urn.IsValid() {
		return fmt.Sprintf("%s: %s (fails %s)", v.URN, v.Message, v.Rule)
	}
	return fmt.Sprintf("%s %s: %s (fails %s)", urn.Type(), urn.Name(), v.Message, v.Rule)
}

// Rule is a named check. Exactly one of Resource and Stack is set: Resource judges one
// resource at a time (its findings need no Rule or URN: Check sets them), Stack the whole
// stack (rules that tie resources together).
type Rule struct {
	Name        string
	Description string
	Level       Level
	Resource    func(Resource) []Violation
	Stack       func([]Resource) []Violation
	// Judges are the resource types (or component types) the rule has something to judge
	// in: in a stack without any, the rule holds trivially, and the plan says n/a.
	Judges []string
}

// Applies reports whether stack holds anything the rule judges (Judges).
func (r Rule) Applies(stack []Resource) bool {
	return slices.ContainsFunc(stack, func(res Resource) bool { return slices.Contains(r.Judges, res.Type) })
}

// Evaluate runs rules over a stack and returns every violation, in rule order then URN order.
func Evaluate(rules []Rule, stack []Resource) []Violation {
	sorted := slices.Clone(stack)
	slices.SortFunc(sorted, func(a, b Resource) int { return strings.Compare(a.URN, b.URN) })
	var out []Violation
	for _, r := range rules {
		out = append(out, r.Check(sorted)...)
	}
	return out
}

// Check runs one rule over a stack.
func (r Rule) Check(stack []Resource) []Violation {
	if r.Stack != nil {
		return r.Stack(stack)
	}
	var out []Violation
	for _, res := range stack {
		for _, v := range r.Resource(res) {
			v.Rule, v.URN = r.Name, res.URN
			out = append(out, v)
		}
	}
	return out
}
