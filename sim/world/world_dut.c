/*
 * The DUT instance as physics: fixtures' channel model (expected map, per-path budget and events) turned into
 * what this particular cable does, defects included. The budget gives limits (worst allowed); a real, good
 * cable loses less, so each budget line is scaled to a typical value (mated pair ~35 % of its limit, splice
 * ~30 %, cabled fiber ~85 %, declared module loss ~60 %) plus a small per-path spread fixed by the seed.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixtures/budget.h"
#include "fixtures/dut.h"
#include "sim/world/world_dut.h"

#define MAX_LANES 64
#define LOSS_CACHE 128

struct lc_sim_dut {
	lc_dut *dut;
	lc_limits *lim;
	uint64_t seed;
	size_t tx[MAX_LANES], rx[MAX_LANES]; /* port indices of Tx lanes at end A, Rx lanes at end B */
	size_t n_tx, n_rx;
	bool thru; /* the operator took the DUT out and joined the cords as the design maps them (reference) */
	bool empty; /* nothing is plugged in the slot after the reference (scenario "slot_empty") */
	/* The slot's design, when it is another cable type than the DUT (a wrong part in the slot): what the
	 * operator follows to join the cords for a reference, which cannot depend on the cable plugged in
	 * afterwards. NULL: the DUT's own channel is the design. Owned. */
	lc_channel *design;
	/* Light crossing from a multimode into a single-mode fiber, and from single-mode into multimode (dB):
	 * rows of fixtures/limits (lanecert-fiber-mode-mismatch.json), read once. */
	double mm_into_sm_db, sm_into_mm_db;
	double apc_upc_db; /* an angled face mated to a flat one (world.apc_upc_mate.loss) */
	/* Typical losses already worked out, by (path, wavelength): a path's budget is the same on every read,
	 * and building it was 80 % of a power meter query's cost (about 70,000 of 89,000 instructions). Its own
	 * lock: readers of several worlds' slots may share one DUT. */
	pthread_mutex_t cache_mu;
	struct loss_entry {
		size_t path;
		double nm, loss;
	} cache[LOSS_CACHE];
	size_t n_cache;
};

/* Two reference-grade connectors mated through an adapter: what a thru costs instead of the DUT. Typical
 * value, well inside the 0.2 dB SM / 0.1 dB MM that TIA-526 recommends for reference-reference pairs. */
#define THRU_LOSS_DB 0.05

void lc_sim_dut_set_design(struct lc_sim_dut *d, lc_channel *design)
{
	lc_channel_free(d->design);
	d->design = design;
}

void lc_sim_dut_set_thru(struct lc_sim_dut *d, bool thru)
{
	d->thru = thru;
}

bool lc_sim_dut_is_thru(const struct lc_sim_dut *d)
{
	return d->thru;
}

void lc_sim_dut_set_empty(struct lc_sim_dut *d, bool empty)
{
	d->empty = empty;
}

bool lc_sim_dut_is_present(const struct lc_sim_dut *d)
{
	return d->thru || !d->empty;
}

void lc_sim_copy_str(char *dst, size_t cap, const char *src)
{
	if (cap == 0)
		return;
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static uint64_t mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

/* A fixed property of this cable (not a noise draw): the same value every time it is asked. */
static double fixed_uniform(const struct lc_sim_dut *d, uint64_t what)
{
	return (double)(mix(d->seed ^ mix(what)) >> 11) * (1.0 / 9007199254740992.0);
}

static const lc_channel *CH(const struct lc_sim_dut *d) { return d->dut->channel; }

static const char *leg_of(const char *port, char *buf, size_t cap)
{
	const char *colon = strchr(port, ':');
	size_t n = colon ? (size_t)(colon - port) : strlen(port);
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, port, n);
	buf[n] = '\0';
	return buf;
}

/* out = a + b, or "" when it does not fit (a port name that long is no port of the channel) */
static void join(char *out, size_t cap, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la + lb + 1 > cap) {
		out[0] = '\0';
		return;
	}
	memmove(out, a, la);
	memmove(out + la, b, lb + 1);
}

