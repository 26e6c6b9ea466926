/*
 * Yokogawa AQ7260 OTDR: GP-IB / RS-232, not SCPI (instrument-dialects.md §5, manual ch. 8 [S30]). It talks
 * over any byte transport: ASRL (RS-232), or a raw socket through a serial-to-LAN adapter.
 *
 * What is confirmed and used: the set commands R (range code), PW (pulse width code), AT (attenuation,
 * 1.25 dB steps), AVD (averaging type), ASU (automation), joined with ',' in one message of at most 512
 * bytes (p. 8-30, 8-38); the requests RR, PWR, ASUR (p. 8-49), ATR, AVDR, NUMR, DSR (p. 8-50) — each the set
 * header plus "R", with the set command's codes —, INFR (status), IDER (identity), EDR m (one event), DBIR
 * (trace, hi/lo bytes), FILESR/FILER (file size, then the file) (pp. 8-51, 8-56, 8-60).
 * Everything the pages found leave open sits in the `aq` table below, each entry marked UNCONFIRMED with the
 * conservative choice made, so it can be corrected in one place. A wrong guess fails loudly (a start that
 * never shows INFR 1, a setting the read-back does not show, a binary reply whose length or trailer does not
 * match), never as made-up data.
 *
 * The instrument has no error queue, and the command-check bit exists only in the GP-IB status byte
 * (p. 8-30), so a refused setting ("the distance range that can be set varies with the wavelength", "the
 * pulse width ... with the optical module and distance range", "the attenuation ... with the pulse width",
 * p. 8-38) shows only in what the unit then holds: configure reads every setting back with its request
 * (RR, PWR, ASUR, ATR, AVDR, NUMR) and refuses any difference, naming it. get_settings and the snapshot
 * report what the instrument holds, read back the same way.
 *
 * Station layout (lc_instrument_opts.layout): the unit's wavelength, optionally a fixed attenuation:
 * "1310" or "1310;att=2.50". The wavelength request LAMR (4-1, p. 8-49) answers only an index into the
 * unit's wavelengths ("0: Unit's first wavelength"), never nanometres, and the set form is on a page not
 * found; so the layout names the wavelength and a request for another one is refused. Without "att=" the
 * instrument chooses the attenuation (ASU 2, auto attenuation).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/abort.h"
#include "base/clock.h"
#include "hal/scpi_parse.h"
#include "hal/scpi_raw.h"
#include "instruments/instrument_priv.h"
#include "instruments/otdr/otdr.h"
#include "instruments/otdr/yokogawa_aq7260.h"

/* The choices the reference leaves open, in one place. Page numbers are those of the AQ7260 User's Manual
 * (IM 813920300-01E), chapter 8 "Device Message" tables, as far as public copies of those pages were found
 * (8-30, 8-38, 8-48 .. 8-52, 8-56, 8-60, and 10-14, 3-24, 9-6; the set-command pages 8-31..8-37 and
 * 8-39..8-47 and the pages 8-53..8-55, 8-57..8-59 were not): an entry is confirmed only by a page that says
 * it. Where and how they were looked for: docs/sor.md. */
