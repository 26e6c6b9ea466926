/* Helpers shared by the simulator's engine tests: run a message, read the error queue. */
#ifndef LC_TESTS_SIM_TEST_UTIL_H
#define LC_TESTS_SIM_TEST_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "sim/scpi/scpi_engine.h"

/* Execute msg; the reply (NUL-terminated, may hold NUL bytes: see *len) is malloc'ed into a static slot
 * freed by the next call. Returns the action. */
static char *sim_last_reply;
static size_t sim_last_len;
static int sim_last_action;

static inline const char *sim_run(lc_sim_scpi *e, const char *msg)
{
	free(sim_last_reply);
	uint8_t *r = NULL;
	size_t len = 0, cap = 0;
	sim_last_action = lc_sim_scpi_execute(e, msg, strlen(msg), &r, &len, &cap, NULL);
	sim_last_reply = malloc(len + 1);
	if (len)
		memcpy(sim_last_reply, r, len);
	sim_last_reply[len] = '\0';
	sim_last_len = len;
	free(r);
	return sim_last_reply;
}

/* Pop one error: returns its code and copies its text. */
static inline int sim_err(lc_sim_scpi *e, char *text, size_t cap)
{
	return lc_sim_pop_error(e, text, cap);
}

#endif
