/* The simulated world: station graph, sources, switch routes, and how light travels through them. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/world/world_priv.h"

int lc_sim_world_new(uint64_t seed, double time_scale, lc_sim_world **out)
{
	lc_sim_world *w = calloc(1, sizeof(*w));
	if (!w)
		return LC_ERR_NOMEM;
	pthread_mutex_init(&w->mu, NULL);
	w->seed = seed;
	w->time_scale = time_scale > 0 ? time_scale : 1.0;
	*out = w;
	return 0;
}

void lc_sim_world_destroy(lc_sim_world *w)
{
	if (!w)
		return;
	lc_sim_dut_free(w->dut);
	for (size_t i = 0; i < w->n_extra; i++)
		lc_sim_dut_free(w->extra[i]);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

void lc_sim_world_set_dut(lc_sim_world *w, struct lc_sim_dut *dut)
{
	lc_sim_dut_free(w->dut);
	w->dut = dut;
}

int lc_sim_world_add_slot_dut(lc_sim_world *w, unsigned slot, struct lc_sim_dut *dut, lc_diag *diag)
{
	if (w->n_extra == LC_SIM_MAX_EXTRA_DUTS)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "more than %d extra slots", LC_SIM_MAX_EXTRA_DUTS);
	w->extra_slot[w->n_extra] = slot;
	w->extra[w->n_extra++] = dut;
	return 0;
}

int lc_sim_world_set_reference_thru(lc_sim_world *w, unsigned slot, bool thru)
{
	struct lc_sim_dut *d = NULL;
	pthread_mutex_lock(&w->mu);
	if (slot == w->dut_slot || (slot <= 1 && w->dut_slot == 0))
		d = w->dut;
	for (size_t i = 0; !d && i < w->n_extra; i++)
		if (w->extra_slot[i] == slot)
			d = w->extra[i];
	if (d)
		lc_sim_dut_set_thru(d, thru);
	pthread_mutex_unlock(&w->mu);
	return d ? 0 : LC_ERR_NOT_FOUND;
}

/* Is port a DUT port ("dut:..." or "dutN:...")? Then the DUT (NULL if that slot is empty), the prefix
 * length up to and with the colon, and the channel port after it. */
static bool dut_port(const lc_sim_world *w, const char *port, struct lc_sim_dut **d, size_t *prefix)
{
	if (strncmp(port, "dut", 3))
		return false;
	const char *p = port + 3;
	unsigned slot = 0;
	bool digits = false;
	while (*p >= '0' && *p <= '9' && slot < 1000000)
		slot = slot * 10 + (unsigned)(*p++ - '0'), digits = true;
	if (*p != ':')
		return false;
	*prefix = (size_t)(p - port) + 1;
	*d = NULL;
	if (!digits)
		*d = w->dut;
	for (size_t i = 0; digits && i < w->n_extra; i++)
		if (w->extra_slot[i] == slot)
			*d = w->extra[i];
	if (*d && !lc_sim_dut_is_present(*d))
		*d = NULL; /* a slot left empty after its reference thru: its ports lead nowhere */
	return true;
}

uint64_t lc_sim_world_seed(const lc_sim_world *w) { return w->seed; }
double lc_sim_world_time_scale(const lc_sim_world *w) { return w->time_scale; }
void lc_sim_world_set_time_scale(lc_sim_world *w, double scale) { w->time_scale = scale; }

static int port_ok(const char *p)
{
	return p && *p && strlen(p) < LC_SIM_PORT_MAX && strchr(p, ':') != NULL;
}

/* The fiber mode a reference cord's type names: a word "SM", "OS1a"/"OS2" or "MM", "OM1".."OM5"
 * ("MPO-16 UPC MM OM4 reference grade"); NONE when it names neither or both. */
