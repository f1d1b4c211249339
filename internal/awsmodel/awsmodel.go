// Package awsmodel answers the way the AWS provider answers for every resource type the
// program creates: the id it reports, ARNs formed as AWS forms them, the credentials AWS
// generates, and which input changes force a replacement. It is a model, not AWS: the
// offline plan answers with it (internal/record), and so does the stand-in AWS provider
// of the real-engine tests (internal/testsupport/standin), so both answer alike.
package awsmodel

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
)

// Account is where resources are created: it shapes their ARNs.
type Account struct {
	ID        string
	Partition string // aws, aws-cn, aws-us-gov
	Region    string
}

// Credentials makes the secret AWS generates for a user: kind is "secret" (an access
// key's) or "password" (a login profile's).
type Credentials func(user, kind string) string

// State returns the id and the state (inputs and computed attributes) the AWS provider
// reports after creating the resource of type typ and logical name from inputs.
func (a Account) State(typ, name string, inputs resource.PropertyMap, credentials Credentials) (string, resource.PropertyMap) {
	out := inputs.Copy()
	str := func(k string) string {
		if v, ok := inputs[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	set := func(k, v string) { out[resource.PropertyKey(k)] = resource.NewProperty(v) }
	iamARN := func(kind, name string) string {
		path := str("path")
		if path == "" {
			path = "/"
		}
		return "arn:" + a.Partition + ":iam::" + a.ID + ":" + kind + path + name
	}
	switch typ {
	case awstypes.Bucket:
		set("arn", "arn:"+a.Partition+":s3:::"+str("bucket"))
		set("bucketDomainName", str("bucket")+".s3.amazonaws.com")
		return str("bucket"), out
	case awstypes.Versioning, awstypes.Encryption, awstypes.Ownership, awstypes.PublicAccessBlock,
		awstypes.BucketPolicy, awstypes.Lifecycle, awstypes.ObjectLock:
		return str("bucket"), out
	case awstypes.AccountPublicAccess:
		set("accountId", a.ID)
		return a.ID, out
	case awstypes.User:
		set("arn", iamARN("user", str("name")))
		set("uniqueId", "AIDA"+uniqueSuffix(name))
		return str("name"), out
	case awstypes.Group:
		set("arn", iamARN("group", str("name")))
		set("uniqueId", "AGPA"+uniqueSuffix(name))
		return str("name"), out
	case awstypes.Role:
		set("arn", iamARN("role", str("name")))
		set("uniqueId", "AROA"+uniqueSuffix(name))
		return str("name"), out
	case awstypes.Policy:
		arn := iamARN("policy", str("name"))
		set("arn", arn)
		set("policyId", "ANPA"+uniqueSuffix(name))
		return arn, out
	case awstypes.OIDCProvider:
		arn := "arn:" + a.Partition + ":iam::" + a.ID + ":oidc-provider/" + strings.TrimPrefix(str("url"), "https://")
		set("arn", arn)
		return arn, out
	case awstypes.GroupAttachment:
		return str("group") + "-" + strings.ToLower(uniqueSuffix(name)), out
	case awstypes.RoleAttachment:
		return str("role") + "-" + strings.ToLower(uniqueSuffix(name)), out
	case awstypes.Membership:
		return "terraform-" + strings.ToLower(uniqueSuffix(name)), out
	case awstypes.GroupMembership:
		return str("name"), out
	case awstypes.GroupPoliciesExcl, awstypes.GroupAttachmentsExcl:
		return str("groupName"), out
	case awstypes.RolePoliciesExcl, awstypes.RoleAttachmentsExcl:
		return str("roleName"), out
	case awstypes.UserPoliciesExcl, awstypes.UserAttachmentsExcl:
		return str("userName"), out
	case awstypes.AccessKey:
		generated(out, str("pgpKey") != "", "encryptedSecret", "secret", credentials(str("user"), "secret"))
		if _, ok := inputs["status"]; !ok {
			set("status", "Active")
		}
		return "AKIA" + uniqueSuffix(name), out
	case awstypes.LoginProfile:
		generated(out, str("pgpKey") != "", "encryptedPassword", "password", credentials(str("user"), "password"))
		return str("user"), out
	case awstypes.AccountAlias:
		return str("accountAlias"), out
	case awstypes.AccountPasswordPolicy:
		return "iam-account-password-policy", out
	case awstypes.Trail:
		set("arn", "arn:"+a.Partition+":cloudtrail:"+a.Region+":"+a.ID+":trail/"+str("name"))
		return str("name"), out
	case awstypes.EBSEncryptionByDefault:
		// A setting of the region with no ARN; the provider makes up a unique id.
		return "terraform-" + strings.ToLower(uniqueSuffix(name)), out
	case awstypes.Analyzer:
		set("arn", "arn:"+a.Partition+":access-analyzer:"+a.Region+":"+a.ID+":analyzer/"+str("analyzerName"))
		return str("analyzerName"), out
	case awstypes.KMSKey:
		id := keyID(name)
		set("keyId", id)
		set("arn", "arn:"+a.Partition+":kms:"+a.Region+":"+a.ID+":key/"+id)
		return id, out
	case awstypes.Topic:
		// The provider's id is the topic's ARN.
		arn := "arn:" + a.Partition + ":sns:" + a.Region + ":" + a.ID + ":" + str("name")
		set("arn", arn)
		set("owner", a.ID)
		return arn, out
	case awstypes.TopicSubscription:
		// A subscription's ARN is its topic's and a UUID; the provider asks for it
		// (ReturnSubscriptionArn), so an email subscription awaiting confirmation has one.
		arn := str("topic") + ":" + keyID(name)
		set("arn", arn)
		out["pendingConfirmation"] = resource.NewProperty(str("protocol") == "email")
		return arn, out
	case awstypes.EventRule:
		set("arn", "arn:"+a.Partition+":events:"+a.Region+":"+a.ID+":rule/"+str("name"))
		return str("name"), out
	case awstypes.EventTarget:
		// On the default event bus: <rule>-<target id> (events/target.go).
		return str("rule") + "-" + str("targetId"), out
	case awstypes.Budget:
		set("arn", "arn:"+a.Partition+":budgets::"+a.ID+":budget/"+str("name"))
		return a.ID + ":" + str("name"), out
	case awstypes.AlternateContact:
		// Without an account id, the contact type alone (account/alternate_contact.go).
		return str("alternateContactType"), out
	case awstypes.BucketLogging:
		return str("bucket"), out
	case awstypes.ConfigRecorder, awstypes.ConfigDelivery, awstypes.ConfigRecorderStatus:
		return str("name"), out
	case awstypes.ServiceLinkedRole:
		// AWSServiceRoleForConfig for config.amazonaws.com: the role name AWS gives it.
		service := strings.Split(str("awsServiceName"), ".")[0]
		roleName := "AWSServiceRoleFor" + strings.ToUpper(service[:1]) + service[1:]
		arn := "arn:" + a.Partition + ":iam::" + a.ID + ":role/aws-service-role/" + str("awsServiceName") + "/" + roleName
		set("arn", arn)
		set("name", roleName)
		set("path", "/aws-service-role/"+str("awsServiceName")+"/")
		set("uniqueId", "AROA"+uniqueSuffix(name))
		return arn, out
	case awstypes.GuardDutyDetector:
		// A detector id is 32 lowercase hex digits.
		sum := sha256.Sum256([]byte(name))
		id := hex.EncodeToString(sum[:16])
		set("arn", "arn:"+a.Partition+":guardduty:"+a.Region+":"+a.ID+":detector/"+id)
		set("accountId", a.ID)
		return id, out
	case awstypes.SecurityHubAccount:
		set("arn", "arn:"+a.Partition+":securityhub:"+a.Region+":"+a.ID+":hub/default")
		return a.ID, out
	case awstypes.SecurityHubStandard:
		_, standard, _ := strings.Cut(str("standardsArn"), "::standards/")
		return "arn:" + a.Partition + ":securityhub:" + a.Region + ":" + a.ID + ":subscription/" + standard, out
	}
	return name + "-id", out
}

// uniqueSuffix is the 16 upper-case letters and digits AWS puts after a unique id's
// prefix (AIDA, AKIA, ...), derived from the logical name so runs are reproducible.
func uniqueSuffix(name string) string {
	sum := sha256.Sum256([]byte(name))
	return base32.StdEncoding.EncodeToString(sum[:])[:16]
}

// keyID is the UUID AWS gives a KMS key or an SNS subscription, derived from the logical
// name so runs are reproducible.
func keyID(name string) string {
	sum := sha256.Sum256([]byte(name))
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// generated sets a credential AWS generates: PGP-encrypted text under encryptedKey when a
// PGP key was given (the plain value never leaves AWS), else the plain value as a secret
// under plainKey, as the provider marks it.
func generated(out resource.PropertyMap, pgp bool, encryptedKey, plainKey, plain string) {
	if pgp {
		out[resource.PropertyKey(encryptedKey)] = resource.NewProperty("wcFMA" + uniqueSuffix(plain) + "-pgp-ciphertext")
		out["keyFingerprint"] = resource.NewProperty(strings.ToLower(uniqueSuffix(encryptedKey + plain)))
		return
	}
	out[resource.PropertyKey(plainKey)] = resource.MakeSecret(resource.NewProperty(plain))
}

// ReplaceOn lists, for every resource type the model knows, the inputs whose change makes
// the AWS provider replace the resource instead of updating it in place: the attributes the
// upstream Terraform AWS provider marks ForceNew (or all of them, where the resource has no
// update), as read in hashicorp/terraform-provider-aws internal/service/<service>/<file>.go,
// which pulumi-aws v6 bridges. An empty list updates every input in place.
var ReplaceOn = map[string][]string{
	awstypes.Bucket:                 {"bucket", "bucketPrefix", "objectLockEnabled"},                                           // s3/bucket.go
	awstypes.Versioning:             {"bucket", "expectedBucketOwner"},                                                         // s3/bucket_versioning.go
	awstypes.Encryption:             {"bucket", "expectedBucketOwner"},                                                         // s3/bucket_server_side_encryption_configuration.go
	awstypes.Ownership:              {"bucket"},                                                                                // s3/bucket_ownership_controls.go
	awstypes.PublicAccessBlock:      {"bucket"},                                                                                // s3/bucket_public_access_block.go
	awstypes.BucketPolicy:           {"bucket"},                                                                                // s3/bucket_policy.go
	awstypes.Lifecycle:              {"bucket", "expectedBucketOwner"},                                                         // s3/bucket_lifecycle_configuration.go
	awstypes.ObjectLock:             {"bucket", "expectedBucketOwner", "objectLockEnabled"},                                    // s3/bucket_object_lock_configuration.go
	awstypes.AccountPublicAccess:    {"accountId"},                                                                             // s3control/account_public_access_block.go
	awstypes.Policy:                 {"name", "namePrefix", "path", "description"},                                             // iam/policy.go
	awstypes.GroupAttachment:        {"group", "policyArn"},                                                                    // iam/group_policy_attachment.go (no update)
	awstypes.Membership:             {"user"},                                                                                  // iam/user_group_membership.go
	awstypes.GroupMembership:        {"name", "group"},                                                                         // iam/group_membership.go
	awstypes.GroupPoliciesExcl:      {"groupName"},                                                                             // iam/group_policies_exclusive.go
	awstypes.GroupAttachmentsExcl:   {"groupName"},                                                                             // iam/group_policy_attachments_exclusive.go
	awstypes.RolePoliciesExcl:       {"roleName"},                                                                              // iam/role_policies_exclusive.go
	awstypes.RoleAttachmentsExcl:    {"roleName"},                                                                              // iam/role_policy_attachments_exclusive.go
	awstypes.UserPoliciesExcl:       {"userName"},                                                                              // iam/user_policies_exclusive.go
	awstypes.UserAttachmentsExcl:    {"userName"},                                                                              // iam/user_policy_attachments_exclusive.go
	awstypes.AccessKey:              {"user", "pgpKey"},                                                                        // iam/access_key.go
	awstypes.LoginProfile:           {"user", "pgpKey", "passwordLength", "passwordResetRequired"},                             // iam/user_login_profile.go (no update)
	awstypes.Role:                   {"name", "namePrefix", "path"},                                                            // iam/role.go
	awstypes.RoleAttachment:         {"role", "policyArn"},                                                                     // iam/role_policy_attachment.go (no update)
	awstypes.OIDCProvider:           {"url"},                                                                                   // iam/openid_connect_provider.go
	awstypes.AccountAlias:           {"accountAlias"},                                                                          // iam/account_alias.go (no update)
	awstypes.Analyzer:               {"analyzerName", "type", "configuration"},                                                 // accessanalyzer/analyzer.go
	awstypes.Trail:                  {"name"},                                                                                  // cloudtrail/trail.go
	awstypes.KMSKey:                 {"customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"},      // kms/key.go
	awstypes.Topic:                  {"name", "namePrefix", "fifoTopic"},                                                       // sns/topic.go
	awstypes.TopicSubscription:      {"topic", "protocol", "endpoint", "endpointAutoConfirms", "confirmationTimeoutInMinutes"}, // sns/topic_subscription.go
	awstypes.EventRule:              {"name", "namePrefix", "eventBusName"},                                                    // events/rule.go
	awstypes.EventTarget:            {"rule", "targetId", "eventBusName"},                                                      // events/target.go
	awstypes.Budget:                 {"accountId", "name", "namePrefix"},                                                       // budgets/budget.go
	awstypes.AlternateContact:       {"accountId", "alternateContactType"},                                                     // account/alternate_contact.go
	awstypes.EBSEncryptionByDefault: {},                                                                                        // ec2/ebs_encryption_by_default.go: enabled is updated in place; delete disables it
	awstypes.BucketLogging:          {"bucket", "expectedBucketOwner"},                                                         // s3/bucket_logging.go
	awstypes.ServiceLinkedRole:      {"awsServiceName", "customSuffix"},                                                        // iam/service_linked_role.go
	awstypes.GuardDutyDetector:      {},                                                                                        // guardduty/detector.go: every attribute updates in place
	awstypes.ConfigRecorder:         {"name"},                                                                                  // configservice/configuration_recorder.go
	awstypes.ConfigDelivery:         {"name"},                                                                                  // configservice/delivery_channel.go
	awstypes.ConfigRecorderStatus:   {},                                                                                        // configservice/configuration_recorder_status.go: start and stop in place
	awstypes.SecurityHubAccount:     {"enableDefaultStandards"},                                                                // securityhub/account.go
	awstypes.SecurityHubStandard:    {"standardsArn"},                                                                          // securityhub/standards_subscription.go (no update)
	awstypes.User:                   {},                                                                                        // iam/user.go: a new name or path is an UpdateUser in place
	awstypes.Group:                  {},                                                                                        // iam/group.go: UpdateGroup in place
	awstypes.AccountPasswordPolicy:  {},                                                                                        // iam/account_password_policy.go: create and update are one call
}

// KeptWhenUnset lists, per type, the attributes the upstream schema marks Optional and
// Computed that the program never sets: the provider keeps what it reads for them, so a
// value set outside the program is no diff (hashicorp/terraform-provider-aws
// internal/service/s3/bucket.go: replication_configuration). The drift check reads them
// from the refreshed state instead (internal/drift).
var KeptWhenUnset = map[string][]string{awstypes.Bucket: {"replicationConfigurations"}}

// Regional are the types whose ids are unique per region rather than per account.
var Regional = map[string]bool{
	awstypes.Analyzer: true, awstypes.EventRule: true, awstypes.EventTarget: true, awstypes.GuardDutyDetector: true,
	awstypes.ConfigRecorder: true, awstypes.ConfigDelivery: true, awstypes.ConfigRecorderStatus: true,
	awstypes.SecurityHubAccount: true, awstypes.SecurityHubStandard: true,
}

// OnePerAccount are the types an account holds one of, whatever its id: creating one
// replaces the one there is. An account has one alias, and CreateAccountAlias of another
// name swaps it (moto 5.2.1 does the same); of the name it has, AWS answers
// EntityAlreadyExists (CreateFails).
var OnePerAccount = map[string]bool{awstypes.AccountAlias: true}

// CreateFails lists the types whose create call AWS refuses when the resource already
// exists (a bucket name you own, an IAM name in the account), with the error code AWS
// returns. Every other type is created by a "put" that overwrites: a bucket's versioning,
// encryption or policy, a group's policy attachment, the account's password policy.
// AccountAlias is listed for the alias the account already has: the name is taken (by the
// account itself), so adopt it with account.importExisting; another alias is replaced
// (OnePerAccount).
var CreateFails = map[string]string{
	awstypes.Bucket:       "BucketAlreadyOwnedByYou",
	awstypes.User:         "EntityAlreadyExists",
	awstypes.Group:        "EntityAlreadyExists",
	awstypes.Role:         "EntityAlreadyExists",
	awstypes.Policy:       "EntityAlreadyExists",
	awstypes.OIDCProvider: "EntityAlreadyExists",
	awstypes.LoginProfile: "EntityAlreadyExists",
	awstypes.AccountAlias: "EntityAlreadyExists",
	awstypes.Analyzer:     "ConflictException",
	awstypes.Trail:        "TrailAlreadyExistsException",
	awstypes.Budget:       "DuplicateRecordException",
	// AWS Config's role exists in an account where Config or Security Hub was ever turned
	// on from the console: "Service role name AWSServiceRoleForConfig has been taken".
	awstypes.ServiceLinkedRole:  "InvalidInput",
	awstypes.GuardDutyDetector:  "BadRequestException",
	awstypes.SecurityHubAccount: "ResourceConflictException",
}

// CreateFailure is the error code with which the provider refuses to create a resource of
// typ in region that already exists (CreateFails); false when the create overwrites. In
// us-east-1 S3 answers a CreateBucket of a bucket you own with 200 OK, for legacy
// compatibility (moto 5.2.1 too); the provider looks first and refuses with
// BucketAlreadyExists (hashicorp/terraform-provider-aws internal/service/s3/bucket.go,
// resourceBucketCreate).
func CreateFailure(typ, region string) (string, bool) {
	if typ == awstypes.Bucket && region == "us-east-1" {
		return "BucketAlreadyExists", true
	}
	code, ok := CreateFails[typ]
	return code, ok
}

// Diff compares a resource's old inputs with its new ones as the AWS provider does:
// changed lists every input that differs (an unknown new value counts as changed),
// except those in ignoreChanges, and replaces those of them ReplaceOn lists for typ, the
// changes that make the provider replace the resource instead of updating it. Both are
// sorted.
func Diff(typ string, olds, news resource.PropertyMap, ignoreChanges []string) (changed, replaces []string) {
	keys := map[string]bool{}
	for k := range olds {
		keys[string(k)] = true
	}
	for k := range news {
		keys[string(k)] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if slices.Contains(ignoreChanges, k) {
			continue
		}
		o, inOld := olds[resource.PropertyKey(k)]
		n, inNew := news[resource.PropertyKey(k)]
		if inOld == inNew && (!inOld || o.DeepEquals(n)) && !n.ContainsUnknowns() {
			continue
		}
		if !inNew && slices.Contains(KeptWhenUnset[typ], k) {
			continue
		}
		changed = append(changed, k)
		if slices.Contains(ReplaceOn[typ], k) {
			replaces = append(replaces, k)
		}
	}
	return changed, replaces
}

// StringList reads an input that is a list of strings (its other elements are skipped),
// for the offline plan and the stand-in's backend alike.
func StringList(v resource.PropertyValue) []string {
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}