/* Swapped legs/ports relabel both ends of the swap: applying it twice gives the label back. */
static void apply_swaps(const struct lc_sim_dut *d, const char *in, char *out, size_t cap)
{
	lc_sim_copy_str(out, cap, in);
	for (size_t i = 0; i < d->dut->n_defects; i++) {
		const lc_defect *df = &d->dut->defects[i];
		if (df->kind != LC_DEFECT_SWAPPED)
			continue;
		char leg[LC_PORT_NAME_MAX];
		leg_of(out, leg, sizeof(leg));
		const char *colon = strchr(out, ':');
		bool legs = !strchr(df->port, ':') && !strchr(df->port2, ':');
		if (legs && colon) {
			char tail[LC_PORT_NAME_MAX];
			lc_sim_copy_str(tail, sizeof(tail), colon);
			if (!strcasecmp(leg, df->port))
				join(out, cap, df->port2, tail);
			else if (!strcasecmp(leg, df->port2))
				join(out, cap, df->port, tail);
		} else if (!legs) {
			if (!strcasecmp(out, df->port))
				lc_sim_copy_str(out, cap, df->port2);
			else if (!strcasecmp(out, df->port2))
				lc_sim_copy_str(out, cap, df->port);
		}
	}
}

/* Position map of a polarity on n positions (fixtures/types.h): A p->p, B p->n+1-p, C pairs flipped,
 * duplex A-to-B crosses (1<->2), A-to-A is straight. */
static unsigned polarity_map(enum lc_polarity p, unsigned pos, unsigned n)
{
	switch (p) {
	case LC_POLARITY_B:
		return n + 1 - pos;
	case LC_POLARITY_C:
		return pos % 2 ? pos + 1 : pos - 1;
	case LC_POLARITY_A_TO_B:
		return 3 - pos;
	default:
		return pos;
	}
}

/*
 * A component built with another polarity than its type: for the component at the chain's end-A side the
 * whole map becomes route(f_X(f_Y(p))) (both maps are involutions). Only that position is supported; the
 * scenario loader refuses a wrong-polarity defect elsewhere (see lc_sim_dut_new).
 */
static int apply_polarity(const struct lc_sim_dut *d, char *port, size_t cap)
{
	for (size_t i = 0; i < d->dut->n_defects; i++) {
		const lc_defect *df = &d->dut->defects[i];
		if (df->kind != LC_DEFECT_WRONG_POLARITY)
			continue;
		const lc_component *c = lc_channel_component(CH(d), 0);
		int idx = lc_channel_port_find(CH(d), port);
		if (!c || idx < 0)
			return idx < 0 ? idx : LC_ERR_STATE;
		const lc_port *p = lc_channel_port(CH(d), (size_t)idx);
		unsigned n = c->conn[0].positions ? c->conn[0].positions : c->conn[0].fibers;
		unsigned pos = polarity_map(c->polarity, polarity_map(df->polarity, p->position, n), n);
		/* the same leg, at the new position */
		for (size_t k = 0; k < lc_channel_port_count(CH(d)); k++) {
			const lc_port *q = lc_channel_port(CH(d), k);
			if (q->end == p->end && q->leg == p->leg && q->position == pos) {
				snprintf(port, cap, "%s", q->name);
				break;
			}
		}
	}
	return 0;
}

static bool defect_on(const struct lc_sim_dut *d, const lc_defect *df, const char *port)
{
	int idx = lc_channel_port_find(CH(d), port);
	return idx >= 0 && lc_defect_touches_port(df, CH(d), (size_t)idx);
}

