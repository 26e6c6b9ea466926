/* Internal name of a public header: the declarations are in <lanecert/results.h>. */
#ifndef LC_REPORTS_JOB_SUMMARY_H
#define LC_REPORTS_JOB_SUMMARY_H

#include <lanecert/results.h>

#endif
