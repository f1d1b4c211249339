package awsapi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/awsmodel"
	"github.com/secure-aws/secure-aws/pgpkey"
)

// IAMTypes are the resource types the IAM backend serves: the program's users, groups,
// memberships, managed policies and their attachments, the exclusive lists of users and
// groups, login profiles and access keys.
var IAMTypes = []string{
	awstypes.User, awstypes.Group, awstypes.Membership, awstypes.GroupMembership,
	awstypes.Policy, awstypes.GroupAttachment,
	awstypes.UserPoliciesExcl, awstypes.UserAttachmentsExcl, awstypes.GroupPoliciesExcl, awstypes.GroupAttachmentsExcl,
	awstypes.LoginProfile, awstypes.AccessKey,
}

// IAM serves IAMTypes through the IAM API at the configured endpoint, as
// hashicorp/terraform-provider-aws internal/service/iam/<type>.go does.
type IAM struct {
	iam       *iam.Client
	generated func(typ, user, kind, value string) error
}

// NewIAM makes the IAM backend for c, which must name the iam endpoint.
func NewIAM(c Config) (*IAM, error) {
	client, err := c.iamClient()
	if err != nil {
		return nil, err
	}
	generated := c.Generated
	if generated == nil {
		generated = func(string, string, string, string) error { return nil }
	}
	return &IAM{iam: client, generated: generated}, nil
}

// Serves implements Backend.
func (b *IAM) Serves(typ string) bool { return slices.Contains(IAMTypes, typ) }

// The inputs of each type, by their Pulumi names.
type (
	userInputs struct {
		Name                string            `json:"name"`
		Path                string            `json:"path,omitempty"`
		Tags                map[string]string `json:"tags,omitempty"`
		ForceDestroy        bool              `json:"forceDestroy,omitempty"`
		PermissionsBoundary string            `json:"permissionsBoundary,omitempty"`
	}
	groupInputs struct {
		Name string `json:"name"`
		Path string `json:"path,omitempty"`
	}
	membershipInputs struct {
		User   string   `json:"user"`
		Groups []string `json:"groups"`
	}
	groupMembershipInputs struct {
		Name  string   `json:"name"`
		Group string   `json:"group"`
		Users []string `json:"users"`
	}
	managedPolicyInputs struct {
		Name        string            `json:"name"`
		Path        string            `json:"path,omitempty"`
		Policy      string            `json:"policy"`
		Description string            `json:"description,omitempty"`
		Tags        map[string]string `json:"tags,omitempty"`
	}
	groupAttachmentInputs struct {
		Group     string `json:"group"`
		PolicyArn string `json:"policyArn"`
	}
	loginProfileInputs struct {
		User                  string `json:"user"`
		PgpKey                string `json:"pgpKey,omitempty"`
		PasswordLength        int    `json:"passwordLength,omitempty"`
		PasswordResetRequired *bool  `json:"passwordResetRequired,omitempty"`
	}
	accessKeyInputs struct {
		User   string `json:"user"`
		PgpKey string `json:"pgpKey,omitempty"`
		Status string `json:"status,omitempty"`
	}
)

// exclusive is a resource that owns a complete list of a user or group (its inline policy
// names or its attached policy ARNs): create and update add what the list names and
// remove everything else AWS lists, read reports what AWS lists, delete does nothing, as
// the upstream <principal>_polic{ies,y_attachments}_exclusive.go do.
type exclusive struct {
	owner, items string
	list         func(ctx context.Context, c *iam.Client, owner string) ([]string, error)
	add, remove  func(ctx context.Context, c *iam.Client, owner, item string) error
}

