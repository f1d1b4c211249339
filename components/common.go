// Package components holds the secure-aws Pulumi ComponentResources: the account
// baseline, console groups, application, third-party and backup principals, and the
// secure bucket they all share. Each constructor reports every problem of its arguments,
// each with its field, before it registers anything.
package components

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
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

// ownGroup makes the program the owner of everything that gives group's members
// permissions (rule R15): its complete member list and its complete lists of inline and
// attached policies. The provider's exclusive resources read the whole lists on refresh,
// so a member added or a policy put or attached by hand is drift that the drift check
// reports and the next up removes. The per-user UserGroupMembership resources stay beside
// the GroupMembership: deleting them would remove their users from the group after the
// GroupMembership had added them (the engine deletes what left the program last), so
// switching types would lock admins out and cut applications off their buckets until the
// next up. Both say the same thing, so they never fight.
func ownGroup(ctx *pulumi.Context, parent pulumi.Resource, name string, group *iam.Group, groupName string, users pulumi.StringArray, policyArns pulumi.StringArray) error {
	opt := pulumi.Parent(parent)
	// Named after the group: the membership's id, unique as the group's name is.
	if _, err := iam.NewGroupMembership(ctx, name+"-members", &iam.GroupMembershipArgs{
		Name:  pulumi.String(groupName),
		Group: group.Name,
		Users: users,
	}, opt); err != nil {
		return fmt.Errorf("owning the members of %s: %w", groupName, err)
	}
	if _, err := iam.NewGroupPoliciesExclusive(ctx, name+"-inline-policies", &iam.GroupPoliciesExclusiveArgs{
		GroupName:   group.Name,
		PolicyNames: pulumi.StringArray{},
	}, opt); err != nil {
		return fmt.Errorf("owning the inline policies of %s: %w", groupName, err)
	}
	if _, err := iam.NewGroupPolicyAttachmentsExclusive(ctx, name+"-attached-policies", &iam.GroupPolicyAttachmentsExclusiveArgs{
		GroupName:  group.Name,
		PolicyArns: policyArns,
	}, opt); err != nil {
		return fmt.Errorf("owning the attached policies of %s: %w", groupName, err)
	}
	return nil
}

// ownUser holds user to no policies of its own (rule R6): its inline and attached policy
// lists are owned, and empty, so a policy put on or attached to it by hand is drift.
func ownUser(ctx *pulumi.Context, parent pulumi.Resource, name string, user *iam.User, userName string) error {
	opt := pulumi.Parent(parent)
	if _, err := iam.NewUserPoliciesExclusive(ctx, name+"-inline-policies", &iam.UserPoliciesExclusiveArgs{
		UserName:    user.Name,
		PolicyNames: pulumi.StringArray{},
	}, opt); err != nil {
		return fmt.Errorf("owning the inline policies of %s: %w", userName, err)
	}
	if _, err := iam.NewUserPolicyAttachmentsExclusive(ctx, name+"-attached-policies", &iam.UserPolicyAttachmentsExclusiveArgs{
		UserName:   user.Name,
		PolicyArns: pulumi.StringArray{},
	}, opt); err != nil {
		return fmt.Errorf("owning the attached policies of %s: %w", userName, err)
	}
	return nil
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

// newRole creates a role, attaches its AWS managed policies and its own policy, and owns
// its policy lists, as children of parent.
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
	// The region deny goes in the role's own policy, which a role with AWS managed policies
	// alone gets for it: every role of the program carries it.
	role.policy.Statements = append(slices.Clone(role.policy.Statements), account.RegionDeny()...)
	arns := pulumi.StringArray{}
	for _, p := range role.managed {
		arn := pulumi.String(account.ManagedPolicyARN(p))
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-"+strings.ReplaceAll(p, "/", "-"), &iam.RolePolicyAttachmentArgs{
			Role:      r.Name,
			PolicyArn: arn,
		}, pulumi.Parent(parent)); err != nil {
			return nil, fmt.Errorf("attaching %s to %s: %w", p, role.name, err)
		}
		arns = append(arns, arn)
	}
	if len(role.policy.Statements) > 0 {
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
		arns = append(arns, policy.Arn)
	}
	// The role's complete policy lists are the program's (rule R15): a policy put on or
	// attached to it by hand is drift, and the next up removes it.
	if _, err := iam.NewRolePoliciesExclusive(ctx, name+"-inline-policies", &iam.RolePoliciesExclusiveArgs{
		RoleName:    r.Name,
		PolicyNames: pulumi.StringArray{},
	}, pulumi.Parent(parent)); err != nil {
		return nil, fmt.Errorf("owning the inline policies of %s: %w", role.name, err)
	}
	if _, err := iam.NewRolePolicyAttachmentsExclusive(ctx, name+"-attached-policies", &iam.RolePolicyAttachmentsExclusiveArgs{
		RoleName:   r.Name,
		PolicyArns: arns,
	}, pulumi.Parent(parent)); err != nil {
		return nil, fmt.Errorf("owning the attached policies of %s: %w", role.name, err)
	}
	return r, nil
}

// regionProvider is the AWS provider of a further region, named from the component's
// name. An explicit provider reads no stack configuration: its account is pinned as the
// stack's provider is pinned by aws:allowedAccountIds.
func regionProvider(ctx *pulumi.Context, name, region string, account spec.Account, parent pulumi.ResourceOption) (*aws.Provider, error) {
	provider, err := aws.NewProvider(ctx, name+"-"+region, &aws.ProviderArgs{
		Region:            pulumi.String(region),
		AllowedAccountIds: pulumi.StringArray{pulumi.String(account.ID)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("configuring region %s: %w", region, err)
	}
	return provider, nil
}
