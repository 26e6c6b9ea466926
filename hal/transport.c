/* The table of transports and the wrappers that dispatch to them (hal/transport.h). */
#include "hal/transport.h"

#include <stdlib.h>

#include "base/clock.h"
#include "hal/transport_priv.h"

struct lc_transport {
	const lc_transport_ops *ops;
	void *priv;
};

/* One entry per transport compiled in. */
static const lc_transport_ops *const transports[] = {
	&lc_transport_tcp_ops,
	&lc_transport_vxi11_ops,
	&lc_transport_hislip_ops,
	&lc_transport_usbtmc_ops,
	&lc_transport_serial_ops,
};

const lc_transport_ops *lc_transport_find(enum lc_resource_kind kind)
{
	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (transports[i]->kind == kind)
			return transports[i];
	return NULL;
}

void lc_transport_opts_init(lc_transport_opts *opts)
{
	*opts = (lc_transport_opts){.open_timeout_ms = 5000, .vxi11_max_send = 0};
}

int lc_transport_open(const lc_resource *res, const lc_transport_opts *opts, lc_transport **out, lc_diag *diag)
{
	lc_transport_opts defaults;
	if (!res || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "transport: NULL argument");
	*out = NULL;
	if (!opts) {
		lc_transport_opts_init(&defaults);
		opts = &defaults;
	}
	const lc_transport_ops *ops = lc_transport_find(res->kind);
	if (!ops)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "no %s transport in this build of lanecert",
				   lc_resource_kind_name(res->kind));
	lc_transport *t = calloc(1, sizeof(*t));
	if (!t)
		return lc_diag_set(diag, LC_ERR_NOMEM, "transport: out of memory");
	t->ops = ops;
	t->priv = calloc(1, ops->priv_size ? ops->priv_size : 1);
	if (!t->priv) {
		free(t);
		return lc_diag_set(diag, LC_ERR_NOMEM, "transport: out of memory");
	}
	int e = ops->open(t->priv, res, opts, lc_deadline_in(opts->open_timeout_ms), diag);
	if (e < 0) {
		free(t->priv);
		free(t);
		return e;
	}
	*out = t;
	return 0;
}

int lc_transport_write(lc_transport *t, const uint8_t *buf, size_t len, int64_t deadline, lc_diag *diag)
{
	return t->ops->write(t->priv, buf, len, deadline, diag);
}

int lc_transport_read(lc_transport *t, uint8_t *buf, size_t cap, bool *end, int64_t deadline, lc_diag *diag)
{
	*end = false;
	if (cap == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "transport read: zero-sized buffer");
	return t->ops->read(t->priv, buf, cap, end, deadline, diag);
}

int lc_transport_clear(lc_transport *t, int64_t deadline, lc_diag *diag)
{
	if (!t->ops->clear)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: no device clear", t->ops->name);
	return t->ops->clear(t->priv, deadline, diag);
}

int lc_transport_read_stb(lc_transport *t, uint8_t *stb, int64_t deadline, lc_diag *diag)
{
	if (!t->ops->read_stb)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: no status byte read", t->ops->name);
	return t->ops->read_stb(t->priv, stb, deadline, diag);
}

int lc_transport_stb_ask(lc_transport *t, int64_t deadline, lc_diag *diag)
{
	if (!t->ops->stb_ask)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: no status query ahead of a message", t->ops->name);
	return t->ops->stb_ask(t->priv, deadline, diag);
}

int lc_transport_stb_answer(lc_transport *t, uint8_t *stb, int64_t deadline, lc_diag *diag)
{
	if (!t->ops->stb_answer)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: no status query ahead of a message", t->ops->name);
	return t->ops->stb_answer(t->priv, stb, deadline, diag);
}

int lc_transport_drain(lc_transport *t)
{
	if (!t->ops->drain)
		return 0;
	return t->ops->drain(t->priv);
}

int lc_transport_wait_readable(lc_transport *t, int64_t deadline, lc_diag *diag)
{
	if (!t->ops->wait_readable)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: cannot wait for input", t->ops->name);
	return t->ops->wait_readable(t->priv, deadline, diag);
}

bool lc_transport_has_eom(const lc_transport *t)
{
	return t->ops->marks_end;
}

const lc_transport_ops *lc_transport_get_ops(const lc_transport *t)
{
	return t->ops;
}

int lc_transport_adopt(const lc_transport_ops *ops, void *priv, lc_transport **out)
{
	lc_transport *t = calloc(1, sizeof(*t));
	if (!t) {
		ops->close(priv);
		free(priv);
		return LC_ERR_NOMEM;
	}
	t->ops = ops;
	t->priv = priv;
	*out = t;
	return 0;
}

void *lc_transport_priv_if(lc_transport *t, const lc_transport_ops *ops)
{
	return t && t->ops == ops ? t->priv : NULL;
}

void lc_transport_close(lc_transport *t)
{
	if (!t)
		return;
	t->ops->close(t->priv);
	free(t->priv);
	free(t);
}
