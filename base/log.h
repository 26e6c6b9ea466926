/* Internal name of a public header: the declarations are in <lanecert/base.h>. */
#ifndef LC_BASE_LOG_H
#define LC_BASE_LOG_H

#include <lanecert/base.h>

#endif
