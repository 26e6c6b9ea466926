/* Opening an instrument: session, *IDN?, registry match, driver attach; the lock and the snapshot. */
#include "instruments/instrument_priv.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "instruments/json_text.h"

#define LC_LOG_DOMAIN "instrument"

static const char *const class_names[LC_CLASS_COUNT] = {
	[LC_CLASS_NONE] = "none",
	[LC_CLASS_POWER_METER] = "power_meter",
	[LC_CLASS_SOURCE] = "source",
	[LC_CLASS_RL_METER] = "rl_meter",
	[LC_CLASS_SWITCH] = "switch",
	[LC_CLASS_BERT] = "bert",
	[LC_CLASS_OTDR] = "otdr",
	[LC_CLASS_MODULE] = "module",
	[LC_CLASS_SUPPLY] = "supply",
};

const char *lc_inst_class_name(enum lc_inst_class c)
{
	if ((int)c < 0 || c >= LC_CLASS_COUNT)
		return "none";
	return class_names[c];
}

int lc_inst_class_parse(const char *name)
{
	if (!name)
		return LC_ERR_NOT_FOUND;
	for (int c = LC_CLASS_POWER_METER; c < LC_CLASS_COUNT; c++)
		if (strcasecmp(class_names[c], name) == 0)
			return c;
	return LC_ERR_NOT_FOUND;
}

void lc_instrument_opts_init(lc_instrument_opts *o)
{
	memset(o, 0, sizeof(*o));
	lc_transport_opts_init(&o->transport);
}

int lc_instrument_open(const char *resource, const lc_instrument_opts *opts, lc_instrument **out, lc_diag *diag)
{
	if (!resource || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "instrument: NULL resource or output");
	*out = NULL;
	lc_scpi_options so;
	lc_scpi_options_init(&so);
	if (opts) {
		so.transport = opts->transport;
		if (opts->timeout_ms > 0)
			so.timeout_ms = opts->timeout_ms;
	}
	lc_scpi *s = NULL;
	int rc = lc_scpi_open(resource, &so, &s, diag);
	if (rc < 0)
		return rc;
	return lc_instrument_open_scpi(s, opts, out, diag);
}


/* Errors queued before lanecert's first command are the instrument's own (a previous session, the front
 * panel, a power-on self test): they are read and cleared here, before anything is sent, and refuse the
 * instrument under their own name, rather than being reported later as the answer to lanecert's first
 * command. A station with a stale error is not in a known state: the run is an error and says why. */
static int drain_pending(lc_instrument *inst, lc_diag *diag)
{
	if (inst->quirks.errors == LC_ERRQ_NONE)
		return 0;
	lc_scpi_error e[2];
	int n = lc_scpi_drain_errors(inst->scpi, e, 2);
	if (n < 0)
		return lc_diag_set(diag, n, "reading its error queue before the first command: %s",
				   lc_scpi_last_detail(inst->scpi));
	if (n == 0)
		return 0;
	return lc_diag_set(diag, LC_ERR_INSTRUMENT,
			   "errors were pending in its queue before lanecert's first command (the instrument's own, "
			   "now cleared): %d,\"%s\"%s",
			   e[0].code, e[0].text, n > 1 ? " and more" : "");
}

/* The queries the driver needs (lc_driver.required), before attach: a refusal names the query, and the
 * instrument's own reason comes from the session ("the instrument refused ':X?' (-113 Undefined header)",
 * at once on the transports that can tell, after the timeout on the others; where the queue was not known
 * empty before the query, "the instrument's error queue holds ... it or a command before it was refused"). */
static int check_required(lc_instrument *inst, lc_diag *diag)
{
	for (const char *const *q = inst->driver->required; q && *q; q++) {
		char reply[256];
		int rc = lc_inst_query(inst, diag, reply, sizeof(reply), "%s", *q);
		if (rc < 0) /* the session's detail names the query and the instrument's reason */
			return lc_diag_set(diag, rc, "requires '%s': %s", *q, lc_scpi_last_detail(inst->scpi));
	}
	return 0;
}

/* Ask each optional feature's probe (lc_driver.features), after attach: an answer is present, a refusal (a command or
 * execution error in its queue: LC_ERR_INSTRUMENT) absent; any other failure (no answer, a broken link)
 * fails the open, since then nothing can be told about the instrument. */
