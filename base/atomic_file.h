/* Internal name of a public header: the declarations are in <lanecert/base.h>. */
#ifndef LC_BASE_ATOMIC_FILE_H
#define LC_BASE_ATOMIC_FILE_H

#include <lanecert/base.h>

#endif
