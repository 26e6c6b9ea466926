/* Finding lanecert's helper programs (cli/full_program.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/full_program.h"

#ifndef LC_HELPER_DIR
#error "LC_HELPER_DIR (the installed folder of lanecert-full and lanecert-render) is set by cli/sources.cmake"
#endif

int lc_cli_helper_path(const char *name, char *buf, size_t cap)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash && (size_t)snprintf(buf, cap, "%.*s/%s", (int)(slash - self), self, name) < cap &&
		    access(buf, X_OK) == 0)
			return 0;
	}
	/* an unpacked, not installed package (scripts/deb-check.sh), or a relocated install */
	const char *dir = getenv("LANECERT_LIBEXEC");
	if (dir && *dir && (size_t)snprintf(buf, cap, "%s/%s", dir, name) < cap && access(buf, X_OK) == 0)
		return 0;
	snprintf(buf, cap, "%s/%s", LC_HELPER_DIR, name);
	return access(buf, X_OK) == 0 ? 0 : -1;
}
