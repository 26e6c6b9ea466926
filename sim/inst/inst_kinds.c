/* The table of simulated instrument kinds: the built-in ones of inst_kinds.def, then run-time additions. */
#include <pthread.h>
#include <string.h>

#include "sim/inst/inst_kind.h"
#include "sim/sim.h"

#define LC_SIM_KIND(sym) extern const lc_sim_inst_kind sym;
#include "sim/inst/inst_kinds.def"
#undef LC_SIM_KIND

static const lc_sim_inst_kind *const builtin[] = {
#define LC_SIM_KIND(sym) &sym,
#include "sim/inst/inst_kinds.def"
#undef LC_SIM_KIND
};

#define EXTRA_MAX 32
static const lc_sim_inst_kind *extra[EXTRA_MAX];
static size_t n_extra;
static pthread_mutex_t extra_mu = PTHREAD_MUTEX_INITIALIZER;

const lc_sim_inst_kind *lc_sim_kind_at(size_t i)
{
	size_t nb = sizeof(builtin) / sizeof(builtin[0]);
	if (i < nb)
		return builtin[i];
	pthread_mutex_lock(&extra_mu);
	const lc_sim_inst_kind *k = i - nb < n_extra ? extra[i - nb] : NULL;
	pthread_mutex_unlock(&extra_mu);
	return k;
}

const lc_sim_inst_kind *lc_sim_kind_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0;; i++) {
		const lc_sim_inst_kind *k = lc_sim_kind_at(i);
		if (!k || !strcmp(k->name, name))
			return k;
	}
}

int lc_sim_kind_register(const lc_sim_inst_kind *k)
{
	if (!k || !k->name || !k->create)
		return LC_ERR_ARG;
	if (lc_sim_kind_find(k->name))
		return LC_ERR_BUSY;
	pthread_mutex_lock(&extra_mu);
	int rc = n_extra < EXTRA_MAX ? (extra[n_extra++] = k, 0) : LC_ERR_OVERFLOW;
	pthread_mutex_unlock(&extra_mu);
	return rc;
}

int lc_sim_kind_describe(size_t i, const char **name, const char **instrument_class, const char **summary)
{
	const lc_sim_inst_kind *k = lc_sim_kind_at(i);
	if (!k)
		return LC_ERR_NOT_FOUND;
	*name = k->name;
	*instrument_class = k->instrument_class ? k->instrument_class : "";
	*summary = k->summary;
	return 0;
}
