package components

import (
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
)

// TestEveryOutputIsDeclared: every output field of every component carries its output
// tag, so registration and the stack exports cannot miss one.
func TestEveryOutputIsDeclared(t *testing.T) {
	output := reflect.TypeFor[pulumi.Output]()
	var check func(reflect.Type, string)
	check = func(typ reflect.Type, component string) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			switch {
			case f.Anonymous && f.IsExported() && f.Type.Kind() == reflect.Struct:
				check(f.Type, component)
			case f.IsExported() && f.Type.Implements(output):
				_, tagged := f.Tag.Lookup("output")
				assert.True(t, tagged, "%s.%s has no output tag", component, f.Name)
			}
		}
	}
	for _, c := range []any{AccountBaseline{}, AdminGroup{}, DeveloperGroup{}, AppUser{}, ThirdPartyUser{}, BackupVault{}, SecureBucket{}, CIDeployRole{}, AuditTrail{}} {
		check(reflect.TypeOf(c), reflect.TypeOf(c).Name())
	}
}

func TestOutputsByKind(t *testing.T) {
	app := &AppUser{}
	keys := func(m pulumi.Map) []string { return slices.Sorted(maps.Keys(m)) }
	assert.Equal(t, []string{"accessKeyId", "accessKeyIds", "arn", "groupName", "secretAccessKey", "userName"}, keys(Outputs(app, AllOutputs)))
	assert.Equal(t, []string{"accessKeyId", "accessKeyIds", "arn", "groupName", "userName"}, keys(Outputs(app, PublicOutputs)))
	assert.Equal(t, []string{"secretAccessKey"}, keys(Outputs(app, SecretOutputs)))
	assert.Equal(t, []string{"initialPasswords"}, keys(Outputs(&AdminGroup{}, SecretOutputs)))
}
