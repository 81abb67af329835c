#!/usr/bin/env bash
# Makes a Debian 12 (bookworm) base image for deploy/Dockerfile with
# debootstrap and imports it into podman, for hosts that reach Debian's
# package mirror but no image registry. Does nothing when the image exists.
# Usage: scripts/container-base.sh [IMAGE]   (default localhost/cicada-base:bookworm)
set -euo pipefail
cd "$(dirname "$0")/.."

image="${1:-localhost/cicada-base:bookworm}"
# runc, cgroupfs and ulimits below the host's: see the file for why.
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/deploy/podman/containers.conf}"
if podman image exists "$image"; then
  exit 0
fi
mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)"
mirror="${mirror:-http://deb.debian.org/debian}"

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
echo "container-base: debootstrap bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root/fs" "$mirror" >"$root/log" 2>&1 ||
  { tail -20 "$root/log" >&2; exit 1; }
# Package lists and downloaded archives only make the image bigger; every
# apt-get in the Dockerfile starts with an update.
rm -rf "$root"/fs/var/lib/apt/lists/* "$root"/fs/var/cache/apt/*
tar -C "$root/fs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
echo "container-base: made $image"
