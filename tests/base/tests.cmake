lc_test(NAME base_error SOURCES tests/base/test_error.c LIBS lc_base)
lc_test(NAME base_utf8 SOURCES tests/base/test_utf8.c LIBS lc_base)
lc_test(NAME base_abort SOURCES tests/base/test_abort.c LIBS lc_base)
lc_test(NAME base_clauses SOURCES tests/base/test_clauses.c LIBS lc_base)
