# Hooklens: `make run` starts the desktop app, `make test` runs everything CI
# checks, `make bench` prints benchmark figures. See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run

# A build directory outside the clone, so a fresh clone (as in CI) reuses the
# compiled dependencies instead of rebuilding the world on two cores.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/hooklens/target
export PATH := $(HOME)/.cargo/bin:$(PATH)
APP_DEBUG := $(CARGO_TARGET_DIR)/debug/hooklens
BINDINGS := ui/src/ipc/bindings.gen.ts ui/src/ipc/shell.gen.ts

.PHONY: run test bench setup ui fmt-check clippy rust-test bindings-check ui-test e2e package package-test icons

## Install what is missing, build the UI, start the app.
run: setup ui
	cargo run -p hooklens

## Everything CI checks.
test: setup fmt-check ui clippy rust-test bindings-check ui-test e2e package-test
	@echo "make test: all checks passed"

## Benchmarks print figures; they never fail the build.
bench: setup ui
	cargo bench -p hooklens-tests --bench ingest
	cargo bench -p hooklens-tests --bench store
	cargo bench -p hooklens-tests --bench search
	cargo bench -p hooklens-tests --bench interchange
	cargo build --release -p hooklens --locked
	HOOKLENS_APP=$(CARGO_TARGET_DIR)/release/hooklens \
	  HOOKLENS_BENCH_DATA_DIR="$$(ls -d $(CARGO_TARGET_DIR)/../bench-data/search-v*-1000000 | sort -V | tail -1)" \
	  tests/e2e/bench.sh

setup:
	@scripts/setup.sh

ui:
	cd ui && npm run --silent build

fmt-check:
	cargo fmt --all --check

clippy:
	cargo clippy --workspace --all-targets --locked -- -D warnings

# The whole workspace, the Tauri shell included; the core's and the shell's
# tests also regenerate the TypeScript bindings.
rust-test:
	cargo test --workspace --locked

bindings-check:
	@for f in $(BINDINGS); do git ls-files --error-unmatch $$f >/dev/null 2>&1 || { echo "$$f is not committed" >&2; exit 1; }; done
	@git diff --quiet -- $(BINDINGS) || { git --no-pager diff -- $(BINDINGS); echo "the TypeScript bindings drifted from the Rust types: commit the regenerated files" >&2; exit 1; }
	@echo "bindings: $(BINDINGS) match the Rust transport types"

ui-test:
	cd ui && npm run --silent typecheck && npm run --silent test

e2e:
	cargo build -p hooklens -p hooklens-cli --locked
	HOOKLENS_APP=$(APP_DEBUG) HOOKLENS_CLI=$(CARGO_TARGET_DIR)/debug/hooklens-cli tests/e2e/run.sh

## A .deb and an AppImage of the release app, in dist/ (README: Install).
package: setup ui
	packaging/package.sh

## Install the .deb into a throwaway root and run the AppImage, each under
## Xvfb: capture a request, list it with the packaged CLI, remove.
package-test: package
	tests/package/run.sh

## Regenerate the PNG/ICO icons from icons/icon.svg.
icons:
	icons/generate.sh