var exclusives = map[string]exclusive{
	awstypes.UserPoliciesExcl: {"userName", "policyNames",
		func(ctx context.Context, c *iam.Client, owner string) ([]string, error) {
			return pages(ctx, iam.NewListUserPoliciesPaginator(c, &iam.ListUserPoliciesInput{UserName: aws.String(owner)}),
				func(p *iam.ListUserPoliciesOutput) []string { return p.PolicyNames })
		},
		func(ctx context.Context, c *iam.Client, owner, item string) error {
			// The provider puts a policy without a document, which AWS refuses: the list can
			// only keep or remove inline policies made elsewhere.
			_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(owner), PolicyName: aws.String(item)})
			return err
		},
		func(ctx context.Context, c *iam.Client, owner, item string) error {
			_, err := c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(owner), PolicyName: aws.String(item)})
			return err
		}},
	awstypes.GroupPoliciesExcl: {"groupName", "policyNames",
		func(ctx context.Context, c *iam.Client, owner string) ([]string, error) {
			return pages(ctx, iam.NewListGroupPoliciesPaginator(c, &iam.ListGroupPoliciesInput{GroupName: aws.String(owner)}),
				func(p *iam.ListGroupPoliciesOutput) []string { return p.PolicyNames })
		},
		func(ctx context.Context, c *iam.Client, owner, item string) error {
			_, err := c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String(owner), PolicyName: aws.String(item)})
			return err
		},
		func(ctx context.Context, c *iam.Client, owner, item string) error {
			_, err := c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String(owner), PolicyName: aws.String(item)})
			return err
		}},
	awstypes.UserAttachmentsExcl: {"userName", "policyArns",
		func(ctx context.Context, c *iam.Client, owner string) ([]string, error) {
			return pages(ctx, iam.NewListAttachedUserPoliciesPaginator(c, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(owner)}),
				func(p *iam.ListAttachedUserPoliciesOutput) []string { return policyARNs(p.AttachedPolicies) })
		},
		func(ctx context.Context, c *iam.Client, owner, item string) error {
			_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(owner), PolicyArn: aws.String(item)})
			return err
		},
		func(ctx context.Context, c *iam.Client, owner, item string) error {
			_, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String(owner), PolicyArn: aws.String(item)})
			return err
		}},
	awstypes.GroupAttachmentsExcl: {"groupName", "policyArns", listGroupAttachments,
		func(ctx context.Context, c *iam.Client, owner, item string) error {
			_, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String(owner), PolicyArn: aws.String(item)})
			return err
		},
		func(ctx context.Context, c *iam.Client, owner, item string) error {
			_, err := c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String(owner), PolicyArn: aws.String(item)})
			return err
		}},
}

// listGroupAttachments lists the ARNs of the policies attached to group.
func listGroupAttachments(ctx context.Context, c *iam.Client, group string) ([]string, error) {
	return pages(ctx, iam.NewListAttachedGroupPoliciesPaginator(c, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(group)}),
		func(p *iam.ListAttachedGroupPoliciesOutput) []string { return policyARNs(p.AttachedPolicies) })
}

// pager is an IAM paginator whose pages are O.
type pager[O any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*iam.Options)) (O, error)
}

// pages gathers the items of every page of p.
func pages[O any](ctx context.Context, p pager[O], items func(O) []string) ([]string, error) {
	var out []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, items(page)...)
	}
	return out, nil
}

// policyARNs are the ARNs of attached.
func policyARNs(attached []iamtypes.AttachedPolicy) []string {
	var out []string
	for _, a := range attached {
		out = append(out, aws.ToString(a.PolicyArn))
	}
	return out
}

// decode reads the owner and the list of an exclusive resource, refusing any other input.
func (e exclusive) decode(typ string, m resource.PropertyMap) (string, []string, error) {
	in := m.Mappable()
	for k := range in {
		if k != e.owner && k != e.items {
			return "", nil, fmt.Errorf("the stand-in's AWS backend does not serve these inputs of %s: unknown field %q", typ, k)
		}
	}
	owner, _ := in[e.owner].(string)
	items := []string{}
	list, _ := in[e.items].([]any)
	for _, it := range list {
		s, ok := it.(string)
		if !ok {
			return "", nil, fmt.Errorf("%s: %s holds %v, not a name", typ, e.items, it)
		}
		items = append(items, s)
	}
	return owner, items, nil
}

// sync makes AWS list exactly want for owner: what is missing is added, what is not
// named is removed (syncAttachments upstream).
func (e exclusive) sync(ctx context.Context, c *iam.Client, typ, owner string, want []string) error {
	have, err := e.list(ctx, c, owner)
	if err != nil {
		return fmt.Errorf("listing the %s of %s: %w", e.items, owner, err)
	}
	return syncList(have, want,
		func(it string) error { return wrap(typ+" "+owner+": adding", it, e.add(ctx, c, owner, it)) },
		func(it string) error { return wrap(typ+" "+owner+": removing", it, e.remove(ctx, c, owner, it)) })
}

// Create implements Backend.
func (b *IAM) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	id, extra, err := b.create(ctx, typ, inputs)
	if err != nil {
		return "", nil, err
	}
	_, state, err := b.Read(ctx, typ, id, inputs)
	if err != nil {
		return "", nil, err
	}
	if state == nil {
		return "", nil, fmt.Errorf("%s %s: created, yet AWS reports it does not exist", typ, id)
	}
	maps.Copy(state, inputs)
	maps.Copy(state, extra)
	return id, state, nil
}

