package config

import (
	"fmt"
	"slices"

	"github.com/secure-aws/secure-aws/spec"
)

// Detection turns on the account's detective services in each region of DefaultRegions
// (the stack's and account.regions; components.Detection); only the managing stack sets it.
type Detection struct {
	GuardDuty        bool   `json:"guardDuty"`
	FindingFrequency string `json:"findingFrequency"` // GuardDuty's; default SIX_HOURS
	// ConfigBucket, when set, is created for AWS Config, which records in each region.
	ConfigBucket string `json:"configBucket"`
	SecurityHub  bool   `json:"securityHub"` // needs configBucket
}

// defaultDetection is what a detection block's decoding starts from.
func defaultDetection() Detection {
	return Detection{FindingFrequency: "SIX_HOURS"}
}

// UnmarshalJSON decodes a detection block on top of its defaults.
func (d *Detection) UnmarshalJSON(b []byte) error {
	type fields Detection // the same fields, without this method
	v := fields(defaultDetection())
	if err := strictUnmarshal(string(b), &v); err != nil {
		return err
	}
	*d = Detection(v)
	return nil
}

// TrailDataEvents are the buckets whose object-level calls the trail records: every
// backup vault (writes: who wrote or tried to overwrite a backup), and each bucket by its
// dataEvents.
func (c *Config) TrailDataEvents() []spec.DataEvents {
	var out []spec.DataEvents
	for _, b := range c.Backups {
		out = append(out, spec.DataEvents{Bucket: b.Bucket, Mode: spec.DataEventsWrite})
	}
	for _, b := range c.Buckets {
		if b.DataEvents != "" {
			out = append(out, spec.DataEvents{Bucket: b.Name, Mode: b.DataEvents})
		}
	}
	return out
}

// detection checks the detection block, the trail's hardening and the buckets' dataEvents.
func (v *validator) detection() {
	c := v.cfg
	for i, b := range c.Buckets {
		if b.DataEvents == "" {
			continue
		}
		k := fmt.Sprintf("%s[%d]", key("buckets"), i)
		v.fields(k, spec.DataEvents{Bucket: b.Name, Mode: b.DataEvents}.Problems())
		// A managing stack without a trail yet may mark its buckets ahead of it; a stack
		// that does not manage the account never records them.
		if !c.Account.Manage {
			v.errs.add(k+".dataEvents", "is set but account.manage is false: only the trail of the stack that manages the account (account.trail) records data events, of that stack's own buckets and vaults; move the bucket there or leave dataEvents out")
		}
	}
	if t := c.Account.Trail; t != nil && t.AccessLogBucket != "" {
		v.bucketName(key("account.trail.accessLogBucket"), t.AccessLogBucket, true)
	}
	d := c.Account.Detection
	if d == nil || v.failed[key("account")] {
		return
	}
	if !c.Account.Manage {
		v.errs.add(key("account.detection"), "is set but account.manage is false; only the stack that manages the account turns on GuardDuty, AWS Config and Security Hub CSPM (once per account and region)")
		return
	}
	if d.GuardDuty && !slices.Contains(spec.GuardDutyFrequencies(), d.FindingFrequency) {
		v.errs.add(key("account.detection.findingFrequency"), "%q is not allowed: use FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS (default)", d.FindingFrequency)
	}
	if d.ConfigBucket != "" {
		v.bucketName(key("account.detection.configBucket"), d.ConfigBucket, true)
	}
	if d.SecurityHub && d.ConfigBucket == "" {
		v.errs.add(key("account.detection.securityHub"), "is true but account.detection.configBucket is not set: Security Hub CSPM's controls are AWS Config rules, which find nothing without a recorder (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-setup-prereqs.html); set configBucket to the name of a new bucket for AWS Config")
	}
}
