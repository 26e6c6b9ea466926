/*
 * The engine proper: registration, program-message parsing (units, headers, the ';' tree-level rule),
 * dispatch to handlers, and the station faults that act on whole messages.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scpi/scpi_engine_priv.h"

#define DEFAULT_QUEUE 30

int lc_sim_scpi_create(const lc_sim_scpi_config *cfg, lc_sim_scpi **out, lc_diag *diag)
{
	if (!cfg || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "engine: config and out are required");
	if (!cfg->idn || !*cfg->idn)
		return lc_diag_set(diag, LC_ERR_ARG, "engine: an *IDN? string is required");
	if (cfg->error_queue_size < 0 || cfg->error_queue_size > 10000)
		return lc_diag_set(diag, LC_ERR_ARG, "engine: error queue size %d not in 1..10000",
				   cfg->error_queue_size);
	lc_sim_builtins_init();
	lc_sim_scpi *e = calloc(1, sizeof(*e));
	if (!e)
		return lc_diag_set(diag, LC_ERR_NOMEM, "engine: out of memory");
	e->qsize = cfg->error_queue_size ? cfg->error_queue_size : DEFAULT_QUEUE;
	e->errq = calloc((size_t)e->qsize, sizeof(*e->errq));
	e->idn = strdup(cfg->idn);
	if (!e->errq || !e->idn) {
		free(e->errq);
		free(e->idn);
		free(e);
		return lc_diag_set(diag, LC_ERR_NOMEM, "engine: out of memory");
	}
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&e->mu, &a);
	pthread_mutexattr_destroy(&a);
	e->clock = cfg->clock;
	e->reset = cfg->reset;
	e->self_test = cfg->self_test;
	e->message = cfg->message;
	e->user = cfg->user;
	*out = e;
	return 0;
}

void lc_sim_scpi_destroy(lc_sim_scpi *e)
{
	if (!e)
		return;
	pthread_mutex_destroy(&e->mu);
	free(e->cmds);
	free(e->errq);
	free(e->idn);
	free(e);
}

int lc_sim_scpi_add(lc_sim_scpi *e, const char *pattern, lc_sim_handler set, lc_sim_handler query, void *user,
		    lc_diag *diag)
{
	if (!e)
		return lc_diag_set(diag, LC_ERR_ARG, "engine is NULL");
	if (!set && !query)
		return lc_diag_set(diag, LC_ERR_ARG, "pattern '%s': no handler", pattern ? pattern : "");
	struct lc_sim_cmd cmd;
	int r = lc_sim_pattern_parse(pattern, &cmd, diag);
	if (r < 0)
		return r;
	cmd.set = set;
	cmd.query = query;
	cmd.user = user;
	pthread_mutex_lock(&e->mu);
	for (size_t i = 0; i < e->ncmds; i++) {
		if (lc_sim_pattern_same(&e->cmds[i], &cmd)) {
			pthread_mutex_unlock(&e->mu);
			return lc_diag_set(diag, LC_ERR_BUSY, "pattern '%s' is already registered", pattern);
		}
	}
	if (e->ncmds == e->capcmds) {
		size_t cap = e->capcmds ? e->capcmds * 2 : 32;
		struct lc_sim_cmd *n = realloc(e->cmds, cap * sizeof(*n));
		if (!n) {
			pthread_mutex_unlock(&e->mu);
			return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
		}
		e->cmds = n;
		e->capcmds = cap;
	}
	e->cmds[e->ncmds++] = cmd;
	e->nmemo = e->memo_next = 0; /* a remembered lookup may point into the old array or miss the new one */
	pthread_mutex_unlock(&e->mu);
	return 0;
}

static bool is_ws(unsigned char c)
{
	return c <= 0x20;
}

/*
 * Parse a header at *pos into h (nodes), *common, *query, *abs (leading ':').
 * Returns 0 or an SCPI error code with detail.
 */