// create makes the resource and returns its id and what only the creation reveals (a
// generated credential).
func (b *IAM) create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	if e, ok := exclusives[typ]; ok {
		owner, want, err := e.decode(typ, inputs)
		if err != nil {
			return "", nil, err
		}
		return owner, nil, e.sync(ctx, b.iam, typ, owner, want)
	}
	switch typ {
	case awstypes.User:
		var in userInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		req := &iam.CreateUserInput{UserName: aws.String(in.Name), Path: optional(in.Path), Tags: iamTags(in.Tags)}
		if in.PermissionsBoundary != "" {
			req.PermissionsBoundary = aws.String(in.PermissionsBoundary)
		}
		_, err := b.iam.CreateUser(ctx, req)
		return in.Name, nil, wrap("creating IAM user", in.Name, err)
	case awstypes.Group:
		var in groupInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		_, err := b.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(in.Name), Path: optional(in.Path)})
		return in.Name, nil, wrap("creating IAM group", in.Name, err)
	case awstypes.Membership:
		var in membershipInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		for _, g := range in.Groups {
			if err := b.addToGroup(ctx, in.User, g); err != nil {
				return "", nil, err
			}
		}
		return prefixedUniqueID("terraform-"), nil, nil
	case awstypes.GroupMembership:
		// It only adds: members added elsewhere stay until an update (groupMembershipCreate).
		var in groupMembershipInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		for _, u := range in.Users {
			if err := b.addToGroup(ctx, u, in.Group); err != nil {
				return "", nil, err
			}
		}
		return in.Name, nil, nil
	case awstypes.Policy:
		var in managedPolicyInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		req := &iam.CreatePolicyInput{PolicyName: aws.String(in.Name), Path: optional(in.Path), PolicyDocument: aws.String(in.Policy), Tags: iamTags(in.Tags)}
		if in.Description != "" {
			req.Description = aws.String(in.Description)
		}
		out, err := b.iam.CreatePolicy(ctx, req)
		if err != nil {
			return "", nil, wrap("creating IAM policy", in.Name, err)
		}
		return aws.ToString(out.Policy.Arn), nil, nil
	case awstypes.GroupAttachment:
		var in groupAttachmentInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		_, err := b.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String(in.Group), PolicyArn: aws.String(in.PolicyArn)})
		return prefixedUniqueID(in.Group + "-"), nil, wrap("attaching "+in.PolicyArn+" to group", in.Group, err)
	case awstypes.LoginProfile:
		var in loginProfileInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		length := in.PasswordLength
		if length == 0 {
			length = 20 // the provider's default
		}
		// The provider makes the password and hands it to AWS (userLoginProfileCreate).
		password, err := generatePassword(length)
		if err != nil {
			return "", nil, err
		}
		req := &iam.CreateLoginProfileInput{UserName: aws.String(in.User), Password: aws.String(password)}
		if in.PasswordResetRequired != nil {
			req.PasswordResetRequired = *in.PasswordResetRequired
		}
		if _, err := b.iam.CreateLoginProfile(ctx, req); err != nil {
			return "", nil, wrap("creating the login profile of", in.User, err)
		}
		extra, err := b.credential(typ, in.User, in.PgpKey, "password", "encryptedPassword", password)
		return in.User, extra, err
	case awstypes.AccessKey:
		var in accessKeyInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", nil, err
		}
		out, err := b.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(in.User)})
		if err != nil {
			return "", nil, wrap("creating an access key of", in.User, err)
		}
		id := aws.ToString(out.AccessKey.AccessKeyId)
		extra, err := b.credential(typ, in.User, in.PgpKey, "secret", "encryptedSecret", aws.ToString(out.AccessKey.SecretAccessKey))
		if err != nil {
			return "", nil, err
		}
		if in.Status == string(iamtypes.StatusTypeInactive) {
			if _, err := b.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String(in.User), AccessKeyId: aws.String(id), Status: iamtypes.StatusTypeInactive}); err != nil {
				return "", nil, wrap("deactivating access key", id, err)
			}
		}
		return id, extra, nil
	}
	return "", nil, fmt.Errorf("the stand-in's IAM backend does not serve %s", typ)
}

// credential is the state of a credential the provider generated: encrypted to pgpKey
// (encryptedKey and keyFingerprint: only ciphertext leaves the stand-in), else the plain
// value as a secret under plainKey. The plain value is recorded (Config.Generated) so the
// tests can search the engine's state for it.
func (b *IAM) credential(typ, user, pgpKey, plainKey, encryptedKey, plain string) (resource.PropertyMap, error) {
	if err := b.generated(typ, user, plainKey, plain); err != nil {
		return nil, err
	}
	if pgpKey == "" {
		return resource.PropertyMap{resource.PropertyKey(plainKey): resource.MakeSecret(resource.NewProperty(plain))}, nil
	}
	fingerprint, encrypted, err := pgpkey.Encrypt(pgpKey, []byte(plain))
	if err != nil {
		return nil, fmt.Errorf("%s of %s: %w", typ, user, err)
	}
	return resource.PropertyMap{resource.PropertyKey(encryptedKey): resource.NewProperty(encrypted), "keyFingerprint": resource.NewProperty(fingerprint)}, nil
}

