// Package awsapi is the stand-in provider's AWS backend: for the resource types it serves,
// the stand-in (internal/testsupport/standin) creates, reads, updates, deletes and imports
// through the AWS SDK for Go against the endpoints of its provider configuration
// (aws:endpoints, as the real provider takes them), so an emulator on this machine (moto)
// answers instead of the project's own model (package awsmodel). It is part of a test
// double: it talks only to loopback endpoints and never looks for credentials beyond the
// configuration and the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY of its environment.
package awsapi

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Backend serves some resource types from an AWS API. The stand-in asks Serves once per
// call, and keeps its model for every other type.
type Backend interface {
	// Serves says whether the backend creates, reads, updates and deletes typ.
	Serves(typ string) bool
	// Create creates the resource from its inputs and returns its id and its state (the
	// inputs and what AWS computed).
	Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error)
	// Read returns what AWS holds for id: its inputs in the program's shape and its state;
	// both nil when it does not exist. olds are the inputs last sent (nil for an import):
	// what AWS holds in another spelling of the same value keeps the program's spelling.
	Read(ctx context.Context, typ, id string, olds resource.PropertyMap) (inputs, state resource.PropertyMap, err error)
	// Update applies news to the resource id and returns its state. olds is its last
	// state: what the provider diffs against, as an IAM membership removes only the groups
	// it added.
	Update(ctx context.Context, typ, id string, olds, news resource.PropertyMap) (resource.PropertyMap, error)
	// Delete deletes the resource id, whose last inputs were olds.
	Delete(ctx context.Context, typ, id string, olds resource.PropertyMap) error
}

// Config is what the backend takes from the provider configuration.
type Config struct {
	Region    string
	Partition string
	// Endpoints maps a service key of aws:endpoints (s3, s3control, iam, sts, cloudtrail,
	// kms, sns, events, budgets, account, guardduty, configservice, ec2) to its URL.
	Endpoints map[string]string
	// S3UsePathStyle is aws:s3UsePathStyle: the bucket in the path, not in the host name.
	S3UsePathStyle bool
	// AccessKey and SecretKey are aws:accessKey and aws:secretKey; the environment's
	// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when unset.
	AccessKey, SecretKey string
	// SkipCredentialsValidation is aws:skipCredentialsValidation: no STS call at Configure.
	SkipCredentialsValidation bool
	// Generated records, in plain text, each credential created for a user (kind "secret"
	// of an access key, "password" of a login profile), so the tests can search the
	// engine's state for it; nil records nothing.
	Generated func(typ, user, kind, value string) error
}

// Account asks STS (GetCallerIdentity) whose the credentials are, as the real provider
// does when it is configured unless skipCredentialsValidation, and refuses an account
// allowed (aws:allowedAccountIds) does not list. It returns the account, "" when skipped.
func (c Config) Account(ctx context.Context, allowed []string) (string, error) {
	if c.SkipCredentialsValidation {
		return "", nil
	}
	if c.Endpoints["sts"] == "" {
		return "", errors.New("endpoints: the provider validates its credentials with STS unless skipCredentialsValidation is set; name an sts endpoint (AWS_ENDPOINT_URL_STS)")
	}
	cfg, err := c.awsConfig()
	if err != nil {
		return "", err
	}
	out, err := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(c.Endpoints["sts"]) }).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("validating the provider's credentials: %w", err)
	}
	account := aws.ToString(out.Account)
	if len(allowed) > 0 && !slices.Contains(allowed, account) {
		return "", fmt.Errorf("AWS account ID not allowed: %s (allowedAccountIds: %v)", account, allowed)
	}
	return account, nil
}

