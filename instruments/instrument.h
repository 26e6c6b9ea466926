/* Internal name of a public header: the declarations are in <lanecert/instruments.h>. */
#ifndef LC_INSTRUMENTS_INSTRUMENT_H
#define LC_INSTRUMENTS_INSTRUMENT_H

#include <lanecert/instruments.h>

#endif
