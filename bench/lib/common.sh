# Helpers shared by the bench/ scripts: dependencies, the release build, a
# pinned nginx target that counts requests itself, and medians.
# Source it from a script that has already cd'ed to the repository root.

bench_install() {
  scripts/install-deps.sh
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$' ||
      missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bench: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

bench_build_release() {
  cmake --preset release >/dev/null
  cmake --build --preset release -- "$@" >/dev/null
}

# Median, min and max of the numbers on stdin: "median min max".
bench_stats() {
  sort -n | awk '{a[NR]=$1} END {printf "%s %s %s\n", a[int((NR+1)/2)], a[1], a[NR]}'
}

# nginx with one worker pinned to core 0, no access log, unlimited keep-alive,
# answering /100 and /1k with fixed bodies and /nginx_status with its counters.
# Usage: bench_nginx_start DIR PORT
bench_nginx_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  local body100 body1k
  body100=$(head -c 100 /dev/zero | tr '\0' 'a')
  body1k=$(head -c 1024 /dev/zero | tr '\0' 'b')
  cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
worker_cpu_affinity 01;
worker_rlimit_nofile 19500;
daemon on;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 19000; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port backlog=16384;
    default_type text/plain;
    location = /100 { return 200 "$body100"; }
    location = /1k { return 200 "$body1k"; }
    location = /nginx_status { stub_status; }
  }
}
CONF
  nginx -c "$dir/nginx.conf" -p "$dir"
}

bench_nginx_stop() {
  local dir=$1
  [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
  sleep 0.5
}

# Requests nginx has handled so far (stub_status's third counter).
bench_nginx_requests() {
  local port=$1
  curl -s "http://127.0.0.1:$port/nginx_status" | awk 'NR==3 {print $3}'
}
