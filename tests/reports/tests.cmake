# Tests of the reports area (issue 9).
lc_test(NAME reports_result SOURCES tests/reports/test_result.c LIBS lc_reports)
lc_test(NAME reports_sign SOURCES tests/reports/test_sign.c tests/reports/helpers.c LIBS lc_reports)
