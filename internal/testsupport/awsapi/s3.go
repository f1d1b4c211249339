package awsapi

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/awsmodel"
)

// S3Types are the resource types the S3 backend serves: every S3 type the program creates.
var S3Types = []string{
	awstypes.Bucket, awstypes.Versioning, awstypes.Encryption, awstypes.Ownership,
	awstypes.PublicAccessBlock, awstypes.BucketPolicy, awstypes.Lifecycle, awstypes.ObjectLock,
	awstypes.AccountPublicAccess, awstypes.BucketLogging,
}

// S3 serves S3Types through the S3 and S3 Control APIs at the configured endpoints.
type S3 struct {
	s3        *s3.Client
	control   *s3control.Client
	region    string
	partition string
}

// NewS3 makes the S3 backend for c, which must name the s3 endpoint; the account-level
// public access block also needs s3control.
func NewS3(c Config) (*S3, error) {
	if c.Endpoints["s3"] == "" {
		return nil, fmt.Errorf("endpoints: the stand-in's AWS backend needs an s3 endpoint (it has %v)", c.Endpoints)
	}
	cfg, err := c.awsConfig()
	if err != nil {
		return nil, err
	}
	b := &S3{region: c.Region, partition: c.Partition}
	b.s3 = s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(c.Endpoints["s3"])
		o.UsePathStyle = c.S3UsePathStyle
	})
	if e := c.Endpoints["s3control"]; e != "" {
		b.control = s3control.NewFromConfig(cfg, func(o *s3control.Options) { o.BaseEndpoint = aws.String(e) })
	}
	return b, nil
}

// Serves implements Backend.
func (b *S3) Serves(typ string) bool { return slices.Contains(S3Types, typ) }

// The inputs of each type, by their Pulumi names. Only what is set is written back, so
// that what is read equals what the program sent.
type (
	bucketInputs struct {
		Bucket string `json:"bucket"`
	}
	versioningInputs struct {
		Bucket                  string `json:"bucket"`
		VersioningConfiguration struct {
			Status    string `json:"status"`
			MfaDelete string `json:"mfaDelete,omitempty"`
		} `json:"versioningConfiguration"`
	}
	encryptionInputs struct {
		Bucket string           `json:"bucket"`
		Rules  []encryptionRule `json:"rules"`
	}
	encryptionRule struct {
		ApplyServerSideEncryptionByDefault *struct {
			SseAlgorithm   string `json:"sseAlgorithm"`
			KmsMasterKeyID string `json:"kmsMasterKeyId,omitempty"`
		} `json:"applyServerSideEncryptionByDefault,omitempty"`
		BucketKeyEnabled bool `json:"bucketKeyEnabled,omitempty"`
	}
	ownershipInputs struct {
		Bucket string `json:"bucket"`
		Rule   struct {
			ObjectOwnership string `json:"objectOwnership"`
		} `json:"rule"`
	}
	publicAccessInputs struct {
		Bucket                string `json:"bucket,omitempty"`
		AccountID             string `json:"accountId,omitempty"`
		BlockPublicAcls       bool   `json:"blockPublicAcls"`
		BlockPublicPolicy     bool   `json:"blockPublicPolicy"`
		IgnorePublicAcls      bool   `json:"ignorePublicAcls"`
		RestrictPublicBuckets bool   `json:"restrictPublicBuckets"`
	}
	policyInputs struct {
		Bucket string `json:"bucket"`
		Policy string `json:"policy"`
	}
	lifecycleInputs struct {
		Bucket                             string          `json:"bucket"`
		Rules                              []lifecycleRule `json:"rules"`
		TransitionDefaultMinimumObjectSize string          `json:"transitionDefaultMinimumObjectSize,omitempty"`
	}
	lifecycleRule struct {
		ID     string  `json:"id"`
		Status string  `json:"status"`
		Prefix *string `json:"prefix,omitempty"`
		Filter *struct {
			Prefix *string `json:"prefix,omitempty"`
			Tag    *struct {
				Key   string `json:"key"`
				Value string `json:"value"`
			} `json:"tag,omitempty"`
		} `json:"filter,omitempty"`
		Expiration *struct {
			Days                      int  `json:"days,omitempty"`
			ExpiredObjectDeleteMarker bool `json:"expiredObjectDeleteMarker,omitempty"`
		} `json:"expiration,omitempty"`
		Transitions []struct {
			Days         int    `json:"days,omitempty"`
			StorageClass string `json:"storageClass"`
		} `json:"transitions,omitempty"`
		NoncurrentVersionExpiration *struct {
			NoncurrentDays          int `json:"noncurrentDays"`
			NewerNoncurrentVersions int `json:"newerNoncurrentVersions,omitempty"`
		} `json:"noncurrentVersionExpiration,omitempty"`
		NoncurrentVersionTransitions []struct {
			NoncurrentDays          int    `json:"noncurrentDays"`
			NewerNoncurrentVersions int    `json:"newerNoncurrentVersions,omitempty"`
			StorageClass            string `json:"storageClass"`
		} `json:"noncurrentVersionTransitions,omitempty"`
		AbortIncompleteMultipartUpload *struct {
			DaysAfterInitiation int `json:"daysAfterInitiation"`
		} `json:"abortIncompleteMultipartUpload,omitempty"`
	}
	loggingInputs struct {
		Bucket       string `json:"bucket"`
		TargetBucket string `json:"targetBucket"`
		TargetPrefix string `json:"targetPrefix"`
	}
	objectLockInputs struct {
		Bucket            string `json:"bucket"`
		ObjectLockEnabled string `json:"objectLockEnabled,omitempty"`
		Rule              *struct {
			DefaultRetention struct {
				Mode  string `json:"mode,omitempty"`
				Days  int    `json:"days,omitempty"`
				Years int    `json:"years,omitempty"`
			} `json:"defaultRetention"`
		} `json:"rule,omitempty"`
	}
)

