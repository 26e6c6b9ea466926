# procedures/: the Lua engine and its bindings; procedures/measure: measurement orchestration (references,
# IL, RL, fiber map, the sequential BER step) and judgement against limits.
lc_area(procedures DEPS instruments fixtures reports hal PKGS PkgConfig::LUA SOURCES
  procedures/cable_identity.c
  procedures/calibration.c
  procedures/channel_digest.c
  procedures/compat.c
  procedures/diagnosis.c
  procedures/engine.c
  procedures/golden.c
  procedures/instrument_set.c
  procedures/lua_ber.c
  procedures/lua_compat.c
  procedures/lua_link.c
  procedures/lua_module_ber.c
  procedures/lua_ctx.c
  procedures/lua_skew.c
  procedures/lua_module.c
  procedures/soak_power.c
  procedures/lua_optical.c
  procedures/limit_record.c
  procedures/lua_otdr.c
  procedures/measure/ber_seq_run.c
  procedures/measure/ber_sequential.c
  procedures/measure/il.c
  procedures/measure/light.c
  procedures/measure/map.c
  procedures/measure/map_expected.c
  procedures/measure/map_measure.c
  procedures/measure/reference.c
  procedures/measure/reference_json.c
  procedures/measure/rl.c
  procedures/optical_paths.c
  procedures/prompt.c
  procedures/sandbox.c
  procedures/slots.c
  procedures/station_state.c
)
# Where the .lua procedures are found when running from the build tree and once installed.
set_source_files_properties(procedures/engine.c PROPERTIES COMPILE_DEFINITIONS
  "${LC_CHECKOUT_DEFINE};LC_DATA_DIR=\"${CMAKE_INSTALL_FULL_DATADIR}/lanecert\"")
# measure/ holds only C sources; without the EXCLUDE, FILES_MATCHING still creates it empty in the package
# (lintian: package-contains-empty-directory).
install(DIRECTORY procedures/ DESTINATION ${CMAKE_INSTALL_DATADIR}/lanecert/procedures FILES_MATCHING PATTERN "*.lua"
  PATTERN "measure" EXCLUDE)
