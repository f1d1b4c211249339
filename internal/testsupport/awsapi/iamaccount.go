package awsapi

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/awsmodel"
)

// IAMAccountTypes are the IAM types the IAMAccount backend serves: roles and their policy
// lists, service-linked roles, the OIDC provider, and the account's alias and password
// policy.
var IAMAccountTypes = []string{
	awstypes.Role, awstypes.RoleAttachment, awstypes.RolePoliciesExcl, awstypes.RoleAttachmentsExcl,
	awstypes.ServiceLinkedRole, awstypes.OIDCProvider, awstypes.AccountAlias, awstypes.AccountPasswordPolicy,
}

// IAMAccount serves IAMAccountTypes through the IAM API at the configured iam endpoint,
// as hashicorp/terraform-provider-aws internal/service/iam/<file>.go (named at each type)
// calls it.
type IAMAccount struct {
	iam *iam.Client
}

// NewIAMAccount makes the IAMAccount backend for c, which must name the iam endpoint.
func NewIAMAccount(c Config) (*IAMAccount, error) {
	client, err := c.iamClient()
	if err != nil {
		return nil, err
	}
	return &IAMAccount{iam: client}, nil
}

// Serves implements Backend.
func (b *IAMAccount) Serves(typ string) bool { return slices.Contains(IAMAccountTypes, typ) }

// passwordPolicyID is the id the provider gives the account's one password policy.
const passwordPolicyID = "iam-account-password-policy"

// The defaults the provider fills in for a role's optional inputs (iam/role.go): AWS
// reports them, and a read leaves them out so that a program that does not set them reads
// back as it sent (the stand-in's Check fills in no defaults).
const (
	defaultRolePath           = "/"
	defaultMaxSessionDuration = 3600
)

// The inputs of each type, by their Pulumi names.
type (
	roleInputs struct {
		Name                string            `json:"name"`
		AssumeRolePolicy    string            `json:"assumeRolePolicy"`
		Description         string            `json:"description,omitempty"`
		Path                string            `json:"path,omitempty"`
		MaxSessionDuration  int               `json:"maxSessionDuration,omitempty"`
		PermissionsBoundary string            `json:"permissionsBoundary,omitempty"`
		Tags                map[string]string `json:"tags,omitempty"`
	}
	roleAttachmentInputs struct {
		Role      string `json:"role"`
		PolicyArn string `json:"policyArn"`
	}
	rolePoliciesInputs struct {
		RoleName    string   `json:"roleName"`
		PolicyNames []string `json:"policyNames"`
	}
	roleAttachmentsInputs struct {
		RoleName   string   `json:"roleName"`
		PolicyArns []string `json:"policyArns"`
	}
	serviceLinkedRoleInputs struct {
		AWSServiceName string `json:"awsServiceName"`
		CustomSuffix   string `json:"customSuffix,omitempty"`
		Description    string `json:"description,omitempty"`
	}
	oidcInputs struct {
		URL             string   `json:"url"`
		ClientIDLists   []string `json:"clientIdLists"`
		ThumbprintLists []string `json:"thumbprintLists,omitempty"`
	}
	aliasInputs struct {
		AccountAlias string `json:"accountAlias"`
	}
	passwordPolicyInputs struct {
		AllowUsersToChangePassword bool `json:"allowUsersToChangePassword"`
		HardExpiry                 bool `json:"hardExpiry"`
		MaxPasswordAge             int  `json:"maxPasswordAge"`
		MinimumPasswordLength      int  `json:"minimumPasswordLength"`
		PasswordReusePrevention    int  `json:"passwordReusePrevention"`
		RequireLowercaseCharacters bool `json:"requireLowercaseCharacters"`
		RequireNumbers             bool `json:"requireNumbers"`
		RequireSymbols             bool `json:"requireSymbols"`
		RequireUppercaseCharacters bool `json:"requireUppercaseCharacters"`
	}
)

