/* Internal name of a public header: the declarations are in <lanecert/hal.h>. */
#ifndef LC_HAL_I2C_H
#define LC_HAL_I2C_H

#include <lanecert/hal.h>

#endif