// Create implements Backend. Every S3 type is identified by its bucket's name (the
// account block by the account id), as the provider identifies it.
func (b *S3) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	id, err := b.put(ctx, typ, inputs, true)
	if err != nil {
		return "", nil, err
	}
	state, err := stateAfterWrite(ctx, b, typ, id, inputs)
	return id, state, err
}

// Update implements Backend: every S3 type but the bucket is a "put" of its whole
// configuration; a bucket has nothing the program updates in place.
func (b *S3) Update(ctx context.Context, typ, id string, _, news resource.PropertyMap) (resource.PropertyMap, error) {
	if _, err := b.put(ctx, typ, news, false); err != nil {
		return nil, err
	}
	return stateAfterWrite(ctx, b, typ, id, news)
}

// put writes the resource's whole configuration and returns its id.
func (b *S3) put(ctx context.Context, typ string, inputs resource.PropertyMap, create bool) (string, error) {
	switch typ {
	case awstypes.Bucket:
		var in bucketInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		if !create {
			return in.Bucket, nil
		}
		if code, _ := awsmodel.CreateFailure(typ, b.region); code == "BucketAlreadyExists" {
			// S3 would answer 200 OK here; the provider looks first (awsmodel.CreateFailure).
			_, err := b.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(in.Bucket)})
			if err == nil {
				return "", fmt.Errorf("creating S3 Bucket (%s): %s", in.Bucket, code)
			}
			if !notFound(err) {
				return "", wrap("looking for bucket", in.Bucket, err)
			}
		}
		req := &s3.CreateBucketInput{Bucket: aws.String(in.Bucket)}
		if b.region != "" && b.region != "us-east-1" {
			req.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(b.region)}
		}
		_, err := b.s3.CreateBucket(ctx, req)
		return in.Bucket, wrap("creating bucket", in.Bucket, err)
	case awstypes.Versioning:
		var in versioningInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		conf := &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatus(in.VersioningConfiguration.Status)}
		if in.VersioningConfiguration.MfaDelete != "" {
			conf.MFADelete = s3types.MFADelete(in.VersioningConfiguration.MfaDelete)
		}
		_, err := b.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(in.Bucket), VersioningConfiguration: conf})
		return in.Bucket, wrap("putting the versioning of", in.Bucket, err)
	case awstypes.Encryption:
		var in encryptionInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		conf := &s3types.ServerSideEncryptionConfiguration{}
		for _, r := range in.Rules {
			var rule s3types.ServerSideEncryptionRule
			if r.BucketKeyEnabled {
				rule.BucketKeyEnabled = aws.Bool(true)
			}
			if d := r.ApplyServerSideEncryptionByDefault; d != nil {
				rule.ApplyServerSideEncryptionByDefault = &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryption(d.SseAlgorithm)}
				if d.KmsMasterKeyID != "" {
					rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID = aws.String(d.KmsMasterKeyID)
				}
			}
			conf.Rules = append(conf.Rules, rule)
		}
		_, err := b.s3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(in.Bucket), ServerSideEncryptionConfiguration: conf})
		return in.Bucket, wrap("putting the encryption of", in.Bucket, err)
	case awstypes.Ownership:
		var in ownershipInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		_, err := b.s3.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(in.Bucket),
			OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnership(in.Rule.ObjectOwnership)}}}})
		return in.Bucket, wrap("putting the ownership controls of", in.Bucket, err)
	case awstypes.PublicAccessBlock:
		var in publicAccessInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		_, err := b.s3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(in.Bucket),
			PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(in.BlockPublicAcls),
				BlockPublicPolicy: aws.Bool(in.BlockPublicPolicy), IgnorePublicAcls: aws.Bool(in.IgnorePublicAcls), RestrictPublicBuckets: aws.Bool(in.RestrictPublicBuckets)}})
		return in.Bucket, wrap("putting the public access block of", in.Bucket, err)
	case awstypes.BucketPolicy:
		var in policyInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		_, err := b.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(in.Bucket), Policy: aws.String(in.Policy)})
		return in.Bucket, wrap("putting the policy of", in.Bucket, err)
	case awstypes.Lifecycle:
		var in lifecycleInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		req := &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(in.Bucket),
			LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: lifecycleToAPI(in.Rules)}}
		if in.TransitionDefaultMinimumObjectSize != "" {
			req.TransitionDefaultMinimumObjectSize = s3types.TransitionDefaultMinimumObjectSize(in.TransitionDefaultMinimumObjectSize)
		}
		_, err := b.s3.PutBucketLifecycleConfiguration(ctx, req)
		return in.Bucket, wrap("putting the lifecycle of", in.Bucket, err)
	case awstypes.ObjectLock:
		var in objectLockInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		conf := &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled}
		if r := in.Rule; r != nil {
			d := &s3types.DefaultRetention{Mode: s3types.ObjectLockRetentionMode(r.DefaultRetention.Mode)}
			if r.DefaultRetention.Days > 0 {
				d.Days = aws.Int32(int32(r.DefaultRetention.Days))
			}
			if r.DefaultRetention.Years > 0 {
				d.Years = aws.Int32(int32(r.DefaultRetention.Years))
			}
			conf.Rule = &s3types.ObjectLockRule{DefaultRetention: d}
		}
		_, err := b.s3.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(in.Bucket), ObjectLockConfiguration: conf})
		return in.Bucket, wrap("putting the object lock configuration of", in.Bucket, err)
	case awstypes.BucketLogging:
		var in loggingInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		_, err := b.s3.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String(in.Bucket), BucketLoggingStatus: &s3types.BucketLoggingStatus{
			LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String(in.TargetBucket), TargetPrefix: aws.String(in.TargetPrefix)}}})
		return in.Bucket, wrap("putting the server access logging of", in.Bucket, err)
	case awstypes.AccountPublicAccess:
		var in publicAccessInputs
		if err := decode(typ, inputs, &in); err != nil {
			return "", err
		}
		if b.control == nil {
			return "", fmt.Errorf("endpoints: %s needs an s3control endpoint", typ)
		}
		_, err := b.control.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(in.AccountID),
			PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(in.BlockPublicAcls),
				BlockPublicPolicy: aws.Bool(in.BlockPublicPolicy), IgnorePublicAcls: aws.Bool(in.IgnorePublicAcls), RestrictPublicBuckets: aws.Bool(in.RestrictPublicBuckets)}})
		return in.AccountID, wrap("putting the public access block of account", in.AccountID, err)
	}
	return "", fmt.Errorf("the stand-in's S3 backend does not serve %s", typ)
}