static int detect_features(lc_instrument *inst, lc_diag *diag)
{
	const lc_inst_feature *f = inst->driver->features;
	for (size_t i = 0; f && f[i].name; i++) {
		if (i >= 32)
			return lc_diag_set(diag, LC_ERR_OVERFLOW, "driver %s declares more than 32 features",
					   inst->driver->name);
		lc_diag d;
		lc_diag_clear(&d);
		int rc;
		if (f[i].block) {
			uint8_t *data = NULL;
			size_t len = 0;
			rc = lc_scpi_query_block(inst->scpi, f[i].probe, &data, &len);
			free(data);
			if (rc < 0)
				lc_diag_set(&d, rc, "%s: %s", f[i].probe, lc_scpi_last_detail(inst->scpi));
			else
				rc = lc_inst_check_errors(inst, f[i].probe, &d);
		} else {
			char reply[256];
			rc = lc_inst_query(inst, &d, reply, sizeof(reply), "%s", f[i].probe);
		}
		if (rc == LC_ERR_INSTRUMENT) {
			inst->features_absent |= UINT32_C(1) << i;
			lc_info("%s: %s %s has no %s (%s)", lc_scpi_resource(inst->scpi), inst->idn.vendor, inst->idn.model,
				f[i].name, lc_diag_message(&d));
		} else if (rc < 0) {
			return lc_diag_set(diag, rc, "detecting %s: %s", f[i].name, lc_diag_message(&d));
		}
	}
	return 0;
}

bool lc_inst_has_feature(const lc_instrument *inst, const char *name)
{
	const lc_inst_feature *f = inst && inst->driver ? inst->driver->features : NULL;
	for (size_t i = 0; f && f[i].name && i < 32; i++)
		if (strcmp(f[i].name, name) == 0)
			return !(inst->features_absent & (UINT32_C(1) << i));
	return false;
}

int lc_instrument_feature_at(const lc_instrument *inst, size_t i, const char **name)
{
	if (!inst || !inst->driver || !name)
		return LC_ERR_ARG;
	const lc_inst_feature *f = inst->driver->features;
	for (size_t k = 0; f && f[k].name && k < 32; k++)
		if (k == i) {
			*name = f[k].name;
			return !(inst->features_absent & (UINT32_C(1) << k));
		}
	return LC_ERR_NOT_FOUND;
}

int lc_instrument_open_scpi(lc_scpi *session, const lc_instrument_opts *opts, lc_instrument **out,
			    lc_diag *diag)
{
	if (!session || !out) {
		lc_scpi_close(session);
		return lc_diag_set(diag, LC_ERR_ARG, "instrument: NULL session or output");
	}
	*out = NULL;
	lc_idn idn;
	/* *IDN? or, for non-SCPI instruments, their own identity query (instruments/identities.def) */
	const lc_identity *asked = NULL;
	int rc = lc_registry_identify(session, opts ? opts->driver : NULL, &idn, &asked, diag);
	if (rc == 0 && opts && opts->idn_out)
		*opts->idn_out = idn;
	const lc_model *model = NULL;
	if (rc == 0)
		rc = lc_registry_match(&idn, &model, diag);
	const lc_driver *drv = NULL;
	if (rc == 0) {
		drv = lc_registry_driver(model->driver);
		if (!drv) /* a models.def row naming a driver missing from drivers.def: a build mistake */
			rc = lc_diag_set(diag, LC_ERR_NOT_FOUND, "model %s: driver '%s' is not registered",
					 idn.model, model->driver);
		else if (strcmp(asked->name, drv->identity ? drv->identity : "idn") != 0)
			/* e.g. a late *IDN? reply read as the answer to IDER: never bind on a crossed answer */
			rc = lc_diag_set(diag, LC_ERR_NOT_FOUND, "%s %s answered '%s', but its driver %s is identified by "
					 "'%s'", idn.vendor, idn.model, asked->name, drv->name,
					 drv->identity ? drv->identity : "idn");
		else if (opts && opts->driver && opts->driver[0] && strcmp(opts->driver, drv->name) != 0)
			/* the instrument answered and is known: the station file is wrong about it, not the station */
			rc = lc_diag_set(diag, LC_ERR_FORMAT, "the station names driver %s, but %s %s is served by %s",
					 opts->driver, idn.vendor, idn.model, drv->name);
	}
	if (rc < 0) {
		lc_scpi_close(session);
		return rc;
	}
	lc_instrument *inst = calloc(1, sizeof(*inst));
	if (!inst) {
		lc_scpi_close(session);
		return lc_diag_set(diag, LC_ERR_NOMEM, "instrument: out of memory");
	}
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&inst->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	inst->scpi = session;
	inst->idn = idn;
	inst->model = model;
	inst->driver = drv;
	if (opts && opts->name)
		snprintf(inst->name, sizeof(inst->name), "%s", opts->name);
	inst->keep_state = opts && opts->restore;
	inst->has_layout = opts && opts->layout && opts->layout[0];
	lc_quirks_effective(&model->quirks, &inst->quirks);
	if (opts && opts->timeout_ms > 0)
		inst->quirks.timeout_ms = opts->timeout_ms;
	lc_scpi_set_timeout(session, inst->quirks.timeout_ms);
	lc_scpi_set_opc_timeout(session, inst->quirks.opc_timeout_ms);
	/* the station's limits for this one instrument win over its model's (a flooding peer stops there) */
	if (opts && opts->max_line > 0)
		inst->quirks.max_line = opts->max_line;
	if (opts && opts->max_block > 0)
		inst->quirks.max_block = opts->max_block;
	rc = lc_scpi_set_max_reply(session, inst->quirks.max_line, inst->quirks.max_block);
	if (rc < 0) {
		lc_diag_set(diag, rc, "%s: reply limits %zu / %zu bytes are out of range", lc_scpi_resource(session),
			    inst->quirks.max_line, inst->quirks.max_block);
		inst->driver = NULL; /* not attached: no detach */
		lc_instrument_close(inst);
		return rc;
	}
	lc_scpi_set_errors_without_stb(session, inst->quirks.errors == LC_ERRQ_SYST_ERR);
	rc = drain_pending(inst, diag);
	if (rc == 0)
		rc = check_required(inst, diag);
	if (rc == 0 && drv->attach)
		rc = drv->attach(inst, opts, diag);
	/* after attach: a driver's own refusal (no sensor) is said first; the operations ask the result */
	if (rc == 0 && (rc = detect_features(inst, diag)) < 0 && drv->detach)
		drv->detach(inst);
	if (rc < 0) {
		lc_diag_prefix(diag, "%s %s: ", drv->name, idn.model);
		/* what attach changed before it failed goes back too (its own failure is the one reported) */
		lc_inst_undo(inst, NULL);
		inst->driver = NULL; /* never attached, or attach cleaned up after itself: no detach */
		lc_instrument_close(inst);
		return rc;
	}
	lc_dbg("%s: %s %s (serial %s) bound to %s", lc_scpi_resource(session), idn.vendor, idn.model, idn.serial,
	       drv->name);
	*out = inst;
	return 0;
}