// addToGroup adds user to group.
func (b *IAM) addToGroup(ctx context.Context, user, group string) error {
	_, err := b.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String(user), GroupName: aws.String(group)})
	if err != nil {
		return fmt.Errorf("adding user %s to group %s: %w", user, group, err)
	}
	return nil
}

// removeFromGroup removes user from group; one already gone is no error (removeUserFromGroup).
func (b *IAM) removeFromGroup(ctx context.Context, user, group string) error {
	_, err := b.iam.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{UserName: aws.String(user), GroupName: aws.String(group)})
	if err != nil && !notFound(err, "NoSuchEntity") {
		return fmt.Errorf("removing user %s from group %s: %w", user, group, err)
	}
	return nil
}

// Read implements Backend. The types whose AWS key is not their id (a membership, an
// attachment) are read by the inputs last sent, or on import by the id the provider's
// importer takes (<user>/<group>/..., <group>/<policy ARN>).
func (b *IAM) Read(ctx context.Context, typ, id string, olds resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	inputs, computed, err := b.get(ctx, typ, id, olds)
	if err != nil || inputs == nil {
		return nil, nil, err
	}
	if now := inputs["policy"]; now.IsString() {
		inputs["policy"] = resource.NewProperty(keepSpelling(olds["policy"], now.StringValue()))
	}
	state := inputs.Copy()
	maps.Copy(state, computed)
	return inputs, state, nil
}