/* Typical loss of one path: the budget's lines scaled from limits to what a good cable shows. */
static int typical_loss_compute(const struct lc_sim_dut *d, size_t path, double nm, double *loss)
{
	lc_budget b;
	int rc = lc_channel_path_budget(CH(d), d->lim, path, nm, &b, NULL);
	if (rc == LC_ERR_UNSUPPORTED) { /* AOC / DAC: no optical path to measure from outside */
		*loss = 0;
		return 0;
	}
	if (rc == LC_ERR_NOT_FOUND) {
		/* Light of a wavelength the type has no attenuation row for (1550 nm in a multimode part on a
		 * single-mode bench) still crosses it: its budget at the nearest wavelength the type is tested at
		 * stands in. A few metres of fiber lose hundredths of a dB either way; what such a part loses is at
		 * its junctions with the bench's cords (lc_sim_dut_junction_loss). */
		double wl[8], best = NAN;
		size_t n = lc_channel_wavelengths(CH(d), wl, 8);
		for (size_t i = 0; i < n && i < 8; i++)
			if (isnan(best) || fabs(wl[i] - nm) < fabs(best - nm))
				best = wl[i];
		if (!isnan(best) && best != nm)
			rc = lc_channel_path_budget(CH(d), d->lim, path, best, &b, NULL);
	}
	if (rc < 0)
		return rc;
	double sum = 0;
	for (size_t i = 0; i < b.count; i++) {
		static const double scale[] = {[LC_BUDGET_MATED_PAIR] = 0.35, [LC_BUDGET_SPLICE] = 0.3,
					       [LC_BUDGET_FIBER] = 0.85, [LC_BUDGET_MODULE] = 0.6};
		unsigned k = b.items[i].kind;
		sum += b.items[i].loss_db * (k < sizeof(scale) / sizeof(scale[0]) ? scale[k] : 1.0);
	}
	/* ±0.04 dB spread between fibers of one cable, fixed for a seed */
	sum += 0.08 * (fixed_uniform(d, 0x10000 + path) - 0.5);
	*loss = sum > 0 ? sum : 0;
	return 0;
}

/* typical_loss_compute, remembered: the budget depends only on the path and the wavelength (the channel, the
 * limits and the seed are fixed for the DUT's life), so a remembered value is exactly the computed one. */
static int typical_loss(struct lc_sim_dut *d, size_t path, double nm, double *loss)
{
	pthread_mutex_lock(&d->cache_mu);
	for (size_t i = 0; i < d->n_cache; i++)
		if (d->cache[i].path == path && d->cache[i].nm == nm) {
			*loss = d->cache[i].loss;
			pthread_mutex_unlock(&d->cache_mu);
			return 0;
		}
	pthread_mutex_unlock(&d->cache_mu);
	int rc = typical_loss_compute(d, path, nm, loss);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&d->cache_mu);
	if (d->n_cache < LOSS_CACHE) /* past that (a sweep over many wavelengths), computed every time */
		d->cache[d->n_cache++] = (struct loss_entry){path, nm, *loss};
	pthread_mutex_unlock(&d->cache_mu);
	return 0;
}

int lc_sim_dut_cross(struct lc_sim_dut *d, const char *port, double nm, char *other, size_t cap, double *loss_db)
{
	char phys[LC_PORT_NAME_MAX];
	if (d->thru) {
		/* No cable, no defects: each launch cord meets the receive cord the slot's design says it should. */
		const lc_channel *design = d->design ? d->design : CH(d);
		int to = lc_channel_route(design, port, NULL);
		if (to < 0)
			return LC_ERR_NOT_FOUND;
		lc_sim_copy_str(other, cap, lc_channel_port(design, (size_t)to)->name);
		*loss_db = THRU_LOSS_DB;
		return 0;
	}
	apply_swaps(d, port, phys, sizeof(phys));
	int rc = apply_polarity(d, phys, sizeof(phys));
	if (rc < 0)
		return LC_ERR_NOT_FOUND;
	size_t mi;
	int to = lc_channel_route(CH(d), phys, &mi);
	if (to < 0)
		return LC_ERR_NOT_FOUND;
	const lc_map_entry *me = lc_channel_map(CH(d), mi);
	const char *exit_phys = lc_channel_port((CH(d)), (size_t)to)->name;
	char exit_label[LC_PORT_NAME_MAX];
	apply_swaps(d, exit_phys, exit_label, sizeof(exit_label));
	double loss;
	if ((rc = typical_loss(d, me->path, nm, &loss)) < 0)
		return rc;
	for (size_t i = 0; i < d->dut->n_defects; i++) {
		const lc_defect *df = &d->dut->defects[i];
		bool on = defect_on(d, df, me->from) || defect_on(d, df, me->to);
		if (!on)
			continue;
		if (df->kind == LC_DEFECT_FIBER_BREAK)
			return LC_ERR_NOT_FOUND;
		if (df->kind == LC_DEFECT_DIRTY_CONNECTOR)
			loss += df->loss_db;
		/* A UPC ferrule in an APC connector: the angled face and the flat one leave a gap; the world's row
		 * (world.apc_upc_mate.loss, UNCONFIRMED) unless the scenario says */
		if (df->kind == LC_DEFECT_APC_UPC_MATE)
			loss += isnan(df->loss_db) ? d->apc_upc_db : df->loss_db;
	}
	lc_sim_copy_str(other, cap, exit_label);
	*loss_db = loss;
	return 0;
}

