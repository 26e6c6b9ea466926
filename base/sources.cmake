# base/: what every floor uses (error codes and detail, log callback, clocks, abort-aware sleeps, atomic
# files and file reading, growing strings, UTF-8 at the boundary, sentences of clauses, exact exponent notation). It includes
# nothing of the project.
lc_area(base SOURCES
  base/abort.c
  base/atomic_file.c
  base/clauses.c
  base/clock.c
  base/error.c
  base/log.c
  base/numfmt.c
  base/strbuf.c
  base/utf8.c
)
