package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// DeveloperGroupType is the type token of DeveloperGroup; renaming it changes every child URN.
const DeveloperGroupType = "secure-aws:components:DeveloperGroup"

// DeveloperGroup is a group of non-admin console users (developers, ops) with the same
// MFA enforcement and no-access-key rule as admins, and the AWS managed policies given,
// less the destructive S3 actions and the reads that return secrets.
// It is account-wide: create it in the stack that manages the account.
type DeveloperGroup struct {
	pulumi.ResourceState
	ConsoleGroupOutputs
}

// DeveloperGroupArgs configures a DeveloperGroup.
type DeveloperGroupArgs struct {
	ConsoleGroupArgs
	// ManagedPolicies are the AWS managed policies the group holds, from the allow-list of
	// iampolicy.DeveloperPolicies (none lets a developer make itself an admin or read
	// data), e.g. job-function/ViewOnlyAccess.
	ManagedPolicies []string
}

// NewDeveloperGroup registers a DeveloperGroup.
func NewDeveloperGroup(ctx *pulumi.Context, name string, args *DeveloperGroupArgs, opts ...pulumi.ResourceOption) (*DeveloperGroup, error) {
	if args == nil {
		return nil, errors.New(DeveloperGroupType + ": args are required")
	}
	if err := spec.ProblemsError(spec.DeveloperPolicyProblems(args.ManagedPolicies)); err != nil {
		return nil, fmt.Errorf("developer group %s: %w", name, err)
	}
	c := &DeveloperGroup{}
	kind := consoleKind{token: DeveloperGroupType, managed: args.ManagedPolicies, policy: iampolicy.DeveloperConsolePolicy}
	if err := newConsoleGroup(ctx, name, c, &c.ConsoleGroupOutputs, &args.ConsoleGroupArgs, kind, opts...); err != nil {
		return nil, err
	}
	return c, nil
}
