package components

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Which selects outputs by kind.
type Which int

// The kinds of outputs.
const (
	AllOutputs    Which = iota // what a component registers
	PublicOutputs              // what the stack exports in its maps
	SecretOutputs              // the credentials, which the stack exports apart
)

// Outputs are a component's outputs as its fields declare them: each field tagged
// `output:"name"`, or `output:"name,secret"` for a credential, embedded structs included.
// Every component registers all of them; the stack exports the public ones in its maps and
// the secret ones apart. The tag is the one place an output is named.
func Outputs(c any, which Which) pulumi.Map {
	out := pulumi.Map{}
	collectOutputs(reflect.Indirect(reflect.ValueOf(c)), which, out)
	return out
}

func collectOutputs(v reflect.Value, which Which, out pulumi.Map) {
	for i := range v.NumField() {
		f := v.Type().Field(i)
		tag, tagged := f.Tag.Lookup("output")
		switch {
		case tagged:
			name, opt, _ := strings.Cut(tag, ",")
			if secret := opt == "secret"; which == AllOutputs || secret == (which == SecretOutputs) {
				out[name] = v.Field(i).Interface().(pulumi.Input)
			}
		case f.Anonymous && f.IsExported() && f.Type.Kind() == reflect.Struct:
			collectOutputs(v.Field(i), which, out)
		}
	}
}

// registerOutputs registers every output of c, as Outputs declares them.
func registerOutputs(ctx *pulumi.Context, c pulumi.ComponentResource, name string) error {
	if err := ctx.RegisterResourceOutputs(c, Outputs(c, AllOutputs)); err != nil {
		return fmt.Errorf("registering the outputs of %s: %w", name, err)
	}
	return nil
}
