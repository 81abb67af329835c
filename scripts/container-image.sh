#!/usr/bin/env bash
# Builds cicada's container image (deploy/Dockerfile) with podman on a Debian
# 12 base made here (scripts/container-base.sh).
# Usage: scripts/container-image.sh [IMAGE]   (default localhost/cicada:latest)
set -euo pipefail
cd "$(dirname "$0")/.."

image="${1:-localhost/cicada:latest}"
base="localhost/cicada-base:bookworm"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/deploy/podman/containers.conf}"
scripts/container-base.sh "$base"
[ -f web/node_modules/uplot/dist/uPlot.iife.min.js ] ||
  npm ci --prefix web --no-audit --no-fund --loglevel=error >/dev/null
podman build --quiet --file deploy/Dockerfile --build-arg BASE_IMAGE="$base" --tag "$image" . >/dev/null
echo "container-image: built $image"
# The previous build's stages are dangling now; the ccache mount keeps what
# makes the next build fast.
podman image prune --force >/dev/null
