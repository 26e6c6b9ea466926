#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

struct lc_error_name {
	int code;
	const char *name;
	const char *text;
};

/* Keep in step with enum lc_error; tests/base/test_error.c checks that every code has a row. */
static const struct lc_error_name error_names[] = {
	{LC_OK, "LC_OK", "success"},
	{LC_ERR_ARG, "LC_ERR_ARG", "invalid argument"},
	{LC_ERR_NOMEM, "LC_ERR_NOMEM", "out of memory"},
	{LC_ERR_IO, "LC_ERR_IO", "I/O error"},
	{LC_ERR_TIMEOUT, "LC_ERR_TIMEOUT", "timeout"},
	{LC_ERR_TRUNCATED, "LC_ERR_TRUNCATED", "truncated data (short read)"},
	{LC_ERR_PROTOCOL, "LC_ERR_PROTOCOL", "protocol error"},
	{LC_ERR_INSTRUMENT, "LC_ERR_INSTRUMENT", "instrument reported an error"},
	{LC_ERR_UNSUPPORTED, "LC_ERR_UNSUPPORTED", "not supported"},
	{LC_ERR_NOT_FOUND, "LC_ERR_NOT_FOUND", "not found"},
	{LC_ERR_FORMAT, "LC_ERR_FORMAT", "malformed file or document"},
	{LC_ERR_CLOSED, "LC_ERR_CLOSED", "connection closed by peer"},
	{LC_ERR_PERMISSION, "LC_ERR_PERMISSION", "permission denied"},
	{LC_ERR_VERIFY, "LC_ERR_VERIFY", "verification failed"},
	{LC_ERR_ABORTED, "LC_ERR_ABORTED", "aborted"},
	{LC_ERR_STATE, "LC_ERR_STATE", "invalid state"},
	{LC_ERR_OVERFLOW, "LC_ERR_OVERFLOW", "value or reply exceeds the limit"},
	{LC_ERR_BUSY, "LC_ERR_BUSY", "resource busy"},
};

static const struct lc_error_name *find(int code)
{
	for (size_t i = 0; i < sizeof(error_names) / sizeof(error_names[0]); i++)
		if (error_names[i].code == code)
			return &error_names[i];
	return NULL;
}

const char *lc_strerror(int code)
{
	const struct lc_error_name *e = find(code);
	if (e)
		return e->text;
	return code > 0 ? "success" : "unknown error";
}

const char *lc_strerror_name(int code)
{
	const struct lc_error_name *e = find(code);
	if (e)
		return e->name;
	return code > 0 ? "LC_OK" : "LC_ERR_UNKNOWN";
}

void lc_diag_clear(lc_diag *d)
{
	if (!d)
		return;
	d->code = 0;
	d->text[0] = '\0';
}

/* Details quote what instruments and files sent: they are made valid UTF-8 here, once for every caller, so
 * that no reason, report or JSON line can carry an invalid byte. The text is formatted into a buffer larger
 * than the detail, so that the cut falls on a character boundary of the escaped text. */
static void set_text(lc_diag *d, const char *fmt, va_list ap)
{
	char tmp[LC_DIAG_TEXT_MAX * 4];
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	lc_utf8_escape(d->text, sizeof(d->text), tmp, strlen(tmp));
}

/* Parenthesised: base/error.h also defines lc_diag_set as a macro around this function. */
int (lc_diag_set)(lc_diag *d, int code, const char *fmt, ...)
{
	if (!d)
		return code;
	d->code = code;
	d->text[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		set_text(d, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* void: with d NULL there is no code to hand back, and a `return lc_diag_prefix(...)` that returned one would
 * lose the caller's real code; the caller returns the code it already holds. */
void lc_diag_prefix(lc_diag *d, const char *fmt, ...)
{
	char old[LC_DIAG_TEXT_MAX];
	va_list ap;

	if (!d)
		return;
	/* The detail is cut at LC_DIAG_TEXT_MAX - 1 bytes: context first, then as much of the old text as fits. */
	snprintf(old, sizeof(old), "%s", d->text[0] ? d->text : lc_strerror(d->code));
	va_start(ap, fmt);
	set_text(d, fmt, ap);
	va_end(ap);
	size_t used = strlen(d->text);
	size_t room = sizeof(d->text) - 1 - used;
	size_t len = lc_utf8_cut(old, room);
	memcpy(d->text + used, old, len + 1);
}

const char *lc_diag_message(const lc_diag *d)
{
	if (!d)
		return "";
	return d->text[0] ? d->text : lc_strerror(d->code);
}
