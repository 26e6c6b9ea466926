/* Internal name of a public header: the declarations are in <lanecert/fleet.h>. */
#ifndef LC_REPORTS_FLEET_H
#define LC_REPORTS_FLEET_H

#include <lanecert/fleet.h>

#endif
