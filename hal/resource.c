/* VISA resource strings (hal/resource.h): a small hand-written scanner, because "::" separates fields but
 * also occurs inside IPv6 literals, which we therefore accept only in brackets ("[fe80::1]"). */
#include "hal/resource.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_TOKENS 8
#define TOKEN_MAX 256

struct tokens {
	int n;
	char t[MAX_TOKENS][TOKEN_MAX];
};

/* Split s on "::"; a token starting with '[' runs to its ']' so IPv6 literals survive. */
static int split(const char *s, struct tokens *tk, lc_diag *diag)
{
	const char *p = s;
	tk->n = 0;
	for (;;) {
		const char *end;
		if (tk->n == MAX_TOKENS)
			return lc_diag_set(diag, LC_ERR_ARG, "too many '::' fields (at most %d)", MAX_TOKENS);
		if (*p == '[') {
			const char *close = strchr(p, ']');
			if (!close)
				return lc_diag_set(diag, LC_ERR_ARG, "'[' at offset %zu has no closing ']'",
						   (size_t)(p - s));
			end = strstr(close, "::");
		} else {
			end = strstr(p, "::");
		}
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len >= TOKEN_MAX)
			return lc_diag_set(diag, LC_ERR_ARG, "field %d is longer than %d characters", tk->n + 1,
					   TOKEN_MAX - 1);
		memcpy(tk->t[tk->n], p, len);
		tk->t[tk->n][len] = '\0';
		/* "a:" + "::" would read back as "a" + ":::": a field may not begin or end with ':' */
		if (len && tk->t[tk->n][0] != '[' && (tk->t[tk->n][0] == ':' || tk->t[tk->n][len - 1] == ':'))
			return lc_diag_set(diag, LC_ERR_ARG, "field %d '%s' begins or ends with ':'", tk->n + 1,
					   tk->t[tk->n]);
		tk->n++;
		if (!end)
			return 0;
		p = end + 2;
	}
}

static int is_kw(const char *tok, const char *kw)
{
	return strcasecmp(tok, kw) == 0;
}