// get reads what AWS holds: the inputs in the program's shape and the computed
// attributes; nil inputs when it does not exist. An input AWS keeps at its default (a
// path of "/", no tags) is reported only when the program sent it, so an import does not
// invent inputs the program never sets.
func (b *IAM) get(ctx context.Context, typ, id string, olds resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	if e, ok := exclusives[typ]; ok {
		have, err := e.list(ctx, b.iam, id)
		if notFound(err, "NoSuchEntity") {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("reading the %s of %s: %w", e.items, id, err)
		}
		return resource.PropertyMap{resource.PropertyKey(e.owner): resource.NewProperty(id),
			resource.PropertyKey(e.items): propertyList(setOrder(have, awsmodel.StringList(olds[resource.PropertyKey(e.items)])))}, nil, nil
	}
	in := resource.PropertyMap{}
	set := func(k string, v any, isDefault bool) {
		if _, sent := olds[resource.PropertyKey(k)]; sent || !isDefault {
			in[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
	switch typ {
	case awstypes.User:
		out, err := b.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(id)})
		if notFound(err, "NoSuchEntity") {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("reading IAM user", id, err)
		}
		u := out.User
		in["name"] = resource.NewProperty(aws.ToString(u.UserName))
		set("path", aws.ToString(u.Path), aws.ToString(u.Path) == "/")
		set("tags", tagsFromAPI(u.Tags), len(u.Tags) == 0)
		if u.PermissionsBoundary != nil {
			in["permissionsBoundary"] = resource.NewProperty(aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn))
		}
		return in, resource.PropertyMap{"arn": resource.NewProperty(aws.ToString(u.Arn)), "uniqueId": resource.NewProperty(aws.ToString(u.UserId))}, nil
	case awstypes.Group:
		out, err := b.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(id), MaxItems: aws.Int32(1)})
		if notFound(err, "NoSuchEntity") {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("reading IAM group", id, err)
		}
		g := out.Group
		in["name"] = resource.NewProperty(aws.ToString(g.GroupName))
		set("path", aws.ToString(g.Path), aws.ToString(g.Path) == "/")
		return in, resource.PropertyMap{"arn": resource.NewProperty(aws.ToString(g.Arn)), "uniqueId": resource.NewProperty(aws.ToString(g.GroupId))}, nil
	case awstypes.Membership:
		// The groups of the user that this membership names: another membership's groups
		// are not its business (userGroupMembershipRead).
		user, groups := text(olds["user"]), awsmodel.StringList(olds["groups"])
		if len(olds) == 0 {
			parts := strings.Split(id, "/")
			if len(parts) < 2 {
				return nil, nil, fmt.Errorf("importing %s: the id is <user>/<group>/..., not %q", typ, id)
			}
			user, groups = parts[0], parts[1:]
		}
		have, err := b.groupsOf(ctx, user)
		if notFound(err, "NoSuchEntity") {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		in["user"] = resource.NewProperty(user)
		in["groups"] = propertyList(setOrder(slices.DeleteFunc(have, func(g string) bool { return !slices.Contains(groups, g) }), groups))
		return in, nil, nil
	case awstypes.GroupMembership:
		// Every member of the group, whoever added them (groupMembershipRead).
		group := text(olds["group"])
		if len(olds) == 0 {
			group = id
		}
		users, err := pages(ctx, iam.NewGetGroupPaginator(b.iam, &iam.GetGroupInput{GroupName: aws.String(group)}),
			func(p *iam.GetGroupOutput) []string {
				var out []string
				for _, u := range p.Users {
					out = append(out, aws.ToString(u.UserName))
				}
				return out
			})
		if notFound(err, "NoSuchEntity") {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("reading the members of group", group, err)
		}
		in["group"] = resource.NewProperty(group)
		in["name"] = resource.NewProperty(id)
		in["users"] = propertyList(setOrder(users, awsmodel.StringList(olds["users"])))
		return in, nil, nil
	case awstypes.Policy:
		out, err := b.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(id)})
		if notFound(err, "NoSuchEntity") {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("reading IAM policy", id, err)
		}
		p := out.Policy
		doc, err := b.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(id), VersionId: p.DefaultVersionId})
		if err != nil {
			return nil, nil, wrap("reading the default version of IAM policy", id, err)
		}
		// IAM answers a document URL-encoded.
		text, err := url.QueryUnescape(aws.ToString(doc.PolicyVersion.Document))
		if err != nil {
			return nil, nil, fmt.Errorf("reading the document of IAM policy %s: %w", id, err)
		}
		in["name"] = resource.NewProperty(aws.ToString(p.PolicyName))
		set("path", aws.ToString(p.Path), aws.ToString(p.Path) == "/")
		in["policy"] = resource.NewProperty(text)
		set("description", aws.ToString(p.Description), aws.ToString(p.Description) == "")
		set("tags", tagsFromAPI(p.Tags), len(p.Tags) == 0)
		return in, resource.PropertyMap{"arn": resource.NewProperty(aws.ToString(p.Arn)), "policyId": resource.NewProperty(aws.ToString(p.PolicyId)),
			"attachmentCount": resource.NewProperty(float64(aws.ToInt32(p.AttachmentCount)))}, nil
	case awstypes.GroupAttachment:
		group, arn := text(olds["group"]), text(olds["policyArn"])
		if len(olds) == 0 {
			var ok bool
			if group, arn, ok = strings.Cut(id, "/"); !ok {
				return nil, nil, fmt.Errorf("importing %s: the id is <group>/<policy ARN>, not %q", typ, id)
			}
		}
		have, err := listGroupAttachments(ctx, b.iam, group)
		if notFound(err, "NoSuchEntity") || (err == nil && !slices.Contains(have, arn)) {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("reading the policies attached to group", group, err)
		}
		in["group"], in["policyArn"] = resource.NewProperty(group), resource.NewProperty(arn)
		return in, nil, nil
	case awstypes.LoginProfile:
		out, err := b.iam.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String(id)})
		if notFound(err, "NoSuchEntity") {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("reading the login profile of", id, err)
		}
		in["user"] = resource.NewProperty(aws.ToString(out.LoginProfile.UserName))
		in["passwordResetRequired"] = resource.NewProperty(out.LoginProfile.PasswordResetRequired)
		return in, nil, nil
	case awstypes.AccessKey:
		user := text(olds["user"])
		if len(olds) == 0 {
			// The provider's importer asks whose key it is (GetAccessKeyLastUsed).
			out, err := b.iam.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)})
			if notFound(err, "NoSuchEntity") {
				return nil, nil, nil
			}
			if err != nil {
				return nil, nil, wrap("looking up the user of access key", id, err)
			}
			user = aws.ToString(out.UserName)
		}
		out, err := b.iam.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
		if notFound(err, "NoSuchEntity") {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("listing the access keys of", user, err)
		}
		for _, k := range out.AccessKeyMetadata {
			if aws.ToString(k.AccessKeyId) != id {
				continue
			}
			in["user"] = resource.NewProperty(aws.ToString(k.UserName))
			set("status", string(k.Status), k.Status == iamtypes.StatusTypeActive)
			return in, resource.PropertyMap{"createDate": resource.NewProperty(aws.ToTime(k.CreateDate).UTC().Format(time.RFC3339)),
				"status": resource.NewProperty(string(k.Status))}, nil
		}
		return nil, nil, nil
	}
	return nil, nil, fmt.Errorf("the stand-in's IAM backend does not serve %s", typ)
}

// groupsOf lists the groups user is in.
func (b *IAM) groupsOf(ctx context.Context, user string) ([]string, error) {
	groups, err := pages(ctx, iam.NewListGroupsForUserPaginator(b.iam, &iam.ListGroupsForUserInput{UserName: aws.String(user)}),
		func(p *iam.ListGroupsForUserOutput) []string {
			var out []string
			for _, g := range p.Groups {
				out = append(out, aws.ToString(g.GroupName))
			}
			return out
		})
	if err != nil {
		return nil, fmt.Errorf("listing the groups of user %s: %w", user, err)
	}
	return groups, nil
}