// Create implements Backend.
func (b *IAMAccount) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	var id string
	switch typ {
	case awstypes.Role: // iam/role.go, resourceRoleCreate
		var in roleInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		req := &iam.CreateRoleInput{RoleName: aws.String(in.Name), AssumeRolePolicyDocument: aws.String(in.AssumeRolePolicy),
			Path: aws.String(cmp.Or(in.Path, defaultRolePath)), Tags: iamTags(in.Tags)}
		if in.Description != "" {
			req.Description = aws.String(in.Description)
		}
		if in.MaxSessionDuration != 0 {
			req.MaxSessionDuration = aws.Int32(int32(in.MaxSessionDuration))
		}
		if in.PermissionsBoundary != "" {
			req.PermissionsBoundary = aws.String(in.PermissionsBoundary)
		}
		out, err := b.iam.CreateRole(ctx, req)
		if err != nil {
			return "", nil, wrap("creating role", in.Name, err)
		}
		id = aws.ToString(out.Role.RoleName)
	case awstypes.RoleAttachment: // iam/role_policy_attachment.go: the id is the role and a unique suffix
		var in roleAttachmentInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		if _, err := b.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(in.Role), PolicyArn: aws.String(in.PolicyArn)}); err != nil {
			return "", nil, fmt.Errorf("attaching %s to role %s: %w", in.PolicyArn, in.Role, err)
		}
		id = prefixedUniqueID(in.Role + "-")
	case awstypes.RolePoliciesExcl, awstypes.RoleAttachmentsExcl:
		var err error
		if id, err = b.syncRole(ctx, typ, inputs); err != nil {
			return "", nil, err
		}
	case awstypes.ServiceLinkedRole: // iam/service_linked_role.go: the id is the role's ARN AWS answers
		var in serviceLinkedRoleInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		req := &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String(in.AWSServiceName)}
		if in.CustomSuffix != "" {
			req.CustomSuffix = aws.String(in.CustomSuffix)
		}
		if in.Description != "" {
			req.Description = aws.String(in.Description)
		}
		out, err := b.iam.CreateServiceLinkedRole(ctx, req)
		if err != nil {
			return "", nil, wrap("creating the service-linked role of", in.AWSServiceName, err)
		}
		id = aws.ToString(out.Role.Arn)
	case awstypes.OIDCProvider: // iam/openid_connect_provider.go: the id is the ARN AWS answers
		var in oidcInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		out, err := b.iam.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(in.URL),
			ClientIDList: in.ClientIDLists, ThumbprintList: in.ThumbprintLists})
		if err != nil {
			return "", nil, wrap("creating the OIDC provider", in.URL, err)
		}
		id = aws.ToString(out.OpenIDConnectProviderArn)
	case awstypes.AccountAlias: // iam/account_alias.go
		var in aliasInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		// AWS refuses the alias the account already has (the name is taken) and replaces
		// another; moto 5.2.1 answers 200 to the first, so the backend looks first.
		have, err := b.iam.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
		if err != nil {
			return "", nil, wrap("listing the account's", "aliases", err)
		}
		if slices.Contains(have.AccountAliases, in.AccountAlias) {
			code, _ := awsmodel.CreateFailure(typ, "")
			return "", nil, fmt.Errorf("creating the account alias %s: %s: the account has it already", in.AccountAlias, code)
		}
		if _, err := b.iam.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String(in.AccountAlias)}); err != nil {
			return "", nil, wrap("creating the account alias", in.AccountAlias, err)
		}
		id = in.AccountAlias
	case awstypes.AccountPasswordPolicy: // iam/account_password_policy.go: create is the update
		if err := b.putPasswordPolicy(ctx, inputs); err != nil {
			return "", nil, err
		}
		id = passwordPolicyID
	default:
		return "", nil, fmt.Errorf("the stand-in's IAM account backend does not serve %s", typ)
	}
	state, err := stateAfterWrite(ctx, b, typ, id, inputs)
	return id, state, err
}