func wrap(what, name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %s: %w", what, name, err)
}

// Read implements Backend.
func (b *S3) Read(ctx context.Context, typ, id string, olds resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	in, err := b.get(ctx, typ, id)
	if err != nil || in == nil {
		return nil, nil, err
	}
	inputs := encode(in)
	if old, now := olds["policy"], inputs["policy"]; typ == awstypes.BucketPolicy && old.IsString() && samePolicy(old.StringValue(), now.StringValue()) {
		inputs["policy"] = old
	}
	state := inputs.Copy()
	switch typ {
	case awstypes.Bucket:
		// The provider forms these from the name as well: S3 reports no ARN.
		state["arn"] = resource.NewProperty("arn:" + b.partition + ":s3:::" + id)
		state["bucketDomainName"] = resource.NewProperty(id + ".s3.amazonaws.com")
	case awstypes.AccountPublicAccess:
		state["accountId"] = resource.NewProperty(id)
	}
	return inputs, state, nil
}

// get reads what AWS holds for id in the shape of typ's inputs; nil when it does not exist.
func (b *S3) get(ctx context.Context, typ, id string) (any, error) {
	bucket := aws.String(id)
	switch typ {
	case awstypes.Bucket:
		_, err := b.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: bucket})
		if notFound(err) {
			return nil, nil
		}
		return &bucketInputs{Bucket: id}, wrap("reading bucket", id, err)
	case awstypes.Versioning:
		out, err := b.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket})
		if notFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, wrap("reading the versioning of", id, err)
		}
		in := &versioningInputs{Bucket: id}
		// A bucket never versioned reports no status, as the provider reads it.
		in.VersioningConfiguration.Status = string(out.Status)
		if in.VersioningConfiguration.Status == "" {
			in.VersioningConfiguration.Status = "Disabled"
		}
		if out.MFADelete != "" && out.MFADelete != s3types.MFADeleteStatusDisabled {
			in.VersioningConfiguration.MfaDelete = string(out.MFADelete)
		}
		return in, nil
	case awstypes.Encryption:
		out, err := b.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: bucket})
		if notFound(err, "ServerSideEncryptionConfigurationNotFoundError") {
			return nil, nil
		}
		if err != nil {
			return nil, wrap("reading the encryption of", id, err)
		}
		in := &encryptionInputs{Bucket: id}
		for _, r := range out.ServerSideEncryptionConfiguration.Rules {
			var rule encryptionRule
			rule.BucketKeyEnabled = aws.ToBool(r.BucketKeyEnabled)
			if d := r.ApplyServerSideEncryptionByDefault; d != nil {
				rule.ApplyServerSideEncryptionByDefault = &struct {
					SseAlgorithm   string `json:"sseAlgorithm"`
					KmsMasterKeyID string `json:"kmsMasterKeyId,omitempty"`
				}{SseAlgorithm: string(d.SSEAlgorithm), KmsMasterKeyID: aws.ToString(d.KMSMasterKeyID)}
			}
			in.Rules = append(in.Rules, rule)
		}
		return in, nil
	case awstypes.Ownership:
		out, err := b.s3.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: bucket})
		if notFound(err, "OwnershipControlsNotFoundError") {
			return nil, nil
		}
		if err != nil {
			return nil, wrap("reading the ownership controls of", id, err)
		}
		in := &ownershipInputs{Bucket: id}
		if rules := out.OwnershipControls.Rules; len(rules) > 0 {
			in.Rule.ObjectOwnership = string(rules[0].ObjectOwnership)
		}
		return in, nil
	case awstypes.PublicAccessBlock:
		out, err := b.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: bucket})
		if notFound(err, "NoSuchPublicAccessBlockConfiguration") {
			return nil, nil
		}
		if err != nil {
			return nil, wrap("reading the public access block of", id, err)
		}
		c := out.PublicAccessBlockConfiguration
		return &publicAccessInputs{Bucket: id, BlockPublicAcls: aws.ToBool(c.BlockPublicAcls), BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy),
			IgnorePublicAcls: aws.ToBool(c.IgnorePublicAcls), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets)}, nil
	case awstypes.BucketPolicy:
		out, err := b.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket})
		if notFound(err, "NoSuchBucketPolicy") {
			return nil, nil
		}
		return &policyInputs{Bucket: id, Policy: aws.ToString(out.Policy)}, wrap("reading the policy of", id, err)
	case awstypes.Lifecycle:
		out, err := b.s3.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bucket})
		if notFound(err, "NoSuchLifecycleConfiguration") {
			return nil, nil
		}
		if err != nil {
			return nil, wrap("reading the lifecycle of", id, err)
		}
		return &lifecycleInputs{Bucket: id, Rules: lifecycleFromAPI(out.Rules), TransitionDefaultMinimumObjectSize: string(out.TransitionDefaultMinimumObjectSize)}, nil
	case awstypes.ObjectLock:
		out, err := b.s3.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: bucket})
		if notFound(err, "ObjectLockConfigurationNotFoundError") {
			return nil, nil
		}
		if err != nil {
			return nil, wrap("reading the object lock configuration of", id, err)
		}
		in := &objectLockInputs{Bucket: id, ObjectLockEnabled: string(out.ObjectLockConfiguration.ObjectLockEnabled)}
		if r := out.ObjectLockConfiguration.Rule; r != nil && r.DefaultRetention != nil {
			in.Rule = &struct {
				DefaultRetention struct {
					Mode  string `json:"mode,omitempty"`
					Days  int    `json:"days,omitempty"`
					Years int    `json:"years,omitempty"`
				} `json:"defaultRetention"`
			}{}
			in.Rule.DefaultRetention.Mode = string(r.DefaultRetention.Mode)
			in.Rule.DefaultRetention.Days = int(aws.ToInt32(r.DefaultRetention.Days))
			in.Rule.DefaultRetention.Years = int(aws.ToInt32(r.DefaultRetention.Years))
		}
		return in, nil
	case awstypes.BucketLogging:
		out, err := b.s3.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: bucket})
		if notFound(err) || (err == nil && out.LoggingEnabled == nil) {
			return nil, nil // logging turned off is no resource, as the provider reads it
		}
		if err != nil {
			return nil, wrap("reading the server access logging of", id, err)
		}
		return &loggingInputs{Bucket: id, TargetBucket: aws.ToString(out.LoggingEnabled.TargetBucket), TargetPrefix: aws.ToString(out.LoggingEnabled.TargetPrefix)}, nil
	case awstypes.AccountPublicAccess:
		if b.control == nil {
			return nil, fmt.Errorf("endpoints: %s needs an s3control endpoint", typ)
		}
		out, err := b.control.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(id)})
		if notFound(err, "NoSuchPublicAccessBlockConfiguration") {
			return nil, nil
		}
		if err != nil {
			return nil, wrap("reading the public access block of account", id, err)
		}
		c := out.PublicAccessBlockConfiguration
		return &publicAccessInputs{AccountID: id, BlockPublicAcls: aws.ToBool(c.BlockPublicAcls), BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy),
			IgnorePublicAcls: aws.ToBool(c.IgnorePublicAcls), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets)}, nil
	}
	return nil, fmt.Errorf("the stand-in's S3 backend does not serve %s", typ)
}

