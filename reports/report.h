/* Internal name of a public header: the declarations are in <lanecert/results.h>. */
#ifndef LC_REPORTS_REPORT_H
#define LC_REPORTS_REPORT_H

#include <lanecert/results.h>

#endif
