# prenv: one preview environment per pull request.
#   make demo    the lifecycle on this machine, no cloud account needed
#   make test    every test level that runs here (builds the tools it needs)
#   make unit    the unit tests alone: no tools, no PostgreSQL, no network
#   make bench   timing ratios, measured side by side in one run

PULUMI_VERSION := v3.250.0
PULUMI_LDFLAGS := -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$(PULUMI_VERSION)
VERSION        ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO             ?= go
BIN            := $(CURDIR)/bin

.PHONY: all build tools pulumi-checksums test-deps postgres demo demo-lifecycle test unit bench fuzz lint clean

all: build

## build: the prenv binary in ./bin
build: $(BIN)/prenv

$(BIN)/prenv: FORCE
	$(GO) build -ldflags "-X github.com/prenv/prenv/internal/cli.Version=$(VERSION)" -o $@ .
	@ln -sf prenv $(BIN)/pulumi-resource-prenv
	@ln -sf prenv $(BIN)/prenv-action-post

## tools: the pinned pulumi CLI (Pulumi's verified release, or built from
## Go module source offline), the simulated cluster (kube-apiserver,
## kube-controller-manager, kube-scheduler, KWOK) and the Kubernetes
## provider, built from Go module source, into ./bin, and OpenTofu (for
## engine: terraform) when no terraform is on PATH
tools: $(BIN)/pulumi $(BIN)/kube-apiserver $(BIN)/kube-controller-manager $(BIN)/kube-scheduler \
	$(BIN)/kwok $(BIN)/pulumi-resource-kubernetes
	@command -v terraform >/dev/null 2>&1 || $(MAKE) --no-print-directory $(BIN)/tofu

TOFU_VERSION := v1.10.6

$(BIN)/tofu: internal/tools/tofu/go.mod
	@echo "no terraform on PATH: building OpenTofu $(TOFU_VERSION) from source"
	cd internal/tools/tofu && GOFLAGS=-mod=mod $(GO) build -o $@ github.com/opentofu/opentofu/cmd/tofu
	@touch $@

# Pulumi's release archive of PULUMI_VERSION when it downloads and its
# SHA-256 is the one in pulumi.sha256 (internal/tools/pulumirelease), else,
# saying why, a build from Go module source.
$(BIN)/pulumi: internal/tools/pulumi/go.mod internal/tools/pulumi/go.sum pulumi.sha256
	@mkdir -p $(BIN)
	@$(GO) build -o $(BIN)/.pulumirelease ./internal/tools/pulumirelease
	@$(BIN)/.pulumirelease -version $(PULUMI_VERSION) -sums pulumi.sha256 -out $@ || \
		{ cd internal/tools/pulumi && $(GO) build -ldflags "$(PULUMI_LDFLAGS)" -o $@ github.com/pulumi/pulumi/pkg/v3/cmd/pulumi; }; \
		status=$$?; rm -f $(BIN)/.pulumirelease; exit $$status
	@touch $@

# Pulumi's published SHA-256 of its release archives, and the file the
# Dockerfile verifies the image's pulumi CLI against.
PULUMI_CHECKSUMS_URL ?= https://github.com/pulumi/pulumi/releases/download/$(PULUMI_VERSION)/pulumi-$(PULUMI_VERSION:v%=%)-checksums.txt
PULUMI_SHA256        ?= pulumi.sha256

