# One fragment per instrument class folder (instruments/<class>/<class>.sources.cmake), not the simulator.
set(LC_INSTRUMENTS_SOURCES)
file(GLOB _inst_frags CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/instruments/*/*.sources.cmake
                                         ${PROJECT_SOURCE_DIR}/instruments/*.sources.cmake)
list(FILTER _inst_frags EXCLUDE REGEX "/instruments/sim/")
list(SORT _inst_frags)
foreach(_f ${_inst_frags})
  include(${_f})
endforeach()
if(LC_INSTRUMENTS_SOURCES)
  lc_area(instruments SOURCES ${LC_INSTRUMENTS_SOURCES} DEPS hal fixtures PKGS PkgConfig::JANSSON)
endif()