static int parse_header(const char *m, size_t len, size_t *pos, struct lc_sim_hnode *h, int *nh, bool *common,
			bool *query, bool *abs, char *detail, size_t cap)
{
	size_t i = *pos;
	*nh = 0;
	*common = *query = *abs = false;
	if (m[i] == '*') {
		*common = true;
		i++;
	} else if (m[i] == ':') {
		*abs = true;
		i++;
	}
	for (;;) {
		size_t s = i;
		if (i >= len || !isalpha((unsigned char)m[i])) {
			if (i < len && (unsigned char)m[i] >= 0x7f)
				return snprintf(detail, cap, "byte 0x%02x at byte %zu", (unsigned char)m[i], i), -101;
			return snprintf(detail, cap, "header expected at byte %zu", i), -102;
		}
		while (i < len && isalpha((unsigned char)m[i]))
			i++;
		size_t alpha = i - s;
		if (!*common)
			while (i < len && (isalnum((unsigned char)m[i]) || m[i] == '_'))
				i++;
		if (alpha > LC_SIM_MNEMONIC_MAX)
			return snprintf(detail, cap, "%.*s", (int)(i - s), m + s), -112;
		if (*nh >= LC_SIM_NODES_MAX)
			return snprintf(detail, cap, "more than %d nodes", LC_SIM_NODES_MAX), -113;
		struct lc_sim_hnode *n = &h[(*nh)++];
		n->text = m + s;
		n->len = i - s;
		n->suffix = -1;
		size_t d = n->len;
		while (d > 0 && isdigit((unsigned char)n->text[d - 1]))
			d--;
		if (d < n->len) {
			if (n->len - d > 9)
				return snprintf(detail, cap, "%.*s", (int)n->len, n->text), -114;
			n->suffix = strtol(n->text + d, NULL, 10);
		}
		if (*common || i >= len || m[i] != ':')
			break;
		i++;
	}
	if (i < len && m[i] == '?') {
		*query = true;
		i++;
	}
	if (i < len && !is_ws((unsigned char)m[i]) && m[i] != ';') {
		if ((unsigned char)m[i] >= 0x7f)
			return snprintf(detail, cap, "byte 0x%02x at byte %zu", (unsigned char)m[i], i), -101;
		return snprintf(detail, cap, "'%c' after the header at byte %zu", m[i], i), -102;
	}
	*pos = i;
	return 0;
}

/* The memo's key of a parsed header: "*" for a common one, then each node upper-cased with "#<suffix>"
 * when it has one, ':' between; 0 when it does not fit (then it is not remembered). */
static size_t memo_key(bool common, const struct lc_sim_hnode *h, int nh, char *key, size_t cap)
{
	size_t n = 0;
	if (common)
		key[n++] = '*';
	for (int i = 0; i < nh; i++) {
		if (n + h[i].len + 24 > cap)
			return 0;
		if (i)
			key[n++] = ':';
		for (size_t k = 0; k < h[i].len; k++)
			key[n++] = (char)toupper((unsigned char)h[i].text[k]);
		if (h[i].suffix >= 0) { /* "#<digits>", written by hand: snprintf would cost what the memo saves */
			char d[24];
			int nd = 0;
			long v = h[i].suffix;
			do
				d[nd++] = (char)('0' + v % 10);
			while ((v /= 10) > 0);
			key[n++] = '#';
			while (nd > 0)
				key[n++] = d[--nd];
		}
	}
	return n;
}

