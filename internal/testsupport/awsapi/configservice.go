package awsapi

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
)

// ConfigTypes are the AWS Config types the Config backend serves.
var ConfigTypes = []string{awstypes.ConfigRecorder, awstypes.ConfigDelivery, awstypes.ConfigRecorderStatus}

// ConfigService serves ConfigTypes through the AWS Config API at the configured configservice
// endpoint, as hashicorp/terraform-provider-aws internal/service/configservice/
// configuration_recorder.go, delivery_channel.go and configuration_recorder_status.go call
// it: each is identified by its name, and a put creates and updates.
type ConfigService struct{ client *configservice.Client }

// NewConfigService makes the ConfigService backend for c, which must name the configservice
// endpoint.
func NewConfigService(c Config) (*ConfigService, error) {
	cfg, e, err := c.clientConfig("configservice", "AWS Config")
	if err != nil {
		return nil, err
	}
	return &ConfigService{client: configservice.NewFromConfig(cfg, func(o *configservice.Options) { o.BaseEndpoint = aws.String(e) })}, nil
}

// Serves implements Backend.
func (b *ConfigService) Serves(typ string) bool { return slices.Contains(ConfigTypes, typ) }

// The inputs of each type, by their Pulumi names.
type (
	recorderInputs struct {
		Name           string `json:"name"`
		RoleArn        string `json:"roleArn"`
		RecordingGroup struct {
			AllSupported               bool `json:"allSupported"`
			IncludeGlobalResourceTypes bool `json:"includeGlobalResourceTypes"`
		} `json:"recordingGroup"`
	}
	deliveryInputs struct {
		Name         string `json:"name"`
		S3BucketName string `json:"s3BucketName"`
		S3KeyPrefix  string `json:"s3KeyPrefix,omitempty"`
		SnsTopicArn  string `json:"snsTopicArn,omitempty"`
	}
	recorderStatusInputs struct {
		Name      string `json:"name"`
		IsEnabled bool   `json:"isEnabled"`
	}
)

// put writes the resource: PutConfigurationRecorder, PutDeliveryChannel, or Start/
// StopConfigurationRecorder as isEnabled says; it returns the name, the id.
func (b *ConfigService) put(ctx context.Context, typ string, inputs resource.PropertyMap) (string, error) {
	switch typ {
	case awstypes.ConfigRecorder:
		var in recorderInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		_, err := b.client.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{ConfigurationRecorder: &cfgtypes.ConfigurationRecorder{
			Name: aws.String(in.Name), RoleARN: aws.String(in.RoleArn), RecordingGroup: &cfgtypes.RecordingGroup{
				AllSupported: in.RecordingGroup.AllSupported, IncludeGlobalResourceTypes: in.RecordingGroup.IncludeGlobalResourceTypes}}})
		return in.Name, wrap("putting the AWS Config recorder", in.Name, err)
	case awstypes.ConfigDelivery:
		var in deliveryInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		channel := &cfgtypes.DeliveryChannel{Name: aws.String(in.Name), S3BucketName: aws.String(in.S3BucketName)}
		if in.S3KeyPrefix != "" {
			channel.S3KeyPrefix = aws.String(in.S3KeyPrefix)
		}
		if in.SnsTopicArn != "" {
			channel.SnsTopicARN = aws.String(in.SnsTopicArn)
		}
		_, err := b.client.PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{DeliveryChannel: channel})
		return in.Name, wrap("putting the AWS Config delivery channel", in.Name, err)
	case awstypes.ConfigRecorderStatus:
		var in recorderStatusInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		name := aws.String(in.Name)
		return in.Name, onOff(in.IsEnabled, in.Name, "starting the AWS Config recorder", "stopping the AWS Config recorder", func() error {
			_, err := b.client.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{ConfigurationRecorderName: name})
			return err
		}, func() error {
			_, err := b.client.StopConfigurationRecorder(ctx, &configservice.StopConfigurationRecorderInput{ConfigurationRecorderName: name})
			return err
		})
	}
	return "", notServed("AWS Config", typ)
}

