package rules_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-aws/secure-aws/awstypes"
)

func field(name, op string, values ...any) map[string]any {
	return map[string]any{"field": name, op: values}
}

var managementSelector = map[string]any{"fieldSelectors": []any{field("eventCategory", "equals", "Management")}}

func writesOf(bucket string, extra ...any) map[string]any {
	return map[string]any{"fieldSelectors": append([]any{
		field("eventCategory", "equals", "Data"), field("resources.type", "equals", "AWS::S3::Object"),
		field("resources.ARN", "startsWiths", "arn:aws:s3:::"+bucket+"/"),
	}, extra...)}
}

// TestTrailRecordsVaultWrites: the trail must select the vault's object writes and keep
// the management events; a read-only selector, another bucket or no selectors fail.
func TestTrailRecordsVaultWrites(t *testing.T) {
	ok := res(awstypes.Trail, "trail", map[string]any{"advancedEventSelectors": []any{managementSelector, writesOf("v", field("readOnly", "equals", "false"))}})
	assert.Empty(t, check(t, "trail-records-vault-writes", vaultBucket("v"), ok))
	assert.Empty(t, check(t, "trail-records-vault-writes", ok), "no vault, nothing to record")

	assert.Equal(t, []string{"the trail does not record the object writes of backup vault v"},
		check(t, "trail-records-vault-writes", vaultBucket("v"), res(awstypes.Trail, "trail", map[string]any{})), "AWS's default selects no data event")
	readOnly := res(awstypes.Trail, "trail", map[string]any{"advancedEventSelectors": []any{managementSelector, writesOf("v", field("readOnly", "equals", "true"))}})
	assert.Len(t, check(t, "trail-records-vault-writes", vaultBucket("v"), readOnly), 1)
	other := res(awstypes.Trail, "trail", map[string]any{"advancedEventSelectors": []any{managementSelector, writesOf("other")}})
	assert.Len(t, check(t, "trail-records-vault-writes", vaultBucket("v"), other), 1)
	noManagement := res(awstypes.Trail, "trail", map[string]any{"advancedEventSelectors": []any{writesOf("v")}})
	assert.Equal(t, []string{"the trail's advanced event selectors record no management events"}, check(t, "trail-records-vault-writes", vaultBucket("v"), noManagement))
	assert.Empty(t, check(t, "trail-records-vault-writes", vaultBucket("v"), res(awstypes.Trail, "trail", map[string]any{"advancedEventSelectors": unknown()})), "unknown during a preview")
}