/* Called with e->mu held. */
static const struct lc_sim_cmd *find_cmd(lc_sim_scpi *e, bool common, const struct lc_sim_hnode *h, int nh,
					 int *suffix)
{
	char key[sizeof(e->memo[0].key)];
	size_t kl = memo_key(common, h, nh, key, sizeof(key));
	for (unsigned i = 0; kl && i < e->nmemo; i++)
		if (e->memo[i].keylen == kl && memcmp(e->memo[i].key, key, kl) == 0) {
			memcpy(suffix, e->memo[i].suffix, sizeof(e->memo[i].suffix));
			return e->memo[i].cmd;
		}
	const struct lc_sim_cmd *cmd = NULL;
	for (size_t i = 0; i < e->ncmds && !cmd; i++)
		if (lc_sim_pattern_match(&e->cmds[i], common, h, nh, suffix))
			cmd = &e->cmds[i];
	if (!cmd)
		cmd = lc_sim_builtin_find(common, h, nh, suffix);
	if (cmd && kl) {
		struct lc_sim_memo *m = &e->memo[e->memo_next];
		e->memo_next = (e->memo_next + 1) % LC_SIM_MEMO;
		if (e->nmemo < LC_SIM_MEMO)
			e->nmemo++;
		memcpy(m->key, key, kl);
		m->keylen = kl;
		m->cmd = cmd;
		memcpy(m->suffix, suffix, sizeof(m->suffix));
	}
	return cmd;
}

static bool is_without(const lc_sim_scpi *e, const struct lc_sim_cmd *cmd)
{
	for (unsigned i = 0; i < e->faults.n_without && i < LC_SIM_FAULT_WITHOUT_MAX; i++)
		if (e->without[i] == cmd)
			return true;
	return false;
}

/* The command a header as a client writes it names, or NULL (e->mu held). */
static const struct lc_sim_cmd *resolve(lc_sim_scpi *e, const char *header)
{
	struct lc_sim_hnode h[LC_SIM_NODES_MAX];
	int nh, suffix[LC_SIM_SUFFIXES_MAX];
	bool common, query, abs;
	char detail[96];
	size_t pos = 0, len = strlen(header);
	if (len == 0 || parse_header(header, len, &pos, h, &nh, &common, &query, &abs, detail, sizeof(detail)) ||
	    pos != len)
		return NULL;
	return find_cmd(e, common, h, nh, suffix);
}

bool lc_sim_scpi_knows(lc_sim_scpi *e, const char *header)
{
	pthread_mutex_lock(&e->mu);
	bool known = resolve(e, header) != NULL;
	pthread_mutex_unlock(&e->mu);
	return known;
}

static void push_detail(lc_sim_scpi *e, int code, const char *detail)
{
	char text[LC_SIM_ERR_TEXT];
	lc_sim_err_compose(text, sizeof(text), code, detail);
	lc_sim_errq_push(e, code, text);
}

struct run {
	lc_sim_scpi *e;
	char *m;
	size_t len;
	char *arena;
	uint8_t **reply;
	size_t *reply_len, *reply_cap;
	size_t msg_start; /* where this message's response begins in *reply */
};

