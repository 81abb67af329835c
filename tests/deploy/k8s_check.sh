#!/usr/bin/env bash
# The Kubernetes files, checked offline (no cluster, no Helm binary): builds
# helm_render (Go's text/template with Sprig, Helm's own engine and library,
# from Debian's packages) and runs k8s_manifests.test.mjs on deploy/k8s and
# the rendered chart.
# Usage: k8s_check.sh BUILD_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
build="$1"
mkdir -p "$build"

command -v go >/dev/null || { echo "SKIP: go is not installed (scripts/install-deps.sh installs golang-go)"; exit 77; }
[ -d "$here/node_modules/kubernetes-models" ] ||
  { echo "SKIP: run npm ci --prefix tests/deploy (scripts/install-deps.sh does)"; exit 77; }

# Debian installs Go libraries in GOPATH layout without their /v3 folders:
# a GOPATH of links gives Sprig's module paths.
gopath="$build/gopath"
for lib in sprig semver; do
  mkdir -p "$gopath/src/github.com/Masterminds/$lib"
  ln -sfn "/usr/share/gocode/src/github.com/Masterminds/$lib" "$gopath/src/github.com/Masterminds/$lib/v3"
done
(cd "$here/helm_render" &&
  GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOCACHE="$build/gocache" \
    go build -o "$build/helm_render" .)
node "$here/k8s_manifests.test.mjs" "$repo" "$build/helm_render"
