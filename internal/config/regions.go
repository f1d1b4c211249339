package config

import (
	"fmt"
	"slices"

	"github.com/secure-aws/secure-aws/awsnames"
)

// renamed are the settings a release renamed (by full key), with what to write instead: a
// stack file that still has one is refused with the new key rather than read with a different
// meaning (mismatches reports it in place of "is not a setting here"). account.analyzerRegions
// named the regions that got an IAM Access Analyzer; account.regions names the regions that
// get every account default, the analyzer among them, under the same logical names, so
// renaming the key changes no resource.
var renamed = map[string]string{
	key("account.analyzerRegions"): "was renamed: write account.regions (the regions that get the account defaults: an IAM Access Analyzer and EBS encryption by default in each); nothing else changes",
}

// DefaultRegions are the regions that get the account defaults (an IAM Access Analyzer, EBS
// encryption by default): the stack's region, then account.regions without it.
func (c *Config) DefaultRegions() []string {
	return slices.Concat([]string{c.Region}, slices.DeleteFunc(slices.Clone(c.Account.Regions), func(r string) bool { return r == c.Region }))
}

// regions checks account.regions and account.allowedRegions: regions of the stack's
// partition, each once; and the regions the stack deploys to (its own, and the managing
// stack's account.regions) within allowedRegions, or the deploy role's own region deny
// would lock it out of them.
func (v *validator) regions() {
	a := v.cfg.Account
	v.regionList("account.regions", a.Regions)
	v.regionList("account.allowedRegions", a.AllowedRegions)
	if len(a.AllowedRegions) == 0 || v.failed["aws:region"] || v.cfg.Region == "" {
		return
	}
	if !slices.Contains(a.AllowedRegions, v.cfg.Region) {
		v.errs.add(key("account.allowedRegions"), "leaves out %s, the stack's region (aws:region): the program's own roles could not deploy there; add it", v.cfg.Region)
	}
	if !a.Manage {
		return
	}
	for i, r := range a.Regions {
		if r != v.cfg.Region && !slices.Contains(a.AllowedRegions, r) {
			v.errs.add(fmt.Sprintf("%s[%d]", key("account.regions"), i), "%q is not in account.allowedRegions: the deploy role could not set the account defaults there; add it to allowedRegions or remove it here", r)
		}
	}
}

// regionList checks a list of regions of the stack's partition, each listed once.
func (v *validator) regionList(name string, regions []string) {
	seen := map[string]bool{}
	for i, r := range regions {
		rk := fmt.Sprintf("%s[%d]", key(name), i)
		switch {
		case v.region(rk, r, v.cfg.Partition):
		case awsnames.Partition(r) != awsnames.Partition(v.cfg.Region):
			v.errs.add(rk, "%q is in another partition than the stack's region %s; one stack reaches one partition", r, v.cfg.Region)
		case seen[r]:
			v.errs.add(rk, "%q is listed twice", r)
		}
		seen[r] = true
	}
}