/* Run the units of one message; stops at the first command error. */
static int run_units(struct run *r)
{
	lc_sim_scpi *e = r->e;
	struct lc_sim_hnode path[LC_SIM_NODES_MAX], h[LC_SIM_NODES_MAX], full[2 * LC_SIM_NODES_MAX];
	int npath = 0;
	size_t pos = 0;
	char detail[96];
	bool first = true;
	while (pos < r->len) {
		while (pos < r->len && is_ws((unsigned char)r->m[pos]))
			pos++;
		if (pos >= r->len)
			break;
		detail[0] = '\0';
		if (r->m[pos] == ';') {
			push_detail(e, -102, first ? "message starts with ';'" : "empty message unit");
			return 0;
		}
		first = false;
		int nh;
		bool common, query, abs;
		int code = parse_header(r->m, r->len, &pos, h, &nh, &common, &query, &abs, detail, sizeof(detail));
		if (code) {
			push_detail(e, code, detail);
			return 0;
		}
		int nfull = 0;
		if (!common && !abs)
			for (int i = 0; i < npath; i++)
				full[nfull++] = path[i];
		for (int i = 0; i < nh; i++)
			full[nfull++] = h[i];
		struct lc_sim_call c;
		memset(&c, 0, sizeof(c));
		const struct lc_sim_cmd *cmd =
			nfull <= LC_SIM_NODES_MAX ? find_cmd(e, common, full, nfull, c.suffix) : NULL;
		if (cmd && e->faults_on && is_without(e, cmd)) {
			e->fault_count[LC_SIM_FAULT_WITHOUT]++;
			cmd = NULL;
		}
		lc_sim_handler fn = cmd ? (query ? cmd->query : cmd->set) : NULL;
		if (!fn) {
			snprintf(detail, sizeof(detail), "%s%.*s%s", common ? "*" : "", (int)(h[nh - 1].text + h[nh - 1].len - h[0].text),
				 h[0].text, query ? "?" : "");
			push_detail(e, -113, detail);
			return 0;
		}
		size_t arena_used = 0;
		code = lc_sim_params_parse(r->m, r->len, &pos, c.params, &c.nparams, r->arena, &arena_used, detail,
					   sizeof(detail));
		if (code) {
			push_detail(e, code, detail);
			return 0;
		}
		c.e = e;
		c.query = query;
		c.nsuffix = cmd->nsuffix;
		c.out = r->reply;
		c.out_len = r->reply_len;
		c.out_cap = r->reply_cap;
		size_t before = *r->reply_len;
		if (query && before > r->msg_start) {
			/* Responses of one message are joined by ';' (IEEE 488.2 §8.4.1). */
			lc_sim_out_raw(&c, ";", 1);
		}
		c.unit_start = *r->reply_len;
		int rc = fn(&c, cmd->user);
		if (c.oom && rc == 0)
			rc = -225;
		if (query && rc == 0 && *r->reply_len == c.unit_start)
			*r->reply_len = before; /* a query that answered nothing leaves no stray ';' */
		if (rc != 0) {
			*r->reply_len = before;
			if (!c.pushed)
				lc_sim_errq_push(e, rc, NULL);
			if (rc <= -100 && rc > -200)
				return 0;
		}
		if (!common) {
			npath = nfull - 1;
			for (int i = 0; i < npath; i++)
				path[i] = full[i];
		}
		/* the parameter parser stopped at ';' or at the end */
		if (pos < r->len)
			pos++;
	}
	return 0;
}

/* The first definite block in reply[from..len): offset of its data and its announced length. */
static bool find_block(const uint8_t *b, size_t from, size_t len, size_t *data, size_t *blen)
{
	for (size_t i = from; i + 2 < len; i++) {
		if (b[i] != '#' || b[i + 1] < '1' || b[i + 1] > '9')
			continue;
		size_t nd = (size_t)(b[i + 1] - '0'), n = 0;
		if (i + 2 + nd > len)
			return false;
		size_t k;
		for (k = 0; k < nd && isdigit(b[i + 2 + k]); k++)
			n = n * 10 + (size_t)(b[i + 2 + k] - '0');
		if (k < nd)
			continue;
		*data = i + 2 + nd;
		*blen = n;
		return true;
	}
	return false;
}

bool lc_sim_reply_has_block(const uint8_t *reply, size_t len)
{
	size_t data, blen;
	return reply && find_block(reply, 0, len, &data, &blen);
}

static int prepend(uint8_t **reply, size_t *len, size_t *cap, size_t at, const void *p, size_t n)
{
	if (*len + n > *cap) {
		size_t nc = (*len + n) * 2;
		uint8_t *nb = realloc(*reply, nc);
		if (!nb)
			return LC_ERR_NOMEM;
		*reply = nb;
		*cap = nc;
	}
	memmove(*reply + at + n, *reply + at, *len - at);
	memcpy(*reply + at, p, n);
	*len += n;
	return 0;
}