// ParseEndpoints reads aws:endpoints from the provider configuration: a list of objects
// each mapping service keys to URLs, as a list or as its JSON text (the engine hands a
// default provider its configuration as text). It returns nil when the key is unset.
func ParseEndpoints(v resource.PropertyValue) (map[string]string, error) {
	var raw []map[string]any
	switch {
	case v.IsNull():
		return nil, nil
	case v.IsString():
		if v.StringValue() == "" {
			return nil, nil
		}
		if err := json.Unmarshal([]byte(v.StringValue()), &raw); err != nil {
			return nil, fmt.Errorf("endpoints: want a list of objects mapping a service (s3, s3control, iam, sts, cloudtrail) to a URL: %w", err)
		}
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			if !e.IsObject() {
				return nil, fmt.Errorf("endpoints: want a list of objects mapping a service to a URL, got %v", e)
			}
			raw = append(raw, e.ObjectValue().Mappable())
		}
	default:
		return nil, fmt.Errorf("endpoints: want a list of objects mapping a service to a URL, got %v", v)
	}
	out := map[string]string{}
	for _, m := range raw {
		for k, u := range m {
			s, ok := u.(string)
			if !ok || s == "" {
				continue
			}
			parsed, err := url.Parse(s)
			if err != nil || parsed.Host == "" {
				return nil, fmt.Errorf("endpoints: %s = %q is not a URL", k, s)
			}
			if !loopback(parsed.Hostname()) {
				return nil, fmt.Errorf("endpoints: %s = %q: the stand-in talks only to an emulator on this machine (127.0.0.1, ::1 or localhost)", k, s)
			}
			out[k] = s
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// awsConfig is the SDK configuration every client of the backend starts from: static
// credentials (no shared files, no instance metadata) and an HTTP client that dials only
// the endpoint a request is for. S3 Control puts the account id in front of the
// endpoint's host (111111111111.127.0.0.1), and virtual-hosted S3 the bucket, which no
// resolver knows: any such host is dialled at the endpoint's own address, and any other
// host is refused, so nothing leaves the machine.
func (c Config) awsConfig() (aws.Config, error) {
	if c.AccessKey == "" || c.SecretKey == "" {
		return aws.Config{}, errors.New("the stand-in's AWS backend needs credentials for the emulator: set aws:accessKey and aws:secretKey, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	addrs := map[string]string{} // host name -> host:port
	for _, e := range c.Endpoints {
		u, _ := url.Parse(e)
		port := u.Port()
		if port == "" {
			port = map[string]string{"https": "443"}[u.Scheme]
			if port == "" {
				port = "80"
			}
		}
		addrs[u.Hostname()] = net.JoinHostPort(u.Hostname(), port)
	}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		for h, a := range addrs {
			if host == h || strings.HasSuffix(host, "."+h) {
				var d net.Dialer
				return d.DialContext(ctx, network, a)
			}
		}
		return nil, fmt.Errorf("the stand-in's AWS backend dials only its endpoints, not %s", addr)
	}
	return aws.Config{
		Region:      c.Region,
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKey, c.SecretKey, ""),
		HTTPClient:  &http.Client{Transport: &http.Transport{Proxy: nil, DialContext: dial}},
	}, nil
}

// clientConfig is the SDK configuration and the endpoint of the service key (of
// aws:endpoints) a backend talks to; an error naming the key when c has none.
func (c Config) clientConfig(key, backend string) (aws.Config, string, error) {
	e := c.Endpoints[key]
	if e == "" {
		return aws.Config{}, "", fmt.Errorf("endpoints: the stand-in's %s backend needs the %s endpoint of aws:endpoints (it has %v)", backend, key, c.Endpoints)
	}
	cfg, err := c.awsConfig()
	return cfg, e, err
}

// onOff turns a setting of name on (turnOn, described as onWhat) or off (turnOff,
// offWhat): AWS has a call for each.
func onOff(on bool, name, onWhat, offWhat string, turnOn, turnOff func() error) error {
	if on {
		return wrap(onWhat, name, turnOn())
	}
	return wrap(offWhat, name, turnOff())
}

// notServed is a backend's refusal of a type it does not serve.
func notServed(backend, typ string) error {
	return fmt.Errorf("the stand-in's %s backend does not serve %s", backend, typ)
}

// notFound says whether err is AWS's answer that the thing asked for does not exist, by
// one of codes or by a bare 404.
func notFound(err error, codes ...string) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		for _, c := range append(codes, "NotFound", "NoSuchBucket") {
			if apiErr.ErrorCode() == c {
				return true
			}
		}
	}
	return false
}

