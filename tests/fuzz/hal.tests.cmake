# Fuzz targets of the HAL (issue 2): resource strings, and the pure SCPI reply parsers (framer, blocks,
# numbers, lists, strings, error-queue entries).
lc_fuzz(NAME resource SOURCES tests/fuzz/fuzz_resource.c LIBS lc_hal CORPUS tests/fuzz/corpus/resource)
lc_fuzz(NAME scpi_reply SOURCES tests/fuzz/fuzz_scpi_reply.c LIBS lc_hal CORPUS tests/fuzz/corpus/scpi_reply)
