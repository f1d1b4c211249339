// Package standin is a stand-in for the AWS provider plugin, for the real-engine tests
// only: the real plugin cannot be had on the test machines and AWS cannot be reached from
// them. It is a test double. It creates nothing anywhere; it answers the Pulumi engine's
// resource calls the way the real provider does where the program and the policy pack
// depend on it (ids, ARNs, generated credentials, replace versus update; see package
// fakeaws) and appends every call it serves to the file named by FAKEAWS_LOG. What exists
// in its AWS is kept in the file named by FAKEAWS_WORLD (package world): a create of a
// name that exists fails as AWS fails it, an import or a refresh reads it.
//
// With aws:endpoints in its provider configuration (an emulator on this machine, such as
// moto), the types package awsapi serves (the S3 types) are created, read, updated,
// deleted and imported through the AWS SDK against those endpoints instead; every other
// type keeps the model. It is still a test double: awsapi talks only to loopback
// endpoints.
//
// The command internal/testsupport/pulumi-resource-aws serves it; the engine uses that when
// its directory is on PATH ahead of any installed aws plugin. So that no one mistakes it
// for AWS, the command builds only with the build tag StandInTag (`go install ./...`
// skips it), refuses to start outside a test (Refusal), and every run it serves shows a
// warning saying what it is (Notice).
package standin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/internal/awsmodel"
	"github.com/secure-aws/secure-aws/internal/testsupport/awsapi"
	"github.com/secure-aws/secure-aws/internal/testsupport/oplog"
	"github.com/secure-aws/secure-aws/internal/testsupport/world"
)

// version is the pulumi-aws release the program's SDK asks for.
const version = "6.83.4"

// StandInTag is the build tag without which the command does not build.
const StandInTag = "fakeaws"

// Notice is the warning the stand-in shows in every preview and update it serves.
const Notice = "pulumi-resource-aws is secure-aws's stand-in for the AWS provider, a test double: nothing is created, read or deleted in AWS"

// Refusal is why the stand-in will not start with the environment getenv reads: it serves
// only a test, which names its world (world.EnvVar) or its log (oplog.EnvVar). A hand-run
// `pulumi up` that found it on PATH would otherwise report success while nothing exists.
func Refusal(getenv func(string) string) error {
	if getenv(world.EnvVar) != "" || getenv(oplog.EnvVar) != "" {
		return nil
	}
	return fmt.Errorf("%s. It runs only under secure-aws's real-engine tests, which set %s or %s; "+
		"remove it from PATH, and install the real provider (pulumi plugin install resource aws %s)", Notice, world.EnvVar, oplog.EnvVar, version)
}

// Main serves the stand-in to the engine, after Refusal.
func Main() error {
	if err := Refusal(os.Getenv); err != nil {
		return err
	}
	return provider.Main("aws", func(host *provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &server{
			host:    host,
			log:     oplog.Writer(os.Getenv(oplog.EnvVar)),
			world:   os.Getenv(world.EnvVar),
			account: awsmodel.Account{ID: "123456789012", Partition: "aws", Region: "us-east-1"},
		}, nil
	})
}

type server struct {
	pulumirpc.UnimplementedResourceProviderServer
	host    *provider.HostClient // the engine, which shows Notice
	log     func(oplog.Op) error
	world   string // the file of what exists
	mu      sync.Mutex
	account awsmodel.Account
	backend awsapi.Backend // nil without aws:endpoints: the model answers every type
}

// backendFor is the AWS backend when it answers for typ instead of the model, else nil.
func (s *server) backendFor(typ string) awsapi.Backend {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.backend == nil || !s.backend.Serves(typ) {
		return nil
	}
	return s.backend
}

// region is where a resource of typ lives in the world: its region if it is regional.
func (s *server) region(typ string) string {
	if !awsmodel.Regional[typ] {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.account.Region
}

// accountRegion is the region of the provider configuration.
func (s *server) accountRegion() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.account.Region
}

// change applies f to the world under the lock and saves it.
func (s *server) change(f func([]world.Resource) ([]world.Resource, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return world.Change(s.world, f)
}

var props = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	return plugin.UnmarshalProperties(s, props)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, props)
}

func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (s *server) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

