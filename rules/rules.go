// Package rules holds the project's policy rules (R2-R9, R11) as pure functions over
// resources. The Go policy pack (policypack/) and the offline plan (cmd/plan) both run
// them, so a reviewer sees in the plan exactly what `pulumi preview --policy-pack` enforces.
//
// Rules read properties defensively: a value the engine does not know yet (a new resource
// during a preview) or an unexpected shape is never a violation and never a panic.
package rules

import (
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
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
}

// Rule is a named check. Exactly one of Resource and Stack is set: Resource judges one
// resource at a time, Stack the whole stack (rules that tie resources together).
type Rule struct {
	Name        string
	Description string
	Level       Level
	Resource    func(Resource) []string
	Stack       func([]Resource) []Violation
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
		for _, msg := range r.Resource(res) {
			out = append(out, Violation{Rule: r.Name, URN: res.URN, Message: msg})
		}
	}
	return out
}