// Update implements Backend: it compares news with what AWS holds and makes the calls the
// provider makes for each difference.
func (b *IAMAccount) Update(ctx context.Context, typ, id string, _, news resource.PropertyMap) (resource.PropertyMap, error) {
	switch typ {
	case awstypes.Role:
		if err := b.updateRole(ctx, id, news); err != nil {
			return nil, err
		}
	case awstypes.RolePoliciesExcl, awstypes.RoleAttachmentsExcl:
		if _, err := b.syncRole(ctx, typ, news); err != nil {
			return nil, err
		}
	case awstypes.ServiceLinkedRole: // the description is the one input not replacing it
		var in serviceLinkedRoleInputs
		if err := decode(typ, news, &in); err != nil {
			return nil, err
		}
		if _, err := b.iam.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String(roleOfARN(id)), Description: aws.String(in.Description)}); err != nil {
			return nil, wrap("updating the description of", id, err)
		}
	case awstypes.OIDCProvider:
		if err := b.updateOIDC(ctx, id, news); err != nil {
			return nil, err
		}
	case awstypes.AccountPasswordPolicy:
		if err := b.putPasswordPolicy(ctx, news); err != nil {
			return nil, err
		}
	case awstypes.RoleAttachment, awstypes.AccountAlias:
		// Every input of these replaces (awsmodel.ReplaceOn): the provider has no update.
		return nil, fmt.Errorf("%s %s has no update in place: the provider replaces it", typ, id)
	default:
		return nil, fmt.Errorf("the stand-in's IAM account backend does not serve %s", typ)
	}
	return stateAfterWrite(ctx, b, typ, id, news)
}

// updateRole is iam/role.go's resourceRoleUpdate: the trust policy, the description, the
// maximum session, the permissions boundary and the tags each by their own call. A new
// name or path replaces the role.
func (b *IAMAccount) updateRole(ctx context.Context, id string, news resource.PropertyMap) error {
	var in roleInputs
	if err := decode(awstypes.Role, news, &in); err != nil {
		return err
	}
	got, err := b.getRole(ctx, id)
	if err != nil {
		return err
	}
	if got == nil {
		return fmt.Errorf("updating role %s: it does not exist", id)
	}
	role := aws.String(id)
	if !samePolicy(got.AssumeRolePolicy, in.AssumeRolePolicy) {
		if _, err := b.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: role, PolicyDocument: aws.String(in.AssumeRolePolicy)}); err != nil {
			return wrap("updating the trust policy of role", id, err)
		}
	}
	if got.Description != in.Description {
		if _, err := b.iam.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: role, Description: aws.String(in.Description)}); err != nil {
			return wrap("updating the description of role", id, err)
		}
	}
	if want := cmp.Or(in.MaxSessionDuration, defaultMaxSessionDuration); cmp.Or(got.MaxSessionDuration, defaultMaxSessionDuration) != want {
		// The description too: moto 5.2.1 clears a description UpdateRole leaves out, where
		// AWS keeps it (the provider sends only the duration).
		if _, err := b.iam.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: role, MaxSessionDuration: aws.Int32(int32(want)), Description: aws.String(in.Description)}); err != nil {
			return wrap("updating the maximum session duration of role", id, err)
		}
	}
	switch {
	case got.PermissionsBoundary == in.PermissionsBoundary:
	case in.PermissionsBoundary == "":
		if _, err := b.iam.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: role}); err != nil {
			return wrap("removing the permissions boundary of role", id, err)
		}
	default:
		if _, err := b.iam.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: role, PermissionsBoundary: aws.String(in.PermissionsBoundary)}); err != nil {
			return wrap("setting the permissions boundary of role", id, err)
		}
	}
	var untag []string
	for k := range got.Tags {
		if _, ok := in.Tags[k]; !ok {
			untag = append(untag, k)
		}
	}
	if len(untag) > 0 {
		if _, err := b.iam.UntagRole(ctx, &iam.UntagRoleInput{RoleName: role, TagKeys: untag}); err != nil {
			return wrap("untagging role", id, err)
		}
	}
	if len(in.Tags) > 0 && !maps.Equal(got.Tags, in.Tags) {
		if _, err := b.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: role, Tags: iamTags(in.Tags)}); err != nil {
			return wrap("tagging role", id, err)
		}
	}
	return nil
}

