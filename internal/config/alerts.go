package config

import "github.com/secure-aws/secure-aws/cis"

// globalEventRegions is, per partition, the region where CloudTrail delivers the events of
// the global services (IAM, STS, console sign-in) and so where EventBridge sees them: "For
// most global services, events are logged as occurring in US East (N. Virginia) Region"
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events).
// A partition not listed has no region this program knows to be it, and gets no alerts.
var globalEventRegions = map[string]string{"aws": "us-east-1"}

// alerts checks account.alerts, account.budget and account.contacts: account-wide blocks
// of the managing stack, each valid, and combinations that can work.
//
// The alerts' EventBridge rules match "AWS API Call via CloudTrail" events, which
// EventBridge receives only while a trail is logging
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html), and an
// EventBridge rule reaches only an SNS topic of its own region. The rules watch IAM and
// console sign-in, whose events arrive in the partition's global-event region, so the
// stack that has them lives there: a rule set in another region would never fire for
// them. (Rules in us-east-1 for the global events and others in the stack's region, each
// with its own topic, would double every subscription to confirm; refused instead.)
func (v *validator) alerts() {
	if v.failed[key("account")] {
		return
	}
	c := v.cfg
	a := c.Account
	if !a.Manage {
		for _, s := range []struct {
			key, what string
			set       bool
		}{
			{"account.alerts", "creates the account's security alerts", a.Alerts != nil},
			{"account.budget", "sets the account's budget", a.Budget != nil},
			{"account.contacts", "sets the account's alternate contacts", a.Contacts != (Config{}).Account.Contacts},
		} {
			if s.set {
				v.errs.add(key(s.key), "is set but account.manage is false; only the stack that manages the account %s", s.what)
			}
		}
		return
	}
	v.fields(key("account.contacts"), a.Contacts.Problems())
	if a.Contacts.Security == nil {
		v.errs.add(key("account.contacts.security"), "is required when account.manage is true: AWS writes to the security contact about abuse and compromise of the account (%s); e.g. contacts: {security: {name: Jane Doe, title: CISO, email: security@example.com, phone: \"+1 555 0100\"}}", cis.Ref("1.2"))
	}
	if b := a.Budget; b != nil {
		v.fields(key("account.budget"), b.Problems())
		if a.Alerts == nil {
			v.errs.add(key("account.budget"), "notifies the recipients of account.alerts, which is not set: set account.alerts (emails or topicArn)")
		}
	}
	al := a.Alerts
	if al == nil {
		return
	}
	v.fields(key("account.alerts"), al.Problems())
	if a.Trail == nil {
		v.errs.add(key("account.alerts"), "needs account.trail: EventBridge receives the API calls the alerts match (\"AWS API Call via CloudTrail\") only while a trail is logging")
	}
	if c.Partition == "" {
		return // aws:region is invalid, reported already
	}
	switch home, ok := globalEventRegions[c.Partition]; {
	case !ok:
		v.errs.add(key("account.alerts"), "is not available in partition %s: the program knows no region there where IAM and console sign-in events arrive", c.Partition)
	case c.Region != home:
		v.errs.add(key("account.alerts"), "needs aws:region %s, not %s: IAM and console sign-in events arrive in %s only, and an EventBridge rule sees only its own region's events; manage the account from a stack in %s", home, c.Region, home, home)
	}
	if r := al.TopicRegion(); r != "" && r != c.Region {
		v.errs.add(key("account.alerts.topicArn"), "is in %s, not in the stack's region %s: an EventBridge rule reaches only a topic of its own region", r, c.Region)
	}
}
