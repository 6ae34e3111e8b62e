# gameday: `make gameday` runs a local game day end to end, `make test` is
# what CI runs. `make help` lists every target.

SHELL     := /bin/bash
GO        ?= go
BIN       := bin/gameday
SPEC      ?= fixtures/spec/platform.yaml
REPORTS   ?= reports/out/$(shell date -u +%Y%m%dT%H%M%SZ)
# Fuzzing runs for a bounded time in `make test`; raise it for a soak.
FUZZTIME  ?= 20s
SANDBOX   ?= .gameday/sandbox
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)

.PHONY: help build test vet fuzz lint bench gameday clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

build: ## build bin/gameday and bin/gameday-task, the sandbox's task program
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/gameday
	$(GO) build -o $(BIN)-task ./cmd/gameday-task

vet:
	$(GO) vet ./...

test: vet ## go vet, every test under the race detector, a bounded fuzz run
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /cmd/gameday$$)
	@# The sandbox runs real processes in scaled time: alone on the machine,
	@# so other packages' tests do not starve its platform minutes.
	$(GO) test -race -count=1 ./cmd/gameday
	$(MAKE) fuzz

fuzz: ## fuzz the spec loader for FUZZTIME (default 20s)
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./spec/

lint: vet ## gofmt, staticcheck, and a check that the shipped spec loads
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) tool staticcheck ./...
	$(GO) run ./cmd/gameday spec lint --spec $(SPEC) > /dev/null

bench: ## benchmarks, side by side in one run
	$(GO) test -run='^$$' -bench=. -benchmem ./...

gameday: build ## a whole local game day: sandbox up, the suites built so far, reports in reports/out/, sandbox down
	@mkdir -p $(REPORTS)
	@echo "== gameday $(VERSION): game day against the local target, reports in $(REPORTS)"
	@echo "== 1/4 the runbook as data: where it contradicts itself or AWS"
	$(BIN) spec lint --spec $(SPEC) | tee $(REPORTS)/spec-lint.txt
	$(BIN) spec lint --spec $(SPEC) -o json > $(REPORTS)/spec-lint.json
	$(BIN) spec show --spec $(SPEC) -o json > $(REPORTS)/spec.json
	@echo "== 2/4 the sandbox: two regions, Route 53, Redis, at 60x"
	$(BIN) sandbox up --spec $(SPEC) --state-dir $(SANDBOX)
	@# Whatever fails from here, the sandbox goes down and the exit code
	@# is the first failure's.
	@rc=0; \
	  echo "== 3/4 compliance: the sandbox's configuration against the runbook"; \
	  $(BIN) check --target $(SANDBOX)/target.yaml --spec $(SPEC) --junit-report $(REPORTS)/compliance.xml | tee $(REPORTS)/compliance.txt; \
	  rc=$${PIPESTATUS[0]}; \
	  $(BIN) check --target $(SANDBOX)/target.yaml --spec $(SPEC) -o json > $(REPORTS)/compliance.json || true; \
	  echo "== 4/4 the sandbox's state, then down"; \
	  $(BIN) sandbox status --state-dir $(SANDBOX) | tee $(REPORTS)/sandbox-status.txt; \
	  $(BIN) sandbox status --state-dir $(SANDBOX) -o json > $(REPORTS)/sandbox-status.json || [ $$rc -ne 0 ] || rc=1; \
	  $(BIN) sandbox down --state-dir $(SANDBOX); \
	  echo "Not built yet, so not run: the behaviour suites (scaling, resilience, alarms, failover, data) as"; \
	  echo "Ginkgo suites against a target; today their scenarios run in make test against the sandbox."; \
	  echo "Reports written: $$(ls $(REPORTS) | tr '\n' ' ')"; \
	  exit $$rc

clean: ## remove build output and reports
	rm -rf bin reports/out
