#!/usr/bin/env bash
# Makes a local image equivalent to the official rust:1.95-bookworm, for the Dockerfile's `builder`
# stage on a machine that cannot pull images (no registry reachable):
#
#   deploy/docker/make-builder-image.sh [TAG]          # default TAG: dbintel-builder:1.95-bookworm
#   docker build -f deploy/docker/Dockerfile --build-arg BUILDER_IMAGE=dbintel-builder:1.95-bookworm .
#
# The image (deploy/docker/builder.Dockerfile) is BASE_IMAGE (a Debian bookworm, default
# debian:bookworm-slim, which must exist locally) plus gcc/libc6-dev/pkg-config/... from Debian plus
# this host's rustup and its RUST_VERSION toolchain, copied to /usr/local/rustup and
# /usr/local/cargo with the official image's environment. Only the files of the components the
# official image's `minimal` profile installs (rustc, cargo, rust-std) are copied, as their rustup
# manifests list them: not the host's docs, clippy or rustfmt.
#
# Idempotent and cheap when nothing changed: the image carries a label with a digest of its inputs
# (this script, builder.Dockerfile, the toolchain's version lines, rustup's, the base image's id);
# an image with the same digest is kept as it is.
#
# The host's locally added CA certificates (LOCAL_CA_DIR, default /usr/local/share/ca-certificates,
# where Debian's update-ca-certificates takes them from) are added to the image's trust store the same
# way: behind a TLS-inspecting proxy cargo reaches crates.io only with the proxy's CA. LOCAL_CA_DIR=
# (empty) adds none.
#
# Environment: DOCKER (client, default `docker`), BASE_IMAGE, RUST_VERSION (default 1.95.0),
# RUSTUP_HOME (the host's, default ~/.rustup), RUSTUP (the host's rustup binary, default from PATH).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TAG=${1:-dbintel-builder:1.95-bookworm}
DOCKER=${DOCKER:-docker}
BASE_IMAGE=${BASE_IMAGE:-debian:bookworm-slim}
RUST_VERSION=${RUST_VERSION:-1.95.0}
RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
RUSTUP=${RUSTUP:-$(command -v rustup || true)}
LOCAL_CA_DIR=${LOCAL_CA_DIR-/usr/local/share/ca-certificates}
HOST_TRIPLE=x86_64-unknown-linux-gnu
TOOLCHAIN=$RUST_VERSION-$HOST_TRIPLE
LABEL=org.dbintel.builder-inputs

fail() {
    echo "make-builder-image: $*" >&2
    exit 1
}

[ -n "$RUSTUP" ] && [ -x "$RUSTUP" ] || fail "no rustup on this host (set RUSTUP)"
[ "$(uname -m)" = x86_64 ] || fail "only x86_64 hosts are supported (the toolchain is copied from the host)"
# `rustup toolchain install 1.95.0` may have made the toolchain, or it may be a link to `stable`.
SRC=$(readlink -f "$RUSTUP_HOME/toolchains/$TOOLCHAIN" || true)
[ -n "$SRC" ] && [ -x "$SRC/bin/rustc" ] ||
    fail "no toolchain $TOOLCHAIN in $RUSTUP_HOME/toolchains (rustup toolchain install $RUST_VERSION)"
RUSTC_VV=$("$SRC/bin/rustc" -vV)
case "$RUSTC_VV" in
"rustc $RUST_VERSION "*) ;;
*) fail "$SRC/bin/rustc is $(head -1 <<<"$RUSTC_VV"), not $RUST_VERSION" ;;
esac
BASE_ID=$($DOCKER image inspect -f '{{.Id}}' "$BASE_IMAGE" 2>/dev/null) ||
    fail "base image $BASE_IMAGE is not in the engine (.ci/deploy-docker makes one with debootstrap)"

