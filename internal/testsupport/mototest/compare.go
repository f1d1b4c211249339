package mototest

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/record"
)

// BucketMismatches compares what the AWS CLI read back of bucket (Bucket) with the inputs
// the offline plan's registrations (plan.Run) give that bucket's settings, and says each
// difference: versioning, default encryption, the public access block, ownership controls,
// the lifecycle rules by id (with transitionDefaultMinimumObjectSize), and whether a
// policy and Object Lock are there, and the target bucket of server access logging. The policy document is compared by presence only: the
// offline plan does not know the bucket's ARN it names.
func BucketMismatches(regs []record.Registration, bucket string, got map[string]any) []string {
	var out []string
	differ := differ(&out, bucket)
	planned := map[string]map[string]any{}
	for _, r := range regs {
		if v, ok := r.Inputs["bucket"]; ok && v.IsString() && v.StringValue() == bucket {
			planned[r.Type] = r.Inputs.Mappable()
		}
	}
	differ("versioning", path(planned[awstypes.Versioning], "versioningConfiguration", "status"), path(got, "versioning", "Status"))
	differ("default encryption", path(planned[awstypes.Encryption], "rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm"),
		path(got, "encryption", "ServerSideEncryptionConfiguration", "Rules", 0, "ApplyServerSideEncryptionByDefault", "SSEAlgorithm"))
	for _, k := range [][2]string{{"blockPublicAcls", "BlockPublicAcls"}, {"blockPublicPolicy", "BlockPublicPolicy"}, {"ignorePublicAcls", "IgnorePublicAcls"}, {"restrictPublicBuckets", "RestrictPublicBuckets"}} {
		differ("public access block "+k[0], path(planned[awstypes.PublicAccessBlock], k[0]), path(got, "publicAccessBlock", "PublicAccessBlockConfiguration", k[1]))
	}
	differ("object ownership", path(planned[awstypes.Ownership], "rule", "objectOwnership"), path(got, "ownershipControls", "OwnershipControls", "Rules", 0, "ObjectOwnership"))
	differ("lifecycle rules", ruleIDs(path(planned[awstypes.Lifecycle], "rules"), "id"), ruleIDs(path(got, "lifecycle", "Rules"), "ID"))
	if want := path(planned[awstypes.Lifecycle], "transitionDefaultMinimumObjectSize"); want != nil {
		differ("transitionDefaultMinimumObjectSize", want, path(got, "lifecycle", "TransitionDefaultMinimumObjectSize"))
	}
	differ("a bucket policy", planned[awstypes.BucketPolicy] != nil, got["policy"] != nil)
	differ("Object Lock", planned[awstypes.ObjectLock] != nil, path(got, "objectLock", "ObjectLockConfiguration", "ObjectLockEnabled") == "Enabled")
	differ("the access logging target bucket", path(planned[awstypes.BucketLogging], "targetBucket"), path(got, "logging", "LoggingEnabled", "TargetBucket"))
	return out
}