static const struct {
	const char *start;           /* UNCONFIRMED: no page found names a start/stop command. It is not among
	                                functions 4-1..4-18 (p. 8-49..8-51: 4-1 is the wavelength, 4-2 the
	                                filter, 4-3 the approximate method), nor 5-x, 6-x, 13-x..16-x (pp. 8-51,
	                                8-52, 8-56); groups 1-1..1-8 and 7..12 are on pages not found. wait()
	                                insists on seeing INFR 1 after it, so a wrong one is an error, never a
	                                stale trace */
	const char *averaging_time;  /* UNCONFIRMED set form: the request NUMR is function 4-10 "Average time /
	                                average interval setting" (p. 8-50); its set row is on a page not found.
	                                Every request of pp. 8-49/8-50 is its set header + "R" (AT/ATR,
	                                AVD/AVDR, R/RR, PW/PWR, ASU/ASUR), hence "NUM"; the read-back of NUMR
	                                after configure turns a wrong guess into an error */
	int averaging_type;          /* AVD code 1 = "Average interval" (p. 8-38 set, p. 8-50 request): confirmed.
	                                Its NUMR codes are the seconds column 0..9 = 10 s .. 30 min, 4 "-"
	                                (p. 8-50); the other two columns are the 2^10..2^18 shot counts that
	                                AVD 0 "(2^*)" and AVD 2 "(*k)" name */
	size_t data_points[3];       /* DSR 0/1/2 = "5k data / 20k data / 60k data" (p. 8-50): the codes are
	                                confirmed, the exact counts 5000/20000/60000 UNCONFIRMED (the glossary,
	                                p. 10-14, defers the "sampling count" to p. 3-28, not found); a wrong
	                                count fails as a DBIR reply of another length, never as a trace */
	double dbir_unit_db;         /* confirmed: DBIR (13-9) "(0.004dB unit)", p. 8-56 (the 0.001 dB that
	                                §5 mentions is WBIR's row 13-5 on the same page) */
	const char *binary_trailer;  /* UNCONFIRMED for RS-232: p. 8-56 gives DBIR/FILER replies as
	                                "D0D1D2xxxDnEOI", i.e. the data ended by GP-IB's EOI and no characters;
	                                RS-232 has no EOI, so the line end of every other reply (CR LF, p. 8-60)
	                                is expected and checked (a longer reply then fails, never leaks on) */
	int poll_ms;                 /* INFR polling interval during an acquisition (INFR, 14-1, p. 8-56:
	                                0 standby, 1 emitting, 4 no paper, 6 no fiber, 7 plug check,
	                                priority 7>6>4>1>0: confirmed) */
	int start_confirm_ms;        /* INFR must show 1 within this after the start command */
	int default_baud;            /* for transfer budgets when the station gives none */
	size_t max_file;             /* largest FILESR accepted */
} aq = {
	.start = "AVG 1",
	.averaging_time = "NUM",
	.averaging_type = 1,
	.data_points = {5000, 20000, 60000},
	.dbir_unit_db = 0.004,
	.binary_trailer = "\r\n",
	.poll_ms = 100,
	.start_confirm_ms = 3000,
	.default_baud = 9600,
	.max_file = 64u * 1024 * 1024,
};

/* Codes of §5; index = code, 0 = no such code. */
static const double range_km[] = {10, 20, 40, 80, 160, 240, 5, 2, 320, 640};
static const double pulse_ns[] = {0, 10, 20, 100, 200, 500, 1000, 4000, 10000, 20000, 50, 50000};
/* NUMR's seconds column: code 4 is "-" */
static const double avg_s[] = {10, 20, 30, 60, 0, 180, 300, 600, 1200, 1800};
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define AT_CODES 22 /* 0.00 .. 26.25 dB */
#define MSG_MAX 512 /* the instrument's receive buffer */

struct aq7260 {
	double wavelength_nm;    /* from the layout; 0 unknown */
	int att_code;            /* from the layout; -1: auto attenuation */
	bool started;
	int baud;                /* serial line rate for transfer budgets */
};

static struct aq7260 *priv(lc_instrument *inst) { return inst->priv; }

static int code_of(const double *tab, size_t n, double v, const char *what, const char *unit, double scale,
		   lc_diag *diag)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i] > 0 && fabs(tab[i] * scale - v) <= 1e-9 * fmax(1.0, v))
			return (int)i;
	char list[256] = "";
	size_t k = 0;
	for (double last = 0;;) { /* ascending list of the allowed values */
		double next = INFINITY;
		for (size_t i = 0; i < n; i++)
			if (tab[i] > last && tab[i] < next)
				next = tab[i];
		if (!isfinite(next))
			break;
		k += (size_t)snprintf(list + k, sizeof(list) - k, "%s%g", k ? ", " : "", next);
		last = next;
		if (k >= sizeof(list))
			break;
	}
	return lc_diag_set(diag, LC_ERR_ARG, "AQ7260: %s %g %s has no code; allowed: %s %s", what, v / scale, unit,
			   list, unit);
}