// updateOIDC is iam/openid_connect_provider.go's update: new thumbprints replace the old
// ones (an empty list leaves them, as the provider leaves them), client ids are added and
// removed one by one. A new URL replaces the provider.
func (b *IAMAccount) updateOIDC(ctx context.Context, arn string, news resource.PropertyMap) error {
	var in oidcInputs
	if err := decode(awstypes.OIDCProvider, news, &in); err != nil {
		return err
	}
	out, err := b.iam.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn)})
	if err != nil {
		return wrap("reading the OIDC provider", arn, err)
	}
	if len(in.ThumbprintLists) > 0 && !slices.Equal(in.ThumbprintLists, out.ThumbprintList) {
		if _, err := b.iam.UpdateOpenIDConnectProviderThumbprint(ctx, &iam.UpdateOpenIDConnectProviderThumbprintInput{
			OpenIDConnectProviderArn: aws.String(arn), ThumbprintList: in.ThumbprintLists}); err != nil {
			return wrap("updating the thumbprints of", arn, err)
		}
	}
	return syncList(out.ClientIDList, in.ClientIDLists,
		func(id string) error {
			_, err := b.iam.AddClientIDToOpenIDConnectProvider(ctx, &iam.AddClientIDToOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String(id)})
			return wrap("adding the client id "+id+" to", arn, err)
		},
		func(id string) error {
			_, err := b.iam.RemoveClientIDFromOpenIDConnectProvider(ctx, &iam.RemoveClientIDFromOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(arn), ClientID: aws.String(id)})
			return wrap("removing the client id "+id+" from", arn, err)
		})
}

// syncRole makes a role's inline policy names or attached policy ARNs exactly the list of
// inputs, as iam/role_policies_exclusive.go and iam/role_policy_attachments_exclusive.go
// do (syncAttachments): what the role has and the list does not name goes; what the list
// names and the role lacks is added (for an inline policy that is a PutRolePolicy without
// a document, which AWS refuses, as it refuses the provider). It returns the id: the role.
func (b *IAMAccount) syncRole(ctx context.Context, typ string, inputs resource.PropertyMap) (string, error) {
	have, role, want, err := b.roleList(ctx, typ, inputs)
	if err != nil {
		return "", err
	}
	if have == nil {
		return "", fmt.Errorf("%s: role %s does not exist", typ, role)
	}
	name := aws.String(role)
	if typ == awstypes.RolePoliciesExcl {
		return role, syncList(have, want,
			func(p string) error {
				_, err := b.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: name, PolicyName: aws.String(p)})
				return wrap("putting the inline policy "+p+" on role", role, err)
			},
			func(p string) error {
				_, err := b.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: name, PolicyName: aws.String(p)})
				return wrap("deleting the inline policy "+p+" of role", role, err)
			})
	}
	return role, syncList(have, want,
		func(arn string) error {
			_, err := b.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: name, PolicyArn: aws.String(arn)})
			return wrap("attaching "+arn+" to role", role, err)
		},
		func(arn string) error {
			_, err := b.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: name, PolicyArn: aws.String(arn)})
			return wrap("detaching "+arn+" from role", role, err)
		})
}

// roleList reads the role an exclusive resource of typ names in inputs, the list it wants
// and the list the role has (nil when the role does not exist).
func (b *IAMAccount) roleList(ctx context.Context, typ string, inputs resource.PropertyMap) (have []string, role string, want []string, err error) {
	if typ == awstypes.RolePoliciesExcl {
		var in rolePoliciesInputs
		if err := decode(typ, inputs, &in); err != nil {
			return nil, "", nil, err
		}
		have, err := b.listRole(ctx, typ, in.RoleName)
		return have, in.RoleName, in.PolicyNames, err
	}
	var in roleAttachmentsInputs
	if err := decode(typ, inputs, &in); err != nil {
		return nil, "", nil, err
	}
	have, err = b.listRole(ctx, typ, in.RoleName)
	return have, in.RoleName, in.PolicyArns, err
}