/* Faults that act on the reply of message n; each one counted as it acts. */
static int apply_faults(lc_sim_scpi *e, uint64_t n, struct run *r)
{
	lc_sim_faults *f = &e->faults;
	int action = LC_SIM_SEND;
	if (f->garbage_at && n == f->garbage_at) {
		static const char dflt[] = "\xff\xfe\x07#?\x01";
		const char *g = f->garbage[0] ? f->garbage : dflt;
		size_t gl = strnlen(g, sizeof(f->garbage));
		if (prepend(r->reply, r->reply_len, r->reply_cap, r->msg_start, g, gl) < 0)
			return LC_ERR_NOMEM;
		e->fault_count[LC_SIM_FAULT_GARBAGE]++;
	}
	size_t data, blen;
	if (f->truncate_block_at && n >= f->truncate_block_at &&
	    find_block(*r->reply, r->msg_start, *r->reply_len, &data, &blen)) {
		size_t keep = f->truncate_block_keep < blen ? f->truncate_block_keep : (blen ? blen - 1 : 0);
		*r->reply_len = data + keep;
		f->truncate_block_at = 0; /* once: the client reconnects to a working instrument */
		e->fault_count[LC_SIM_FAULT_TRUNCATE_BLOCK]++;
		action = LC_SIM_CUT;
	}
	/* A reply cut anywhere (not only inside a block): only a reply of two bytes or more can lose some and
	 * still say something. */
	size_t rl = *r->reply_len - r->msg_start;
	if (f->truncate_at && n == f->truncate_at && action == LC_SIM_SEND && rl >= 2) {
		size_t keep = f->truncate_keep && f->truncate_keep < rl ? f->truncate_keep : rl / 2;
		*r->reply_len = r->msg_start + keep;
		e->fault_count[LC_SIM_FAULT_TRUNCATE]++;
		action = LC_SIM_CUT;
	}
	if (f->drop_after && n == f->drop_after && action == LC_SIM_SEND) {
		e->fault_count[LC_SIM_FAULT_DROP]++;
		action = LC_SIM_CLOSE;
	}
	if (f->latency_ms > 0 && *r->reply_len > r->msg_start)
		e->fault_count[LC_SIM_FAULT_LATENCY]++;
	return action;
}

static void push_fault_errors(lc_sim_scpi *e)
{
	for (unsigned i = 0; i < e->faults.n_push_errors && i < LC_SIM_FAULT_ERRORS_MAX; i++) {
		lc_sim_errq_push(e, e->faults.push_errors[i], NULL);
		e->fault_count[LC_SIM_FAULT_ERRORS]++;
	}
}

int lc_sim_scpi_execute(lc_sim_scpi *e, const char *msg, size_t len, uint8_t **reply, size_t *reply_len,
			size_t *reply_cap, int *delay_ms)
{
	if (delay_ms)
		*delay_ms = 0;
	if (!e || (!msg && len) || !reply || !reply_len || !reply_cap)
		return LC_ERR_ARG;
	/* Trailing blanks and a '\r' of CR LF terminators are skipped by the parsers, not cut here: they may be
	 * the last bytes of a block argument. */
	pthread_mutex_lock(&e->mu);
	e->messages++;
	uint64_t n = 0;
	if (e->faults_on) {
		n = ++e->fault_msgs;
		lc_sim_faults *f = &e->faults;
		if (f->push_errors_at && n == f->push_errors_at)
			push_fault_errors(e);
		if (f->stop_answering_after && n > f->stop_answering_after) {
			e->fault_count[LC_SIM_FAULT_HANG]++;
			pthread_mutex_unlock(&e->mu);
			return LC_SIM_SILENT;
		}
	}
	struct run r = {e, malloc(len + 1), len, malloc(len + LC_SIM_PARAMS_MAX + 16), reply, reply_len, reply_cap,
			*reply_len};
	int action = LC_SIM_SEND;
	if (!r.m || !r.arena) {
		lc_sim_errq_push(e, -225, NULL);
		action = LC_ERR_NOMEM;
	} else {
		memcpy(r.m, msg, len);
		r.m[len] = '\0';
		if (e->message)
			e->message(e->user);
		run_units(&r);
		if (e->observer)
			e->observer(e->observer_user, e->messages, msg, len, *reply + r.msg_start,
				    *reply_len - r.msg_start);
		if (e->faults_on) {
			action = apply_faults(e, n, &r);
			if (delay_ms)
				*delay_ms = e->faults.latency_ms;
		}
	}
	pthread_mutex_unlock(&e->mu);
	free(r.m);
	free(r.arena);
	return action;
}

