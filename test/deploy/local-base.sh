#!/usr/bin/env bash
# A local stand-in for the Containerfile's default BASE (the official Node 22 slim image) on a machine that reaches
# no image registry: Debian bookworm (mmdebstrap, minbase, from the machine's apt sources) with Node 22 from the npm
# package node-linux-<arch> and npm from the npm package, laid out as the official image has them (/usr/local).
#
#   test/deploy/local-base.sh [image]     (default localhost/cm-test-base:bookworm-node22)
#
# Kept in the podman store: a second run finds the image and does nothing.
set -euo pipefail
IMAGE="${1:-localhost/cm-test-base:bookworm-node22}"
PODMAN=(podman ${CM_PODMAN_ARGS:-})
if "${PODMAN[@]}" image exists "$IMAGE"; then
  echo "base image $IMAGE: present"
  exit 0
fi
case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) echo "no Node binary package for $(uname -m)" >&2 && exit 1 ;;
esac
WORK=$(mktemp -d /tmp/cm-test-base.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
echo "base image $IMAGE: mmdebstrap bookworm (minbase) + Node 22 + npm, in $WORK"
# The machine's own apt sources (its mirror), read from standard input.
{ cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true; } |
  mmdebstrap --quiet --variant=minbase --format=directory \
    --include=ca-certificates \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    bookworm "$WORK/rootfs" -
(cd "$WORK" && npm pack --silent "node-linux-$ARCH@22" "npm@10" >/dev/null)
tar -xzf "$WORK"/node-linux-*.tgz -C "$WORK"
cp -a "$WORK/package/bin/node" "$WORK/rootfs/usr/local/bin/node"
mkdir -p "$WORK/rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$WORK"/npm-*.tgz -C "$WORK/rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$WORK/rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$WORK/rootfs/usr/local/bin/npx"
# This machine's trust store (a machine behind a TLS-inspecting egress proxy trusts its CA there), so that npm in the
# build reaches the registry as the machine's own npm does. Node reads it through NODE_EXTRA_CA_CERTS.
cp /etc/ssl/certs/ca-certificates.crt "$WORK/rootfs/etc/ssl/certs/ca-certificates.crt"
tar -C "$WORK/rootfs" -c . | "${PODMAN[@]}" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' - "$IMAGE" >/dev/null
echo "base image $IMAGE: built ($("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE") bytes)"
