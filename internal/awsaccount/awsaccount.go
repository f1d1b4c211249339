// Package awsaccount reads, with the AWS SDK, what the checks of the managing stack judge
// and code cannot change: the root user's status (internal/rootcheck) and the IAM
// credential report and users' tags (internal/credaudit); and, for every stack, what a
// bucket it adopts already has (internal/adoptcheck). It uses the credentials the Pulumi
// AWS provider would use.
package awsaccount

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/secure-aws/secure-aws/internal/adoptcheck"
	"github.com/secure-aws/secure-aws/internal/rootcheck"
)

// timeout bounds each check, so a machine without a route to AWS is not held up; IAM
// generates a credential report within seconds (and reuses one younger than four hours).
const timeout = 60 * time.Second

// reportPoll is how often the reader asks whether the credential report is ready.
var reportPoll = 2 * time.Second

// AWSReader reads the IAM account summary with the region and credentials the Pulumi AWS
// provider would use: the stack's aws:region, aws:profile, aws:accessKey/aws:secretKey/
// aws:token, aws:sharedConfigFiles, aws:sharedCredentialsFiles and aws:assumeRole settings, else the standard AWS environment and files.
type AWSReader struct {
	Get func(key string) (string, bool)
	// httpClient, when set, sends every request (tests: to a local stand-in of AWS).
	httpClient aws.HTTPClient
}

type assumeRole struct {
	RoleArn     string `json:"roleArn"`
	SessionName string `json:"sessionName"`
	ExternalID  string `json:"externalId"`
}

// RootStatus implements rootcheck.Reader: the IAM account summary, and the virtual MFA
// devices assigned to someone, every page of them.
func (r AWSReader) RootStatus(ctx context.Context) (rootcheck.Status, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client, err := r.iam(ctx)
	if err != nil {
		return rootcheck.Status{}, err
	}
	out, err := client.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		return rootcheck.Status{}, err
	}
	// A summary without AccountPasswordPresent (moto's, or an older API) says nothing of
	// the password: only an explicit 0 lets the root user go without MFA.
	password, known := out.SummaryMap[string(iamtypes.SummaryKeyTypeAccountPasswordPresent)]
	status := rootcheck.Status{
		AccessKeysPresent: out.SummaryMap[string(iamtypes.SummaryKeyTypeAccountAccessKeysPresent)] > 0,
		MFAEnabled:        out.SummaryMap[string(iamtypes.SummaryKeyTypeAccountMFAEnabled)] > 0,
		PasswordAbsent:    known && password == 0,
	}
	pages := iam.NewListVirtualMFADevicesPaginator(client, &iam.ListVirtualMFADevicesInput{AssignmentStatus: iamtypes.AssignmentStatusTypeAssigned})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return rootcheck.Status{}, fmt.Errorf("listing the virtual MFA devices: %w", err)
		}
		for _, d := range page.VirtualMFADevices {
			device := rootcheck.VirtualMFADevice{SerialNumber: aws.ToString(d.SerialNumber)}
			if d.User != nil {
				device.UserARN = aws.ToString(d.User.Arn)
			}
			status.VirtualMFADevices = append(status.VirtualMFADevices, device)
		}
	}
	return status, nil
}

// CredentialReport implements credaudit.Reader: it asks IAM to generate the credential
// report, waits until it is complete, and returns its CSV.
func (r AWSReader) CredentialReport(ctx context.Context) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client, err := r.iam(ctx)
	if err != nil {
		return nil, err
	}
	for {
		gen, err := client.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			return nil, err
		}
		if gen.State == iamtypes.ReportStateTypeComplete {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the credential report (%s): %w", gen.State, ctx.Err())
		case <-time.After(reportPoll):
		}
	}
	out, err := client.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		return nil, err
	}
	if out.ReportFormat != iamtypes.ReportFormatTypeTextCsv {
		return nil, fmt.Errorf("the credential report is %q, not text/csv", out.ReportFormat)
	}
	return out.Content, nil
}

