/* The pages' queries on the local SQLite results store, through the public lc_store_query(). The store is
 * opened on first use and kept: serve may start before the first run creates it. Also what every backend
 * shares: lc_sq_open() and the row helpers. */
#include "serve/query.h"
#include "serve/query_priv.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct sqlite_impl {
	char path[1100];
	bool default_path;
	pthread_mutex_t lock; /* guards the lazy open */
	lc_store *store;
};

static int sqlite_each(void *impl, const lc_sq_filter *f, lc_sq_row_fn fn, void *user, lc_diag *diag)
{
	struct sqlite_impl *s = impl;
	pthread_mutex_lock(&s->lock);
	if (!s->store) {
		int rc = lc_store_open_mode(s->default_path ? NULL : s->path, LC_STORE_EXISTING, &s->store, diag);
		if (rc == LC_ERR_NOT_FOUND) {
			pthread_mutex_unlock(&s->lock);
			return 0; /* no store yet: no runs */
		}
		if (rc < 0) {
			pthread_mutex_unlock(&s->lock);
			return rc;
		}
	}
	lc_store *store = s->store;
	pthread_mutex_unlock(&s->lock);
	lc_store_filter sf = lc_sq_store_filter(f); /* the run id too: /runs/ID reads one row by its key */
	struct lc_sq_adapter c = {f, fn, user, 0, 0};
	int rc = lc_store_query(store, &sf, lc_sq_adapt, &c, diag);
	if (rc < 0)
		return rc;
	return c.stop ? c.stop : c.matched;
}

static void sqlite_close(void *impl)
{
	struct sqlite_impl *s = impl;
	lc_store_close(s->store);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Counts the rows and passes each on. The run id the stores filter themselves (by primary key); checked again
 * here, since a page that asked for one run must never show another. */
int lc_sq_adapt(const lc_store_row *row, void *user)
{
	struct lc_sq_adapter *c = user;
	if (c->f->id && row->id != c->f->id)
		return 0;
	c->matched++;
	c->stop = c->fn(row, c->user);
	return c->stop ? 1 : 0;
}

static const lc_sq_backend sqlite_backend = {"sqlite", sqlite_each, sqlite_close, NULL, NULL};

int lc_sq_open(const char *db, lc_sq **out, lc_diag *diag)
{
	*out = NULL;
	if (db && (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0))
		return lc_sq_open_fleet(db, out, diag);
	lc_sq *q = calloc(1, sizeof(*q));
	struct sqlite_impl *s = calloc(1, sizeof(*s));
	if (!q || !s) {
		free(q);
		free(s);
		return lc_diag_set(diag, LC_ERR_NOMEM, "store");
	}
	if (db) {
		if (strlen(db) >= sizeof(s->path)) {
			free(q);
			free(s);
			return lc_diag_set(diag, LC_ERR_ARG, "--db: path too long");
		}
		strcpy(s->path, db);
	} else {
		int rc = lc_store_default_path(s->path, sizeof(s->path), diag);
		if (rc < 0) {
			free(q);
			free(s);
			return rc;
		}
		s->default_path = true;
	}
	pthread_mutex_init(&s->lock, NULL);
	q->backend = &sqlite_backend;
	q->impl = s;
	strcpy(q->where, s->path);
	*out = q;
	return 0;
}

int lc_sq_each(lc_sq *q, const lc_sq_filter *f, lc_sq_row_fn fn, void *user, lc_diag *diag)
{
	return q->backend->each(q->impl, f, fn, user, diag);
}

int lc_sq_report(lc_sq *q, int64_t id, lc_fleet_report *out, lc_diag *diag)
{
	if (!q->backend->report) {
		memset(out, 0, sizeof(*out));
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "this store keeps its reports as files");
	}
	return q->backend->report(q->impl, id, out, diag);
}

int lc_sq_report_file(lc_sq *q, int64_t id, const char *name, char **data, size_t *len, lc_diag *diag)
{
	*data = NULL;
	if (!q->backend->report_file)
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "this store keeps its reports as files");
	return q->backend->report_file(q->impl, id, name, data, len, diag);
}

void lc_sq_close(lc_sq *q)
{
	if (!q)
		return;
	q->backend->close(q->impl);
	free(q);
}

static char *dup_or_null(const char *s, bool *ok)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*ok = false;
	return d;
}

lc_store_row *lc_sq_row_dup(const lc_store_row *r)
{
	lc_store_row *d = malloc(sizeof(*d));
	if (!d)
		return NULL;
	*d = *r;
	bool ok = true;
	d->serial = dup_or_null(r->serial, &ok);
	d->cable_type = dup_or_null(r->cable_type, &ok);
	d->station = dup_or_null(r->station, &ok);
	d->operator_name = dup_or_null(r->operator_name, &ok);
	d->procedure = dup_or_null(r->procedure, &ok);
	d->reason = dup_or_null(r->reason, &ok);
	d->report_path = dup_or_null(r->report_path, &ok);
	d->report_sha256 = dup_or_null(r->report_sha256, &ok);
	/* every string of the row: *d = *r copied pointers into the statement, valid only during the callback */
	d->job = dup_or_null(r->job, &ok);
	d->customer = dup_or_null(r->customer, &ok);
	d->site = dup_or_null(r->site, &ok);
	if (!ok) {
		lc_sq_row_free(d);
		return NULL;
	}
	return d;
}

void lc_sq_row_free(lc_store_row *r)
{
	if (!r)
		return;
	free((char *)r->serial);
	free((char *)r->cable_type);
	free((char *)r->station);
	free((char *)r->operator_name);
	free((char *)r->procedure);
	free((char *)r->reason);
	free((char *)r->report_path);
	free((char *)r->report_sha256);
	free((char *)r->job);
	free((char *)r->customer);
	free((char *)r->site);
	free(r);
}