void lc_sim_scpi_set_faults(lc_sim_scpi *e, const lc_sim_faults *f)
{
	pthread_mutex_lock(&e->mu);
	memset(&e->faults, 0, sizeof(e->faults));
	e->faults_on = f != NULL;
	e->fault_msgs = 0;
	memset(e->fault_count, 0, sizeof(e->fault_count));
	if (f) {
		e->faults = *f;
		e->faults.garbage[sizeof(e->faults.garbage) - 1] = '\0';
		e->faults.idn[sizeof(e->faults.idn) - 1] = '\0';
		for (unsigned i = 0; i < LC_SIM_FAULT_WITHOUT_MAX; i++) {
			e->faults.without[i][sizeof(e->faults.without[i]) - 1] = '\0';
			e->without[i] = i < e->faults.n_without ? resolve(e, e->faults.without[i]) : NULL;
		}
		if (f->push_errors_at == 0)
			push_fault_errors(e);
	}
	pthread_mutex_unlock(&e->mu);
}

const char *lc_sim_fault_kind_name(int kind)
{
	static const char *const names[LC_SIM_FAULT_KINDS] = {
		"hang", "drop", "garbage", "truncate", "truncate_block", "errors", "idn", "opc_delay", "latency",
		"without",
	};
	return kind >= 0 && kind < LC_SIM_FAULT_KINDS ? names[kind] : NULL;
}

void lc_sim_scpi_fault_counts(lc_sim_scpi *e, uint64_t *out)
{
	pthread_mutex_lock(&e->mu);
	memcpy(out, e->fault_count, sizeof(e->fault_count));
	pthread_mutex_unlock(&e->mu);
}

const char *lc_sim_fault_idn(lc_sim_call *c)
{
	lc_sim_scpi *e = c->e;
	if (!e->faults_on || !e->faults.idn[0])
		return NULL;
	e->fault_count[LC_SIM_FAULT_IDN]++;
	return e->faults.idn;
}

void lc_sim_scpi_set_observer(lc_sim_scpi *e, lc_sim_observer fn, void *user)
{
	pthread_mutex_lock(&e->mu);
	e->observer = fn;
	e->observer_user = user;
	pthread_mutex_unlock(&e->mu);
}

uint8_t lc_sim_scpi_stb(lc_sim_scpi *e, bool mav)
{
	pthread_mutex_lock(&e->mu);
	lc_sim_update_opc(e);
	uint8_t stb = 0;
	if (e->qcount)
		stb |= 0x04;
	if (mav)
		stb |= 0x10;
	if (e->esr & e->ese)
		stb |= 0x20;
	if (stb & e->sre & ~0x40)
		stb |= 0x40;
	pthread_mutex_unlock(&e->mu);
	return stb;
}

void lc_sim_scpi_device_clear(lc_sim_scpi *e)
{
	pthread_mutex_lock(&e->mu);
	e->pending_until_us = 0;
	pthread_mutex_unlock(&e->mu);
}

uint64_t lc_sim_scpi_messages(lc_sim_scpi *e)
{
	pthread_mutex_lock(&e->mu);
	uint64_t n = e->messages;
	pthread_mutex_unlock(&e->mu);
	return n;
}

const char *lc_sim_scpi_idn(const lc_sim_scpi *e)
{
	return e->idn;
}

double lc_sim_scpi_sim_seconds(lc_sim_scpi *e)
{
	pthread_mutex_lock(&e->mu);
	double s = e->acc.sim_s;
	pthread_mutex_unlock(&e->mu);
	return s;
}

void lc_sim_scpi_time_spent(lc_sim_scpi *e, lc_sim_time_acc *out)
{
	pthread_mutex_lock(&e->mu);
	*out = e->acc;
	pthread_mutex_unlock(&e->mu);
}
