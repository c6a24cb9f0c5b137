#!/usr/bin/env bash
# Builds the container image from deploy/container/Containerfile and checks
# it: `anyhour doctor` inside it (the sandbox, Python, Node.js, pytest and
# ffmpeg, with only what the image installs), then `anyhour serve`
# answering /readyz and its first page (first-run setup).
#
#   deploy/container/smoke.sh [BASE_IMAGE [NODE_IMAGE [GO_IMAGE]]]
#
# The images default to the Containerfile's (debian:bookworm-slim,
# node:20-bookworm-slim, golang:1.26-bookworm). With no registry in reach,
# make them from Debian's archive and this machine's Node.js and Go:
#
#   debootstrap --variant=minbase bookworm rootfs http://deb.debian.org/debian
#   tar -C rootfs -c . | podman import - localhost/debian:bookworm
#   c=$(buildah from scratch) && buildah copy $c /usr/bin/node /usr/local/bin/node && buildah commit $c localhost/node:20
#   c=$(buildah from scratch) && buildah copy $c /usr/local/go /usr/local/go && buildah commit $c localhost/golang:local
#   deploy/container/smoke.sh localhost/debian:bookworm localhost/node:20 localhost/golang:local
#
# buildah builds the image (its chroot isolation needs no container
# runtime) and mounts it; the checks then run the image's programs with
# the image as their root, through bubblewrap: the image's files alone,
# on this machine's kernel and network, as in a container given the
# sandbox's flags. It needs root, buildah and bubblewrap.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

base=${1:-}
node=${2:-}
gotool=${3:-}
image=localhost/anyhour:smoke
for tool in buildah bwrap; do
	command -v $tool >/dev/null || { echo "smoke.sh: $tool is not installed (apt-get install buildah bubblewrap)" >&2; exit 1; }
done

echo "== building bin/anyhour" >&2
CGO_ENABLED=0 go build -o bin/anyhour ./cmd/anyhour

echo "== building $image" >&2
args=(bud --layers --isolation chroot -f deploy/container/Containerfile -t "$image")
[ -n "$base" ] && args+=(--build-arg "BASE=$base")
[ -n "$node" ] && args+=(--build-arg "NODE=$node")
[ -n "$gotool" ] && args+=(--build-arg "GO=$gotool")
buildah "${args[@]}" . >&2

ctr=$(buildah from "$image")
trap 'buildah umount "$ctr" >/dev/null 2>&1 || true; buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
root=$(buildah mount "$ctr")
# run COMMAND... runs a program of the image with the image as its root.
# Not chroot: the kernel refuses a chrooted process a user namespace,
# which the sandbox makes for every box. bubblewrap, run as root without a
# user namespace of its own, switches to the image's root in a mount
# namespace of its own (as a container engine does) and binds the host's
# /proc whole: a box mounts a /proc of its own, which the kernel allows
# only while another /proc is fully visible.
run() {
	bwrap --bind "$root" / --bind /proc /proc --dev-bind /dev /dev --bind /sys /sys \
		--tmpfs /tmp --chdir / --setenv PATH /usr/local/bin:/usr/bin:/bin "$@"
}

echo "== anyhour doctor in the image" >&2
doctor=$(run /usr/local/bin/anyhour doctor 2>/dev/null) || true
echo "$doctor" >&2
if echo "$doctor" | grep -q '^FAIL'; then
	doctor_failed=1
fi

echo "== anyhour serve in the image" >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
run /usr/local/bin/anyhour serve --listen "127.0.0.1:$port" >"$log" 2>&1 &
serve=$!
ok=0
for _ in $(seq 1 600); do
	if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ok=1; break; fi
	sleep 0.2
done
first=$(curl -fsSL -o /dev/null -w '%{http_code} %{url_effective}' "http://127.0.0.1:$port/" || true)
pkill -TERM -P "$serve" 2>/dev/null || true
kill -TERM "$serve" 2>/dev/null || true
wait "$serve" 2>/dev/null || true
if [ "$ok" != 1 ] || [ "$first" != "200 http://127.0.0.1:$port/setup" ]; then
	echo "smoke.sh: serve did not answer (readyz ok=$ok, / gave $first); its log:" >&2
	cat "$log" >&2
	exit 1
fi
rm -f "$log"
echo "== serve answered /readyz, and / led to first-run setup (200)" >&2
if [ -n "${doctor_failed:-}" ]; then
	echo "smoke.sh: anyhour doctor found problems (above)" >&2
	exit 1
fi
echo "smoke.sh: ok" >&2
