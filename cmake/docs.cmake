# Man pages (lanecert.1, lanecert-COMMAND.1) and bash completion, generated at build time from the built
# program's --help and cli/commands.def (scripts/gen-manpages.sh, scripts/gen-bash-completion.sh), so they
# cannot drift from the program. Installed with it: MANDIR/man1 and DATADIR/bash-completion/completions.
# LC_MANPAGES=AUTO builds the pages when help2man is installed (bootstrap.sh installs it); ON requires it.
set(LC_MANPAGES AUTO CACHE STRING "Generate man pages with help2man (AUTO, ON, OFF)")
set_property(CACHE LC_MANPAGES PROPERTY STRINGS AUTO ON OFF)
find_program(LC_HELP2MAN help2man)

set(_lc_def ${PROJECT_SOURCE_DIR}/cli/commands.def)
file(STRINGS ${_lc_def} _lc_cmd_lines REGEX "^LC_COMMAND\\(\"")
set(_lc_pages ${PROJECT_BINARY_DIR}/man/lanecert.1)
foreach(_l ${_lc_cmd_lines})
  string(REGEX REPLACE "^LC_COMMAND\\(\"([^\"]+)\".*" "\\1" _c "${_l}")
  list(APPEND _lc_pages ${PROJECT_BINARY_DIR}/man/lanecert-${_c}.1)
endforeach()

if(LC_MANPAGES STREQUAL "ON" AND NOT LC_HELP2MAN)
  message(FATAL_ERROR "LC_MANPAGES=ON needs help2man (run ./bootstrap.sh)")
endif()
if(LC_HELP2MAN AND NOT LC_MANPAGES STREQUAL "OFF")
  add_custom_command(OUTPUT ${_lc_pages}
    COMMAND sh ${PROJECT_SOURCE_DIR}/scripts/gen-manpages.sh $<TARGET_FILE:lanecert> ${_lc_def}
            ${PROJECT_BINARY_DIR}/man ${PROJECT_VERSION}
    DEPENDS lanecert ${_lc_def} ${PROJECT_SOURCE_DIR}/scripts/gen-manpages.sh
    COMMENT "Generating man pages from lanecert --help")
  add_custom_target(manpages ALL DEPENDS ${_lc_pages})
  install(FILES ${_lc_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
elseif(NOT LC_MANPAGES STREQUAL "OFF")
  message(STATUS "help2man not found: no man pages (run ./bootstrap.sh)")
endif()

set(_lc_completion ${PROJECT_BINARY_DIR}/completion/lanecert)
add_custom_command(OUTPUT ${_lc_completion}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/completion
  COMMAND sh ${PROJECT_SOURCE_DIR}/scripts/gen-bash-completion.sh $<TARGET_FILE:lanecert> ${_lc_def} ${_lc_completion}
  DEPENDS lanecert ${_lc_def} ${PROJECT_SOURCE_DIR}/scripts/gen-bash-completion.sh
  COMMENT "Generating bash completion from lanecert --help")
add_custom_target(bash_completion ALL DEPENDS ${_lc_completion})
install(FILES ${_lc_completion} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