func (s *server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *server) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return s.diff("", req)
}

// Configure takes the account and region from the provider configuration, as the real
// provider learns them from AWS; the stack pins the account with aws:allowedAccountIds.
// It shows Notice: the engine configures a provider in every preview and update. With
// endpoints it sets up the AWS backend (configureBackend).
func (s *server) Configure(ctx context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	if err := s.host.Log(ctx, diag.Warning, "", Notice); err != nil {
		return nil, fmt.Errorf("showing what the stand-in is: %w", err)
	}
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if r := args["region"]; r.IsString() && r.StringValue() != "" {
		s.account.Region, s.account.Partition = r.StringValue(), awsnames.Partition(r.StringValue())
	}
	allowed := accountIDs(args["allowedAccountIds"])
	if len(allowed) > 0 {
		s.account.ID = allowed[0]
	}
	account := s.account
	s.mu.Unlock()
	if err := s.configureBackend(ctx, args, account, allowed); err != nil {
		return nil, fmt.Errorf("configuring the stand-in's AWS backend: %w", err)
	}
	s.mu.Lock()
	account = s.account
	s.mu.Unlock()
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, s.log(oplog.Op{Op: "configure", Account: account.ID, Region: account.Region})
}

// configureBackend sets up the AWS backend when args or the environment name endpoints,
// and takes the account from STS's answer unless the configuration skips that check.
func (s *server) configureBackend(ctx context.Context, args resource.PropertyMap, account awsmodel.Account, allowed []string) error {
	c, err := awsapi.FromProviderConfig(args, account.Region, account.Partition, os.Getenv)
	if err != nil || c == nil {
		return err
	}
	c.Generated = s.logCredential
	backend, err := awsapi.New(*c)
	if err != nil {
		return err
	}
	id, err := c.Account(ctx, allowed)
	if err != nil {
		return err
	}
	var served []string
	for _, typ := range slices.Sorted(maps.Keys(awsmodel.ReplaceOn)) { // every type the model knows
		if backend.Serves(typ) {
			served = append(served, typ)
		}
	}
	if err := s.host.Log(ctx, diag.Info, "", fmt.Sprintf("the stand-in serves %v from the endpoints %v; every other type from its model", served, c.Endpoints)); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.backend = backend
	if id != "" {
		s.account.ID = id // what the emulator answers, not what the stack says
	}
	return nil
}

// accountIDs reads allowedAccountIds as a list or as its JSON text.
func accountIDs(v resource.PropertyValue) []string {
	var ids []string
	switch {
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			if e.IsString() {
				ids = append(ids, e.StringValue())
			}
		}
	case v.IsString():
		_ = json.Unmarshal([]byte(v.StringValue()), &ids)
	}
	return ids
}

func (s *server) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	return nil, fmt.Errorf("the stand-in AWS provider serves no function (asked for %s)", req.GetTok())
}

func (s *server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (s *server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return s.diff(req.GetType(), req)
}

// diff compares the old inputs with the new ones as the real provider does (awsmodel.Diff).
func (s *server) diff(typ string, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	changed, replaces := awsmodel.Diff(typ, olds, news, req.GetIgnoreChanges())
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, Diffs: changed, Replaces: replaces}
	if len(changed) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	if typ != "" {
		err = s.log(oplog.Op{Op: "diff", URN: req.GetUrn(), Type: typ, ID: req.GetId(), Changed: changed, Replaces: replaces})
	}
	return resp, err
}

func (s *server) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	inputs, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		// As the real provider: what AWS computes (ids, ARNs, secrets) is unknown until created.
		return &pulumirpc.CreateResponse{Properties: req.GetProperties()}, nil
	}
	if b := s.backendFor(req.GetType()); b != nil {
		id, state, err := b.Create(ctx, req.GetType(), inputs)
		if err != nil {
			return nil, err
		}
		return s.created(req, id, state)
	}
	id, state := s.state(req.GetType(), resource.URN(req.GetUrn()).Name(), inputs)
	region := s.region(req.GetType())
	code, fails := awsmodel.CreateFailure(req.GetType(), s.accountRegion())
	err = s.change(func(rs []world.Resource) ([]world.Resource, error) {
		created := world.Resource{Type: req.GetType(), ID: id, Region: region, Inputs: inputs.Mappable()}
		if awsmodel.OnePerAccount[req.GetType()] {
			rs = slices.DeleteFunc(rs, func(r world.Resource) bool { return r.Type == req.GetType() && r.ID != id })
		}
		i := world.FindIn(rs, req.GetType(), id, region)
		if i < 0 {
			rs = append(rs, created)
			return createListing(req.GetType(), rs, len(rs)-1), nil
		}
		if fails {
			return nil, fmt.Errorf("creating %s (%s): %s: it already exists", req.GetType(), id, code)
		}
		rs[i] = created // a put overwrites what was there
		return createListing(req.GetType(), rs, i), nil
	})
	if err != nil {
		return nil, err
	}
	return s.created(req, id, state)
}

