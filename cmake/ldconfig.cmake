# After `make install` / `cmake --install` into a system prefix, refresh the dynamic linker's cache so that
# programs find liblanecert.so.0 at once (/usr/local/lib is searched only through /etc/ld.so.cache on
# Debian). Skipped when DESTDIR is set (a staging tree: packages run ldconfig from their triggers) and for
# other prefixes, where the message says what to do instead. Installed binaries carry no RPATH (Debian
# policy; CMake drops the build tree's RPATH at install).
set(_lc_ldconfig_code [[
  set(_lc_libdir "${CMAKE_INSTALL_PREFIX}/@LC_LIBDIR@")
  if(NOT "$ENV{DESTDIR}" STREQUAL "")
    # staging: nothing to refresh
  elseif(CMAKE_INSTALL_PREFIX MATCHES "^/usr(/local)?/?$")
    find_program(_lc_ldconfig ldconfig PATHS /sbin /usr/sbin)
    execute_process(COMMAND ${_lc_ldconfig} RESULT_VARIABLE _lc_rc OUTPUT_QUIET ERROR_VARIABLE _lc_err)
    if(_lc_rc EQUAL 0)
      message(STATUS "ldconfig: ${_lc_libdir} is in the dynamic linker's cache")
    else()
      message(WARNING "ldconfig failed (${_lc_err}): run 'sudo ldconfig' so that programs find liblanecert.so.0")
    endif()
  else()
    message(STATUS "liblanecert.so.0 is in ${_lc_libdir}, which the dynamic linker does not search: "
                   "add it to /etc/ld.so.conf.d/ and run ldconfig, or set LD_LIBRARY_PATH")
  endif()
]])
string(REPLACE "@LC_LIBDIR@" "${CMAKE_INSTALL_LIBDIR}" _lc_ldconfig_code "${_lc_ldconfig_code}")
install(CODE "${_lc_ldconfig_code}")