/* The polish the DUT's connector at port idx is made with (its end's component), defects aside. */
static enum lc_sim_polish design_polish(const struct lc_sim_dut *d, size_t idx)
{
	const lc_port *p = lc_channel_port(CH(d), idx);
	size_t nc = lc_channel_component_count(CH(d));
	const lc_component *c = lc_channel_component(CH(d), p->end == 0 ? 0 : nc - 1);
	if (!c)
		return LC_SIM_POLISH_NONE;
	enum lc_polish pol = c->conn[p->end == 0 || c->legs[1] == 0 ? 0 : 1].polish;
	return pol == LC_POLISH_APC ? LC_SIM_POLISH_APC : pol == LC_POLISH_UPC ? LC_SIM_POLISH_UPC : LC_SIM_POLISH_NONE;
}

enum lc_sim_polish lc_sim_dut_polish(struct lc_sim_dut *d, const char *port, double *reflectance_db)
{
	*reflectance_db = NAN;
	int idx = lc_channel_port_find(CH(d), port);
	if (idx < 0)
		return LC_SIM_POLISH_NONE;
	enum lc_sim_polish out = design_polish(d, (size_t)idx);
	for (size_t i = 0; i < d->dut->n_defects; i++) {
		const lc_defect *df = &d->dut->defects[i];
		if (!lc_defect_touches_port(df, CH(d), (size_t)idx))
			continue;
		if (df->kind == LC_DEFECT_APC_UPC_MATE)
			out = out == LC_SIM_POLISH_APC ? LC_SIM_POLISH_UPC : LC_SIM_POLISH_APC;
		if ((df->kind == LC_DEFECT_APC_UPC_MATE || df->kind == LC_DEFECT_DIRTY_CONNECTOR) &&
		    !isnan(df->reflectance_db))
			*reflectance_db = df->reflectance_db;
	}
	return out;
}

/* The fiber mode of the DUT at a port: the component at that port's end (a chain's first or last). */
static enum lc_fiber_mode port_mode(const struct lc_sim_dut *d, const char *port)
{
	int idx = lc_channel_port_find(CH(d), port);
	size_t nc = lc_channel_component_count(CH(d));
	if (idx < 0 || nc == 0)
		return LC_MODE_NONE;
	const lc_component *c = lc_channel_component(CH(d), lc_channel_port(CH(d), (size_t)idx)->end == 0 ? 0 : nc - 1);
	return c ? c->mode : LC_MODE_NONE;
}

/*
 * A multimode core (50 um, about a hundred modes) does not fit its light into the one mode of a single-mode
 * fiber: most of it is lost where an MM fiber feeds an SM one. The other way, the SM mode field (about 9 um)
 * lands inside the MM core and little is lost. So a part of the wrong fiber type loses heavily at one of its
 * two junctions with the station's cords, whichever way the light runs.
 */
