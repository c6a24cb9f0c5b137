#!/usr/bin/env bash
# Installs the Dolos library (npm @dodona/dolos-lib, with its tree-sitter
# parsers built by node-gyp) under a cache directory, never in the
# repository: bench/similarity runs it beside anyhour. About three minutes
# the first time, nothing after.
set -euo pipefail
dir=${ANYHOUR_DOLOS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/anyhour-bench/dolos}
if [ -f "$dir/ready" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts @dodona/dolos-lib@3.5.1 >&2
npm install-scripts approve @dodona/dolos-parsers tree-sitter tree-sitter-compat >&2 || true
npm rebuild >&2
touch "$dir/ready"
echo "$dir"