// Update implements Backend, as the provider updates each type in place.
func (b *IAM) Update(ctx context.Context, typ, id string, olds, news resource.PropertyMap) (resource.PropertyMap, error) {
	if err := b.update(ctx, typ, id, olds, news); err != nil {
		return nil, err
	}
	_, state, err := b.Read(ctx, typ, id, news)
	if err != nil {
		return nil, err
	}
	if state == nil {
		return nil, fmt.Errorf("%s %s: updated, yet AWS reports it does not exist", typ, id)
	}
	maps.Copy(state, news)
	return state, nil
}

// update makes the changes from olds to news in AWS.
func (b *IAM) update(ctx context.Context, typ, id string, olds, news resource.PropertyMap) error {
	if e, ok := exclusives[typ]; ok {
		owner, want, err := e.decode(typ, news)
		if err != nil {
			return err
		}
		return e.sync(ctx, b.iam, typ, owner, want)
	}
	switch typ {
	case awstypes.User:
		var in userInputs
		if err := decode(typ, news, &in); err != nil {
			return err
		}
		if in.Name != text(olds["name"]) || in.Path != text(olds["path"]) {
			if _, err := b.iam.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String(id), NewUserName: aws.String(in.Name), NewPath: optional(in.Path)}); err != nil {
				return wrap("updating IAM user", id, err)
			}
		}
		if in.PermissionsBoundary != text(olds["permissionsBoundary"]) {
			var err error
			if in.PermissionsBoundary != "" {
				_, err = b.iam.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String(in.Name), PermissionsBoundary: aws.String(in.PermissionsBoundary)})
			} else {
				_, err = b.iam.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String(in.Name)})
			}
			if err != nil {
				return wrap("setting the permissions boundary of IAM user", in.Name, err)
			}
		}
		return b.retag(olds, in.Tags,
			func(tags []iamtypes.Tag) error {
				_, err := b.iam.TagUser(ctx, &iam.TagUserInput{UserName: aws.String(in.Name), Tags: tags})
				return err
			},
			func(keys []string) error {
				_, err := b.iam.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String(in.Name), TagKeys: keys})
				return err
			})
	case awstypes.Group:
		var in groupInputs
		if err := decode(typ, news, &in); err != nil {
			return err
		}
		_, err := b.iam.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String(id), NewGroupName: aws.String(in.Name), NewPath: optional(in.Path)})
		return wrap("updating IAM group", id, err)
	case awstypes.Membership:
		var in membershipInputs
		if err := decode(typ, news, &in); err != nil {
			return err
		}
		old := awsmodel.StringList(olds["groups"])
		for _, g := range old {
			if !slices.Contains(in.Groups, g) {
				if err := b.removeFromGroup(ctx, in.User, g); err != nil {
					return err
				}
			}
		}
		for _, g := range in.Groups {
			if !slices.Contains(old, g) {
				if err := b.addToGroup(ctx, in.User, g); err != nil {
					return err
				}
			}
		}
		return nil
	case awstypes.GroupMembership:
		// Against the old state's members, which a refresh makes every member AWS lists.
		var in groupMembershipInputs
		if err := decode(typ, news, &in); err != nil {
			return err
		}
		old := awsmodel.StringList(olds["users"])
		for _, u := range old {
			if !slices.Contains(in.Users, u) {
				if err := b.removeFromGroup(ctx, u, in.Group); err != nil {
					return err
				}
			}
		}
		for _, u := range in.Users {
			if !slices.Contains(old, u) {
				if err := b.addToGroup(ctx, u, in.Group); err != nil {
					return err
				}
			}
		}
		return nil
	case awstypes.Policy:
		var in managedPolicyInputs
		if err := decode(typ, news, &in); err != nil {
			return err
		}
		if !samePolicy(in.Policy, text(olds["policy"])) {
			if err := b.newPolicyVersion(ctx, id, in.Policy); err != nil {
				return err
			}
		}
		return b.retag(olds, in.Tags,
			func(tags []iamtypes.Tag) error {
				_, err := b.iam.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: aws.String(id), Tags: tags})
				return err
			},
			func(keys []string) error {
				_, err := b.iam.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: aws.String(id), TagKeys: keys})
				return err
			})
	case awstypes.AccessKey:
		var in accessKeyInputs
		if err := decode(typ, news, &in); err != nil {
			return err
		}
		status := iamtypes.StatusType(in.Status)
		if status == "" {
			status = iamtypes.StatusTypeActive // the provider's default
		}
		_, err := b.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String(in.User), AccessKeyId: aws.String(id), Status: status})
		return wrap("updating access key", id, err)
	case awstypes.GroupAttachment, awstypes.LoginProfile:
		return fmt.Errorf("%s has no update: the provider replaces it", typ)
	}
	return fmt.Errorf("the stand-in's IAM backend does not serve %s", typ)
}

