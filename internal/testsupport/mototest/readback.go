package mototest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"testing"
)

// CLIAvailable says why the AWS CLI cannot run here.
func CLIAvailable() error {
	if out, err := exec.Command("aws", "--version").CombinedOutput(); err != nil {
		return fmt.Errorf("the AWS CLI (aws) does not run: %v %s; install it (pip install awscli)", err, bytes.TrimSpace(out))
	}
	return nil
}

// errorCode is the AWS error code the CLI prints: "An error occurred (NoSuchEntity) ...".
var errorCode = regexp.MustCompile(`An error occurred \(([A-Za-z0-9.]+)\)`)

// AWS runs the AWS CLI against the server and decodes its JSON answer (nil for an empty
// one). A call AWS refuses returns the error code the CLI printed (code) and no error; a
// CLI that cannot run, or an answer that is not JSON, fails the test.
func (s *Server) AWS(t testing.TB, args ...string) (answer any, code string) {
	t.Helper()
	if err := CLIAvailable(); err != nil {
		if testing.Short() {
			t.Skipf("%v (the moto tests run without -short)", err)
		}
		t.Fatal(err)
	}
	// --endpoint-url as well as Env's AWS_ENDPOINT_URL: AWS CLI v1 ignores the variable for
	// some services (SQS in us-east-1 went to its legacy global endpoint), and no request
	// may leave loopback.
	cmd := exec.CommandContext(t.Context(), "aws", append([]string{"--endpoint-url", s.URL, "--output", "json"}, args...)...)
	cmd.Env = s.Env()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if m := errorCode.FindSubmatch(stderr.Bytes()); m != nil {
			return nil, string(m[1])
		}
		t.Fatalf("aws %v: %v\n%s", args, err, stderr.String())
	}
	if len(bytes.TrimSpace(stdout.Bytes())) == 0 {
		return nil, ""
	}
	if err := json.Unmarshal(stdout.Bytes(), &answer); err != nil {
		t.Fatalf("aws %v answered no JSON: %v\n%s", args, err, stdout.String())
	}
	return answer, ""
}

// readBack runs each call of calls (a name and the CLI's arguments) and keeps its answer
// by name; an answer AWS refuses with one of the codes absent means the setting is not
// there, and leaves the name out; any other refusal fails the test.
func (s *Server) readBack(t testing.TB, calls [][]string, absent ...string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, c := range calls {
		answer, code := s.AWS(t, c[1:]...)
		switch {
		case code == "":
			out[c[0]] = answer
		case !slices.Contains(absent, code):
			t.Fatalf("aws %v: %s", c[1:], code)
		}
	}
	return out
}

// Bucket reads bucket back with the AWS CLI (aws s3api), by the name of each call:
// versioning, encryption, publicAccessBlock, ownershipControls, policy, lifecycle,
// objectLock, logging, each the CLI's JSON answer; a setting the bucket does not have is absent. A
// bucket that does not exist fails the test.
func (s *Server) Bucket(t testing.TB, bucket string) map[string]any {
	t.Helper()
	if _, code := s.AWS(t, "s3api", "head-bucket", "--bucket", bucket); code != "" {
		t.Fatalf("bucket %s: %s", bucket, code)
	}
	b := []string{"--bucket", bucket}
	return s.readBack(t, [][]string{
		append([]string{"versioning", "s3api", "get-bucket-versioning"}, b...),
		append([]string{"encryption", "s3api", "get-bucket-encryption"}, b...),
		append([]string{"publicAccessBlock", "s3api", "get-public-access-block"}, b...),
		append([]string{"ownershipControls", "s3api", "get-bucket-ownership-controls"}, b...),
		append([]string{"policy", "s3api", "get-bucket-policy"}, b...),
		append([]string{"lifecycle", "s3api", "get-bucket-lifecycle-configuration"}, b...),
		append([]string{"objectLock", "s3api", "get-object-lock-configuration"}, b...),
		append([]string{"logging", "s3api", "get-bucket-logging"}, b...),
	}, "ServerSideEncryptionConfigurationNotFoundError", "NoSuchPublicAccessBlockConfiguration",
		"OwnershipControlsNotFoundError", "NoSuchBucketPolicy", "NoSuchLifecycleConfiguration",
		"ObjectLockConfigurationNotFoundError")
}

// User reads IAM user name back with the AWS CLI (aws iam), by the name of each call:
// user, groups, inlinePolicies (each policy's get-user-policy answer by policy name),
// attachedPolicies, loginProfile (absent without one) and accessKeys. A user that does not
// exist fails the test.
func (s *Server) User(t testing.TB, name string) map[string]any {
	t.Helper()
	u := []string{"--user-name", name}
	out := s.readBack(t, [][]string{
		append([]string{"user", "iam", "get-user"}, u...),
		append([]string{"groups", "iam", "list-groups-for-user"}, u...),
		append([]string{"attachedPolicies", "iam", "list-attached-user-policies"}, u...),
		append([]string{"loginProfile", "iam", "get-login-profile"}, u...),
		append([]string{"accessKeys", "iam", "list-access-keys"}, u...),
	}, "NoSuchEntity")
	if _, ok := out["user"]; !ok {
		t.Fatalf("user %s does not exist", name)
	}
	listed, _ := s.AWS(t, append([]string{"iam", "list-user-policies"}, u...)...)
	names := []any{}
	for _, n := range asList(path(listed, "PolicyNames")) {
		names = append(names, map[string]any{"PolicyName": n})
	}
	inline := s.each(t, names, "PolicyName", func(policy string) []string {
		return append([]string{"iam", "get-user-policy", "--policy-name", policy}, u...)
	})
	out["inlinePolicies"] = inline
	return out
}
