/*
 * Simulated module memories of the DUT (kind "cmis_module"): every end of the cable — end A and each leg of
 * end B — is a module at I2C address 0x50 behind the I2C service's mux (sim/net/i2c_service.h):
 * channel 0 = end A, channel n = leg n of end B (B for a straight cable). CMIS for QSFP-DD, OSFP, QSFP112 and
 * QSFP56 ends, SFF-8636 for QSFP28 ends (inst_module_mem.c). A QSFP28 AOC end whose cable type gives it
 * "host_lanes": 4 has a DSP: its memory says 4 x 25G NRZ to the host (SFF-8636 byte 192 = 0x18) while its
 * monitors show its media lanes.
 *
 * The DOM follows the world: Rx power of lane k is the far module's launch power less the DUT's loss on the
 * path that lands on lane k (lc_sim_world_dut_loss, defects included; a broken fiber is dark); the far
 * module's Tx disable bit for that lane darkens it; the module temperature is the world's for that end (the
 * scenario's over_temperature defect). A passive copper cable (DAC) has flat memory and no monitors.
 *
 * Options: "cable" (required: the cable type the memories are programmed for, normally the DUT's — another
 * simulates a mis-programmed module), "dut_serial" (serial numbers are DUT_SERIAL-LABEL, default the
 * instrument serial), "vendor" (default "LANECERT SIM"), "tx_dbm" (launch power per lane, default -1.0),
 * "bias_ma" (default 7.5), "power_class" and "max_power_w" (what the CMIS AOC ends declare, default class 5
 * and 9 W; another pair simulates a module programmed over its class), "length_m_<LABEL>" (the assembly
 * length one end of an AOC or DAC declares, default the cable type's: another figure is an end of another
 * assembly).
 *
 * A fiber DUT (a breakout harness) has no modules of its own: options "near" and "far" plug separate optics
 * into it, transceiver types of fixtures/cables ("near": the module on end A's connector, "far": the one on
 * every leg, "far_B3": another on leg B3), as an installed DR4 -> 4 x DR1 link has them. Their memories carry
 * the media codes of their PMD (optic_codes below), their monitors follow the world as above. "far_cmis": true
 * makes the QSFP28 optics on the legs CMIS-managed modules (identifier 0x1E) instead of SFF-8636 ones; on an
 * AOC breakout it does the same for the QSFP28 leg ends, whose DSP then advertises CAUI-4 with RS(528,514) FEC
 * (host code 0x42) over its 2 media lanes (inst_module_mem.c).
 *
 * Every paged CMIS module has the diagnostics pages 13h/14h (PRBS generators and checkers,
 * inst_module_diag.c) unless "prbs": false (all) or "prbs_<LABEL>": false (one end) says it has none.
 *
 * The world's BERT lanes do not see a module's Tx disable (lc_sim_world has no per-lane laser state yet): a
 * disabled lane darkens the far module's Rx power and LOS, not the simulated BERT's sync.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixtures/channel.h"
#include "fixtures/link_lanes.h"
#include "sim/net/i2c_service.h"
#include "sim/inst/inst_kind.h"
#include "sim/inst/inst_module_priv.h"
#include "sim/inst/inst_util.h"

struct mod_state {
	struct sim_modules mods;
	lc_sim_i2c_service *svc;
};

static int end_index(const struct sim_modules *m, unsigned end, unsigned leg, const unsigned *legs0)
{
	/* ends[0] = A (leg 0 of end 0), ends[1 + leg] = legs of end B */
	if (end == 0)
		return leg == 0 ? 0 : -1;
	int i = 1 + (int)leg;
	(void)legs0;
	return i < (int)m->n ? i : -1;
}

static int identify(struct sim_mod_end *e, enum lc_form_factor ff, const char *where, lc_diag *diag)
{
	switch (ff) {
	case LC_FF_QSFP_DD:
		e->identifier = 0x18;
		break;
	case LC_FF_OSFP:
		e->identifier = 0x19;
		break;
	case LC_FF_QSFP112:
	case LC_FF_QSFP56: /* QSFP56 modules use CMIS with the "QSFP+ or later with CMIS" identifier */
		e->identifier = 0x1E;
		break;
	case LC_FF_QSFP28:
		e->identifier = 0x11;
		break;
	case LC_FF_QSFP_PLUS:
		e->identifier = 0x0D;
		break;
	default:
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: end %s has form factor %s, not a QSFP/OSFP module", where,
				   e->label, lc_form_factor_name(ff));
	}
	e->cmis = e->identifier != 0x11 && e->identifier != 0x0D;
	return 0;
}

