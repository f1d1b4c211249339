package awsapi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/smithy-go"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
)

// GuardDuty serves the GuardDuty detector through the GuardDuty API at the configured
// guardduty endpoint, as hashicorp/terraform-provider-aws
// internal/service/guardduty/detector.go calls it: the id is the detector id AWS answers.
type GuardDuty struct{ client *guardduty.Client }

// NewGuardDuty makes the GuardDuty backend for c, which must name the guardduty endpoint.
func NewGuardDuty(c Config) (*GuardDuty, error) {
	cfg, e, err := c.clientConfig("guardduty", "GuardDuty")
	if err != nil {
		return nil, err
	}
	return &GuardDuty{client: guardduty.NewFromConfig(cfg, func(o *guardduty.Options) { o.BaseEndpoint = aws.String(e) })}, nil
}

// Serves implements Backend.
func (b *GuardDuty) Serves(typ string) bool { return typ == awstypes.GuardDutyDetector }

// detectorInputs are a detector's inputs, by their Pulumi names.
type detectorInputs struct {
	Enable                     bool   `json:"enable"`
	FindingPublishingFrequency string `json:"findingPublishingFrequency,omitempty"`
}

// Create implements Backend: CreateDetector.
func (b *GuardDuty) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	if !b.Serves(typ) {
		return "", nil, notServed("GuardDuty", typ)
	}
	var in detectorInputs
	if err := decode(typ, inputs, &in); err != nil {
		return "", nil, err
	}
	out, err := b.client.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(in.Enable),
		FindingPublishingFrequency: gdtypes.FindingPublishingFrequency(in.FindingPublishingFrequency)})
	if err != nil {
		return "", nil, wrap("creating the GuardDuty", "detector", err)
	}
	id := aws.ToString(out.DetectorId)
	state, err := stateAfterWrite(ctx, b, typ, id, inputs)
	return id, state, err
}

// Update implements Backend: UpdateDetector with both settings.
func (b *GuardDuty) Update(ctx context.Context, typ, id string, _, news resource.PropertyMap) (resource.PropertyMap, error) {
	if !b.Serves(typ) {
		return nil, notServed("GuardDuty", typ)
	}
	var in detectorInputs
	if err := decode(typ, news, &in); err != nil {
		return nil, err
	}
	if _, err := b.client.UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: aws.String(id), Enable: aws.Bool(in.Enable),
		FindingPublishingFrequency: gdtypes.FindingPublishingFrequency(in.FindingPublishingFrequency)}); err != nil {
		return nil, wrap("updating the GuardDuty detector", id, err)
	}
	return stateAfterWrite(ctx, b, typ, id, news)
}

// Read implements Backend: GetDetector; enable is whether its status is ENABLED.
func (b *GuardDuty) Read(ctx context.Context, typ, id string, _ resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	if !b.Serves(typ) {
		return nil, nil, notServed("GuardDuty", typ)
	}
	out, err := b.client.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
	if detectorGone(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, wrap("reading the GuardDuty detector", id, err)
	}
	inputs := encode(detectorInputs{Enable: out.Status == gdtypes.DetectorStatusEnabled, FindingPublishingFrequency: string(out.FindingPublishingFrequency)})
	return inputs, inputs.Copy(), nil
}

// Delete implements Backend: DeleteDetector; one already gone is deleted.
func (b *GuardDuty) Delete(ctx context.Context, typ, id string, _ resource.PropertyMap) error {
	if !b.Serves(typ) {
		return notServed("GuardDuty", typ)
	}
	_, err := b.client.DeleteDetector(ctx, &guardduty.DeleteDetectorInput{DetectorId: aws.String(id)})
	if err != nil && !detectorGone(err) {
		return fmt.Errorf("deleting %s %s: %w", typ, id, err)
	}
	return nil
}

// detectorGone says whether err is GuardDuty's answer for a detector that does not exist,
// which detector.go recognises by its message (the code is a bare BadRequestException).
func detectorGone(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && strings.Contains(apiErr.ErrorMessage(), "input detectorId is not owned by the current account")
}