// path walks v by map keys and list indexes; nil where it leads nowhere.
func path(v any, steps ...any) any {
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// ruleIDs are the sorted ids (under key) of a list of rules; nil for none.
func ruleIDs(rules any, key string) []string {
	var out []string
	l, _ := rules.([]any)
	for _, r := range l {
		if id, ok := path(r, key).(string); ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Mismatches compares what ReadBack read of subject with the inputs the offline plan's
// registrations give it, and says each difference: one mechanism for every kind. Pass the
// registrations of the types the backend serves only: what the model answers is not in
// the server, and the plan then says nothing of it either.
func Mismatches(regs []record.Registration, subject Subject, got map[string]any) []string {
	switch subject.Kind {
	case KindBucket:
		return BucketMismatches(regs, subject.Name, got)
	case KindUser:
		return principalMismatches(regs, subject, got, principalKeys{
			self: awstypes.User, groups: [][3]string{{awstypes.Membership, "user", "groups"}},
			members:  [2]string{awstypes.GroupMembership, "users"},
			attached: [][3]string{{awstypes.UserAttachmentsExcl, "userName", "policyArns"}, {awstypes.UserAttachment, "user", "policyArn"}},
			inline:   [][3]string{{awstypes.UserPoliciesExcl, "userName", "policyNames"}, {awstypes.UserPolicy, "user", "name"}},
		})
	case KindGroup:
		return principalMismatches(regs, subject, got, principalKeys{
			self: awstypes.Group, groups: [][3]string{{awstypes.GroupMembership, "group", "users"}},
			members:  [2]string{awstypes.Membership, "groups"},
			attached: [][3]string{{awstypes.GroupAttachmentsExcl, "groupName", "policyArns"}, {awstypes.GroupAttachment, "group", "policyArn"}},
			inline:   [][3]string{{awstypes.GroupPoliciesExcl, "groupName", "policyNames"}, {awstypes.GroupPolicy, "group", "name"}},
		})
	case KindRole:
		return principalMismatches(regs, subject, got, principalKeys{
			self:     awstypes.Role,
			attached: [][3]string{{awstypes.RoleAttachmentsExcl, "roleName", "policyArns"}, {awstypes.RoleAttachment, "role", "policyArn"}},
			inline:   [][3]string{{awstypes.RolePoliciesExcl, "roleName", "policyNames"}, {awstypes.RolePolicy, "role", "name"}},
		})
	case KindPolicy:
		var out []string
		d := differ(&out, "policy "+subject.Name)
		for _, in := range inputsOf(regs, awstypes.Policy, "name", subject.Name) {
			d("path", or(in["path"], "/"), path(got, "policy", "Path"))
			if doc, ok := in["policy"].(string); ok {
				d("document", jsonValue(doc), path(got, "document", "PolicyVersion", "Document"))
			}
		}
		return out
	case KindAccount:
		return accountMismatches(regs, got)
	case KindKey, KindTopic, KindRule, KindBudget, KindContact:
		return alertMismatches(regs, subject, got)
	}
	return []string{fmt.Sprintf("no comparison for %+v", subject)}
}

// principalKeys says where the plan keeps what a user, group or role read-back shows:
// each list is {type, the input naming the subject, the input holding the values}.
type principalKeys struct {
	self     string
	groups   [][3]string // the subject's groups (a user) or members (a group), by its own name
	members  [2]string   // the same, from the other side: {type, list input} naming the subject
	attached [][3]string
	inline   [][3]string
}

// principalMismatches compares a user, group or role: its path, its groups or members,
// its attached and inline policies by ARN and name; a user's login profile and access keys
// (their statuses); a role's trust policy and maximum session.
func principalMismatches(regs []record.Registration, subject Subject, got map[string]any, k principalKeys) []string {
	var out []string
	d := differ(&out, subject.Kind+" "+subject.Name)
	self := inputsOf(regs, k.self, "name", subject.Name)
	if len(self) == 0 {
		return nil // the plan's registrations of this kind are not the server's
	}
	d("path", or(self[0]["path"], "/"), path(got, subject.Kind, cases[subject.Kind], "Path"))
	if k.groups != nil {
		want := collect(regs, subject.Name, k.groups)
		other := map[string]string{awstypes.Membership: "user", awstypes.GroupMembership: "group"}[k.members[0]]
		for _, r := range regs {
			if r.Type != k.members[0] {
				continue
			}
			in := r.Inputs.Mappable()
			if l, _ := in[k.members[1]].([]any); slices.Contains(l, any(subject.Name)) {
				if n, ok := in[other].(string); ok {
					want = append(want, n)
				}
			}
		}
		if subject.Kind == KindUser {
			d("groups", sorted(want), names(path(got, "groups", "Groups"), "GroupName"))
		} else {
			d("members", sorted(want), names(path(got, "group", "Users"), "UserName"))
		}
	}
	d("attached policies", sorted(collect(regs, subject.Name, k.attached)), names(path(got, "attachedPolicies", "AttachedPolicies"), "PolicyArn"))
	var inline []string
	if subject.Kind == KindUser { // User reads each policy, by name
		inline = slices.Collect(maps.Keys(asMap(got["inlinePolicies"])))
	} else {
		inline = asStrings(path(got, "inlinePolicies", "PolicyNames"))
	}
	d("inline policies", sorted(collect(regs, subject.Name, k.inline)), sorted(inline))
	switch subject.Kind {
	case KindUser:
		d("a login profile", len(inputsOf(regs, awstypes.LoginProfile, "user", subject.Name)) > 0, got["loginProfile"] != nil)
		var want, have []string
		for _, in := range inputsOf(regs, awstypes.AccessKey, "user", subject.Name) {
			want = append(want, fmt.Sprint(or(in["status"], "Active")))
		}
		for _, m := range asList(path(got, "accessKeys", "AccessKeyMetadata")) {
			have = append(have, fmt.Sprint(path(m, "Status")))
		}
		d("access keys", sorted(want), sorted(have))
	case KindRole:
		if doc, ok := self[0]["assumeRolePolicy"].(string); ok {
			d("trust policy", jsonValue(doc), path(got, "role", "Role", "AssumeRolePolicyDocument"))
		}
		d("maximum session", or(self[0]["maxSessionDuration"], float64(3600)), path(got, "role", "Role", "MaxSessionDuration"))
	}
	return out
}

// cases are the keys of the CLI's get-user, get-group and get-role answers.
var cases = map[string]string{KindUser: "User", KindGroup: "Group", KindRole: "Role"}

// accountMismatches compares the account's alias, password policy, OIDC providers (URL,
// client ids, thumbprints when the plan sets them), trails (bucket, multi-region, log file
// validation, global events, logging, advanced event selectors), account-level public
// access block, service-linked roles (by service), and detection (detectionMismatches).
func accountMismatches(regs []record.Registration, got map[string]any) []string {
	var out []string
	d := differ(&out, "the account")
	var aliases []string
	for _, in := range inputsOf(regs, awstypes.AccountAlias, "", "") {
		aliases = append(aliases, fmt.Sprint(in["accountAlias"]))
	}
	d("aliases", sorted(aliases), sorted(asStrings(path(got, "aliases", "AccountAliases"))))
	for _, in := range inputsOf(regs, awstypes.AccountPasswordPolicy, "", "") {
		for k, want := range in {
			have := path(got, "passwordPolicy", "PasswordPolicy", upper(k))
			if have == nil && (want == false || want == float64(0)) {
				continue // IAM leaves out a setting that is off
			}
			d("password policy "+k, want, have)
		}
	}
	if len(inputsOf(regs, awstypes.AccountPasswordPolicy, "", "")) == 0 {
		d("a password policy", false, got["passwordPolicy"] != nil)
	}
	// OIDC providers by URL: client ids, and thumbprints where the plan sets them (AWS
	// fills in its own otherwise).
	providers, have := map[string]any{}, map[string]any{}
	thumbs := map[string]bool{}
	for _, in := range inputsOf(regs, awstypes.OIDCProvider, "", "") {
		url := strings.TrimPrefix(fmt.Sprint(in["url"]), "https://")
		thumbs[url] = len(asList(in["thumbprintLists"])) > 0
		providers[url] = []any{sorted(asStrings(in["clientIdLists"])), thumbprints(thumbs[url], in["thumbprintLists"])}
	}
	for _, p := range asMap(got["oidcProviders"]) {
		url := fmt.Sprint(path(p, "Url"))
		have[url] = []any{sorted(asStrings(path(p, "ClientIDList"))), thumbprints(thumbs[url], path(p, "ThumbprintList"))}
	}
	d("OIDC providers", providers, have)
	var trails, haveTrails []string
	for _, in := range inputsOf(regs, awstypes.Trail, "", "") {
		trails = append(trails, fmt.Sprintf("%v bucket=%v multi-region=%v validation=%v global=%v logging=%v selectors=%v", in["name"], in["s3BucketName"],
			or(in["isMultiRegionTrail"], false), or(in["enableLogFileValidation"], false), or(in["includeGlobalServiceEvents"], true), or(in["enableLogging"], true),
			selectors(in["advancedEventSelectors"], "name", "fieldSelectors", "field", "equals", "startsWiths")))
	}
	for _, tr := range asList(path(got, "trails", "trailList")) {
		name := path(tr, "Name")
		haveTrails = append(haveTrails, fmt.Sprintf("%v bucket=%v multi-region=%v validation=%v global=%v logging=%v selectors=%v", name, path(tr, "S3BucketName"),
			or(path(tr, "IsMultiRegionTrail"), false), or(path(tr, "LogFileValidationEnabled"), false), or(path(tr, "IncludeGlobalServiceEvents"), false),
			or(path(got, "trailStatus", fmt.Sprint(name), "IsLogging"), false),
			selectors(path(got, "trailSelectors", fmt.Sprint(name), "AdvancedEventSelectors"), "Name", "FieldSelectors", "Field", "Equals", "StartsWith")))
	}
	d("trails", sorted(trails), sorted(haveTrails))
	var services, haveServices []string // a service-linked role's path is /aws-service-role/<service>/
	for _, in := range inputsOf(regs, awstypes.ServiceLinkedRole, "", "") {
		services = append(services, fmt.Sprint(in["awsServiceName"]))
	}
	for _, r := range asList(path(got, "serviceLinkedRoles", "Roles")) {
		haveServices = append(haveServices, strings.Trim(strings.TrimPrefix(fmt.Sprint(path(r, "Path")), "/aws-service-role/"), "/"))
	}
	d("service-linked roles", sorted(services), sorted(haveServices))
	return append(out, detectionMismatches(regs, got)...)
}

// detectionMismatches compares GuardDuty, AWS Config and EBS encryption by default in the
// stack's own region (the registrations of the default provider, read back in the
// server's region: InRegion): the number of detectors and whether each is on, and the recorders (with
// their recording group and whether they record) and delivery channels (with their bucket)
// by name, and whether EBS encryption by default is on.
func detectionMismatches(regs []record.Registration, got map[string]any) []string {
	var out []string
	d := differ(&out, "the stack's region")
	var detectors, recorders, channels []string
	for _, r := range regs {
		if r.Provider != "" {
			continue // another region's
		}
		in := r.Inputs.Mappable()
		switch r.Type {
		case awstypes.GuardDutyDetector:
			detectors = append(detectors, fmt.Sprint(in["enable"] == true))
		case awstypes.ConfigRecorder:
			recorders = append(recorders, fmt.Sprintf("%v all=%v global=%v recording=%v", in["name"], path(in, "recordingGroup", "allSupported"),
				path(in, "recordingGroup", "includeGlobalResourceTypes"), slices.ContainsFunc(inputsOf(regs, awstypes.ConfigRecorderStatus, "name", fmt.Sprint(in["name"])), func(st map[string]any) bool { return st["isEnabled"] == true })))
		case awstypes.ConfigDelivery:
			channels = append(channels, fmt.Sprintf("%v bucket=%v", in["name"], in["s3BucketName"]))
		case awstypes.EBSEncryptionByDefault:
			d("EBS encryption by default", in["enabled"] == true, path(got, "ebsEncryption", "EbsEncryptionByDefault") == true)
		}
	}
	var haveDetectors, haveRecorders, haveChannels []string
	for _, id := range asStrings(path(got, "guardDuty", "DetectorIds")) {
		haveDetectors = append(haveDetectors, fmt.Sprint(path(got, "detectors", id, "Status") == "ENABLED"))
	}
	recording := map[string]bool{}
	for _, st := range asList(path(got, "configRecorderStatus", "ConfigurationRecordersStatus")) {
		recording[fmt.Sprint(path(st, "name"))] = path(st, "recording") == true
	}
	for _, r := range asList(path(got, "configRecorders", "ConfigurationRecorders")) {
		name := fmt.Sprint(path(r, "name"))
		haveRecorders = append(haveRecorders, fmt.Sprintf("%v all=%v global=%v recording=%v", name, or(path(r, "recordingGroup", "allSupported"), false),
			or(path(r, "recordingGroup", "includeGlobalResourceTypes"), false), recording[name]))
	}
	for _, c := range asList(path(got, "deliveryChannels", "DeliveryChannels")) {
		haveChannels = append(haveChannels, fmt.Sprintf("%v bucket=%v", path(c, "name"), path(c, "s3BucketName")))
	}
	d("GuardDuty detectors (on)", sorted(detectors), sorted(haveDetectors))
	d("AWS Config recorders", sorted(recorders), sorted(haveRecorders))
	d("AWS Config delivery channels", sorted(channels), sorted(haveChannels))
	for _, in := range inputsOf(regs, awstypes.AccountPublicAccess, "", "") {
		for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			d("account public access block "+k, or(in[k], false), or(path(got, "publicAccessBlock", upper(k)), false))
		}
	}
	return out
}

func thumbprints(compared bool, list any) []string {
	if !compared {
		return nil
	}
	return sorted(asStrings(list))
}

// differ returns a function that notes a difference of what in subject.
func differ(out *[]string, subject string) func(what string, want, have any) {
	return func(what string, want, have any) {
		if !reflect.DeepEqual(want, have) {
			*out = append(*out, fmt.Sprintf("%s of %s: the plan says %v, AWS has %v", what, subject, want, have))
		}
	}
}

// inputsOf are the inputs of the registrations of typ whose input key is name (every one
// of typ when key is empty).
func inputsOf(regs []record.Registration, typ, key, name string) []map[string]any {
	var out []map[string]any
	for _, r := range regs {
		if r.Type != typ {
			continue
		}
		if in := r.Inputs.Mappable(); key == "" || in[key] == name {
			out = append(out, in)
		}
	}
	return out
}

// collect gathers, for each {type, key, values} of lists, the values (a list or one
// string) of the registrations whose key is name.
func collect(regs []record.Registration, name string, lists [][3]string) []string {
	var out []string
	for _, l := range lists {
		for _, in := range inputsOf(regs, l[0], l[1], name) {
			switch v := in[l[2]].(type) {
			case string:
				out = append(out, v)
			case []any:
				out = append(out, asStrings(v)...)
			}
		}
	}
	return out
}

// names are the values under key of a list of objects, sorted; nil for none.
func names(list any, key string) []string {
	var out []string
	for _, e := range asList(list) {
		out = append(out, fmt.Sprint(path(e, key)))
	}
	return sorted(out)
}

func sorted(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	l = slices.Clone(l)
	slices.Sort(l)
	return slices.Compact(l)
}

func asList(v any) []any         { l, _ := v.([]any); return l }
func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }
func upper(k string) string      { return strings.ToUpper(k[:1]) + k[1:] }

// or is v, or otherwise where v is absent (AWS's or the provider's default).
func or(v, otherwise any) any {
	if v == nil {
		return otherwise
	}
	return v
}

func asStrings(v any) []string {
	var out []string
	for _, e := range asList(v) {
		out = append(out, fmt.Sprint(e))
	}
	return out
}

// jsonValue decodes a policy document the plan holds as text.
func jsonValue(s string) any {
	var doc any
	if json.Unmarshal([]byte(s), &doc) != nil {
		return s
	}
	return doc
}

// selectors writes a trail's advanced event selectors, as the plan spells them or as the
// AWS CLI answers (the keys differ), one line per selector: its name, then each field
// selector's field, equals and startsWith values, in order.
func selectors(list any, name, fields, field, equals, starts string) []string {
	var out []string
	for _, sel := range asList(list) {
		text := fmt.Sprint(path(sel, name))
		for _, f := range asList(path(sel, fields)) {
			text += fmt.Sprintf(" %v=%v^%v", path(f, field), asStrings(path(f, equals)), asStrings(path(f, starts)))
		}
		out = append(out, text)
	}
	return out
}
