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

# How many fresh sandboxes `make flake` runs the scaling suite against,
# and at which time scale.
RUNS      ?= 10
TIME_SCALE ?= 60

.PHONY: help build test vet fuzz lint bench gameday flake report-screenshot clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

build: ## build bin/gameday and bin/gameday-task, the sandbox's task program
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/gameday
	$(GO) build -o $(BIN)-task ./cmd/gameday-task

vet:
	$(GO) vet ./...

test: vet ## go vet, unit tests under the race detector, the suites against real sandboxes, a bounded fuzz run
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v -e /cmd/gameday$$ -e /sandbox/supervisor$$)
	@# Whole sandboxes run real processes in scaled time: alone on the
	@# machine, so other packages' tests do not starve their platform
	@# minutes. The suites and their load run in gameday binaries the tests
	@# build without the race detector, which would slow the load below
	@# its plan.
	$(GO) test -race -count=1 -timeout=20m ./sandbox/supervisor
	$(GO) test -race -count=1 -timeout=60m ./cmd/gameday
	$(MAKE) fuzz

fuzz: ## fuzz the spec loader for FUZZTIME (default 20s)
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) -fuzzminimizetime=1s ./spec/

lint: vet ## gofmt, staticcheck, actionlint on the workflows, and a check that the shipped spec loads
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) tool staticcheck ./...
	$(GO) tool actionlint
	$(GO) run ./cmd/gameday spec lint --spec $(SPEC) > /dev/null

bench: ## benchmarks, side by side in one run
	$(GO) test -run='^$$' -bench=. -benchmem ./...

gameday: build ## a whole local game day: lint, sandbox up, compliance, every behavioural suite, sandbox down; reports in reports/out/
	@echo "== gameday $(VERSION): a game day against the local sandbox, reports in $(REPORTS)"
	@scripts/gameday.sh $(BIN) $(SPEC) $(REPORTS) $(SANDBOX)

flake: build ## the scaling suite RUNS times (default 10) against fresh sandboxes at TIME_SCALE (default 60); prints passes/runs and each run's minute lag
	@scripts/flake.sh $(BIN) $(SPEC) $(RUNS) $(REPORTS)/flake $(TIME_SCALE)

# Where make report-screenshot writes the first screen of report.html.
SHOT      ?= reports/out/report-screenshot.png

report-screenshot: ## a PNG of the first screen of the recorded run's report.html, in headless Chromium (SHOT=path)
	@mkdir -p $(dir $(SHOT)) && rm -f $(SHOT)
	GAMEDAY_SCREENSHOT=$(abspath $(SHOT)) $(GO) test -count=1 -run '^TestReportInChromium$$' ./reports/html
	@test -s $(SHOT) || { echo "no screenshot: the test skipped; it needs chromium (apt-get install -y chromium)"; exit 1; }
	@echo "$(SHOT)"

clean: ## remove build output and reports
	rm -rf bin reports/out
