// Package components holds the secure-aws Pulumi ComponentResources: the account
// baseline, console groups, application, third-party and backup principals, and the
// secure bucket they all share. Each constructor reports every problem of its arguments,
// each with its field, before it registers anything.
package components

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// attachGroupPolicy creates a customer managed policy from doc and attaches it to group:
// the one way this project gives a principal permissions (rule R6: through groups only).
func attachGroupPolicy(ctx *pulumi.Context, parent pulumi.Resource, name string, group *iam.Group, policyName, path string, doc iampolicy.Document) (*iam.Policy, error) {
	text, err := doc.JSON()
	if err != nil {
		return nil, fmt.Errorf("rendering policy %s: %w", policyName, err)
	}
	policy, err := iam.NewPolicy(ctx, name, &iam.PolicyArgs{
		Name:   pulumi.String(policyName),
		Path:   pulumi.String(path),
		Policy: pulumi.String(text),
	}, pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("creating policy %s: %w", policyName, err)
	}
	if _, err := iam.NewGroupPolicyAttachment(ctx, name, &iam.GroupPolicyAttachmentArgs{
		Group:     group.Name,
		PolicyArn: policy.Arn,
	}, pulumi.Parent(parent)); err != nil {
		return nil, fmt.Errorf("attaching policy %s: %w", policyName, err)
	}
	return policy, nil
}

// emptyString is the output of an optional attribute that was switched off.
func emptyString() pulumi.StringOutput { return pulumi.String("").ToStringOutput() }

// roleSpec describes an IAM role: its name, trust policy and policies.
type roleSpec struct {
	name        string
	description string
	trust       iampolicy.Document
	managed     []string // AWS managed policy names, attached as <logical name>-<policy>
	// policy, when it has statements, is the role's own customer policy, named like the
	// role and created and attached under the role's logical name.
	policy iampolicy.Document
}

// newRole creates a role and attaches its AWS managed policies, as children of parent.
func newRole(ctx *pulumi.Context, parent pulumi.Resource, name string, role roleSpec, account spec.Account, opts ...pulumi.ResourceOption) (*iam.Role, error) {
	trust, err := role.trust.JSON()
	if err != nil {
		return nil, fmt.Errorf("rendering the trust policy of %s: %w", role.name, err)
	}
	r, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Name:             pulumi.String(role.name),
		Description:      pulumi.String(role.description),
		AssumeRolePolicy: pulumi.String(trust),
	}, append([]pulumi.ResourceOption{pulumi.Parent(parent)}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("creating role %s: %w", role.name, err)
	}
	for _, p := range role.managed {
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-"+strings.ReplaceAll(p, "/", "-"), &iam.RolePolicyAttachmentArgs{
			Role:      r.Name,
			PolicyArn: pulumi.String(account.ManagedPolicyARN(p)),
		}, pulumi.Parent(parent)); err != nil {
			return nil, fmt.Errorf("attaching %s to %s: %w", p, role.name, err)
		}
	}
	if len(role.policy.Statements) == 0 {
		return r, nil
	}
	doc, err := role.policy.JSON()
	if err != nil {
		return nil, fmt.Errorf("rendering the policy of %s: %w", role.name, err)
	}
	policy, err := iam.NewPolicy(ctx, name, &iam.PolicyArgs{
		Name:   pulumi.String(role.name),
		Policy: pulumi.String(doc),
	}, pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("creating the policy of %s: %w", role.name, err)
	}
	if _, err := iam.NewRolePolicyAttachment(ctx, name, &iam.RolePolicyAttachmentArgs{
		Role:      r.Name,
		PolicyArn: policy.Arn,
	}, pulumi.Parent(parent)); err != nil {
		return nil, fmt.Errorf("attaching the policy of %s: %w", role.name, err)
	}
	return r, nil
}