/* One message: the commands joined with ',' (the instrument's own separator). */
static int send(lc_instrument *inst, const char *msg, lc_diag *diag)
{
	char line[MSG_MAX + 8];
	int n = snprintf(line, sizeof(line), "%s%s", msg, LC_AQ7260_LINE_END);
	if (n < 0 || (size_t)n + 1 > MSG_MAX) /* + the session's LF */
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "AQ7260: message of %d bytes exceeds its 512-byte buffer", n);
	int rc = lc_scpi_write(inst->scpi, line);
	return rc < 0 ? lc_diag_set(diag, rc, "%s: %s", msg, lc_scpi_last_detail(inst->scpi)) : 0;
}

static int query(lc_instrument *inst, const char *cmd, char *buf, size_t cap, lc_diag *diag)
{
	char line[64];
	snprintf(line, sizeof(line), "%s%s", cmd, LC_AQ7260_LINE_END);
	int rc = lc_scpi_query(inst->scpi, line, buf, cap);
	if (rc < 0)
		return lc_diag_set(diag, rc, "%s: %s", cmd, lc_scpi_last_detail(inst->scpi));
	lc_diag d;
	if (lc_scpi_check_text(buf, (size_t)rc, &d) < 0) /* garbage is a protocol error, whatever parses it */
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "%s: %s", cmd, d.text);
	while (rc > 0 && (buf[rc - 1] == '\r' || buf[rc - 1] == ' '))
		buf[--rc] = '\0';
	return rc;
}

static int query_long(lc_instrument *inst, const char *cmd, long min, long max, long *v, lc_diag *diag)
{
	char buf[64];
	int rc = query(inst, cmd, buf, sizeof(buf), diag);
	if (rc < 0)
		return rc;
	char *s = buf, *end;
	while (isspace((unsigned char)*s))
		s++;
	errno = 0;
	*v = strtol(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (end == s || *end || errno || *v < min || *v > max)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "%s: reply '%.40s' is not an integer in %ld..%ld", cmd, buf,
				   min, max);
	return 0;
}

/* What the unit holds, read back with the requests of pp. 8-49/8-50 (the set header + "R", the set codes). */
typedef struct {
	long asu, range, pulse, att, avd, num;
} aq_held;

static int read_held(lc_instrument *inst, aq_held *h, lc_diag *diag)
{
	int rc;
	if ((rc = query_long(inst, "ASUR", 0, 5, &h->asu, diag)) < 0 ||
	    (rc = query_long(inst, "RR", 0, (long)N_OF(range_km) - 1, &h->range, diag)) < 0 ||
	    (rc = query_long(inst, "PWR", 0, (long)N_OF(pulse_ns) - 1, &h->pulse, diag)) < 0 ||
	    (rc = query_long(inst, "ATR", 0, AT_CODES - 1, &h->att, diag)) < 0 ||
	    (rc = query_long(inst, "AVDR", 0, 2, &h->avd, diag)) < 0 ||
	    (rc = query_long(inst, "NUMR", -2, 9, &h->num, diag)) < 0)
		return rc;
	return 0;
}

/* The held codes as settings (the wavelength is the layout's); an averaging held as a shot count (AVD 0/2)
 * has no time to report. */
static int held_settings(const struct aq7260 *p, const aq_held *h, lc_otdr_settings *s, lc_diag *diag)
{
	if (!(p->wavelength_nm > 0))
		return lc_diag_set(diag, LC_ERR_STATE, "AQ7260: the unit's wavelength is not known (LAMR gives only an "
				   "index into the unit's wavelengths): give it as the station layout, e.g. \"1310\"");
	if (!(pulse_ns[h->pulse] > 0))
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "AQ7260: PWR %ld is the manual's \"-\", no pulse width",
				   h->pulse);
	if (h->avd != aq.averaging_type || h->num < 0 || !(avg_s[h->num] > 0))
		return lc_diag_set(diag, LC_ERR_STATE, "AQ7260: averaging is AVDR %ld, NUMR %ld: not an averaging "
				   "interval in seconds (AVD 1 with NUMR 0..9 but 4)", h->avd, h->num);
	s->wavelength_nm = p->wavelength_nm;
	s->range_m = range_km[h->range] * 1000.0;
	s->pulse_ns = pulse_ns[h->pulse];
	s->averaging_s = avg_s[h->num];
	return 0;
}

static int aq_configure(lc_instrument *inst, const lc_otdr_settings *s, lc_diag *diag)
{
	struct aq7260 *p = priv(inst);
	if (!(p->wavelength_nm > 0))
		return lc_diag_set(diag, LC_ERR_ARG, "AQ7260: the unit's wavelength is not known (no documented command "
				   "selects or reports it): give it as the station layout, e.g. \"1310\"");
	if (fabs(s->wavelength_nm - p->wavelength_nm) > 0.5)
		return lc_diag_set(diag, LC_ERR_ARG, "AQ7260: %g nm requested, the unit measures at %g nm (station "
				   "layout); no documented command selects another wavelength", s->wavelength_nm,
				   p->wavelength_nm);
	int r = code_of(range_km, N_OF(range_km), s->range_m, "range", "km", 1000.0, diag);
	if (r < 0)
		return r;
	int pw = code_of(pulse_ns, N_OF(pulse_ns), s->pulse_ns, "pulse width", "ns", 1.0, diag);
	if (pw < 0)
		return pw;
	int num = code_of(avg_s, N_OF(avg_s), s->averaging_s, "averaging time", "s", 1.0, diag);
	if (num < 0)
		return num;
	char msg[128];
	if (p->att_code < 0)
		snprintf(msg, sizeof(msg), "ASU 2,R %d,PW %d,AVD %d,%s %d", r, pw, aq.averaging_type, aq.averaging_time,
			 num);
	else
		snprintf(msg, sizeof(msg), "ASU 0,R %d,PW %d,AT %d,AVD %d,%s %d", r, pw, p->att_code,
			 aq.averaging_type, aq.averaging_time, num);
	int rc = send(inst, msg, diag);
	if (rc < 0)
		return rc;
	/* no error queue: a setting the unit cannot take shows only in what it then holds (p. 8-38, 8-30) */
	aq_held h;
	if ((rc = read_held(inst, &h, diag)) < 0)
		return rc;
	char bad[256] = "";
	size_t k = 0;
#define HELD(cond, ...)                                                                                            \
	do {                                                                                                       \
		if ((cond) && k < sizeof(bad))                                                                     \
			k += (size_t)snprintf(bad + k, sizeof(bad) - k, __VA_ARGS__);                              \
	} while (0)
	HELD(h.asu != (p->att_code < 0 ? 2 : 0), "; ASUR %ld for ASU %d", h.asu, p->att_code < 0 ? 2 : 0);
	HELD(h.range != r, "; RR %ld (%g km) for R %d (%g km)", h.range, range_km[h.range], r, range_km[r]);
	HELD(h.pulse != pw, "; PWR %ld (%g ns) for PW %d (%g ns)", h.pulse, pulse_ns[h.pulse], pw, pulse_ns[pw]);
	HELD(p->att_code >= 0 && h.att != p->att_code, "; ATR %ld (%.2f dB) for AT %d (%.2f dB)", h.att,
	     1.25 * (double)h.att, p->att_code, 1.25 * p->att_code);
	HELD(h.avd != aq.averaging_type, "; AVDR %ld for AVD %d", h.avd, aq.averaging_type);
	HELD(h.num != num, "; NUMR %ld for %s %d (the set form '%s' is UNCONFIRMED)", h.num, aq.averaging_time, num,
	     aq.averaging_time);
#undef HELD
	if (k)
		return lc_diag_set(diag, LC_ERR_INSTRUMENT, "AQ7260 did not take '%s' (the settings it can take depend "
				   "on the module, wavelength and range): it holds%s", msg, bad + 1);
	return 0;
}

static int aq_get_settings(lc_instrument *inst, lc_otdr_settings *s, lc_diag *diag)
{
	if (!(priv(inst)->wavelength_nm > 0)) /* before any traffic: held_settings would refuse it anyway */
		return held_settings(priv(inst), NULL, s, diag);
	aq_held h;
	int rc = read_held(inst, &h, diag);
	return rc < 0 ? rc : held_settings(priv(inst), &h, s, diag);
}

static int aq_start(lc_instrument *inst, lc_diag *diag)
{
	int rc = send(inst, aq.start, diag);
	priv(inst)->started = rc == 0;
	return rc;
}

