#!/usr/bin/env bash
# Workers on other hosts, for real: four Linux network namespaces joined by a
# bridge stand for four machines (master, two workers, the target). A
# distributed test runs through their addresses; one worker's link is cut
# (the master must mark it missing and move its users to the other), then
# restored (the worker must come back and get its share again); at the end
# the master's CSV must agree with the target's own request count.
#
# Usage: netns_hosts_test.sh MASTER WORKER TARGET WORKDIR
# Exits 77 (ctest's skip code) with the reason where namespaces cannot be made.
set -uo pipefail

master_bin="$1" worker_bin="$2" target_bin="$3" work="$4"
users=20
run_time=45

skip() { echo "SKIP: $*"; exit 77; }
fail() {
  echo "FAIL: $*"
  for log in "$work"/*.log; do echo "--- $log"; tail -25 "$log"; done
  exit 1
}
[ "$(id -u)" -eq 0 ] || skip "network namespaces need root (running as uid $(id -u))"
command -v ip >/dev/null || skip "iproute2's ip is not installed"

# Names unique to this run, so parallel or leftover runs do not collide.
tag="cic$$"
switch="$tag-sw"
hosts=(master w1 w2 target)
declare -A address=([master]=10.213.0.1 [w1]=10.213.0.2 [w2]=10.213.0.3 [target]=10.213.0.4)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  wait 2>/dev/null
  for host in "${hosts[@]}"; do ip netns del "$tag-$host" 2>/dev/null; done
  ip netns del "$switch" 2>/dev/null
}
trap cleanup EXIT

ip netns add "$switch" 2>/dev/null || skip "cannot create network namespaces here (ip netns add failed)"
ip -n "$switch" link add br0 type bridge || fail "cannot create a bridge"
ip -n "$switch" link set br0 up
for host in "${hosts[@]}"; do
  ns="$tag-$host"
  ip netns add "$ns" || fail "ip netns add $ns"
  # The cable: eth0 in the host, its peer port-<host> on the switch's bridge.
  ip -n "$switch" link add "port-$host" type veth peer name eth0 netns "$ns" || fail "veth for $host"
  ip -n "$switch" link set "port-$host" master br0 up
  ip -n "$ns" addr add "${address[$host]}/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
done
on() { local host="$1"; shift; ip netns exec "$tag-$host" "$@"; }

# GET http://ADDRESS:PORT/PATH from inside HOST, body on stdout.
http_get() {
  on "$1" bash -c 'exec 3<>/dev/tcp/$0/$1 || exit 1
    printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$0" >&3
    sed "1,/^\r$/d" <&3' "$2" "$3" "$4"
}
count_in() { grep -c -- "$2" "$work/$1.log" 2>/dev/null || true; }
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local limit="$1" what="$2"; shift 2
  for ((i = 0; i < limit * 5; i++)); do "$@" && return 0; sleep 0.2; done
  fail "$what (waited ${limit}s)"
}
logged() { [ "$(count_in "$1" "$2")" -ge "${3:-1}" ]; }

rm -rf "$work" && mkdir -p "$work"
cat >"$work/scenario.yaml" <<YAML
host: http://${address[target]}:8080
users:
  - name: Reader
    wait_time: {constant: 0.1}
    tasks:
      - get: /
YAML

on target "$target_bin" --host "${address[target]}" --port 8080 >"$work/target.log" 2>&1 &
pids+=($!)
wait_for 10 "the target did not start" logged target "listening on"
on master "$master_bin" -f "$work/scenario.yaml" --headless -u "$users" -r "$users" \
  -t "${run_time}s" --expect-workers 2 --master-bind-host "${address[master]}" \
  --csv "$work/run" >"$work/master.log" 2>&1 &
master_pid=$!
pids+=("$master_pid")
for worker in w1 w2; do
  on "$worker" "$worker_bin" -f "$work/scenario.yaml" --master-host "${address[master]}" \
    >"$work/$worker.log" 2>&1 &
  pids+=($!)
done

echo "1. both workers get half the users, through the namespaces' addresses"
wait_for 20 "the master did not spawn every user" logged master "All users spawned"
wait_for 10 "w1 did not run its share" logged w1 "($((users / 2)) users)"
wait_for 10 "w2 did not run its share" logged w2 "($((users / 2)) users)"
sleep 3

echo "2. w1's link is cut: the master marks it missing and moves its users to w2"
ip -n "$switch" link set port-w1 down
cut_at=$SECONDS
wait_for 10 "the master did not mark w1 missing" logged master "failed to send heartbeat, setting state to missing"
echo "   missing after $((SECONDS - cut_at)) s"
wait_for 10 "w2 did not take over w1's users" logged w2 "($users users)"
sleep 3

echo "3. the link is restored: w1 heals and the users are shared again"
ip -n "$switch" link set port-w1 up
wait_for 15 "w1 did not come back" logged master "self-healed with heartbeat"
wait_for 10 "w2 did not give users back" logged w2 "($((users / 2)) users)" 2
wait_for 10 "w1 did not get users back" logged w1 "($((users / 2)) users)" 2

echo "4. the run ends by itself; the master's CSV agrees with the target's count"
for ((i = 0; i < run_time + 30; i++)); do kill -0 "$master_pid" 2>/dev/null || break; sleep 1; done
kill -0 "$master_pid" 2>/dev/null && fail "the master did not end after its run time"
wait "$master_pid"
code=$?
[ "$code" -le 1 ] || fail "the master exited with $code"
counts="$(http_get target "${address[target]}" 8080 /__counts)"
served="$(sed -n 's/.*"GET \/": *\([0-9]*\).*/\1/p' <<<"$counts")"
aggregated="$(grep ',Aggregated,' "$work/run_stats.csv")" || fail "no Aggregated row in run_stats.csv"
recorded="$(cut -d, -f3 <<<"$aggregated")"
failed="$(cut -d, -f4 <<<"$aggregated")"
echo "   target served $served, master recorded $recorded ($failed failed)"
[ -n "$served" ] && [ -n "$recorded" ] || fail "could not read the counts ($counts / $aggregated)"
# Requests still in flight when users stop are served but never recorded: at
# most one per user. Nothing may be recorded that the target did not serve.
succeeded=$((recorded - failed))
[ "$succeeded" -le "$served" ] || fail "recorded $succeeded successes, target served only $served"
[ $((served - succeeded)) -le "$users" ] || fail "target served $served, only $succeeded recorded"
[ "$succeeded" -gt 1000 ] || fail "too few requests ($succeeded) for a ${run_time}s run"
echo "PASS"
