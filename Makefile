# lanecert: a thin driver around CMake. See README.md.
#   make          build into build/
#   make check    check the include arrows; build, run the suite; then build with ASan+UBSan (clang, with the fuzz
#                 targets) and run it again
#   make arrows   fail on an #include the house does not allow (the rules: docs/HACKING.md, "Floors and arrows")
#   make demo     certify a simulated cable end to end and print where the signed report is
#   make bench    run the benchmarks
#   make fuzz     build the libFuzzer targets (build-asan/fuzz_*)
#   make install  install the library, headers, lanecert.pc, the CLI, its data, man pages, completion
#                 (PREFIX=/usr/local; runs ldconfig for /usr and /usr/local when DESTDIR is empty)
#   make build-matrix  build with gcc and clang, Release/RelWithDebInfo/Debug and Debian's flags; fail on warnings
#   make deb      build the Debian packages into build-deb/ and run lintian (docs/packaging.md)
#   make deb-check  install the built packages into a throwaway root and certify a simulated cable with them

NPROC  := $(shell nproc 2>/dev/null || echo 2)
PREFIX ?= /usr/local
CMAKE  ?= cmake
CTEST  ?= ctest

.PHONY: all arrows build check check-build check-asan demo bench fuzz install clean build-matrix deb deb-check

all: build

build/CMakeCache.txt:
	$(CMAKE) -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) -DLC_WERROR=ON

build: build/CMakeCache.txt
	$(CMAKE) --build build -j$(NPROC)

build-asan/CMakeCache.txt:
	CC=clang $(CMAKE) -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLC_SANITIZE=ON -DLC_FUZZ=ON -DLC_WERROR=ON

fuzz: build-asan/CMakeCache.txt
	$(CMAKE) --build build-asan -j$(NPROC)

# After each pass, tests/summary.py says how many test cases passed, failed and were skipped, and why each
# skip happened (Criterion and ctest's SKIP_RETURN_CODE); the pass's exit status stays ctest's.
check-build: build
	rm -f build/test-results/*.tap; \
	$(CTEST) --test-dir build --output-on-failure -j$(NPROC) -O build/ctest.log; rc=$$?; \
	python3 tests/summary.py build gcc; exit $$rc

check-asan: fuzz
	rm -f build-asan/test-results/*.tap; \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		$(CTEST) --test-dir build-asan --output-on-failure -j$(NPROC) -O build-asan/ctest.log; rc=$$?; \
	python3 tests/summary.py build-asan asan; exit $$rc

# The arrows first: a forbidden include fails in a second, before ten minutes of building and testing.
arrows:
	python3 scripts/check-arrows.py

check: arrows check-build check-asan

# The demo needs the lanecert executable only: not the tests, benchmarks' extras or fuzz targets.
demo: build/CMakeCache.txt
	$(CMAKE) --build build -j$(NPROC) --target lanecert
	./scripts/demo.sh build

bench: build
	./scripts/bench.sh build

install: build
	$(CMAKE) --install build

build-matrix:
	./scripts/build-matrix.sh

deb:
	./scripts/deb.sh

deb-check:
	./scripts/deb-check.sh

clean:
	rm -rf build build-asan build-matrix build-deb
