/*
 * Simulated Thorlabs PM100USB with an S122C germanium sensor (instrument-dialects.md §1.3). The real meter is
 * USBTMC; the simulator serves the same commands on a raw socket (LF-terminated, as the notes say commands
 * end). World port "ROLE:1".
 *
 * Averaging is a sample count, about 3 ms per sample (driver comments quoting the manual): a reading spends
 * count x 3 ms of instrument time and its noise falls accordingly.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/inst/inst_util.h"

#define SAMPLE_S 0.003
/* S122C: 700..1800 nm; its dark noise at 100 ms averaging is near -60 dBm (germanium is noisy). */
#define WAV_MIN 700.0
#define WAV_MAX 1800.0
#define FLOOR_DBM (-60.0)

struct pm100 {
	char port[LC_SIM_PORT_MAX];
	lc_sim_world *world;
	double wav_nm;
	bool dbm, autorange;
	long count;
	double zero_w;
	char serial[64];
};

static int measure(lc_sim_call *c, struct pm100 *p)
{
	double t = (double)p->count * SAMPLE_S, w;
	lc_sim_spend(c, t);
	if (lc_sim_world_power_read_cal(p->world, p->port, p->wav_nm, t, FLOOR_DBM, &w) < 0)
		return lc_sim_fail(c, -240, "sensor read failed");
	lc_sim_out_nr3(c, p->dbm ? lc_sim_w_to_dbm(w) : w);
	return 0;
}

static int q_meas(lc_sim_call *c, void *u) { return measure(c, u); }
static int h_conf(lc_sim_call *c, void *u) { return lc_sim_arg_max(c, 0); }

static int h_wav(lc_sim_call *c, void *u)
{
	struct pm100 *p = u;
	const lc_sim_param *a = lc_sim_arg(c, 0);
	/* a plain number is nm (the PM100's unit); "1550NM" arrives in metres */
	bool metres = a && a->kind == LC_SIM_P_NUMBER && !strcmp(a->unit, "M");
	lc_sim_numspec ns = metres ? (lc_sim_numspec){"M", WAV_MIN * 1e-9, WAV_MAX * 1e-9, 1550e-9}
				   : (lc_sim_numspec){"", WAV_MIN, WAV_MAX, 1550};
	double v;
	int rc = lc_sim_arg_double(c, 0, &ns, &v);
	if (!rc)
		p->wav_nm = metres ? v * 1e9 : v;
	return rc;
}

static int q_wav(lc_sim_call *c, void *u)
{
	struct pm100 *p = u;
	double v = p->wav_nm;
	if (lc_sim_arg_present(c, 0)) {
		static const char *const mm[] = {"MINimum", "MAXimum", NULL};
		int idx;
		int rc = lc_sim_arg_choice(c, 0, mm, &idx);
		if (rc)
			return rc;
		v = idx ? WAV_MAX : WAV_MIN;
	}
	lc_sim_out_nr3(c, v);
	return 0;
}

static int h_unit(lc_sim_call *c, void *u)
{
	static const char *const units[] = {"W", "DBM", NULL};
	int idx;
	int rc = lc_sim_arg_choice(c, 0, units, &idx);
	if (!rc)
		((struct pm100 *)u)->dbm = idx == 1;
	return rc;
}

static int q_unit(lc_sim_call *c, void *u)
{
	lc_sim_out_printf(c, "%s", ((struct pm100 *)u)->dbm ? "DBM" : "W");
	return 0;
}

static int h_auto(lc_sim_call *c, void *u)
{
	bool v;
	int rc = lc_sim_arg_bool(c, 0, &v);
	if (!rc)
		((struct pm100 *)u)->autorange = v;
	return rc;
}

static int q_auto(lc_sim_call *c, void *u)
{
	lc_sim_out_bool(c, ((struct pm100 *)u)->autorange);
	return 0;
}

static int h_count(lc_sim_call *c, void *u)
{
	long long v;
	int rc = lc_sim_arg_int(c, 0, 1, 100000, &v);
	if (!rc)
		((struct pm100 *)u)->count = (long)v;
	return rc;
}

