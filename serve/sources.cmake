# The station dashboard (`lanecert serve`), a static library linked into the lanecert program like lc_sim and
# kept out of liblanecert: it is built on the public API (<lanecert/...>) and on libmicrohttpd, which the
# library itself has no use for. serve/serve.h is its one entry point for cli/.
pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
add_library(lc_serve STATIC
  serve/assets.c
  serve/live.c
  serve/page_common.c
  serve/page_history.c
  serve/page_line.c
  serve/page_quality.c
  serve/page_run.c
  serve/page_station.c
  serve/publish.c
  serve/query_fleet.c
  serve/query_sqlite.c
  serve/sbuf.c
  serve/server.c)
target_include_directories(lc_serve PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(lc_serve PUBLIC lanecert_static PkgConfig::MHD PkgConfig::JANSSON Threads::Threads m)
