# The public API (include/lanecert/) is what liblanecert exports, nothing more or less, and cli/ compiles
# against it (plus the entry points sim/sim.h and serve/serve.h; serve/ itself uses the public API only): tests/api/check_api.py. api_check_fails proves
# the checks fail, naming the symbol or include, on a doctored header list, a doctored cli/ and a doctored
# symbols file. api_debian_symbols keeps debian/liblanecert0.symbols the exported set in dpkg-gensymbols' format
# (make deb checks it strictly, but make deb is not part of make check).
find_program(LC_PYTHON3 NAMES python3 REQUIRED)
add_test(NAME api_exports
  COMMAND ${LC_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/api/check_api.py exports
          $<TARGET_FILE:lanecert_shared> ${PROJECT_SOURCE_DIR}/include/lanecert)
add_test(NAME api_cli_includes
  COMMAND ${LC_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/api/check_api.py cli-includes ${PROJECT_SOURCE_DIR}/cli)
add_test(NAME api_serve_includes
  COMMAND ${LC_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/api/check_api.py serve-includes ${PROJECT_SOURCE_DIR}/serve)
# Each LC_API function has its own contract comment (returns, since which version): api_contracts.
add_test(NAME api_contracts
  COMMAND ${LC_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/api/check_api.py contracts ${PROJECT_SOURCE_DIR}/include/lanecert)
add_test(NAME api_check_fails
  COMMAND ${LC_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/api/check_api.py self-test
          $<TARGET_FILE:lanecert_shared> ${PROJECT_SOURCE_DIR}/include/lanecert ${PROJECT_SOURCE_DIR}/cli)
add_test(NAME api_debian_symbols
  COMMAND ${LC_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/api/check_api.py symbols
          $<TARGET_FILE:lanecert_shared> ${PROJECT_SOURCE_DIR}/debian/liblanecert0.symbols)
