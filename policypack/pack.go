package main

import (
	"context"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/secure-aws/secure-aws/rules"
)

// PackName is the policy pack's name as Pulumi reports it.
const PackName = "secure-aws"

// packVersion is the pack's version; bump it when a rule changes.
var packVersion = semver.MustParse("1.0.0")

// NewPack wraps every rule of rules.All() as a policyx policy, each with its own enforcement
// level (policyx ignores the pack-level one).
func NewPack() (policyx.PolicyPack, error) {
	var policies []policyx.Policy
	for _, r := range rules.All() {
		policies = append(policies, policyFor(r))
	}
	return policyx.NewPolicyPack(PackName, packVersion, policyx.EnforcementLevelMandatory, policies)
}

func policyFor(r rules.Rule) policyx.Policy {
	level := policyx.EnforcementLevelMandatory
	if r.Level == rules.Advisory {
		level = policyx.EnforcementLevelAdvisory
	}
	if r.Resource != nil {
		return policyx.NewResourceValidationPolicy(r.Name, policyx.ResourceValidationPolicyArgs{
			Description:      r.Description,
			EnforcementLevel: level,
			ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) error {
				res := toResource(args.Resource)
				for _, v := range r.Check([]rules.Resource{res}) {
					args.Manager.ReportViolation(v.Detail(), "")
				}
				return nil
			},
		})
	}
	return policyx.NewStackValidationPolicy(r.Name, policyx.StackValidationPolicyArgs{
		Description:      r.Description,
		EnforcementLevel: level,
		ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
			stack := make([]rules.Resource, 0, len(args.Resources))
			for _, res := range args.Resources {
				stack = append(stack, toResource(res))
			}
			for _, v := range r.Check(stack) {
				args.Manager.ReportViolation(v.Detail(), v.URN)
			}
			return nil
		},
	})
}

// toResource is what the rules see of a resource the engine sends. The engine's options
// do not carry retainOnDelete, so that one is left unknown.
func toResource(r policyx.AnalyzerResource) rules.Resource {
	return rules.Resource{
		URN:     r.URN,
		Type:    r.Type,
		Name:    r.Name,
		Parent:  r.Parent,
		Props:   r.Properties,
		Protect: r.Options.Protect,
	}
}
