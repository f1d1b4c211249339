package components

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/iampolicy"
)

// AdminGroupType is the type token of AdminGroup; renaming it changes every child URN.
const AdminGroupType = "secure-aws:components:AdminGroup"

// AdminGroup is the group of console-only admins (rule R3): full access through the AWS
// managed AdministratorAccess policy, MFA enforced (R4), and no programmatic credential
// for any console user, nor a console password for a machine user. It is account-wide:
// create it in the stack that manages the account.
type AdminGroup struct {
	pulumi.ResourceState
	ConsoleGroupOutputs
}

// NewAdminGroup registers an AdminGroup.
func NewAdminGroup(ctx *pulumi.Context, name string, args *ConsoleGroupArgs, opts ...pulumi.ResourceOption) (*AdminGroup, error) {
	c := &AdminGroup{}
	if err := newConsoleGroup(ctx, name, c, &c.ConsoleGroupOutputs, args, consoleKind{token: AdminGroupType, managed: []string{"AdministratorAccess"}, policy: iampolicy.AdminConsolePolicy}, opts...); err != nil {
		return nil, err
	}
	return c, nil
}
