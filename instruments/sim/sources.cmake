# The simulated station: built on fixtures/ and hal/'s low-level pieces, never on the client drivers.
set(LC_SIM_SOURCES)
lc_area_fragments(SIM instruments/sim)
if(LC_SIM_SOURCES)
  lc_area(sim SOURCES ${LC_SIM_SOURCES} DEPS hal fixtures PKGS PkgConfig::JANSSON)
endif()
