/* Internal name of a public header: the declarations are in <lanecert/hal.h>. */
#ifndef LC_HAL_RESOURCE_H
#define LC_HAL_RESOURCE_H

#include <lanecert/hal.h>

#endif