// listRole is what the role holds (ListRolePolicies or ListAttachedRolePolicies, every
// page); nil when the role does not exist.
func (b *IAMAccount) listRole(ctx context.Context, typ, role string) ([]string, error) {
	out := []string{}
	if typ == awstypes.RolePoliciesExcl {
		p := iam.NewListRolePoliciesPaginator(b.iam, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if notFound(err, "NoSuchEntity") {
				return nil, nil
			}
			if err != nil {
				return nil, wrap("listing the inline policies of role", role, err)
			}
			out = append(out, page.PolicyNames...)
		}
		return out, nil
	}
	p := iam.NewListAttachedRolePoliciesPaginator(b.iam, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if notFound(err, "NoSuchEntity") {
			return nil, nil
		}
		if err != nil {
			return nil, wrap("listing the attached policies of role", role, err)
		}
		for _, a := range page.AttachedPolicies {
			out = append(out, aws.ToString(a.PolicyArn))
		}
	}
	return out, nil
}

// putPasswordPolicy sends the password policy as the provider does: a setting left at its
// zero value is not sent (d.GetOk), and AWS applies its default for it.
func (b *IAMAccount) putPasswordPolicy(ctx context.Context, inputs resource.PropertyMap) error {
	var in passwordPolicyInputs
	if err := decode(awstypes.AccountPasswordPolicy, inputs, &in); err != nil {
		return err
	}
	int32p := func(n int) *int32 {
		if n == 0 {
			return nil
		}
		return aws.Int32(int32(n))
	}
	req := &iam.UpdateAccountPasswordPolicyInput{
		AllowUsersToChangePassword: in.AllowUsersToChangePassword,
		MaxPasswordAge:             int32p(in.MaxPasswordAge),
		MinimumPasswordLength:      int32p(in.MinimumPasswordLength),
		PasswordReusePrevention:    int32p(in.PasswordReusePrevention),
		RequireLowercaseCharacters: in.RequireLowercaseCharacters,
		RequireNumbers:             in.RequireNumbers,
		RequireSymbols:             in.RequireSymbols,
		RequireUppercaseCharacters: in.RequireUppercaseCharacters,
	}
	if in.HardExpiry {
		req.HardExpiry = aws.Bool(true)
	}
	_, err := b.iam.UpdateAccountPasswordPolicy(ctx, req)
	return wrap("updating the account's", "password policy", err)
}

