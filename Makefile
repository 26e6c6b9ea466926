# lanecert: a thin driver around CMake. See README.md.
#   make          build into build/
#   make check    build, run the suite; then build with ASan+UBSan (clang, with the fuzz targets) and run it again
#   make demo     certify a simulated cable end to end and print where the signed report is
#   make bench    run the benchmarks
#   make fuzz     build the libFuzzer targets (build-asan/fuzz_*)
#   make install  install the library, headers, lanecert.pc and the CLI (PREFIX=/usr/local)

NPROC  := $(shell nproc 2>/dev/null || echo 2)
PREFIX ?= /usr/local
CMAKE  ?= cmake
CTEST  ?= ctest

.PHONY: all build check check-build check-asan demo bench fuzz install clean

all: build

build/CMakeCache.txt:
	$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: build/CMakeCache.txt
	$(CMAKE) --build build -j$(NPROC)

build-asan/CMakeCache.txt:
	CC=clang $(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLC_SANITIZE=ON -DLC_FUZZ=ON

fuzz: build-asan/CMakeCache.txt
	$(CMAKE) --build build-asan -j$(NPROC)

check-build: build
	$(CTEST) --test-dir build --output-on-failure -j$(NPROC)

check-asan: fuzz
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		$(CTEST) --test-dir build-asan --output-on-failure -j$(NPROC)

check: check-build check-asan

demo: build
	./scripts/demo.sh build

bench: build
	./scripts/bench.sh build

install: build
	$(CMAKE) --install build

clean:
	rm -rf build build-asan
