/* Internal name of a public header: the declarations are in <lanecert/otdr.h>. */
#ifndef LC_OTDR_ANALYSIS_H
#define LC_OTDR_ANALYSIS_H

#include <lanecert/otdr.h>
#include "formats/otdr_trace.h" /* reflectance <-> peak height (internal) */

#endif
