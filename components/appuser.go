package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// AppUserType is the type token of AppUser; renaming it changes every child URN.
const AppUserType = "secure-aws:components:AppUser"

// AppUserArgs configures an AppUser.
type AppUserArgs struct {
	// Account the user lives in (required).
	Account spec.Account
	// Application is the application name (required); the user is <application>-<environment>.
	Application string
	// Environment is the deployment environment (required), e.g. staging.
	Environment string
	// Grants is the allow-list of S3 actions per bucket (required, at least one).
	Grants []iampolicy.S3Grant
	// CreateAccessKey creates an access key for the user. Default false.
	CreateAccessKey bool
	// AccessKeys are the key generations, to rotate without downtime (see KeyGeneration);
	// empty: generation 1 when CreateAccessKey is set. Optional.
	AccessKeys []spec.KeyGeneration
	// PGPKey encrypts the access key secret (keybase:<user> or base64 key). Optional.
	PGPKey string
	// ImportExistingUser adopts an existing IAM user of the same name: the first up
	// imports it instead of failing to create it. Default false.
	ImportExistingUser bool
}

// AppUser is one application's IAM identity in one environment (rule R5): a user in its
// own group whose policy allows the listed S3 actions and explicitly denies the
// destructive ones on every bucket it can reach.
type AppUser struct {
	pulumi.ResourceState
	PrincipalOutputs
}

// NewAppUser registers an AppUser.
func NewAppUser(ctx *pulumi.Context, name string, args *AppUserArgs, opts ...pulumi.ResourceOption) (*AppUser, error) {
	if args == nil {
		return nil, errors.New("app user: args are required")
	}
	if args.Application == "" || args.Environment == "" {
		return nil, fmt.Errorf("app user %s: application and environment are required", name)
	}
	spec := serviceUser{
		userName:   spec.PrincipalName(args.Application, args.Environment),
		path:       spec.AppUserPath,
		grants:     args.Grants,
		keys:       spec.KeyGenerations(args.CreateAccessKey, args.AccessKeys),
		pgpKey:     args.PGPKey,
		account:    args.Account,
		importUser: args.ImportExistingUser,
	}
	c := &AppUser{}
	if err := spec.component(ctx, AppUserType, name, c, &c.PrincipalOutputs, opts...); err != nil {
		return nil, err
	}
	return c, nil
}
