// Package mototest runs moto, the AWS emulator no one here wrote, for the tests: on a free
// loopback port, or the server MOTO_SERVER_URL names (so a harness can share one and watch
// it), and reads what it holds back with the AWS CLI rather than with the code under test.
// Nothing it does sends a request anywhere but the loopback interface.
//
// One server holds every account: moto 5.2.1 answers a request as the account of the
// access key that signs it when it issued that key, and as DefaultAccount otherwise
// (moto/core/responses.py, get_current_account; moto/iam/models.py, get_account_id_from),
// unless the server was started with MOTO_ACCOUNT_ID, which makes it one account for every
// key. It does not take the account from a 12-digit access key id, as LocalStack does.
// So a test in another account signs with a key moto issued in it: the temporary key of
// STS AssumeRole on a role of that account (moto needs no such role to exist and creates
// no IAM user, so the account's users and credential report stay the test's own).
package mototest

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Version is the moto the tests are written against; .ci/run checks for it too.
const Version = "5.2.1"

// URLEnvVar names a moto server started elsewhere; it must be on the loopback interface.
const URLEnvVar = "MOTO_SERVER_URL"

// Region, AccessKeyID and SecretAccessKey are what the clients of the server use in
// DefaultAccount (Region unless InRegion): moto accepts any credentials, and answers as DefaultAccount for a key it
// did not issue.
const (
	Region          = "us-east-1"
	AccessKeyID     = "testing"
	SecretAccessKey = "testing"
)

// Server is one moto server the test talks to.
type Server struct {
	URL  string // http://host:port
	addr string // host:port, where every request goes
	pid  int    // the moto process this package started; 0 for MOTO_SERVER_URL's
	// account is the one the test asked for; keyID and secret sign every request of
	// Config, Env and AWS: AccessKeyID and SecretAccessKey in DefaultAccount, else a key moto
	// issued in account (enter), unless As or Admin chose another key moto issued.
	account       string
	keyID, secret string
	// region is the region of Config, Env and AWS: Region unless InRegion chose another.
	region string
}

// InRegion is the server seen by clients of region: Config, Env and AWS send their
// requests, and read what is regional (KMS, SNS, EventBridge, GuardDuty, AWS Config, EC2),
// in region.
func (s *Server) InRegion(region string) *Server {
	c := *s
	c.region = region
	return &c
}

// ClientRegion is the region of the server's clients: Region unless InRegion chose another.
func (s *Server) ClientRegion() string { return cmp.Or(s.region, Region) }

// managedPoliciesEnv makes moto hold the AWS managed policies (AdministratorAccess,
// AWSSupportAccess, ...), which the program attaches; moto 5.2.1 starts without them, and
// attaching one fails with NoSuchEntity. It adds about two seconds to moto's first IAM
// call and to each reset.
const managedPoliciesEnv = "MOTO_IAM_LOAD_MANAGED_POLICIES=true"

// awsManagedPolicy is an AWS managed policy a server started with managedPoliciesEnv has.
const awsManagedPolicy = "arn:aws:iam::aws:policy/ReadOnlyAccess"

// DefaultAccount is the account moto answers as for a key it did not issue.
const DefaultAccount = "123456789012"

// Start returns the server of MOTO_SERVER_URL when set, emptied (Reset) unless another
// test of this process holds it, so that the test starts from empty accounts as it would
// on a server of its own; else it starts moto on a free loopback port and stops it when
// the test ends. Without moto (or the version this project pins) the test fails, except
// under -short, where it is skipped: CI must never pass without the tests moto runs. Its
// account is DefaultAccount.
//
// Emptying a shared server is safe while one test at a time uses it: `go test -p 1`, and
// no test that starts moto calls t.Parallel. Two test binaries at once (-p 2, the default
// on two cores) would empty each other's accounts in the middle of a test.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartInAccount(t, DefaultAccount)
}

// StartInAccount is Start with the server's credentials (Config, Env, AWS) those of
// account, for a stack whose aws:allowedAccountIds names it. Several tests, or one test,
// can use several accounts of one server. A server started with MOTO_ACCOUNT_ID answers as
// that account whatever the key: the test fails, saying so, if STS answers another. A server
// of MOTO_SERVER_URL must hold the AWS managed policies (MOTO_IAM_LOAD_MANAGED_POLICIES=true)
// the program attaches: the test fails, saying so, if one is missing.
func StartInAccount(t testing.TB, account string) *Server {
	t.Helper()
	if raw := os.Getenv(URLEnvVar); raw != "" {
		s, err := external(raw)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.wait(5*time.Second, nil); err != nil {
			t.Fatalf("%s=%s: %v", URLEnvVar, raw, err)
		}
		s.account = account
		if s.hold(t) {
			s.Reset(t)
		} else {
			s.enter(t)
		}
		if _, err := iam.NewFromConfig(s.Config(t)).GetPolicy(t.Context(), &iam.GetPolicyInput{PolicyArn: aws.String(awsManagedPolicy)}); err != nil {
			t.Fatalf("%s=%s has no AWS managed policy %s (%v): start that server with %s", URLEnvVar, raw, awsManagedPolicy, err, managedPoliciesEnv)
		}
		return s
	}
	s := launch(t)
	s.account = account
	s.hold(t)
	s.enter(t)
	return s
}

