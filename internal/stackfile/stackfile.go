// Package stackfile reads Pulumi.yaml and Pulumi.<stack>.yaml with the Pulumi SDK's own
// loaders and returns the configuration as the engine hands it to the program: full keys
// ("secure-aws:apps") and structured values as JSON text. Tests and the offline plan use
// it, so they run the program on exactly what `pulumi up` would.
package stackfile

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// Stack is one stack file's configuration.
type Stack struct {
	Name   string
	Config map[string]string
}

// Load reads the project in dir and the configuration of stack, and checks every project
// key against its declared type as the engine does.
func Load(dir, stack string) (*Stack, error) {
	project, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, fmt.Errorf("loading Pulumi.yaml: %w", err)
	}
	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("loading stack %s: %w", stack, err)
	}
	ps, err := workspace.LoadProjectStack(nil, project, path)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", filepath.Base(path), err)
	}
	values, err := ps.Config.Decrypt(config.NopDecrypter)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Base(path), err)
	}
	out := &Stack{Name: stack, Config: map[string]string{}}
	for k, v := range values {
		out.Config[k.String()] = v
		if err := checkType(project, k, ps.Config[k]); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
	}
	return out, nil
}

// checkType applies the project's declared config type to one value, as the engine does
// before it runs the program.
func checkType(project *workspace.Project, k config.Key, v config.Value) error {
	decl, declared := project.Config[k.String()]
	if !declared || !decl.IsExplicitlyTyped() {
		return nil
	}
	obj, err := v.ToObject()
	if err != nil {
		return err
	}
	if !workspace.ValidateConfigValue(decl.TypeName(), decl.Items, obj) {
		return fmt.Errorf("%s must be of type %s", k, workspace.InferFullTypeName(decl.TypeName(), decl.Items))
	}
	return nil
}

// Names lists the stacks that have a Pulumi.<stack>.yaml in dir, sorted.
func Names(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range matches {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml"))
	}
	slices.Sort(names)
	return names, nil
}