// Read implements Backend.
func (b *IAMAccount) Read(ctx context.Context, typ, id string, olds resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	var in any
	computed := resource.PropertyMap{}
	switch typ {
	case awstypes.Role:
		role, err := b.getRole(ctx, id)
		if err != nil || role == nil {
			return nil, nil, err
		}
		computed["arn"], computed["uniqueId"] = resource.NewProperty(role.arn), resource.NewProperty(role.uniqueID)
		role.roleInputs.AssumeRolePolicy = keepSpelling(olds["assumeRolePolicy"], role.AssumeRolePolicy)
		in = role.roleInputs
	case awstypes.RoleAttachment:
		a, err := b.getRoleAttachment(ctx, id, olds)
		if err != nil || a == nil {
			return nil, nil, err
		}
		in = a
	case awstypes.RolePoliciesExcl, awstypes.RoleAttachmentsExcl:
		have, err := b.listRole(ctx, typ, id)
		if err != nil || have == nil {
			return nil, nil, err
		}
		// The last inputs, accepted when they were sent, give the order to keep; an import
		// has none.
		if typ == awstypes.RolePoliciesExcl {
			var old rolePoliciesInputs
			_ = decode(typ, olds, &old)
			in = rolePoliciesInputs{RoleName: id, PolicyNames: setOrder(have, old.PolicyNames)}
		} else {
			var old roleAttachmentsInputs
			_ = decode(typ, olds, &old)
			in = roleAttachmentsInputs{RoleName: id, PolicyArns: setOrder(have, old.PolicyArns)}
		}
	case awstypes.ServiceLinkedRole:
		role, err := b.getRole(ctx, roleOfARN(id))
		if err != nil || role == nil {
			return nil, nil, err
		}
		// iam/service_linked_role.go reads the service from the role's path,
		// /aws-service-role/<service>/, and the suffix from the name, <name>_<suffix>.
		slr := serviceLinkedRoleInputs{AWSServiceName: strings.TrimSuffix(strings.TrimPrefix(role.Path, "/aws-service-role/"), "/"), Description: role.Description}
		if _, suffix, ok := strings.Cut(role.Name, "_"); ok {
			slr.CustomSuffix = suffix
		}
		in = slr
		computed["arn"], computed["name"], computed["path"], computed["uniqueId"] = resource.NewProperty(role.arn), resource.NewProperty(role.Name),
			resource.NewProperty(role.Path), resource.NewProperty(role.uniqueID)
	case awstypes.OIDCProvider:
		out, err := b.iam.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(id)})
		if notFound(err, "NoSuchEntity") {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("reading the OIDC provider", id, err)
		}
		// AWS reports the URL without its scheme; the provider takes it with https:// and
		// shows no diff between the two (suppressOpenIDURL).
		var old oidcInputs
		_ = decode(typ, olds, &old) // accepted when sent; none on an import
		u := aws.ToString(out.Url)
		if !strings.Contains(u, "://") {
			u = "https://" + u
		}
		if old.URL != "" && strings.TrimPrefix(old.URL, "https://") == strings.TrimPrefix(u, "https://") {
			u = old.URL
		}
		in = oidcInputs{URL: u, ClientIDLists: setOrder(out.ClientIDList, old.ClientIDLists), ThumbprintLists: out.ThumbprintList}
		computed["arn"] = resource.NewProperty(id)
	case awstypes.AccountAlias:
		out, err := b.iam.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
		if err != nil {
			return nil, nil, wrap("listing the account's", "aliases", err)
		}
		// The provider reports the account's one alias, whatever it is now.
		if len(out.AccountAliases) == 0 {
			return nil, nil, nil
		}
		in = aliasInputs{AccountAlias: out.AccountAliases[0]}
	case awstypes.AccountPasswordPolicy:
		out, err := b.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
		if notFound(err, "NoSuchEntity") {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("reading the account's", "password policy", err)
		}
		p := out.PasswordPolicy
		in = passwordPolicyInputs{AllowUsersToChangePassword: p.AllowUsersToChangePassword, HardExpiry: aws.ToBool(p.HardExpiry),
			MaxPasswordAge: int(aws.ToInt32(p.MaxPasswordAge)), MinimumPasswordLength: int(aws.ToInt32(p.MinimumPasswordLength)),
			PasswordReusePrevention: int(aws.ToInt32(p.PasswordReusePrevention)), RequireLowercaseCharacters: p.RequireLowercaseCharacters,
			RequireNumbers: p.RequireNumbers, RequireSymbols: p.RequireSymbols, RequireUppercaseCharacters: p.RequireUppercaseCharacters}
		computed["expirePasswords"] = resource.NewProperty(p.ExpirePasswords)
	default:
		return nil, nil, fmt.Errorf("the stand-in's IAM account backend does not serve %s", typ)
	}
	inputs := encode(in)
	state := inputs.Copy()
	maps.Copy(state, computed)
	return inputs, state, nil
}

// role is a role as AWS holds it: its inputs (the trust policy as AWS spells it) and the
// attributes AWS computed.
type role struct {
	roleInputs
	arn, uniqueID string
}

// getRole reads a role (GetRole); nil when it does not exist. Settings at the provider's
// defaults are left out, as a program that does not set them sends them.
func (b *IAMAccount) getRole(ctx context.Context, name string) (*role, error) {
	out, err := b.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if notFound(err, "NoSuchEntity") {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("reading role", name, err)
	}
	r := out.Role
	// AWS gives the trust policy URL-encoded (iam/role.go decodes it too).
	trust, err := url.QueryUnescape(aws.ToString(r.AssumeRolePolicyDocument))
	if err != nil {
		return nil, fmt.Errorf("reading role %s: its trust policy: %w", name, err)
	}
	got := &role{arn: aws.ToString(r.Arn), uniqueID: aws.ToString(r.RoleId)}
	got.Name, got.AssumeRolePolicy, got.Description = aws.ToString(r.RoleName), trust, aws.ToString(r.Description)
	if p := aws.ToString(r.Path); p != defaultRolePath {
		got.Path = p
	}
	if d := int(aws.ToInt32(r.MaxSessionDuration)); d != defaultMaxSessionDuration {
		got.MaxSessionDuration = d
	}
	if r.PermissionsBoundary != nil {
		got.PermissionsBoundary = aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn)
	}
	tags := r.Tags
	if len(tags) == 0 {
		// GetRole may leave the tags out; ListRoleTags has them.
		t, err := b.iam.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String(name)})
		if err != nil {
			return nil, wrap("listing the tags of role", name, err)
		}
		tags = t.Tags
	}
	for _, t := range tags {
		if got.Tags == nil {
			got.Tags = map[string]string{}
		}
		got.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return got, nil
}

