/* Internal name of a public header: the declarations are in <lanecert/module.h>. */
#ifndef LC_MODULE_MODULE_H
#define LC_MODULE_MODULE_H

#include <lanecert/module.h>

#endif
