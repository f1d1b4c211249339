package awsapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
)

// EventBridge serves the rules and targets of the default event bus through the
// EventBridge API at the configured events endpoint, as hashicorp/terraform-provider-aws
// internal/service/events/rule.go and target.go call it: a rule's id is its name, a
// target's <rule>-<target id>.
type EventBridge struct{ client *eventbridge.Client }

// NewEventBridge makes the EventBridge backend for c, which must name the events endpoint.
func NewEventBridge(c Config) (*EventBridge, error) {
	cfg, e, err := c.clientConfig("events", "EventBridge")
	if err != nil {
		return nil, err
	}
	return &EventBridge{client: eventbridge.NewFromConfig(cfg, func(o *eventbridge.Options) { o.BaseEndpoint = aws.String(e) })}, nil
}

// Serves implements Backend.
func (b *EventBridge) Serves(typ string) bool {
	return typ == awstypes.EventRule || typ == awstypes.EventTarget
}

// ruleInputs are a rule's inputs, by their Pulumi names.
type ruleInputs struct {
	Name         string `json:"name"`
	Description  string `json:"description,omitempty"`
	EventPattern string `json:"eventPattern,omitempty"`
	State        string `json:"state,omitempty"`
}

// targetInputs are a target's inputs, by their Pulumi names.
type targetInputs struct {
	Rule     string `json:"rule"`
	TargetID string `json:"targetId"`
	Arn      string `json:"arn"`
}

func (b *EventBridge) decode(typ string, inputs resource.PropertyMap) (ruleInputs, targetInputs, error) {
	var r ruleInputs
	var t targetInputs
	switch typ {
	case awstypes.EventRule:
		return r, t, decode(typ, inputs, &r)
	case awstypes.EventTarget:
		return r, t, decode(typ, inputs, &t)
	}
	return r, t, notServed("EventBridge", typ)
}

// Create implements Backend: PutRule, or PutTargets with the one target.
func (b *EventBridge) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	id, err := b.put(ctx, typ, inputs)
	if err != nil {
		return "", nil, err
	}
	state, err := stateAfterWrite(ctx, b, typ, id, inputs)
	return id, state, err
}

// put writes the rule or the target whole, as creating and updating both do, and
// returns its id.
func (b *EventBridge) put(ctx context.Context, typ string, inputs resource.PropertyMap) (string, error) {
	r, t, err := b.decode(typ, inputs)
	if err != nil {
		return "", err
	}
	if typ == awstypes.EventRule {
		req := &eventbridge.PutRuleInput{Name: aws.String(r.Name), State: ebtypes.RuleState(r.State)}
		if r.Description != "" {
			req.Description = aws.String(r.Description)
		}
		if r.EventPattern != "" {
			req.EventPattern = aws.String(r.EventPattern)
		}
		_, err := b.client.PutRule(ctx, req)
		return r.Name, wrap("putting EventBridge rule", r.Name, err)
	}
	out, err := b.client.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(t.Rule),
		Targets: []ebtypes.Target{{Id: aws.String(t.TargetID), Arn: aws.String(t.Arn)}}})
	if err != nil {
		return "", wrap("putting the target "+t.TargetID+" of EventBridge rule", t.Rule, err)
	}
	if out.FailedEntryCount > 0 {
		e := out.FailedEntries[0]
		return "", fmt.Errorf("putting the target %s of EventBridge rule %s: %s: %s", t.TargetID, t.Rule, aws.ToString(e.ErrorCode), aws.ToString(e.ErrorMessage))
	}
	return t.Rule + "-" + t.TargetID, nil
}

// Read implements Backend: DescribeRule, or the target among ListTargetsByRule's. A
// target is found by its last inputs; an import names it <rule>/<target id>, as the
// provider's import does. An event pattern keeps the program's spelling where it is the
// same JSON.
func (b *EventBridge) Read(ctx context.Context, typ, id string, olds resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	_, old, err := b.decode(typ, olds)
	if err != nil {
		return nil, nil, err
	}
	if typ == awstypes.EventRule {
		out, err := b.client.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String(id)})
		if notFound(err, "ResourceNotFoundException") {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("reading EventBridge rule", id, err)
		}
		inputs := encode(ruleInputs{Name: aws.ToString(out.Name), Description: aws.ToString(out.Description),
			EventPattern: keepSpelling(olds["eventPattern"], aws.ToString(out.EventPattern)), State: string(out.State)})
		state := inputs.Copy()
		state["arn"] = resource.NewProperty(aws.ToString(out.Arn))
		return inputs, state, nil
	}
	rule, target := old.Rule, old.TargetID
	if len(olds) == 0 {
		var ok bool
		if rule, target, ok = strings.Cut(id, "/"); !ok {
			return nil, nil, fmt.Errorf("importing %s %q: want <rule>/<target id>", typ, id)
		}
	}
	out, err := b.client.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(rule)})
	if notFound(err, "ResourceNotFoundException") {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, wrap("listing the targets of EventBridge rule", rule, err)
	}
	for _, t := range out.Targets {
		if aws.ToString(t.Id) == target {
			inputs := encode(targetInputs{Rule: rule, TargetID: target, Arn: aws.ToString(t.Arn)})
			return inputs, inputs.Copy(), nil
		}
	}
	return nil, nil, nil
}

// Update implements Backend: PutRule or PutTargets again, whole.
func (b *EventBridge) Update(ctx context.Context, typ, id string, _, news resource.PropertyMap) (resource.PropertyMap, error) {
	if _, err := b.put(ctx, typ, news); err != nil {
		return nil, err
	}
	return stateAfterWrite(ctx, b, typ, id, news)
}

// Delete implements Backend: DeleteRule, or RemoveTargets of the one target; one already
// gone is deleted.
func (b *EventBridge) Delete(ctx context.Context, typ, id string, olds resource.PropertyMap) error {
	_, t, err := b.decode(typ, olds)
	if err != nil {
		return err
	}
	if typ == awstypes.EventRule {
		_, err = b.client.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String(id)})
	} else {
		_, err = b.client.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String(t.Rule), Ids: []string{t.TargetID}})
	}
	if err != nil && !notFound(err, "ResourceNotFoundException") {
		return fmt.Errorf("deleting %s %s: %w", typ, id, err)
	}
	return nil
}