// getRoleAttachment reads a role's policy attachment: on a refresh by the role and policy
// of its last inputs, on an import by its id, <role>/<policy ARN>, as
// iam/role_policy_attachment.go imports it. Nil when the policy is not attached.
func (b *IAMAccount) getRoleAttachment(ctx context.Context, id string, olds resource.PropertyMap) (*roleAttachmentInputs, error) {
	a := roleAttachmentInputs{Role: text(olds["role"]), PolicyArn: text(olds["policyArn"])}
	if a.Role == "" || a.PolicyArn == "" {
		role, arn, ok := strings.Cut(id, "/")
		if !ok {
			return nil, fmt.Errorf("importing %s %q: want <role name>/<policy ARN>", awstypes.RoleAttachment, id)
		}
		a = roleAttachmentInputs{Role: role, PolicyArn: arn}
	}
	have, err := b.listRole(ctx, awstypes.RoleAttachmentsExcl, a.Role)
	if err != nil || !slices.Contains(have, a.PolicyArn) {
		return nil, err
	}
	return &a, nil
}

// Delete implements Backend. The exclusive types delete nothing, as the provider's
// (WithNoOpDelete): the policies they kept stay, and the role's own delete fails while
// any remain.
func (b *IAMAccount) Delete(ctx context.Context, typ, id string, olds resource.PropertyMap) error {
	var err error
	switch typ {
	case awstypes.Role:
		_, err = b.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(id)})
	case awstypes.RoleAttachment:
		_, err = b.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(text(olds["role"])), PolicyArn: aws.String(text(olds["policyArn"]))})
	case awstypes.RolePoliciesExcl, awstypes.RoleAttachmentsExcl:
	case awstypes.ServiceLinkedRole:
		err = b.deleteServiceLinkedRole(ctx, roleOfARN(id))
	case awstypes.OIDCProvider:
		_, err = b.iam.DeleteOpenIDConnectProvider(ctx, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(id)})
	case awstypes.AccountAlias:
		_, err = b.iam.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String(id)})
	case awstypes.AccountPasswordPolicy:
		_, err = b.iam.DeleteAccountPasswordPolicy(ctx, &iam.DeleteAccountPasswordPolicyInput{})
	default:
		return fmt.Errorf("the stand-in's IAM account backend does not serve %s", typ)
	}
	if err != nil && !notFound(err, "NoSuchEntity") {
		return fmt.Errorf("deleting %s %s: %w", typ, id, err)
	}
	return nil
}

// deleteServiceLinkedRole asks IAM to delete the role and reads the deletion's status
// once, as iam/service_linked_role.go waits for it: IAM refuses to delete a role a
// service still uses (FAILED, with the reason).
func (b *IAMAccount) deleteServiceLinkedRole(ctx context.Context, name string) error {
	out, err := b.iam.DeleteServiceLinkedRole(ctx, &iam.DeleteServiceLinkedRoleInput{RoleName: aws.String(name)})
	if err != nil {
		return err
	}
	status, err := b.iam.GetServiceLinkedRoleDeletionStatus(ctx, &iam.GetServiceLinkedRoleDeletionStatusInput{DeletionTaskId: out.DeletionTaskId})
	if err != nil {
		return err
	}
	if status.Status == iamtypes.DeletionTaskStatusTypeFailed {
		return fmt.Errorf("IAM did not delete it: %+v", status.Reason)
	}
	return nil
}

// roleOfARN is the role name an IAM role's ARN ends with, after its path.
func roleOfARN(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }
