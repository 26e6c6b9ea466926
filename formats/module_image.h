/* Internal name of a public header: the declarations are in <lanecert/module_image.h>. */
#ifndef LC_MODULE_IMAGE_H
#define LC_MODULE_IMAGE_H

#include <lanecert/module_image.h>

#endif
