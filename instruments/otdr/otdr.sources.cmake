# SOR reader/writer and event analysis (no instrument needed), then the OTDR drivers.
# LC_OTDR_CORE_SOURCES is also compiled straight into the otdr tests, fuzz target and CLI-free checks so that
# they depend on hal only, not on the rest of the instruments area.
set(LC_OTDR_CORE_SOURCES
  instruments/otdr/sor_bytes.c
  instruments/otdr/sor_crc.c
  instruments/otdr/sor_model.c
  instruments/otdr/sor_read.c
  instruments/otdr/sor_read_params.c
  instruments/otdr/sor_read_trace.c
  instruments/otdr/sor_write.c
  instruments/otdr/otdr_lsfit.c
  instruments/otdr/otdr_analysis.c
  instruments/otdr/otdr_measure.c
  instruments/otdr/otdr_end.c
  instruments/otdr/otdr_ghost.c
  instruments/otdr/otdr_compare.c
  instruments/otdr/otdr_synth.c
)
list(APPEND LC_INSTRUMENTS_SOURCES ${LC_OTDR_CORE_SOURCES}
  instruments/otdr/otdr.c
  instruments/otdr/yokogawa_aq7260.c)

# The same sources as a small library on hal alone, for the otdr tests, the fuzz target and the benchmark,
# so that they build while other instrument classes are being edited.
if(NOT TARGET lc_otdr_core)
  add_library(lc_otdr_core STATIC ${LC_OTDR_CORE_SOURCES})
  target_include_directories(lc_otdr_core PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/include)
  target_link_libraries(lc_otdr_core PUBLIC lc_hal m)
endif()
