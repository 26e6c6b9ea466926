#include "cli/module_source.h"

#include <stdbool.h>
#include <strings.h>
#include <sys/stat.h>

bool lc_cli_module_is_live(const char *source)
{
	return strncasecmp(source, "I2C::", 5) == 0;
}

int lc_cli_module_source_error(const char *source, int rc, lc_diag *d)
{
	struct stat st;
	if (rc >= 0 || lc_cli_module_is_live(source))
		return rc;
	if (stat(source, &st) == 0 && S_ISDIR(st.st_mode))
		return lc_diag_set(d, LC_ERR_NOT_FOUND, "%s is a directory, not a module dump", source);
	return rc == LC_ERR_TRUNCATED ? LC_ERR_FORMAT : rc;
}
