// Package world is what exists in the stand-in provider's AWS: every resource by type and
// id with the inputs it was created or last updated with. It lives in a JSON file, so the
// provider processes of successive Pulumi commands, and the tests that seed resources a
// team already has, share it.
package world

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
)

// EnvVar names the file; unset, nothing persists between commands.
const EnvVar = "FAKEAWS_WORLD"

// Resource is one existing resource: its type, id and inputs as plain JSON values.
type Resource struct {
	Type   string         `json:"type"`
	ID     string         `json:"id"`
	Region string         `json:"region,omitempty"` // for regional resources; "" for global ones
	Inputs map[string]any `json:"inputs"`
}

// Load reads the world in path; a missing file (or no path) is an empty world.
func Load(path string) ([]Resource, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Resource
	return out, json.Unmarshal(b, &out)
}

// Save writes the world to path (nothing without a path), atomically: into a temporary
// file of the same directory, renamed over path, so a reader that does not take the lock
// (a test looking at what exists) sees the old world or the new one, never half of one.
func Save(path string, resources []Resource) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(resources, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}

// Find returns the index of the global resource of typ and id, or -1.
func Find(resources []Resource, typ, id string) int { return FindIn(resources, typ, id, "") }

// FindIn returns the index of the resource of typ and id in region ("" for a global
// resource), or -1.
func FindIn(resources []Resource, typ, id, region string) int {
	for i, r := range resources {
		if r.Type == typ && r.ID == id && r.Region == region {
			return i
		}
	}
	return -1
}
