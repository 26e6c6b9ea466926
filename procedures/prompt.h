/* Internal name of a public header: the declarations are in <lanecert/run.h>. */
#ifndef LC_PROCEDURES_PROMPT_H
#define LC_PROCEDURES_PROMPT_H

#include <lanecert/run.h>

#endif
