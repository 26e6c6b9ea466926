# Fuzz target of the reports area (issue 9): report JSON reader, minisign key and signature parsers.
lc_fuzz(NAME report SOURCES tests/fuzz/fuzz_report.c LIBS lc_reports CORPUS tests/fuzz/corpus/report)