/*
 * The optics a fiber DUT links (a DR4 or DR8 module on the MPO of a breakout harness, a DR1 module on each
 * leg): the media and host interface codes their memories carry, by the PMD of the transceiver's cable type.
 * CMIS SMF codes and SFF-8636 byte 192 codes from domain-facts §1c ([SONIC-8024]); the host interface of a
 * CMIS optic is the 400GAUI-8 code of §1c, its breakout legs the 100GAUI-2 host code of compat_media.def.
 * The 800G rows are not in the reference: 800GBASE-DR8 (SMF 0x56), 800GAUI-8 S (host 0x51) and 100GAUI-1-S
 * (host 0x4B, a DR8 leg's one host lane) from public SFF-8024 implementations cited in
 * instruments/module/sff8024.def. A PMD not in this table is refused rather than given a made-up code.
 */
struct optic_code {
	const char *pmd;
	uint8_t cmis_media, sff_ext; /* 0 = no code in the sources for that memory map */
	uint8_t host_code;           /* CMIS: host interface of the full-width application */
	unsigned host_lanes;         /* CMIS: host lanes of the full-width application */
	struct sim_mod_breakout brk[SIM_MOD_BREAKOUTS]; /* CMIS: the narrower applications it breaks out to */
};

/* The breakouts: a DR4's 4 x 100GBASE-DR on 100GAUI-2; a DR8's 2 x 400GBASE-DR4 on 400GAUI-4-S (host 0x4F,
 * one source: sonic-platform-common, sff8024.def) and 8 x 100GBASE-DR on 100GAUI-1-S. */
static const struct optic_code optic_codes[] = {
	{"400GBASE-DR4", 0x1C, 0, 0x11, 8, {{4, 0x0D, 2, 0x14, 1}}},
	{"800GBASE-DR8", 0x56, 0, 0x51, 8, {{2, 0x4F, 4, 0x1C, 4}, {8, 0x4B, 1, 0x14, 1}}},
	{"100GBASE-DR", 0x14, 0x25, 0x0D, 2, {{0}}},
	{"100GBASE-FR1", 0x15, 0x26, 0x0D, 2, {{0}}},
};

static const struct optic_code *optic_of(const char *pmd)
{
	for (size_t i = 0; i < sizeof(optic_codes) / sizeof(optic_codes[0]); i++)
		if (!strcasecmp(optic_codes[i].pmd, pmd))
			return &optic_codes[i];
	return NULL;
}

/* Fill end e as the transceiver of cable type `type` (a "transceiver" file of fixtures/cables). */
static int optic_end(struct sim_mod_end *e, const char *type, bool cmis_qsfp28, const lc_sim_inst_config *cfg,
		     lc_diag *diag)
{
	lc_channel *tc;
	int rc = lc_channel_load(type, NULL, &tc, diag);
	if (rc < 0) {
		lc_diag_prefix(diag, "%s.options: module of end %s: ", cfg->where, e->label);
		return rc;
	}
	const lc_component *c = lc_channel_component_count(tc) == 1 ? lc_channel_component(tc, 0) : NULL;
	if (!c || c->kind != LC_COMP_TRANSCEIVER) {
		rc = lc_diag_set(diag, LC_ERR_FORMAT, "%s.options: module of end %s: %s is not a transceiver", cfg->where,
				 e->label, type);
		goto out;
	}
	const struct optic_code *oc = optic_of(c->pmd);
	if ((rc = identify(e, c->conn[0].form_factor, cfg->where, diag)) < 0)
		goto out;
	if (cmis_qsfp28 && e->identifier == 0x11) {
		/* a QSFP28 optic managed by CMIS: SFF-8024's "QSFP+ or later with CMIS" identifier, as QSFP56 */
		e->identifier = 0x1E;
		e->cmis = true;
	}
	if (!oc || (e->cmis ? oc->cmis_media : oc->sff_ext) == 0) {
		rc = lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s.options: module of end %s: %s (%s) has no media code "
				 "lanecert's reference gives for its memory map", cfg->where, e->label, type, c->pmd);
		goto out;
	}
	e->optic = true;
	e->media_code = e->cmis ? oc->cmis_media : oc->sff_ext;
	e->host_code = oc->host_code;
	memcpy(e->brk, oc->brk, sizeof(e->brk));
	e->host_app_lanes = oc->host_lanes;
	/* SFF-8024 connector codes (sff8024.def): an MPO of 16 fibers is MPO 1x16, a smaller one MPO 1x12 */
	e->connector = c->conn[1].type != LC_CONN_MPO ? 0x07 : c->conn[1].fibers > 12 ? 0x28 : 0x0C;
	e->nm = c->wavelength_nm > 0 ? c->wavelength_nm : 1310;
	snprintf(e->pn, sizeof(e->pn), "%.16s", type);
out:
	lc_channel_free(tc);
	return rc;
}

/* End i of the modules (0: end A, then B's legs in order): its label, position and identity (vendor, a serial
 * made of the scenario's and the label), with no lane routed yet. */
static struct sim_mod_end *init_end(struct sim_modules *m, size_t i, const lc_channel *ch, const char *vendor,
				    const char *serial, unsigned legs_b)
{
	struct sim_mod_end *e = &m->ends[i];
	unsigned end = i == 0 ? 0 : 1, leg = i == 0 ? 0 : (unsigned)i - 1;
	/* The label as stored, kept in a local for the serial below: formatting from e->label into e->sn makes
	 * gcc -O0 -Wrestrict take the two members of *m for one overlapping object. */
	char label[sizeof(e->label)];
	snprintf(label, sizeof(label), "%s", lc_channel_leg_label(ch, end, leg));
	memcpy(e->label, label, sizeof(label));
	e->end = end ? 'B' : 'A';
	e->channel = (int)i;
	e->far_legs = end == 0 ? legs_b : 1;
	e->breakout_near = end == 0 && legs_b > 1;
	e->all = m;
	snprintf(e->vendor, sizeof(e->vendor), "%s", vendor);
	snprintf(e->sn, sizeof(e->sn), "%.*s-%s", (int)(15 - strlen(label)), serial, label);
	for (int k = 0; k < SIM_MOD_LANES; k++)
		e->far_end[k] = e->far_lane[k] = e->src_end[k] = e->src_lane[k] = -1;
	return e;
}

/* Options "prbs" (every CMIS module advertises PRBS generators and checkers, pages 13h/14h; default true) and
 * "prbs_<LABEL>" for one end ("prbs_B2": false, a leg whose module has no diagnostics). */
static int diag_options(struct sim_modules *m, const lc_sim_inst_config *cfg, lc_diag *diag)
{
	bool all;
	int rc = lc_sim_opt_bool(cfg, "prbs", true, &all, diag);
	for (size_t i = 0; i < m->n && rc >= 0; i++) {
		char key[24];
		snprintf(key, sizeof(key), "prbs_%s", m->ends[i].label);
		rc = lc_sim_opt_bool(cfg, key, all, &m->ends[i].diag, diag);
	}
	return rc;
}

/*
 * A fiber DUT (a breakout harness) with a module plugged into each end: options "near" (the transceiver at
 * end A) and "far" (the one on every leg of end B), "far_<LEG>" for one leg ("far_B3": an FR1 where a DR1
 * belongs). The lanes are the harness's design (fixtures/link_lanes.h, as the link procedures number them):
 * lane k of the near module is the k-th path into end B, received on its leg's lane j (one lane per LC leg,
 * four per MPO-12 leg of a 2 x DR4 harness) and returned on that leg's j-th path back; where the light really
 * lands is the world's business (swapped legs, a dirty leg, a broken fiber), read in inst_module_mem.c.
 */
static int build_optics(struct mod_state *st, const lc_sim_inst_config *cfg, const lc_channel *ch, const char *vendor,
			const char *serial, lc_diag *diag)
{
	const char *near, *far;
	bool far_cmis;
	int rc;
	if ((rc = lc_sim_opt_string(cfg, "near", NULL, &near, diag)) < 0 ||
	    (rc = lc_sim_opt_string(cfg, "far", NULL, &far, diag)) < 0 ||
	    (rc = lc_sim_opt_bool(cfg, "far_cmis", false, &far_cmis, diag)) < 0)
		return rc;
	if (!near || !far)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s.options.cable: %s is not an AOC or DAC (its ends are not "
				   "modules): name the modules plugged into it with \"near\" and \"far\"", cfg->where,
				   lc_channel_name(ch));
	struct sim_modules *m = &st->mods;
	unsigned legs_b = lc_channel_leg_count(ch, 1), per_leg[LC_LINK_LANES_MAX];
	lc_link_lane lanes[SIM_MOD_LANES];
	int nl = lc_link_lanes(ch, lanes, SIM_MOD_LANES, per_leg);
	if (nl <= 0 || 1 + legs_b > SIM_MOD_MAX_ENDS)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: %u x %u legs (%d lanes) are not simulated", cfg->where,
				   lc_channel_leg_count(ch, 0), legs_b, nl);
	m->n = 1 + legs_b;
	for (size_t i = 0; i < m->n; i++) {
		struct sim_mod_end *e = init_end(m, i, ch, vendor, serial, legs_b);
		unsigned end = e->end == 'B';
		const char *type = end == 0 ? near : far;
		char key[24];
		snprintf(key, sizeof(key), "far_%s", e->label);
		if (end == 1 && (rc = lc_sim_opt_string(cfg, key, far, &type, diag)) < 0)
			return rc;
		if ((rc = optic_end(e, type, end == 1 && far_cmis, cfg, diag)) < 0)
			return rc;
		e->lanes = end == 0 ? (unsigned)nl : per_leg[i - 1];
	}
	struct sim_mod_end *a = &m->ends[0];
	for (int k = 0; k < nl; k++) {
		const lc_link_lane *ln = &lanes[k];
		struct sim_mod_end *b = &m->ends[1 + ln->leg];
		unsigned j = ln->leg_lane;
		const lc_map_entry *fw = lc_channel_map(ch, (size_t)ln->fwd);
		snprintf(a->tx_port[k], sizeof(a->tx_port[k]), "%s", lc_channel_port(ch, fw->from_port)->name);
		snprintf(b->rx_port[j], sizeof(b->rx_port[j]), "%s", lc_channel_port(ch, fw->to_port)->name);
		a->far_end[k] = 1 + (int)ln->leg;
		a->far_lane[k] = (int)j;
		b->src_end[j] = 0;
		b->src_lane[j] = k;
		if (ln->back < 0)
			continue;
		const lc_map_entry *bk = lc_channel_map(ch, (size_t)ln->back);
		snprintf(b->tx_port[j], sizeof(b->tx_port[j]), "%s", lc_channel_port(ch, bk->from_port)->name);
		snprintf(a->rx_port[k], sizeof(a->rx_port[k]), "%s", lc_channel_port(ch, bk->to_port)->name);
		b->far_end[j] = 0;
		b->far_lane[j] = k;
		a->src_end[k] = 1 + (int)ln->leg;
		a->src_lane[k] = (int)j;
	}
	if ((rc = diag_options(m, cfg, diag)) < 0)
		return rc;
	for (size_t i = 0; i < m->n; i++)
		lc_sim_mod_build(&m->ends[i], m);
	return 0;
}