void lc_instrument_close(lc_instrument *inst)
{
	if (!inst)
		return;
	if (inst->driver && inst->driver->detach)
		inst->driver->detach(inst);
	for (size_t i = 0; i < inst->n_undo; i++) /* not replayed: lc_instrument_restore() is the caller's */
		free(inst->undo[i]);
	free(inst->undo);
	lc_scpi_close(inst->scpi);
	pthread_mutex_destroy(&inst->lock);
	free(inst);
}

static const lc_class_ops *find_class(const lc_instrument *inst, enum lc_inst_class c)
{
	if (!inst || !inst->driver || !inst->driver->classes)
		return NULL;
	for (const lc_class_ops *const *p = inst->driver->classes; *p; p++)
		if ((*p)->cls == c)
			return *p;
	return NULL;
}

bool lc_instrument_has_class(const lc_instrument *inst, enum lc_inst_class c)
{
	if (!find_class(inst, c))
		return false;
	return inst->driver->has_class ? inst->driver->has_class(inst, c) : true;
}

enum lc_inst_class lc_instrument_class(const lc_instrument *inst)
{
	if (!inst || !inst->driver || !inst->driver->classes)
		return LC_CLASS_NONE;
	for (const lc_class_ops *const *p = inst->driver->classes; *p; p++)
		if (lc_instrument_has_class(inst, (*p)->cls))
			return (*p)->cls;
	return LC_CLASS_NONE;
}

int lc_instrument_port_class(const lc_instrument *inst, unsigned port, enum lc_inst_class *cls, int *channel,
			     lc_diag *diag)
{
	if (!inst || !inst->driver || !cls || !channel || port == 0 || port > (unsigned)INT_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "port class: NULL argument or port %u", port);
	if (inst->driver->port_class) {
		int rc = inst->driver->port_class(inst, port, cls, channel);
		if (rc < 0)
			return lc_diag_set(diag, rc, "%s (%s) has no port %u", inst->idn.model, inst->driver->name, port);
		return 0;
	}
	*cls = lc_instrument_class(inst);
	*channel = (int)port;
	return 0;
}

const void *lc_instrument_class_ops(const lc_instrument *inst, enum lc_inst_class c)
{
	return lc_instrument_has_class(inst, c) ? find_class(inst, c) : NULL;
}

const lc_idn *lc_instrument_idn(const lc_instrument *inst)
{
	return inst ? &inst->idn : NULL;
}

const char *lc_instrument_driver_name(const lc_instrument *inst)
{
	return inst && inst->driver ? inst->driver->name : "none";
}

