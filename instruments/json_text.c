/* JSON values as text for the public API (json_text.h). */
#include "instruments/json_text.h"

int lc_json_text(json_t *j, char **out, lc_diag *diag)
{
	*out = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) : NULL;
	json_decref(j);
	return *out ? 0 : lc_diag_set(diag, LC_ERR_NOMEM, "out of memory (JSON)");
}