## pulumi-checksums: pulumi.sha256, the SHA-256 of Pulumi's linux release
## archives of PULUMI_VERSION for the Action's image, from Pulumi's published
## checksums (needs the network; commit the result)
pulumi-checksums:
	@set -e; tmp="$(PULUMI_SHA256).tmp"; trap 'rm -f "$$tmp"' EXIT; \
	sums=$$(curl -fsSL --retry 3 "$(PULUMI_CHECKSUMS_URL)") || \
		{ echo "cannot download $(PULUMI_CHECKSUMS_URL): check the network, and that PULUMI_VERSION $(PULUMI_VERSION) is a Pulumi release" >&2; exit 1; }; \
	printf '%s\n' "# SHA-256 of Pulumi's linux release archives of pulumi $(PULUMI_VERSION), from" \
		"# $(PULUMI_CHECKSUMS_URL)." \
		"# Written by make pulumi-checksums; the Dockerfile checks the image's pulumi against it." > "$$tmp"; \
	for arch in x64 arm64; do \
		archive=pulumi-$(PULUMI_VERSION)-linux-$$arch.tar.gz; \
		sum=$$(printf '%s\n' "$$sums" | awk -v f="$$archive" '$$2 == f || $$2 == "*" f { print $$1 }'); \
		printf '%s\n' "$$sum" | grep -Eqx '[0-9a-f]{64}' || \
			{ echo "$(PULUMI_CHECKSUMS_URL) lists no SHA-256 for $$archive: check PULUMI_VERSION" >&2; exit 1; }; \
		echo "$$sum  $$archive" >> "$$tmp"; \
	done; \
	mv "$$tmp" "$(PULUMI_SHA256)"; \
	echo "wrote $(PULUMI_SHA256) for pulumi $(PULUMI_VERSION): commit it"

KUBE_VERSION := v1.32.4
KUBE_LDFLAGS := -X k8s.io/component-base/version.gitVersion=$(KUBE_VERSION) \
	-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=32 \
	-X k8s.io/component-base/version.gitTreeState=clean

# kube-apiserver for the aws target's Kubernetes tests (internal/testenv).
$(BIN)/kube-apiserver: internal/tools/kube/go.mod internal/tools/kube/go.sum
	@echo "building kube-apiserver $(KUBE_VERSION) from source (a few minutes the first time)"
	cd internal/tools/kube && $(GO) build -ldflags "$(KUBE_LDFLAGS)" -o $@ k8s.io/kubernetes/cmd/kube-apiserver
	@touch $@

# kube-controller-manager and kube-scheduler, of the same module and
# version, for internal/testenv's simulated cluster.
$(BIN)/kube-controller-manager $(BIN)/kube-scheduler: $(BIN)/%: internal/tools/kube/go.mod internal/tools/kube/go.sum
	@echo "building $* $(KUBE_VERSION) from source (a few minutes the first time)"
	cd internal/tools/kube && $(GO) build -ldflags "$(KUBE_LDFLAGS)" -o $@ k8s.io/kubernetes/cmd/$*
	@touch $@

KWOK_VERSION := v0.7.0

# KWOK plays the simulated cluster's nodes and its pods' lifecycle.
$(BIN)/kwok: internal/tools/kwok/go.mod internal/tools/kwok/go.sum
	@echo "building kwok $(KWOK_VERSION) from source"
	cd internal/tools/kwok && $(GO) build -o $@ sigs.k8s.io/kwok/cmd/kwok
	@touch $@

# The Kubernetes provider's version: the one stacks/aws pins (Plugins),
# which the plugin reports, so that the engine takes it for that version.
PULUMI_KUBERNETES_VERSION := $(shell sed -n 's/.*Name: "kubernetes", Version: "\([0-9.]*\)".*/\1/p' stacks/aws/plugins.go)
PULUMI_KUBERNETES_DIR     := internal/tools/pulumi-kubernetes

