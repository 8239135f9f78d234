# Meridian — the two commands a user needs:
#   make run    install missing packages, build, start the platform
#   make test   install missing packages, build, run every test (ctest)
# Long runs live behind their own targets: make bench, make bench-api,
# make bench-network, make bench-pg, make test-asan.

PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DATA_DIR ?= .meridian-data
LISTEN ?= 127.0.0.1:8080
# Reference data (ECB rates, ISO 4217, lists) when it is beside the repo;
# the demo falls back to built-in data and says so.
REF_DATA ?= ../shared/data

# Debian 12 packages the build and tests need (see DESIGN.md).
DEB_PACKAGES := cmake ninja-build g++ ccache pkg-config libssl-dev \
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev \
  libboost-dev libsimdjson-dev librocksdb-dev libtomlplusplus-dev \
  libicu-dev libpugixml-dev libxgboost-dev prometheus \
  libxml2-dev libxml2-utils libqrencode-dev libpng-dev zbar-tools

# Only for `make bench-pg` (the PostgreSQL peer run).
PG_PACKAGES := postgresql postgresql-contrib

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# $(call install_missing,packages...)
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing missing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

.PHONY: all deps configure build test test-asan run demo bench bench-api bench-network bench-pg format clean

all: build

deps:
	$(call install_missing,$(DEB_PACKAGES))

configure: deps
	@[ -f $(BUILD_DIR)/build.ninja ] || cmake --preset $(PRESET)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest -j $(JOBS) --output-on-failure --timeout 900

test-asan:
	$(MAKE) test PRESET=debug

# The HTTP API with embedded storage in $(DATA_DIR). The first start prints
# the operator key once; set MERIDIAN_OPERATOR_KEY to choose your own.
run: build
	$(BUILD_DIR)/src/cli/meridian serve --data-dir $(DATA_DIR) --listen $(LISTEN)

# The engine-only payment stream of issue 2 (no HTTP).
demo: build
	$(BUILD_DIR)/src/cli/meridian demo --data-dir $(DATA_DIR)-demo --reference-data $(REF_DATA)

bench: build
	$(BUILD_DIR)/src/cli/meridian bench ledger

bench-api: build
	$(BUILD_DIR)/src/cli/meridian bench api --connections 256

# MPM payments through HTTP with every check on (issue: the network goal),
# in-process server, durable; then the same with --no-sync to compare.
BENCH_NETWORK_FLAGS ?=
bench-network: build
	$(BUILD_DIR)/src/cli/meridian bench network $(BENCH_NETWORK_FLAGS)
	$(BUILD_DIR)/src/cli/meridian bench network --no-sync $(BENCH_NETWORK_FLAGS)

bench-pg: build
	$(call install_missing,$(PG_PACKAGES))
	bash bench/pg_peer/run.sh --meridian $(BUILD_DIR)/src/cli/meridian

format:
	find src -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf build
