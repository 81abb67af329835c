#!/usr/bin/env bash
# Installs every system package cicada needs to build, test and demo.
# Idempotent: when everything is present it prints nothing and changes nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost-all-dev cppzmq-dev libzmq3-dev libmsgpack-cxx-dev libspdlog-dev libfmt-dev
  doctest-dev libcli11-dev libyaml-cpp-dev nlohmann-json3-dev libssl-dev zlib1g-dev libexpected-dev
  python3 python3-msgpack python3-zmq python3-locust
  nginx openssl clang-format
  nodejs chromium prometheus
  # Deployment: the image and compose cluster (podman; its network stack,
  # netavark, sets up container networks with iptables), hosts from network
  # namespaces (iproute2), the Kubernetes checks (Go with Sprig for the chart).
  podman podman-compose docker-compose runc debootstrap uidmap slirp4netns netavark aardvark-dns iptables iproute2
  golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v2-dev
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done
# NodeSource's nodejs carries its own npm and conflicts with Debian's npm package.
command -v npm >/dev/null 2>&1 || missing+=(npm)

# npm packages pinned by lock files: in web/, the UI's charting library (the
# build embeds it) and the browser tests' driver; in tests/deploy/, the
# Kubernetes schemas for the manifest checks.
install_web_packages() {
  for dir in web tests/deploy; do
    if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
      [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      echo "install-deps: npm ci in $dir/"
      npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
    fi
  done
}
cd "$(dirname "$0")/.."

if [ ${#missing[@]} -eq 0 ]; then
  install_web_packages
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_web_packages
