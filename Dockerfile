# prenv's GitHub Action image: the prenv binary and the pinned pulumi CLI on
# a slim Debian with git (prenv diffs a PR against its base) and CA
# certificates.

FROM golang:1.26-bookworm AS build
# cgo stays on: internal/anonymize parses SQL with pg_query_go, which is C
# (the image's gcc builds it). A test in ./actions builds prenv with this
# stage's ENV and ARG lines and fails without it.
ENV CGO_ENABLED=1
WORKDIR /src

# Module downloads first, so a source change does not refetch them.
COPY go.mod go.sum ./
COPY internal/tools/pulumi/go.mod internal/tools/pulumi/go.sum internal/tools/pulumi/
RUN go mod download && cd internal/tools/pulumi && go mod download

# As the Makefile's $(BIN)/pulumi target; keep PULUMI_VERSION equal to the
# Makefile's (a test in ./actions checks it). It needs only the tool module,
# so its slow build stays cached until the pin changes.
ARG PULUMI_VERSION=v3.250.0
RUN cd internal/tools/pulumi && \
    go build -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PULUMI_VERSION}" \
      -o /out/pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

COPY . .
ARG VERSION=dev
# The Makefile's build target is the one home of prenv's build flags.
RUN make build BIN=/out VERSION="${VERSION}"

# The same Debian release as the build stage: cgo links prenv against its glibc.
FROM debian:bookworm-slim
RUN apt-get update && \
    apt-get install -y --no-install-recommends git ca-certificates && \
    rm -rf /var/lib/apt/lists/*
COPY --from=build /out/prenv /out/pulumi /usr/local/bin/
# pulumi starts prenv's provider by the first name, the runner the Action's
# post step by the second. The runner mounts the workspace owned by another
# uid, which git refuses to read unless it is a safe directory.
RUN ln -s prenv /usr/local/bin/pulumi-resource-prenv && \
    ln -s prenv /usr/local/bin/prenv-action-post && \
    git config --system --add safe.directory '*'
ENTRYPOINT ["/usr/local/bin/prenv"]
