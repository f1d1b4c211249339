package awsapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// trailInputsJSON is the audit trail as the program sends it (plans/*.md).
const trailInputsJSON = `{"advancedEventSelectors":[` + managementSelector + `,` + vaultWritesSelector + `],"enableLogFileValidation":true,"enableLogging":true,"includeGlobalServiceEvents":true,"isMultiRegionTrail":true,"name":"acme-corp-audit","s3BucketName":"acme-audit-trail"}`

// The trail's advanced event selectors as the program sends them: every management event,
// and the S3 writes under a vault.
const (
	managementSelector  = `{"fieldSelectors":[{"equals":["Management"],"field":"eventCategory"}],"name":"Management events"}`
	vaultWritesSelector = `{"fieldSelectors":[{"equals":["Data"],"field":"eventCategory"},{"equals":["AWS::S3::Object"],"field":"resources.type"},{"field":"resources.ARN","startsWiths":["arn:aws:s3:::acme-backups/"]},{"equals":["false"],"field":"readOnly"}],"name":"S3 object writes"}`
)

// TestTrailAgainstMoto: the trail is created in moto with the program's inputs once its
// bucket exists (moto refuses it before), logs, reads back as sent (its event selectors
// included) on a refresh and an import, is refused a second time as AWS refuses it, is
// updated in place (a data event selector dropped) and deleted.
func TestTrailAgainstMoto(t *testing.T) {
	server := mototest.Start(t)
	c := serverConfig(t, server)
	b, err := NewCloudTrail(c)
	require.NoError(t, err)
	s3b, err := NewS3(c)
	require.NoError(t, err)
	ctx := t.Context()
	inputs := props(t, trailInputsJSON)

	_, _, err = b.Create(ctx, awstypes.Trail, inputs)
	require.Error(t, err, "moto checks the bucket exists")
	assert.Contains(t, err.Error(), "S3BucketDoesNotExistException")
	_, _, err = s3b.Create(ctx, awstypes.Bucket, props(t, `{"bucket":"acme-audit-trail"}`))
	require.NoError(t, err)

	id, state, err := b.Create(ctx, awstypes.Trail, inputs)
	require.NoError(t, err)
	assert.Equal(t, "acme-corp-audit", id)
	assert.Equal(t, "arn:aws:cloudtrail:us-east-1:123456789012:trail/acme-corp-audit", state["arn"].StringValue())
	for _, olds := range []bool{true, false} {
		var o = inputs
		if !olds {
			o = nil
		}
		got, _, err := b.Read(ctx, awstypes.Trail, id, o)
		require.NoError(t, err)
		assert.True(t, inputs.DeepEquals(got), "refresh %v: read %v, sent %v", olds, got, inputs)
	}

	_, _, err = b.Create(ctx, awstypes.Trail, inputs)
	require.Error(t, err, "a trail of that name exists")
	assert.Contains(t, err.Error(), "TrailAlreadyExistsException")

	news := props(t, strings.NewReplacer(`"enableLogFileValidation":true`, `"enableLogFileValidation":false`, `"enableLogging":true`, `"enableLogging":false`, ","+vaultWritesSelector, "").Replace(trailInputsJSON))
	_, err = b.Update(ctx, awstypes.Trail, id, inputs, news)
	require.NoError(t, err)
	got, _, err := b.Read(ctx, awstypes.Trail, id, news)
	require.NoError(t, err)
	assert.True(t, news.DeepEquals(got), "read %v, sent %v", got, news)
	if !testing.Short() {
		status, _ := server.AWS(t, "cloudtrail", "get-trail-status", "--name", id)
		assert.Equal(t, false, status.(map[string]any)["IsLogging"])
		trail, _ := server.AWS(t, "cloudtrail", "get-trail", "--name", id)
		assert.Equal(t, true, trail.(map[string]any)["Trail"].(map[string]any)["IsMultiRegionTrail"])
	}

	require.NoError(t, b.Delete(ctx, awstypes.Trail, id, news))
	got, state, err = b.Read(ctx, awstypes.Trail, id, news)
	require.NoError(t, err)
	assert.Nil(t, got)
	assert.Nil(t, state)
}

// TestMotoHasNoAccessAnalyzer: moto 5.2.1 has no Access Analyzer, so the analyzer keeps
// the model (docs/engine-tests.md). A CreateAnalyzer signed as the SDK signs it is
// answered 500, moto logging "Unable to find appropriate backend for access-analyzer"; the
// day moto answers it, this test says the backend can serve the type.
func TestMotoHasNoAccessAnalyzer(t *testing.T) {
	if testing.Short() {
		t.Skip("a check of moto, not of the backend: run without -short")
	}
	server := mototest.Start(t)
	body := `{"analyzerName":"acme-corp-account","type":"ACCOUNT"}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, server.URL+"/analyzer", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: mototest.AccessKeyID, SecretAccessKey: mototest.SecretAccessKey}
	require.NoError(t, v4.NewSigner().SignHTTP(t.Context(), creds, req, hex.EncodeToString(sum[:]), "access-analyzer", mototest.Region, time.Now()))
	resp, err := server.HTTPClient().Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode,
		"moto answers CreateAnalyzer: serve %s through the AWS API (awsapi) and drop its row from docs/engine-tests.md's limits", awstypes.Analyzer)
}
