package awsapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
)

// KMS serves the customer managed key through the KMS API at the configured kms endpoint,
// as hashicorp/terraform-provider-aws internal/service/kms/key.go calls it (the id is the
// key's id, a UUID AWS chooses).
type KMS struct{ client *kms.Client }

// NewKMS makes the KMS backend for c, which must name the kms endpoint.
func NewKMS(c Config) (*KMS, error) {
	cfg, e, err := c.clientConfig("kms", "KMS")
	if err != nil {
		return nil, err
	}
	return &KMS{client: kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = aws.String(e) })}, nil
}

// Serves implements Backend.
func (b *KMS) Serves(typ string) bool { return typ == awstypes.KMSKey }

// keyInputs are a key's inputs, by their Pulumi names. deletionWindowInDays is the
// provider's own setting for the delete (ScheduleKeyDeletion): AWS never reports it.
type keyInputs struct {
	Description          string `json:"description,omitempty"`
	Policy               string `json:"policy,omitempty"`
	EnableKeyRotation    bool   `json:"enableKeyRotation"`
	DeletionWindowInDays int32  `json:"deletionWindowInDays,omitempty"`
}

func (b *KMS) decode(typ string, inputs resource.PropertyMap, in *keyInputs) error {
	if !b.Serves(typ) {
		return notServed("KMS", typ)
	}
	return decode(typ, inputs, in)
}

// Create implements Backend: CreateKey with the description and the policy (a symmetric
// encryption key, the provider's defaults), then EnableKeyRotation when asked.
func (b *KMS) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	var in keyInputs
	if err := b.decode(typ, inputs, &in); err != nil {
		return "", nil, err
	}
	req := &kms.CreateKeyInput{KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt, KeySpec: kmstypes.KeySpecSymmetricDefault}
	if in.Description != "" {
		req.Description = aws.String(in.Description)
	}
	if in.Policy != "" {
		req.Policy = aws.String(in.Policy)
	}
	out, err := b.client.CreateKey(ctx, req)
	if err != nil {
		return "", nil, fmt.Errorf("creating KMS key: %w", err)
	}
	id := aws.ToString(out.KeyMetadata.KeyId)
	if in.EnableKeyRotation {
		if err := b.setRotation(ctx, id, true); err != nil {
			return "", nil, err
		}
	}
	state, err := stateAfterWrite(ctx, b, typ, id, inputs)
	return id, state, err
}

func (b *KMS) setRotation(ctx context.Context, id string, on bool) error {
	return onOff(on, id, "enabling the rotation of KMS key", "disabling the rotation of KMS key", func() error {
		_, err := b.client.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(id)})
		return err
	}, func() error {
		_, err := b.client.DisableKeyRotation(ctx, &kms.DisableKeyRotationInput{KeyId: aws.String(id)})
		return err
	})
}

// kmsKey is a key as AWS holds it.
type kmsKey struct {
	keyInputs
	arn string
}

// get reads a key (DescribeKey, GetKeyPolicy, GetKeyRotationStatus); nil when it does not
// exist or is pending deletion, which the provider counts as gone.
func (b *KMS) get(ctx context.Context, id string) (*kmsKey, error) {
	out, err := b.client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if notFound(err, "NotFoundException") {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("reading KMS key", id, err)
	}
	meta := out.KeyMetadata
	if meta.KeyState == kmstypes.KeyStatePendingDeletion {
		return nil, nil
	}
	policy, err := b.client.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default")})
	if err != nil {
		return nil, wrap("reading the policy of KMS key", id, err)
	}
	rotation, err := b.client.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(id)})
	if err != nil {
		return nil, wrap("reading the rotation of KMS key", id, err)
	}
	return &kmsKey{keyInputs: keyInputs{Description: aws.ToString(meta.Description), Policy: aws.ToString(policy.Policy),
		EnableKeyRotation: rotation.KeyRotationEnabled}, arn: aws.ToString(meta.Arn)}, nil
}

// Read implements Backend. The policy keeps the program's spelling where it is the same
// document.
func (b *KMS) Read(ctx context.Context, typ, id string, olds resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	if !b.Serves(typ) {
		return nil, nil, notServed("KMS", typ)
	}
	got, err := b.get(ctx, id)
	if err != nil || got == nil {
		return nil, nil, err
	}
	got.Policy = keepSpelling(olds["policy"], got.Policy)
	inputs := encode(got.keyInputs)
	state := inputs.Copy()
	state["arn"] = resource.NewProperty(got.arn)
	state["keyId"] = resource.NewProperty(id)
	return inputs, state, nil
}

// Update implements Backend: UpdateKeyDescription, PutKeyPolicy and Enable- or
// DisableKeyRotation for what differs from what AWS holds.
func (b *KMS) Update(ctx context.Context, typ, id string, _, news resource.PropertyMap) (resource.PropertyMap, error) {
	var in keyInputs
	if err := b.decode(typ, news, &in); err != nil {
		return nil, err
	}
	got, err := b.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if got == nil {
		return nil, fmt.Errorf("updating KMS key %s: it does not exist", id)
	}
	if in.Description != got.Description {
		if _, err := b.client.UpdateKeyDescription(ctx, &kms.UpdateKeyDescriptionInput{KeyId: aws.String(id), Description: aws.String(in.Description)}); err != nil {
			return nil, wrap("updating the description of KMS key", id, err)
		}
	}
	if in.Policy != "" && !samePolicy(in.Policy, got.Policy) {
		if _, err := b.client.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default"), Policy: aws.String(in.Policy)}); err != nil {
			return nil, wrap("putting the policy of KMS key", id, err)
		}
	}
	if in.EnableKeyRotation != got.EnableKeyRotation {
		if err := b.setRotation(ctx, id, in.EnableKeyRotation); err != nil {
			return nil, err
		}
	}
	return stateAfterWrite(ctx, b, typ, id, news)
}

// Delete implements Backend: AWS deletes a key only after a waiting period
// (ScheduleKeyDeletion, deletionWindowInDays, AWS's 30 when unset); a key already gone is
// deleted.
func (b *KMS) Delete(ctx context.Context, typ, id string, olds resource.PropertyMap) error {
	var in keyInputs
	if err := b.decode(typ, olds, &in); err != nil {
		return err
	}
	req := &kms.ScheduleKeyDeletionInput{KeyId: aws.String(id)}
	if in.DeletionWindowInDays > 0 {
		req.PendingWindowInDays = aws.Int32(in.DeletionWindowInDays)
	}
	_, err := b.client.ScheduleKeyDeletion(ctx, req)
	if err != nil && !notFound(err, "NotFoundException") {
		return fmt.Errorf("deleting %s %s: %w", typ, id, err)
	}
	return nil
}