// created answers a create with the id and state, and records it.
func (s *server) created(req *pulumirpc.CreateRequest, id string, state resource.PropertyMap) (*pulumirpc.CreateResponse, error) {
	out, err := marshal(state)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: out},
		s.log(oplog.Op{Op: "create", URN: req.GetUrn(), Type: req.GetType(), ID: id, Inputs: req.GetProperties()})
}

// state is what AWS reports after creating or updating a resource. Generated credentials
// are random, and recorded so tests can search the engine's state for them.
func (s *server) state(typ, name string, inputs resource.PropertyMap) (string, resource.PropertyMap) {
	s.mu.Lock()
	account := s.account
	s.mu.Unlock()
	var logErr error
	id, state := account.State(typ, name, inputs, func(user, kind string) string {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		value := "FAKEAWS-" + kind + "-" + hex.EncodeToString(b)
		logErr = s.logCredential(typ, user, kind, value)
		return value
	})
	if logErr != nil {
		cmdutil.ExitError(logErr.Error())
	}
	return id, state
}

// logCredential records a credential generated for user in plain text, so tests can
// search the engine's state for it, whether the model or the AWS backend made it.
func (s *server) logCredential(typ, user, kind, value string) error {
	return s.log(oplog.Op{Op: "credential", Type: typ, User: user, Kind: kind, Value: value})
}

// Read answers an import (no state yet) or a refresh from what exists: the resource's
// inputs as AWS holds them and the state derived from them; a resource that does not exist
// has no id.
func (s *server) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if b := s.backendFor(req.GetType()); b != nil {
		return s.readBackend(ctx, b, req)
	}
	region := s.region(req.GetType())
	s.mu.Lock()
	resources, err := world.Read(s.world)
	account := s.account
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	i := world.FindIn(resources, req.GetType(), req.GetId(), region)
	if err := s.log(oplog.Op{Op: "read", URN: req.GetUrn(), Type: req.GetType(), ID: req.GetId()}); err != nil {
		return nil, err
	}
	if i < 0 {
		return &pulumirpc.ReadResponse{}, nil
	}
	inputs := resource.NewPropertyMapFromMap(resources[i].Inputs)
	if l, ok := listings[req.GetType()]; ok {
		// What AWS lists for the owner, whoever added it: hand-made entries are drift.
		inputs[resource.PropertyKey(l.items)] = resource.NewPropertyValue(l.read(req.GetType(), resources, i))
	}
	_, state := account.State(req.GetType(), resource.URN(req.GetUrn()).Name(), inputs, func(string, string) string { return "" })
	old, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	keepCredentials(old, state)
	return readResponse(req.GetId(), state, inputs)
}

// readResponse answers a read with the resource's state and its inputs.
func readResponse(id string, state, inputs resource.PropertyMap) (*pulumirpc.ReadResponse, error) {
	props, err := marshal(state)
	if err != nil {
		return nil, err
	}
	in, err := marshal(inputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: id, Properties: props, Inputs: in}, nil
}

