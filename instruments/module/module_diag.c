/* A module's PRBS generators and checkers, CMIS pages 13h/14h (module_diag.h cites every byte's source). */
#include "instruments/module/module_diag.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"

/* page 13h: generator / checker enable and the first pattern-select byte, per [side][gen?0:1] */
static const unsigned enable_at[2][2] = {{144, 160}, {152, 168}};
static const unsigned select_at[2][2] = {{148, 164}, {156, 172}};
#define DIAG_SEL 128       /* page 14h */
#define DIAG_SEL_BER 1
#define LOL_AT(side) (138u + (unsigned)(side)) /* page 14h: host, media checker LOL latched */
#define BER_AT(side) ((side) == LC_PRBS_HOST ? 192u : 208u)

static const char *const pattern_names[LC_PRBS_PATTERNS] = {"PRBS31Q", "PRBS31", "PRBS23Q", "PRBS23", "PRBS15Q",
							    "PRBS15",  "PRBS13Q", "PRBS13", "PRBS9Q",  "PRBS9",
							    "PRBS7Q",  "PRBS7",   "SSPRQ"};

int lc_module_diag_caps_decode(const uint8_t *p, lc_module_diag_caps *out, lc_diag *diag)
{
	if (!p || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "lc_module_diag_caps_decode: NULL argument");
	memset(out, 0, sizeof(*out));
	out->present = true;
	out->loopback = p[0];
	out->pattern_caps = p[1];
	out->report_caps = p[2];
	/* 132..139: host gen, media gen, host checker, media checker; little-endian (bit n = pattern id n) */
	for (int side = 0; side < 2; side++) {
		const uint8_t *g = p + 4 + 2 * side, *c = p + 8 + 2 * side;
		out->gen[side] = (uint16_t)(g[0] | g[1] << 8);
		out->chk[side] = (uint16_t)(c[0] | c[1] << 8);
	}
	return 0;
}

bool lc_module_diag_can(const lc_module_diag_caps *c, enum lc_prbs_side side, bool gen, int id)
{
	if (!c || !c->present || id < 0 || id >= LC_PRBS_PATTERNS || (side != LC_PRBS_HOST && side != LC_PRBS_MEDIA))
		return false;
	if (!(c->report_caps & 0x01)) /* no BER register: the checker's result cannot be read */
		return false;
	uint16_t m = gen ? c->gen[side] : c->chk[side];
	return (m >> id) & 1u;
}

double lc_module_f16_ber(uint8_t b0, uint8_t b1)
{
	int exponent = (b0 >> 3) & 0x1F;
	unsigned mantissa = (unsigned)(b0 & 0x07) << 8 | b1;
	return (double)mantissa * pow(10.0, exponent - 24);
}

int lc_module_prbs_pattern_parse(const char *name)
{
	if (!name)
		return -1;
	char n[16];
	size_t k = 0;
	for (const char *s = name; *s && k + 1 < sizeof(n); s++)
		if (*s != '-' && *s != '_')
			n[k++] = *s;
	n[k] = 0;
	for (int i = 0; i < LC_PRBS_PATTERNS; i++)
		if (!strcasecmp(n, pattern_names[i]))
			return i;
	return -1;
}

const char *lc_module_prbs_pattern_name(int id)
{
	return id >= 0 && id < LC_PRBS_PATTERNS ? pattern_names[id] : "?";
}

static bool is_cmis_paged(lc_module *mod)
{
	return lc_module_spec_of(lc_module_mem_identifier(lc_module_memory(mod))) == LC_MODULE_CMIS;
}

int lc_module_diag_caps_read(lc_module *mod, lc_module_diag_caps *caps, lc_diag *diag)
{
	if (!mod || !caps)
		return lc_diag_set(diag, LC_ERR_ARG, "lc_module_diag_caps_read: NULL argument");
	memset(caps, 0, sizeof(*caps));
	if (!is_cmis_paged(mod))
		return 0;
	uint8_t lower2;
	int rc = lc_module_mem_read(lc_module_memory(mod), 0, 0, 2, &lower2, 1, diag);
	if (rc < 0)
		return rc;
	if (lower2 & 0x80) /* flat memory: no upper pages beyond 00h */
		return 0;
	/* Page 01h byte 142 bit 5 advertises pages 13h/14h (sonic-platform-common, sonic_xcvr/mem_maps/public/
	 * cmis.py: PAGE_SUPPORT_ADVT_FIELD, bit DIAG_PAGE_SUPPORT_ADVT_FIELD). A module that does not advertise
	 * them is not asked for page 13h: some modules accept any page select and answer with another page's
	 * bytes, which would read as capabilities it does not have. */
	uint8_t advert;
	rc = lc_module_mem_read(lc_module_memory(mod), 0, 0x01, 142, &advert, 1, diag);
	if (rc < 0)
		return rc;
	if (!(advert & 0x20))
		return 0;
	uint8_t p[128];
	rc = lc_module_mem_read(lc_module_memory(mod), 0, 0x13, 128, p, sizeof(p), diag);
	if (rc == LC_ERR_UNSUPPORTED)
		return 0;
	if (rc < 0)
		return rc;
	return lc_module_diag_caps_decode(p, caps, diag);
}

