# reports/: result model, canonical JSON, signatures, the report formats (report_formats.def), the results store.
lc_area(reports DEPS fixtures base
  PKGS PkgConfig::SODIUM PkgConfig::JANSSON PkgConfig::SQLITE PkgConfig::CAIRO PkgConfig::PANGOCAIRO PkgConfig::RSVG
  SOURCES
  reports/digest.c
  reports/gnuplot_run.c
  reports/json_canon.c
  reports/minisign_key.c
  reports/pdf_equipment.c
  reports/pdf_layout.c
  reports/pdf_table.c
  reports/plot.c
  reports/report_folder.c
  reports/report_formats.c
  reports/report_html.c
  reports/report_json.c
  reports/report_json_read.c
  reports/report_minisig.c
  reports/report_pdf.c
  reports/report_verify.c
  reports/report_write.c
  reports/result.c
  reports/result_read.c
  reports/result_steps.c
  reports/sign.c
  reports/store.c
)
