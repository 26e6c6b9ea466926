# Simulated OTDR (Yokogawa AQ7260 device messages) and the OTDR physics every simulated OTDR shares. It writes
# SOR files with instruments/otdr's writer and synthesizes traces with otdr_synth, both in lc_otdr_core (hal
# only, no client driver): the sim area links that library once its target exists (deferred to the end of
# the top directory).
list(APPEND LC_SIM_SOURCES instruments/sim/otdr_sim.c instruments/sim/inst_otdr_aq7260.c)
function(lc_sim_link_otdr_core)
  if(TARGET lc_sim_obj AND TARGET lc_otdr_core)
    target_link_libraries(lc_sim_obj PUBLIC lc_otdr_core)
    target_link_libraries(lc_sim PUBLIC lc_otdr_core)
  endif()
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL lc_sim_link_otdr_core)
