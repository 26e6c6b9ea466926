/*
 * Anritsu ACCESS Master OTDRs (MT9085, MT9083 family): SCPI over a raw socket on port 2288 with CR LF
 * (instrument-dialects.md §5).
 *
 * What the sources confirm: the transport, *IDN?, and TRACe:LOAD:DATA? (MT9083 operation manual §4.5.9): a
 * definite block whose first 4 bytes are the point count (unsigned, big endian) followed by one unsigned
 * 16-bit value per point. The notes do not give the other commands, so they sit in the table below, each
 * marked UNCONFIRMED: check them against the instrument's remote-control manual before trusting this
 * driver on real hardware; a wrong one fails loudly (the instrument answers -113 and lc_inst_set reports
 * it), it never returns made-up data. The simulated MT9085 (instruments/sim/inst_otdr_anritsu.c) speaks
 * exactly this table.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/instrument_priv.h"
#include "instruments/otdr/otdr.h"

/* The dialect, in one place. Units: nm, ns, km (as TRACe:LOAD:DATA?'s distances), s. */
static const struct {
	const char *wavelength;   /* UNCONFIRMED */
	const char *pulse;        /* UNCONFIRMED */
	const char *range;        /* UNCONFIRMED */
	const char *averaging;    /* UNCONFIRMED */
	const char *resolution;   /* UNCONFIRMED: point spacing in m, query only */
	const char *start;        /* UNCONFIRMED (the SCPI standard's INITiate) */
	const char *trace;        /* confirmed: MT9083 manual §4.5.9 */
	const char *sor;          /* UNCONFIRMED: the measurement as a SOR file in a definite block */
	double trace_scale_db;    /* dB per count of TRACe:LOAD:DATA? values: UNCONFIRMED, 0.001 as SOR's DataPts */
} mt9085 = {
	.wavelength = "SOURce:WAVelength",
	.pulse = "SENSe:PULSe:WIDTh",
	.range = "SENSe:RANGe",
	.averaging = "SENSe:AVERage:TIME",
	.resolution = "SENSe:RESolution?",
	.start = "INITiate",
	.trace = "TRACe:LOAD:DATA?",
	.sor = "TRACe:LOAD:SOR?",
	.trace_scale_db = 0.001,
};

static int mt_configure(lc_instrument *inst, const lc_otdr_settings *s, lc_diag *diag)
{
	int rc = lc_inst_set(inst, diag, "%s %.0f", mt9085.wavelength, s->wavelength_nm);
	if (rc == 0)
		rc = lc_inst_set(inst, diag, "%s %.0f", mt9085.pulse, s->pulse_ns);
	if (rc == 0)
		rc = lc_inst_set(inst, diag, "%s %.3f", mt9085.range, s->range_m / 1000.0);
	if (rc == 0)
		rc = lc_inst_set(inst, diag, "%s %.0f", mt9085.averaging, s->averaging_s);
	return rc;
}

static int mt_get_settings(lc_instrument *inst, lc_otdr_settings *s, lc_diag *diag)
{
	double km;
	int rc = lc_inst_query_double(inst, diag, 0, &s->wavelength_nm, "%s?", mt9085.wavelength);
	if (rc == 0)
		rc = lc_inst_query_double(inst, diag, 0, &s->pulse_ns, "%s?", mt9085.pulse);
	if (rc == 0)
		rc = lc_inst_query_double(inst, diag, 0, &km, "%s?", mt9085.range);
	if (rc == 0)
		rc = lc_inst_query_double(inst, diag, 0, &s->averaging_s, "%s?", mt9085.averaging);
	if (rc == 0)
		s->range_m = km * 1000.0;
	return rc;
}

static int mt_start(lc_instrument *inst, lc_diag *diag)
{
	return lc_inst_set(inst, diag, "%s", mt9085.start);
}

static int mt_wait(lc_instrument *inst, int budget_ms, lc_diag *diag)
{
	return lc_inst_wait_opc(inst, diag, budget_ms, "OTDR acquisition");
}

static int query_block(lc_instrument *inst, const char *cmd, uint8_t **data, size_t *len, lc_diag *diag)
{
	int rc = lc_scpi_query_block(inst->scpi, cmd, data, len);
	if (rc == LC_ERR_TIMEOUT && lc_scpi_check_errors(inst->scpi) == LC_ERR_INSTRUMENT)
		/* an instrument that refuses a query sends nothing: its error queue says why */
		return lc_diag_set(diag, LC_ERR_INSTRUMENT, "%s: %s", cmd, lc_scpi_last_detail(inst->scpi));
	if (rc < 0)
		return lc_diag_set(diag, rc, "%s: %s", cmd, lc_scpi_last_detail(inst->scpi));
	return 0;
}

static int mt_read_trace(lc_instrument *inst, double **db, size_t *n, double *dx_m, lc_diag *diag)
{
	double res;
	int rc = lc_inst_query_double(inst, diag, 0, &res, "%s", mt9085.resolution);
	if (rc < 0)
		return rc;
	if (!(res > 0) || !isfinite(res))
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "%s: resolution %g m is not positive", mt9085.resolution, res);
	uint8_t *b;
	size_t len;
	if ((rc = query_block(inst, mt9085.trace, &b, &len, diag)) < 0)
		return rc;
	if (len < 4) {
		free(b);
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "%s: block of %zu bytes has no point count", mt9085.trace, len);
	}
	uint32_t count = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
	if ((size_t)count != (len - 4) / 2 || (len - 4) % 2) {
		free(b);
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "%s: %u points announced, block carries %zu bytes of data",
				   mt9085.trace, count, len - 4);
	}
	double *v = malloc(count ? count * sizeof(double) : sizeof(double));
	if (!v) {
		free(b);
		return lc_diag_set(diag, LC_ERR_NOMEM, "%s: out of memory", mt9085.trace);
	}
	for (size_t i = 0; i < count; i++)
		v[i] = -(double)((b[4 + 2 * i] << 8) | b[5 + 2 * i]) * mt9085.trace_scale_db;
	free(b);
	*db = v;
	*n = count;
	*dx_m = res;
	return 0;
}

static int mt_read_sor(lc_instrument *inst, uint8_t **data, size_t *len, lc_diag *diag)
{
	return query_block(inst, mt9085.sor, data, len, diag);
}

static const lc_otdr_ops mt9085_otdr = {
	.base = {LC_CLASS_OTDR, lc_otdr_snapshot},
	.configure = mt_configure,
	.get_settings = mt_get_settings,
	.start = mt_start,
	.wait = mt_wait,
	.read_trace = mt_read_trace,
	.read_sor = mt_read_sor,
};

static const lc_class_ops *const mt9085_classes[] = {&mt9085_otdr.base, NULL};

const lc_driver lc_driver_anritsu_mt9085 = {
	.name = "anritsu_mt9085",
	.description = "Anritsu ACCESS Master OTDR (MT9085/MT9083), SCPI on port 2288",
	.classes = mt9085_classes,
};
