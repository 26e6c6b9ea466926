# An "area" is one folder of design.md (hal, fixtures, instruments, ...). Each is compiled once into an
# OBJECT library (position-independent, so the same objects make the static and the shared library) and
# wrapped in a small static library lc_<area> that tests and benchmarks link, so that a test of one area
# builds only that area and what it depends on.
#
#   lc_area(NAME SOURCES a.c b.c DEPS hal fixtures PKGS PkgConfig::JANSSON)

function(lc_area name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS;PKGS" ${ARGN})
  add_library(lc_${name}_obj OBJECT ${A_SOURCES})
  set_target_properties(lc_${name}_obj PROPERTIES POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET default)
  target_include_directories(lc_${name}_obj PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/include)
  set(deps)
  foreach(d ${A_DEPS})
    list(APPEND deps lc_${d})
  endforeach()
  target_link_libraries(lc_${name}_obj PUBLIC ${deps} ${A_PKGS} Threads::Threads m)
  add_library(lc_${name} STATIC $<TARGET_OBJECTS:lc_${name}_obj>)
  target_include_directories(lc_${name} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/include)
  target_link_libraries(lc_${name} PUBLIC ${deps} ${A_PKGS} Threads::Threads m)
  set_property(GLOBAL APPEND PROPERTY LC_AREAS ${name})
  set_property(GLOBAL APPEND PROPERTY LC_PKGS ${A_PKGS})
endfunction()

# liblanecert: every area's objects, as liblanecert.a and liblanecert.so, with headers and lanecert.pc.
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
    target_include_directories(${t} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/include)
    target_link_libraries(${t} PUBLIC ${pkgs} Threads::Threads m)
  endforeach()
  set_target_properties(lanecert_shared PROPERTIES VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
  install(TARGETS lanecert_static lanecert_shared
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  # Public headers: every *.h of the library folders but the private ones (*_priv.h); sim/ is not installed.
  # File by file, so that folders holding no header (procedures/lib, fixtures/cables ...) are not created.
  foreach(dir base hal formats fixtures instruments procedures reports)
    file(GLOB_RECURSE hdrs RELATIVE ${PROJECT_SOURCE_DIR} CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${dir}/*.h)
    foreach(h ${hdrs})
      if(h MATCHES "_priv\\.h$")
        continue()
      endif()
      get_filename_component(hdir ${h} DIRECTORY)
      install(FILES ${h} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lanecert/${hdir})
    endforeach()
  endforeach()
  install(FILES ${PROJECT_BINARY_DIR}/include/lc_version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/lanecert)
  set(LC_PC_REQUIRES "libusb-1.0 libserialport liblxi libtirpc lua5.4 libsodium jansson sqlite3 cairo pangocairo librsvg-2.0")
  # The .pc names its prefix relative to its own folder (${pcfiledir}), so the same file is right under /usr,
  # /usr/local, a DESTDIR staging tree or a moved prefix, without rewriting other packages' paths.
  file(RELATIVE_PATH LC_PC_PREFIX_FROM_PCDIR ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
  string(REGEX REPLACE "/$" "" LC_PC_PREFIX_FROM_PCDIR "${LC_PC_PREFIX_FROM_PCDIR}")
  configure_file(${PROJECT_SOURCE_DIR}/cmake/lanecert.pc.in ${PROJECT_BINARY_DIR}/lanecert.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/lanecert.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  include(${PROJECT_SOURCE_DIR}/cmake/ldconfig.cmake)
endfunction()
