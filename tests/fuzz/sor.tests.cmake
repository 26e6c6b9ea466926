# SOR reader fuzz target. Its seeds (tests/fuzz/corpus/sor) are small files made with lanecert's own writer
# plus truncated and corrupted headers; the real samples are a second corpus, run once each (every sample
# must parse without a sanitizer finding) by fuzz_sor_samples.
lc_fuzz(NAME sor SOURCES tests/fuzz/fuzz_sor.c LIBS lc_otdr_core CORPUS tests/fuzz/corpus/sor)
if(LC_FUZZ AND EXISTS ${LC_SHARED_DIR}/sor-samples)
  add_test(NAME fuzz_sor_samples COMMAND fuzz_sor -runs=0 ${LC_SHARED_DIR}/sor-samples)
  set_tests_properties(fuzz_sor_samples PROPERTIES TIMEOUT 120 LABELS fuzz ENVIRONMENT "${LC_SANITIZER_ENV}")
endif()
