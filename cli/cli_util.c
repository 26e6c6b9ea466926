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

/* Print the one wording for a bad option: "lanecert CMD: WHAT 'OPTION'[ HOW] (lanecert CMD --help)". */
static int bad_option(const char *cmd, const char *what, const char *word, size_t len, const char *how)
{
	lc_cli_error(cmd, "%s '%.*s'%s (lanecert %s --help)", what, (int)len, word, how, cmd);
	return '?';
}

/* Does word ("--name" or "--name=value") name, or abbreviate, a long option? Returns how many it matches
 * and in *found the one it names (or the last it abbreviates). */
static int long_matches(const char *word, const struct option *longopts, const struct option **found)
{
	const char *name = word + 2;
	size_t n = strcspn(name, "=");
	int count = 0;
	*found = NULL;
	for (const struct option *o = longopts; o && o->name; o++) {
		if (strncmp(o->name, name, n) != 0)
			continue;
		if (strlen(o->name) == n) {
			*found = o;
			return 1;
		}
		*found = o;
		count++;
	}
	return count;
}

int lc_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	/* A leading ':' (after '+' or '-') makes getopt return ':' for a missing argument, so the mistakes can
	 * be told apart; opterr = 0 keeps getopt's own wording off stderr. */
	char spec[128];
	int lead = (shortopts[0] == '+' || shortopts[0] == '-') ? 1 : 0;
	if (snprintf(spec, sizeof(spec), "%.*s:%s", lead, shortopts, shortopts + lead) >= (int)sizeof(spec))
		return bad_option(cmd, "internal error: option string", shortopts, strlen(shortopts), " too long");
	opterr = 0;
	optopt = 0;
	int c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	/* After a long option, or a short one that ended its word, getopt has moved optind past the word. */
	const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	bool is_long = word[0] == '-' && word[1] == '-' && word[2];
	size_t len = is_long ? strcspn(word, "=") : 0;
	char letter[3] = {'-', (char)optopt, 0};
	if (c == ':') /* a missing argument always ends its word: "--key", or "-k" / "-vk" */
		return is_long ? bad_option(cmd, "option", word, len, " needs an argument")
			       : bad_option(cmd, "option", letter, 2, " needs an argument");
	const struct option *o;
	if (optopt == 0) { /* a long option getopt did not take: unknown, or an abbreviation of several */
		int n = is_long ? long_matches(word, longopts, &o) : 0;
		return bad_option(cmd, n > 1 ? "ambiguous option" : "unknown option", word, len ? len : strlen(word), "");
	}
	/* optopt set: an unknown letter, or a long option without an argument given "=value" */
	if (is_long && long_matches(word, longopts, &o) == 1 && o->has_arg == no_argument && o->val == optopt)
		return bad_option(cmd, "option", word, len, " takes no argument");
	return bad_option(cmd, "unknown option", letter, 2, "");
}

int lc_cli_unexpected(const char *cmd, const char *arg)
{
	lc_cli_error(cmd, "unexpected argument '%s' (lanecert %s --help)", arg, cmd);
	return LC_EXIT_USAGE;
}

long lc_cli_peak_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	long kib = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}
