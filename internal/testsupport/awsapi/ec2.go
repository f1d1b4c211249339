package awsapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/ec2query"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
)

// EC2 serves EBS encryption by default, a setting of the provider's region, through EC2's
// Query API at the configured ec2 endpoint, as hashicorp/terraform-provider-aws
// internal/service/ec2/ebs_encryption_by_default.go calls it: Enable or
// DisableEbsEncryptionByDefault as enabled says, GetEbsEncryptionByDefault to read, and
// a delete disables it; the id is one the provider makes up. Its three calls, each a form
// with an Action and no other parameter, are signed (SigV4, as the SDK signs) and sent
// here rather than through the SDK's service/ec2, whose 31 MB of source takes minutes to
// compile from an empty build cache (docs/performance.md) for one boolean.
type EC2 struct {
	cfg      aws.Config
	endpoint string
}

// NewEC2 makes the EC2 backend for c, which must name the ec2 endpoint.
func NewEC2(c Config) (*EC2, error) {
	cfg, e, err := c.clientConfig("ec2", "EC2")
	if err != nil {
		return nil, err
	}
	return &EC2{cfg: cfg, endpoint: e}, nil
}

// Serves implements Backend.
func (b *EC2) Serves(typ string) bool { return typ == awstypes.EBSEncryptionByDefault }

// ec2APIVersion is the version of EC2's Query API every request names.
const ec2APIVersion = "2016-11-15"

// call sends action to EC2 and returns whether EBS encryption by default is on in the
// region after it (each of the three actions answers ebsEncryptionByDefault). AWS's
// refusal is a smithy.APIError with EC2's code, as the SDK returns it. Unlike the SDK's
// clients it does not retry: the emulator it talks to neither throttles nor fails for a
// while.
func (b *EC2) call(ctx context.Context, action string) (bool, error) {
	body := url.Values{"Action": {action}, "Version": {ec2APIVersion}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(b.endpoint, "/")+"/", strings.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	creds, err := b.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return false, err
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ec2", b.cfg.Region, time.Now()); err != nil {
		return false, err
	}
	resp, err := b.cfg.HTTPClient.Do(req)
	if err != nil {
		return false, fmt.Errorf("EC2 %s: %w", action, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return false, fmt.Errorf("EC2 %s: %w", action, err)
	}
	if resp.StatusCode >= 300 {
		e, err := ec2query.GetErrorResponseComponents(bytes.NewReader(answer))
		if err != nil || e.Code == "" {
			return false, fmt.Errorf("EC2 %s: %s: %s", action, resp.Status, answer)
		}
		return false, fmt.Errorf("EC2 %s: %w", action, &smithy.GenericAPIError{Code: e.Code, Message: e.Message})
	}
	var out struct {
		Enabled *bool `xml:"ebsEncryptionByDefault"`
	}
	if err := xml.Unmarshal(answer, &out); err != nil || out.Enabled == nil {
		return false, fmt.Errorf("EC2 %s: no ebsEncryptionByDefault in its answer %s", action, answer)
	}
	return *out.Enabled, nil
}

// ebsInputs are EBS encryption by default's inputs, by their Pulumi names: enabled is
// optional, and on when left out, as the provider's schema defaults it.
type ebsInputs struct {
	Enabled *bool `json:"enabled"`
}

// set turns EBS encryption by default on or off as inputs say.
func (b *EC2) set(ctx context.Context, typ string, inputs resource.PropertyMap) error {
	if !b.Serves(typ) {
		return notServed("EC2", typ)
	}
	var in ebsInputs
	if err := decode(typ, inputs, &in); err != nil {
		return err
	}
	enable := in.Enabled == nil || *in.Enabled
	action := map[bool]string{true: "EnableEbsEncryptionByDefault", false: "DisableEbsEncryptionByDefault"}[enable]
	on, err := b.call(ctx, action)
	if err == nil && on != enable {
		err = fmt.Errorf("EC2 %s answered ebsEncryptionByDefault %v", action, on)
	}
	return wrap("setting EBS encryption by default in", b.cfg.Region, err)
}

// Create implements Backend: the id is made up, as the provider's id.UniqueId() makes it.
func (b *EC2) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	if err := b.set(ctx, typ, inputs); err != nil {
		return "", nil, err
	}
	id := prefixedUniqueID("terraform-")
	state, err := stateAfterWrite(ctx, b, typ, id, inputs)
	return id, state, err
}

// Update implements Backend.
func (b *EC2) Update(ctx context.Context, typ, id string, _, news resource.PropertyMap) (resource.PropertyMap, error) {
	if err := b.set(ctx, typ, news); err != nil {
		return nil, err
	}
	return stateAfterWrite(ctx, b, typ, id, news)
}

// Read implements Backend: the region's setting, whatever the id (a region always has
// one).
func (b *EC2) Read(ctx context.Context, typ, _ string, _ resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	if !b.Serves(typ) {
		return nil, nil, notServed("EC2", typ)
	}
	on, err := b.call(ctx, "GetEbsEncryptionByDefault")
	if err != nil {
		return nil, nil, wrap("reading EBS encryption by default in", b.cfg.Region, err)
	}
	inputs := encode(ebsInputs{Enabled: &on})
	return inputs, inputs.Copy(), nil
}

// Delete implements Backend: as the provider's delete, it turns the setting off.
func (b *EC2) Delete(ctx context.Context, typ, _ string, _ resource.PropertyMap) error {
	return b.set(ctx, typ, encode(ebsInputs{Enabled: new(bool)}))
}
