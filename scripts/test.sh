#!/usr/bin/env bash
# Runs the Go test suite twice: on SQLite, then on PostgreSQL.
#
#   scripts/test.sh [go test flags or packages...]     e.g. scripts/test.sh -run TestMigrate
#
# Without arguments (as `make test` and CI run it), the PostgreSQL pass
# also runs the several-node test (package deploy, build tag multinode):
# two serve processes and a worker behind HAProxy, on PostgreSQL and an S3
# server, one of them killed mid-upload. ANYHOUR_TEST_MULTINODE=1 runs it
# with arguments too; ANYHOUR_TEST_MULTINODE=0 never.
#
# The PostgreSQL server is, in this order:
#   (a) ANYHOUR_TEST_POSTGRES, if set (an admin URL whose database exists, such as .../postgres);
#   (b) postgres://postgres@127.0.0.1:5432/postgres, if it answers (skip with ANYHOUR_TEST_NO_LOCAL_PG=1);
#   (c) a throwaway cluster made with Debian's PostgreSQL binaries (installed if missing and we
#       are root) on a free port, removed when this script exits.
# If none can be had the PostgreSQL run is skipped: a failure when CI=true, a warning otherwise.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Debian packages the suite needs. Add to this list (e.g. ffmpeg bubblewrap espeak-ng).
SYSTEM_PACKAGES="chromium ffmpeg espeak-ng bubblewrap git python3-pytest haproxy"

LOCAL_PG_URL="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
THROWAWAY_PORT_FIRST=55432

is_root() { [ "$(id -u)" -eq 0 ]; }
is_ci() { [ "${CI:-}" = "true" ]; }

loud() {
	echo >&2
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
	echo "!!! $*" >&2
	echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
	echo >&2
}

