// Package cis is the CIS AWS Foundations Benchmark as this project cites it: every
// recommendation of v5.0.0, the version AWS Security Hub CSPM's CIS standard checks, with
// its id in v7.0.0, the newest, so that every message, rule and document names a control
// the same way ("CIS v5.0.0 1.7 (v7.0.0 2.8)") and an auditor on either version finds it.
// It imports nothing of ours: the configuration, the checks, the rules and the components
// all cite it.
//
// Sources (docs/cis.md says which id was checked against which): the v5.0.0 ids and titles
// of AWS Security Hub CSPM's "CIS AWS Foundations Benchmark" page and of Prowler's
// prowler/compliance/aws/cis_5.0_aws.json; the v7.0.0 ids of Prowler's cis_7.0_aws.json,
// matched by title.
package cis

import (
	"fmt"
	"strings"
)

// Control is one recommendation of the benchmark.
type Control struct {
	ID    string `json:"id"`    // the v5.0.0 id, e.g. "1.7"
	V7    string `json:"v7"`    // the v7.0.0 id of the same recommendation; "" when v7.0.0 dropped it
	Title string `json:"title"` // the v5.0.0 title
}

// controls are the recommendations of v5.0.0, in the benchmark's order.
var controls = []Control{
	{"1.1", "2.2", "Maintain current contact details"},
	{"1.2", "2.3", "Ensure security contact information is registered"},
	{"1.3", "2.4", "Ensure no 'root' user account access key exists"},
	{"1.4", "2.5", "Ensure MFA is enabled for the 'root' user account"},
	{"1.5", "2.6", "Ensure hardware MFA is enabled for the 'root' user account"},
	{"1.6", "2.7", "Eliminate use of the 'root' user for administrative and daily tasks"},
	{"1.7", "2.8", "Ensure IAM password policy requires minimum length of 14 or greater"},
	{"1.8", "2.9", "Ensure IAM password policy prevents password reuse"},
	{"1.9", "2.10", "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password"},
	{"1.10", "", "Do not create access keys during initial setup for IAM users with a console password"},
	{"1.11", "2.11", "Ensure credentials unused for 45 days or more are disabled"},
	{"1.12", "", "Ensure there is only one active access key for any single IAM user"},
	{"1.13", "2.12", "Ensure access keys are rotated every 90 days or less"},
	{"1.14", "2.13", "Ensure IAM users receive permissions only through groups"},
	{"1.15", "2.14", "Ensure IAM policies that allow full *:* administrative privileges are not attached"},
	{"1.16", "2.15", "Ensure a support role has been created to manage incidents with AWS Support"},
	{"1.17", "2.16", "Ensure IAM instance roles are used for AWS resource access from instances"},
	{"1.18", "2.17", "Ensure that all expired SSL/TLS certificates stored in AWS IAM are removed"},
	{"1.19", "2.18", "Ensure that IAM External Access Analyzer is enabled for all regions"},
	{"1.20", "2.19", "Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments"},
	{"1.21", "2.20", "Ensure access to AWSCloudShellFullAccess is restricted"},
	{"2.1.1", "3.1.1", "Ensure S3 Bucket Policy is set to deny HTTP requests"},
	{"2.1.2", "3.1.2", "Ensure MFA Delete is enabled on S3 buckets"},
	{"2.1.3", "3.1.3", "Ensure all data in Amazon S3 has been discovered, classified, and secured when necessary"},
	{"2.1.4", "3.1.4", "Ensure that S3 is configured with 'Block Public Access' enabled"},
	{"2.2.1", "3.2.1", "Ensure that encryption-at-rest is enabled for RDS instances"},
	{"2.2.2", "3.2.2", "Ensure the Auto Minor Version Upgrade feature is enabled for RDS instances"},
	{"2.2.3", "3.2.3", "Ensure that RDS instances are not publicly accessible"},
	{"2.2.4", "3.2.4", "Ensure Multi-AZ deployments are used for enhanced availability in Amazon RDS"},
	{"2.3.1", "3.3.1", "Ensure that encryption is enabled for EFS file systems"},
	{"3.1", "4.1", "Ensure CloudTrail is enabled in all regions"},
	{"3.2", "4.2", "Ensure CloudTrail log file validation is enabled"},
	{"3.3", "4.3", "Ensure AWS Config is enabled in all regions"},
	{"3.4", "4.4", "Ensure that server access logging is enabled on the CloudTrail S3 bucket"},
	{"3.5", "4.5", "Ensure CloudTrail logs are encrypted at rest using KMS CMKs"},
	{"3.6", "4.6", "Ensure rotation for customer-created symmetric CMKs is enabled"},
	{"3.7", "4.7", "Ensure VPC flow logging is enabled in all VPCs"},
	{"3.8", "4.8", "Ensure that object-level logging for write events is enabled for S3 buckets"},
	{"3.9", "4.9", "Ensure that object-level logging for read events is enabled for S3 buckets"},
	{"4.1", "5.1", "Ensure unauthorized API calls are monitored"},
	{"4.2", "5.2", "Ensure management console sign-in without MFA is monitored"},
	{"4.3", "5.3", "Ensure usage of the 'root' account is monitored"},
	{"4.4", "5.4", "Ensure IAM policy changes are monitored"},
	{"4.5", "5.5", "Ensure CloudTrail configuration changes are monitored"},
	{"4.6", "5.6", "Ensure AWS Management Console authentication failures are monitored"},
	{"4.7", "5.7", "Ensure disabling or scheduled deletion of customer created CMKs is monitored"},
	{"4.8", "5.8", "Ensure S3 bucket policy changes are monitored"},
	{"4.9", "5.9", "Ensure AWS Config configuration changes are monitored"},
	{"4.10", "5.10", "Ensure security group changes are monitored"},
	{"4.11", "5.11", "Ensure Network Access Control List (NACL) changes are monitored"},
	{"4.12", "5.12", "Ensure changes to network gateways are monitored"},
	{"4.13", "5.13", "Ensure route table changes are monitored"},
	{"4.14", "5.14", "Ensure VPC changes are monitored"},
	{"4.15", "5.15", "Ensure AWS Organizations changes are monitored"},
	{"4.16", "5.16", "Ensure AWS Security Hub is enabled"},
	{"5.1.1", "6.1.1", "Ensure EBS volume encryption is enabled in all regions"},
	{"5.1.2", "6.1.2", "Ensure CIFS access is restricted to trusted networks to prevent unauthorized access"},
	{"5.2", "6.2", "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports"},
	{"5.3", "6.3", "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports"},
	{"5.4", "6.4", "Ensure no security groups allow ingress from ::/0 to remote server administration ports"},
	{"5.5", "6.5", "Ensure the default security group of every VPC restricts all traffic"},
	{"5.6", "6.6", "Ensure routing tables for VPC peering are least access"},
	{"5.7", "6.7", "Ensure that the EC2 Metadata Service only allows IMDSv2"},
}