// newPolicyVersion makes doc the default version of the policy arn, first deleting the
// oldest version that is not the default when AWS's five are taken (policyUpdate and
// policyPruneVersions upstream).
func (b *IAM) newPolicyVersion(ctx context.Context, arn, doc string) error {
	out, err := b.iam.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	if err != nil {
		return wrap("listing the versions of IAM policy", arn, err)
	}
	if len(out.Versions) >= 5 {
		var oldest *iamtypes.PolicyVersion
		for i, v := range out.Versions {
			if !v.IsDefaultVersion && (oldest == nil || aws.ToTime(v.CreateDate).Before(aws.ToTime(oldest.CreateDate))) {
				oldest = &out.Versions[i]
			}
		}
		if oldest != nil {
			if _, err := b.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: oldest.VersionId}); err != nil {
				return wrap("deleting the oldest version of IAM policy", arn, err)
			}
		}
	}
	_, err = b.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(doc), SetAsDefault: true})
	return wrap("updating IAM policy", arn, err)
}

// retag brings the tags of the old state to want: tag what is new or changed, untag what
// went.
func (b *IAM) retag(olds resource.PropertyMap, want map[string]string, tag func([]iamtypes.Tag) error, untag func([]string) error) error {
	have := map[string]string{}
	if t := olds["tags"]; t.IsObject() {
		for k, v := range t.ObjectValue() {
			have[string(k)] = text(v)
		}
	}
	var gone []string
	for k := range have {
		if _, ok := want[k]; !ok {
			gone = append(gone, k)
		}
	}
	changed := map[string]string{}
	for k, v := range want {
		if old, ok := have[k]; !ok || old != v {
			changed[k] = v
		}
	}
	if len(gone) > 0 {
		sort.Strings(gone)
		if err := untag(gone); err != nil {
			return fmt.Errorf("untagging: %w", err)
		}
	}
	if len(changed) > 0 {
		if err := tag(iamTags(changed)); err != nil {
			return fmt.Errorf("tagging: %w", err)
		}
	}
	return nil
}

// Delete implements Backend, as the provider deletes each type.
func (b *IAM) Delete(ctx context.Context, typ, id string, olds resource.PropertyMap) error {
	if _, ok := exclusives[typ]; ok {
		return nil // deleting the list leaves AWS as it is (WithNoOpDelete upstream)
	}
	var err error
	switch typ {
	case awstypes.User:
		err = b.deleteUser(ctx, id, boolean(olds["forceDestroy"]))
	case awstypes.Group:
		_, err = b.iam.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String(id)})
	case awstypes.Membership:
		for _, g := range awsmodel.StringList(olds["groups"]) {
			if err = b.removeFromGroup(ctx, text(olds["user"]), g); err != nil {
				break
			}
		}
	case awstypes.GroupMembership:
		for _, u := range awsmodel.StringList(olds["users"]) {
			if err = b.removeFromGroup(ctx, u, text(olds["group"])); err != nil {
				break
			}
		}
	case awstypes.Policy:
		err = b.deletePolicy(ctx, id)
	case awstypes.GroupAttachment:
		_, err = b.iam.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String(text(olds["group"])), PolicyArn: aws.String(text(olds["policyArn"]))})
	case awstypes.LoginProfile:
		_, err = b.iam.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String(id)})
	case awstypes.AccessKey:
		_, err = b.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(text(olds["user"])), AccessKeyId: aws.String(id)})
	default:
		return fmt.Errorf("the stand-in's IAM backend does not serve %s", typ)
	}
	if err != nil && !notFound(err, "NoSuchEntity") {
		return fmt.Errorf("deleting %s %s: %w", typ, id, err)
	}
	return nil
}

