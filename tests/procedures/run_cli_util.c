/* Helpers of the `lanecert run` command tests (tests/procedures/run_cli_util.h). */
#include "tests/procedures/run_cli_util.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char rc_out[1 << 17];

/* Run `lanecert ARGS` (a shell fragment) with stdout and stderr into rc_out; the exit code. */
int rc_lc(const char *fmt, ...)
{
	const char *cli = getenv("LC_CLI");
	cr_assert(cli && access(cli, X_OK) == 0, "LC_CLI (the lanecert executable) is not built");
	char args[8192], cmd[9000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "'%s' %s 2>&1 </dev/null", cli, args);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t n = fread(rc_out, 1, sizeof(rc_out) - 1, p);
	rc_out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Entries of a folder, not counting . and .. */
int rc_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

bool rc_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* The "report" of the result line of a --json run ("" when none). */
void rc_report_of(const char *text, char *buf, size_t cap)
{
	buf[0] = '\0';
	const char *r = strstr(text, "{\"event\":\"result\"");
	const char *p = r ? strstr(r, "\"report\":\"") : NULL;
	if (p) {
		p += 10;
		size_t n = strcspn(p, "\"");
		snprintf(buf, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
	}
}