# pulumi-resource-kubernetes embeds schema-embed.json and
# terraform-mapping-embed.json, which its module does not ship: a copy of
# its cmd directory generates them as its generate.go does, then builds.
$(BIN)/pulumi-resource-kubernetes: $(PULUMI_KUBERNETES_DIR)/go.mod $(PULUMI_KUBERNETES_DIR)/go.sum stacks/aws/plugins.go
	@echo "building pulumi-resource-kubernetes $(PULUMI_KUBERNETES_VERSION) from source (about 15 minutes the first time)"
	@set -e; cd $(PULUMI_KUBERNETES_DIR); \
	src=$$($(GO) list -e -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes); \
	rm -rf _build; mkdir _build; trap 'rm -rf _build' EXIT; \
	cp $$src/main.go $$src/generate.go $$src/schema.json $$src/terraform-mapping.json _build/; chmod u+w _build/*; \
	(cd _build && VERSION=$(PULUMI_KUBERNETES_VERSION) $(GO) run ./generate.go); \
	$(GO) build -ldflags "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$(PULUMI_KUBERNETES_VERSION)" -o $@ ./_build
	@touch $@

MOTO_VERSION := 5.2.1

## test-deps: PostgreSQL server binaries and etcd, from Debian's packages
## when missing, xfsprogs as root (the thin-clone tests mount a loop XFS with
## reflinks), and moto_server (the S3, KMS, EKS and STS server of the
## s3://, awskms:// and EKS tests), from PyPI when missing
test-deps: postgres
	@command -v etcd >/dev/null 2>&1 || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q etcd-server)
	@[ "$$(id -u)" != 0 ] || command -v mkfs.xfs >/dev/null 2>&1 || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q xfsprogs)
	@command -v moto_server >/dev/null 2>&1 || \
		python3 -m pip install -q 'moto[server]==$(MOTO_VERSION)' || \
		(echo "make test-deps: moto_server is not on PATH and pip could not install it." >&2; \
		 echo "  The s3://, awskms:// and EKS tests need it: pip install 'moto[server]==$(MOTO_VERSION)' where PyPI is reachable," >&2; \
		 echo "  then put its moto_server on PATH." >&2; exit 1)

## postgres: PostgreSQL's server binaries, from Debian's packages when missing
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql)

## demo: the example app's baseline and a PR environment, side by side
## (it needs only the pulumi CLI and PostgreSQL, not the test tools)
demo: build $(BIN)/pulumi postgres
	PRENV_BINARY=$(BIN)/prenv ./examples/app/demo.sh

## demo-lifecycle: the lifecycle alone, with the built-in none target
demo-lifecycle: build $(BIN)/pulumi
	PRENV_BINARY=$(BIN)/prenv ./examples/lifecycle/demo.sh

# Test packages run at once by make test: each end-to-end package starts
# pulumi, PostgreSQL or kube-apiserver, and more than two starve 2 cores.
TEST_PACKAGES ?= 2

## test: unit, engine end-to-end and binary end-to-end tests; without
## -short a missing tool fails its test
test: build tools test-deps
	$(GO) build ./...  # warms the cache the example services' go run uses
	$(GO) vet ./...
	$(GO) test -count=1 -p $(TEST_PACKAGES) -timeout 30m ./...

## unit: every package's unit tests (go test -short): the tests that need a
## tool from ./bin, terraform, PostgreSQL or kube-apiserver skip, naming the
## make target that provides it
unit:
	$(GO) test -count=1 -short ./...

## bench: timing figures, each measured side by side with what it is
## compared to (no-change prenv up against pulumi up, the router against Caddy, ...)
bench: build tools $(BIN)/caddy
	$(GO) run ./internal/bench -bin $(BIN)

CADDY_VERSION := v2.11.9

# Caddy, the production reverse proxy the router benchmark compares with.
$(BIN)/caddy: internal/tools/caddy/go.mod internal/tools/caddy/go.sum
	@echo "building caddy $(CADDY_VERSION) from source (a few minutes the first time)"
	cd internal/tools/caddy && $(GO) build -o $@ github.com/caddyserver/caddy/v2/cmd/caddy
	@touch $@

## fuzz: a minute of fuzzing on the naming rules
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzNames -fuzztime 60s ./internal/naming

## lint: actionlint on the example workflows and the release workflow
lint:
	$(GO) run github.com/rhysd/actionlint/cmd/actionlint examples/workflows/*.yml .github/workflows/*.yml

clean:
	rm -rf $(BIN)

FORCE:
