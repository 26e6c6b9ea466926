# Tests of the reports area (issue 9).
set(_rs tests/reports/helpers.c bench/bench_reports_sample.c)
lc_test(NAME reports_result SOURCES tests/reports/test_result.c LIBS lc_reports)
lc_test(NAME reports_sign SOURCES tests/reports/test_sign.c ${_rs} LIBS lc_reports)
lc_test(NAME reports_json SOURCES tests/reports/test_report_json.c tests/reports/schema_check.c ${_rs}
        LIBS lc_reports)
lc_test(NAME reports_write SOURCES tests/reports/test_report_write.c ${_rs} LIBS lc_reports)
lc_test(NAME reports_store SOURCES tests/reports/test_store.c tests/reports/helpers.c LIBS lc_reports)
lc_test(NAME reports_cli SOURCES tests/reports/test_cli_reports.c ${_rs} LIBS lc_reports)
lc_test(NAME reports_atomic_html SOURCES tests/reports/test_atomic_html.c tests/reports/helpers.c LIBS lc_reports)
lc_test(NAME reports_slots SOURCES tests/reports/test_slots.c ${_rs} LIBS lc_reports)
lc_test(NAME reports_pdf SOURCES tests/reports/test_report_pdf.c ${_rs} LIBS lc_reports)
lc_test(NAME reports_plots SOURCES tests/reports/test_plots.c ${_rs} LIBS lc_reports)
lc_test(NAME reports_pdf_plots SOURCES tests/reports/test_pdf_plot_child.c ${_rs} LIBS lc_reports)
lc_test(NAME reports_sign_vectors SOURCES tests/reports/test_sign_vectors.c ${_rs} LIBS lc_reports)
lc_test(NAME reports_publish SOURCES tests/reports/test_report_publish.c ${_rs} LIBS lc_reports)
lc_test(NAME reports_formats SOURCES tests/reports/test_report_formats.c ${_rs} LIBS lc_reports)
# The fleet store against a real PostgreSQL (tests/reports/pg_cluster.c starts a throwaway cluster per binary).
set(_fleet tests/reports/helpers.c tests/reports/pg_cluster.c tests/reports/fleet_fixture.c)
# TIMEOUT: the tests have no Criterion timeouts (tests/reports/test_fleet.c says why); this bounds the binary.
lc_test(NAME reports_fleet SOURCES tests/reports/test_fleet.c tests/reports/test_fleet_server_check.c ${_fleet}
        LIBS lc_reports PkgConfig::PQ PkgConfig::SODIUM TIMEOUT 300)
lc_test(NAME reports_cert SOURCES tests/reports/test_report_cert.c ${_rs} LIBS lc_reports)
lc_test(NAME reports_approval SOURCES tests/reports/test_approval.c ${_rs} LIBS lc_reports)
lc_test(NAME reports_job_summary SOURCES tests/reports/test_job_summary.c ${_rs} LIBS lc_reports)