// deleteUser deletes a user as resourceUserDelete does: out of every group first; with
// forceDestroy also its access keys, SSH keys, MFA devices, login profile, signing
// certificates and service-specific credentials. Without forceDestroy a user who still
// has any of them is refused by AWS (DeleteConflict), and that error is reported.
func (b *IAM) deleteUser(ctx context.Context, user string, force bool) error {
	groups, err := b.groupsOf(ctx, user)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := b.removeFromGroup(ctx, user, g); err != nil {
			return err
		}
	}
	if force {
		for _, step := range []struct {
			what string
			do   func() error
		}{
			{"access keys", func() error {
				out, err := b.iam.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
				if err != nil {
					return err
				}
				var errs []error
				for _, k := range out.AccessKeyMetadata {
					_, err := b.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(user), AccessKeyId: k.AccessKeyId})
					errs = append(errs, err)
				}
				return errors.Join(errs...)
			}},
			{"SSH keys", func() error {
				out, err := b.iam.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String(user)})
				if err != nil {
					return err
				}
				for _, k := range out.SSHPublicKeys {
					if _, err := b.iam.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String(user), SSHPublicKeyId: k.SSHPublicKeyId}); err != nil {
						return err
					}
				}
				return nil
			}},
			{"virtual MFA devices", func() error {
				out, err := b.iam.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: iamtypes.AssignmentStatusTypeAssigned})
				if err != nil {
					return err
				}
				for _, d := range out.VirtualMFADevices {
					if d.User == nil || aws.ToString(d.User.UserName) != user {
						continue
					}
					if _, err := b.iam.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String(user), SerialNumber: d.SerialNumber}); err != nil {
						return err
					}
					if _, err := b.iam.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: d.SerialNumber}); err != nil {
						return err
					}
				}
				return nil
			}},
			{"MFA devices", func() error {
				out, err := b.iam.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(user)})
				if err != nil {
					return err
				}
				for _, d := range out.MFADevices {
					if _, err := b.iam.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String(user), SerialNumber: d.SerialNumber}); err != nil {
						return err
					}
				}
				return nil
			}},
			{"login profile", func() error {
				_, err := b.iam.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String(user)})
				return err
			}},
			{"signing certificates", func() error {
				out, err := b.iam.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String(user)})
				if err != nil {
					return err
				}
				for _, c := range out.Certificates {
					if _, err := b.iam.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String(user), CertificateId: c.CertificateId}); err != nil {
						return err
					}
				}
				return nil
			}},
			{"service-specific credentials", func() error {
				out, err := b.iam.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String(user)},
					func(o *iam.Options) { o.RetryMaxAttempts = 1 })
				if unimplemented(err) {
					// moto 5.2.1 implements neither this call nor the one that makes such
					// credentials (docs/engine-tests.md): there are none to delete.
					return nil
				}
				if err != nil {
					return err
				}
				for _, c := range out.ServiceSpecificCredentials {
					if _, err := b.iam.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{UserName: aws.String(user),
						ServiceSpecificCredentialId: c.ServiceSpecificCredentialId}); err != nil {
						return err
					}
				}
				return nil
			}},
		} {
			if err := step.do(); err != nil && !notFound(err, "NoSuchEntity") {
				return fmt.Errorf("removing the %s of IAM user %s: %w", step.what, user, err)
			}
		}
	}
	_, err = b.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(user)})
	return err
}

// unimplemented says whether err is an emulator's answer that it does not implement the
// call: moto answers HTTP 500 with a Python traceback, which AWS never answers to a list.
func unimplemented(err error) bool {
	var re interface{ HTTPStatusCode() int }
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusInternalServerError
}

// deletePolicy deletes every version but the default, then the policy (policyDelete).
func (b *IAM) deletePolicy(ctx context.Context, arn string) error {
	out, err := b.iam.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	if err != nil {
		return err
	}
	for _, v := range out.Versions {
		if v.IsDefaultVersion {
			continue
		}
		if _, err := b.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: v.VersionId}); err != nil {
			return err
		}
	}
	_, err = b.iam.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	return err
}

// optional is nil for an unset string: AWS applies its default ("/" for a path).
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// tagsFromAPI is tags in the program's shape.
func tagsFromAPI(tags []iamtypes.Tag) map[string]any {
	out := map[string]any{}
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

// propertyList is items as a list property, never null.
func propertyList(items []string) resource.PropertyValue {
	out := []resource.PropertyValue{}
	for _, it := range items {
		out = append(out, resource.NewProperty(it))
	}
	return resource.NewProperty(out)
}

// The character classes of the provider's generated passwords (user_login_profile.go).
const (
	charLower   = "abcdefghijklmnopqrstuvwxyz"
	charUpper   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	charNumbers = "0123456789"
	charSymbols = "!@#$%^&*()_+-=[]{}|'"
)

// generatePassword makes an initial password as the provider's GeneratePassword does:
// random characters of every class, drawn again until each class appears, so it meets
// the strictest password policy.
func generatePassword(length int) (string, error) {
	const charset = charLower + charUpper + charNumbers + charSymbols
	result := make([]byte, length)
	for range 100000 {
		for i := range result {
			r, err := rand.Int(rand.Reader, big.NewInt(int64(len(charset))))
			if err != nil {
				return "", err
			}
			result[i] = charset[r.Int64()]
		}
		s := string(result)
		if strings.ContainsAny(s, charLower) && strings.ContainsAny(s, charUpper) && strings.ContainsAny(s, charNumbers) && strings.ContainsAny(s, charSymbols) {
			return s, nil
		}
	}
	return "", errors.New("generating a password of every character class failed")
}
