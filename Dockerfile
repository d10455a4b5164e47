# prenv's GitHub Action image: the prenv binary, Pulumi's official release
# of the pinned pulumi CLI and the provider plugins prenv pins, on a slim
# Debian with git (prenv diffs a PR against its base), CA certificates and
# curl (for a test-command's smoke test of the preview URL, which answers
# only inside this container on the local target).
# Tests in ./actions read this file: they build prenv with the build stage's
# ENV and ARG lines and keep every pin equal to prenv's own (prenv plugins).

FROM golang:1.26-bookworm AS build
# cgo stays on: internal/anonymize parses SQL with pg_query_go, which is C
# (the image's gcc builds it).
ENV CGO_ENABLED=1
WORKDIR /src
# Module downloads first, so a source change does not refetch them.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# The Makefile's build target is the one home of prenv's build flags.
RUN make build BIN=/out VERSION="${VERSION}"

# The pulumi CLI from Pulumi's release archive, verified against the SHA-256
# committed in pulumi.sha256 (refresh it with make pulumi-checksums). Keep
# PULUMI_VERSION equal to the Makefile's. make tools makes the same check
# against the same archive (internal/tools/pulumirelease, whose tests hold
# the two together) and builds from source where it fails; this stage fails.
FROM golang:1.26-bookworm AS pulumi
ARG PULUMI_VERSION=v3.250.0
# Set by BuildKit for the platform being built; dpkg answers without it.
ARG TARGETARCH
COPY pulumi.sha256 /tmp/pulumi.sha256
RUN set -eu; \
    arch="${TARGETARCH:-$(dpkg --print-architecture)}"; \
    case "$arch" in \
      amd64) arch=x64 ;; \
      arm64) ;; \
      *) echo "Pulumi publishes no linux-$arch release: build the image for linux/amd64 or linux/arm64" >&2; exit 1 ;; \
    esac; \
    archive="pulumi-${PULUMI_VERSION}-linux-${arch}.tar.gz"; \
    sum="$(awk -v f="$archive" '$2 == f { print $1 }' /tmp/pulumi.sha256)"; \
    if ! printf '%s\n' "$sum" | grep -Eqx '[0-9a-f]{64}'; then \
      echo "pulumi.sha256 holds no SHA-256 for $archive: run make pulumi-checksums on a networked machine and commit pulumi.sha256" >&2; \
      exit 1; \
    fi; \
    curl -fsSL --retry 3 -o "/tmp/$archive" "https://get.pulumi.com/releases/sdk/$archive"; \
    echo "$sum  /tmp/$archive" | sha256sum --check --strict -; \
    tar -xzf "/tmp/$archive" -C /opt; \
    /opt/pulumi/pulumi version

# The linux binary alone, for the release's downloads (.github/workflows/release.yml):
# docker buildx build --target binaries --output type=local,dest=dist .
FROM scratch AS binaries
COPY --from=build /out/prenv /prenv

# The image, the last stage. The same Debian release as the build stage: cgo
# links prenv against its glibc.
FROM debian:bookworm-slim
RUN apt-get update && \
    apt-get install -y --no-install-recommends git ca-certificates curl && \
    rm -rf /var/lib/apt/lists/*
COPY --from=build /out/prenv /usr/local/bin/
COPY --from=pulumi /opt/pulumi/pulumi /usr/local/bin/
# pulumi starts prenv's provider by the first name, the runner the Action's
# post step by the second. The runner mounts the workspace owned by another
# uid, which git refuses to read unless it is a safe directory.
RUN ln -s prenv /usr/local/bin/pulumi-resource-prenv && \
    ln -s prenv /usr/local/bin/prenv-action-post && \
    git config --system --add safe.directory '*'
# The aws target's plugins at the versions prenv pins (prenv plugins), so a
# job downloads none. The runner sets HOME to its own directory, so they live
# under PULUMI_HOME, which prenv and pulumi both read; the runner runs Docker
# actions as root, which may also write there (workspaces, credentials).
ENV PULUMI_HOME=/opt/pulumi-home PULUMI_SKIP_UPDATE_CHECK=true
RUN pulumi plugin install resource aws 6.83.0 && \
    pulumi plugin install resource kubernetes 4.23.0 && \
    pulumi plugin install resource random 4.18.2 && \
    chmod -R a+rX "$PULUMI_HOME"
ENTRYPOINT ["/usr/local/bin/prenv"]
