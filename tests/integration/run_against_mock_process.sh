#!/usr/bin/env bash
# e2e: `scalecheck run --target URL` passes the suite against `scalecheck mock`
# running in another process, and the exit codes of the failure modes hold:
# 3 for a target that is down, 2 for a bad scenario file.
# Usage: run_against_mock_process.sh SCALECHECK SCENARIO_DIR...
set -uo pipefail
scalecheck=$1
shift
work=$(mktemp -d)
mock_pid=
cleanup() {
  [[ -n "$mock_pid" ]] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The mock prints "listening on 127.0.0.1:PORT" first: read that line from a
# FIFO, which blocks until it is written (bounded by read -t).
mkfifo "$work/mock.out"
"$scalecheck" mock --listen 127.0.0.1:0 --internal-auth e2e:secret >"$work/mock.out" 2>&1 &
mock_pid=$!
exec 3<"$work/mock.out"
read -r -t 30 first <&3 || { echo "mock did not start"; exit 1; }
port=${first##*:}
[[ "$first" == "listening on 127.0.0.1:$port" && -n "$port" ]] || { echo "unexpected first line: $first"; exit 1; }

"$scalecheck" run --target "http://127.0.0.1:$port" --internal-auth e2e:secret \
  --report-dir "$work/reports" "$@" >"$work/run.out" 2>&1
code=$?
tail -3 "$work/run.out"
if [[ $code -ne 0 ]]; then cat "$work/run.out"; echo "run against the mock process: exit $code"; exit 1; fi
for f in junit.xml report.json report.html; do
  [[ -s "$work/reports/$f" ]] || { echo "missing report $f"; exit 1; }
done

# A target that is down: a clear message and exit 3.
kill "$mock_pid"; wait "$mock_pid" 2>/dev/null; mock_pid=
"$scalecheck" run --target "http://127.0.0.1:$port" --report-dir '' "$@" >"$work/down.out" 2>&1
code=$?
[[ $code -eq 3 ]] || { cat "$work/down.out"; echo "target down: exit $code, want 3"; exit 1; }
grep -q "cannot reach http://127.0.0.1:$port" "$work/down.out" || { cat "$work/down.out"; echo "no clear message"; exit 1; }

# A broken scenario file: file:line:col and exit 2.
printf 'title = "x"\n[[steps]]\nauthorise = {}\n' >"$work/bad.toml"
"$scalecheck" run --report-dir '' "$work/bad.toml" >"$work/bad.out" 2>&1
code=$?
[[ $code -eq 2 ]] || { cat "$work/bad.out"; echo "bad scenario: exit $code, want 2"; exit 1; }
grep -qE "bad\.toml:[0-9]+:[0-9]+: " "$work/bad.out" || { cat "$work/bad.out"; echo "no file:line:col"; exit 1; }
echo "e2e: run against a mock process, target down (3), bad scenario (2): ok"
