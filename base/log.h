/*
 * Logging. The library never prints: it hands messages to a handler that the application installs.
 * Without a handler nothing is written, unless the environment variable LANECERT_DEBUG is set (to a level
 * name or number), in which case messages at that level and above go to stderr — for debugging a program
 * that did not install a handler.
 *
 * Thread safety: lc_log() may be called from any thread; the handler is called from the logging thread and
 * must be thread-safe itself. Install the handler before starting threads.
 */
#ifndef LC_BASE_LOG_H
#define LC_BASE_LOG_H

enum lc_log_level {
	LC_LOG_SPEW = 0, /* every byte on the wire */
	LC_LOG_DEBUG = 1,
	LC_LOG_INFO = 2,
	LC_LOG_WARN = 3,
	LC_LOG_ERROR = 4,
	LC_LOG_NONE = 5,
};

typedef void (*lc_log_handler)(enum lc_log_level level, const char *domain, const char *message, void *user);

/* Install a handler (NULL removes it) and the lowest level passed to it. */
void lc_log_set_handler(lc_log_handler handler, void *user);
void lc_log_set_level(enum lc_log_level level);
enum lc_log_level lc_log_get_level(void);
const char *lc_log_level_name(enum lc_log_level level);
/* Parse "debug", "2", ... Returns the level or -1. */
int lc_log_level_parse(const char *s);

void lc_log(enum lc_log_level level, const char *domain, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Each source file defines LC_LOG_DOMAIN ("scpi", "tcp", ...) before using these. */
#define lc_spew(...) lc_log(LC_LOG_SPEW, LC_LOG_DOMAIN, __VA_ARGS__)
#define lc_dbg(...) lc_log(LC_LOG_DEBUG, LC_LOG_DOMAIN, __VA_ARGS__)
#define lc_info(...) lc_log(LC_LOG_INFO, LC_LOG_DOMAIN, __VA_ARGS__)
#define lc_warn(...) lc_log(LC_LOG_WARN, LC_LOG_DOMAIN, __VA_ARGS__)
#define lc_err(...) lc_log(LC_LOG_ERROR, LC_LOG_DOMAIN, __VA_ARGS__)

#endif