// UserTags implements credaudit.Reader: the tags of one IAM user, every page of them.
func (r AWSReader) UserTags(ctx context.Context, user string) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client, err := r.iam(ctx)
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	pages := iam.NewListUserTagsPaginator(client, &iam.ListUserTagsInput{UserName: aws.String(user)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range page.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return tags, nil
}

// UserGroups implements credaudit.Reader: the names of one IAM user's groups, every page.
func (r AWSReader) UserGroups(ctx context.Context, user string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client, err := r.iam(ctx)
	if err != nil {
		return nil, err
	}
	var groups []string
	pages := iam.NewListGroupsForUserPaginator(client, &iam.ListGroupsForUserInput{UserName: aws.String(user)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, g := range page.Groups {
			groups = append(groups, aws.ToString(g.GroupName))
		}
	}
	return groups, nil
}

// AdoptedBucket implements adoptcheck.Reader: the bucket's replication rules, lifecycle
// rules and event notifications, and the access points of account on it in the stack's
// region (access points live in their bucket's region).
func (r AWSReader) AdoptedBucket(ctx context.Context, account, bucket string) (adoptcheck.Existing, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cfg, err := r.awsConfig(ctx)
	if err != nil {
		return adoptcheck.Existing{}, err
	}
	client := s3.NewFromConfig(cfg)
	var out adoptcheck.Existing
	repl, err := client.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String(bucket)})
	switch {
	case isCode(err, "ReplicationConfigurationNotFoundError"):
	case err != nil:
		return adoptcheck.Existing{}, fmt.Errorf("reading the replication of %s: %w", bucket, err)
	case repl.ReplicationConfiguration != nil:
		for _, rule := range repl.ReplicationConfiguration.Rules {
			dest := ""
			if rule.Destination != nil {
				dest = aws.ToString(rule.Destination.Bucket)
			}
			out.Replication = append(out.Replication, adoptcheck.ReplicationRule{ID: aws.ToString(rule.ID), Destination: dest})
		}
	}
	life, err := client.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
	switch {
	case isCode(err, "NoSuchLifecycleConfiguration"):
	case err != nil:
		return adoptcheck.Existing{}, fmt.Errorf("reading the lifecycle of %s: %w", bucket, err)
	default:
		for _, rule := range life.Rules {
			out.Lifecycle = append(out.Lifecycle, aws.ToString(rule.ID))
		}
	}
	notes, err := client.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String(bucket)})
	if err != nil {
		return adoptcheck.Existing{}, fmt.Errorf("reading the event notifications of %s: %w", bucket, err)
	}
	for _, n := range notes.TopicConfigurations {
		out.Notifications = append(out.Notifications, aws.ToString(n.TopicArn))
	}
	for _, n := range notes.QueueConfigurations {
		out.Notifications = append(out.Notifications, aws.ToString(n.QueueArn))
	}
	for _, n := range notes.LambdaFunctionConfigurations {
		out.Notifications = append(out.Notifications, aws.ToString(n.LambdaFunctionArn))
	}
	if notes.EventBridgeConfiguration != nil {
		out.Notifications = append(out.Notifications, "EventBridge")
	}
	pages := s3control.NewListAccessPointsPaginator(s3control.NewFromConfig(cfg), &s3control.ListAccessPointsInput{AccountId: aws.String(account), Bucket: aws.String(bucket)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return adoptcheck.Existing{}, fmt.Errorf("listing the access points of %s: %w", bucket, err)
		}
		for _, a := range page.AccessPointList {
			out.AccessPoints = append(out.AccessPoints, aws.ToString(a.Name))
		}
	}
	return out, nil
}

// isCode reports whether err is an AWS error with that code.
func isCode(err error, code string) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == code
}

// iam is an IAM client with the stack's credentials.
func (r AWSReader) iam(ctx context.Context) (*iam.Client, error) {
	cfg, err := r.awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	return iam.NewFromConfig(cfg), nil
}

func (r AWSReader) awsConfig(ctx context.Context) (aws.Config, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if region, ok := r.Get("aws:region"); ok {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	if profile, ok := r.Get("aws:profile"); ok {
		opts = append(opts, awsconfig.WithSharedConfigProfile(profile))
	}
	files, err := r.list("aws:sharedConfigFiles")
	if err != nil {
		return aws.Config{}, err
	}
	if files != nil {
		opts = append(opts, awsconfig.WithSharedConfigFiles(files))
	}
	if files, err = r.list("aws:sharedCredentialsFiles"); err != nil {
		return aws.Config{}, err
	}
	if files != nil {
		opts = append(opts, awsconfig.WithSharedCredentialsFiles(files))
	}
	if key, ok := r.Get("aws:accessKey"); ok {
		secret, _ := r.Get("aws:secretKey")
		token, _ := r.Get("aws:token")
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(key, secret, token)))
	}
	if r.httpClient != nil {
		opts = append(opts, awsconfig.WithHTTPClient(r.httpClient))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS credentials: %w", err)
	}
	if raw, ok := r.Get("aws:assumeRole"); ok {
		var role assumeRole
		if err := json.Unmarshal([]byte(raw), &role); err != nil {
			return aws.Config{}, fmt.Errorf("reading aws:assumeRole: %w", err)
		}
		if role.RoleArn == "" {
			return aws.Config{}, fmt.Errorf("reading aws:assumeRole: it needs a roleArn")
		}
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), role.RoleArn, func(o *stscreds.AssumeRoleOptions) {
			if role.SessionName != "" {
				o.RoleSessionName = role.SessionName
			}
			if role.ExternalID != "" {
				o.ExternalID = aws.String(role.ExternalID)
			}
		}))
	}
	return cfg, nil
}

// list reads a configuration value holding a JSON list of file names, expanding a leading
// ~/ as the provider does; nil when the key is not set.
func (r AWSReader) list(key string) ([]string, error) {
	raw, ok := r.Get(key)
	if !ok {
		return nil, nil
	}
	var files []string
	if err := json.Unmarshal([]byte(raw), &files); err != nil {
		return nil, fmt.Errorf("reading %s: it must be a list of file names: %w", key, err)
	}
	for i, f := range files {
		if rest, ok := strings.CutPrefix(f, "~/"); ok {
			home, err := os.UserHomeDir()
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", key, err)
			}
			files[i] = filepath.Join(home, rest)
		}
	}
	return files, nil
}