// decode reads a resource's inputs into v by their Pulumi names, refusing any input v has
// no field for: an input the backend would silently drop is an input AWS never sees.
func decode(typ string, m resource.PropertyMap, v any) error {
	b, err := json.Marshal(m.Mappable())
	if err != nil {
		return err
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("the stand-in's AWS backend does not serve these inputs of %s: %w", typ, err)
	}
	return nil
}

// stateAfterWrite reads back through b what was written to the resource id of typ: the
// attributes AWS computed come from AWS, the inputs as the program sent them (AWS may
// spell a policy differently).
func stateAfterWrite(ctx context.Context, b Backend, typ, id string, inputs resource.PropertyMap) (resource.PropertyMap, error) {
	_, state, err := b.Read(ctx, typ, id, inputs)
	if err != nil {
		return nil, err
	}
	if state == nil {
		return nil, fmt.Errorf("%s %s: written, yet AWS reports it does not exist", typ, id)
	}
	maps.Copy(state, inputs)
	return state, nil
}

// encode writes v, a struct of Pulumi-named fields, as a property map.
func encode(v any) resource.PropertyMap {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own plain structs reach here
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	return resource.NewPropertyMapFromMap(m)
}

// Backends serves each type from the first of its backends that serves it.
type Backends []Backend

// New makes every backend the stand-in has for c: S3, and each of the others whose
// endpoint c names (iam: the users, groups, policies and keys, the roles, the OIDC
// provider and the account's alias and password policy; cloudtrail: the trail; kms: the
// alert key; sns: the alert topic and its subscriptions; events: the alert rules and their
// targets; budgets: the budget; account: the alternate contacts; guardduty: the detector;
// configservice: the AWS Config recorder, delivery channel and recorder status; ec2: EBS
// encryption by default); a type whose endpoint is not named keeps the model.
func New(c Config) (Backends, error) {
	s3b, err := NewS3(c)
	if err != nil {
		return nil, err
	}
	bs := Backends{s3b}
	if c.Endpoints["iam"] != "" {
		iamb, err := NewIAM(c)
		if err != nil {
			return nil, err
		}
		bs = append(bs, iamb)
		b, err := NewIAMAccount(c)
		if err != nil {
			return nil, err
		}
		bs = append(bs, b)
	}
	for _, s := range []struct {
		key  string
		make func(Config) (Backend, error)
	}{
		{"cloudtrail", func(c Config) (Backend, error) { return NewCloudTrail(c) }},
		{"kms", func(c Config) (Backend, error) { return NewKMS(c) }},
		{"sns", func(c Config) (Backend, error) { return NewSNS(c) }},
		{"events", func(c Config) (Backend, error) { return NewEventBridge(c) }},
		{"budgets", func(c Config) (Backend, error) { return NewBudgets(c) }},
		{"account", func(c Config) (Backend, error) { return NewAccount(c) }},
		{"guardduty", func(c Config) (Backend, error) { return NewGuardDuty(c) }},
		{"configservice", func(c Config) (Backend, error) { return NewConfigService(c) }},
		{"ec2", func(c Config) (Backend, error) { return NewEC2(c) }},
	} {
		if c.Endpoints[s.key] == "" {
			continue
		}
		b, err := s.make(c)
		if err != nil {
			return nil, err
		}
		bs = append(bs, b)
	}
	return bs, nil
}

func (bs Backends) pick(typ string) (Backend, error) {
	for _, b := range bs {
		if b.Serves(typ) {
			return b, nil
		}
	}
	return nil, fmt.Errorf("no AWS backend serves %s", typ)
}

// Serves implements Backend.
func (bs Backends) Serves(typ string) bool {
	_, err := bs.pick(typ)
	return err == nil
}

// Create implements Backend.
func (bs Backends) Create(ctx context.Context, typ string, inputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	b, err := bs.pick(typ)
	if err != nil {
		return "", nil, err
	}
	return b.Create(ctx, typ, inputs)
}

