package awsapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
)

// SNS serves the topic and its subscriptions through the SNS API at the configured sns
// endpoint, as hashicorp/terraform-provider-aws internal/service/sns/topic.go and
// topic_subscription.go call it: the id of each is its ARN.
type SNS struct{ client *sns.Client }

// NewSNS makes the SNS backend for c, which must name the sns endpoint.
func NewSNS(c Config) (*SNS, error) {
	cfg, e, err := c.clientConfig("sns", "SNS")
	if err != nil {
		return nil, err
	}
	return &SNS{client: sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(e) })}, nil
}

// Serves implements Backend.
func (b *SNS) Serves(typ string) bool {
	return typ == awstypes.Topic || typ == awstypes.TopicSubscription
}

// topicInputs are a topic's inputs, by their Pulumi names.
type topicInputs struct {
	Name           string `json:"name"`
	KmsMasterKeyID string `json:"kmsMasterKeyId,omitempty"`
	Policy         string `json:"policy,omitempty"`
}

// attributes are the topic's settings as SNS names its attributes.
func (in topicInputs) attributes() map[string]string {
	out := map[string]string{}
	if in.KmsMasterKeyID != "" {
		out["KmsMasterKeyId"] = in.KmsMasterKeyID
	}
	if in.Policy != "" {
		out["Policy"] = in.Policy
	}
	return out
}

// subscriptionInputs are a subscription's inputs, by their Pulumi names; a change of any
// replaces it.
type subscriptionInputs struct {
	Topic    string `json:"topic"`
	Protocol string `json:"protocol"`
	Endpoint string `json:"endpoint"`
}

func (b *SNS) decode(typ string, inputs resource.PropertyMap) (topicInputs, subscriptionInputs, error) {
	var t topicInputs
	var s subscriptionInputs
	switch typ {
	case awstypes.Topic:
		return t, s, decode(typ, inputs, &t)
	case awstypes.TopicSubscription:
		return t, s, decode(typ, inputs, &s)
	}
	return t, s, notServed("SNS", typ)
}

// Create implements Backend: CreateTopic with its attributes, or Subscribe asking for the
// subscription's ARN (ReturnSubscriptionArn), which AWS gives even while an email
// subscription awaits its confirmation.
func (b *SNS) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	t, s, err := b.decode(typ, inputs)
	if err != nil {
		return "", nil, err
	}
	var id string
	if typ == awstypes.Topic {
		out, err := b.client.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(t.Name), Attributes: t.attributes()})
		if err != nil {
			return "", nil, wrap("creating SNS topic", t.Name, err)
		}
		id = aws.ToString(out.TopicArn)
	} else {
		out, err := b.client.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(s.Topic), Protocol: aws.String(s.Protocol),
			Endpoint: aws.String(s.Endpoint), ReturnSubscriptionArn: true})
		if err != nil {
			return "", nil, wrap("subscribing "+s.Endpoint+" to SNS topic", s.Topic, err)
		}
		id = aws.ToString(out.SubscriptionArn)
	}
	state, err := stateAfterWrite(ctx, b, typ, id, inputs)
	return id, state, err
}

// Read implements Backend: GetTopicAttributes or GetSubscriptionAttributes. A topic's
// policy keeps the program's spelling where it is the same document.
func (b *SNS) Read(ctx context.Context, typ, id string, olds resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	if !b.Serves(typ) {
		return nil, nil, notServed("SNS", typ)
	}
	attrs, err := b.attributes(ctx, typ, id)
	if err != nil || attrs == nil {
		return nil, nil, err
	}
	if typ == awstypes.Topic {
		inputs := encode(topicInputs{Name: id[strings.LastIndex(id, ":")+1:], KmsMasterKeyID: attrs["KmsMasterKeyId"],
			Policy: keepSpelling(olds["policy"], attrs["Policy"])})
		state := inputs.Copy()
		state["arn"] = resource.NewProperty(id)
		state["owner"] = resource.NewProperty(attrs["Owner"])
		return inputs, state, nil
	}
	inputs := encode(subscriptionInputs{Topic: attrs["TopicArn"], Protocol: attrs["Protocol"], Endpoint: attrs["Endpoint"]})
	state := inputs.Copy()
	state["arn"] = resource.NewProperty(id)
	state["ownerId"] = resource.NewProperty(attrs["Owner"])
	state["pendingConfirmation"] = resource.NewProperty(attrs["PendingConfirmation"] == "true")
	return inputs, state, nil
}

// attributes are the attributes SNS holds for the topic or subscription id; nil when it
// does not exist.
func (b *SNS) attributes(ctx context.Context, typ, id string) (map[string]string, error) {
	var attrs map[string]string
	var err error
	if typ == awstypes.Topic {
		var out *sns.GetTopicAttributesOutput
		if out, err = b.client.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(id)}); err == nil {
			attrs = out.Attributes
		}
	} else {
		var out *sns.GetSubscriptionAttributesOutput
		if out, err = b.client.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(id)}); err == nil {
			attrs = out.Attributes
		}
	}
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("reading "+typ, id, err)
	}
	return attrs, nil
}

// Update implements Backend: SetTopicAttributes for each attribute of the topic that
// differs from what SNS holds. A subscription has nothing to update in place: every input
// the program sets replaces it.
func (b *SNS) Update(ctx context.Context, typ, id string, _, news resource.PropertyMap) (resource.PropertyMap, error) {
	t, _, err := b.decode(typ, news)
	if err != nil {
		return nil, err
	}
	if typ == awstypes.Topic {
		have, err := b.attributes(ctx, typ, id)
		if err != nil {
			return nil, err
		}
		if have == nil {
			return nil, fmt.Errorf("updating SNS topic %s: it does not exist", id)
		}
		for _, k := range []string{"KmsMasterKeyId", "Policy"} {
			want := t.attributes()[k]
			if want == have[k] || (k == "Policy" && samePolicy(want, have[k])) {
				continue
			}
			if _, err := b.client.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{TopicArn: aws.String(id), AttributeName: aws.String(k),
				AttributeValue: aws.String(want)}); err != nil {
				return nil, wrap("setting "+k+" of SNS topic", id, err)
			}
		}
	}
	return stateAfterWrite(ctx, b, typ, id, news)
}

// Delete implements Backend: DeleteTopic or Unsubscribe; one already gone is deleted.
func (b *SNS) Delete(ctx context.Context, typ, id string, _ resource.PropertyMap) error {
	var err error
	switch typ {
	case awstypes.Topic:
		_, err = b.client.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: aws.String(id)})
	case awstypes.TopicSubscription:
		_, err = b.client.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(id)})
	default:
		return notServed("SNS", typ)
	}
	if err != nil && !notFound(err) {
		return fmt.Errorf("deleting %s %s: %w", typ, id, err)
	}
	return nil
}