/* INFR codes (§5; manual 14-1, priority 7 > 6 > 4 > 1 > 0). */
static int status_error(long code, lc_diag *diag)
{
	switch (code) {
	case 6:
		return lc_diag_set(diag, LC_ERR_INSTRUMENT, "AQ7260: no fiber connected (INFR 6)");
	case 7:
		return lc_diag_set(diag, LC_ERR_INSTRUMENT, "AQ7260: plug-check error (INFR 7): clean or reseat the "
				   "connector");
	case 4: /* it outranks 1 and 0, so the acquisition's state cannot be seen behind it */
		return lc_diag_set(diag, LC_ERR_INSTRUMENT, "AQ7260: no printer paper (INFR 4) hides the acquisition "
				   "state");
	default:
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "AQ7260: INFR %ld is not a documented status", code);
	}
}

static int aq_wait(lc_instrument *inst, int budget_ms, lc_diag *diag)
{
	struct aq7260 *p = priv(inst);
	if (!p->started)
		return lc_diag_set(diag, LC_ERR_STATE, "AQ7260: no acquisition was started");
	p->started = false;
	int64_t t0 = lc_now_ms(), deadline = lc_deadline_in(budget_ms);
	bool emitting = false;
	for (;;) {
		long code;
		int rc = query_long(inst, "INFR", 0, 99, &code, diag);
		if (rc < 0)
			return rc;
		if (code == 1)
			emitting = true;
		else if (code == 0 && emitting)
			return 0;
		else if (code == 0 && lc_now_ms() - t0 > aq.start_confirm_ms)
			return lc_diag_set(diag, LC_ERR_INSTRUMENT, "AQ7260: acquisition did not start: INFR stayed 0 "
					   "after '%s' (the start command is UNCONFIRMED)", aq.start);
		else if (code != 0)
			return status_error(code, diag);
		if (lc_now_ms() >= deadline)
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "AQ7260: acquisition not complete after %d ms", budget_ms);
		if ((rc = lc_wait_ms(aq.poll_ms)) < 0)
			return lc_diag_set(diag, rc, "AQ7260: aborted during the acquisition");
	}
}

/* A binary reply of exactly n bytes, then the trailer, with a timeout that covers the line rate (a 60k-point
 * trace is 120 kB: two minutes at 9600 baud). */
static int read_binary(lc_instrument *inst, const char *cmd, uint8_t *buf, size_t n, lc_diag *diag)
{
	struct aq7260 *p = priv(inst);
	int old = lc_scpi_get_timeout(inst->scpi);
	double line_ms = (double)(n + 16) * 10.0 * 1000.0 / p->baud;
	if (old >= 0) /* negative: no limit at all */
		lc_scpi_set_timeout(inst->scpi, old + (int)fmin(1.5 * line_ms, 3600e3));
	char line[64];
	snprintf(line, sizeof(line), "%s%s", cmd, LC_AQ7260_LINE_END);
	int rc = lc_scpi_query_exact(inst->scpi, line, buf, n);
	uint8_t tr[8];
	size_t tl = strlen(aq.binary_trailer);
	if (rc >= 0 && tl)
		rc = lc_scpi_read_exact(inst->scpi, tr, tl);
	lc_scpi_set_timeout(inst->scpi, old);
	if (rc < 0)
		return lc_diag_set(diag, rc, "%s: %s", cmd, lc_scpi_last_detail(inst->scpi));
	if (tl && memcmp(tr, aq.binary_trailer, tl) != 0)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "%s: %zu data bytes expected, then CR LF; byte 0x%02x follows "
				   "(the reply is longer than announced)", cmd, n, tr[0] == '\r' ? tr[1] : tr[0]);
	return 0;
}