static enum lc_fiber_mode cord_mode(const char *type)
{
	bool sm = false, mm = false;
	for (const char *s = type; *s;) {
		while (*s && !isalnum((unsigned char)*s))
			s++;
		const char *w = s;
		while (isalnum((unsigned char)*s))
			s++;
		size_t n = (size_t)(s - w);
		if (n == 2 && !strncasecmp(w, "SM", 2))
			sm = true;
		else if (n == 2 && !strncasecmp(w, "MM", 2))
			mm = true;
		else if (n >= 3 && !strncasecmp(w, "OS", 2) && isdigit((unsigned char)w[2]))
			sm = true;
		else if (n == 3 && !strncasecmp(w, "OM", 2) && isdigit((unsigned char)w[2]))
			mm = true;
	}
	return sm == mm ? LC_MODE_NONE : sm ? LC_MODE_SM : LC_MODE_MM;
}

int lc_sim_world_add_link(lc_sim_world *w, const char *a, const char *b, double loss_db,
			  const lc_reference_cord *cord, enum lc_sim_polish pa, enum lc_sim_polish pb, lc_diag *diag)
{
	if (!port_ok(a) || !port_ok(b))
		return lc_diag_set(diag, LC_ERR_ARG, "link '%s' - '%s': a port is named ROLE:PORT", a ? a : "",
				   b ? b : "");
	if (!(loss_db >= 0 && loss_db < 100))
		return lc_diag_set(diag, LC_ERR_ARG, "link '%s' - '%s': loss %g dB out of 0..100", a, b, loss_db);
	for (size_t i = 0; i < w->n_links; i++) {
		const struct lc_sim_link *l = &w->links[i];
		const char *dup = !strcmp(l->a, a) || !strcmp(l->b, a) ? a : !strcmp(l->a, b) || !strcmp(l->b, b) ? b : NULL;
		if (dup)
			return lc_diag_set(diag, LC_ERR_ARG, "port '%s' is cabled twice", dup);
	}
	if (w->n_links == LC_SIM_MAX_LINKS)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "more than %d links", LC_SIM_MAX_LINKS);
	struct lc_sim_link *l = &w->links[w->n_links++];
	snprintf(l->a, sizeof(l->a), "%s", a);
	snprintf(l->b, sizeof(l->b), "%s", b);
	l->loss_db = loss_db;
	if (cord) {
		l->has_cord = true;
		l->cord = *cord;
		l->mode = cord_mode(cord->type);
	}
	l->polish_a = pa;
	l->polish_b = pb;
	return 0;
}

int lc_sim_world_add_switch(lc_sim_world *w, const char *role, double il_db, lc_diag *diag)
{
	if (!role || !*role || strlen(role) >= sizeof(w->switches[0].role) || strchr(role, ':'))
		return lc_diag_set(diag, LC_ERR_ARG, "switch role '%s' is not a plain name", role ? role : "");
	if (w->n_switches == LC_SIM_MAX_SWITCHES)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "more than %d switches", LC_SIM_MAX_SWITCHES);
	struct lc_sim_switch *s = &w->switches[w->n_switches++];
	snprintf(s->role, sizeof(s->role), "%s", role);
	s->il_db = il_db;
	return 0;
}

/* ---- sources --------------------------------------------------------------------------------------- */

static struct lc_sim_source *find_source(lc_sim_world *w, const char *port)
{
	for (size_t i = 0; i < w->n_sources; i++)
		if (!strcmp(w->sources[i].port, port))
			return &w->sources[i];
	return NULL;
}

int lc_sim_world_source_set(lc_sim_world *w, const char *port, bool on, double nm, double dbm)
{
	if (!port_ok(port))
		return LC_ERR_ARG;
	pthread_mutex_lock(&w->mu);
	struct lc_sim_source *s = find_source(w, port);
	if (!s && w->n_sources < LC_SIM_MAX_SOURCES) {
		s = &w->sources[w->n_sources++];
		snprintf(s->port, sizeof(s->port), "%s", port);
	}
	if (s) {
		s->on = on;
		s->nm = nm;
		s->dbm = dbm;
	}
	pthread_mutex_unlock(&w->mu);
	return s ? 0 : LC_ERR_OVERFLOW;
}

