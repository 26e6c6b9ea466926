#include "cli/cli.h"

#include <stdarg.h>
#include <string.h>

#include <lanecert/base.h>

int lc_cli_exit_for(int e)
{
	switch (e) {
	case LC_OK: return LC_EXIT_OK;
	case LC_ERR_ARG: return LC_EXIT_USAGE;
	case LC_ERR_FORMAT: return LC_EXIT_DATAERR;
	case LC_ERR_NOT_FOUND: return LC_EXIT_NOINPUT;
	case LC_ERR_IO: case LC_ERR_CLOSED: return LC_EXIT_UNAVAILABLE;
	case LC_ERR_TIMEOUT: return LC_EXIT_TEMPFAIL;
	case LC_ERR_TRUNCATED: case LC_ERR_PROTOCOL: case LC_ERR_OVERFLOW: return LC_EXIT_PROTOCOL;
	case LC_ERR_INSTRUMENT: return LC_EXIT_INSTRUMENT;
	case LC_ERR_PERMISSION: return LC_EXIT_NOPERM;
	case LC_ERR_VERIFY: return LC_EXIT_FAIL;
	case LC_ERR_ABORTED: return LC_EXIT_ABORTED;
	case LC_ERR_UNSUPPORTED: return LC_EXIT_UNAVAILABLE;
	case LC_ERR_BUSY: return LC_EXIT_TEMPFAIL;
	default: return LC_EXIT_SOFTWARE;
	}
}

void lc_cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "lanecert %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int lc_cli_fail(const char *cmd, int e, const lc_diag *diag, const char *what)
{
	const char *detail = diag && diag->text[0] ? diag->text : lc_strerror(e);
	if (what && *what)
		lc_cli_error(cmd, "%s: %s (%s)", what, detail, lc_strerror_name(e));
	else
		lc_cli_error(cmd, "%s (%s)", detail, lc_strerror_name(e));
	return lc_cli_exit_for(e);
}

static void stderr_handler(enum lc_log_level level, const char *domain, const char *message, void *user)
{
	(void)user;
	fprintf(stderr, "[%s] %s: %s\n", lc_log_level_name(level), domain, message);
}

void lc_cli_setup_logging(int verbosity)
{
	int level = LC_LOG_WARN - verbosity;
	if (level < LC_LOG_SPEW)
		level = LC_LOG_SPEW;
	lc_log_set_level((enum lc_log_level)level);
	lc_log_set_handler(stderr_handler, NULL);
}

bool lc_cli_is_help(const char *s)
{
	return s && (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0);
}