static int build(struct mod_state *st, const lc_sim_inst_config *cfg, const lc_channel *ch, const char *vendor,
		 const char *serial, lc_diag *diag)
{
	const lc_component *c = NULL;
	for (size_t i = 0; i < lc_channel_component_count(ch); i++) {
		const lc_component *x = lc_channel_component(ch, i);
		if (x->kind == LC_COMP_AOC || x->kind == LC_COMP_DAC)
			c = x;
	}
	if (!c)
		return build_optics(st, cfg, ch, vendor, serial, diag);
	struct sim_modules *m = &st->mods;
	unsigned legs_b = lc_channel_leg_count(ch, 1);
	if (lc_channel_leg_count(ch, 0) != 1 || legs_b < 1 || 1 + legs_b > SIM_MOD_MAX_ENDS)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: %u x %u legs are not simulated", cfg->where,
				   lc_channel_leg_count(ch, 0), legs_b);
	bool far_cmis;
	int orc = lc_sim_opt_bool(cfg, "far_cmis", false, &far_cmis, diag);
	if (orc < 0)
		return orc;
	m->n = 1 + legs_b;
	for (size_t i = 0; i < m->n; i++) {
		struct sim_mod_end *e = init_end(m, i, ch, vendor, serial, legs_b);
		unsigned end = e->end == 'B';
		e->copper = c->kind == LC_COMP_DAC;
		e->flat = e->copper;
		e->host_lanes = c->host_lanes[end];
		e->nm = c->wavelength_nm > 0 ? c->wavelength_nm : 850;
		e->length_m = c->length_m;
		snprintf(e->pn, sizeof(e->pn), "%.16s", lc_channel_name(ch));
		int rc = identify(e, c->conn[end].form_factor, cfg->where, diag);
		if (rc < 0)
			return rc;
		bool qsfp28 = e->identifier == 0x11;
		if (end == 1 && far_cmis && qsfp28 && !e->copper) {
			/* a CMIS-managed QSFP28 AOC leg: "QSFP+ or later with CMIS", as the DR1 optics above */
			e->identifier = 0x1E;
			e->cmis = true;
		}
		/* A DSP end presenting 4 host lanes is a QSFP28 end of a 100G leg: SFF-8636 byte 192 0x18, or with CMIS
		 * the CAUI-4 host code (inst_module_mem.c). Other conversions' codes are not simulated: refused rather
		 * than made up. */
		if (e->host_lanes && (e->host_lanes != 4 || (e->cmis && !qsfp28)))
			return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: end %s presents %u host lanes through a DSP: only a "
					   "QSFP28 end with 4 is simulated", cfg->where, e->label, e->host_lanes);
	}
	/* lanes from the channel's ports: lane k of a leg is "<leg>:tx<k>" / "<leg>:rx<k>" */
	for (size_t p = 0; p < lc_channel_port_count(ch); p++) {
		const lc_port *pt = lc_channel_port(ch, p);
		int ei = end_index(m, pt->end, pt->leg, NULL);
		if (ei < 0 || pt->lane < 1 || pt->lane > SIM_MOD_LANES)
			continue;
		struct sim_mod_end *e = &m->ends[ei];
		unsigned k = pt->lane - 1;
		if (pt->role == LC_ROLE_TX) {
			snprintf(e->tx_port[k], sizeof(e->tx_port[k]), "%s", pt->name);
			if (pt->lane > e->lanes)
				e->lanes = pt->lane;
			int to = lc_channel_route(ch, pt->name, NULL);
			if (to >= 0) {
				const lc_port *tp = lc_channel_port(ch, (size_t)to);
				int fe = end_index(m, tp->end, tp->leg, NULL);
				if (fe >= 0 && tp->lane >= 1 && tp->lane <= SIM_MOD_LANES) {
					e->far_end[k] = fe;
					e->far_lane[k] = (int)tp->lane - 1;
					m->ends[fe].src_end[tp->lane - 1] = ei;
					m->ends[fe].src_lane[tp->lane - 1] = (int)k;
				}
			}
		} else if (pt->role == LC_ROLE_RX) {
			snprintf(e->rx_port[k], sizeof(e->rx_port[k]), "%s", pt->name);
		}
	}
	int drc = diag_options(m, cfg, diag);
	for (size_t i = 0; i < m->n && drc >= 0; i++) {
		/* "length_m_<LABEL>": the assembly length one end declares (byte 146 / SFF-8636 byte 146), as an end
		 * of another assembly would: the ends of one cable should agree */
		char key[32];
		snprintf(key, sizeof(key), "length_m_%s", m->ends[i].label);
		drc = lc_sim_opt_double(cfg, key, m->ends[i].length_m, 0, 255, &m->ends[i].length_m, diag);
	}
	if (drc < 0)
		return drc;
	for (size_t i = 0; i < m->n; i++)
		lc_sim_mod_build(&m->ends[i], m);
	return 0;
}