/* Read-modify-write of one page-13h byte under the bus lock, read back. */
static int rmw13(lc_module *mod, unsigned off, uint8_t set, uint8_t clear, const char *what, lc_diag *diag)
{
	lc_module_mem *mem = lc_module_memory(mod);
	lc_i2c *bus = lc_module_i2c(mod);
	lc_i2c_lock(bus);
	uint8_t v;
	int rc = lc_module_mem_read(mem, 0, 0x13, off, &v, 1, diag);
	uint8_t want = (uint8_t)((v | set) & ~clear);
	if (rc >= 0)
		rc = lc_module_mem_write(mem, 0, 0x13, off, &want, 1, diag);
	if (rc >= 0)
		rc = lc_module_mem_read(mem, 0, 0x13, off, &v, 1, diag);
	if (rc >= 0 && v != want)
		rc = lc_diag_set(diag, LC_ERR_INSTRUMENT, "%s ignored: page 13h byte %u reads 0x%02X, 0x%02X written", what,
				 off, v, want);
	lc_i2c_unlock(bus);
	return rc;
}

int lc_module_prbs_set(lc_module *mod, enum lc_prbs_side side, bool gen, uint8_t lane_mask, int pattern, bool on,
		       lc_diag *diag)
{
	if (!mod || (side != LC_PRBS_HOST && side != LC_PRBS_MEDIA) || !lane_mask)
		return lc_diag_set(diag, LC_ERR_ARG, "prbs: bad side or empty lane mask");
	if (on && (pattern < 0 || pattern >= LC_PRBS_PATTERNS))
		return lc_diag_set(diag, LC_ERR_ARG, "prbs: pattern id %d outside 0..12", pattern);
	if (!is_cmis_paged(mod))
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "prbs: the module is not CMIS (no diagnostics pages)");
	const char *what = gen ? "PRBS generator" : "PRBS checker";
	unsigned g = gen ? 0 : 1;
	int rc;
	if (on) {
		/* both nibbles of each lane pair get the pattern: which nibble is the lower lane is UNCONFIRMED */
		uint8_t v = (uint8_t)(pattern << 4 | pattern);
		for (unsigned pair = 0; pair < 4; pair++) {
			if (!(lane_mask & (3u << (2 * pair))))
				continue;
			if ((rc = rmw13(mod, select_at[side][g] + pair, v, (uint8_t)~v, what, diag)) < 0)
				return rc;
		}
	}
	rc = rmw13(mod, enable_at[side][g], on ? lane_mask : 0, on ? 0 : lane_mask, what, diag);
	if (rc < 0)
		lc_diag_prefix(diag, "%s side %s: ", side == LC_PRBS_HOST ? "host" : "media", what);
	return rc;
}

int lc_module_prbs_all_off(lc_module *mod, lc_diag *diag)
{
	if (!mod)
		return lc_diag_set(diag, LC_ERR_ARG, "prbs: NULL module");
	if (!is_cmis_paged(mod))
		return 0; /* no diagnostics pages: nothing can be on */
	int first = 0;
	lc_diag d1;
	for (int side = 0; side < 2; side++)
		for (int g = 0; g < 2; g++) {
			int rc = rmw13(mod, enable_at[side][g], 0, 0xFF, g ? "PRBS checker off" : "PRBS generator off",
				       first ? &d1 : diag);
			if (rc == LC_ERR_UNSUPPORTED && !first)
				return 0; /* no page 13h: nothing to switch off */
			if (rc < 0 && !first)
				first = rc;
		}
	return first;
}

int lc_module_prbs_read(lc_module *mod, enum lc_prbs_side side, int settle_ms, lc_module_prbs_result *out,
			lc_diag *diag)
{
	if (!mod || !out || (side != LC_PRBS_HOST && side != LC_PRBS_MEDIA) || settle_ms < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "prbs read: bad argument");
	if (!is_cmis_paged(mod))
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "prbs read: the module is not CMIS (no diagnostics pages)");
	memset(out, 0, sizeof(*out));
	lc_module_mem *mem = lc_module_memory(mod);
	uint8_t sel = DIAG_SEL_BER;
	int rc = lc_module_mem_write(mem, 0, 0x14, DIAG_SEL, &sel, 1, diag);
	if (rc < 0)
		return rc;
	if (settle_ms > 0)
		lc_sleep_ms(settle_ms);
	uint8_t p[128];
	if ((rc = lc_module_mem_read(mem, 0, 0x14, 128, p, sizeof(p), diag)) < 0)
		return rc;
	if (p[DIAG_SEL - 128] != DIAG_SEL_BER)
		return lc_diag_set(diag, LC_ERR_INSTRUMENT, "diagnostics selector (page 14h byte 128) reads 0x%02X after "
				   "0x01 (BER) was written", p[0]);
	if ((rc = lc_module_mem_read(mem, 0, 0x13, enable_at[side][1], &out->checker_on, 1, diag)) < 0)
		return rc;
	out->lol = p[LOL_AT(side) - 128];
	for (unsigned k = 0; k < 8; k++) {
		const uint8_t *b = p + (BER_AT(side) - 128) + 2 * k;
		out->ber[k] = lc_module_f16_ber(b[0], b[1]);
	}
	return 0;
}