// Create implements Backend.
func (b *ConfigService) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	id, err := b.put(ctx, typ, inputs)
	if err != nil {
		return "", nil, err
	}
	state, err := stateAfterWrite(ctx, b, typ, id, inputs)
	return id, state, err
}

// Update implements Backend: the same put as the create.
func (b *ConfigService) Update(ctx context.Context, typ, id string, _, news resource.PropertyMap) (resource.PropertyMap, error) {
	if _, err := b.put(ctx, typ, news); err != nil {
		return nil, err
	}
	return stateAfterWrite(ctx, b, typ, id, news)
}

// Read implements Backend: Describe* of the name id; a name AWS does not know is gone.
func (b *ConfigService) Read(ctx context.Context, typ, id string, _ resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	names := []string{id}
	var in any
	switch typ {
	case awstypes.ConfigRecorder:
		out, err := b.client.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{ConfigurationRecorderNames: names})
		if notFound(err, "NoSuchConfigurationRecorderException") || (err == nil && len(out.ConfigurationRecorders) == 0) {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("reading the AWS Config recorder", id, err)
		}
		r := out.ConfigurationRecorders[0]
		rec := recorderInputs{Name: aws.ToString(r.Name), RoleArn: aws.ToString(r.RoleARN)}
		if g := r.RecordingGroup; g != nil {
			rec.RecordingGroup.AllSupported, rec.RecordingGroup.IncludeGlobalResourceTypes = g.AllSupported, g.IncludeGlobalResourceTypes
		}
		in = rec
	case awstypes.ConfigDelivery:
		out, err := b.client.DescribeDeliveryChannels(ctx, &configservice.DescribeDeliveryChannelsInput{DeliveryChannelNames: names})
		if notFound(err, "NoSuchDeliveryChannelException") || (err == nil && len(out.DeliveryChannels) == 0) {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("reading the AWS Config delivery channel", id, err)
		}
		c := out.DeliveryChannels[0]
		in = deliveryInputs{Name: aws.ToString(c.Name), S3BucketName: aws.ToString(c.S3BucketName), S3KeyPrefix: aws.ToString(c.S3KeyPrefix), SnsTopicArn: aws.ToString(c.SnsTopicARN)}
	case awstypes.ConfigRecorderStatus:
		out, err := b.client.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{ConfigurationRecorderNames: names})
		if notFound(err, "NoSuchConfigurationRecorderException") || (err == nil && len(out.ConfigurationRecordersStatus) == 0) {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, wrap("reading the status of the AWS Config recorder", id, err)
		}
		in = recorderStatusInputs{Name: id, IsEnabled: out.ConfigurationRecordersStatus[0].Recording}
	default:
		return nil, nil, notServed("AWS Config", typ)
	}
	inputs := encode(in)
	return inputs, inputs.Copy(), nil
}

// Delete implements Backend: DeleteConfigurationRecorder, DeleteDeliveryChannel, and for
// the status StopConfigurationRecorder; one already gone is deleted.
func (b *ConfigService) Delete(ctx context.Context, typ, id string, _ resource.PropertyMap) error {
	name := aws.String(id)
	var err error
	switch typ {
	case awstypes.ConfigRecorder:
		_, err = b.client.DeleteConfigurationRecorder(ctx, &configservice.DeleteConfigurationRecorderInput{ConfigurationRecorderName: name})
	case awstypes.ConfigDelivery:
		_, err = b.client.DeleteDeliveryChannel(ctx, &configservice.DeleteDeliveryChannelInput{DeliveryChannelName: name})
	case awstypes.ConfigRecorderStatus:
		_, err = b.client.StopConfigurationRecorder(ctx, &configservice.StopConfigurationRecorderInput{ConfigurationRecorderName: name})
	default:
		return notServed("AWS Config", typ)
	}
	if err != nil && !notFound(err, "NoSuchConfigurationRecorderException", "NoSuchDeliveryChannelException") {
		return fmt.Errorf("deleting %s %s: %w", typ, id, err)
	}
	return nil
}
