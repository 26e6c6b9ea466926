#include "tests/reports/schema_check.h"

#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct sc {
	const json_t *root;
	char *err;
	size_t errsz;
};

static int bad(struct sc *c, const char *path, const char *fmt, const char *arg)
{
	char msg[256];
	snprintf(msg, sizeof(msg), fmt, arg);
	snprintf(c->err, c->errsz, "%s: %s", *path ? path : "(root)", msg);
	return -1;
}

static bool type_is(const json_t *v, const char *t)
{
	if (!strcmp(t, "object")) return json_is_object(v);
	if (!strcmp(t, "array")) return json_is_array(v);
	if (!strcmp(t, "string")) return json_is_string(v);
	if (!strcmp(t, "integer")) return json_is_integer(v);
	if (!strcmp(t, "number")) return json_is_number(v);
	if (!strcmp(t, "boolean")) return json_is_boolean(v);
	if (!strcmp(t, "null")) return json_is_null(v);
	return false;
}

static int validate(struct sc *c, const json_t *s, const json_t *v, const char *path);

static int check_pattern(struct sc *c, const char *pat, const char *str, const char *path)
{
	regex_t re;
	if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) != 0)
		return bad(c, path, "schema pattern '%s' does not compile", pat);
	int rc = regexec(&re, str, 0, NULL, 0);
	regfree(&re);
	return rc == 0 ? 0 : bad(c, path, "does not match pattern %s", pat);
}

static int validate(struct sc *c, const json_t *s, const json_t *v, const char *path)
{
	if (!json_is_object(s))
		return bad(c, path, "%s", "schema is not an object");
	const char *kw;
	json_t *arg;
	json_object_foreach((json_t *)s, kw, arg) {
		char sub[512];
		if (!strcmp(kw, "$schema") || !strcmp(kw, "$id") || !strcmp(kw, "title") || !strcmp(kw, "description") ||
		    !strcmp(kw, "$defs")) {
			continue;
		} else if (!strcmp(kw, "$ref")) {
			const char *ref = json_string_value(arg);
			if (!ref || strncmp(ref, "#/$defs/", 8) != 0)
				return bad(c, path, "unsupported $ref %s", ref ? ref : "?");
			const json_t *target = json_object_get(json_object_get(c->root, "$defs"), ref + 8);
			if (!target)
				return bad(c, path, "unresolved $ref %s", ref);
			if (validate(c, target, v, path) < 0)
				return -1;
		} else if (!strcmp(kw, "type")) {
			bool ok = false;
			if (json_is_string(arg))
				ok = type_is(v, json_string_value(arg));
			for (size_t i = 0; json_is_array(arg) && i < json_array_size(arg); i++)
				ok |= type_is(v, json_string_value(json_array_get(arg, i)));
			if (!ok)
				return bad(c, path, "wrong type (want %s)", json_is_string(arg) ? json_string_value(arg) : "one of several");
		} else if (!strcmp(kw, "const")) {
			if (!json_equal(arg, (json_t *)v))
				return bad(c, path, "%s", "not the constant value");
		} else if (!strcmp(kw, "enum")) {
			bool ok = false;
			for (size_t i = 0; i < json_array_size(arg); i++)
				ok |= json_equal(json_array_get(arg, i), (json_t *)v);
			if (!ok)
				return bad(c, path, "%s", "not one of the enumerated values");
		} else if (!strcmp(kw, "pattern")) {
			if (json_is_string(v) && check_pattern(c, json_string_value(arg), json_string_value(v), path) < 0)
				return -1;
		} else if (!strcmp(kw, "minimum")) {
			if (json_is_number(v) && json_number_value(v) < json_number_value(arg))
				return bad(c, path, "%s", "below minimum");
		} else if (!strcmp(kw, "maximum")) {
			if (json_is_number(v) && json_number_value(v) > json_number_value(arg))
				return bad(c, path, "%s", "above maximum");
		} else if (!strcmp(kw, "minItems")) {
			if (json_is_array(v) && (json_int_t)json_array_size(v) < json_integer_value(arg))
				return bad(c, path, "%s", "too few items");
		} else if (!strcmp(kw, "maxItems")) {
			if (json_is_array(v) && (json_int_t)json_array_size(v) > json_integer_value(arg))
				return bad(c, path, "%s", "too many items");
		} else if (!strcmp(kw, "items")) {
			for (size_t i = 0; json_is_array(v) && i < json_array_size(v); i++) {
				snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
				if (validate(c, arg, json_array_get(v, i), sub) < 0)
					return -1;
			}
		} else if (!strcmp(kw, "required")) {
			for (size_t i = 0; json_is_object(v) && i < json_array_size(arg); i++)
				if (!json_object_get(v, json_string_value(json_array_get(arg, i))))
					return bad(c, path, "missing required member %s", json_string_value(json_array_get(arg, i)));
		} else if (!strcmp(kw, "properties")) {
			const char *k;
			json_t *ps;
			json_object_foreach(arg, k, ps) {
				const json_t *m = json_is_object(v) ? json_object_get(v, k) : NULL;
				snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", k);
				if (m && validate(c, ps, m, sub) < 0)
					return -1;
			}
		} else if (!strcmp(kw, "additionalProperties") || !strcmp(kw, "propertyNames")) {
			const json_t *props = json_object_get(s, "properties");
			const char *k;
			json_t *m;
			bool names = !strcmp(kw, "propertyNames");
			json_object_foreach((json_t *)(json_is_object(v) ? v : NULL), k, m) {
				snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", k);
				if (names) {
					json_t *ks = json_string(k);
					int rc = validate(c, arg, ks, sub);
					json_decref(ks);
					if (rc < 0)
						return -1;
					continue;
				}
				if (props && json_object_get(props, k))
					continue;
				if (json_is_false(arg))
					return bad(c, sub, "%s", "member not allowed by the schema");
				if (validate(c, arg, m, sub) < 0)
					return -1;
			}
		} else {
			return bad(c, path, "schema keyword %s is not supported by this validator", kw);
		}
	}
	return 0;
}

int th_schema_validate(const json_t *schema, const json_t *instance, char *err, size_t errsz)
{
	struct sc c = {schema, err, errsz};
	err[0] = 0;
	return validate(&c, schema, instance, "");
}
