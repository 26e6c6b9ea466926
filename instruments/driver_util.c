/* Helpers every driver uses to send commands and report failures in one format. */
#include "instruments/instrument_priv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hal/scpi_parse.h"

/* One program message; a BERT lane's compound reading (anritsu_mp1900.c) is about 255 bytes. */
#define CMD_MAX 512

static int format_cmd(char *cmd, const char *fmt, va_list ap, lc_diag *diag)
{
	int n = vsnprintf(cmd, CMD_MAX, fmt, ap);
	if (n < 0 || n >= CMD_MAX)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "command longer than %d bytes", CMD_MAX - 1);
	return 0;
}

/* "meter (N7745C): " for a station's instrument, which a failure must name: several may take the same
 * command; "" otherwise. */
static const char *who(const lc_instrument *inst, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (inst->name[0])
		snprintf(buf, cap, "%.60s (%.60s): ", inst->name, inst->idn.model);
	return buf;
}

/* The command is echoed up to CMD_ECHO bytes: a long compound query (a BERT lane's reading) must not push
 * the instrument's own error text out of the diagnostic (LC_DIAG_TEXT_MAX). */
#define CMD_ECHO 100

static int fail(lc_instrument *inst, int rc, const char *cmd, lc_diag *diag)
{
	const char *detail = lc_scpi_last_detail(inst->scpi);
	char w[136];
	return lc_diag_set(diag, rc, "%s%.*s%s: %s", who(inst, w, sizeof(w)), CMD_ECHO, cmd,
			   strlen(cmd) > CMD_ECHO ? "..." : "", detail && *detail ? detail : lc_strerror(rc));
}

int lc_inst_check_errors(lc_instrument *inst, const char *after, lc_diag *diag)
{
	if (inst->quirks.errors == LC_ERRQ_NONE)
		return 0;
	int rc = lc_scpi_check_errors(inst->scpi);
	return rc < 0 ? fail(inst, rc, after, diag) : 0;
}

/* Every helper reads the error queue after its operation: a command the instrument rejected, or an error it
 * raised on its own since the last check, ends the operation that saw it, whatever kind it was. */
int lc_inst_write(lc_instrument *inst, lc_diag *diag, const char *fmt, ...)
{
	char cmd[CMD_MAX];
	va_list ap;
	va_start(ap, fmt);
	int rc = format_cmd(cmd, fmt, ap, diag);
	va_end(ap);
	if (rc < 0)
		return rc;
	rc = lc_scpi_write(inst->scpi, cmd);
	if (rc < 0)
		return fail(inst, rc, cmd, diag);
	return lc_inst_check_errors(inst, cmd, diag);
}

int lc_inst_query(lc_instrument *inst, lc_diag *diag, char *buf, size_t cap, const char *fmt, ...)
{
	char cmd[CMD_MAX];
	va_list ap;
	va_start(ap, fmt);
	int rc = format_cmd(cmd, fmt, ap, diag);
	va_end(ap);
	if (rc < 0)
		return rc;
	rc = lc_scpi_query(inst->scpi, cmd, buf, cap);
	if (rc < 0)
		return fail(inst, rc, cmd, diag);
	int e = lc_inst_check_errors(inst, cmd, diag);
	if (e < 0)
		return e;
	lc_diag d;
	if (lc_scpi_check_text(buf, (size_t)rc, &d) < 0) { /* garbage the callers' own parsing might accept */
		char w[136];
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "%s%s: %s", who(inst, w, sizeof(w)), cmd, d.text);
	}
	/* A CR before the LF terminator (DiCon on a serial line ends replies in CR LF) is not part of the reply. */
	while (rc > 0 && (buf[rc - 1] == '\r' || buf[rc - 1] == ' '))
		buf[--rc] = '\0';
	return rc;
}

/* The IEEE 488.2 decimal forms only (NR1/NR2/NR3, spaces around): strtod alone would take "inf", "nan",
 * "0x1p4" or "1e999" from a garbled reply and hand the measurement a number that was never sent. */
int lc_parse_number(const char *s, double *v)
{
	double d;
	lc_diag ignored;
	if (lc_scpi_parse_double(s, strlen(s), &d, &ignored) < 0 || !isfinite(d))
		return LC_ERR_PROTOCOL;
	*v = d;
	return 0;
}

