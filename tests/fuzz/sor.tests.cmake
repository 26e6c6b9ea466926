# SOR reader fuzz target. Its seeds (tests/fuzz/corpus/sor) are small files made with lanecert's own writer
# plus truncated and corrupted headers; the real samples are a second corpus, run once each (every sample
# must parse without a sanitizer finding; the folder's README.md must be refused cleanly) by fuzz_sor_samples.
lc_fuzz(NAME sor SOURCES tests/fuzz/fuzz_sor.c LIBS lc_otdr_core CORPUS tests/fuzz/corpus/sor)
if(LC_FUZZ)
  add_test(NAME fuzz_sor_samples COMMAND fuzz_sor -runs=0 ${PROJECT_SOURCE_DIR}/tests/data/sor)
  set_tests_properties(fuzz_sor_samples PROPERTIES TIMEOUT 120 LABELS fuzz ENVIRONMENT "${LC_SANITIZER_ENV}")
endif()
