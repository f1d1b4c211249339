package iampolicy

import "slices"

// globalServiceActions are the actions a region deny leaves alone: services with one
// endpoint, in us-east-1 (IAM, CloudFront, Route 53, Support, Organizations...), and the
// account-wide calls of regional services. They are the NotAction list of AWS's SCP example
// "Deny access to AWS based on the requested AWS Region"
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html),
// a superset of the four services of the identity-policy example
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-requested-region.html).
// Without them every request to such a service, made to us-east-1, would be denied
// whenever us-east-1 is not allowed.
var globalServiceActions = []string{
	"a4b:*", "acm:*", "aws-marketplace-management:*", "aws-marketplace:*", "aws-portal:*",
	"budgets:*", "ce:*", "chime:*", "cloudfront:*", "config:*", "cur:*", "directconnect:*",
	"ec2:DescribeRegions", "ec2:DescribeTransitGateways", "ec2:DescribeVpnGateways",
	"fms:*", "globalaccelerator:*", "health:*", "iam:*", "importexport:*", "kms:*",
	"mobileanalytics:*", "networkmanager:*", "organizations:*", "pricing:*",
	"route53:*", "route53domains:*", "route53-recovery-cluster:*",
	"route53-recovery-control-config:*", "route53-recovery-readiness:*",
	"s3:GetAccountPublic*", "s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints",
	"s3:PutAccountPublic*", "shield:*", "sts:*", "support:*", "trustedadvisor:*",
	"waf-regional:*", "waf:*", "wafv2:*", "wellarchitected:*",
}

// GlobalServiceActions returns the actions DenyOutsideRegionsStatement exempts.
func GlobalServiceActions() []string { return slices.Clone(globalServiceActions) }

// RegionDenySid is the Sid of DenyOutsideRegionsStatement.
const RegionDenySid = "DenyOutsideAllowedRegions"

// RequestedRegionKey is the condition key of the region AWS sends a request to
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion).
const RequestedRegionKey = "aws:RequestedRegion"

// DenyOutsideRegionsStatement denies every action but globalServiceActions when the request
// goes to a region not in regions. It adapts AWS's SCP example to an identity policy: the
// SCP's exemption of administrator roles is dropped (the program owns every policy it puts
// it in, so no principal it creates is exempt, admins and the deploy role included), and
// StringNotEquals holds for a request without the key too, so such a request is denied.
func DenyOutsideRegionsStatement(regions []string) Statement {
	return Statement{
		Sid:        RegionDenySid,
		Effect:     Deny,
		NotActions: GlobalServiceActions(),
		Resources:  []string{"*"},
		Conditions: []Condition{{Operator: "StringNotEquals", Key: RequestedRegionKey, Values: slices.Clone(regions)}},
	}
}

// DeniedOutside returns the regions s restricts requests to, when s is a deny of every
// action outside them that exempts no more than globalServiceActions, on every resource,
// with no other condition: a statement that does what DenyOutsideRegionsStatement does.
func DeniedOutside(s Statement) (regions []string, ok bool) {
	if s.Effect != Deny || len(s.Actions) > 0 || len(s.NotResources) > 0 || !slices.Equal(s.Resources, []string{"*"}) || len(s.Conditions) != 1 {
		return nil, false
	}
	if slices.ContainsFunc(s.NotActions, func(a string) bool { return !slices.Contains(globalServiceActions, a) }) {
		return nil, false
	}
	regions = s.ConditionValues("StringNotEquals", RequestedRegionKey)
	return regions, len(regions) > 0
}
