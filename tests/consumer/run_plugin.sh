#!/bin/sh
# Runs a compiled test plugin under installed cicada executables, as a user
# would: standalone, then a master with two cicada-worker processes. Fails
# unless each run exits 0 and its stats CSV has the plugin's PING row, named
# by the plugin's own option.
#   run_plugin.sh PREFIX PLUGIN WORK_DIR
set -eu
prefix=$1 plugin=$2 work=$3
mkdir -p "$work"
cd "$work"

expect_row() {  # CSV ROW
  if ! grep -q "^PING,$2," "$1"; then
    echo "no PING,$2 row in $1:" >&2
    cat "$1" >&2
    exit 1
  fi
}

"$prefix/bin/cicada" -f "$plugin" --headless -u 2 -r 10 -t 2 --only-summary \
  --ping-name /standalone --csv standalone > standalone.log 2>&1 || {
  cat standalone.log >&2
  exit 1
}
expect_row standalone_stats.csv /standalone
echo "standalone cicada ran the plugin"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$prefix/bin/cicada-master" -f "$plugin" --headless -u 4 -r 20 -t 3 --expect-workers 2 \
  --master-bind-host 127.0.0.1 --master-bind-port "$port" --only-summary \
  --ping-name /distributed --csv distributed > master.log 2>&1 &
master=$!
for worker in 1 2; do
  timeout 60 "$prefix/bin/cicada-worker" -f "$plugin" --master-port "$port" \
    > "worker$worker.log" 2>&1 &
done
status=0
wait "$master" || status=$?
wait || true
if [ "$status" -ne 0 ]; then
  cat master.log worker1.log worker2.log >&2
  exit 1
fi
expect_row distributed_stats.csv /distributed
echo "cicada-master with two cicada-worker processes ran the plugin"