static void destroy(void *p)
{
	struct mod_state *st = p;
	if (!st)
		return;
	lc_sim_i2c_service_free(st->svc);
	free(st);
}

static int create(const lc_sim_inst_config *cfg, lc_sim_scpi **engine, void **state, lc_diag *diag)
{
	const char *cable, *vendor, *serial;
	double tx_dbm, bias, pclass, pmax;
	int rc;
	if ((rc = lc_sim_opt_string(cfg, "cable", NULL, &cable, diag)) < 0 ||
	    (rc = lc_sim_opt_string(cfg, "vendor", "LANECERT SIM", &vendor, diag)) < 0 ||
	    (rc = lc_sim_opt_string(cfg, "dut_serial", cfg->serial, &serial, diag)) < 0 ||
	    (rc = lc_sim_opt_double(cfg, "tx_dbm", -1.0, -20, 10, &tx_dbm, diag)) < 0 ||
	    (rc = lc_sim_opt_double(cfg, "bias_ma", 7.5, 0, 130, &bias, diag)) < 0 ||
	    (rc = lc_sim_opt_double(cfg, "power_class", 5, 1, 8, &pclass, diag)) < 0 ||
	    (rc = lc_sim_opt_double(cfg, "max_power_w", 9, 0, 63.75, &pmax, diag)) < 0)
		return rc;
	if (pclass != floor(pclass))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s.options.power_class: %g is not a class number 1..8", cfg->where,
				   pclass);
	if (!cable)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s.options.cable: required (the cable type the modules are "
				   "programmed for)", cfg->where);
	lc_channel *ch;
	if ((rc = lc_channel_load(cable, NULL, &ch, diag)) < 0) {
		lc_diag_prefix(diag, "%s.options.cable: ", cfg->where);
		return rc;
	}
	struct mod_state *st = calloc(1, sizeof(*st));
	if (!st) {
		lc_channel_free(ch);
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	}
	st->mods.world = cfg->world;
	st->mods.tx_dbm = tx_dbm;
	st->mods.bias_ma = bias;
	st->mods.power_class = (int)pclass;
	st->mods.max_power_w = pmax;
	rc = build(st, cfg, ch, vendor, serial, diag);
	lc_channel_free(ch);
	if (rc >= 0)
		rc = lc_sim_engine_new(cfg, "LANECERT", "SIM-I2C", "1.0", NULL, NULL, engine, diag);
	if (rc < 0) {
		destroy(st);
		return rc;
	}
	if ((rc = lc_sim_i2c_service_create(*engine, &st->svc, diag)) >= 0)
		for (size_t i = 0; i < st->mods.n && rc >= 0; i++) {
			lc_sim_i2c_device d = {lc_sim_mod_write, lc_sim_mod_read, &st->mods.ends[i]};
			rc = lc_sim_i2c_service_attach(st->svc, st->mods.ends[i].channel, 0x50, &d, diag);
		}
	if (rc < 0) {
		lc_sim_scpi_destroy(*engine);
		*engine = NULL;
		destroy(st);
		return rc;
	}
	*state = st;
	return 0;
}

/* "A:0,B1:1,B2:2,...": which mux channel holds which end, written into the station as the instrument's
 * layout so a procedure knows where each end is. */
static int layout(void *p, char *buf, size_t cap)
{
	struct mod_state *st = p;
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < st->mods.n; i++) {
		int k = snprintf(buf + n, cap - n, "%s%s:%d", i ? "," : "", st->mods.ends[i].label, st->mods.ends[i].channel);
		if (k < 0 || (size_t)k >= cap - n)
			return LC_ERR_OVERFLOW;
		n += (size_t)k;
	}
	return (int)n;
}

const lc_sim_inst_kind lc_sim_kind_cmis_module = {
	.name = "cmis_module",
	.summary = "module memories of the DUT's ends (CMIS / SFF-8636) on an I2C service with a mux at 0x70",
	.instrument_class = "module",
	.transport = LC_SIM_TR_SOCKET,
	.real_port = 5025,
	.create = create,
	.layout = layout,
	.destroy = destroy,
};
