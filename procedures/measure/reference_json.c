/* References to and from JSON files (reference_json.h). */
#include "procedures/measure/reference_json.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

json_t *lc_reference_to_json(const lc_reference *r)
{
	if (!r || r->n_paths > LC_REF_MAX_PATHS || lc_ref_method_connections(r->method) < 0)
		return NULL;
	json_t *p = json_array();
	for (size_t i = 0; i < r->n_paths; i++) {
		if (!isfinite(r->ref_dbm[i])) {
			json_decref(p);
			return NULL;
		}
		json_array_append_new(p, json_real(r->ref_dbm[i]));
	}
	return json_pack("{s:s, s:s, s:f, s:I, s:I, s:s, s:s, s:o}", "format", LC_REFERENCE_FORMAT, "method",
			 lc_ref_method_name(r->method), "wavelength_nm", r->wavelength_nm, "taken_unix",
			 (json_int_t)r->taken_unix, "valid_s", (json_int_t)r->valid_s, "cords", r->cords, "instruments",
			 r->instruments, "ref_dbm", p);
}

int lc_reference_from_json(const json_t *o, const char *origin, lc_reference *out, lc_diag *diag)
{
	const char *where = origin ? origin : "reference";
	if (!json_is_object(o))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: an object is expected", where);
	static const char *const keys[] = {"format", "method", "wavelength_nm", "taken_unix", "valid_s", "cords",
					   "instruments", "ref_dbm", NULL};
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)o, key, v) {
		bool known = key[0] == '_';
		for (size_t i = 0; keys[i] && !known; i++)
			known = strcmp(keys[i], key) == 0;
		if (!known)
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: unknown key '%s'", where, key);
	}
	memset(out, 0, sizeof(*out));
	const char *fmt = json_string_value(json_object_get(o, "format"));
	if (!fmt || strcmp(fmt, LC_REFERENCE_FORMAT) != 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: format: '%s' expected", where, LC_REFERENCE_FORMAT);
	int m = lc_ref_method_parse(json_string_value(json_object_get(o, "method")));
	if (m < 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: method: 1-jumper, 2-jumper or 3-jumper expected", where);
	out->method = (enum lc_ref_method)m;
	json_t *wl = json_object_get(o, "wavelength_nm");
	if (!json_is_number(wl) || !(json_number_value(wl) > 100 && json_number_value(wl) < 5000))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: wavelength_nm: a wavelength in nm expected", where);
	out->wavelength_nm = json_number_value(wl);
	json_t *t = json_object_get(o, "taken_unix"), *vs = json_object_get(o, "valid_s");
	if (!json_is_integer(t) || json_integer_value(t) < 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: taken_unix: seconds since the epoch expected", where);
	if (!json_is_integer(vs) || json_integer_value(vs) <= 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: valid_s: a positive number of seconds expected", where);
	out->taken_unix = json_integer_value(t);
	out->valid_s = json_integer_value(vs);
	json_t *c = json_object_get(o, "cords");
	if (c && (!json_is_string(c) || strlen(json_string_value(c)) >= sizeof(out->cords)))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: cords: a string under %zu bytes expected", where,
				   sizeof(out->cords));
	snprintf(out->cords, sizeof(out->cords), "%s", c ? json_string_value(c) : "");
	/* optional: a file of 0.1 has none, and is then never reused (lc_reference_reusable) */
	json_t *ins = json_object_get(o, "instruments");
	if (ins && (!json_is_string(ins) || strlen(json_string_value(ins)) >= sizeof(out->instruments)))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: instruments: a string under %zu bytes expected", where,
				   sizeof(out->instruments));
	snprintf(out->instruments, sizeof(out->instruments), "%s", ins ? json_string_value(ins) : "");
	json_t *p = json_object_get(o, "ref_dbm");
	if (!json_is_array(p) || json_array_size(p) == 0 || json_array_size(p) > LC_REF_MAX_PATHS)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: ref_dbm: 1..%d powers in dBm expected", where,
				   LC_REF_MAX_PATHS);
	size_t i;
	json_array_foreach(p, i, v) {
		if (!json_is_number(v) || !isfinite(json_number_value(v)))
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: ref_dbm[%zu]: a number expected", where, i);
		out->ref_dbm[i] = json_number_value(v);
	}
	out->n_paths = json_array_size(p);
	return 0;
}

int lc_reference_save(const lc_reference *ref, const char *path, lc_diag *diag)
{
	if (!path)
		return lc_diag_set(diag, LC_ERR_ARG, "reference: no path");
	json_t *j = lc_reference_to_json(ref);
	if (!j)
		return lc_diag_set(diag, LC_ERR_ARG, "reference: incomplete (no method, or a path without power)");
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	json_decref(j);
	if (!text)
		return lc_diag_set(diag, LC_ERR_NOMEM, "reference: out of memory");
	char tmp[4200];
	int n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	int rc = 0;
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		free(text);
		return lc_diag_set(diag, LC_ERR_ARG, "reference: path too long");
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = lc_diag_set(diag, errno == EACCES ? LC_ERR_PERMISSION : LC_ERR_IO, "%s: %s", tmp, strerror(errno));
		free(text);
		return rc;
	}
	size_t len = strlen(text), done = 0;
	while (done < len && rc == 0) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno != EINTR)
			rc = lc_diag_set(diag, LC_ERR_IO, "%s: %s", tmp, strerror(errno));
		else if (w > 0)
			done += (size_t)w;
	}
	if (rc == 0 && (write(fd, "\n", 1) != 1 || fsync(fd) != 0))
		rc = lc_diag_set(diag, LC_ERR_IO, "%s: %s", tmp, strerror(errno));
	close(fd);
	free(text);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = lc_diag_set(diag, LC_ERR_IO, "%s: %s", path, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	return rc;
}

int lc_reference_load(const char *path, lc_reference *out, lc_diag *diag)
{
	if (!path || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "reference: no path or output");
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		if (access(path, R_OK) != 0)
			return lc_diag_set(diag, errno == ENOENT ? LC_ERR_NOT_FOUND : LC_ERR_PERMISSION, "%s: %s", path,
					   strerror(errno));
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s:%d:%d: %s", path, je.line, je.column, je.text);
	}
	int rc = lc_reference_from_json(j, path, out, diag);
	json_decref(j);
	return rc;
}