static int q_count(lc_sim_call *c, void *u)
{
	lc_sim_out_int(c, ((struct pm100 *)u)->count);
	return 0;
}

/* Zeroing takes about a second on the real meter; *OPC? after it waits (drivers use *OPC?, the notes say). */
static int h_zero(lc_sim_call *c, void *u)
{
	struct pm100 *p = u;
	double dbm;
	lc_sim_world_power_true(p->world, p->port, &dbm);
	lc_sim_pending(c, 1.0);
	if (dbm > FLOOR_DBM + 10)
		return lc_sim_fail(c, -200, "zeroing with light on the sensor");
	p->zero_w = 0;
	return 0;
}

static int h_zero_abort(lc_sim_call *c, void *u) { return 0; }

static int q_zero_state(lc_sim_call *c, void *u)
{
	lc_sim_out_int(c, 0); /* not zeroing: the zero completes as an overlapped operation */
	return 0;
}

static int q_zero_magn(lc_sim_call *c, void *u)
{
	lc_sim_out_nr3(c, ((struct pm100 *)u)->zero_w);
	return 0;
}

static int q_sensor_idn(lc_sim_call *c, void *u)
{
	/* name, serial, calibration message, type, subtype, flags (1 power sensor + 32 wavelength settable +
	 * 256 temperature sensor); the type/subtype numbers of an S122C are UNCONFIRMED */
	lc_sim_out_printf(c, "S122C,%s,07-Mar-2025,1,18,289", ((struct pm100 *)u)->serial);
	return 0;
}

static void reset(void *user)
{
	struct pm100 *p = user;
	p->wav_nm = 1550;
	p->dbm = false;
	p->autorange = true;
	p->count = 1;
}

static int create(const lc_sim_inst_config *cfg, lc_sim_scpi **engine, void **state, lc_diag *diag)
{
	*engine = NULL;
	struct pm100 *p = calloc(1, sizeof(*p));
	if (!p)
		return LC_ERR_NOMEM;
	snprintf(p->port, sizeof(p->port), "%s:1", cfg->role);
	snprintf(p->serial, sizeof(p->serial), "M%.10s", cfg->serial);
	p->world = cfg->world;
	reset(p);
	static const lc_sim_cmd cmds[] = {
		{"MEASure[:SCALar]:POWer", NULL, q_meas},
		{"CONFigure[:SCALar]:POWer", h_conf, NULL},
		{"READ", NULL, q_meas},
		{"[SENSe]:CORRection:WAVelength", h_wav, q_wav},
		{"[SENSe]:POWer[:DC]:UNIT", h_unit, q_unit},
		{"[SENSe]:POWer[:DC]:RANGe:AUTO", h_auto, q_auto},
		{"[SENSe]:AVERage[:COUNt]", h_count, q_count},
		{"[SENSe]:CORRection:COLLect:ZERO[:INITiate]", h_zero, NULL},
		{"[SENSe]:CORRection:COLLect:ZERO:ABORt", h_zero_abort, NULL},
		{"[SENSe]:CORRection:COLLect:ZERO:STATe", NULL, q_zero_state},
		{"[SENSe]:CORRection:COLLect:ZERO:MAGNitude", NULL, q_zero_magn},
		{"SYSTem:SENSor:IDN", NULL, q_sensor_idn},
	};
	int rc = lc_sim_engine_new(cfg, "THORLABS", "PM100USB", "1.7.0", reset, p, engine, diag);
	if (!rc)
		rc = lc_sim_add_cmds(*engine, cmds, sizeof(cmds) / sizeof(cmds[0]), p, diag);
	if (rc) {
		if (*engine)
			lc_sim_scpi_destroy(*engine);
		*engine = NULL;
		free(p);
		return rc;
	}
	*state = p;
	return 0;
}

const lc_sim_inst_kind lc_sim_kind_thorlabs_pm100usb = {
	.name = "thorlabs_pm100usb", .summary = "Thorlabs PM100USB with S122C sensor (raw socket instead of USB)",
	.instrument_class = "power_meter", .transport = LC_SIM_TR_SOCKET, .real_port = 5025,
	.create = create, .destroy = free,
};
