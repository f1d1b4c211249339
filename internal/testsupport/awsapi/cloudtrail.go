package awsapi

import (
	"context"
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/awsmodel"
)

// CloudTrail serves the trail through the CloudTrail API at the configured cloudtrail
// endpoint, as hashicorp/terraform-provider-aws internal/service/cloudtrail/trail.go calls
// it (pulumi-aws v6: the id is the trail's name).
type CloudTrail struct {
	client *cloudtrail.Client
	region string
}

// NewCloudTrail makes the CloudTrail backend for c, which must name the cloudtrail endpoint.
func NewCloudTrail(c Config) (*CloudTrail, error) {
	cfg, e, err := c.clientConfig("cloudtrail", "CloudTrail")
	if err != nil {
		return nil, err
	}
	return &CloudTrail{client: cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) { o.BaseEndpoint = aws.String(e) }), region: c.Region}, nil
}

// Serves implements Backend.
func (b *CloudTrail) Serves(typ string) bool { return typ == awstypes.Trail }

// trailInputs are a trail's inputs, by their Pulumi names. The program sends every flag;
// the provider's defaults (includeGlobalServiceEvents and enableLogging true) are not
// filled in by the stand-in, so a read reports each flag as AWS holds it.
type trailInputs struct {
	Name                       string `json:"name"`
	S3BucketName               string `json:"s3BucketName"`
	S3KeyPrefix                string `json:"s3KeyPrefix,omitempty"`
	KmsKeyID                   string `json:"kmsKeyId,omitempty"`
	IncludeGlobalServiceEvents bool   `json:"includeGlobalServiceEvents"`
	IsMultiRegionTrail         bool   `json:"isMultiRegionTrail"`
	EnableLogFileValidation    bool   `json:"enableLogFileValidation"`
	EnableLogging              bool   `json:"enableLogging"`
	// AdvancedEventSelectors are written with PutEventSelectors after CreateTrail, as the
	// provider does (the S3 data events of the vaults and marked buckets).
	AdvancedEventSelectors []eventSelector `json:"advancedEventSelectors,omitempty"`
}

// eventSelector is an advanced event selector by its Pulumi names.
type eventSelector struct {
	Name           string          `json:"name,omitempty"`
	FieldSelectors []fieldSelector `json:"fieldSelectors"`
}

// fieldSelector is one condition of an advanced event selector.
type fieldSelector struct {
	Field          string   `json:"field"`
	Equals         []string `json:"equals,omitempty"`
	NotEquals      []string `json:"notEquals,omitempty"`
	StartsWiths    []string `json:"startsWiths,omitempty"`
	NotStartsWiths []string `json:"notStartsWiths,omitempty"`
	EndsWiths      []string `json:"endsWiths,omitempty"`
	NotEndsWiths   []string `json:"notEndsWiths,omitempty"`
}

// putSelectors writes a trail's advanced event selectors (PutEventSelectors).
func (b *CloudTrail) putSelectors(ctx context.Context, name string, selectors []eventSelector) error {
	req := &cloudtrail.PutEventSelectorsInput{TrailName: aws.String(name)}
	for _, s := range selectors {
		sel := cttypes.AdvancedEventSelector{Name: aws.String(s.Name)}
		for _, f := range s.FieldSelectors {
			sel.FieldSelectors = append(sel.FieldSelectors, cttypes.AdvancedFieldSelector{Field: aws.String(f.Field), Equals: f.Equals, NotEquals: f.NotEquals,
				StartsWith: f.StartsWiths, NotStartsWith: f.NotStartsWiths, EndsWith: f.EndsWiths, NotEndsWith: f.NotEndsWiths})
		}
		req.AdvancedEventSelectors = append(req.AdvancedEventSelectors, sel)
	}
	_, err := b.client.PutEventSelectors(ctx, req)
	return wrap("writing the event selectors of trail", name, err)
}

