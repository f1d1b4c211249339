package rules

import (
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/secure-aws/secure-aws/awstypes"
)

// trailRecordsVaultWrites: each trail of the stack has an advanced event selector that
// records the object writes of each backup vault bucket (Data events of AWS::S3::Object
// under the bucket, not limited to reads), and one that keeps every management event (a
// trail with advanced selectors records only what they select). A trail or vault whose
// values are not known yet is skipped.
func trailRecordsVaultWrites(stack []Resource) []Violation {
	var vaults []string
	for _, b := range stack {
		if name, ok := str(b.Props, "bucket"); ok && b.Type == awstypes.Bucket && strings.Contains(b.URN, awstypes.BackupVault+"$") {
			vaults = append(vaults, name)
		}
	}
	var out []Violation
	for _, t := range stack {
		if t.Type != awstypes.Trail || len(vaults) == 0 || !known(t.Props, "advancedEventSelectors") {
			continue
		}
		selectors := mapsAt(t.Props, "advancedEventSelectors")
		// No selectors is AWS's default: every management event and no data event.
		if len(selectors) > 0 && !slices.ContainsFunc(selectors, func(s property.Map) bool { return selects(s, "eventCategory", "Management") }) {
			out = append(out, Violation{Rule: "trail-records-vault-writes", URN: t.URN, Message: "the trail's advanced event selectors record no management events"})
		}
		for _, v := range vaults {
			if !slices.ContainsFunc(selectors, func(s property.Map) bool { return recordsWrites(s, v) }) {
				out = append(out, Violation{Rule: "trail-records-vault-writes", URN: t.URN, Message: "the trail does not record the object writes of backup vault " + v})
			}
		}
	}
	return out
}

// selects reports whether a selector has field equal to value.
func selects(s property.Map, field, value string) bool {
	for _, f := range mapsAt(s, "fieldSelectors") {
		if name, _ := str(f, "field"); name == field && slices.Contains(strs(f, "equals"), value) {
			return true
		}
	}
	return false
}

// recordsWrites reports whether a selector records the object writes of bucket: S3 object
// data events under the bucket, and no field that narrows them to reads or to other
// objects.
func recordsWrites(s property.Map, bucket string) bool {
	if !selects(s, "eventCategory", "Data") || !selects(s, "resources.type", "AWS::S3::Object") || selects(s, "readOnly", "true") {
		return false
	}
	covered := false
	for _, f := range mapsAt(s, "fieldSelectors") {
		name, _ := str(f, "field")
		if name != "resources.ARN" {
			continue
		}
		if len(strs(f, "notStartsWiths")) > 0 || len(strs(f, "notEquals")) > 0 || len(strs(f, "endsWiths")) > 0 {
			return false
		}
		covered = slices.ContainsFunc(strs(f, "startsWiths"), func(p string) bool { return strings.HasSuffix(p, ":s3:::"+bucket+"/") })
	}
	return covered
}
