package program_test

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// arnPartition finds the partition of every ARN in a text, policy documents included.
var arnPartition = regexp.MustCompile(`arn:(aws[a-z-]*):`)

// TestEUSovereignCloudWritesItsPartition: the example stacks moved to the AWS European
// Sovereign Cloud (region eusc-de-east-1, partition aws-eusc) write every ARN of every
// resource input, policies and trusts included, in that partition, never arn:aws:.
func TestEUSovereignCloudWritesItsPartition(t *testing.T) {
	for _, stack := range []string{"staging", "production"} {
		t.Run(stack, func(t *testing.T) {
			cfg := loadExample(t, stack)
			cfg["aws:region"] = "eusc-de-east-1"
			if raw, ok := cfg["secure-aws:account"]; ok {
				var account map[string]any
				require.NoError(t, json.Unmarshal([]byte(raw), &account))
				for _, k := range []string{"regions", "allowedRegions"} {
					if _, ok := account[k]; ok {
						account[k] = []string{"eusc-de-east-1"}
					}
				}
				// The alerts (and the budget they carry) are refused there: no region of
				// aws-eusc is known to receive the global services' events.
				delete(account, "alerts")
				delete(account, "budget")
				b, err := json.Marshal(account)
				require.NoError(t, err)
				cfg["secure-aws:account"] = string(b)
			}
			rec, err := runConfig(t, stack, cfg, healthyRoot, false)
			require.NoError(t, err)
			partitions := map[string]int{}
			for _, r := range rec.Registrations() {
				for _, s := range inputStrings(resource.NewObjectProperty(r.Inputs)) {
					for _, m := range arnPartition.FindAllStringSubmatch(s, -1) {
						partitions[m[1]]++
					}
				}
			}
			assert.Greater(t, partitions["aws-eusc"], 10, "the stack writes ARNs: %v", partitions)
			delete(partitions, "aws-eusc")
			assert.Empty(t, partitions, "ARNs of another partition")
		})
	}
}

// inputStrings lists every string in a property value, inside lists, maps and secrets.
func inputStrings(v resource.PropertyValue) []string {
	switch {
	case v.IsString():
		return []string{v.StringValue()}
	case v.IsSecret():
		return inputStrings(v.SecretValue().Element)
	case v.IsArray():
		var out []string
		for _, e := range v.ArrayValue() {
			out = append(out, inputStrings(e)...)
		}
		return out
	case v.IsObject():
		var out []string
		for _, e := range v.ObjectValue() {
			out = append(out, inputStrings(e)...)
		}
		return out
	}
	return nil
}
