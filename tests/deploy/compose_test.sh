#!/usr/bin/env bash
# The container path, for real: builds cicada's image with podman from a
# Debian 12 base made by debootstrap (scripts/container-image.sh), brings
# deploy/docker-compose.yml up (master, 3 workers, the target), runs a
# headless test to completion, checks the master's CSV against the target's
# own request count, and tears everything down. Twice: with podman-compose,
# then with docker-compose (`--scale worker=3`) talking to podman's
# Docker-compatible API, where docker-compose is installed.
#
# Usage: compose_test.sh WORKDIR
# Exits 77 (ctest's skip code) with the reason where containers cannot run.
set -uo pipefail
cd "$(dirname "$0")/../.."

work="$1"
users=30
run_time=20
workers=3
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/deploy/podman/containers.conf}"

skip() { echo "SKIP: $*"; exit 77; }
project=""
fail() {
  echo "FAIL: $*"
  for container in $(podman ps -a --format '{{.Names}}' --filter "name=^${project}_"); do
    echo "--- $container"; podman logs --tail 25 "$container" 2>&1
  done
  exit 1
}
command -v podman >/dev/null || skip "podman is not installed"
command -v podman-compose >/dev/null || skip "podman-compose is not installed"
command -v debootstrap >/dev/null || skip "debootstrap is not installed"

image="localhost/cicada:test"
echo "1. the image: built from deploy/Dockerfile on a debootstrap'd Debian 12"
scripts/container-image.sh "$image" || fail "the image did not build"
podman run --rm "$image" true 2>"$work.run-error" ||
  skip "containers cannot start here: $(tail -1 "$work.run-error")"
[ "$(podman run --rm "$image" id -u)" = 10001 ] || fail "the image does not run as uid 10001"
podman run --rm "$image" cicada-master --version >/dev/null || fail "cicada-master does not run in the image"

rm -rf "$work" && mkdir -p "$work/scenario" "$work/results"
chmod 755 "$work" "$work/scenario" && chmod 777 "$work/results"
cat >"$work/scenario/scenario.yaml" <<YAML
users:
  - name: Reader
    wait_time: {constant: 0.1}
    tasks:
      - get: /
      - get: /json
YAML
chmod 644 "$work/scenario/scenario.yaml"

web_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# compose TOOL ARGS...: the cluster's settings, then podman-compose or docker-compose.
compose() {
  local tool="$1"
  shift
  CICADA_IMAGE="$image" CICADA_WORKERS="${replicas:-$workers}" CICADA_SCENARIO_DIR="$work/scenario" \
    CICADA_SCENARIO=scenario.yaml CICADA_RESULTS_DIR="$work/results" CICADA_WEB_PORT="$web_port" \
    CICADA_HEADLESS=true CICADA_USERS="$users" CICADA_SPAWN_RATE="$users" \
    CICADA_RUN_TIME="${run_time}s" CICADA_EXPECT_WORKERS="$workers" CICADA_CSV=/mnt/results/run \
    "$tool" --project-name "$project" --file deploy/docker-compose.yml "$@"
}
tool=podman-compose
service_pid=""
cleanup() {
  [ -n "$project" ] || return 0
  compose "$tool" down --timeout 5 >>"$work/down.log" 2>&1
  # podman-compose 1.0 can leave a replica behind, and never removes its network.
  podman rm --force $(podman ps --all --quiet --filter "label=com.docker.compose.project=$project") \
    >>"$work/down.log" 2>&1
  podman network rm "${project}_default" >>"$work/down.log" 2>&1
  project=""
}
trap 'cleanup; [ -n "$service_pid" ] && kill "$service_pid"' EXIT

# run_cluster TOOL UP_ARGS...: a whole headless test on a fresh cluster.
run_cluster() {
  tool="$1"
  shift
  project="cic$$${tool%%-*}"
  rm -f "$work"/results/*
  compose "$tool" up -d "$@" >"$work/up-$tool.log" 2>&1 ||
    fail "$tool up failed: $(tail -5 "$work/up-$tool.log")"
  local master="${project}_master_1" target="${project}_target_1"
  # podman-compose 1.0 reports success even when a container failed to start.
  for container in "$master" "$target" "${project}_worker_$workers"; do
    podman container exists "$container" ||
      fail "$container was not created: $(grep -m1 -i error "$work/up-$tool.log")"
  done
  for ((i = 0; i < 60; i++)); do
    [ "$(podman inspect -f '{{.State.Running}}' "$master" 2>/dev/null)" = false ] && break
    sleep 2
  done
  [ "$(podman inspect -f '{{.State.Running}}' "$master")" = false ] ||
    fail "the master was still running after 120 s"
  local code
  code="$(podman inspect -f '{{.State.ExitCode}}' "$master")"
  podman logs "$master" >"$work/master-$tool.log" 2>&1
  grep -q "$workers workers connected" "$work/master-$tool.log" || fail "not every worker connected"
  [ "$code" = 0 ] || fail "the master exited with $code"

  echo "   the master's CSV against the target's own count"
  local counts served=0 n aggregated recorded failed
  counts="$(podman exec "$target" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 &&
    printf "GET /__counts HTTP/1.0\r\n\r\n" >&3 && sed "1,/^\r$/d" <&3')" ||
    fail "could not ask the target for its count"
  for path in / /json; do
    n="$(grep -o "\"GET ${path//\//\\/}\": *[0-9]*" <<<"$counts" | grep -o '[0-9]*$')"
    served=$((served + ${n:-0}))
  done
  aggregated="$(grep ',Aggregated,' "$work/results/run_stats.csv")" || fail "no run_stats.csv from the master"
  recorded="$(cut -d, -f3 <<<"$aggregated")"
  failed="$(cut -d, -f4 <<<"$aggregated")"
  echo "   target served $served, master recorded $recorded ($failed failed)"
  [ "$failed" = 0 ] || fail "$failed requests failed"
  # A request in flight when users stop is served but never recorded: at most one per user.
  [ "$recorded" -le "$served" ] && [ $((served - recorded)) -le "$users" ] ||
    fail "the counts disagree: served $served, recorded $recorded"
  [ "$recorded" -gt 1000 ] || fail "too few requests ($recorded) for a ${run_time}s run"
  cleanup
}

echo "2. podman-compose up: master, $workers workers (deploy.replicas), target"
run_cluster podman-compose

echo "3. docker-compose up --scale worker=$workers, through podman's Docker API"
if command -v docker-compose >/dev/null; then
  podman system service --time=0 "unix://$work/podman.sock" >"$work/service.log" 2>&1 &
  service_pid=$!
  for ((i = 0; i < 50; i++)); do [ -S "$work/podman.sock" ] && break; sleep 0.1; done
  export DOCKER_HOST="unix://$work/podman.sock"
  # deploy.replicas of 1: only --scale can make the workers the test waits for.
  replicas=1
  run_cluster docker-compose --scale "worker=$workers"
else
  echo "   skipped: docker-compose is not installed"
fi
echo "PASS"