int lc_sim_world_source_is_on(lc_sim_world *w, const char *port)
{
	pthread_mutex_lock(&w->mu);
	struct lc_sim_source *s = find_source(w, port);
	int rc = s ? (s->on ? 1 : 0) : LC_ERR_NOT_FOUND;
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int lc_sim_world_sources_on(lc_sim_world *w, char *buf, size_t cap)
{
	int n = 0;
	size_t used = 0;
	if (cap)
		buf[0] = '\0';
	pthread_mutex_lock(&w->mu);
	for (size_t i = 0; i < w->n_sources; i++) {
		if (!w->sources[i].on)
			continue;
		if (used < cap) {
			int k = snprintf(buf + used, cap - used, "%s%s", n ? "," : "", w->sources[i].port);
			used += k > 0 ? (size_t)k : 0;
		}
		n++;
	}
	pthread_mutex_unlock(&w->mu);
	return n;
}

/* ---- switches -------------------------------------------------------------------------------------- */

static const struct lc_sim_switch *switch_of(const lc_sim_world *w, const char *port)
{
	const char *colon = strchr(port, ':');
	size_t n = colon ? (size_t)(colon - port) : 0;
	for (size_t i = 0; i < w->n_switches; i++)
		if (strlen(w->switches[i].role) == n && !strncmp(w->switches[i].role, port, n))
			return &w->switches[i];
	return NULL;
}

static const char *route_peer(const lc_sim_world *w, const char *port)
{
	for (size_t i = 0; i < w->n_routes; i++) {
		if (!strcmp(w->routes[i].a, port))
			return w->routes[i].b;
		if (!strcmp(w->routes[i].b, port))
			return w->routes[i].a;
	}
	return NULL;
}

static void route_drop(lc_sim_world *w, const char *port)
{
	for (size_t i = 0; i < w->n_routes; i++)
		if (!strcmp(w->routes[i].a, port) || !strcmp(w->routes[i].b, port)) {
			w->routes[i] = w->routes[--w->n_routes];
			return;
		}
}

int lc_sim_world_switch_route(lc_sim_world *w, const char *a, const char *b)
{
	if (!port_ok(a) || (b && !port_ok(b)))
		return LC_ERR_ARG;
	int rc = 0;
	pthread_mutex_lock(&w->mu);
	route_drop(w, a);
	if (b) {
		route_drop(w, b);
		if (w->n_routes == LC_SIM_MAX_ROUTES) {
			rc = LC_ERR_OVERFLOW;
		} else {
			struct lc_sim_route *r = &w->routes[w->n_routes++];
			snprintf(r->a, sizeof(r->a), "%s", a);
			snprintf(r->b, sizeof(r->b), "%s", b);
		}
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int lc_sim_world_switch_peer(lc_sim_world *w, const char *a, char *buf, size_t cap)
{
	pthread_mutex_lock(&w->mu);
	const char *p = route_peer(w, a);
	snprintf(buf, cap, "%s", p ? p : "");
	pthread_mutex_unlock(&w->mu);
	return 0;
}

const char *lc_sim_world_link_peer(const lc_sim_world *w, const char *a)
{
	for (size_t i = 0; i < w->n_links; i++) {
		if (!strcmp(w->links[i].a, a))
			return w->links[i].b;
		if (!strcmp(w->links[i].b, a))
			return w->links[i].a;
	}
	return NULL;
}

/* A reference cord's loss at nm: its value there, else the nearest wavelength it states, else 0 (a cord
 * whose loss nobody measured is taken as lossless, as the certifier must also take it). */
static double link_loss(const struct lc_sim_link *l, double nm)
{
	if (!l->has_cord)
		return l->loss_db;
	double v;
	if (lc_reference_cord_loss(&l->cord, nm, &v) == 0)
		return v;
	double best = 0, dist = 1e9;
	for (size_t i = 0; i < l->cord.n_loss && i < LC_REFCORD_WL_MAX; i++) {
		double d = fabs(l->cord.loss[i].wavelength_nm - nm);
		if (d < dist)
			dist = d, best = l->cord.loss[i].loss_db;
	}
	return best;
}

/* ---- light ----------------------------------------------------------------------------------------- */

static const struct lc_sim_link *link_at(const lc_sim_world *w, const char *port, const char **other,
					 enum lc_sim_polish *far_polish)
{
	for (size_t i = 0; i < w->n_links; i++) {
		const struct lc_sim_link *l = &w->links[i];
		if (!strcmp(l->a, port)) {
			*other = l->b;
			*far_polish = l->polish_b;
			return l;
		}
		if (!strcmp(l->b, port)) {
			*other = l->a;
			*far_polish = l->polish_a;
			return l;
		}
	}
	return NULL;
}

/*
 * Follow the path from `start` through the cord plugged into it, across switch routes and DUT fibers, to the
 * instrument port where the chain ends (the losses of a path are the same both ways, but for the junctions of
 * fibers of different modes: a trace that crosses the DUT is taken to run against the light, from a meter to
 * its source). stop_at_dut: stop at the first DUT port reached (return-loss meters
 * see the first connector), reporting the polish of the cord's connector mated there.
 * Returns 0 with end/loss, or LC_ERR_NOT_FOUND when the chain ends open (unrouted switch, unused fiber).
 */
static int trace(lc_sim_world *w, const char *start, double nm, bool stop_at_dut, char *end, size_t cap,
		 double *loss, enum lc_sim_polish *cord_polish)
{
	char cur[LC_SIM_PORT_MAX];
	lc_sim_copy_str(cur, sizeof(cur), start);
	*loss = 0;
	for (int hop = 0; hop < LC_SIM_MAX_HOPS; hop++) {
		const char *y;
		enum lc_sim_polish py;
		const struct lc_sim_link *l = link_at(w, cur, &y, &py);
		if (!l)
			return LC_ERR_NOT_FOUND;
		*loss += link_loss(l, nm);
		struct lc_sim_dut *d;
		size_t pre;
		if (dut_port(w, y, &d, &pre)) {
			if (stop_at_dut) {
				lc_sim_copy_str(end, cap, y);
				if (cord_polish)
					*cord_polish = py;
				return 0;
			}
			if (!d)
				return LC_ERR_NOT_FOUND;
			char other[LC_SIM_PORT_MAX / 2];
			double dl;
			int rc = lc_sim_dut_cross(d, y + pre, nm, other, sizeof(other), &dl);
			if (rc < 0)
				return rc;
			*loss += dl;
			if (pre < sizeof(cur)) { /* the DUT's prefix, then the port the fiber exits at */
				memcpy(cur, y, pre);
				lc_sim_copy_str(cur + pre, sizeof(cur) - pre, other);
			}
			/* The junctions with the station's cords, which lose in one direction only when the fibers'
			 * modes differ. A trace that crosses the DUT runs from a meter back to its source, against the
			 * light: the light leaves the DUT at y into this cord, and enters it at `other` from the cord
			 * plugged there. */
			*loss += lc_sim_dut_junction_loss(d, y + pre, l->mode, false) + lc_sim_dut_polish_loss(d, y + pre, py);
			const char *next_far;
			enum lc_sim_polish next_polish;
			const struct lc_sim_link *next = link_at(w, cur, &next_far, &next_polish);
			if (next)
				*loss += lc_sim_dut_junction_loss(d, other, next->mode, true) +
					 lc_sim_dut_polish_loss(d, other, strcmp(next->a, cur) ? next->polish_b : next->polish_a);
			continue;
		}
		const struct lc_sim_switch *sw = switch_of(w, y);
		if (sw) {
			const char *p = route_peer(w, y);
			if (!p)
				return LC_ERR_NOT_FOUND;
			*loss += sw->il_db;
			lc_sim_copy_str(cur, sizeof(cur), p);
			continue;
		}
		lc_sim_copy_str(end, cap, y);
		return 0;
	}
	return LC_ERR_NOT_FOUND; /* a wiring loop: no light arrives anywhere meaningful */
}

/* The power arriving at a port, and the wavelength of that light (0 when dark). */
static double power_true_locked(lc_sim_world *w, const char *port, double *nm)
{
	char end[LC_SIM_PORT_MAX];
	double loss;
	if (nm)
		*nm = 0;
	/* The path's ports do not depend on λ; its loss does, so find the source first, then trace at its λ. */
	if (trace(w, port, 1310.0, false, end, sizeof(end), &loss, NULL) < 0)
		return LC_SIM_DARK_DBM;
	const struct lc_sim_source *s = find_source(w, end);
	if (!s || !s->on)
		return LC_SIM_DARK_DBM;
	if (trace(w, port, s->nm, false, end, sizeof(end), &loss, NULL) < 0)
		return LC_SIM_DARK_DBM;
	if (nm)
		*nm = s->nm;
	return s->dbm - loss;
}

/* Relative responsivity of an InGaAs photodiode (A/W normalised to its peak near 1550 nm), piecewise
 * linear through typical datasheet points; germanium heads differ a little, which a simulator can ignore. */
static double responsivity(double nm)
{
	static const double pts[][2] = {{800, 0.15}, {900, 0.45}, {1000, 0.65}, {1100, 0.75}, {1310, 0.9},
					{1550, 1.0}, {1640, 1.0}, {1700, 0.7}};
	const size_t n = sizeof(pts) / sizeof(pts[0]);
	if (nm <= pts[0][0])
		return pts[0][1];
	for (size_t i = 1; i < n; i++)
		if (nm <= pts[i][0])
			return pts[i - 1][1] + (pts[i][1] - pts[i - 1][1]) * (nm - pts[i - 1][0]) / (pts[i][0] - pts[i - 1][0]);
	return pts[n - 1][1];
}

int lc_sim_world_power_true(lc_sim_world *w, const char *port, double *dbm)
{
	if (!port_ok(port))
		return LC_ERR_ARG;
	pthread_mutex_lock(&w->mu);
	*dbm = power_true_locked(w, port, NULL);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int lc_sim_world_power_read_w(lc_sim_world *w, const char *port, double atime_s, double floor_dbm, double *watts)
{
	return lc_sim_world_power_read_cal(w, port, 0, atime_s, floor_dbm, watts);
}

int lc_sim_world_power_read_cal(lc_sim_world *w, const char *port, double set_nm, double atime_s, double floor_dbm,
				double *watts)
{
	if (!port_ok(port) || !(atime_s > 0))
		return LC_ERR_ARG;
	pthread_mutex_lock(&w->mu);
	double nm;
	double dbm = power_true_locked(w, port, &nm);
	double p = dbm <= LC_SIM_DARK_DBM ? 0.0 : 1e-3 * pow(10.0, dbm / 10.0);
	if (set_nm > 0 && nm > 0)
		p *= responsivity(nm) / responsivity(set_nm);
	/* Averaging N independent samples shrinks noise by sqrt(N): relative noise 0.2 % at 1 ms, and the dark
	 * floor quoted for 100 ms averaging. */
	double rel = 2e-3 * sqrt(1e-3 / atime_s);
	double flo = 1e-3 * pow(10.0, floor_dbm / 10.0) * sqrt(0.1 / atime_s);
	double g1 = lc_sim_noise_gauss_locked(w, port);
	double g2 = lc_sim_noise_gauss_locked(w, port);
	double r = p * (1.0 + rel * g1) + flo * g2;
	/* A detector's amplifier offset is zeroed, so dark readings scatter around zero; report the magnitude
	 * (never exactly zero: dBm of a reading must stay finite). */
	if (r <= flo)
		r = fabs(flo * g2) + flo * 1e-3;
	*watts = r;
	pthread_mutex_unlock(&w->mu);
	return 0;
}

/*
 * Reflectance of a mated pair. Flat (UPC) faces reflect ~-50 dB through the index-matched contact; 8° angled
 * (APC) faces send the reflection out of the core (≥ 60 dB); an APC mated to a UPC leaves an air gap at an
 * angle whose flat-face Fresnel reflection (~14.7 dB at glass/air) is partly coupled back: ~25-30 dB in
 * practice, far below both grades' limits (domain-facts §2: SM UPC ≥ 35 dB, APC ≥ 55 dB).
 */
static double pair_rl_db(enum lc_sim_polish a, enum lc_sim_polish b)
{
	/* a cord of unstated polish is taken to match what it mates with */
	if (a == LC_SIM_POLISH_NONE)
		a = b;
	if (b == LC_SIM_POLISH_NONE)
		b = a;
	if (a == LC_SIM_POLISH_NONE)
		a = b = LC_SIM_POLISH_UPC;
	if (a == LC_SIM_POLISH_APC && b == LC_SIM_POLISH_APC)
		return 64.0;
	if (a == LC_SIM_POLISH_UPC && b == LC_SIM_POLISH_UPC)
		return 52.0;
	return 27.0;
}

int lc_sim_world_return_loss(lc_sim_world *w, const char *port, double nm, double floor_db, double *rl_db)
{
	if (!port_ok(port))
		return LC_ERR_ARG;
	char end[LC_SIM_PORT_MAX];
	double loss;
	enum lc_sim_polish cord = LC_SIM_POLISH_NONE;
	pthread_mutex_lock(&w->mu);
	int rc = trace(w, port, nm, true, end, sizeof(end), &loss, &cord);
	char key[LC_SIM_PORT_MAX + 4];
	snprintf(key, sizeof(key), "rl:%s", port);
	double g = lc_sim_noise_gauss_locked(w, key);
	struct lc_sim_dut *d = NULL;
	size_t pre = 0;
	if (rc < 0 || !dut_port(w, end, &d, &pre) || !d) {
		*rl_db = floor_db;
		rc = LC_ERR_NOT_FOUND;
	} else {
		double imposed;
		enum lc_sim_polish dp = lc_sim_dut_polish(d, end + pre, &imposed);
		double r = isnan(imposed) ? pair_rl_db(cord, dp) : -imposed;
		/* The reflection travels the path twice; above the meter's floor it cannot be told apart. */
		r += 2.0 * loss + 0.15 * g;
		*rl_db = r > floor_db ? floor_db : r;
		rc = 0;
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int lc_sim_world_reach(lc_sim_world *w, const char *port, double nm, char *dut_port_out, size_t cap, double *loss_db)
{
	if (!port_ok(port))
		return LC_ERR_ARG;
	char end[LC_SIM_PORT_MAX];
	double loss = 0;
	pthread_mutex_lock(&w->mu);
	int rc = trace(w, port, nm, true, end, sizeof(end), &loss, NULL);
	struct lc_sim_dut *d;
	size_t pre;
	bool is_dut = rc == 0 && dut_port(w, end, &d, &pre);
	pthread_mutex_unlock(&w->mu);
	if (!is_dut)
		return LC_ERR_NOT_FOUND;
	snprintf(dut_port_out, cap, "%s", end);
	if (loss_db)
		*loss_db = loss;
	return 0;
}

/* ---- DUT-level questions ----------------------------------------------------------------------------- */

/* The DUT a port names ("dut:", "dutN:", or a bare channel port of the scenario's DUT) and its channel port. */
static struct lc_sim_dut *dut_and_port(const lc_sim_world *w, const char *p, const char **rest)
{
	struct lc_sim_dut *d;
	size_t pre;
	if (dut_port(w, p, &d, &pre)) {
		*rest = p + pre;
		return d;
	}
	*rest = p;
	return w->dut && lc_sim_dut_is_present(w->dut) ? w->dut : NULL;
}

int lc_sim_world_dut_loss(lc_sim_world *w, const char *from, const char *to, double nm, double *loss_db)
{
	char other[LC_SIM_PORT_MAX];
	if (!from || !to)
		return LC_ERR_ARG;
	pthread_mutex_lock(&w->mu);
	const char *f, *t;
	struct lc_sim_dut *d = dut_and_port(w, from, &f);
	struct lc_sim_dut *d2 = dut_and_port(w, to, &t);
	int rc = d && d == d2 ? lc_sim_dut_cross(d, f, nm, other, sizeof(other), loss_db) : LC_ERR_NOT_FOUND;
	if (rc == 0 && strcmp(other, t))
		rc = LC_ERR_NOT_FOUND;
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int lc_sim_world_dut_power(lc_sim_world *w, const char *from, const char *to, double nm, double launch_dbm,
			   double *dbm)
{
	double loss;
	int rc = lc_sim_world_dut_loss(w, from, to, nm, &loss);
	*dbm = rc == 0 ? launch_dbm - loss : LC_SIM_DARK_DBM;
	return rc;
}

#define DUT_CALL(expr)                                                  \
	do {                                                            \
		pthread_mutex_lock(&w->mu);                             \
		bool in_ = w->dut && lc_sim_dut_is_present(w->dut);     \
		int rc_ = in_ ? (expr) : LC_ERR_NOT_FOUND;              \
		pthread_mutex_unlock(&w->mu);                           \
		return rc_;                                             \
	} while (0)

int lc_sim_world_lane_map(lc_sim_world *w, int *map, size_t cap) { DUT_CALL(lc_sim_dut_lane_map(w->dut, map, cap)); }
int lc_sim_world_lane_ber(lc_sim_world *w, int lane, double *ber) { DUT_CALL(lc_sim_dut_lane_ber(w->dut, lane, ber)); }
int lc_sim_world_port_ber(lc_sim_world *w, const char *from, double *ber)
{
	if (!from || !ber)
		return LC_ERR_ARG;
	pthread_mutex_lock(&w->mu);
	const char *f;
	struct lc_sim_dut *d = dut_and_port(w, from, &f);
	int rc = d ? lc_sim_dut_port_ber(d, f, ber) : LC_ERR_NOT_FOUND;
	pthread_mutex_unlock(&w->mu);
	return rc;
}
int lc_sim_world_lane_dark(lc_sim_world *w, int lane) { DUT_CALL(lc_sim_dut_lane_dark(w->dut, lane)); }
int lc_sim_world_module_temp(lc_sim_world *w, char end, double *c)
{
	char label[2] = {end, 0};
	DUT_CALL(lc_sim_dut_module_temp(w->dut, label, w->traffic, c));
}

int lc_sim_world_module_temp_at(lc_sim_world *w, const char *label, double *c)
{
	DUT_CALL(lc_sim_dut_module_temp(w->dut, label, w->traffic, c));
}

int lc_sim_world_module_power_at(lc_sim_world *w, const char *label, double *watts)
{
	DUT_CALL(lc_sim_dut_module_power(w->dut, label, w->traffic, watts));
}

void lc_sim_world_set_traffic(lc_sim_world *w, bool on)
{
	pthread_mutex_lock(&w->mu);
	w->traffic = on;
	pthread_mutex_unlock(&w->mu);
}
int lc_sim_world_events(lc_sim_world *w, const char *from, double nm, lc_sim_event *ev, size_t cap)
{
	if (!from)
		return LC_ERR_ARG;
	pthread_mutex_lock(&w->mu);
	const char *f;
	struct lc_sim_dut *d = dut_and_port(w, from, &f);
	int rc = d ? lc_sim_dut_events(d, f, nm, ev, cap) : LC_ERR_NOT_FOUND;
	pthread_mutex_unlock(&w->mu);
	return rc;
}

double lc_sim_world_gauss(lc_sim_world *w, const char *key)
{
	pthread_mutex_lock(&w->mu);
	double g = lc_sim_noise_gauss_locked(w, key);
	pthread_mutex_unlock(&w->mu);
	return g;
}

double lc_sim_world_uniform(lc_sim_world *w, const char *key)
{
	pthread_mutex_lock(&w->mu);
	double u = lc_sim_noise_uniform_locked(w, key);
	pthread_mutex_unlock(&w->mu);
	return u;
}
