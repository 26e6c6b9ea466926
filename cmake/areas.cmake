# An "area" is one folder of design.md (hal, fixtures, instruments, ...). Each is compiled once into an
# OBJECT library (position-independent, so the same objects make the static and the shared library) and
# wrapped in a small static library lc_<area> that tests and benchmarks link, so that a test of one area
# builds only that area and what it depends on.
#
#   lc_area(NAME SOURCES a.c b.c DEPS hal fixtures PKGS PkgConfig::JANSSON [NOT_IN_LIBRARY])
#
# Every object is compiled with hidden visibility, for the static and the shared library alike: only the
# declarations marked LC_API in include/lanecert/*.h are exported (tests/api checks the .so against them).
# NOT_IN_LIBRARY: an area that stays out of liblanecert (the simulator: a static library of its own that the
# programs serving it link).

function(lc_area name)
  cmake_parse_arguments(A "NOT_IN_LIBRARY" "" "SOURCES;DEPS;PKGS" ${ARGN})
  add_library(lc_${name}_obj OBJECT ${A_SOURCES})
  set_target_properties(lc_${name}_obj PROPERTIES POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET hidden)
  target_include_directories(lc_${name}_obj PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include
                             ${PROJECT_BINARY_DIR}/include)
  set(deps)
  foreach(d ${A_DEPS})
    list(APPEND deps lc_${d})
  endforeach()
  target_link_libraries(lc_${name}_obj PUBLIC ${deps} ${A_PKGS} Threads::Threads m)
  add_library(lc_${name} STATIC $<TARGET_OBJECTS:lc_${name}_obj>)
  target_include_directories(lc_${name} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/include
                             ${PROJECT_BINARY_DIR}/include)
  target_link_libraries(lc_${name} PUBLIC ${deps} ${A_PKGS} Threads::Threads m)
  if(NOT A_NOT_IN_LIBRARY)
    set_property(GLOBAL APPEND PROPERTY LC_AREAS ${name})
    set_property(GLOBAL APPEND PROPERTY LC_PKGS ${A_PKGS})
  endif()
endfunction()

# liblanecert: every area's objects but the simulator's, as liblanecert.a and liblanecert.so, with the public
# headers (include/lanecert/ and the generated lc_version.h) and lanecert.pc.
function(lc_library)
  get_property(areas GLOBAL PROPERTY LC_AREAS)
  get_property(pkgs GLOBAL PROPERTY LC_PKGS)
  list(REMOVE_DUPLICATES pkgs)
  set(objs)
  foreach(a ${areas})
    list(APPEND objs $<TARGET_OBJECTS:lc_${a}_obj>)
  endforeach()
  add_library(lanecert_static STATIC ${objs})
  add_library(lanecert_shared SHARED ${objs})
  foreach(t lanecert_static lanecert_shared)
    set_target_properties(${t} PROPERTIES OUTPUT_NAME lanecert)
    # Programs linking the library (the CLI) see the public headers only: <lanecert/...>.
    target_include_directories(${t} PUBLIC ${PROJECT_SOURCE_DIR}/include ${PROJECT_BINARY_DIR}/include)
    target_link_libraries(${t} PUBLIC ${pkgs} Threads::Threads m)
  endforeach()
  set_target_properties(lanecert_shared PROPERTIES VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
  install(TARGETS lanecert_static lanecert_shared
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  # Public headers: include/lanecert/ only (internal headers are not installed).
  file(GLOB pub_hdrs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/lanecert/*.h)
  install(FILES ${pub_hdrs} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lanecert)
  install(FILES ${PROJECT_BINARY_DIR}/include/lc_version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lanecert)
  # libpq is not a Requires.private: Debian's libpq.pc names -lpgcommon -lpgport for static links, libraries
  # that only postgresql-server-dev ships, so `pkg-config --static lanecert` would give a link line that
  # fails. -lpq in Libs.private links libpq (shared) into a static consumer instead.
  set(LC_PC_REQUIRES "libusb-1.0 libserialport liblxi libtirpc lua5.4 libsodium jansson sqlite3 cairo pangocairo librsvg-2.0")
  set(LC_PC_LIBS_PRIVATE "-lpq -lpthread -lm")
  # The .pc names its prefix relative to its own folder (${pcfiledir}), so the same file is right under /usr,
  # /usr/local, a DESTDIR staging tree or a moved prefix, without rewriting other packages' paths.
  file(RELATIVE_PATH LC_PC_PREFIX_FROM_PCDIR ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
  string(REGEX REPLACE "/$" "" LC_PC_PREFIX_FROM_PCDIR "${LC_PC_PREFIX_FROM_PCDIR}")
  configure_file(${PROJECT_SOURCE_DIR}/cmake/lanecert.pc.in ${PROJECT_BINARY_DIR}/lanecert.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/lanecert.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  include(${PROJECT_SOURCE_DIR}/cmake/ldconfig.cmake)
endfunction()