const lc_quirks *lc_instrument_quirks(const lc_instrument *inst)
{
	return inst ? &inst->quirks : NULL;
}

lc_scpi *lc_instrument_scpi(lc_instrument *inst)
{
	return inst ? inst->scpi : NULL;
}

void lc_instrument_lock(lc_instrument *inst)
{
	pthread_mutex_lock(&inst->lock);
}

void lc_instrument_unlock(lc_instrument *inst)
{
	pthread_mutex_unlock(&inst->lock);
}

int lc_instrument_restore(lc_instrument *inst, lc_diag *diag)
{
	if (!inst)
		return lc_diag_set(diag, LC_ERR_ARG, "restore: NULL instrument");
	lc_instrument_lock(inst);
	int rc = lc_inst_undo(inst, diag);
	lc_instrument_unlock(inst);
	return rc;
}

/* Without a layout a mainframe or a BERT opens no class: what it says it has is what probe can show. */
static int add_modules(lc_instrument *inst, json_t *o, lc_diag *diag)
{
	enum { CAP = 40 };
	lc_inst_module *m = calloc(CAP, sizeof *m);
	if (!m)
		return lc_diag_set(diag, LC_ERR_NOMEM, "snapshot: out of memory");
	lc_diag d;
	lc_diag_clear(&d);
	int n = inst->driver->inventory(inst, m, CAP, &d);
	if (n < 0) {
		free(m);
		return lc_diag_set(diag, n, "listing the modules: %s", lc_diag_message(&d));
	}
	json_t *a = json_array();
	for (int i = 0; i < n && a; i++)
		json_array_append_new(a, json_pack("{s:i, s:i, s:s, s:s, s:s}", "unit", (int)m[i].unit, "slot",
						   (int)m[i].slot, "model", m[i].model, "detail", m[i].detail, "layout",
						   m[i].layout));
	free(m);
	if (!a)
		return lc_diag_set(diag, LC_ERR_NOMEM, "snapshot: out of memory");
	json_object_set_new(o, "modules", a);
	if (inst->inventory_note[0])
		json_object_set_new(o, "modules_note", json_string(inst->inventory_note));
	return 0;
}

/* Built with jansson, handed out as text (no jansson type crosses the public API). */
int lc_instrument_snapshot(lc_instrument *inst, char **json, lc_diag *diag)
{
	if (json)
		*json = NULL;
	if (!inst || !json)
		return lc_diag_set(diag, LC_ERR_ARG, "snapshot: NULL argument");
	json_t *o = json_object();
	json_t *idn = json_object();
	if (!o || !idn) {
		json_decref(o);
		json_decref(idn);
		return lc_diag_set(diag, LC_ERR_NOMEM, "snapshot: out of memory");
	}
	json_object_set_new(o, "driver", json_string(inst->driver->name));
	json_object_set_new(o, "class", json_string(lc_inst_class_name(lc_instrument_class(inst))));
	json_object_set_new(idn, "vendor", json_string(inst->idn.vendor));
	json_object_set_new(idn, "manufacturer", json_string(inst->idn.vendor_raw));
	json_object_set_new(idn, "model", json_string(inst->idn.model));
	json_object_set_new(idn, "serial", json_string(inst->idn.serial));
	json_object_set_new(idn, "firmware", json_string(inst->idn.firmware));
	json_object_set_new(o, "idn", idn);
	json_t *classes = json_array();
	json_object_set_new(o, "classes", classes);
	lc_instrument_lock(inst);
	int rc = 0;
	for (const lc_class_ops *const *p = inst->driver->classes; *p && rc == 0; p++) {
		if (!lc_instrument_has_class(inst, (*p)->cls))
			continue;
		json_array_append_new(classes, json_string(lc_inst_class_name((*p)->cls)));
		if ((*p)->snapshot)
			rc = (*p)->snapshot(inst, o, diag);
	}
	if (rc == 0 && inst->driver->inventory && !inst->has_layout)
		rc = add_modules(inst, o, diag);
	if (rc == 0 && inst->driver->features && inst->driver->features[0].name) {
		json_t *fo = json_object();
		const char *name;
		int has;
		for (size_t i = 0; fo && (has = lc_instrument_feature_at(inst, i, &name)) >= 0; i++)
			json_object_set_new(fo, name, json_boolean(has));
		if (!fo)
			rc = lc_diag_set(diag, LC_ERR_NOMEM, "snapshot: out of memory");
		else
			json_object_set_new(o, "features", fo);
	}
	lc_instrument_unlock(inst);
	if (rc < 0) {
		json_decref(o);
		return rc;
	}
	return lc_json_text(o, json, diag);
}
