# The station dashboard (serve/): the live view's event hub in C (catch-up, resets, bad datagrams), the
# pages over plain HTTP against a simulated station (tests/serve/test_http.py), and the pages in a real
# headless Chromium driven through the DevTools protocol (tests/serve/test_browser.py, python3-websocket).
lc_test(NAME serve_live SOURCES tests/serve/test_live.c LIBS lc_serve)
# Debian's python3 (/usr/bin), where python3-websocket is installed, rather than another one on PATH.
find_program(LC_DEBIAN_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT LC_DEBIAN_PYTHON3)
  find_program(LC_DEBIAN_PYTHON3 NAMES python3 REQUIRED)
endif()
foreach(t http browser)
  add_test(NAME serve_${t} COMMAND ${LC_DEBIAN_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/serve/test_${t}.py)
  set_tests_properties(serve_${t} PROPERTIES TIMEOUT 120
    ENVIRONMENT "LC_SOURCE_DIR=${PROJECT_SOURCE_DIR};LC_CLI=$<TARGET_FILE:lanecert>;LC_BUILD_DIR=${PROJECT_BINARY_DIR};${LC_SANITIZER_ENV}")
endforeach()
# The same pages on the fleet's PostgreSQL store: a throwaway cluster (tests/reports/pg_cluster.c) holding a
# station's runs synced from its journal (tests/reports/fleet_fixture.c).
lc_test(NAME serve_fleet SOURCES tests/serve/test_fleet_serve.c tests/reports/helpers.c tests/reports/pg_cluster.c
        tests/reports/fleet_fixture.c LIBS lc_reports PkgConfig::PQ TIMEOUT 120)
add_dependencies(test_serve_fleet lanecert)
