# Every dependency is a Debian package found through pkg-config.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(LIBUSB       REQUIRED IMPORTED_TARGET libusb-1.0)
pkg_check_modules(LIBSERIALPORT REQUIRED IMPORTED_TARGET libserialport)
pkg_check_modules(LIBLXI       REQUIRED IMPORTED_TARGET liblxi)
# Debian's liblxi.pc does not name libtirpc although liblxi needs its RPC symbols and headers.
pkg_check_modules(LIBTIRPC     REQUIRED IMPORTED_TARGET libtirpc)
pkg_check_modules(LUA          REQUIRED IMPORTED_TARGET lua5.4)
pkg_check_modules(SODIUM       REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(JANSSON      REQUIRED IMPORTED_TARGET jansson)
pkg_check_modules(SQLITE       REQUIRED IMPORTED_TARGET sqlite3)
# The fleet store (reports/fleet_*.c): a real PostgreSQL server through its own client library.
pkg_check_modules(PQ           REQUIRED IMPORTED_TARGET libpq)
# The PDF report (reports/report_pdf.c): cairo's PDF surface, pango for text layout and fonts, librsvg to draw
# the gnuplot SVG plots. Well-kept libraries rather than hand-written PDF: font subsetting, Unicode text and
# SVG are theirs to get right. Checked without REQUIRED first so that a missing one says what to install.
pkg_check_modules(CAIRO        QUIET IMPORTED_TARGET cairo)
pkg_check_modules(PANGOCAIRO   QUIET IMPORTED_TARGET pangocairo)
pkg_check_modules(RSVG         QUIET IMPORTED_TARGET librsvg-2.0)
if(NOT CAIRO_FOUND OR NOT PANGOCAIRO_FOUND OR NOT RSVG_FOUND)
  message(FATAL_ERROR "cairo, pangocairo or librsvg-2.0 not found: the PDF report needs libcairo2-dev, "
                      "libpango1.0-dev and librsvg2-dev (run ./bootstrap.sh)")
endif()

if(LC_TESTS)
  pkg_check_modules(CRITERION IMPORTED_TARGET criterion)
  if(NOT CRITERION_FOUND)
    message(WARNING "Criterion not found: tests are not built (run ./bootstrap.sh)")
    set(LC_TESTS OFF)
  endif()
endif()

find_program(LC_GNUPLOT gnuplot)
if(NOT LC_GNUPLOT)
  message(STATUS "gnuplot not found: reports will render without plots and say so")
endif()
find_program(LC_MINISIGN minisign)
if(NOT LC_MINISIGN)
  message(STATUS "minisign not found: the signature interoperability tests will fail (./bootstrap.sh installs minisign)")
endif()
find_program(LC_LXI lxi)
if(NOT LC_LXI)
  message(STATUS "lxi-tools not found: its interoperability test will fail (./bootstrap.sh installs lxi-tools)")
endif()
if(EXISTS /usr/bin/python3)
  execute_process(COMMAND /usr/bin/python3 -c "import pyvisa, pyvisa_py"
                  RESULT_VARIABLE LC_PYVISA_RC OUTPUT_QUIET ERROR_QUIET)
endif()
if(NOT LC_PYVISA_RC EQUAL 0)
  message(STATUS "PyVISA with pyvisa-py not found under /usr/bin/python3: its interoperability test will fail (./bootstrap.sh installs python3-pyvisa-py)")
endif()