// Delete implements Backend, as the provider deletes: deleting the versioning resource
// suspends versioning (a bucket once versioned never returns to unversioned), and deleting
// the Object Lock configuration removes its default retention (Object Lock itself can
// never be turned off), and deleting the logging resource turns server access logging off.
func (b *S3) Delete(ctx context.Context, typ, id string, _ resource.PropertyMap) error {
	bucket := aws.String(id)
	var err error
	switch typ {
	case awstypes.Bucket:
		_, err = b.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket})
	case awstypes.Versioning:
		_, err = b.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}})
	case awstypes.Encryption:
		_, err = b.s3.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: bucket})
	case awstypes.Ownership:
		_, err = b.s3.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: bucket})
	case awstypes.PublicAccessBlock:
		_, err = b.s3.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: bucket})
	case awstypes.BucketPolicy:
		_, err = b.s3.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: bucket})
	case awstypes.Lifecycle:
		_, err = b.s3.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: bucket})
	case awstypes.ObjectLock:
		_, err = b.s3.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: bucket,
			ObjectLockConfiguration: &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled}})
	case awstypes.BucketLogging:
		_, err = b.s3.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: bucket, BucketLoggingStatus: &s3types.BucketLoggingStatus{}})
	case awstypes.AccountPublicAccess:
		if b.control == nil {
			return fmt.Errorf("endpoints: %s needs an s3control endpoint", typ)
		}
		_, err = b.control.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: aws.String(id)})
	default:
		return fmt.Errorf("the stand-in's S3 backend does not serve %s", typ)
	}
	if err != nil && !notFound(err) {
		return fmt.Errorf("deleting %s %s: %w", typ, id, err)
	}
	return nil
}

