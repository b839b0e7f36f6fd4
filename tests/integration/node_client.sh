#!/usr/bin/env bash
# e2e: the client suite (scenarios/clients) through the adapter of the npm
# client 3scale@0.7.6 (examples/clients/node), against the embedded mock:
# - with its manifest, every case passes or deviates as listed (exit 0), and
#   every listed deviation is seen;
# - without the manifest the deviations fail the run (exit 1): the checks
#   bite on a real client;
# - a manifest listing a case that passes fails the run (exit 1);
# - an adapter that cannot start is exit 3 with a clear message.
# Each run is bounded by `timeout`; the adapter gives up on a callback after
# half of --client-timeout.
# Usage: node_client.sh SCALECHECK SOURCE_DIR
set -uo pipefail
scalecheck=$1
src=$2
node_dir="$src/examples/clients/node"
manifest="$node_dir/deviations.toml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v node >/dev/null || { echo "node_client: node is not installed: run scripts/install-deps"; exit 1; }
[[ -f "$node_dir/node_modules/3scale/package.json" ]] ||
  { echo "node_client: $node_dir/node_modules lacks 3scale: run scripts/install-deps"; exit 1; }

client="node $node_dir/adapter.js"
run() {  # run OUTPUT_FILE ARGS...: scalecheck run --client, bounded; prints the exit code.
  local out=$1
  shift
  timeout 120 "$scalecheck" run --client "$client" --client-timeout 2s "$@" >"$out" 2>&1
  echo $?
}

# The suite with the manifest: green, reports written, every deviation seen.
code=$(run "$work/suite.out" --deviations "$manifest" --report-dir "$work/reports" \
  "$src/scenarios/clients")
grep -E '^(FAIL|ERROR|KNOWN|SKIP)' "$work/suite.out"
tail -2 "$work/suite.out"
if [[ $code -ne 0 ]]; then cat "$work/suite.out"; echo "node client suite: exit $code, want 0"; exit 1; fi
for f in junit.xml report.json report.html; do
  [[ -s "$work/reports/$f" ]] || { echo "missing report $f"; exit 1; }
done
listed=$(grep -c '^case = ' "$manifest")
seen=$(grep -c '^KNOWN ' "$work/suite.out")
[[ $seen -eq $listed ]] || { echo "manifest lists $listed deviations, the run saw $seen"; exit 1; }
if grep -q '^SKIP ' "$work/suite.out"; then echo "a client case was skipped"; exit 1; fi

# Without the manifest the same deviations fail the run.
code=$(run "$work/bare.out" --report-dir '' --filter 'clients/report_service_token' \
  "$src/scenarios/clients")
[[ $code -eq 1 ]] || { cat "$work/bare.out"; echo "without the manifest: exit $code, want 1"; exit 1; }
grep -q 'sent service_token: expected tok1, actual (not sent)' "$work/bare.out" ||
  { cat "$work/bare.out"; echo "no diff of what the client sent"; exit 1; }

# A manifest entry for a case that passes is stale: the run fails.
printf '[[deviation]]\ncase = "clients/authorize"\nreason = "stale"\n' >"$work/stale.toml"
code=$(run "$work/stale.out" --deviations "$work/stale.toml" --report-dir '' \
  --filter 'clients/authorize' "$src/scenarios/clients")
[[ $code -eq 1 ]] || { cat "$work/stale.out"; echo "stale manifest: exit $code, want 1"; exit 1; }
grep -q 'known deviation no longer happens: remove it from the manifest' "$work/stale.out" ||
  { cat "$work/stale.out"; echo "no stale-manifest message"; exit 1; }

# An adapter that cannot start: exit 3 and what it said.
code=$(timeout 60 "$scalecheck" run --client "node $work/no-such-adapter.js" --report-dir '' \
  "$src/scenarios/clients/authorize.toml" >"$work/broken.out" 2>&1; echo $?)
[[ $code -eq 3 ]] || { cat "$work/broken.out"; echo "broken adapter: exit $code, want 3"; exit 1; }
grep -q 'the client adapter cannot start: .*adapter exited with status 1: .*Cannot find module' \
  "$work/broken.out" || { cat "$work/broken.out"; echo "no clear message"; exit 1; }

echo "e2e: node client suite ($listed known deviations), no manifest (1), stale manifest (1), broken adapter (3): ok"
