package mototest

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/record"
)

// BucketMismatches compares what the AWS CLI read back of bucket (Bucket) with the inputs
// the offline plan's registrations (plan.Run) give that bucket's settings, and says each
// difference: versioning, default encryption, the public access block, ownership controls,
// the lifecycle rules by id (with transitionDefaultMinimumObjectSize), and whether a
// policy and Object Lock are there. The policy document is compared by presence only: the
// offline plan does not know the bucket's ARN it names.
func BucketMismatches(regs []record.Registration, bucket string, got map[string]any) []string {
	var out []string
	differ := func(what string, want, have any) {
		if !reflect.DeepEqual(want, have) {
			out = append(out, fmt.Sprintf("%s of %s: the plan says %v, AWS has %v", what, bucket, want, have))
		}
	}
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