static int aq_read_trace(lc_instrument *inst, double **db, size_t *n, double *dx_m, lc_diag *diag)
{
	long range, ds;
	int rc = query_long(inst, "RR", 0, (long)N_OF(range_km) - 1, &range, diag);
	if (rc == 0)
		rc = query_long(inst, "DSR", 0, (long)N_OF(aq.data_points) - 1, &ds, diag);
	if (rc < 0)
		return rc;
	size_t points = aq.data_points[ds];
	uint8_t *b = malloc(2 * points);
	double *v = malloc(points * sizeof(double));
	if (!b || !v) {
		free(b);
		free(v);
		return lc_diag_set(diag, LC_ERR_NOMEM, "DBIR: out of memory for %zu points", points);
	}
	rc = read_binary(inst, "DBIR", b, 2 * points, diag);
	if (rc < 0) {
		free(b);
		free(v);
		return rc;
	}
	/* hi byte first; the level as displayed (falls with distance) */
	for (size_t i = 0; i < points; i++)
		v[i] = (double)((unsigned)b[2 * i] << 8 | b[2 * i + 1]) * aq.dbir_unit_db;
	free(b);
	*db = v;
	*n = points;
	/* UNCONFIRMED: the points span the distance range evenly (the notes give no sampling resolution) */
	*dx_m = range_km[range] * 1000.0 / (double)points;
	return 0;
}

static int aq_read_sor(lc_instrument *inst, uint8_t **data, size_t *len, lc_diag *diag)
{
	long size;
	int rc = query_long(inst, "FILESR", 1, (long)aq.max_file, &size, diag);
	if (rc < 0)
		return rc;
	uint8_t *b = malloc((size_t)size);
	if (!b)
		return lc_diag_set(diag, LC_ERR_NOMEM, "FILER: out of memory for %ld bytes", size);
	rc = read_binary(inst, "FILER", b, (size_t)size, diag);
	if (rc < 0) {
		free(b);
		return rc;
	}
	*data = b;
	*len = (size_t)size;
	return 0;
}

/* ---- EDR ------------------------------------------------------------------------------------------- */

/* "SXX.XXXDB" style field: a number, then the unit the manual puts at a fixed column. */
static int field_number(const char *f, const char *unit, double *v, const char *name, const char *reply,
			lc_diag *diag)
{
	char *end;
	while (*f == ' ')
		f++;
	errno = 0;
	*v = strtod(f, &end);
	lc_diag ignored;
	/* what strtod took must be an IEEE 488.2 decimal number: never "inf", "nan" or hex from a garbled line */
	if (end == f || errno || !isfinite(*v) || lc_scpi_parse_double(f, (size_t)(end - f), v, &ignored) < 0)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "EDR '%.80s': %s is not a number", reply, name);
	while (*end == ' ')
		end++;
	if (unit && strcmp(end, unit) != 0)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "EDR '%.80s': %s unit '%s', expected '%s'", reply, name, end,
				   unit);
	return 0;
}

/* Distance units: UNCONFIRMED which "TT" the instrument prints beyond km; m and km are understood, any other
 * is refused rather than guessed. Returns metres per unit, or 0. */
static double distance_unit(const char *tt)
{
	while (*tt == ' ')
		tt++;
	if (!strcmp(tt, "km") || !strcmp(tt, "KM"))
		return 1000.0;
	if (!strcmp(tt, "m") || !strcmp(tt, "M"))
		return 1.0;
	return 0;
}

