// Package awsaccount reads, with the AWS SDK, what the checks of the managing stack judge
// and code cannot change: the root user's status (internal/rootcheck) and the IAM
// credential report and users' tags (internal/credaudit), with the credentials the Pulumi AWS provider
// would use.
package awsaccount

import (
	"context"
	"encoding/json"
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
	"github.com/aws/aws-sdk-go-v2/service/sts"

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
}

type assumeRole struct {
	RoleArn     string `json:"roleArn"`
	SessionName string `json:"sessionName"`
	ExternalID  string `json:"externalId"`
}

// RootStatus implements rootcheck.Reader: the IAM account summary.
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
	return rootcheck.Status{
		AccessKeysPresent: out.SummaryMap["AccountAccessKeysPresent"] > 0,
		MFAEnabled:        out.SummaryMap["AccountMFAEnabled"] > 0,
	}, nil
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
