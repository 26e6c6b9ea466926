# make install leaves a working tree: install into a DESTDIR, then build and run a consumer program with the
# installed lanecert.pc, linked both ways (tests/install/install_test.sh).
set(_lc_install_extra)
if(LC_SANITIZE)
  set(_lc_install_extra -fsanitize=address,undefined)
endif()
add_test(NAME install_consumer
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/install/install_test.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
          ${CMAKE_C_COMPILER} ${_lc_install_extra})
set_tests_properties(install_consumer PROPERTIES TIMEOUT 600 ENVIRONMENT "${LC_SANITIZER_ENV}")
