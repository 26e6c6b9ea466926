/* Link compatibility of two module ends (procedures/compat.h); the interface facts are data in compat_media.def. */
#include "procedures/compat.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fixtures/channel.h"
#include "instruments/json_text.h"

enum media_table { T_SMF, T_MMF, T_EXT, T_HOST };

struct media {
	enum media_table table;
	uint8_t code;
	const char *name, *medium;
	unsigned lanes;
	double gbps;
	bool pam4;
	double nm;
	bool parallel, apc;
};

static const struct media media[] = {
#define LC_MEDIA(t, code, name, medium, lanes, gbps, pam4, nm, par, apc) \
	{T_##t, code, name, #medium, lanes, gbps, pam4, nm, par, apc},
#include "procedures/compat_media.def"
#undef LC_MEDIA
};

static const struct media *lookup(enum media_table t, uint8_t code)
{
	for (size_t i = 0; i < sizeof(media) / sizeof(media[0]); i++)
		if (media[i].table == t && media[i].code == code)
			return &media[i];
	return NULL;
}

static void fill(lc_link_profile *p, const struct media *m, const char *medium)
{
	p->known = true;
	snprintf(p->name, sizeof(p->name), "%s", m->name);
	snprintf(p->medium, sizeof(p->medium), "%s", medium ? medium : m->medium);
	p->lanes = m->lanes;
	p->gbps_per_lane = m->gbps;
	p->pam4 = m->pam4;
	p->nm = m->nm;
	p->parallel = m->parallel;
	p->apc = m->apc;
}

static unsigned popcount8(uint8_t v)
{
	unsigned n = 0;
	for (; v; v &= (uint8_t)(v - 1))
		n++;
	return n;
}

void lc_link_profile_of(const lc_module_info *m, lc_link_profile *p)
{
	memset(p, 0, sizeof(*p));
	if (m->spec == LC_MODULE_CMIS) {
		if (m->n_apps == 0)
			return;
		const lc_module_app *a = &m->apps[0];
		const struct media *x = NULL;
		const char *medium = NULL;
		bool optics = m->media_type == 0x01 || m->media_type == 0x02;
		if (m->media_type == 0x01)
			x = lookup(T_MMF, a->media_id);
		else if (m->media_type == 0x02)
			x = lookup(T_SMF, a->media_id);
		else if (m->media_type == 0x03 || m->media_type == 0x04) {
			x = lookup(T_HOST, a->host_id);
			medium = m->media_type == 0x03 ? "CU" : "AOC";
		}
		if (!x)
			return;
		fill(p, x, medium);
		if (m->media_type == 0x04)
			p->ber_class = a->media_id;
		/* a narrower application that may start on several lanes is a breakout */
		for (size_t i = 1; i < m->n_apps; i++) {
			const lc_module_app *b = &m->apps[i];
			unsigned starts = popcount8(b->host_lane_mask);
			if (b->host_lanes < a->host_lanes && starts >= 2) {
				p->legs = starts;
				p->leg_lanes = optics ? b->media_lanes : b->host_lanes;
				break;
			}
		}
		return;
	}
	const struct media *x = lookup(T_EXT, m->ext_compliance);
	if (!x)
		return;
	fill(p, x, NULL);
	if (!strcmp(p->medium, "AOC"))
		p->ber_class = m->ext_compliance;
}

static void add(lc_compat_result *r, enum lc_compat_severity s, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(lc_compat_result *r, enum lc_compat_severity s, const char *code, const char *fmt, ...)
{
	if (s == LC_COMPAT_ERROR)
		r->compatible = false;
	if (r->n >= LC_COMPAT_FINDINGS_MAX)
		return;
	lc_compat_finding *f = &r->findings[r->n++];
	f->severity = s;
	snprintf(f->code, sizeof(f->code), "%s", code);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

static bool assembly(const lc_link_profile *p) { return !strcmp(p->medium, "AOC") || !strcmp(p->medium, "CU"); }

static const char *ber_text(int cls, bool cmis)
{
	if (!cmis) {
		switch (cls) {
		case 0x18: return "BER < 1e-12";
		case 0x01: return "BER < 5e-5";
		case 0x31: return "BER < 1e-6";
		case 0x33: return "BER < 2.6e-4";
		default: return "BER class unknown";
		}
	}
	switch (cls) {
	case 1: return "BER < 1e-12";
	case 2: return "BER < 5e-5";
	case 3: return "BER < 2.6e-4";
	case 4: return "BER < 1e-6";
	default: return "BER class unknown";
	}
}

static void signalling(const lc_link_profile *a, const lc_link_profile *b, lc_compat_result *r)
{
	if (a->pam4 != b->pam4)
		add(r, LC_COMPAT_ERROR, "modulation", "%s is %s, %s is %s", a->name, a->pam4 ? "PAM4" : "NRZ", b->name,
		    b->pam4 ? "PAM4" : "NRZ");
	if (fabs(a->gbps_per_lane - b->gbps_per_lane) > 0.5)
		add(r, LC_COMPAT_ERROR, "lane_rate", "%s runs %g Gb/s per lane, %s %g Gb/s", a->name, a->gbps_per_lane,
		    b->name, b->gbps_per_lane);
}

static const char *mod_name(const lc_link_profile *p) { return p->pam4 ? "PAM4" : "NRZ"; }

/*
 * The lanes of an AOC or DAC: straight, one leg of a breakout, or a leg whose end converts. The end that
 * breaks out advertises a narrower application on several start lanes (lc_link_profile_of); without one the
 * whole width is one leg. An AOC end may carry a DSP that presents its host another lane count at the same
 * data rate (the QSFP28 end of a 400G-to-4x100G AOC: 4 x 25G NRZ to the host, 2 x 50G PAM4 on the media,
 * as a DR1 module does); a passive DAC's wires carry the host lanes themselves, so both ends must match.
 * Returns whether an AOC end's DSP converts between the two ends' host lanes.
 */
static bool assembly_lanes(const lc_link_profile *a, const lc_link_profile *b, bool aoc, lc_compat_result *r)
{
	const lc_link_profile *wide = a, *narrow = b;
	char ew = 'A', en = 'B';
	if (!(a->legs && a->lanes != b->lanes) && b->legs && b->lanes != a->lanes) {
		wide = b;
		narrow = a;
		ew = 'B';
		en = 'A';
	}
	bool legs = wide->legs && wide->lanes != narrow->lanes;
	unsigned per = legs ? wide->leg_lanes : wide->lanes;
	if (per == narrow->lanes) {
		signalling(a, b, r);
		if (legs)
			add(r, LC_COMPAT_NOTE, "breakout", "end %c is one of end %c's %u legs of %u lanes", en, ew, wide->legs,
			    per);
		else
			add(r, LC_COMPAT_NOTE, "lanes", "straight: %u lanes at both ends", a->lanes);
		return false;
	}
	double rw = per * wide->gbps_per_lane, rn = narrow->lanes * narrow->gbps_per_lane;
	if (!(per && fabs(rw - rn) <= 0.5 * (per > narrow->lanes ? per : narrow->lanes))) {
		add(r, LC_COMPAT_ERROR, "lanes", "%u lanes against %u, and no breakout application of that width", a->lanes,
		    b->lanes);
		return false;
	}
	if (aoc) {
		add(r, LC_COMPAT_NOTE, "dsp",
		    "end %c presents %u x %gG %s to its host over %s%c's %u x %gG %s: the AOC end's DSP converts (%g Gb/s "
		    "each way)", en, narrow->lanes, narrow->gbps_per_lane, mod_name(narrow), legs ? "a leg of end " : "end ",
		    ew, per, wide->gbps_per_lane, mod_name(wide), rn);
		return true;
	}
	add(r, LC_COMPAT_ERROR, "dsp",
		    "a passive DAC cannot convert lanes: %s%c is %u x %gG %s%s, end %c %u x %gG %s", legs ? "each leg of end " :
		    "end ", ew, per, wide->gbps_per_lane, mod_name(wide),
		    per == 2 && wide->pam4 ? " (it needs a QSFP56 end)" : "", en, narrow->lanes, narrow->gbps_per_lane,
		    mod_name(narrow));
	return false;
}

static void assemblies(const lc_module_info *ma, const lc_module_info *mb, const lc_link_profile *a,
		       const lc_link_profile *b, const lc_channel *ch, lc_compat_result *r)
{
	if (strcmp(a->medium, b->medium)) {
		add(r, LC_COMPAT_ERROR, "medium", "one end is %s, the other %s: not the two ends of one assembly",
		    !strcmp(a->medium, "AOC") ? "an AOC" : "a DAC", !strcmp(b->medium, "AOC") ? "an AOC" : "a DAC");
		return;
	}
	bool dsp = assembly_lanes(a, b, !strcmp(a->medium, "AOC"), r);
	if (!strcmp(a->medium, "AOC")) {
		const char *ta = ber_text(a->ber_class, ma->spec == LC_MODULE_CMIS);
		const char *tb = ber_text(b->ber_class, mb->spec == LC_MODULE_CMIS);
		/* An AOC end's BER class is the BER at its own host interface (SFF-8024's active cable codes). Where
		 * a DSP converts between the ends (a QSFP28 leg's 4 x 25G NRZ, no FEC, over end A's 2 x 50G PAM4 leg
		 * lanes, whose host runs FEC), the two host interfaces differ and so do their classes by design:
		 * each is said, neither is a mismatch. Without a DSP both ends present the same lanes, and classes
		 * that differ are two parts' memories. */
		if (strcmp(ta, tb) && dsp)
			add(r, LC_COMPAT_NOTE, "ber_class", "end A advertises %s to its host%s, end B %s%s: each DSP end "
			    "answers for its own host lanes", ta, strcmp(ta, "BER < 1e-12") ? " (FEC on those lanes)" : "", tb,
			    strcmp(tb, "BER < 1e-12") ? " (FEC on those lanes)" : "");
		else if (strcmp(ta, tb))
			add(r, LC_COMPAT_WARNING, "ber_class", "the ends advertise different BER classes (%s, %s)", ta, tb);
		else
			add(r, LC_COMPAT_NOTE, "ber_class", "AOC %s%s", ta,
			    strcmp(ta, "BER < 1e-12") ? ": the host must run FEC on these lanes" : "");
	}
	if (ma->has_cable_length && mb->has_cable_length && fabs(ma->cable_length_m - mb->cable_length_m) > 0.05)
		add(r, LC_COMPAT_WARNING, "cable", "the ends advertise %.1f m and %.1f m: not one assembly?",
		    ma->cable_length_m, mb->cable_length_m);
	if (ch && !lc_channel_is_active_or_copper(ch))
		add(r, LC_COMPAT_ERROR, "cable", "%s is a fiber cable; AOC/DAC ends are their own cable",
		    lc_channel_name(ch));
}

/* The polish of the cable's connector at one end (0 = A, 1 = B). */
static enum lc_polish cable_polish(const lc_channel *ch, unsigned end)
{
	size_t n = lc_channel_component_count(ch);
	if (!n)
		return LC_POLISH_NONE;
	const lc_component *c = lc_channel_component(ch, end == 0 ? 0 : n - 1);
	return c->conn[end == 0 ? 0 : 1].polish;
}

static void optics(const lc_link_profile *a, const lc_link_profile *b, const lc_channel *ch, lc_compat_result *r)
{
	if (strcmp(a->medium, b->medium))
		add(r, LC_COMPAT_ERROR, "fiber_mode", "%s needs %s fiber, %s %s fiber", a->name, a->medium, b->name,
		    b->medium);
	signalling(a, b, r);
	if ((a->nm > 0) != (b->nm > 0) || (a->nm == 0 && b->nm == 0 && strcmp(a->name, b->name)))
		add(r, LC_COMPAT_ERROR, "wavelength", "%s and %s use different wavelength plans (one lambda per fiber vs a "
		    "WDM grid)", a->name, b->name);
	else if (fabs(a->nm - b->nm) > 10)
		add(r, LC_COMPAT_ERROR, "wavelength", "%s at %g nm, %s at %g nm", a->name, a->nm, b->name, b->nm);
	unsigned legs = 1;
	const lc_link_profile *wide = a->lanes >= b->lanes ? a : b, *narrow = wide == a ? b : a;
	if (a->lanes != b->lanes) {
		if (wide->parallel && narrow->lanes && wide->lanes % narrow->lanes == 0 &&
		    (narrow->lanes == 1 || narrow->parallel)) {
			legs = wide->lanes / narrow->lanes;
			add(r, LC_COMPAT_NOTE, "breakout", "%s breaks out to %u x %s through a breakout cable", wide->name, legs,
			    narrow->name);
		} else {
			add(r, LC_COMPAT_ERROR, "lanes", "%s has %u lanes, %s %u, and %s cannot break out to it", a->name,
			    a->lanes, b->name, b->lanes, wide->name);
		}
	}
	if (!ch) {
		if (a->apc || b->apc)
			add(r, LC_COMPAT_NOTE, "polish", "%s needs an APC MPO on its side", a->apc ? a->name : b->name);
		if (legs > 1)
			add(r, LC_COMPAT_NOTE, "cable", "give --cable to check the breakout cable");
		return;
	}
	/* the cable: mode, legs, polish at the parallel end */
	enum lc_fiber_mode mode = lc_channel_mode(ch);
	if (lc_channel_is_active_or_copper(ch))
		add(r, LC_COMPAT_ERROR, "cable", "%s is an AOC/DAC, not a fiber cable for these optics", lc_channel_name(ch));
	else if (mode != (strcmp(a->medium, "SM") ? LC_MODE_MM : LC_MODE_SM))
		add(r, LC_COMPAT_ERROR, "fiber_mode", "%s is %s fiber, %s needs %s", lc_channel_name(ch),
		    lc_fiber_mode_name(mode), a->name, a->medium);
	unsigned cable_legs = lc_channel_leg_count(ch, wide == a ? 1 : 0);
	if (cable_legs != legs)
		add(r, LC_COMPAT_ERROR, "breakout", "%s has %u leg(s) at the %s end, the link needs %u", lc_channel_name(ch),
		    cable_legs, wide == a ? "B" : "A", legs);
	for (unsigned end = 0; end < 2; end++) {
		const lc_link_profile *p = end == 0 ? a : b;
		if (!p->parallel)
			continue;
		enum lc_polish pol = cable_polish(ch, end);
		if (pol != LC_POLISH_NONE && (pol == LC_POLISH_APC) != p->apc)
			add(r, LC_COMPAT_ERROR, "polish", "%s needs a %s MPO; %s has %s at end %c", p->name, p->apc ? "APC" : "UPC",
			    lc_channel_name(ch), lc_polish_name(pol), end ? 'B' : 'A');
	}
}

int lc_compat_check(const lc_module_info *a, const lc_module_info *b, const char *cable, const char *fixtures_dir,
		    lc_compat_result *r, lc_diag *diag)
{
	memset(r, 0, sizeof(*r));
	r->compatible = true;
	lc_channel *ch = NULL;
	if (cable) {
		int rc = lc_channel_load(cable, fixtures_dir, &ch, diag);
		if (rc < 0)
			return rc;
	}
	lc_link_profile_of(a, &r->a);
	lc_link_profile_of(b, &r->b);
	if (!r->a.known || !r->b.known) {
		const lc_module_info *u = r->a.known ? b : a;
		add(r, LC_COMPAT_ERROR, "unknown_interface", "cannot tell what end %c (%s %s) puts on the link",
		    r->a.known ? 'B' : 'A', u->vendor, u->part_number);
	} else if (assembly(&r->a) != assembly(&r->b)) {
		add(r, LC_COMPAT_ERROR, "medium", "%s is a cable assembly, %s a separate optic: they cannot link",
		    assembly(&r->a) ? r->a.name : r->b.name, assembly(&r->a) ? r->b.name : r->a.name);
	} else if (assembly(&r->a)) {
		assemblies(a, b, &r->a, &r->b, ch, r);
	} else {
		optics(&r->a, &r->b, ch, r);
	}
	lc_channel_free(ch);
	return 0;
}

static json_t *profile_json(const lc_link_profile *p)
{
	if (!p->known)
		return json_null();
	json_t *o = json_pack("{s:s,s:s,s:i,s:f,s:s,s:b,s:b}", "interface", p->name, "medium", p->medium, "lanes",
			      (int)p->lanes, "gbps_per_lane", p->gbps_per_lane, "modulation", p->pam4 ? "PAM4" : "NRZ",
			      "parallel", p->parallel, "apc", p->apc);
	if (o) {
		json_object_set_new(o, "wavelength_nm", p->nm > 0 ? json_real(p->nm) : json_null());
		if (p->legs)
			json_object_set_new(o, "breakout", json_pack("{s:i,s:i}", "legs", (int)p->legs, "lanes", (int)p->leg_lanes));
	}
	return o;
}

json_t *lc_compat_to_json(const lc_compat_result *r)
{
	static const char *const sev[] = {"note", "warning", "error"};
	json_t *f = json_array();
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(f, json_pack("{s:s,s:s,s:s}", "severity", sev[r->findings[i].severity], "code",
						   r->findings[i].code, "text", r->findings[i].text));
	return json_pack("{s:b,s:o,s:o,s:o}", "compatible", r->compatible, "a", profile_json(&r->a), "b",
			 profile_json(&r->b), "findings", f);
}

int lc_compat_json(const lc_compat_result *r, char **json, lc_diag *diag)
{
	if (json)
		*json = NULL;
	if (!r || !json)
		return lc_diag_set(diag, LC_ERR_ARG, "lc_compat_json: NULL argument");
	return lc_json_text(lc_compat_to_json(r), json, diag);
}