// lifecycleToAPI converts the program's rules to the API's.
func lifecycleToAPI(rules []lifecycleRule) []s3types.LifecycleRule {
	int32p := func(n int) *int32 {
		if n == 0 {
			return nil
		}
		return aws.Int32(int32(n))
	}
	var out []s3types.LifecycleRule
	for _, r := range rules {
		rule := s3types.LifecycleRule{ID: aws.String(r.ID), Status: s3types.ExpirationStatus(r.Status), Prefix: r.Prefix}
		if f := r.Filter; f != nil {
			rule.Filter = &s3types.LifecycleRuleFilter{Prefix: f.Prefix}
			if t := f.Tag; t != nil {
				rule.Filter.Tag = &s3types.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)}
			}
		}
		if e := r.Expiration; e != nil {
			rule.Expiration = &s3types.LifecycleExpiration{Days: int32p(e.Days)}
			if e.ExpiredObjectDeleteMarker {
				rule.Expiration.ExpiredObjectDeleteMarker = aws.Bool(true)
			}
		}
		for _, t := range r.Transitions {
			rule.Transitions = append(rule.Transitions, s3types.Transition{Days: int32p(t.Days), StorageClass: s3types.TransitionStorageClass(t.StorageClass)})
		}
		if e := r.NoncurrentVersionExpiration; e != nil {
			rule.NoncurrentVersionExpiration = &s3types.NoncurrentVersionExpiration{NoncurrentDays: int32p(e.NoncurrentDays), NewerNoncurrentVersions: int32p(e.NewerNoncurrentVersions)}
		}
		for _, t := range r.NoncurrentVersionTransitions {
			rule.NoncurrentVersionTransitions = append(rule.NoncurrentVersionTransitions, s3types.NoncurrentVersionTransition{
				NoncurrentDays: int32p(t.NoncurrentDays), NewerNoncurrentVersions: int32p(t.NewerNoncurrentVersions), StorageClass: s3types.TransitionStorageClass(t.StorageClass)})
		}
		if a := r.AbortIncompleteMultipartUpload; a != nil {
			rule.AbortIncompleteMultipartUpload = &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: int32p(a.DaysAfterInitiation)}
		}
		out = append(out, rule)
	}
	return out
}

