list(APPEND LC_PROCEDURES_SOURCES
  procedures/sandbox.c
  procedures/prompt.c
  procedures/instrument_set.c
  procedures/calibration.c
  procedures/optical_paths.c
  procedures/engine.c
  procedures/slots.c
  procedures/lua_ctx.c
  procedures/lua_optical.c
  procedures/lua_ber.c
  procedures/lua_otdr.c
  procedures/lua_module.c
  procedures/diagnosis.c
)
# Where the .lua procedures are found when running from the build tree and once installed.
set_source_files_properties(procedures/engine.c PROPERTIES COMPILE_DEFINITIONS
  "${LC_CHECKOUT_DEFINE};LC_DATA_DIR=\"${CMAKE_INSTALL_FULL_DATADIR}/lanecert\"")
install(DIRECTORY procedures/ DESTINATION ${CMAKE_INSTALL_DATADIR}/lanecert/procedures FILES_MATCHING PATTERN "*.lua")
