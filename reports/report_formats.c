/* The table of report formats (reports/report_format_priv.h), built from reports/report_formats.def. */
#include "reports/report_format_priv.h"

const lc_report_format *const lc_report_formats[] = {
#define LC_REPORT_RECORD(id) &lc_report_format_##id,
#define LC_REPORT_VIEW(id) &lc_report_format_##id,
#include "reports/report_formats.def"
#undef LC_REPORT_RECORD
#undef LC_REPORT_VIEW
	NULL,
};