// Read implements Backend.
func (bs Backends) Read(ctx context.Context, typ, id string, olds resource.PropertyMap) (resource.PropertyMap, resource.PropertyMap, error) {
	b, err := bs.pick(typ)
	if err != nil {
		return nil, nil, err
	}
	return b.Read(ctx, typ, id, olds)
}

// Update implements Backend.
func (bs Backends) Update(ctx context.Context, typ, id string, olds, news resource.PropertyMap) (resource.PropertyMap, error) {
	b, err := bs.pick(typ)
	if err != nil {
		return nil, err
	}
	return b.Update(ctx, typ, id, olds, news)
}

// Delete implements Backend.
func (bs Backends) Delete(ctx context.Context, typ, id string, olds resource.PropertyMap) error {
	b, err := bs.pick(typ)
	if err != nil {
		return err
	}
	return b.Delete(ctx, typ, id, olds)
}

// EndpointEnv are the SDKs' standard variables of the endpoint of each service the
// backends serve, by the service key of aws:endpoints; AWS_ENDPOINT_URL is every service's when its own is unset. The
// real provider honours them too, and so does the program's own AWS code
// (internal/awsaccount): the program refuses aws:endpoints in a stack file (a setting that
// redirects requests out of the plan's sight), so the environment is how a test points
// the whole stack at an emulator.
var EndpointEnv = map[string]string{"s3": "AWS_ENDPOINT_URL_S3", "s3control": "AWS_ENDPOINT_URL_S3_CONTROL", "iam": "AWS_ENDPOINT_URL_IAM", "sts": "AWS_ENDPOINT_URL_STS",
	"cloudtrail": "AWS_ENDPOINT_URL_CLOUDTRAIL", "kms": "AWS_ENDPOINT_URL_KMS", "sns": "AWS_ENDPOINT_URL_SNS", "events": "AWS_ENDPOINT_URL_EVENTBRIDGE",
	"budgets": "AWS_ENDPOINT_URL_BUDGETS", "account": "AWS_ENDPOINT_URL_ACCOUNT", "guardduty": "AWS_ENDPOINT_URL_GUARDDUTY",
	"configservice": "AWS_ENDPOINT_URL_CONFIG_SERVICE", "ec2": "AWS_ENDPOINT_URL_EC2"}

// FromProviderConfig reads the backend's configuration for region from the provider
// configuration args (aws:endpoints, aws:s3UsePathStyle, aws:accessKey, aws:secretKey)
// and, for what args leave unset, from the environment getenv reads (EndpointEnv,
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). It returns nil when neither names an
// endpoint: the stand-in then answers every type from its model.
func FromProviderConfig(args resource.PropertyMap, region, partition string, getenv func(string) string) (*Config, error) {
	endpoints, err := ParseEndpoints(args["endpoints"])
	if err != nil {
		return nil, err
	}
	if endpoints == nil {
		var list []map[string]any
		for key, env := range EndpointEnv {
			if u := cmp.Or(getenv(env), getenv("AWS_ENDPOINT_URL")); u != "" {
				list = append(list, map[string]any{key: u})
			}
		}
		if len(list) > 0 {
			b, _ := json.Marshal(list)
			if endpoints, err = ParseEndpoints(resource.NewProperty(string(b))); err != nil {
				return nil, fmt.Errorf("the AWS_ENDPOINT_URL variables: %w", err)
			}
		}
	}
	if endpoints == nil {
		return nil, nil
	}
	c := &Config{Region: region, Partition: partition, Endpoints: endpoints, S3UsePathStyle: boolean(args["s3UsePathStyle"]),
		AccessKey: text(args["accessKey"]), SecretKey: text(args["secretKey"]), SkipCredentialsValidation: boolean(args["skipCredentialsValidation"])}
	if c.AccessKey == "" {
		c.AccessKey, c.SecretKey = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	}
	return c, nil
}

// boolean reads a provider setting given as a bool or as its text, as the engine hands a
// default provider its configuration.
func boolean(v resource.PropertyValue) bool {
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	return (v.IsBool() && v.BoolValue()) || (v.IsString() && v.StringValue() == "true")
}

func text(v resource.PropertyValue) string {
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}
