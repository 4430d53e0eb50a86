# paxviz — make help lists the targets.
GO      ?= go
ADDR    ?= 127.0.0.1:8080
FUZZTIME ?= 10s
SEED    ?= 1

.PHONY: help run dev test test-short bench fmt lint vet rewrite generate ensure-generated fuzz explore build

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

run: ## serve the web app on $(ADDR) with the built-in lessons
	$(GO) run ./cmd/paxviz serve --addr $(ADDR)

dev: ## serve with static files and lessons read from disk (edit and reload)
	$(GO) run ./cmd/paxviz serve --addr $(ADDR) --dev --lessons lessons

build: ## build the paxviz binary
	$(GO) build -o paxviz ./cmd/paxviz

test: ensure-generated lint ## everything CI runs: generated files, lint, race tests (browser included), short fuzzing
	$(GO) test -race -count=1 -timeout 30m ./...
	$(GO) test -run='^$$' -fuzz='^FuzzScript$$' -fuzztime=$(FUZZTIME) ./engine/sim
	$(GO) test -run='^$$' -fuzz='^FuzzActions$$' -fuzztime=$(FUZZTIME) ./engine/sim

test-short: ## quick tests: no browser, fewer random walks
	$(GO) test -short ./...

bench: ## speed and memory benchmarks (figures in README)
	$(GO) test -run='^$$' -bench=. -benchmem -cpu=1 ./...

fmt: ## gofmt and templ fmt
	gofmt -w $$(git ls-files '*.go' | grep -v '_templ.go$$')
	$(GO) tool templ fmt .

vet: ## go vet
	$(GO) vet ./...

lint: vet ## gofmt check, go vet, go.mod tidy (the engine purity rule is a test)
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod/go.sum are not tidy: run go mod tidy"; $(GO) mod tidy -diff; exit 1; }
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

rewrite: ## regenerate golden traces (review the diff before committing)
	$(GO) test ./engine/sim -run 'TestGolden' -rewrite

generate: ## regenerate templ components
	$(GO) tool templ generate

ensure-generated: ## fail when generated templ files are stale
	$(GO) tool templ generate -check

fuzz: ## longer fuzzing (FUZZTIME=60s)
	$(GO) test -run='^$$' -fuzz='^FuzzScript$$' -fuzztime=$(FUZZTIME) ./engine/sim
	$(GO) test -run='^$$' -fuzz='^FuzzActions$$' -fuzztime=$(FUZZTIME) ./engine/sim

explore: ## replay one random walk (SEED=N)
	PAXVIZ_WALK_SEED=$(SEED) $(GO) test ./engine/sim -run TestRandomWalks -v
