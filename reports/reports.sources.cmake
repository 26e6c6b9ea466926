# The reports area (issue 9): result model, canonical JSON, signatures, HTML, results store.
list(APPEND LC_REPORTS_SOURCES
  reports/result.c
  reports/result_steps.c
  reports/result_read.c
  reports/digest.c
  reports/minisign_key.c
  reports/sign.c
)
list(APPEND LC_REPORTS_SOURCES
  reports/json_canon.c
  reports/report_json.c
  reports/report_json_read.c
  reports/store.c
  reports/gnuplot_run.c
  reports/plot.c
  reports/report_html.c
  reports/report_write.c
  reports/report_folder.c
  reports/report_verify.c
)
# The PDF report (cairo, pango, librsvg: see cmake/dependencies.cmake).
list(APPEND LC_REPORTS_SOURCES
  reports/pdf_layout.c
  reports/pdf_table.c
  reports/pdf_equipment.c
  reports/report_pdf.c
)
