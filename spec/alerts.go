package spec

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Alerts says who hears of the account's security events (CIS v5.0.0 section 4, v7.0.0
// section 5) and of its budget: exactly one of a list of email addresses, which get a
// topic of the program's, and a topic that exists.
type Alerts struct {
	Emails   []string `json:"emails"`   // each gets an SNS email subscription to confirm
	TopicARN string   `json:"topicArn"` // an SNS topic that exists, in the stack's region
}

// topicARNPattern is the form of a standard SNS topic ARN
// (https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html: names of 1 to 256
// letters, digits, hyphens and underscores).
var topicARNPattern = regexp.MustCompile(`^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):[A-Za-z0-9_-]{1,256}$`)

// TopicRegion is the region of the topic ARN, "" when it is not one.
func (a Alerts) TopicRegion() string {
	m := topicARNPattern.FindStringSubmatch(a.TopicARN)
	if m == nil {
		return ""
	}
	return m[2]
}

// Problems lists every invalid field of a.
func (a Alerts) Problems() []FieldProblem {
	var out []FieldProblem
	switch {
	case len(a.Emails) == 0 && a.TopicARN == "":
		out = append(out, FieldProblem{"emails", "or topicArn is required: the email addresses that get the alerts (e.g. emails: [security@example.com]), or an SNS topic that exists"})
	case len(a.Emails) > 0 && a.TopicARN != "":
		out = append(out, FieldProblem{"topicArn", "is set beside emails: give one of them (the emails then subscribe to the topic by hand)"})
	}
	if a.TopicARN != "" && !topicARNPattern.MatchString(a.TopicARN) {
		out = append(out, FieldProblem{"topicArn", fmt.Sprintf("%q is not an SNS topic ARN such as arn:aws:sns:us-east-1:111111111111:security-alerts", a.TopicARN)})
	}
	seen := map[string]bool{}
	for i, e := range a.Emails {
		f := fmt.Sprintf("emails[%d]", i)
		if msg := emailProblem(e); msg != "" {
			out = append(out, FieldProblem{f, msg})
		}
		if seen[strings.ToLower(e)] {
			out = append(out, FieldProblem{f, fmt.Sprintf("%q is listed twice", e)})
		}
		seen[strings.ToLower(e)] = true
	}
	return out
}

// emailPattern is a deliberately plain address check: one @, no spaces, a dot in the
// domain; AWS confirms the rest by mail.
var emailPattern = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)

func emailProblem(e string) string {
	if len(e) > 254 || !emailPattern.MatchString(e) {
		return fmt.Sprintf("%q is not an email address such as security@example.com (at most 254 characters)", e)
	}
	return ""
}

// Budget is the account's monthly cost budget: AWS Budgets notifies the alert recipients
// when actual cost passes each threshold, the cheapest sign of a stolen key at work.
type Budget struct {
	LimitUSD   int   `json:"limitUsd"`   // the monthly limit in US dollars (required, at least 1)
	Thresholds []int `json:"thresholds"` // percentages of the limit; default 50, 80, 100
}

// MaxBudgetThreshold is the largest threshold, in percent of the limit, this program takes.
const MaxBudgetThreshold = 1000

// Problems lists every invalid field of b.
func (b Budget) Problems() []FieldProblem {
	var out []FieldProblem
	if b.LimitUSD < 1 {
		out = append(out, FieldProblem{"limitUsd", fmt.Sprintf("%d is not a positive whole number of US dollars (e.g. limitUsd: 100)", b.LimitUSD)})
	}
	if len(b.Thresholds) == 0 {
		out = append(out, FieldProblem{"thresholds", "is empty: list percentages of the limit, or leave it out for 50, 80 and 100"})
	}
	for i, t := range b.Thresholds {
		f := fmt.Sprintf("thresholds[%d]", i)
		if t < 1 || t > MaxBudgetThreshold {
			out = append(out, FieldProblem{f, fmt.Sprintf("%d is out of range: 1 to %d percent of the limit", t, MaxBudgetThreshold)})
		}
		if slices.Contains(b.Thresholds[:i], t) {
			out = append(out, FieldProblem{f, fmt.Sprintf("%d is listed twice", t)})
		}
	}
	return out
}

// Contact is one of the account's alternate contacts, as AWS Account Management takes it
// (https://docs.aws.amazon.com/accounts/latest/reference/API_PutAlternateContact.html).
type Contact struct {
	Name  string `json:"name"`  // 1 to 64 characters
	Title string `json:"title"` // 1 to 50 characters
	Email string `json:"email"` // an email address
	Phone string `json:"phone"` // digits, spaces, +, -, ( and ), 1 to 25 characters
}

var phonePattern = regexp.MustCompile(`^[\s0-9()+-]{1,25}$`)

// Problems lists every invalid field of c.
func (c Contact) Problems() []FieldProblem {
	var out []FieldProblem
	if n := len(c.Name); n < 1 || n > 64 {
		out = append(out, FieldProblem{"name", "is required: 1 to 64 characters"})
	}
	if n := len(c.Title); n < 1 || n > 50 {
		out = append(out, FieldProblem{"title", "is required: 1 to 50 characters"})
	}
	if msg := emailProblem(c.Email); msg != "" {
		out = append(out, FieldProblem{"email", msg})
	}
	if !phonePattern.MatchString(c.Phone) {
		out = append(out, FieldProblem{"phone", fmt.Sprintf("%q is not a phone number: 1 to 25 digits, spaces, +, -, ( and ), e.g. +1 555 0100", c.Phone)})
	}
	return out
}

// Contacts are the account's alternate contacts: AWS writes to the security contact about
// abuse and compromise (CIS v5.0.0 1.2 (v7.0.0 2.3)), to the others about operations and
// billing. A nil contact is left as the account has it.
type Contacts struct {
	Security   *Contact `json:"security"`
	Operations *Contact `json:"operations"`
	Billing    *Contact `json:"billing"`
}

// ContactTypes are the alternate contact types of AWS Account Management, each with its
// contact in c (nil when not set), in a fixed order.
func (c Contacts) ContactTypes() []struct {
	Type, Field string
	Contact     *Contact
} {
	return []struct {
		Type, Field string
		Contact     *Contact
	}{{"SECURITY", "security", c.Security}, {"OPERATIONS", "operations", c.Operations}, {"BILLING", "billing", c.Billing}}
}

// Problems lists every invalid field of the contacts that are set.
func (c Contacts) Problems() []FieldProblem {
	var out []FieldProblem
	for _, t := range c.ContactTypes() {
		if t.Contact != nil {
			out = append(out, Prefixed(t.Field, t.Contact.Problems())...)
		}
	}
	return out
}
