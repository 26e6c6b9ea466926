# Criterion tests, one executable per file, mirroring the source layout; fuzz targets in tests/fuzz/.
#
#   lc_test(NAME hal_resource SOURCES tests/hal/test_resource.c LIBS lc_hal [TIMEOUT 120])
#
# Every test gets in its environment:
#   LC_SOURCE_DIR  the checkout (fixtures/, procedures/ ...)
#   LC_CLI         the built lanecert executable
#   LC_BUILD_DIR   the build directory (scratch files go below it)
# The library never installs sanitizer hooks for its host; the test suite names what third-party libraries
# keep (tests/lsan.supp) and stops at the first UBSan finding.
set(LC_SANITIZER_ENV "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/lsan.supp:print_suppressions=0;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
# A sanitizer report without file:line is of little use: the runtime symbolizes through llvm-symbolizer,
# which Debian ships only as llvm-symbolizer-14 (package llvm-14, bootstrap.sh) unless `llvm` is installed too.
if(LC_SANITIZE)
  find_program(LC_LLVM_SYMBOLIZER NAMES llvm-symbolizer llvm-symbolizer-14 PATHS /usr/lib/llvm-14/bin)
  if(NOT LC_LLVM_SYMBOLIZER)
    message(FATAL_ERROR "LC_SANITIZE needs llvm-symbolizer for file:line in reports: run ./bootstrap.sh (package llvm-14)")
  endif()
  list(APPEND LC_SANITIZER_ENV "ASAN_SYMBOLIZER_PATH=${LC_LLVM_SYMBOLIZER}")
  add_executable(asan_probe tests/asan_probe.c)
  add_test(NAME asan_reports_have_file_line
    COMMAND sh -c "out=$(\"$0\" 2>&1); echo \"$out\" | grep -q 'asan_probe.c:[0-9]' || { echo \"$out\"; exit 1; }"
            $<TARGET_FILE:asan_probe>)
  set_tests_properties(asan_reports_have_file_line PROPERTIES ENVIRONMENT "${LC_SANITIZER_ENV}")
endif()

file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/test-results)
function(lc_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  set(name ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(test_${name} ${T_SOURCES})
  target_include_directories(test_${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(test_${name} PRIVATE ${T_LIBS} PkgConfig::CRITERION)
  # TAP beside the usual report: Criterion exits 0 when tests were skipped, so tests/summary.py counts the
  # skips (and their reasons) from these files after `make check`.
  add_test(NAME ${name} COMMAND test_${name} --jobs=2 --output=tap:${PROJECT_BINARY_DIR}/test-results/${name}.tap)
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "LC_SOURCE_DIR=${PROJECT_SOURCE_DIR};LC_CLI=$<TARGET_FILE:lanecert>;LC_BUILD_DIR=${PROJECT_BINARY_DIR};${LC_SANITIZER_ENV}")
endfunction()

# A libFuzzer target, built with LC_FUZZ=ON; `make check` runs each for a few seconds on its seed corpus
# (new inputs go to a scratch folder in the build tree, emptied first, never into the repository). The
# seed is fixed so that a run is repeatable: longer, random-seeded fuzzing is `make fuzz` and the binaries.
#   lc_fuzz(NAME resource SOURCES tests/fuzz/fuzz_resource.c LIBS lc_hal CORPUS tests/fuzz/corpus/resource)
set(LC_FUZZ_SECONDS 5 CACHE STRING "Seconds each fuzz target runs in the test suite")
function(lc_fuzz)
  cmake_parse_arguments(F "" "NAME;CORPUS" "SOURCES;LIBS" ${ARGN})
  if(NOT LC_FUZZ)
    return()
  endif()
  add_executable(fuzz_${F_NAME} ${F_SOURCES})
  target_include_directories(fuzz_${F_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(fuzz_${F_NAME} PRIVATE ${F_LIBS})
  target_link_options(fuzz_${F_NAME} PRIVATE -fsanitize=fuzzer)
  set(scratch ${PROJECT_BINARY_DIR}/fuzz-scratch/${F_NAME})
  add_test(NAME fuzz_${F_NAME}
    COMMAND ${CMAKE_COMMAND} -E env ${LC_SANITIZER_ENV}
            sh -c "rm -rf '${scratch}' && mkdir -p '${scratch}' && exec \"$0\" -seed=1 -max_total_time=${LC_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 '${scratch}' \"$1\""
            $<TARGET_FILE:fuzz_${F_NAME}> ${PROJECT_SOURCE_DIR}/${F_CORPUS})
  set_tests_properties(fuzz_${F_NAME} PROPERTIES TIMEOUT 120 LABELS fuzz)
endfunction()

# Each tests folder mirrors a source folder and registers its tests in its tests.cmake.
foreach(dir base hal formats fixtures instruments sim reports procedures serve cli api scripts fuzz install)
  include(${PROJECT_SOURCE_DIR}/tests/${dir}/tests.cmake)
endforeach()

# Long tests start first. A fresh build directory (CI's) has no cost data (Testing/Temporary/CTestCostData.txt,
# which ctest writes after a run and uses from then on), so ctest would start the tests in the order they are
# declared and the longest, declared late, would run alone at the end of `ctest -j2`. COST is about the
# seconds each took in the sanitizer pass (build-asan/ctest.log), the longer one; the fault matrix goes first
# in both passes (the gcc pass runs all of its cells). Only their order matters.
foreach(cost
    procedures_fault_matrix:250 procedures_cli_trust:50 procedures_cli_verdicts:43 reports_fleet:37 serve_http:23
    procedures_engine:22 reports_write:22 cli_run:20 procedures_run_faults_cli:16 otdr_aq7260:16 hal_scpi_tcp:14
    cli_options:12 reports_pdf:12 serve_browser:11 procedures_e2e_faults:7)
  string(REPLACE ":" ";" cost "${cost}")
  list(GET cost 0 name)
  list(GET cost 1 seconds)
  if(TEST ${name})
    set_tests_properties(${name} PROPERTIES COST ${seconds})
  endif()
endforeach()