INPUTS=$({
    cat "$0" "$HERE/builder.Dockerfile"
    echo "$RUSTC_VV"
    "$SRC/bin/cargo" -V
    "$RUSTUP" --version 2>/dev/null
    echo "$BASE_ID"
    [ -z "$LOCAL_CA_DIR" ] || cat "$LOCAL_CA_DIR"/*.crt 2>/dev/null || true
} | sha256sum | cut -c1-32)
if [ "$($DOCKER image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$TAG" 2>/dev/null || true)" = "$INPUTS" ]; then
    echo "$TAG is up to date (inputs $INPUTS)"
    exit 0
fi

CTX=$(mktemp -d /tmp/dbintel-builder-ctx.XXXXXX)
trap 'rm -rf "$CTX"' EXIT
DST=$CTX/rustup/toolchains/$TOOLCHAIN
mkdir -p "$DST/lib/rustlib" "$CTX/cargo/bin" "$CTX/local-ca"
if [ -n "$LOCAL_CA_DIR" ] && compgen -G "$LOCAL_CA_DIR/*.crt" >/dev/null; then
    cp "$LOCAL_CA_DIR"/*.crt "$CTX/local-ca/"
    echo "local CA certificates from $LOCAL_CA_DIR: $(cd "$CTX/local-ca" && echo *.crt)"
fi
COMPONENTS=(rustc cargo rust-std)
{
    echo 'config_version = "1"'
    for c in "${COMPONENTS[@]}"; do
        manifest=$SRC/lib/rustlib/manifest-$c-$HOST_TRIPLE
        [ -f "$manifest" ] || fail "the host toolchain lacks the $c component ($manifest)"
        # Each line is `file:PATH` or `dir:PATH`, relative to the toolchain directory.
        sed -n 's/^\(file\|dir\)://p' "$manifest" | (cd "$SRC" && xargs -r -d '\n' cp -a --parents -t "$DST")
        cp -a "$manifest" "$DST/lib/rustlib/"
        printf '\n[[components]]\npkg = "%s"\ntarget = "%s"\nis_extension = false\n' "$c" "$HOST_TRIPLE"
    done
} >"$DST/lib/rustlib/multirust-config.toml"
printf '%s\n' "${COMPONENTS[@]/%/-$HOST_TRIPLE}" >"$DST/lib/rustlib/components"
cp -a "$SRC/lib/rustlib/rust-installer-version" "$SRC/lib/rustlib/multirust-channel-manifest.toml" "$DST/lib/rustlib/"
cat >"$CTX/rustup/settings.toml" <<EOF
version = "12"
default_toolchain = "$TOOLCHAIN"
profile = "minimal"

[overrides]
EOF
# rustup and its proxies, as rustup-init lays them out (each proxy is rustup under another name).
install -m 0755 "$RUSTUP" "$CTX/cargo/bin/rustup"
for proxy in cargo cargo-clippy cargo-fmt cargo-miri clippy-driver rls rust-analyzer rust-gdb \
    rust-gdbgui rust-lldb rustc rustdoc rustfmt; do
    ln -s rustup "$CTX/cargo/bin/$proxy"
done
# As the official image's `chmod -R a+w $RUSTUP_HOME $CARGO_HOME`, done here: COPY keeps the modes.
chmod -R a+w "$CTX/rustup" "$CTX/cargo"
echo "toolchain $TOOLCHAIN from $SRC: $(du -sh "$CTX/rustup" | cut -f1) (components ${COMPONENTS[*]})"

$DOCKER build -q -f "$HERE/builder.Dockerfile" --build-arg BASE_IMAGE="$BASE_IMAGE" \
    --build-arg RUST_VERSION="$RUST_VERSION" --label "$LABEL=$INPUTS" -t "$TAG" "$CTX" >/dev/null
got=$($DOCKER run --rm "$TAG" rustc --version)
case "$got" in
"rustc $RUST_VERSION "*) ;;
*) fail "$TAG runs $got, not $RUST_VERSION" ;;
esac
echo "$TAG: $got, $($DOCKER run --rm "$TAG" cargo --version), $(($($DOCKER image inspect -f '{{.Size}}' "$TAG") / 1000000)) MB"