// lifecycleFromAPI converts the API's rules to the program's shape, the inverse of
// lifecycleToAPI: what the API leaves out (or reports as zero) stays out.
func lifecycleFromAPI(rules []s3types.LifecycleRule) []lifecycleRule {
	out := make([]lifecycleRule, 0, len(rules))
	for _, r := range rules {
		m := map[string]any{"id": aws.ToString(r.ID), "status": string(r.Status)}
		if r.Prefix != nil {
			m["prefix"] = *r.Prefix
		}
		if f := r.Filter; f != nil {
			fm := map[string]any{}
			if f.Prefix != nil {
				fm["prefix"] = *f.Prefix
			}
			if f.Tag != nil {
				fm["tag"] = map[string]any{"key": aws.ToString(f.Tag.Key), "value": aws.ToString(f.Tag.Value)}
			}
			m["filter"] = fm
		}
		if e := r.Expiration; e != nil && (aws.ToInt32(e.Days) > 0 || aws.ToBool(e.ExpiredObjectDeleteMarker)) {
			m["expiration"] = map[string]any{"days": aws.ToInt32(e.Days), "expiredObjectDeleteMarker": aws.ToBool(e.ExpiredObjectDeleteMarker)}
		}
		var ts []any
		for _, t := range r.Transitions {
			ts = append(ts, map[string]any{"days": aws.ToInt32(t.Days), "storageClass": string(t.StorageClass)})
		}
		if ts != nil {
			m["transitions"] = ts
		}
		if e := r.NoncurrentVersionExpiration; e != nil {
			m["noncurrentVersionExpiration"] = map[string]any{"noncurrentDays": aws.ToInt32(e.NoncurrentDays), "newerNoncurrentVersions": aws.ToInt32(e.NewerNoncurrentVersions)}
		}
		var nts []any
		for _, t := range r.NoncurrentVersionTransitions {
			nts = append(nts, map[string]any{"noncurrentDays": aws.ToInt32(t.NoncurrentDays), "newerNoncurrentVersions": aws.ToInt32(t.NewerNoncurrentVersions), "storageClass": string(t.StorageClass)})
		}
		if nts != nil {
			m["noncurrentVersionTransitions"] = nts
		}
		if a := r.AbortIncompleteMultipartUpload; a != nil {
			m["abortIncompleteMultipartUpload"] = map[string]any{"daysAfterInitiation": aws.ToInt32(a.DaysAfterInitiation)}
		}
		b, _ := json.Marshal(m)
		var rule lifecycleRule
		_ = json.Unmarshal(b, &rule)
		out = append(out, rule)
	}
	return out
}

// samePolicy says whether two policy documents are the same JSON, however spelled: AWS
// may give a policy back reformatted, and the provider shows no diff for that.
func samePolicy(a, b string) bool {
	var x, y any
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && reflect.DeepEqual(x, y)
}
