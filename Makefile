# pmprep — build, test, demo. `make demo` and `make test` are the two
# commands a newcomer runs; both install what they need (Go modules, the
# pinned newman and OAuth 2.0 servers from npm) on a fresh machine.

GO      ?= go
E2E     := testdata/e2e
NODE_OK := $(E2E)/node_modules/.pmprep-installed
GOFILES := $(shell git ls-files '*.go' 2>/dev/null)

.PHONY: all build test vet fmt-check unit e2e-deps precommit-deps completion-deps dist demo bench fuzz clean node

all: build

build: bin/pmprep

bin/pmprep: $(GOFILES) go.mod go.sum $(wildcard templates/*.tmpl)
	$(GO) build -o $@ ./cmd/pmprep

# Node.js and npm come with this project's machine image; install them from
# Debian's packages where a machine lacks them.
node:
	@command -v node >/dev/null && command -v npm >/dev/null || \
		{ echo "installing nodejs and npm from Debian"; apt-get update -qq && apt-get install -y -qq nodejs npm; }

# The pinned newman, oidc-provider, @node-oauth/oauth2-server and
# postman-collection, from the committed lock file.
e2e-deps: $(NODE_OK)
$(NODE_OK): $(E2E)/package-lock.json | node
	cd $(E2E) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's pre-commit framework, for strip's end-to-end hook test.
precommit-deps:
	@command -v pre-commit >/dev/null || \
		{ echo "installing pre-commit from Debian"; apt-get update -qq && apt-get install -y -qq pre-commit; }

# zsh and fish from Debian, for the completion tests (bash is always there).
completion-deps:
	@command -v zsh >/dev/null && command -v fish >/dev/null || \
		{ echo "installing zsh and fish from Debian"; apt-get update -qq && apt-get install -y -qq zsh fish; }

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# All tests, end-to-end included: PMPREP_E2E_REQUIRED makes a missing
# newman, Postman CLI, zsh or fish a failure instead of a skip. The e2e package runs
# about 9 minutes on 2 cores, near go test's default 10-minute timeout.
test: e2e-deps precommit-deps completion-deps vet fmt-check
	PMPREP_E2E_REQUIRED=1 $(GO) test -count=1 -timeout 40m ./...

# The fast tests only (-short skips end-to-end, corpus, hostile big-file
# and pre-commit tests): seconds, no node needed.
unit:
	$(GO) test -short ./...

# Release archives for linux and darwin (amd64, arm64) and windows/amd64,
# reproducible, with SHA256SUMS, in build/dist (see docs/install.md).
# VERSION defaults to pmprep.Version; the commit is the checkout's HEAD.
VERSION ?=
dist:
	$(GO) run ./internal/dist $(if $(VERSION),-version $(VERSION))

# RUNNER=postman-cli make demo runs it with the Postman CLI instead of newman.
demo: build e2e-deps
	bash examples/demo.sh

# Generated 1k/10k/40k-request collections (in build/bench, not committed);
# pmprep inject and strip side by side with the floor (read, validate,
# write) and the postman-collection SDK: time, peak memory, ratios.
# BENCHFLAGS=-strict fails when a target is missed; see go run ./internal/bench -h.
bench: build e2e-deps
	$(GO) run ./internal/bench $(BENCHFLAGS)
	@echo "== the generated script's cost per request in newman (200 requests, vs no script and an empty script)"
	$(GO) test ./e2e -run '^$$' -bench NewmanScriptOverhead -benchtime 1x
	@echo "== the same in the Postman CLI"
	$(GO) test ./e2e -run '^$$' -bench PostmanCLIScriptOverhead -benchtime 1x
	@echo "== inject on a v3 directory migrated from the 10,000-request collection vs reading and rewriting the files it changes (x-floor; target within 3)"
	$(GO) test ./inject -run '^$$' -bench InjectV3VsFloor -benchtime 5x

# Every fuzz target of the module, FUZZTIME each. Inputs that fail are
# written to the package's testdata/fuzz/ and then run with every go test.
FUZZTIME ?= 10s
fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' --exclude-dir=node_modules '^func Fuzz' .); do \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "== $$(dirname $$f) $$t"; \
			$(GO) test ./$$(dirname $$f) -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME); \
		done; \
	done

clean:
	rm -rf bin build
