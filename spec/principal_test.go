package spec

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-aws/secure-aws/iampolicy"
)

// TestPrincipalProblems: every problem at once, each with its field, none for a good one.
func TestPrincipalProblems(t *testing.T) {
	good := Principal{Name: "app", Grants: []iampolicy.S3Grant{{Bucket: "acme-assets", Actions: []string{"s3:GetObject"}}}}
	assert.Empty(t, good.Problems("aws", "staging"))

	bad := Principal{
		Name:       "an-application-name-that-is-far-too-long-for-iam-user-names-really",
		PGPKey:     "-----BEGIN PGP PUBLIC KEY BLOCK-----",
		AccessKeys: []KeyGeneration{{Generation: 1}},
		Grants: []iampolicy.S3Grant{
			{Bucket: "Not_A_Bucket", Actions: []string{"s3:GetObject"}},
			{Bucket: "acme-assets", Prefix: "in/", Actions: []string{}},
			{Bucket: "acme-assets", Prefix: "out/", Actions: []string{"s3:DeleteObjectVersion"}},
		},
	}
	var fields []string
	for _, p := range bad.Problems("aws", "staging") {
		fields = append(fields, p.Field)
	}
	assert.ElementsMatch(t, []string{"name", "pgpKey", "pgpKey", "accessKeys", "grants[0].bucket", "grants[1].actions", "grants[2].actions[0]"}, fields)
}

func TestCITrustProblems(t *testing.T) {
	assert.Empty(t, CITrust{Repository: "acme/infra", Branch: "main", OwnerID: 1, RepositoryID: 2}.Problems())
	var fields []string
	for _, p := range (CITrust{Repository: "infra", Branch: "*", Environments: []string{"prod*"}, StateBucket: "s3://x"}).Problems() {
		fields = append(fields, p.Field)
	}
	assert.Equal(t, []string{"repository", "branch", "environments[0]", "stateBucket", "ownerId"}, fields)
}
