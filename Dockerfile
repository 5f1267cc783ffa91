# gitops-lint as a small static image: only the binary, run as a non-root user.
#   docker build -t gitops-lint .
#   docker run --rm -v "$PWD:/work" gitops-lint lint .
# The builder compiles a static musl binary (Alpine's Rust targets musl natively).
FROM rust:1.95-alpine AS builder
# musl-dev follows the base image's Alpine release.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN target="$(uname -m)-unknown-linux-musl" \
 && cargo build --locked --release --target "$target" \
 && cp "target/$target/release/gitops-lint" /gitops-lint \
 && /gitops-lint --version

FROM scratch
COPY --from=builder /gitops-lint /gitops-lint
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/gitops-lint"]
CMD ["lint", "."]