double lc_sim_dut_junction_loss(const struct lc_sim_dut *d, const char *port, enum lc_fiber_mode cord, bool into_dut)
{
	enum lc_fiber_mode dut = d->thru ? LC_MODE_NONE : port_mode(d, port);
	if (cord == LC_MODE_NONE || dut == LC_MODE_NONE || cord == dut)
		return 0;
	enum lc_fiber_mode from = into_dut ? cord : dut;
	return from == LC_MODE_MM ? d->mm_into_sm_db : d->sm_into_mm_db;
}

/*
 * An angled (APC) face mated to a flat (UPC) one cannot close: the gap between them costs light on every
 * fiber through the pair, besides the reflection (pair_rl_db in world.c). A station cord of one polish in the
 * DUT's connector of the other loses the world's row world.apc_upc_mate.loss (UNCONFIRMED, vendor figure);
 * a cord or connector of unstated polish is taken to match. The DUT's own mismatch (the apc_upc_mate defect)
 * is priced where the fiber crosses the DUT, against the design's polish here, so it is not counted twice.
 */
double lc_sim_dut_polish_loss(const struct lc_sim_dut *d, const char *port, enum lc_sim_polish cord)
{
	int idx = d->thru ? -1 : lc_channel_port_find(CH(d), port);
	if (idx < 0 || cord == LC_SIM_POLISH_NONE)
		return 0;
	enum lc_sim_polish dp = design_polish(d, (size_t)idx);
	return dp != LC_SIM_POLISH_NONE && dp != cord ? d->apc_upc_db : 0;
}

/* A figure of fixtures/limits, or the shipped file's value when a custom fixtures folder lacks the row. */
static double world_row(const lc_limits *lim, const char *id, double dflt)
{
	const lc_limit *r = lim ? lc_limits_find(lim, id) : NULL;
	return r && isfinite(r->high) && r->high >= 0 ? r->high : dflt;
}

/* ---- lanes ---------------------------------------------------------------------------------------- */

int lc_sim_dut_lane_map(struct lc_sim_dut *d, int *map, size_t cap)
{
	for (size_t i = 0; i < d->n_tx && i < cap; i++) {
		char other[LC_PORT_NAME_MAX];
		double loss;
		map[i] = -1;
		if (lc_sim_dut_cross(d, lc_channel_port(CH(d), d->tx[i])->name, 1310, other, sizeof(other), &loss) < 0)
			continue;
		for (size_t k = 0; k < d->n_rx; k++)
			if (!strcasecmp(lc_channel_port(CH(d), d->rx[k])->name, other))
				map[i] = (int)k;
	}
	return (int)d->n_tx;
}

int lc_sim_dut_lane_dark(struct lc_sim_dut *d, int lane)
{
	int map[MAX_LANES];
	int n = lc_sim_dut_lane_map(d, map, MAX_LANES);
	if (lane < 0 || lane >= n)
		return LC_ERR_ARG;
	return map[lane] < 0 ? 1 : 0;
}

int lc_sim_dut_lane_ber(struct lc_sim_dut *d, int lane, double *ber)
{
	int dark = lc_sim_dut_lane_dark(d, lane);
	if (dark < 0)
		return dark;
	if (dark)
		return LC_ERR_STATE;
	/* A good lane of an AOC's best CMIS class (< 1e-12) */
	*ber = 1e-13;
	const char *tx = lc_channel_port(CH(d), d->tx[lane])->name;
	for (size_t i = 0; i < d->dut->n_defects; i++) {
		const lc_defect *df = &d->dut->defects[i];
		if (df->kind == LC_DEFECT_HIGH_BER && defect_on(d, df, tx))
			*ber = df->ber;
	}
	return 0;
}

/* The BER of the light launched into DUT port `tx`, the model lc_sim_dut_lane_ber() gives a BERT lane: a good
 * path 1e-13, a high_ber defect on that port its own figure. For module checkers, whose lanes are ports. */