apt_updated=0
apt_install() {
	if [ "$apt_updated" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

package_installed() {
	if command -v dpkg-query >/dev/null 2>&1; then
		[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
	else
		command -v "$1" >/dev/null 2>&1
	fi
}

ensure_system_packages() {
	local missing=() p
	for p in $SYSTEM_PACKAGES; do
		package_installed "$p" || missing+=("$p")
	done
	# Chromium is what the browser tests start; check the binary itself too.
	case " $SYSTEM_PACKAGES " in
	*" chromium "*)
		if [ ! -x /usr/bin/chromium ] && [[ " ${missing[*]-} " != *" chromium "* ]]; then
			missing+=(chromium)
		fi
		;;
	esac
	[ "${#missing[@]}" -eq 0 ] && return 0
	if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
		loud "MISSING system packages: ${missing[*]} (run: apt-get install ${missing[*]}); tests that need them will fail or skip"
		return 0
	fi
	echo "== installing system packages: ${missing[*]} =="
	if ! apt_install "${missing[@]}"; then
		loud "FAILED to install system packages: ${missing[*]}"
		if is_ci; then exit 1; fi
	fi
}

# The several-node test runs with the whole suite, or when asked for.
MULTINODE=${ANYHOUR_TEST_MULTINODE:-}
if [ -z "$MULTINODE" ]; then
	if [ "$#" -eq 0 ]; then MULTINODE=1; else MULTINODE=0; fi
fi

# go test arguments: the script's own, plus ./... unless they name packages.
GO_TEST_ARGS=("$@")
names_packages=0
for a in "$@"; do
	case "$a" in
	./* | ../* | github.com/* | all) names_packages=1 ;;
	esac
done
[ "$names_packages" -eq 1 ] || GO_TEST_ARGS+=(./...)

pg_probe() {
	go run ./scripts/pgprobe "$1" 2>/dev/null
}

PG_DIR=""
PG_BIN=""
PG_AS=()
cleanup() {
	if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
		echo "== stopping the throwaway PostgreSQL cluster =="
		(cd "$PG_DIR" && "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1) || true
		rm -rf "$PG_DIR"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# start_throwaway_pg sets PG_URL to a fresh cluster, or returns 1 with SKIP_REASON set.
start_throwaway_pg() {
	local initdb
	initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -z "$initdb" ]; then
		if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
			SKIP_REASON="PostgreSQL's binaries are not installed and we are not root to install them"
			return 1
		fi
		echo "== installing PostgreSQL (Debian package postgresql) =="
		if ! apt_install postgresql; then
			SKIP_REASON="apt-get install postgresql failed"
			return 1
		fi
		initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
		if [ -z "$initdb" ]; then
			SKIP_REASON="initdb is still missing after installing postgresql"
			return 1
		fi
	fi
	PG_BIN=$(dirname "$initdb")

	# PostgreSQL refuses to run as root: run it as the postgres user then.
	if is_root; then
		if ! id postgres >/dev/null 2>&1; then
			SKIP_REASON="there is no postgres user to run the throwaway cluster as"
			return 1
		fi
		PG_AS=(runuser -u postgres --)
	else
		PG_AS=(env)
	fi

	local port=$THROWAWAY_PORT_FIRST
	while port_in_use "$port"; do
		port=$((port + 1))
		if [ "$port" -ge $((THROWAWAY_PORT_FIRST + 100)) ]; then
			SKIP_REASON="no free port in $THROWAWAY_PORT_FIRST-$port for a throwaway cluster"
			return 1
		fi
	done

	# A short path under /tmp: the socket path must stay under 108 bytes.
	PG_DIR=$(mktemp -d /tmp/anyhour-pg.XXXXXX)
	if is_root; then chown postgres: "$PG_DIR"; fi
	echo "== starting a throwaway PostgreSQL cluster ($PG_BIN) in $PG_DIR on port $port =="
	if ! (cd "$PG_DIR" && "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --no-sync >"$PG_DIR/initdb.log" 2>&1); then
		cat "$PG_DIR/initdb.log" >&2 || true
		SKIP_REASON="initdb failed"
		return 1
	fi
	if ! (cd "$PG_DIR" && "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
		-o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" -w start >/dev/null); then
		cat "$PG_DIR/server.log" >&2 || true
		SKIP_REASON="pg_ctl start failed"
		return 1
	fi
	PG_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	if ! pg_probe "$PG_URL"; then
		SKIP_REASON="the throwaway cluster started but does not answer on $PG_URL"
		return 1
	fi
}

ensure_system_packages

# Helper binaries the tests start (an S3 server, an SMTP catcher), built
# once per version into a cache outside the clone.
if ! tool_exports=$(bash scripts/tools.sh); then
	loud "FAILED to build some test tools (scripts/tools.sh); tests that need them will fail or skip"
	if is_ci; then exit 1; fi
fi
eval "$tool_exports"

echo
echo "== go test on SQLite =="
sqlite_rc=0
# -timeout 30m: go test's default of 10 minutes per package is too short
# for the long packages on a loaded CI machine. Later arguments override it.
env -u ANYHOUR_TEST_POSTGRES go test -count=1 -timeout 30m "${GO_TEST_ARGS[@]}" || sqlite_rc=$?

PG_URL=""
SKIP_REASON=""
if [ -n "${ANYHOUR_TEST_POSTGRES:-}" ]; then
	PG_URL=$ANYHOUR_TEST_POSTGRES
	if ! pg_probe "$PG_URL"; then
		loud "ANYHOUR_TEST_POSTGRES is set but that server does not answer SELECT 1"
		go run ./scripts/pgprobe "$PG_URL" || true
		exit 1
	fi
elif [ "${ANYHOUR_TEST_NO_LOCAL_PG:-}" != "1" ] && pg_probe "$LOCAL_PG_URL"; then
	PG_URL=$LOCAL_PG_URL
else
	start_throwaway_pg || PG_URL=""
fi

pg_rc=0
multi_rc=0
if [ -n "$PG_URL" ]; then
	echo
	echo "== go test on PostgreSQL ($PG_URL) =="
	ANYHOUR_TEST_POSTGRES=$PG_URL go test -count=1 -timeout 30m "${GO_TEST_ARGS[@]}" || pg_rc=$?
	if [ "$MULTINODE" = "1" ]; then
		echo
		echo "== several nodes behind HAProxy on PostgreSQL (go test -tags multinode ./deploy) =="
		ANYHOUR_TEST_POSTGRES=$PG_URL go test -count=1 -timeout 10m -tags multinode -run '^TestSeveralNodes$' -v ./deploy || multi_rc=$?
	fi
fi

echo
echo "== summary =="
if [ "$sqlite_rc" -eq 0 ]; then echo "SQLite:     ok"; else echo "SQLite:     FAILED (go test exit $sqlite_rc)"; fi
if [ -z "$PG_URL" ]; then
	echo "PostgreSQL: SKIPPED"
	loud "SKIPPED the PostgreSQL run because ${SKIP_REASON:-no PostgreSQL server could be had}"
elif [ "$pg_rc" -eq 0 ]; then
	echo "PostgreSQL: ok"
else
	echo "PostgreSQL: FAILED (go test exit $pg_rc)"
fi
if [ -n "$PG_URL" ] && [ "$MULTINODE" = "1" ]; then
	if [ "$multi_rc" -eq 0 ]; then echo "Several nodes: ok (see above whether it ran or skipped)"; else echo "Several nodes: FAILED (go test exit $multi_rc)"; fi
fi

if [ "$sqlite_rc" -ne 0 ] || [ "$pg_rc" -ne 0 ] || [ "$multi_rc" -ne 0 ]; then
	exit 1
fi
if [ -z "$PG_URL" ] && is_ci; then
	echo "CI=true: a skipped PostgreSQL run is a failure." >&2
	exit 1
fi
exit 0