// Controls returns the recommendations of v5.0.0 in the benchmark's order, a copy.
func Controls() []Control { return append([]Control(nil), controls...) }

// Lookup finds a recommendation by its v5.0.0 id.
func Lookup(id string) (Control, bool) {
	for _, c := range controls {
		if c.ID == id {
			return c, true
		}
	}
	return Control{}, false
}

// Ref names recommendations by their v5.0.0 ids for a message or a document, with their
// v7.0.0 ids beside: Ref("1.7") is "CIS v5.0.0 1.7 (v7.0.0 2.8)", Ref("1.11", "1.12")
// "CIS v5.0.0 1.11, 1.12 (v7.0.0 2.11; 1.12 dropped)". An id that is not a v5.0.0
// recommendation is a mistake in the code: it panics, so the first test that builds the
// message fails.
func Ref(ids ...string) string {
	if len(ids) == 0 {
		panic("cis.Ref needs at least one id")
	}
	var v7, dropped []string
	for _, id := range ids {
		c, ok := Lookup(id)
		if !ok {
			panic(fmt.Sprintf("cis.Ref: %q is no CIS v5.0.0 recommendation", id))
		}
		if c.V7 == "" {
			dropped = append(dropped, id)
		} else {
			v7 = append(v7, c.V7)
		}
	}
	beside := "v7.0.0 " + strings.Join(v7, ", ")
	switch {
	case len(v7) == 0:
		beside = "not in v7.0.0"
	case len(dropped) > 0:
		beside += "; " + strings.Join(dropped, ", ") + " dropped"
	}
	return "CIS v5.0.0 " + strings.Join(ids, ", ") + " (" + beside + ")"
}
