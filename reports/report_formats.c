/* The table of report formats (reports/report_format_priv.h), built from reports/report_formats.def. */
#include "reports/report_format_priv.h"

const lc_report_format *const lc_report_formats[] = {
#define LC_REPORT_RECORD(id) &lc_report_format_##id,
/* every view rendered in this process, the PDF's plots drawn here by librsvg (reports/pdf_svg.c); the table
 * of lanecert run's renderer (report_render_folder.c) has the PDF whose plots a child draws */
#define lc_report_format_here_html lc_report_format_html
#define LC_REPORT_VIEW(id) &lc_report_format_here_##id,
#include "reports/report_formats.def"
#undef LC_REPORT_RECORD
#undef LC_REPORT_VIEW
	NULL,
};
