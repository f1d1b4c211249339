package config_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// managing is the account setting of a managing stack with a trail, plus extra fields.
func managing(extra string) edit {
	return set("account", `{"manage":true,"alias":"acme-corp","trail":{"bucket":"acme-trail"},"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}}`+extra+`}`)
}

// TestAlertsBudgetContacts: the blocks load with their defaults: the budget's thresholds
// are 50, 80 and 100 % when left out.
func TestAlertsBudgetContacts(t *testing.T) {
	cfg := mustLoad(t, "production", managing(`,"alerts":{"emails":["sec@acme.example"]},"budget":{"limitUsd":100}`))
	require.NotNil(t, cfg.Account.Budget)
	assert.Equal(t, []int{50, 80, 100}, cfg.Account.Budget.Thresholds)
	assert.Equal(t, []string{"sec@acme.example"}, cfg.Account.Alerts.Emails)
	assert.Equal(t, "Sam Doe", cfg.Account.Contacts.Security.Name)
}

// TestAlertsBudgetContactsRefused: each combination that cannot work, and each bad value,
// is refused under its key, with what is allowed.
func TestAlertsBudgetContactsRefused(t *testing.T) {
	for _, c := range []struct {
		name, stack, key, msg string
		edits                 []edit
	}{
		{"alerts without a trail", "production", "secure-aws:account.alerts", "needs account.trail", []edit{set("account", `{"manage":true,"alias":"acme-corp","contacts":{"security":{"name":"a","title":"b","email":"a@b.example","phone":"1"}},"alerts":{"emails":["a@b.example"]}}`)}},
		{"alerts outside us-east-1", "production", "secure-aws:account.alerts", "needs aws:region us-east-1", []edit{set("aws:region", "eu-west-1"), managing(`,"alerts":{"emails":["a@b.example"]}`)}},
		{"alerts in another partition", "production", "secure-aws:account.alerts", "partition aws-cn", []edit{set("aws:region", "cn-north-1"), managing(`,"alerts":{"emails":["a@b.example"]}`)}},
		{"topic in another region", "production", "secure-aws:account.alerts.topicArn", "not in the stack's region", []edit{managing(`,"alerts":{"topicArn":"arn:aws:sns:eu-west-1:111111111111:soc"}`)}},
		{"alerts without recipients", "production", "secure-aws:account.alerts.emails", "or topicArn is required", []edit{managing(`,"alerts":{"emails":[]}`)}},
		{"alerts with a bad address", "production", "secure-aws:account.alerts.emails[0]", "not an email address", []edit{managing(`,"alerts":{"emails":["security"]}`)}},
		{"alerts in a stack that does not manage the account", "", "secure-aws:account.alerts", "account.manage is false", []edit{set("account", `{"alerts":{"emails":["a@b.example"]}}`)}},
		{"budget without alerts", "production", "secure-aws:account.budget", "account.alerts", []edit{managing(`,"budget":{"limitUsd":10}`)}},
		{"budget of zero", "production", "secure-aws:account.budget.limitUsd", "positive", []edit{managing(`,"alerts":{"emails":["a@b.example"]},"budget":{"limitUsd":0}`)}},
		{"budget threshold twice", "production", "secure-aws:account.budget.thresholds[1]", "listed twice", []edit{managing(`,"alerts":{"emails":["a@b.example"]},"budget":{"limitUsd":10,"thresholds":[80,80]}`)}},
		{"budget threshold too high", "production", "secure-aws:account.budget.thresholds[0]", "1 to 1000", []edit{managing(`,"alerts":{"emails":["a@b.example"]},"budget":{"limitUsd":10,"thresholds":[1001]}`)}},
		{"budget without thresholds", "production", "secure-aws:account.budget.thresholds", "is empty", []edit{managing(`,"alerts":{"emails":["a@b.example"]},"budget":{"limitUsd":10,"thresholds":[]}`)}},
		{"budget limit as a string", "production", "secure-aws:account.budget.limitUsd", "must be a whole number", []edit{managing(`,"alerts":{"emails":["a@b.example"]},"budget":{"limitUsd":"10"}`)}},
		{"budget in a stack that does not manage the account", "", "secure-aws:account.budget", "account.manage is false", []edit{set("account", `{"budget":{"limitUsd":10}}`)}},
		{"managing stack without a security contact", "production", "secure-aws:account.contacts.security", "e.g. contacts: {security:", []edit{set("account", `{"manage":true,"alias":"acme-corp"}`)}},
		{"contact with a bad phone", "production", "secure-aws:account.contacts.billing.phone", "not a phone number", []edit{managing(`,"contacts":{"security":{"name":"a","title":"b","email":"a@b.example","phone":"1"},"billing":{"name":"a","title":"b","email":"a@b.example","phone":"call"}}`)}},
		{"contact typo", "production", "secure-aws:account.contacts.security.mail", "did you mean email?", []edit{set("account", `{"manage":true,"alias":"acme-corp","contacts":{"security":{"name":"a","title":"b","mail":"a@b.example","phone":"1"}}}`)}},
		{"contacts in a stack that does not manage the account", "", "secure-aws:account.contacts", "account.manage is false", []edit{set("account", `{"contacts":{"billing":{"name":"a","title":"b","email":"a@b.example","phone":"1"}}}`)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stack := c.stack
			if stack == "" {
				stack = testStack
			}
			cfgErr := configError(t, stack, c.edits...)
			require.Contains(t, problemKeys(cfgErr), c.key, "problems: %s", cfgErr)
			var messages []string
			for _, p := range cfgErr.Problems {
				if p.Key == c.key {
					messages = append(messages, p.Message)
				}
			}
			assert.Contains(t, strings.Join(messages, "\n"), c.msg)
		})
	}
}