// launch starts moto on a free loopback port with env added to its environment, and
// stops it when the test ends.
func launch(t testing.TB, env ...string) *Server {
	t.Helper()
	if err := Available(); err != nil {
		if testing.Short() {
			t.Skipf("%v (the moto tests run without -short)", err)
		}
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", port)
	// moto runs boto itself: it gets none of the test's AWS settings (an empty AWS_PROFILE
	// is a profile it cannot find) and no proxy. No MOTO_ACCOUNT_ID: the key says the
	// account, as on a shared server.
	cmd.Env = append(append(cleanEnv(), "AWS_ACCESS_KEY_ID="+AccessKeyID, "AWS_SECRET_ACCESS_KEY="+SecretAccessKey, "AWS_DEFAULT_REGION="+Region, managedPoliciesEnv), env...)
	// Its own process group, so that stopping it stops whatever it started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		if t.Failed() {
			t.Logf("moto's log:\n%s", log.String())
		}
	})
	s := &Server{URL: "http://" + addr, addr: addr, pid: cmd.Process.Pid, keyID: AccessKeyID, secret: SecretAccessKey}
	if err := s.wait(30*time.Second, done); err != nil {
		t.Fatal(err)
	}
	return s
}

// Available says why moto cannot run here: python3 or moto missing, or another version
// than Version.
func Available() error {
	if _, err := exec.LookPath("python3"); err != nil {
		return fmt.Errorf("python3 is not installed, so moto cannot run: install python3 and pip install 'moto[server]==%s'", Version)
	}
	out, err := exec.Command("python3", "-c", "import moto.server, moto; print(moto.__version__)").CombinedOutput()
	if err != nil {
		return fmt.Errorf("moto is not installed for python3 (pip install 'moto[server]==%s'): %s", Version, strings.TrimSpace(string(out)))
	}
	if v := strings.TrimSpace(string(out)); v != Version {
		return fmt.Errorf("moto %s is installed; the tests are written against moto %s (pip install 'moto[server]==%s')", v, Version, Version)
	}
	return nil
}

// external is the server raw names, refused unless it is on the loopback interface.
func external(raw string) (*Server, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("%s=%q: want http://127.0.0.1:<port> (a moto server on this machine)", URLEnvVar, raw)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s=%q: %s is not a loopback address; the tests send requests only to this machine (127.0.0.1, ::1 or localhost)", URLEnvVar, raw, host)
	}
	addr := net.JoinHostPort(host, port)
	return &Server{URL: "http://" + addr, addr: addr, keyID: AccessKeyID, secret: SecretAccessKey}, nil
}