int lc_sim_dut_port_ber(struct lc_sim_dut *d, const char *tx, double *ber)
{
	if (lc_channel_port_find(CH(d), tx) < 0)
		return LC_ERR_NOT_FOUND;
	*ber = 1e-13;
	for (size_t i = 0; i < d->dut->n_defects; i++) {
		const lc_defect *df = &d->dut->defects[i];
		if (df->kind == LC_DEFECT_HIGH_BER && defect_on(d, df, tx))
			*ber = df->ber;
	}
	return 0;
}

/* A defect on "B" heats every module of end B; one on "B3" only that leg's. */
static bool module_at(const char *port, const char *label)
{
	if (!strcasecmp(port, label))
		return true;
	return port[0] && !port[1] && (port[0] | 0x20) == (label[0] | 0x20);
}

int lc_sim_dut_module_temp(struct lc_sim_dut *d, const char *label, bool traffic, double *celsius)
{
	*celsius = 40.0;
	for (size_t i = 0; i < d->dut->n_defects; i++) {
		const lc_defect *df = &d->dut->defects[i];
		if (df->kind == LC_DEFECT_OVER_TEMPERATURE && module_at(df->port, label) && (traffic || !df->under_load))
			*celsius = df->temperature_c;
	}
	return 0;
}

/* What a module draws from its 3.3 V supply: a simulated AOC end's nominal 5.0 W at idle and 7.5 W with its
 * lanes carrying traffic (the simulator's own figures, under the 9 W its memory declares by default: not a
 * datasheet's); a passive DAC's plug holds only its memory, nothing a supply resolves (0 W). An over_power
 * defect replaces either (only with traffic when "under_load"). */
#define MODULE_IDLE_W 5.0
#define MODULE_TRAFFIC_W 7.5

static bool passive_copper(const struct lc_sim_dut *d)
{
	for (size_t i = 0; i < lc_channel_component_count(CH(d)); i++)
		if (lc_channel_component(CH(d), i)->kind == LC_COMP_DAC)
			return true;
	return false;
}

int lc_sim_dut_module_power(struct lc_sim_dut *d, const char *label, bool traffic, double *watts)
{
	*watts = passive_copper(d) ? 0.0 : traffic ? MODULE_TRAFFIC_W : MODULE_IDLE_W;
	for (size_t i = 0; i < d->dut->n_defects; i++) {
		const lc_defect *df = &d->dut->defects[i];
		if (df->kind == LC_DEFECT_OVER_POWER && module_at(df->port, label) && (traffic || !df->under_load))
			*watts = df->power_w;
	}
	return 0;
}

/* ---- events ------------------------------------------------------------------------------------------ */