int lc_aq7260_parse_edr(const char *reply, lc_aq7260_event *ev, lc_diag *diag)
{
	if (!reply || !ev)
		return lc_diag_set(diag, LC_ERR_ARG, "EDR: NULL argument");
	memset(ev, 0, sizeof(*ev));
	char buf[160];
	char *f[8];
	int nf = 0;
	if (strlen(reply) >= sizeof(buf))
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "EDR: reply of %zu bytes is longer than the manual's 64",
				   strlen(reply));
	strcpy(buf, reply);
	for (char *s = buf; nf < 8;) {
		f[nf++] = s;
		char *c = strchr(s, ',');
		if (!c)
			break;
		*c = '\0';
		s = c + 1;
	}
	if (nf != 7)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "EDR '%.80s': %d fields, expected 7 (No., distance, splice "
				   "loss, return loss, cumulative loss, dB/km, type)", reply, nf);
	char *no = f[0];
	while (*no == ' ')
		no++;
	if (!strncmp(no, "END", 3)) {
		ev->end = true;
	} else {
		char *end;
		long k = strtol(no, &end, 10);
		while (*end == ' ')
			end++;
		if (end == no || *end || k < -1 || k > 999)
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "EDR '%.80s': event No. '%s'", reply, f[0]);
		ev->number = (int)k;
	}
	/* distance: the number, then its unit in the last two columns */
	size_t dl = strlen(f[1]);
	if (dl < 3)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "EDR '%.80s': distance '%s' has no unit", reply, f[1]);
	double per = distance_unit(f[1] + dl - 2);
	if (per == 0)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "EDR '%.80s': distance unit '%s' not understood", reply,
				   f[1] + dl - 2);
	f[1][dl - 2] = '\0';
	int rc = field_number(f[1], NULL, &ev->distance_m, "distance", reply, diag);
	ev->distance_m *= per;
	if (rc == 0)
		rc = field_number(f[2], "DB", &ev->splice_loss_db, "splice loss", reply, diag);
	if (rc == 0)
		rc = field_number(f[3], "DB", &ev->return_loss_db, "return loss", reply, diag);
	if (rc == 0)
		rc = field_number(f[4], "DB", &ev->cumulative_loss_db, "cumulative loss", reply, diag);
	if (rc == 0) {
		char *slash = strchr(f[5], '/');
		double per_len = slash ? distance_unit(slash + 1) : 0;
		if (!slash || per_len == 0)
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "EDR '%.80s': slope '%s' is not dB per km or m", reply,
					   f[5]);
		*slash = '\0';
		rc = field_number(f[5], "DB", &ev->slope_db_km, "slope", reply, diag);
		ev->slope_db_km *= 1000.0 / per_len;
	}
	double type;
	if (rc == 0)
		rc = field_number(f[6], "", &type, "type", reply, diag);
	if (rc < 0)
		return rc; /* type is not set then */
	if (type != floor(type) || fabs(type) > 99)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "EDR '%.80s': type '%s' is not a small integer", reply, f[6]);
	ev->type = (int)type;
	return 0;
}

int lc_aq7260_read_event(lc_instrument *inst, int number, lc_aq7260_event *ev, lc_diag *diag)
{
	if (!inst || !ev)
		return lc_diag_set(diag, LC_ERR_ARG, "AQ7260 EDR: NULL argument");
	if (!lc_instrument_class_ops(inst, LC_CLASS_OTDR) || strcmp(inst->driver->name, "yokogawa_aq7260") != 0)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s %s is not an AQ7260", inst->idn.vendor, inst->idn.model);
	if (number < -1 || number > 999)
		return lc_diag_set(diag, LC_ERR_ARG, "AQ7260 EDR: event No. %d outside -1..999", number);
	char cmd[16], reply[160];
	snprintf(cmd, sizeof(cmd), "EDR %d", number);
	lc_instrument_lock(inst);
	int rc = query(inst, cmd, reply, sizeof(reply), diag);
	if (rc >= 0)
		rc = lc_aq7260_parse_edr(reply, ev, diag);
	lc_instrument_unlock(inst);
	return rc;
}

/* ---- snapshot, attach ------------------------------------------------------------------------------- */

static json_t *num_or_null(bool known, double v) { return known ? json_real(v) : json_null(); }

static int aq_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag)
{
	struct aq7260 *p = priv(inst);
	static const char *const status[] = {"standby", "emitting", NULL, NULL, "no printer paper", NULL, "no fiber",
					     "plug-check error"};
	static const char *const automation[] = {"manual", "auto range", "auto attenuation",
						 "auto range + auto search", "auto search", "auto attenuation + auto search"};
	long code;
	aq_held h;
	int rc = query_long(inst, "INFR", 0, 99, &code, diag);
	if (rc == 0)
		rc = read_held(inst, &h, diag);
	if (rc < 0)
		return rc;
	bool interval = h.avd == aq.averaging_type && h.num >= 0 && avg_s[h.num] > 0;
	json_t *o = json_object();
	if (!o)
		return lc_diag_set(diag, LC_ERR_NOMEM, "snapshot: out of memory");
	json_object_set_new(o, "wavelength_nm", num_or_null(p->wavelength_nm > 0, p->wavelength_nm));
	json_object_set_new(o, "pulse_ns", num_or_null(pulse_ns[h.pulse] > 0, pulse_ns[h.pulse]));
	json_object_set_new(o, "range_m", json_real(range_km[h.range] * 1000.0));
	json_object_set_new(o, "averaging_s", num_or_null(interval, interval ? avg_s[h.num] : 0));
	if (!interval) /* a shot count: NUMR -2..6 = 2^10..2^18 (p. 8-50) */
		json_object_set_new(o, "averaging_shots", h.num >= -2 && h.num <= 6 ? json_integer(1LL << (h.num + 12))
										 : json_null());
	json_object_set_new(o, "attenuation_db", json_real(1.25 * (double)h.att));
	json_object_set_new(o, "automation", json_string(automation[h.asu]));
	json_object_set_new(o, "settings", json_string("read back from the instrument (ASUR, RR, PWR, ATR, AVDR, "
						       "NUMR); the wavelength is the station layout's"));
	const char *st = code < (long)N_OF(status) ? status[code] : NULL;
	json_object_set_new(o, "status", st ? json_string(st) : json_integer(code));
	if (json_object_set_new(obj, "otdr", o) < 0)
		return lc_diag_set(diag, LC_ERR_NOMEM, "snapshot: out of memory");
	return 0;
}

