/* Internal name of a public header: the declarations are in <lanecert/run.h>. */
#ifndef LC_PROCEDURES_CALIBRATION_H
#define LC_PROCEDURES_CALIBRATION_H

#include <lanecert/run.h>

#endif
