# reports/: result model, canonical JSON, signatures, the report formats (report_formats.def), the results store (SQLite journal) and the fleet store (PostgreSQL).
lc_area(reports DEPS fixtures base
  PKGS PkgConfig::SODIUM PkgConfig::JANSSON PkgConfig::SQLITE PkgConfig::PQ PkgConfig::CAIRO PkgConfig::PANGOCAIRO PkgConfig::RSVG
  SOURCES
  reports/cert_view.c
  reports/digest.c
  reports/fleet_conn.c
  reports/fleet_ingest.c
  reports/fleet_query.c
  reports/fleet_schema.c
  reports/fleet_sync.c
  reports/gnuplot_run.c
  reports/job_summary.c
  reports/job_summary_verify.c
  reports/job_summary_view.c
  reports/json_canon.c
  reports/minisign_key.c
  reports/pdf_equipment.c
  reports/pdf_layout.c
  reports/pdf_table.c
  reports/plot.c
  reports/report_approval.c
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
  reports/results_summary.c
  reports/result_steps.c
  reports/sign.c
  reports/store.c
)
