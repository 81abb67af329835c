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
# Slim, as Debian's -slim images are: no package lists or archives (every
# apt-get in the Dockerfile starts with an update), no manuals or
# translations, now or from later installs; licences stay.
rm -rf "$root"/fs/var/lib/apt/lists/* "$root"/fs/var/cache/apt/*
cat >"$root/fs/etc/dpkg/dpkg.cfg.d/01-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
DPKG
find "$root/fs/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
rm -rf "$root"/fs/usr/share/man/* "$root"/fs/usr/share/info/* "$root"/fs/usr/share/locale/*
tar -C "$root/fs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
echo "container-base: made $image"
