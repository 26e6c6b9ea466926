/* Internal name of a public header: the declarations are in <lanecert/hal.h>. */
#ifndef LC_HAL_SCPI_H
#define LC_HAL_SCPI_H

#include <lanecert/hal.h>
#include "hal/transport.h" /* the transports under a session (internal) */

#endif