int lc_inst_query_double(lc_instrument *inst, lc_diag *diag, int extra_ms, double *value, const char *fmt, ...)
{
	char cmd[CMD_MAX];
	va_list ap;
	va_start(ap, fmt);
	int rc = format_cmd(cmd, fmt, ap, diag);
	va_end(ap);
	if (rc < 0)
		return rc;
	int base = lc_scpi_get_timeout(inst->scpi);
	if (extra_ms > 0 && base >= 0)
		lc_scpi_set_timeout(inst->scpi, base + extra_ms);
	char reply[128];
	rc = lc_scpi_query(inst->scpi, cmd, reply, sizeof(reply));
	if (extra_ms > 0 && base >= 0)
		lc_scpi_set_timeout(inst->scpi, base);
	if (rc < 0)
		return fail(inst, rc, cmd, diag);
	if ((rc = lc_inst_check_errors(inst, cmd, diag)) < 0)
		return rc;
	char w[136];
	if (lc_parse_number(reply, value) < 0)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "%s%s: reply '%.60s' is not a number", who(inst, w, sizeof(w)), cmd,
				   reply);
	return 0;
}

int lc_inst_wait_opc(lc_instrument *inst, lc_diag *diag, int budget_ms, const char *after)
{
	if (budget_ms > 0)
		lc_scpi_set_opc_timeout(inst->scpi, budget_ms);
	int rc = lc_scpi_wait_opc(inst->scpi);
	if (budget_ms > 0)
		lc_scpi_set_opc_timeout(inst->scpi, inst->quirks.opc_timeout_ms);
	if (rc < 0) {
		const char *detail = lc_scpi_last_detail(inst->scpi);
		return lc_diag_set(diag, rc, "*OPC? after %s: %s", after, detail && *detail ? detail : lc_strerror(rc));
	}
	return lc_inst_check_errors(inst, after, diag);
}

int lc_inst_atime_extra_ms(const lc_instrument *inst, double atime_s)
{
	if (!(atime_s > 0))
		return 0;
	double ms = inst->quirks.atime_margin * atime_s * 1000.0;
	return ms > 3.6e6 ? 3600000 : (int)ceil(ms);
}

static bool same_setting(const char *a, const char *b)
{
	double x, y;
	if (lc_parse_number(a, &x) == 0 && lc_parse_number(b, &y) == 0)
		return x == y;
	return strcasecmp(a, b) == 0;
}

int lc_inst_change(lc_instrument *inst, lc_diag *diag, const char *setting, const char *value)
{
	if (!inst->keep_state)
		return lc_inst_write(inst, diag, "%s %s", setting, value);
	char old[128];
	int rc = lc_inst_query(inst, diag, old, sizeof(old), "%s?", setting);
	if (rc < 0)
		return rc;
	if (same_setting(old, value))
		return 0;
	/* remembered before the write: a write that fails half way may still have changed the setting */
	char **u = realloc(inst->undo, (inst->n_undo + 1) * sizeof(*u));
	if (!u)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	inst->undo = u;
	size_t len = strlen(setting) + 1 + strlen(old) + 1;
	if (!(u[inst->n_undo] = malloc(len)))
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	snprintf(u[inst->n_undo++], len, "%s %s", setting, old);
	return lc_inst_write(inst, diag, "%s %s", setting, value);
}

/* Every command is tried, last first, even after one failed (each puts back a different setting); the first
 * failure is the one reported. A session that is gone (I/O error, timeout) ends it: the rest would only wait
 * out their own timeouts. */
int lc_inst_undo(lc_instrument *inst, lc_diag *diag)
{
	int first = 0, failed = 0;
	lc_diag d;
	while (inst->n_undo > 0) {
		char *cmd = inst->undo[--inst->n_undo];
		int rc = first == LC_ERR_IO || first == LC_ERR_TIMEOUT ? first : lc_inst_write(inst, &d, "%s", cmd);
		if (rc < 0 && first == 0) {
			first = rc;
			if (diag)
				*diag = d;
			lc_diag_prefix(diag, "restoring a setting: ");
		}
		failed += rc < 0;
		free(cmd);
	}
	free(inst->undo);
	inst->undo = NULL;
	/* every setting left changed is counted, not only the first one named */
	if (failed > 1 && diag) {
		char first_text[LC_DIAG_TEXT_MAX];
		snprintf(first_text, sizeof first_text, "%s", diag->text);
		lc_diag_set(diag, first, "%.200s (and %d more settings not put back)", first_text, failed - 1);
	}
	return first;
}