// selectors reads a trail's advanced event selectors (GetEventSelectors).
func (b *CloudTrail) selectors(ctx context.Context, name string) ([]eventSelector, error) {
	out, err := b.client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(name)})
	if err != nil {
		return nil, wrap("reading the event selectors of trail", name, err)
	}
	var selectors []eventSelector
	for _, s := range out.AdvancedEventSelectors {
		sel := eventSelector{Name: aws.ToString(s.Name)}
		for _, f := range s.FieldSelectors {
			sel.FieldSelectors = append(sel.FieldSelectors, fieldSelector{Field: aws.ToString(f.Field), Equals: f.Equals, NotEquals: f.NotEquals,
				StartsWiths: f.StartsWith, NotStartsWiths: f.NotStartsWith, EndsWiths: f.EndsWith, NotEndsWiths: f.NotEndsWith})
		}
		selectors = append(selectors, sel)
	}
	return selectors, nil
}

// Create implements Backend: CreateTrail, then StartLogging when enableLogging (AWS
// creates a trail that does not log). A trail of that name that exists is refused with
// AWS's TrailAlreadyExistsException: moto 5.2.1 overwrites it instead, so the backend
// looks first.
func (b *CloudTrail) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	var in trailInputs
	if err := b.decode(typ, inputs, &in); err != nil {
		return "", nil, err
	}
	got, err := b.get(ctx, in.Name)
	if err != nil {
		return "", nil, err
	}
	if got != nil {
		code, _ := awsmodel.CreateFailure(typ, b.region)
		return "", nil, fmt.Errorf("creating CloudTrail Trail (%s): %s: it already exists", in.Name, code)
	}
	req := &cloudtrail.CreateTrailInput{Name: aws.String(in.Name), S3BucketName: aws.String(in.S3BucketName),
		IncludeGlobalServiceEvents: aws.Bool(in.IncludeGlobalServiceEvents)}
	if in.IsMultiRegionTrail {
		req.IsMultiRegionTrail = aws.Bool(true)
	}
	if in.EnableLogFileValidation {
		req.EnableLogFileValidation = aws.Bool(true)
	}
	if in.S3KeyPrefix != "" {
		req.S3KeyPrefix = aws.String(in.S3KeyPrefix)
	}
	if in.KmsKeyID != "" {
		req.KmsKeyId = aws.String(in.KmsKeyID)
	}
	if _, err := b.client.CreateTrail(ctx, req); err != nil {
		return "", nil, wrap("creating trail", in.Name, err)
	}
	if len(in.AdvancedEventSelectors) > 0 {
		if err := b.putSelectors(ctx, in.Name, in.AdvancedEventSelectors); err != nil {
			return "", nil, err
		}
	}
	if in.EnableLogging {
		if err := b.setLogging(ctx, in.Name, true); err != nil {
			return "", nil, err
		}
	}
	state, err := stateAfterWrite(ctx, b, typ, in.Name, inputs)
	return in.Name, state, err
}

func (b *CloudTrail) decode(typ string, inputs resource.PropertyMap, in *trailInputs) error {
	if typ != awstypes.Trail {
		return fmt.Errorf("the stand-in's CloudTrail backend does not serve %s", typ)
	}
	return decode(typ, inputs, in)
}

// Update implements Backend: UpdateTrail with the settings that differ from what AWS
// holds, then StartLogging or StopLogging if that differs. A new name replaces the trail.
func (b *CloudTrail) Update(ctx context.Context, typ, id string, _, news resource.PropertyMap) (resource.PropertyMap, error) {
	var in trailInputs
	if err := b.decode(typ, news, &in); err != nil {
		return nil, err
	}
	got, err := b.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if got == nil {
		return nil, fmt.Errorf("updating trail %s: it does not exist", id)
	}
	req := &cloudtrail.UpdateTrailInput{Name: aws.String(id)}
	changed := false
	setString := func(want, have string, field **string) {
		if want != have {
			*field, changed = aws.String(want), true
		}
	}
	setBool := func(want, have bool, field **bool) {
		if want != have {
			*field, changed = aws.Bool(want), true
		}
	}
	setString(in.S3BucketName, got.S3BucketName, &req.S3BucketName)
	setString(in.S3KeyPrefix, got.S3KeyPrefix, &req.S3KeyPrefix)
	setString(in.KmsKeyID, got.KmsKeyID, &req.KmsKeyId)
	setBool(in.IncludeGlobalServiceEvents, got.IncludeGlobalServiceEvents, &req.IncludeGlobalServiceEvents)
	setBool(in.IsMultiRegionTrail, got.IsMultiRegionTrail, &req.IsMultiRegionTrail)
	setBool(in.EnableLogFileValidation, got.EnableLogFileValidation, &req.EnableLogFileValidation)
	if changed {
		if _, err := b.client.UpdateTrail(ctx, req); err != nil {
			return nil, wrap("updating trail", id, err)
		}
	}
	if !reflect.DeepEqual(in.AdvancedEventSelectors, got.AdvancedEventSelectors) {
		if err := b.putSelectors(ctx, id, in.AdvancedEventSelectors); err != nil {
			return nil, err
		}
	}
	if in.EnableLogging != got.EnableLogging {
		if err := b.setLogging(ctx, id, in.EnableLogging); err != nil {
			return nil, err
		}
	}
	return stateAfterWrite(ctx, b, typ, id, news)
}

