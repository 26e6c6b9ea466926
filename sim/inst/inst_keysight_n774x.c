/*
 * Simulated Keysight N7744C (4 channels) / N7745C (8 channels) multiport power meter
 * (instrument-dialects.md §1.1). Channel n reads world port "ROLE:n". Reached over VXI-11 like the real
 * meter (drivers use TCPIP::<ip>::INSTR; its socket 5025 is UNCONFIRMED, the runner can add one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/inst/inst_sensor.h"

#define LC_N774X_MAX 8

struct n774x {
	struct lc_sim_sensor_host host;
	struct lc_sim_sensor ch[LC_N774X_MAX];
	struct lc_sim_reset_hook preset;
};

/* The N774x allows +10..-30 dBm ranges and 1 µs..10 s averaging [S6][S7][S9b]; LabExT's 0.2 s default
 * averaging time is UNCONFIRMED but the only figure published. Its floor is about -80 dBm. */
static const struct lc_sim_sensor_spec n774x_spec = {
	.atime_min = 1e-6, .atime_max = 10, .atime_def = 0.2,
	.range_min = -30, .range_max = 10,
	.floor_dbm = -80,
	.wav_min = 800e-9, .wav_max = 1700e-9, .wav_def = 1550e-9,
	.has_gain_auto = true,
};

static struct lc_sim_sensor *at(struct lc_sim_sensor_host *h, lc_sim_call *c, int slot, int chan, int *err)
{
	/* "The suffix <n> is the channel (the slot), and CHANnel is always 1" */
	if (slot < 1 || slot > h->n_sensors || chan != 1) {
		*err = lc_sim_fail(c, -114, "channel %d (CHAN%d) of %d", slot, chan, h->n_sensors);
		return NULL;
	}
	return &h->sensors[slot - 1];
}

static void reset(void *user)
{
	struct n774x *m = user;
	for (int i = 0; i < m->host.n_sensors; i++)
		lc_sim_sensor_reset(&m->ch[i], &n774x_spec);
}

static void destroy(void *state)
{
	struct n774x *m = state;
	if (!m)
		return;
	for (int i = 0; i < LC_N774X_MAX; i++)
		lc_sim_sensor_free(&m->ch[i]);
	free(m);
}

static int create(const lc_sim_inst_config *cfg, const char *model, int channels, lc_sim_scpi **engine,
		  void **state, lc_diag *diag)
{
	*engine = NULL;
	struct n774x *m = calloc(1, sizeof(*m));
	if (!m)
		return LC_ERR_NOMEM;
	m->host = (struct lc_sim_sensor_host){.world = cfg->world, .clock = cfg->clock, .spec = &n774x_spec,
					      .sensors = m->ch, .n_sensors = channels, .at = at, .user = m};
	for (int i = 0; i < channels; i++) {
		snprintf(m->ch[i].port, sizeof(m->ch[i].port), "%s:%d", cfg->role, i + 1);
		m->ch[i].slot = i + 1;
		m->ch[i].chan = 1;
		m->ch[i].present = true;
		lc_sim_sensor_reset(&m->ch[i], &n774x_spec);
	}
	/* *IDN? per the family pattern "Keysight Technologies,<model>,<serial>,<fw>" (exact N774x string
	 * UNCONFIRMED; the sibling N7786C answers "...,V2.022"). */
	int rc = lc_sim_engine_new(cfg, "Keysight Technologies", model, "V1.122", reset, m, engine, diag);
	if (!rc)
		rc = lc_sim_sensor_register(*engine, &m->host, diag);
	if (!rc)
		rc = lc_sim_add_keysight_errors(*engine, diag);
	m->preset = (struct lc_sim_reset_hook){reset, m};
	if (!rc)
		rc = lc_sim_add_keysight_system(*engine, &m->preset, diag);
	if (rc) {
		if (*engine)
			lc_sim_scpi_destroy(*engine);
		*engine = NULL;
		destroy(m);
		return rc;
	}
	*state = m;
	return 0;
}

static int create_n7744c(const lc_sim_inst_config *cfg, lc_sim_scpi **e, void **st, lc_diag *d)
{
	return create(cfg, "N7744C", 4, e, st, d);
}

static int create_n7745c(const lc_sim_inst_config *cfg, lc_sim_scpi **e, void **st, lc_diag *d)
{
	return create(cfg, "N7745C", 8, e, st, d);
}

const lc_sim_inst_kind lc_sim_kind_keysight_n7744c = {
	.name = "keysight_n7744c", .summary = "Keysight N7744C 4-channel optical power meter",
	.instrument_class = "power_meter", .transport = LC_SIM_TR_VXI11,
	.create = create_n7744c, .destroy = destroy,
};

const lc_sim_inst_kind lc_sim_kind_keysight_n7745c = {
	.name = "keysight_n7745c", .summary = "Keysight N7745C 8-channel optical power meter",
	.instrument_class = "power_meter", .transport = LC_SIM_TR_VXI11,
	.create = create_n7745c, .destroy = destroy,
};
