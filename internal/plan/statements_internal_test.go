package plan

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPolicyChangesAreNeverSilent: a policy document change the statement diff cannot
// match by Sid alone, or that lies outside the statements, still prints what changes.
func TestPolicyChangesAreNeverSilent(t *testing.T) {
	doc := func(statements string) string { return `{"Version":"2012-10-17","Statement":[` + statements + `]}` }
	deny := `{"Sid":"S","Effect":"Deny","Action":["s3:DeleteBucket"],"Resource":["arn:aws:s3:::b"]}`
	allow := `{"Sid":"S","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}`
	noSidAllow := `{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}`
	noSidDeny := `{"Effect":"Deny","Action":["s3:DeleteObject"],"Resource":["arn:aws:s3:::b/*"]}`
	notPrincipal := func(ids string) string {
		return doc(`{"Sid":"DenyOthers","Effect":"Deny","NotPrincipal":{"AWS":[` + ids + `]},"Action":["s3:PutObject"],"Resource":["arn:aws:s3:::b/*"]}`)
	}
	own := doc(`{"Sid":"Own","Effect":"Allow","Action":["iam:ChangePassword"],"Resource":["arn:aws:iam::111111111111:user/${aws:username}"]}`)
	prefix := func(values string) string {
		return doc(`{"Sid":"C","Effect":"Allow","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::b"],"Condition":{"StringLike":{"s3:prefix":[` + values + `]}}}`)
	}
	for name, tc := range map[string]struct {
		before, after string
		want          []string
	}{
		// Two statements of one Sid do not parse (IAM refuses them): the change reads line by line.
		"a shared Sid loses its Deny":   {doc(deny + "," + allow), doc(allow), []string{"policy: −`\"Effect\": \"Deny\",`", "policy: −`\"s3:DeleteBucket\"`"}},
		"a statement without Sid goes":  {doc(noSidAllow + "," + noSidDeny), doc(noSidDeny), []string{"statement `` removed: Allow; Action `s3:GetObject`"}},
		"NotPrincipal widened":          {notPrincipal(`"arn:aws:iam::111111111111:role/deploy"`), notPrincipal(`"arn:aws:iam::111111111111:role/deploy","arn:aws:iam::999999999999:root"`), []string{"+`\"arn:aws:iam::999999999999:root\"`"}},
		"Version changed":               {own, strings.Replace(own, "2012-10-17", "2008-10-17", 1), []string{"Version `\"2012-10-17\"` → `\"2008-10-17\"`"}},
		"a value with a comma is split": {prefix(`"a,b/*"`), prefix(`"a","b/*"`), []string{`+` + "`" + `StringLike s3:prefix ["a","b/*"]` + "`", `−` + "`" + `StringLike s3:prefix ["a,b/*"]` + "`"}},
	} {
		t.Run(name, func(t *testing.T) {
			got := strings.Join(InputChange{Key: "policy", Old: tc.before, New: tc.after}.lines(), "\n")
			for _, w := range tc.want {
				assert.Contains(t, got, w)
			}
		})
	}
}

// TestSharedNameFollowsContent: a document whose shared statement keeps its Sid but goes
// from Deny to Allow reads differently, not only the shared section.
func TestSharedNameFollowsContent(t *testing.T) {
	deny := `{"Sid":"X","Effect":"Deny","Action":["s3:DeleteBucket"],"Resource":["*"]}`
	allow := `{"Sid":"X","Effect":"Allow","Action":["s3:DeleteBucket"],"Resource":["*"]}`
	doc := func(title, stmt string) document {
		return newDocument(title, `{"Version":"2012-10-17","Statement":[`+stmt+`]}`)
	}
	first := func(docs ...document) string { return share(docs).render(docs[0]) }
	assert.NotEqual(t, first(doc("d1", deny), doc("d2", deny)), first(doc("d1", allow), doc("d2", allow)))
}
