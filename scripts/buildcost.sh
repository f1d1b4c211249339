#!/usr/bin/env bash
# Prints what it costs to build the program: cold (empty build cache) and warm build time
# and peak memory, beside a minimal Pulumi program that imports the same AWS sub-packages
# and does nothing. Needs GNU time (/usr/bin/time) and the Go module cache filled
# (go mod download). Takes a few minutes: the cold builds compile the AWS SDK twice.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The minimal program: same module requirements, same AWS sub-packages, no logic.
mkdir -p "$work/minimal"
sed 's#^module .*#module minimal#' go.mod > "$work/minimal/go.mod"
cp go.sum "$work/minimal/"
# Its imports are the program's own AWS sub-packages, read from the build, so the two
# never drift apart.
{
	echo 'package main'
	echo 'import ('
	go list -deps . | grep -E '^github.com/pulumi/pulumi-aws/sdk/v6/go/aws(/[a-z0-9]+)?$' | grep -v '/internal$' | sed 's/.*/\t_ "&"/'
	echo '	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"'
	echo ')'
	echo 'func main() { pulumi.Run(func(*pulumi.Context) error { return nil }) }'
} > "$work/minimal/main.go"

# measure LABEL DIR MODFLAG: one cold and one warm build, each timed by GNU time. Its peak
# is the largest single process's resident memory (the compiler or the linker), not the sum
# of the compilations running side by side.
measure() {
	local label=$1 dir=$2 mod=$3 cache="$work/cache-$1"
	for run in cold warm; do
		/usr/bin/time -f "%e %M" -o "$work/time" \
			env GOCACHE="$cache" GOFLAGS="$mod -buildvcs=false" go build -C "$dir" -o "$work/bin-$label" . 2>/dev/null
		read -r secs kib < "$work/time"
		printf '%-10s %-5s %8.1f s %8.0f MiB peak\n' "$label" "$run" "$secs" "$((kib / 1024))"
	done
}

echo "go: $(go version | cut -d' ' -f3), $(nproc) cores"
measure program "$PWD" -mod=readonly       # never rewrites the repository's go.mod
measure minimal "$work/minimal" -mod=mod   # its go.mod is a scratch copy
printf 'binary sizes: program %s MiB, minimal %s MiB\n' \
	"$(( $(stat -c %s "$work/bin-program") / 1048576 ))" "$(( $(stat -c %s "$work/bin-minimal") / 1048576 ))"
