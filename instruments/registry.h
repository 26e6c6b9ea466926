/* Internal name of a public header: the declarations are in <lanecert/instruments.h>. */
#ifndef LC_INSTRUMENTS_REGISTRY_H
#define LC_INSTRUMENTS_REGISTRY_H

#include <lanecert/instruments.h>

#endif