// wait returns once the server answers moto's own API, or says why it does not. It asks
// for moto's configuration (201 Created to a GET, as moto answers it), which costs the same
// however much the server holds; /moto-api/data.json serializes every model and answered
// 500 on a shared server after a lifecycle scenario, failing every later test.
func (s *Server) wait(limit time.Duration, exited <-chan error) error {
	deadline := time.Now().Add(limit)
	client := s.HTTPClient()
	for {
		resp, err := client.Do(must(http.NewRequest(http.MethodGet, s.URL+"/moto-api/config", nil)))
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated {
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		select {
		case werr := <-exited:
			return fmt.Errorf("moto stopped before it answered: %v", werr)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("moto did not answer on %s within %s: %v", s.addr, limit, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func must(r *http.Request, err error) *http.Request {
	if err != nil {
		panic(err)
	}
	return r
}

// Reset empties the server (POST /moto-api/reset), every account of it, so each scenario
// starts from an account with nothing in it, and turns off the enforcement Enforce turned
// on (its key is gone). The key of an account other than DefaultAccount goes with the
// rest: Reset has moto issue a new one, so take Config and Env after it.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	s.post(t, "/moto-api/reset-auth", "inf")
	s.post(t, "/moto-api/reset", "")
	held.Lock()
	same := slices.Clone(held.servers[s.URL])
	held.Unlock()
	for _, other := range same {
		other.enter(t)
	}
}

// post sends body to one of moto's own endpoints, which take no signature.
func (s *Server) post(t testing.TB, path, body string) {
	t.Helper()
	resp, err := s.HTTPClient().Do(must(http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(body))))
	if err != nil {
		t.Fatalf("moto %s: %v", path, err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("moto %s: %s", path, resp.Status)
	}
}

// held are the servers the tests of this process hold, by URL: a shared server is emptied
// when the first of them takes it, and after a Reset each gets a key of its account again.
var held = struct {
	sync.Mutex
	servers map[string][]*Server
}{servers: map[string][]*Server{}}

// hold records s as held until the test ends, and reports whether no other test or
// subtest of this process holds its server: a second Start within a test keeps what the
// first made, as two servers of their own would.
func (s *Server) hold(t testing.TB) (first bool) {
	held.Lock()
	defer held.Unlock()
	first = len(held.servers[s.URL]) == 0
	held.servers[s.URL] = append(held.servers[s.URL], s)
	t.Cleanup(func() {
		held.Lock()
		defer held.Unlock()
		held.servers[s.URL] = slices.DeleteFunc(held.servers[s.URL], func(o *Server) bool { return o == s })
	})
	return first
}

// roleSession is the session name of the role a test in another account than
// DefaultAccount assumes.
const roleSession = "mototest"

// enter makes the server's credentials those of its account: the dummy keys in
// DefaultAccount, else the temporary key of STS AssumeRole on a role of the account, which
// moto answers as that account. It checks the account with STS.
func (s *Server) enter(t testing.TB) {
	t.Helper()
	s.keyID, s.secret = AccessKeyID, SecretAccessKey
	if s.account != DefaultAccount {
		out, err := sts.NewFromConfig(s.Config(t)).AssumeRole(t.Context(), &sts.AssumeRoleInput{
			RoleArn: aws.String("arn:aws:iam::" + s.account + ":role/" + roleSession), RoleSessionName: aws.String(roleSession)})
		if err != nil {
			t.Fatalf("asking moto for a key of account %s: %v", s.account, err)
		}
		s.keyID, s.secret = aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey)
	}
	if got := s.Account(t); got != s.account {
		t.Fatalf("moto at %s answers as account %s, not %s: a server started with MOTO_ACCOUNT_ID is one account whatever the key; start it without", s.URL, got, s.account)
	}
}

// HTTPClient sends every request to the server, whatever the host: S3 Control puts the
// account id in front of the endpoint's host (111111111111.127.0.0.1), which no resolver
// knows, and nothing may leave the machine. It uses no proxy.
func (s *Server) HTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.Proxy = nil
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", s.addr)
		}
	})
}

// Account is the account the server answers as (STS GetCallerIdentity).
func (s *Server) Account(t testing.TB) string {
	t.Helper()
	out, err := sts.NewFromConfig(s.Config(t)).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("asking moto for its account: %v", err)
	}
	return aws.ToString(out.Account)
}

// Config is an AWS SDK configuration for the server: its endpoint for every service, the
// region, the dummy credentials and its HTTP client; no shared config file or profile.
func (s *Server) Config(t testing.TB) aws.Config {
	t.Helper()
	cfg, err := awsconfig.LoadDefaultConfig(t.Context(),
		awsconfig.WithRegion(s.ClientRegion()),
		awsconfig.WithHTTPClient(s.HTTPClient()),
		awsconfig.WithBaseEndpoint(s.URL),
		awsconfig.WithSharedConfigFiles([]string{}),
		awsconfig.WithSharedCredentialsFiles([]string{}),
		awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.keyID, s.secret, "")))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Env is the environment of a process that talks to the server (the AWS CLI, a program
// under test): the dummy credentials, the region and AWS_ENDPOINT_URL; no AWS setting of
// the test's own environment, no config or credentials file (so no profile), no proxy.
func (s *Server) Env() []string {
	return append(cleanEnv(),
		"AWS_ACCESS_KEY_ID="+s.keyID,
		"AWS_SECRET_ACCESS_KEY="+s.secret,
		"AWS_DEFAULT_REGION="+s.ClientRegion(),
		"AWS_REGION="+s.ClientRegion(),
		"AWS_ENDPOINT_URL="+s.URL,
		"AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_PAGER=",
		"NO_PROXY=*",
	)
}

// Setenv points this process's AWS SDK at the server for the rest of the test, as the
// program reads AWS from its environment in production: Env's AWS settings (endpoint,
// credentials, region, no config file), every other AWS_ variable and proxy setting unset.
// After a Reset, which changes the key of an account other than DefaultAccount, call it
// again.
func (s *Server) Setenv(t testing.TB) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); isAWSOrProxy(k) {
			t.Setenv(k, "") // restores the value when the test ends
			if err := os.Unsetenv(k); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, kv := range s.Env() {
		if k, v, _ := strings.Cut(kv, "="); isAWSOrProxy(k) {
			t.Setenv(k, v)
		}
	}
}

// isAWSOrProxy reports whether the environment variable k is an AWS setting or a proxy's.
func isAWSOrProxy(k string) bool {
	return strings.HasPrefix(k, "AWS_") || strings.HasSuffix(strings.ToUpper(k), "_PROXY")
}

// cleanEnv is this process's environment without AWS settings and proxies.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !isAWSOrProxy(k) {
			out = append(out, kv)
		}
	}
	return out
}
