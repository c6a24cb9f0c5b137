#!/usr/bin/env bash
# Builds the pinned helper binaries that tests start (an S3 server, an SMTP
# catcher), once per version, into a cache outside the clone:
#
#   ${ANYHOUR_TOOLS_DIR:-$HOME/.cache/anyhour-tools}/<name>-<version>/<name>
#
# and prints one `export VAR=path` line per tool on stdout, so that
#
#   eval "$(bash scripts/tools.sh)"            # all tools
#   eval "$(bash scripts/tools.sh versitygw)"  # just some
#
# points the tests at them. Progress goes to stderr. A tool already in the
# cache is not rebuilt; delete its directory to force a rebuild.
#
# Each build goes to a temporary file that is renamed into place, so a
# killed build never leaves a broken binary where the tests look. If a tool
# fails to build, the others are still built and exported, and the script
# exits 1 at the end.
set -euo pipefail

# name        version  package                                      exported as
TOOLS=(
	"versitygw v1.8.0 github.com/versity/versitygw/cmd/versitygw ANYHOUR_VERSITYGW"
	"mailpit v1.31.0 github.com/axllent/mailpit ANYHOUR_MAILPIT"
)

TOOLS_DIR=${ANYHOUR_TOOLS_DIR:-$HOME/.cache/anyhour-tools}

log() { echo "tools.sh: $*" >&2; }

# Temporary files and directories, removed however the script ends.
CLEANUP=()
trap 'rm -rf "${CLEANUP[@]+"${CLEANUP[@]}"}"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# build NAME VERSION PKG OUT compiles PKG@VERSION to the file OUT.
#
# `go install PKG@VERSION` is tried first. Our module proxy refuses the
# version list of some modules (mailpit, for one), which can make it fail;
# then a throwaway tools module pins the version with `go get -tool`.
build() {
	local name=$1 version=$2 pkg=$3 out=$4 work
	work=$(mktemp -d "${TMPDIR:-/tmp}/anyhour-tool-$name.XXXXXX") || return 1
	CLEANUP+=("$work")
	# Outside any module or workspace, so this clone's go.mod plays no part.
	if (cd "$work" && GOWORK=off GOBIN="$work/bin" GOFLAGS=-buildvcs=false go install "$pkg@$version") >&2 &&
		[ -x "$work/bin/$(basename "$pkg")" ]; then
		mv "$work/bin/$(basename "$pkg")" "$out"
	else
		log "go install $pkg@$version failed; trying a tools module"
		(
			cd "$work" &&
				export GOWORK=off GOFLAGS=-buildvcs=false &&
				go mod init tools &&
				go get -tool "$pkg@$version" &&
				go build -o "$out" "$pkg"
		) >&2 || return 1
	fi
}

# ensure NAME VERSION PKG VAR builds the tool if needed and prints its export.
# It runs as `ensure ... || failed+=...`, where set -e does not apply, so
# every step checks its own status.
ensure() {
	local name=$1 version=$2 pkg=$3 var=$4
	local dir="$TOOLS_DIR/$name-$version"
	local bin="$dir/$name"
	if [ ! -x "$bin" ]; then
		log "building $name $version ($pkg), this takes a minute or two..."
		local tmp start=$SECONDS
		mkdir -p "$dir" || return 1
		tmp=$(mktemp "$dir/.$name.XXXXXX") || return 1
		CLEANUP+=("$tmp")
		build "$name" "$version" "$pkg" "$tmp" || return 1
		chmod 0755 "$tmp" && mv -f "$tmp" "$bin" || return 1
		log "built $bin in $((SECONDS - start)) s"
	else
		log "$name $version: $bin"
	fi
	printf 'export %s=%q\n' "$var" "$bin"
}

# want NAME: was NAME named on the command line?
want() {
	local w
	for w in "${WANTED[@]}"; do
		[ "$w" = "$1" ] && return 0
	done
	return 1
}

# The tools named on the command line, or all of them.
WANTED=("$@")
failed=()
for line in "${TOOLS[@]}"; do
	# shellcheck disable=SC2086 # word splitting is the point
	set -- $line
	if [ ${#WANTED[@]} -gt 0 ] && ! want "$1"; then
		continue
	fi
	ensure "$@" || failed+=("$1")
done

for w in "${WANTED[@]+"${WANTED[@]}"}"; do
	known=0
	for line in "${TOOLS[@]}"; do
		[ "${line%% *}" = "$w" ] && known=1
	done
	if [ "$known" -eq 0 ]; then
		log "unknown tool $w"
		failed+=("$w")
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	log "FAILED: ${failed[*]}"
	exit 1
fi
