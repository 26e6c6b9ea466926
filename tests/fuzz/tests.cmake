# Fuzz targets of the HAL (issue 2): resource strings, and the pure SCPI reply parsers (framer, blocks,
# numbers, lists, strings, error-queue entries).
lc_fuzz(NAME resource SOURCES tests/fuzz/fuzz_resource.c LIBS lc_hal CORPUS tests/fuzz/corpus/resource)
lc_fuzz(NAME scpi_reply SOURCES tests/fuzz/fuzz_scpi_reply.c LIBS lc_hal CORPUS tests/fuzz/corpus/scpi_reply)
# Fuzz target of the USBTMC transport (issue 7): bulk-IN headers, GET_CAPABILITIES replies, quirk specs, and
# arbitrary bulk-IN traffic read through a whole SCPI session.
lc_fuzz(NAME usbtmc SOURCES tests/fuzz/fuzz_usbtmc.c LIBS lc_hal CORPUS tests/fuzz/corpus/usbtmc)
lc_fuzz(NAME fixtures SOURCES tests/fuzz/fuzz_fixtures.c LIBS lc_fixtures CORPUS tests/fuzz/corpus/fixtures)
# SOR reader fuzz target. Its seeds (tests/fuzz/corpus/sor) are small files made with lanecert's own writer
# plus truncated and corrupted headers; the real samples are a second corpus, run once each (every sample
# must parse without a sanitizer finding; the folder's README.md must be refused cleanly) by fuzz_sor_samples.
lc_fuzz(NAME sor SOURCES tests/fuzz/fuzz_sor.c LIBS lc_instruments CORPUS tests/fuzz/corpus/sor)
if(LC_FUZZ)
  add_test(NAME fuzz_sor_samples COMMAND fuzz_sor -runs=0 ${PROJECT_SOURCE_DIR}/tests/data/sor)
  set_tests_properties(fuzz_sor_samples PROPERTIES TIMEOUT 120 LABELS fuzz ENVIRONMENT "${LC_SANITIZER_ENV}")
endif()
# Fuzz target of the module decoders and dump parser (issue 7).
lc_fuzz(NAME module SOURCES tests/fuzz/fuzz_module.c LIBS lc_procedures CORPUS tests/fuzz/corpus/module)
# Fuzz target of the reports area (issue 9): report JSON reader, minisign key and signature parsers.
lc_fuzz(NAME report SOURCES tests/fuzz/fuzz_report.c LIBS lc_reports CORPUS tests/fuzz/corpus/report)
# Fuzz target of the dashboard's event datagrams (serve/live.c): whatever arrives on the events socket.
lc_fuzz(NAME serve_event SOURCES tests/fuzz/fuzz_serve_event.c LIBS lc_serve CORPUS tests/fuzz/corpus/serve_event)
# Fuzz target of the HiSLIP client (issue 20): server traffic on both channels through a whole session.
lc_fuzz(NAME hislip SOURCES tests/fuzz/fuzz_hislip.c LIBS lc_hal CORPUS tests/fuzz/corpus/hislip)
# lc_fmt_exp, the simulator's exact exponent notation, against snprintf (seeds: NR3 readings, a tie, a
# subnormal, an infinity).
lc_fuzz(NAME numfmt SOURCES tests/fuzz/fuzz_numfmt.c LIBS lc_base CORPUS tests/fuzz/corpus/numfmt)
# A supply's station layout (which output feeds which end): any text is refused with a reason or gives sane
# pairs. Seeds: the first byte picks the room for pairs (1..8).
lc_fuzz(NAME supply_layout SOURCES tests/fuzz/fuzz_supply_layout.c LIBS lc_instruments CORPUS tests/fuzz/corpus/supply_layout)
# A module instrument's station layout (which mux channel holds which end, channels 0..63 over the PCA9548As at
# 0x70..0x77): refused with a reason and the options untouched, or one mux and one channel bit for the end, as
# a second reading of the grammar says. Seeds: "END\nLAYOUT".
lc_fuzz(NAME module_layout SOURCES tests/fuzz/fuzz_module_layout.c LIBS lc_instruments CORPUS tests/fuzz/corpus/module_layout)
