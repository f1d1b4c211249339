// Package oplog is the record the stand-in AWS provider keeps of every call it serves, one
// JSON object per line, and the reader the real-engine tests use to assert on it.
package oplog

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// EnvVar names the file the provider appends to; unset, it records nothing.
const EnvVar = "FAKEAWS_LOG"

// Op is one call the provider served.
type Op struct {
	Op       string   `json:"op"` // configure, diff, create, update, read, delete, credential
	URN      string   `json:"urn,omitempty"`
	Type     string   `json:"type,omitempty"`
	ID       string   `json:"id,omitempty"`
	Changed  []string `json:"changed,omitempty"`  // diff: the inputs that differ
	Replaces []string `json:"replaces,omitempty"` // diff: those that force a replacement
	// Inputs are what the engine sent to create or update, in the engine's wire form.
	Inputs *structpb.Struct `json:"-"`
	Wire   json.RawMessage  `json:"inputs,omitempty"`
	// Account and Region are what configure learned.
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	// User, Kind and Value describe a generated credential in plain text.
	User  string `json:"user,omitempty"`
	Kind  string `json:"kind,omitempty"`
	Value string `json:"value,omitempty"`
}

// Properties decodes the inputs of a create or update, secrets kept as secrets.
func (o Op) Properties() (resource.PropertyMap, error) {
	s := &structpb.Struct{}
	if len(o.Wire) > 0 {
		if err := protojson.Unmarshal(o.Wire, s); err != nil {
			return nil, err
		}
	}
	return plugin.UnmarshalProperties(s, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true})
}

// Writer returns a function that appends one Op to path; with no path it records nothing.
func Writer(path string) func(Op) error {
	var mu sync.Mutex
	return func(o Op) error {
		if path == "" {
			return nil
		}
		if o.Inputs != nil {
			wire, err := protojson.Marshal(o.Inputs)
			if err != nil {
				return err
			}
			o.Wire = wire
		}
		line, err := json.Marshal(o)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		_, err = f.Write(append(line, '\n'))
		return errors.Join(err, f.Close())
	}
}

// Read returns every Op recorded in path, in order; a missing file holds none.
func Read(path string) ([]Op, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ops []Op
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var o Op
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		ops = append(ops, o)
	}
	return ops, sc.Err()
}