// readBackend answers an import or a refresh from the AWS backend. A refresh reports the
// inputs the program sent, each with the value AWS holds now (an input AWS does not report
// keeps its value), as the bridged provider extracts inputs from what it read: a setting
// the program leaves to AWS's default is no diff. An import reports all AWS holds.
func (s *server) readBackend(ctx context.Context, b awsapi.Backend, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if err := s.log(oplog.Op{Op: "read", URN: req.GetUrn(), Type: req.GetType(), ID: req.GetId()}); err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetInputs())
	if err != nil {
		return nil, err
	}
	read, state, err := b.Read(ctx, req.GetType(), req.GetId(), olds)
	if err != nil || read == nil {
		return &pulumirpc.ReadResponse{}, err
	}
	old, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	keepCredentials(old, state)
	inputs := read
	if len(olds) > 0 {
		inputs = resource.PropertyMap{}
		for k, v := range olds {
			if now, ok := read[k]; ok {
				v = now
			} else if _, ok := state[k]; !ok {
				state[k] = v // as the provider keeps what AWS does not report (a pgpKey, forceDestroy)
			}
			inputs[k] = v
		}
	}
	return readResponse(req.GetId(), state, inputs)
}

// keepCredentials carries the credentials AWS generated at creation over from old to
// state: AWS never reports them again.
func keepCredentials(old, state resource.PropertyMap) {
	for _, k := range []resource.PropertyKey{"secret", "encryptedSecret", "password", "encryptedPassword", "keyFingerprint"} {
		if v, ok := old[k]; ok {
			state[k] = v
		} else {
			delete(state, k)
		}
	}
}

// Update reports the state after an in-place update, in a preview as well: attributes AWS
// computed keep their values unless the update changes what they derive from (an IAM name
// in an ARN), and a credential, generated once at creation, is kept.
func (s *server) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	if b := s.backendFor(req.GetType()); b != nil {
		return s.updateBackend(ctx, b, req, olds, news)
	}
	s.mu.Lock()
	account := s.account
	s.mu.Unlock()
	_, state := account.State(req.GetType(), resource.URN(req.GetUrn()).Name(), news, func(string, string) string { return "" })
	keepCredentials(olds, state)
	out, err := marshal(state)
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		return &pulumirpc.UpdateResponse{Properties: out}, nil
	}
	region := s.region(req.GetType())
	err = s.change(func(rs []world.Resource) ([]world.Resource, error) {
		if i := world.FindIn(rs, req.GetType(), req.GetId(), region); i >= 0 {
			rs[i].Inputs = news.Mappable()
			return syncListing(req.GetType(), rs, i), nil
		}
		return rs, nil
	})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: out},
		s.log(oplog.Op{Op: "update", URN: req.GetUrn(), Type: req.GetType(), ID: req.GetId(), Inputs: req.GetNews()})
}

// updateBackend updates through the AWS backend. A preview reports the old state with the
// new inputs: what AWS computed stays known.
func (s *server) updateBackend(ctx context.Context, b awsapi.Backend, req *pulumirpc.UpdateRequest, olds, news resource.PropertyMap) (*pulumirpc.UpdateResponse, error) {
	state := olds.Copy()
	for k, v := range news {
		state[k] = v
	}
	if !req.GetPreview() {
		var err error
		if state, err = b.Update(ctx, req.GetType(), req.GetId(), olds, news); err != nil {
			return nil, err
		}
		keepCredentials(olds, state)
	}
	out, err := marshal(state)
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		return &pulumirpc.UpdateResponse{Properties: out}, nil
	}
	return &pulumirpc.UpdateResponse{Properties: out},
		s.log(oplog.Op{Op: "update", URN: req.GetUrn(), Type: req.GetType(), ID: req.GetId(), Inputs: req.GetNews()})
}

func (s *server) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	if b := s.backendFor(req.GetType()); b != nil {
		olds, err := unmarshal(req.GetOldInputs())
		if err != nil {
			return nil, err
		}
		if err := b.Delete(ctx, req.GetType(), req.GetId(), olds); err != nil {
			return nil, err
		}
		return &emptypb.Empty{}, s.log(oplog.Op{Op: "delete", URN: req.GetUrn(), Type: req.GetType(), ID: req.GetId()})
	}
	region := s.region(req.GetType())
	err := s.change(func(rs []world.Resource) ([]world.Resource, error) {
		if i := world.FindIn(rs, req.GetType(), req.GetId(), region); i >= 0 {
			rs = slices.Delete(rs, i, i+1)
		}
		return rs, nil
	})
	if err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, s.log(oplog.Op{Op: "delete", URN: req.GetUrn(), Type: req.GetType(), ID: req.GetId()})
}
