/* Internals of the SCPI engine shared by its files (scpi_*.c). Not for instrument writers. */
#ifndef LC_SIM_SCPI_ENGINE_PRIV_H
#define LC_SIM_SCPI_ENGINE_PRIV_H

#include <pthread.h>

#include "sim/scpi/scpi_engine.h"

#define LC_SIM_NODES_MAX 12
#define LC_SIM_MNEMONIC_MAX 12 /* SCPI: a long-form mnemonic has at most 12 characters */
#define LC_SIM_ERR_TEXT 160

/* One node of a registered pattern. */
struct lc_sim_node {
	char name[LC_SIM_MNEMONIC_MAX + 1]; /* long form, upper-cased */
	unsigned char short_len;            /* length of the short form (the upper-case prefix) */
	bool optional;
	bool suffix;
};

struct lc_sim_cmd {
	struct lc_sim_node nodes[LC_SIM_NODES_MAX];
	int n;
	bool common; /* "*IDN" style: one node, no suffix */
	int nsuffix;
	lc_sim_handler set, query;
	void *user;
};

/* One node of a received header: mnemonic text and its numeric suffix (-1: none written). */
#define LC_SIM_MEMO 16

struct lc_sim_hnode {
	const char *text;
	size_t len;
	long suffix;
};

struct lc_sim_err {
	int code;
	char text[LC_SIM_ERR_TEXT];
};

struct lc_sim_scpi {
	pthread_mutex_t mu; /* recursive: handlers call public functions */
	char *idn;
	struct lc_sim_cmd *cmds;
	size_t ncmds, capcmds;

	struct lc_sim_err *errq;
	int qsize, qhead, qcount;

	uint8_t esr, ese, sre;
	bool opc_armed;           /* *OPC given: set ESR bit 0 when the pending operation ends */
	int64_t pending_until_us; /* monotonic wall time when the overlapped operation ends; 0 none */

	lc_sim_clock *clock;
	lc_sim_time_acc acc;
	void (*reset)(void *user);
	int (*self_test)(void *user);
	void (*message)(void *user); /* lc_sim_scpi_config.message */
	void *user;

	lc_sim_faults faults;
	bool faults_on;
	const struct lc_sim_cmd *without[LC_SIM_FAULT_WITHOUT_MAX]; /* faults.without resolved (NULL: unknown) */
	uint64_t fault_msgs; /* messages since the faults were set */
	uint64_t fault_count[LC_SIM_FAULT_KINDS];
	lc_sim_observer observer;
	void *observer_user;
	uint64_t messages;

	/* Headers already looked up (scpi_engine.c find_cmd): a driver sends the same few headers over and over,
	 * and walking every pattern was the largest part of a query's cost once the physics was cached. Keyed
	 * by the header as parsed (upper case, suffixes, common or not); cleared when a command is added. */
	struct lc_sim_memo {
		char key[96];
		size_t keylen;
		const struct lc_sim_cmd *cmd;
		int suffix[LC_SIM_SUFFIXES_MAX];
	} memo[LC_SIM_MEMO];
	unsigned nmemo, memo_next;
};

struct lc_sim_call {
	lc_sim_scpi *e;
	bool query;
	int suffix[LC_SIM_SUFFIXES_MAX];
	int nsuffix;
	lc_sim_param params[LC_SIM_PARAMS_MAX];
	int nparams;
	/* the response being built; this unit's reply starts at unit_start */
	uint8_t **out;
	size_t *out_len, *out_cap;
	size_t unit_start;
	bool oom;
	bool pushed; /* the handler pushed its own error (lc_sim_fail or an lc_sim_arg_* helper) */
};

/* scpi_error_queue.c: caller holds the lock. */
void lc_sim_errq_push(lc_sim_scpi *e, int code, const char *text);
int lc_sim_errq_pop(lc_sim_scpi *e, char *text, size_t cap);
void lc_sim_errq_clear(lc_sim_scpi *e);
/* "<standard text>;<detail>" (just the text without detail), cut to cap (> 0). */
void lc_sim_err_compose(char *out, size_t cap, int code, const char *detail);

/* scpi_tree.c */
int lc_sim_pattern_parse(const char *pattern, struct lc_sim_cmd *cmd, lc_diag *diag);
bool lc_sim_pattern_same(const struct lc_sim_cmd *a, const struct lc_sim_cmd *b);
/* Match a received header (nodes, common) against cmd; on success fills suffixes (default 1). */
bool lc_sim_pattern_match(const struct lc_sim_cmd *cmd, bool common, const struct lc_sim_hnode *h, int nh,
			  int *suffix);
/* Does text match a mnemonic pattern like "Watt" (short or long form, any case)? */
bool lc_sim_mnemonic_match(const char *pattern, const char *text, size_t len);

/* scpi_params.c: parse the parameters of one unit starting at *pos (after the header), up to ';' or the end.
 * Strings and character data are copied to arena (NUL-terminated). Returns 0 or an SCPI error code. */
int lc_sim_params_parse(char *msg, size_t len, size_t *pos, lc_sim_param *params, int *nparams, char *arena,
			size_t *arena_used, char *detail, size_t detail_cap);

/* scpi_common.c: the built-in commands (common commands and SYSTem:ERRor), matched after the instrument's. */
const struct lc_sim_cmd *lc_sim_builtin_find(bool common, const struct lc_sim_hnode *h, int nh, int *suffix);
void lc_sim_builtins_init(void);
/* Wait until the overlapped operation ends (lock held: the instrument is busy). */
void lc_sim_wait_pending(lc_sim_scpi *e);
/* Set ESR bit 0 if *OPC was given and the pending operation has ended (lock held). */
void lc_sim_update_opc(lc_sim_scpi *e);

/* scpi_out.c */
void lc_sim_out_reserve(lc_sim_call *c, size_t more);

#endif
