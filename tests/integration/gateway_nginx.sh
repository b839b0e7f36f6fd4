#!/usr/bin/env bash
# e2e: the gateway suite against examples/nginx-gateway (Debian's nginx with
# libnginx-mod-http-lua), everything on 127.0.0.1:
#   1. nginx is started with its own prefix (a temporary directory) on a free
#      loopback port, reading the APIcast configuration file per request;
#   2. `scalecheck run --gateway` starts the mock backend and the upstream
#      echo on ephemeral ports and writes each scenario's configuration
#      (pointing at them) to that file before running it;
#   3. nginx is stopped and the directory removed on exit.
# Usage: gateway_nginx.sh SCALECHECK SCENARIO_PATH... [-- RUN_FLAGS...]
# With GATEWAY_DEFECT=first_rule_only the gateway reports only the first
# matching rule's usage: the run must then fail (exit 1) with a diff naming
# the authrep usage; the script checks that and exits 0 if so.
set -uo pipefail
scalecheck=$1
shift
paths=()
while [[ $# -gt 0 && "$1" != "--" ]]; do paths+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
here=$(cd "$(dirname "$0")/../../examples/nginx-gateway" && pwd)
defect=${GATEWAY_DEFECT:-}
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx ]] || { echo "nginx not found (scripts/install-deps)"; exit 1; }
[[ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ]] ||
  { echo "libnginx-mod-http-lua is not installed (scripts/install-deps)"; exit 1; }

work=$(mktemp -d)
# nginx's workers may run as another user (www-data when started as root).
chmod 755 "$work"
nginx_pid=
cleanup() {
  if [[ -n "$nginx_pid" ]]; then
    kill -QUIT "$nginx_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nginx_pid" 2>/dev/null
    wait "$nginx_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

config="$work/apicast.json"
echo '{"services":[]}' >"$config"

# nginx needs its port in its configuration: try random free-looking ports
# in the ephemeral range until one binds.
port=
for attempt in $(seq 20); do
  candidate=$((49152 + (RANDOM * 32768 + RANDOM) % 16000))
  mkdir -p "$work/nginx"
  conf=$(<"$here/nginx.conf.in")
  conf=${conf//@PREFIX@/"$work/nginx"}
  conf=${conf//@PORT@/"$candidate"}
  conf=${conf//@HERE@/"$here"}
  conf=${conf//@CONFIG@/"$config"}
  conf=${conf//@DEFECT@/"$defect"}
  printf '%s\n' "$conf" >"$work/nginx/nginx.conf"
  : >"$work/nginx/error.log"
  "$nginx" -p "$work/nginx" -c nginx.conf -e "$work/nginx/error.log" &
  nginx_pid=$!
  # Up when it answers; gone when the port was taken.
  for _ in $(seq 50); do
    if ! kill -0 "$nginx_pid" 2>/dev/null; then break; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
    sleep 0.1
  done
  # Something else may have answered on that port while nginx was failing
  # to bind it: nginx must still be running and have bound it.
  if [[ -n "$port" ]]; then
    sleep 0.2
    if ! kill -0 "$nginx_pid" 2>/dev/null || grep -q "bind() to" "$work/nginx/error.log"; then
      port=
    fi
  fi
  [[ -n "$port" ]] && break
  kill "$nginx_pid" 2>/dev/null; wait "$nginx_pid" 2>/dev/null; nginx_pid=
done
[[ -n "$port" ]] || { echo "nginx did not start"; cat "$work/nginx/error.log"; exit 1; }

timeout 240 "$scalecheck" run --gateway "http://127.0.0.1:$port" --gateway-config "$config" \
  --report-dir "$work/reports" "$@" "${paths[@]}" >"$work/run.out" 2>&1
code=$?

if [[ -z "$defect" ]]; then
  tail -3 "$work/run.out"
  if [[ $code -ne 0 ]]; then
    cat "$work/run.out"
    echo "--- nginx error.log"; tail -30 "$work/nginx/error.log"
    echo "gateway suite against nginx: exit $code"
    exit 1
  fi
  echo "e2e: gateway suite against examples/nginx-gateway: ok"
  exit 0
fi

# The defective gateway: the suite must fail, and say why.
if [[ $code -ne 1 ]]; then
  cat "$work/run.out"
  echo "defective gateway ($defect): exit $code, want 1"
  exit 1
fi
grep -E "authrep usage" "$work/run.out" | head -5
grep -qE "authrep usage: expected hits=4, got hits=1" "$work/run.out" ||
  { cat "$work/run.out"; echo "no usage diff for the defect"; exit 1; }
echo "e2e: defective gateway ($defect) fails the suite with a usage diff: ok"
