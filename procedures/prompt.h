/*
 * Operator prompts ("connect the reference cord to the source"), with a non-interactive mode for factory
 * automation and CI.
 *
 * A prompt has an id, a text and a kind. Resolution order:
 *   1. a pre-answer for the id (`--answer ID=VALUE` on the command line, or a station file's answers);
 *   2. a confirmation on a station with automation (the station file's "automation" resource: a line
 *      controller, a robot's gateway, or the simulator's simulated operator) is sent to it as
 *      `OPERator:ACTion "<id>",<slot>` followed by `*OPC?`, and confirmed when the action completed without an
 *      entry in its error queue (docs/procedures.md describes the protocol);
 *   3. non-interactive: a confirmation is confirmed, a question takes its default; a question without a
 *      default is an error that names the id, so a CI run never hangs waiting for a keyboard;
 *   4. interactive: the host's ask callback (the CLI reads the terminal).
 *
 * Thread safety: an lc_prompter is shared by the slots of a run; lc_prompt_ask serialises callbacks.
 */
#ifndef LC_PROCEDURES_PROMPT_H
#define LC_PROCEDURES_PROMPT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "hal/scpi.h"

enum lc_prompt_kind { LC_PROMPT_CONFIRM = 0, LC_PROMPT_QUESTION };

/* Ask the operator; write the answer (NUL-terminated) to answer. Return 0, LC_ERR_ABORTED if the operator
 * declined, or another error. */
typedef int (*lc_prompt_ask_fn)(void *user, const char *id, const char *text, enum lc_prompt_kind kind,
				const char *default_answer, char *answer, size_t cap);

#define LC_PROMPT_MAX_ANSWERS 32

typedef struct lc_prompter {
	bool interactive;
	lc_prompt_ask_fn ask;
	void *user;
	size_t n_answers;
	struct {
		char id[64];
		char value[192];
	} answers[LC_PROMPT_MAX_ANSWERS];
	lc_scpi *automation; /* owned; NULL without automation */
	pthread_mutex_t lock;
} lc_prompter;

void lc_prompter_init(lc_prompter *p, bool interactive, lc_prompt_ask_fn ask, void *user);
void lc_prompter_destroy(lc_prompter *p);
/* Connect the station's automation resource (see above). */
int lc_prompter_set_automation(lc_prompter *p, const char *resource, lc_diag *diag);
/* Add a pre-answer from "ID=VALUE". LC_ERR_ARG if malformed, LC_ERR_OVERFLOW if too many. */
int lc_prompter_add_answer(lc_prompter *p, const char *id_equals_value, lc_diag *diag);
/* slot: the station slot the prompt is about (0: the whole station), passed on to the automation. */
int lc_prompt_ask(lc_prompter *p, unsigned slot, const char *id, const char *text, enum lc_prompt_kind kind,
		  const char *default_answer, char *answer, size_t cap, lc_diag *diag);

#endif
