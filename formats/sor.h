/* Internal name of a public header: the declarations are in <lanecert/sor.h>. */
#ifndef LC_OTDR_SOR_H
#define LC_OTDR_SOR_H

#include <lanecert/sor.h>

#endif
