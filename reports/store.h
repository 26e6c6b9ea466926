/* Internal name of a public header: the declarations are in <lanecert/results.h>. */
#ifndef LC_REPORTS_STORE_H
#define LC_REPORTS_STORE_H

#include <lanecert/results.h>

#endif
