#include "procedures/prompt.h"

#include <stdio.h>
#include <string.h>

void lc_prompter_init(lc_prompter *p, bool interactive, lc_prompt_ask_fn ask, void *user)
{
	memset(p, 0, sizeof(*p));
	p->interactive = interactive && ask;
	p->ask = ask;
	p->user = user;
	pthread_mutex_init(&p->lock, NULL);
}

void lc_prompter_destroy(lc_prompter *p)
{
	lc_scpi_close(p->automation);
	p->automation = NULL;
	pthread_mutex_destroy(&p->lock);
}

int lc_prompter_set_automation(lc_prompter *p, const char *resource, lc_diag *diag)
{
	lc_scpi_options o;
	lc_scpi_options_init(&o);
	/* A physical action (a robot swapping a cable) takes longer than an instrument's *OPC?. */
	o.opc_timeout_ms = 120000;
	/* A second call replaces the first connection (closed here, never leaked); a failed one keeps it. */
	lc_scpi *s = NULL;
	int rc = lc_scpi_open(resource, &o, &s, diag);
	if (rc < 0) {
		lc_diag_prefix(diag, "automation %s: ", resource);
		return rc;
	}
	pthread_mutex_lock(&p->lock);
	lc_scpi *old = p->automation;
	p->automation = s;
	pthread_mutex_unlock(&p->lock);
	lc_scpi_close(old);
	return 0;
}

/* Ask the automation to do what the prompt asks; the id names the action. */
static int automate(lc_prompter *p, unsigned slot, const char *id, lc_diag *diag)
{
	char cmd[128];
	int rc;
	for (const char *c = id; *c; c++)
		if (*c == '"' || (unsigned char)*c < 0x20)
			return lc_diag_set(diag, LC_ERR_ARG, "prompt id '%s' cannot be sent to the automation", id);
	snprintf(cmd, sizeof(cmd), "OPERATOR:ACTION \"%s\",%u", id, slot ? slot : 1);
	pthread_mutex_lock(&p->lock);
	rc = lc_scpi_write(p->automation, cmd);
	if (rc >= 0)
		rc = lc_scpi_wait_opc(p->automation);
	if (rc >= 0)
		rc = lc_scpi_check_errors(p->automation);
	if (rc < 0)
		lc_diag_set(diag, rc, "automation could not do '%s': %s", id, lc_scpi_last_detail(p->automation));
	pthread_mutex_unlock(&p->lock);
	return rc < 0 ? rc : 0;
}

int lc_prompter_add_answer(lc_prompter *p, const char *s, lc_diag *diag)
{
	const char *eq = s ? strchr(s, '=') : NULL;
	if (!eq || eq == s)
		return lc_diag_set(diag, LC_ERR_ARG, "answer '%s' is not ID=VALUE", s ? s : "");
	size_t idlen = (size_t)(eq - s);
	if (idlen >= sizeof(p->answers[0].id) || strlen(eq + 1) >= sizeof(p->answers[0].value))
		return lc_diag_set(diag, LC_ERR_ARG, "answer '%s' is too long", s);
	if (p->n_answers == LC_PROMPT_MAX_ANSWERS)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "more than %d pre-answered prompts", LC_PROMPT_MAX_ANSWERS);
	memcpy(p->answers[p->n_answers].id, s, idlen);
	p->answers[p->n_answers].id[idlen] = '\0';
	snprintf(p->answers[p->n_answers].value, sizeof(p->answers[0].value), "%s", eq + 1);
	p->n_answers++;
	return 0;
}

/* An answer is never cut: a fiber number "12" cut to "1" would be another fiber. */
static int put_answer(char *answer, size_t cap, const char *s, const char *id, lc_diag *diag)
{
	if (strlen(s) >= cap)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "prompt '%s': the answer '%s' does not fit in %zu bytes", id, s,
				   cap);
	memcpy(answer, s, strlen(s) + 1);
	return 0;
}

static const char *find_answer(const lc_prompter *p, const char *id)
{
	for (size_t i = 0; i < p->n_answers; i++)
		if (strcmp(p->answers[i].id, id) == 0)
			return p->answers[i].value;
	return NULL;
}

int lc_prompt_ask(lc_prompter *p, unsigned slot, const char *id, const char *text, enum lc_prompt_kind kind,
		  const char *default_answer, char *answer, size_t cap, lc_diag *diag)
{
	const char *pre = find_answer(p, id);
	int rc = 0;

	if (cap == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "prompt '%s': no room for the answer", id);
	if (pre)
		return put_answer(answer, cap, pre, id, diag);
	if (kind == LC_PROMPT_CONFIRM && p->automation) {
		if ((rc = automate(p, slot, id, diag)) < 0)
			return rc;
		return put_answer(answer, cap, "ok", id, diag);
	}
	if (!p->interactive) {
		if (kind == LC_PROMPT_CONFIRM)
			return put_answer(answer, cap, "ok", id, diag);
		if (default_answer)
			return put_answer(answer, cap, default_answer, id, diag);
		return lc_diag_set(diag, LC_ERR_STATE,
				   "prompt '%s' (\"%s\") needs an answer in non-interactive mode: --answer %s=VALUE",
				   id, text, id);
	}
	pthread_mutex_lock(&p->lock);
	rc = p->ask(p->user, id, text, kind, default_answer, answer, cap);
	pthread_mutex_unlock(&p->lock);
	if (rc == LC_ERR_ABORTED)
		return lc_diag_set(diag, LC_ERR_ABORTED, "operator declined prompt '%s'", id);
	if (rc < 0)
		return lc_diag_set(diag, rc, "prompt '%s' failed", id);
	return 0;
}
