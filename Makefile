# The README's commands. Each installs what is missing, configures and builds
# incrementally, then does its job.
#   make run    build, run the conformance suite on the embedded mock, write reports
#   make test   build with -Werror, run every test plainly and under ASan+UBSan
#   make bench  benchmarks, printing ratios against reference servers
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD ?= build
SAN_BUILD ?= build-asan
GOLDEN ?= $(abspath ../shared/golden)
REPORT_DIR ?= scalecheck-reports

.PHONY: all deps build build-asan run test test-plain test-asan bench clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt: | deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCALECHECK_WERROR=ON >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	@cmake --build $(BUILD) -j$(JOBS)

$(SAN_BUILD)/CMakeCache.txt: | deps
	@cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSCALECHECK_WERROR=ON \
	  -DSCALECHECK_SANITIZERS=address,undefined >/dev/null

build-asan: deps $(SAN_BUILD)/CMakeCache.txt
	@cmake --build $(SAN_BUILD) -j$(JOBS)

# The conformance suite (and the examples) against the embedded mock, then
# the golden recordings of apisonator 3.4.3 replayed against it.
run: build
	@$(BUILD)/scalecheck run --report-dir $(REPORT_DIR) scenarios
	@if [ -d "$(GOLDEN)" ]; then \
	  $(BUILD)/scalecheck replay --known-failures tests/golden/known_failures.txt $(GOLDEN) \
	    | grep -E '^(FAIL|KNOWN|FIXED|replay:)'; \
	fi

test: test-plain test-asan

test-plain: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-asan: build-asan
	@cd $(SAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j$(JOBS)

bench: build
	@SCALECHECK_DEPS=bench scripts/install-deps
	@scripts/bench-mock $(BUILD)
	@scripts/bench-load $(BUILD)

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