/* Layout: "<nm>[;att=<dB>]". */
static int parse_layout(const char *layout, struct aq7260 *p, lc_diag *diag)
{
	p->att_code = -1;
	if (!layout || !*layout)
		return 0;
	char *end;
	errno = 0;
	double nm = strtod(layout, &end);
	if (end == layout || errno || !(nm >= 600 && nm <= 1700))
		return lc_diag_set(diag, LC_ERR_ARG, "AQ7260 layout '%s': expected the unit's wavelength in nm "
				   "(\"1310\" or \"1310;att=2.50\")", layout);
	p->wavelength_nm = nm;
	if (!*end)
		return 0;
	if (strncmp(end, ";att=", 5) != 0)
		return lc_diag_set(diag, LC_ERR_ARG, "AQ7260 layout '%s': after the wavelength only ';att=<dB>'", layout);
	const char *a = end + 5;
	double db = strtod(a, &end);
	double steps = db / 1.25;
	if (end == a || *end || !(steps >= 0 && steps < AT_CODES) || fabs(steps - round(steps)) > 1e-6)
		return lc_diag_set(diag, LC_ERR_ARG, "AQ7260 layout '%s': attenuation has no code; allowed: 0.00 to "
				   "26.25 dB in 1.25 dB steps", layout);
	p->att_code = (int)lround(steps);
	return 0;
}

static int aq_check_layout(const char *layout, lc_diag *diag)
{
	struct aq7260 p;
	memset(&p, 0, sizeof(p));
	return parse_layout(layout, &p, diag);
}

static int aq_attach(lc_instrument *inst, const lc_instrument_opts *opts, lc_diag *diag)
{
	struct aq7260 *p = calloc(1, sizeof(*p));
	if (!p)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	int rc = parse_layout(opts ? opts->layout : NULL, p, diag);
	if (rc < 0) {
		free(p);
		return rc;
	}
	p->baud = opts && opts->transport.serial.baud > 0 ? opts->transport.serial.baud : aq.default_baud;
	inst->priv = p;
	return 0;
}

static void aq_detach(lc_instrument *inst)
{
	free(inst->priv);
	inst->priv = NULL;
}

static const lc_otdr_ops aq7260_otdr = {
	.base = {LC_CLASS_OTDR, aq_snapshot},
	.configure = aq_configure,
	.get_settings = aq_get_settings,
	.start = aq_start,
	.wait = aq_wait,
	.read_trace = aq_read_trace,
	.read_sor = aq_read_sor,
};

static const lc_class_ops *const aq7260_classes[] = {&aq7260_otdr.base, NULL};

/* No lc_driver.required / features: the AQ7260 has no SCPI error queue (instrument-dialects.md §5), so a
 * refused command cannot be told from a lost one and no feature can be detected by a refusal. */
const lc_driver lc_driver_yokogawa_aq7260 = {
	.name = "yokogawa_aq7260",
	.description = "Yokogawa AQ7260 OTDR (GP-IB/RS-232 device messages, not SCPI)",
	.classes = aq7260_classes,
	.attach = aq_attach,
	.detach = aq_detach,
	.identity = "ider",
	.check_layout = aq_check_layout,
};