int lc_sim_dut_events(struct lc_sim_dut *d, const char *port, double nm, lc_sim_event *ev, size_t cap)
{
	char phys[LC_PORT_NAME_MAX];
	apply_swaps(d, port, phys, sizeof(phys));
	size_t mi;
	int idx = lc_channel_port_find(CH(d), phys);
	if (idx < 0 || lc_channel_route(CH(d), phys, &mi) < 0)
		return LC_ERR_NOT_FOUND;
	const lc_map_entry *me = lc_channel_map(CH(d), mi);
	unsigned from_end = lc_channel_port(CH(d), (size_t)idx)->end;
	lc_event raw[64];
	int n = lc_channel_path_events(CH(d), d->lim, me->path, nm, from_end, raw, 64, NULL);
	if (n < 0)
		return n;
	if (n > 64)
		n = 64;
	double brk = INFINITY, brk_refl = -35.0, dirty = 0, near_extra = 0, far_extra = 0;
	for (size_t i = 0; i < d->dut->n_defects; i++) {
		const lc_defect *df = &d->dut->defects[i];
		if (!defect_on(d, df, me->from) && !defect_on(d, df, me->to))
			continue;
		if (df->kind == LC_DEFECT_FIBER_BREAK) {
			/* distance_m counts from the defect's port; seen from the other end it is the rest */
			bool same_end = defect_on(d, df, phys);
			double len = n > 0 ? raw[n - 1].position_m : 0;
			brk = same_end ? df->distance_m : len - df->distance_m;
			if (!isnan(df->reflectance_db))
				brk_refl = df->reflectance_db;
		}
		if (df->kind == LC_DEFECT_DIRTY_CONNECTOR && defect_on(d, df, phys))
			dirty += df->loss_db;
		/* the extra fiber sits at the defect's end: seen from there every later event moves, from the
		 * other end only the far end does */
		if (df->kind == LC_DEFECT_LONG_FIBER) {
			if (defect_on(d, df, phys))
				near_extra += df->extra_m;
			else
				far_extra += df->extra_m;
		}
	}
	for (int i = 1; i < n; i++)
		raw[i].position_m += near_extra + (i == n - 1 ? far_extra : 0);
	size_t k = 0;
	for (int i = 0; i < n && k < cap; i++) {
		if (raw[i].position_m > brk)
			break;
		lc_sim_event *e = &ev[k++];
		e->distance_m = raw[i].position_m;
		/* limits are worst cases; a good face reflects ~10 dB less than its limit allows */
		e->reflectance_db = raw[i].reflectance_db < 0 ? raw[i].reflectance_db - 10.0 : 0;
		e->loss_db = raw[i].loss_db * (raw[i].type == LC_EVENT_SPLICE ? 0.3 : 0.35);
		if (i == 0)
			e->loss_db += dirty;
		snprintf(e->kind, sizeof(e->kind), "%s", lc_event_type_name(raw[i].type));
	}
	if (isfinite(brk) && k < cap) {
		lc_sim_event *e = &ev[k++];
		e->distance_m = brk;
		e->loss_db = 99.0; /* nothing passes */
		e->reflectance_db = brk_refl;
		snprintf(e->kind, sizeof(e->kind), "break");
	}
	return (int)k;
}

/* ---- building ---------------------------------------------------------------------------------------- */

int lc_sim_dut_new(lc_dut *dut, lc_limits *lim, uint64_t seed, const char *where, struct lc_sim_dut **out,
		   lc_diag *diag)
{
	for (size_t i = 0; i < dut->n_defects; i++) {
		const lc_defect *df = &dut->defects[i];
		const lc_component *c0 = lc_channel_component(dut->channel, 0);
		if (df->kind == LC_DEFECT_WRONG_POLARITY && df->component[0] && c0 && strcmp(df->component, c0->id))
			return lc_diag_set(diag, LC_ERR_UNSUPPORTED,
					   "%s: defects[%zu]: wrong_polarity is simulated on the end-A component "
					   "('%s') only, not on '%s'", where, i, c0->id, df->component);
	}
	struct lc_sim_dut *d = calloc(1, sizeof(*d));
	if (!d)
		return LC_ERR_NOMEM;
	if (pthread_mutex_init(&d->cache_mu, NULL) != 0) {
		free(d);
		return LC_ERR_NOMEM;
	}
	d->dut = dut;
	d->lim = lim;
	d->seed = seed;
	d->mm_into_sm_db = world_row(lim, "world.mode_mismatch.mm_into_sm", 20.0);
	d->sm_into_mm_db = world_row(lim, "world.mode_mismatch.sm_into_mm", 0.5);
	d->apc_upc_db = world_row(lim, "world.apc_upc_mate.loss", 3.0);
	for (size_t i = 0; i < lc_channel_port_count(dut->channel); i++) {
		const lc_port *p = lc_channel_port(dut->channel, i);
		if (p->end == 0 && p->role == LC_ROLE_TX && d->n_tx < MAX_LANES)
			d->tx[d->n_tx++] = i;
		if (p->end == 1 && p->role == LC_ROLE_RX && d->n_rx < MAX_LANES)
			d->rx[d->n_rx++] = i;
	}
	*out = d;
	return 0;
}

void lc_sim_dut_free(struct lc_sim_dut *d)
{
	if (!d)
		return;
	lc_dut_free(d->dut);
	lc_channel_free(d->design);
	lc_limits_free(d->lim);
	pthread_mutex_destroy(&d->cache_mu);
	free(d);
}
