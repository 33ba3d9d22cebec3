# A local stand-in for the official `rust:1.95-bookworm` image, for machines that cannot pull one
# (this project's CI: no image registry is reachable, only Debian's and crates.io's). Made by
# make-builder-image.sh, which stages the build context: the host's rustup and its 1.95.0
# toolchain, reduced to the `minimal` profile the official image installs (rustc, cargo, rust-std).
# Same layout and environment as the official image: RUSTUP_HOME=/usr/local/rustup,
# CARGO_HOME=/usr/local/cargo, the proxies in /usr/local/cargo/bin first on PATH, RUST_VERSION.
# The official image sits on buildpack-deps:bookworm (a large set of -dev packages); building
# dbintel needs only a C toolchain for the crates with C parts (ring, zstd) and CA certificates for
# crates.io, so only those (and git, pkg-config, make, which build scripts commonly call) are here.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ARG RUST_VERSION=1.95.0
ENV RUSTUP_HOME=/usr/local/rustup \
    CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    RUST_VERSION=${RUST_VERSION}
# Versions pinned to the bookworm series (the base is bookworm): a point release may move them.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       ca-certificates=2023* gcc=4:12.* libc6-dev=2.36-* make=4.3-* pkg-config=1.8.* git=1:2.39.* \
    && rm -rf /var/lib/apt/lists/*
# The host's locally added CA certificates (staged from its /usr/local/share/ca-certificates, maybe
# none): behind a TLS-inspecting proxy cargo must trust the proxy's CA to reach crates.io, as on the host.
COPY local-ca/ /usr/local/share/ca-certificates/
COPY rustup/ /usr/local/rustup/
COPY cargo/ /usr/local/cargo/
# Writable by any user as in the official image (a build may run as non-root): the modes are set in
# the staged context, as a `RUN chmod -R` here would copy all 600 MB of the toolchain into a new layer.
RUN update-ca-certificates \
    && rustup --version \
    && cargo --version \
    && rustc --version \
    && rustc --version | grep -q "^rustc ${RUST_VERSION} "
