/* Several DUT slots at once: one thread per slot, each running lc_procedure_run on its own result. */
#include <pthread.h>
#include <stdlib.h>

#include "procedures/engine.h"

struct slot_job {
	const lc_run_setup *setup;
	lc_result *result;
	lc_diag *diag;
	int rc;
	pthread_t thread;
	bool started;
};

static void *slot_main(void *arg)
{
	struct slot_job *j = arg;
	j->rc = lc_procedure_run(j->setup, j->result, j->diag);
	if (j->setup->finished)
		j->setup->finished(j->setup->finished_user, j->setup->slot, j->result, j->rc);
	return NULL;
}

int lc_procedure_run_slots(const lc_run_setup *setups, lc_result *const *results, size_t n, int *rcs, lc_diag *diags)
{
	struct slot_job *jobs = calloc(n ? n : 1, sizeof(*jobs));
	if (!jobs)
		return LC_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		jobs[i] = (struct slot_job){.setup = &setups[i], .result = results[i], .diag = &diags[i]};
		/* A slot that cannot get a thread runs in this one: it is never skipped. */
		jobs[i].started = pthread_create(&jobs[i].thread, NULL, slot_main, &jobs[i]) == 0;
		if (!jobs[i].started)
			slot_main(&jobs[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].thread, NULL);
		rcs[i] = jobs[i].rc;
	}
	free(jobs);
	return 0;
}
