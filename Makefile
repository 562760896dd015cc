# The two commands of the README: `make run` and `make test`.
.PHONY: run test build build-test deps deps-test clean format fuzz

RELEASE_DIR ?= build/release
TEST_DIR ?= build/test
LISTEN ?= 127.0.0.1:8080
DATA_DIR ?= ./data

run: build
	$(RELEASE_DIR)/bulwark serve --listen $(LISTEN) --data-dir $(DATA_DIR)

build: deps
	@cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DBULWARK_TESTS=OFF -DBULWARK_BENCH=OFF >/dev/null
	@cmake --build $(RELEASE_DIR) --target bulwark

test: deps-test
	@cmake -S . -B $(TEST_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
	  -DBULWARK_SANITIZE=ON -DBULWARK_WERROR=ON >/dev/null
	@cmake --build $(TEST_DIR)
	@scripts/with-postgres.sh ctest --test-dir $(TEST_DIR) --output-on-failure -j2

# libFuzzer targets (docs/operations.md, "Fuzzing"): each runs FUZZ_SECONDS (default 60).
FUZZ_SECONDS ?= 60
fuzz: deps-test
	@FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

deps:
	@scripts/install-deps.sh run

deps-test:
	@scripts/install-deps.sh test

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build