func (b *CloudTrail) setLogging(ctx context.Context, name string, on bool) error {
	return onOff(on, name, "starting the logging of trail", "stopping the logging of trail", func() error {
		_, err := b.client.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(name)})
		return err
	}, func() error {
		_, err := b.client.StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: aws.String(name)})
		return err
	})
}

// trail is a trail as AWS holds it.
type trail struct {
	trailInputs
	arn, homeRegion string
}

// get reads a trail (GetTrail, GetTrailStatus); nil when it does not exist.
func (b *CloudTrail) get(ctx context.Context, name string) (*trail, error) {
	out, err := b.client.GetTrail(ctx, &cloudtrail.GetTrailInput{Name: aws.String(name)})
	if notFound(err, "TrailNotFoundException") {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("reading trail", name, err)
	}
	status, err := b.client.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(name)})
	if err != nil {
		return nil, wrap("reading the status of trail", name, err)
	}
	selectors, err := b.selectors(ctx, name)
	if err != nil {
		return nil, err
	}
	t := out.Trail
	return &trail{trailInputs: trailInputs{Name: aws.ToString(t.Name), S3BucketName: aws.ToString(t.S3BucketName), S3KeyPrefix: aws.ToString(t.S3KeyPrefix),
		KmsKeyID: aws.ToString(t.KmsKeyId), IncludeGlobalServiceEvents: aws.ToBool(t.IncludeGlobalServiceEvents), IsMultiRegionTrail: aws.ToBool(t.IsMultiRegionTrail),
		EnableLogFileValidation: aws.ToBool(t.LogFileValidationEnabled), EnableLogging: aws.ToBool(status.IsLogging), AdvancedEventSelectors: selectors},
		arn: aws.ToString(t.TrailARN), homeRegion: aws.ToString(t.HomeRegion)}, nil
}

// Read implements Backend.
func (b *CloudTrail) Read(ctx context.Context, typ, id string, _ resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	if typ != awstypes.Trail {
		return nil, nil, fmt.Errorf("the stand-in's CloudTrail backend does not serve %s", typ)
	}
	got, err := b.get(ctx, id)
	if err != nil || got == nil {
		return nil, nil, err
	}
	inputs := encode(got.trailInputs)
	state := inputs.Copy()
	state["arn"] = resource.NewProperty(got.arn)
	if got.homeRegion != "" {
		state["homeRegion"] = resource.NewProperty(got.homeRegion)
	}
	return inputs, state, nil
}

// Delete implements Backend.
func (b *CloudTrail) Delete(ctx context.Context, typ, id string, _ resource.PropertyMap) error {
	if typ != awstypes.Trail {
		return fmt.Errorf("the stand-in's CloudTrail backend does not serve %s", typ)
	}
	_, err := b.client.DeleteTrail(ctx, &cloudtrail.DeleteTrailInput{Name: aws.String(id)})
	if err != nil && !notFound(err, "TrailNotFoundException") {
		return fmt.Errorf("deleting %s %s: %w", typ, id, err)
	}
	return nil
}
