package awsnames

import (
	"fmt"
	"maps"
	"slices"
)

// RegionsTaken is the day the region lists below were taken. Sources: the partitions file
// of the AWS SDK for Go v2 v1.48.0 (released 2026-11-10,
// internal/endpoints/awsrulesfn/partitions.json), which every AWS SDK resolves endpoints
// from, checked against AWS's "AWS Regions" page
// (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html).
// A region AWS opens later is refused until it is added here.
const RegionsTaken = "2026-12-03"

// regions are the regions of each partition on RegionsTaken, without the SDKs' pseudo
// regions (aws-global, ...).
var regions = map[string][]string{
	"aws": {
		"af-south-1",
		"ap-east-1", "ap-east-2",
		"ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2",
		"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
		"ca-central-1", "ca-west-1",
		"eu-central-1", "eu-central-2",
		"eu-north-1",
		"eu-south-1", "eu-south-2",
		"eu-west-1", "eu-west-2", "eu-west-3",
		"il-central-1",
		"me-central-1", "me-south-1", "me-west-1",
		"mx-central-1",
		"sa-east-1", "sa-west-1",
		"us-east-1", "us-east-2",
		"us-west-1", "us-west-2",
	},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
	"aws-eusc":   {"eusc-de-east-1"},
	"aws-iso":    {"us-iso-east-1", "us-iso-west-1"},
	"aws-iso-b":  {"us-isob-east-1", "us-isob-west-1"},
	"aws-iso-e":  {"eu-isoe-west-1"},
	"aws-iso-f":  {"us-isof-east-1", "us-isof-south-1"},
}

// Partitions lists the partitions whose regions are known, sorted.
func Partitions() []string { return slices.Sorted(maps.Keys(regions)) }

// Regions lists the regions of partition (every partition's with ""), sorted.
func Regions(partition string) []string {
	if partition != "" {
		return slices.Clone(regions[partition])
	}
	var all []string
	for _, rs := range regions {
		all = append(all, rs...)
	}
	slices.Sort(all)
	return all
}

// Region checks that name is a region of some partition.
func Region(name string) error {
	if !slices.Contains(Regions(""), name) {
		return fmt.Errorf("%q is not an AWS region such as us-east-1 (the regions as of %s; one AWS opened since goes in awsnames/regions.go)", name, RegionsTaken)
	}
	return nil
}
