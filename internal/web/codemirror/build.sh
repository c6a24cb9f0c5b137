#!/usr/bin/env bash
# Rebuilds the vendored CodeMirror bundle from the exact versions in
# package.json (and package-lock.json), with esbuild run through Go so that
# nothing downloads a binary of its own:
#
#   internal/web/codemirror/build.sh
#
# It writes ../static/vendor/codemirror-<version of the codemirror package>.js
# and removes older bundles; update the import in ../static/js/code_editor.js
# and ../static/js/code_view.js when the version changes. The bundle is
# committed, so neither the server nor the tests need npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

ESBUILD=github.com/evanw/esbuild/cmd/esbuild@v0.28.2

npm ci --no-audit --no-fund --ignore-scripts
version=$(node -p 'require("./node_modules/codemirror/package.json").version')
out=../static/vendor/codemirror-$version.js
mkdir -p ../static/vendor
rm -f ../static/vendor/codemirror-*.js
{
	echo "// CodeMirror $version for anyhour, built by internal/web/codemirror/build.sh from:"
	npm ls --all --parseable --long 2>/dev/null | sed -n 's|.*/node_modules/\(.*\)|//   \1|p' | sed 's/:.*@/ @/' | sort -u
	echo "// Each package is MIT-licensed; see its LICENSE in the npm registry."
} >"$out"
go run "$ESBUILD" entry.mjs --bundle --format=esm --minify --target=es2020 --legal-comments=none >>"$out"
echo "wrote $out ($(wc -c <"$out") bytes)"
