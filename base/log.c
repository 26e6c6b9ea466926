#include "base/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static lc_log_handler log_handler;
static void *log_user;
static int log_level = LC_LOG_WARN;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static int env_level = LC_LOG_NONE;

static const char *const level_names[] = {"spew", "debug", "info", "warn", "error", "none"};

const char *lc_log_level_name(enum lc_log_level level)
{
	if ((int)level < 0 || level > LC_LOG_NONE)
		return "?";
	return level_names[level];
}

int lc_log_level_parse(const char *s)
{
	if (!s || !*s)
		return -1;
	for (int i = 0; i <= LC_LOG_NONE; i++)
		if (strcasecmp(s, level_names[i]) == 0)
			return i;
	if (s[0] >= '0' && s[0] <= '5' && s[1] == '\0')
		return s[0] - '0';
	return -1;
}

static void read_env(void)
{
	int l = lc_log_level_parse(getenv("LANECERT_DEBUG"));
	if (l >= 0)
		env_level = l;
	else if (getenv("LANECERT_DEBUG"))
		env_level = LC_LOG_DEBUG;
}

void lc_log_set_handler(lc_log_handler handler, void *user)
{
	log_handler = handler;
	log_user = user;
}

void lc_log_set_level(enum lc_log_level level)
{
	log_level = level;
}

enum lc_log_level lc_log_get_level(void)
{
	return log_level;
}

void lc_log(enum lc_log_level level, const char *domain, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	pthread_once(&env_once, read_env);
	int to_handler = log_handler && (int)level >= log_level;
	int to_stderr = !log_handler && (int)level >= env_level;
	if (!to_handler && !to_stderr)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (to_handler)
		log_handler(level, domain, msg, log_user);
	else
		fprintf(stderr, "lanecert %s %s: %s\n", lc_log_level_name(level), domain, msg);
}