/* An unsigned decimal with no sign, no spaces, no leading '+'; value <= max. */
static int parse_dec(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	if (!*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

/* USB ids as PyVISA takes them: 0x-prefixed hex or decimal. */
static int parse_usb_id(const char *s, unsigned *out)
{
	unsigned long v = 0;
	if ((s[0] == '0') && (s[1] == 'x' || s[1] == 'X')) {
		const char *p = s + 2;
		if (!*p || strlen(p) > 4)
			return -1;
		for (; *p; p++) {
			if (!isxdigit((unsigned char)*p))
				return -1;
			v = v * 16 + (unsigned long)(isdigit((unsigned char)*p) ? *p - '0'
									: tolower((unsigned char)*p) - 'a' + 10);
		}
	} else if (parse_dec(s, 0xFFFF, &v) != 0) {
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* Keyword prefix + optional board number: "TCPIP", "TCPIP0", "tcpip3". Returns 1 on match. */
static int match_board(const char *tok, const char *kw, unsigned *board, lc_diag *diag, int *err)
{
	size_t kl = strlen(kw);
	unsigned long b = 0;
	if (strncasecmp(tok, kw, kl) != 0)
		return 0;
	if (tok[kl] && parse_dec(tok + kl, 65535, &b) != 0) {
		*err = lc_diag_set(diag, LC_ERR_ARG, "%s: board number '%s' is not a number", kw, tok + kl);
		return 1;
	}
	*board = (unsigned)b;
	return 1;
}

static int check_printable(const char *what, const char *s, lc_diag *diag)
{
	if (!*s)
		return lc_diag_set(diag, LC_ERR_ARG, "%s is empty", what);
	for (const char *p = s; *p; p++)
		if (!isgraph((unsigned char)*p))
			return lc_diag_set(diag, LC_ERR_ARG, "%s '%s' contains a space or control character", what, s);
	return 0;
}

static int copy_field(char *dst, size_t cap, const char *what, const char *s, lc_diag *diag)
{
	int e = check_printable(what, s, diag);
	if (e)
		return e;
	if (strlen(s) >= cap)
		return lc_diag_set(diag, LC_ERR_ARG, "%s '%s' is longer than %zu characters", what, s, cap - 1);
	strcpy(dst, s);
	return 0;
}

/* A field printed as it is between "::" separators: holding "::" or a bracket (which quotes IPv6 hosts), it
 * would not read back from its canonical form. */
static int copy_plain_field(char *dst, size_t cap, const char *what, const char *s, lc_diag *diag)
{
	if (strstr(s, "::") || strpbrk(s, "[]"))
		return lc_diag_set(diag, LC_ERR_ARG, "%s '%s' contains '::' or a bracket", what, s);
	return copy_field(dst, cap, what, s, diag);
}

/* Host name, or an IPv6 literal in brackets (stored without them). */
static int parse_host(const char *tok, char *host, size_t cap, const char *kind, lc_diag *diag)
{
	char what[32];
	snprintf(what, sizeof(what), "%s: host", kind);
	if (tok[0] == '[') {
		size_t len = strlen(tok);
		if (len < 3 || tok[len - 1] != ']')
			return lc_diag_set(diag, LC_ERR_ARG, "%s: IPv6 address '%s' must be written [addr]", kind, tok);
		char inner[TOKEN_MAX];
		memcpy(inner, tok + 1, len - 2);
		inner[len - 2] = '\0';
		/* hex digits, ':' and '.', then optionally a zone "%eth0" */
		bool zone = false;
		for (const char *p = inner; *p; p++) {
			if (*p == '%' && !zone && p != inner) {
				zone = true;
				continue;
			}
			if (zone ? !(isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.')
				 : !(isxdigit((unsigned char)*p) || *p == ':' || *p == '.'))
				return lc_diag_set(diag, LC_ERR_ARG, "%s: '%s' is not an IPv6 address", kind, tok);
		}
		if (!strchr(inner, ':'))
			return lc_diag_set(diag, LC_ERR_ARG, "%s: '%s' is not an IPv6 address", kind, tok);
		return copy_field(host, cap, what, inner, diag);
	}
	if (strchr(tok, ':') || strchr(tok, '[') || strchr(tok, ']'))
		return lc_diag_set(diag, LC_ERR_ARG, "%s: host '%s' is malformed (write IPv6 addresses as [addr])",
				   kind, tok);
	return copy_field(host, cap, what, tok, diag);
}

static int parse_port(const char *s, uint16_t *port, const char *kind, lc_diag *diag)
{
	unsigned long p;
	if (parse_dec(s, 65535, &p) != 0 || p == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "%s: port '%s' is not a number in 1..65535", kind, s);
	*port = (uint16_t)p;
	return 0;
}

/* "hislip0" or "hislip0,4881". */
static int parse_hislip(const char *tok, lc_resource *r, lc_diag *diag)
{
	const char *p = tok + 6;
	const char *comma = strchr(p, ',');
	char num[16];
	size_t nl = comma ? (size_t)(comma - p) : strlen(p);
	unsigned long n;
	if (nl == 0 || nl >= sizeof(num))
		return lc_diag_set(diag, LC_ERR_ARG, "HiSLIP: '%s' needs a number after 'hislip'", tok);
	memcpy(num, p, nl);
	num[nl] = '\0';
	if (parse_dec(num, 9999, &n) != 0)
		return lc_diag_set(diag, LC_ERR_ARG, "HiSLIP: '%s' in '%s' is not a number", num, tok);
	r->kind = LC_RES_TCPIP_HISLIP;
	snprintf(r->lan_name, sizeof(r->lan_name), "hislip%lu", n);
	r->port = 4880;
	if (comma)
		return parse_port(comma + 1, &r->port, "HiSLIP", diag);
	return 0;
}

static int parse_tcpip(const struct tokens *tk, lc_resource *r, lc_diag *diag)
{
	int n = tk->n;
	int e;
	if (n < 2)
		return lc_diag_set(diag, LC_ERR_ARG, "TCPIP: host missing");
	e = parse_host(tk->t[1], r->host, sizeof(r->host), "TCPIP", diag);
	if (e)
		return e;
	if (n >= 3 && is_kw(tk->t[n - 1], "SOCKET")) {
		if (n != 4)
			return lc_diag_set(diag, LC_ERR_ARG, "TCPIP SOCKET: expected TCPIP::host::port::SOCKET");
		r->kind = LC_RES_TCPIP_SOCKET;
		return parse_port(tk->t[2], &r->port, "TCPIP SOCKET", diag);
	}
	int last = n;
	if (n >= 3 && is_kw(tk->t[n - 1], "INSTR"))
		last = n - 1;
	else if (n >= 3 && is_kw(tk->t[n - 1], "RAW"))
		return lc_diag_set(diag, LC_ERR_ARG, "TCPIP: resource class 'RAW' is not valid for TCPIP");
	if (last == 2) {
		r->kind = LC_RES_TCPIP_VXI11;
		strcpy(r->lan_name, "inst0");
		return 0;
	}
	if (last != 3)
		return lc_diag_set(diag, LC_ERR_ARG, "TCPIP: unexpected field '%s' (expected ::INSTR or ::SOCKET)",
				   tk->t[3]);
	const char *name = tk->t[2];
	if (strncasecmp(name, "hislip", 6) == 0)
		return parse_hislip(name, r, diag);
	unsigned long dummy;
	if (parse_dec(name, 65535, &dummy) == 0)
		return lc_diag_set(diag, LC_ERR_ARG,
				   "TCPIP: '%s' looks like a port; a raw socket is written TCPIP::host::%s::SOCKET",
				   name, name);
	if (!isalpha((unsigned char)name[0]))
		return lc_diag_set(diag, LC_ERR_ARG, "TCPIP: LAN device name '%s' must start with a letter", name);
	r->kind = LC_RES_TCPIP_VXI11;
	return copy_plain_field(r->lan_name, sizeof(r->lan_name), "TCPIP: LAN device name", name, diag);
}

static int parse_usb(const struct tokens *tk, lc_resource *r, lc_diag *diag)
{
	int n = tk->n;
	unsigned v;
	unsigned long intf = 0;
	int e;
	if (n >= 2 && is_kw(tk->t[n - 1], "RAW"))
		return lc_diag_set(diag, LC_ERR_ARG, "USB: RAW resources are not supported (use ::INSTR)");
	if (n >= 2 && is_kw(tk->t[n - 1], "INSTR"))
		n--;
	if (n < 4)
		return lc_diag_set(diag, LC_ERR_ARG, "USB: expected USB::vendor::product::serial[::interface]::INSTR");
	if (n > 5)
		return lc_diag_set(diag, LC_ERR_ARG, "USB: unexpected field '%s'", tk->t[5]);
	if (parse_usb_id(tk->t[1], &v) != 0)
		return lc_diag_set(diag, LC_ERR_ARG, "USB: vendor id '%s' is not a number (0x0000..0xFFFF)", tk->t[1]);
	r->vid = (uint16_t)v;
	if (parse_usb_id(tk->t[2], &v) != 0)
		return lc_diag_set(diag, LC_ERR_ARG, "USB: product id '%s' is not a number (0x0000..0xFFFF)", tk->t[2]);
	r->pid = (uint16_t)v;
	e = copy_plain_field(r->serial, sizeof(r->serial), "USB: serial number", tk->t[3], diag);
	if (e)
		return e;
	if (n == 5 && parse_dec(tk->t[4], 255, &intf) != 0)
		return lc_diag_set(diag, LC_ERR_ARG, "USB: interface number '%s' is not a number in 0..255", tk->t[4]);
	r->usb_interface = (unsigned)intf;
	r->kind = LC_RES_USBTMC;
	return 0;
}

static int parse_asrl(const struct tokens *tk, lc_resource *r, lc_diag *diag)
{
	const char *spec = tk->t[0] + 4;
	unsigned long b;
	if (tk->n > 2 || (tk->n == 2 && !is_kw(tk->t[1], "INSTR")))
		return lc_diag_set(diag, LC_ERR_ARG, "ASRL: unexpected field '%s' (expected ::INSTR)", tk->t[1]);
	r->kind = LC_RES_ASRL;
	if (!*spec)
		return lc_diag_set(diag, LC_ERR_ARG, "ASRL: port number or device path missing");
	if (parse_dec(spec, 255, &b) == 0) {
		r->board = (unsigned)b;
		snprintf(r->path, sizeof(r->path), "/dev/ttyS%lu", b);
		return 0;
	}
	if (spec[0] != '/')
		return lc_diag_set(diag, LC_ERR_ARG, "ASRL: '%s' is neither a port number nor an absolute device path",
				   spec);
	return copy_plain_field(r->path, sizeof(r->path), "ASRL: device path", spec, diag);
}

static int parse_i2c(const struct tokens *tk, lc_resource *r, lc_diag *diag)
{
	if (tk->n < 2)
		return lc_diag_set(diag, LC_ERR_ARG, "I2C: adapter missing (linux, cp2112, mcp2221, sim)");
	const char *ad = tk->t[1];
	r->kind = LC_RES_I2C;
	if (is_kw(ad, "linux")) {
		r->i2c_adapter = LC_I2C_LINUX;
		if (tk->n != 3)
			return lc_diag_set(diag, LC_ERR_ARG, "I2C linux: expected I2C::linux::/dev/i2c-N");
		if (tk->t[2][0] != '/')
			return lc_diag_set(diag, LC_ERR_ARG, "I2C linux: '%s' is not an absolute device path", tk->t[2]);
		return copy_plain_field(r->path, sizeof(r->path), "I2C linux: device path", tk->t[2], diag);
	}
	if (is_kw(ad, "cp2112") || is_kw(ad, "mcp2221")) {
		r->i2c_adapter = is_kw(ad, "cp2112") ? LC_I2C_CP2112 : LC_I2C_MCP2221;
		if (tk->n > 3)
			return lc_diag_set(diag, LC_ERR_ARG, "I2C %s: unexpected field '%s'", ad, tk->t[3]);
		if (tk->n == 3)
			return copy_plain_field(r->serial, sizeof(r->serial), "I2C: serial number", tk->t[2], diag);
		return 0;
	}
	if (is_kw(ad, "sim")) {
		r->i2c_adapter = LC_I2C_SIM;
		if (tk->n != 3)
			return lc_diag_set(diag, LC_ERR_ARG, "I2C sim: expected I2C::sim::HOST:PORT");
		const char *hp = tk->t[2];
		const char *colon = strrchr(hp, ':');
		if (!colon || colon == hp)
			return lc_diag_set(diag, LC_ERR_ARG, "I2C sim: '%s' is not HOST:PORT", hp);
		char host[TOKEN_MAX];
		memcpy(host, hp, (size_t)(colon - hp));
		host[colon - hp] = '\0';
		int e = parse_host(host, r->host, sizeof(r->host), "I2C sim", diag);
		if (e)
			return e;
		return parse_port(colon + 1, &r->port, "I2C sim", diag);
	}
	return lc_diag_set(diag, LC_ERR_ARG, "I2C: unknown adapter '%s' (linux, cp2112, mcp2221, sim)", ad);
}

int lc_resource_parse(const char *s, lc_resource *out, lc_diag *diag)
{
	struct tokens tk;
	lc_resource r;
	int e = 0;

	if (!s || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "resource string is NULL");
	while (isspace((unsigned char)*s))
		s++;
	size_t len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "resource string is empty");
	if (len >= LC_RESOURCE_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "resource string is longer than %d characters", LC_RESOURCE_MAX - 1);
	char copy[LC_RESOURCE_MAX];
	memcpy(copy, s, len);
	copy[len] = '\0';
	e = split(copy, &tk, diag);
	if (e)
		return e;
	for (int i = 0; i < tk.n; i++)
		if (!tk.t[i][0])
			return lc_diag_set(diag, LC_ERR_ARG, "field %d of '%s' is empty", i + 1, copy);

	memset(&r, 0, sizeof(r));
	if (strncasecmp(tk.t[0], "ASRL", 4) == 0) {
		e = parse_asrl(&tk, &r, diag);
	} else if (is_kw(tk.t[0], "I2C")) {
		e = parse_i2c(&tk, &r, diag);
	} else if (match_board(tk.t[0], "TCPIP", &r.board, diag, &e)) {
		if (!e)
			e = parse_tcpip(&tk, &r, diag);
	} else if (match_board(tk.t[0], "USB", &r.board, diag, &e)) {
		if (!e)
			e = parse_usb(&tk, &r, diag);
	} else if (match_board(tk.t[0], "GPIB", &r.board, diag, &e)) {
		e = lc_diag_set(diag, LC_ERR_ARG, "GPIB: interface type not supported by lanecert");
	} else {
		e = lc_diag_set(diag, LC_ERR_ARG, "unknown interface type '%s' (TCPIP, USB, ASRL, I2C)", tk.t[0]);
	}
	if (e)
		return e;
	*out = r;
	return 0;
}

static int emit(char *buf, size_t cap, int n)
{
	if (n < 0 || (size_t)n >= cap)
		return LC_ERR_OVERFLOW;
	(void)buf;
	return n;
}

int lc_resource_format(const lc_resource *r, char *buf, size_t cap)
{
	char host[300];
	if (!r || !buf)
		return LC_ERR_ARG;
	if (strchr(r->host, ':'))
		snprintf(host, sizeof(host), "[%s]", r->host);
	else
		snprintf(host, sizeof(host), "%s", r->host);
	switch (r->kind) {
	case LC_RES_TCPIP_SOCKET:
		return emit(buf, cap, snprintf(buf, cap, "TCPIP%u::%s::%u::SOCKET", r->board, host, r->port));
	case LC_RES_TCPIP_VXI11:
		return emit(buf, cap, snprintf(buf, cap, "TCPIP%u::%s::%s::INSTR", r->board, host, r->lan_name));
	case LC_RES_TCPIP_HISLIP:
		return emit(buf, cap, snprintf(buf, cap, "TCPIP%u::%s::%s,%u::INSTR", r->board, host, r->lan_name,
					       r->port));
	case LC_RES_USBTMC:
		return emit(buf, cap, snprintf(buf, cap, "USB%u::0x%04X::0x%04X::%s::%u::INSTR", r->board, r->vid,
					       r->pid, r->serial, r->usb_interface));
	case LC_RES_ASRL: {
		char std[32];
		snprintf(std, sizeof(std), "/dev/ttyS%u", r->board);
		if (strcmp(r->path, std) == 0)
			return emit(buf, cap, snprintf(buf, cap, "ASRL%u::INSTR", r->board));
		return emit(buf, cap, snprintf(buf, cap, "ASRL%s::INSTR", r->path));
	}
	case LC_RES_I2C:
		switch (r->i2c_adapter) {
		case LC_I2C_LINUX:
			return emit(buf, cap, snprintf(buf, cap, "I2C::linux::%s", r->path));
		case LC_I2C_CP2112:
		case LC_I2C_MCP2221: {
			const char *a = r->i2c_adapter == LC_I2C_CP2112 ? "cp2112" : "mcp2221";
			if (r->serial[0])
				return emit(buf, cap, snprintf(buf, cap, "I2C::%s::%s", a, r->serial));
			return emit(buf, cap, snprintf(buf, cap, "I2C::%s", a));
		}
		case LC_I2C_SIM:
			return emit(buf, cap, snprintf(buf, cap, "I2C::sim::%s:%u", host, r->port));
		}
		return LC_ERR_ARG;
	}
	return LC_ERR_ARG;
}

const char *lc_resource_kind_name(enum lc_resource_kind kind)
{
	switch (kind) {
	case LC_RES_TCPIP_SOCKET: return "SOCKET";
	case LC_RES_TCPIP_VXI11: return "VXI-11";
	case LC_RES_TCPIP_HISLIP: return "HiSLIP";
	case LC_RES_USBTMC: return "USBTMC";
	case LC_RES_ASRL: return "serial";
	case LC_RES_I2C: return "I2C";
	}
	return "?";
}
