package iampolicy

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzS3AccessDocument builds policies from arbitrary grants. It must never panic; what it
// accepts is valid JSON that allows no destructive action, puts every action on the right
// resource type, denies the destructive actions on every bucket, and fits IAM's size limit.
func FuzzS3AccessDocument(f *testing.F) {
	f.Add("acme-assets", "", "s3:GetObject,s3:ListBucket")
	f.Add("acme-assets", "uploads/", "s3:ListBucket,s3:PutObject")
	f.Add("acme-assets", "uploads", "s3:GetObject")
	f.Add("acme", "x/", "s3:GetBucketTagging")
	f.Add("", "", "s3:*")
	f.Add("b", "${aws:username}/", "s3:DeleteObjectVersion,s3:GetObject")
	f.Add("*", "", "s3:GetObject")
	f.Add("acme-*", "", "s3:GetObject")
	f.Fuzz(func(t *testing.T, bucket, prefix, actions string) {
		grant := S3Grant{Bucket: bucket, Prefix: prefix, Actions: strings.Split(actions, ",")}
		doc, err := S3AccessDocument("aws", owners, []S3Grant{grant, {Bucket: bucket + "-2", Actions: []string{"s3:GetObject"}}})
		if err != nil {
			return
		}
		if strings.ContainsAny(bucket, "*?$/") || len(bucket) < 3 {
			t.Fatalf("accepted bucket name %q", bucket)
		}
		text, err := doc.JSON()
		if err != nil {
			t.Fatalf("accepted document does not render: %v", err)
		}
		if len(text) > MaxManagedPolicySize {
			t.Fatalf("accepted document of %d characters", len(text))
		}
		if !json.Valid([]byte(text)) {
			t.Fatalf("invalid JSON: %s", text)
		}
		denied := false
		for _, s := range doc.Statements {
			if s.Effect == Deny {
				denied = len(s.Actions) == len(destructiveS3Actions)
				continue
			}
			for _, a := range s.Actions {
				if IsDestructive(a) || strings.Contains(a, "*") {
					t.Fatalf("allows %q", a)
				}
				level, _ := S3ActionLevel(a)
				for _, r := range s.Resources {
					onObjects := strings.Contains(strings.TrimPrefix(r, "arn:aws:s3:::"), "/")
					if onObjects != (level == ObjectLevel) {
						t.Fatalf("%s action %q on %s", level, a, r)
					}
				}
			}
		}
		if !denied {
			t.Fatal("no deny of the destructive actions")
		}
	})
}
