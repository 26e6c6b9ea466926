/*
 * lanecert plan CABLE [--json] [--wavelength NM]... [--limits FILE]... [--limit-set NAME] [--fixtures DIR]
 * Checks a cable type or a channel design before anything is ordered or measured: the expected fiber map,
 * the loss budget per wavelength with each contribution, the applicable IEEE channel limit, and every
 * consistency error with the component causing it. Exit 0 when the design has no errors, 1 when it has a
 * consistency error or its loss budget exceeds the channel limit at any wavelength.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/limit_set.h"
#include <lanecert/channel.h>
#include <lanecert/limits.h>

#define PLAN_MAX_WL 8

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lanecert plan CABLE [--json] [--wavelength NM]... [--limits FILE]... [--limit-set NAME]\n"
		"                     [--fixtures DIR]\n\n"
		"Prints the expected fiber map, the loss budget per wavelength with each contribution, the applicable\n"
		"IEEE channel limit and every consistency error of a cable type or channel design.\n"
		"CABLE is a name from fixtures/cables/ (e.g. dr4-mpo12apc-4xlc), the path of a cable or chain file,\n"
		"or - to read the design from standard input.\n\n"
		"  --json            machine-readable output (fiber_map, budget_db keyed by wavelength, issues)\n"
		"  --wavelength NM   budget at this wavelength (repeatable; default: the cable's, else the mode's test\n"
		"                    wavelengths from the limits)\n"
		"  --limits FILE     add custom limit rows (a row with an existing id replaces it)\n"
		"  --limit-set NAME  price the mated pairs with this limit set (reference-grade, typical,\n"
		"                    standard-max: limits/limit-sets.json) instead of the design's own\n"
		"  --fixtures DIR    data directory (default: $LANECERT_FIXTURES, the checkout, the installed data)\n\n"
		"exit: 0 the design is sound, 1 it has consistency errors or its budget exceeds the channel limit,\n"
		"      64 usage (also an unknown --limit-set), 65 bad file, 66 not found\n");
}

struct plan {
	const lc_channel *ch;
	const lc_limits *lim;
	size_t n_wl;
	double wl[PLAN_MAX_WL];
	lc_budget budget[PLAN_MAX_WL];
	int budget_rc[PLAN_MAX_WL];
	lc_diag budget_diag[PLAN_MAX_WL];
	const lc_limit *il;
	lc_check_result il_check[PLAN_MAX_WL];
};

static const char *severity_name(enum lc_issue_severity s)
{
	return s == LC_SEVERITY_ERROR ? "error" : "warning";
}

/* Wavelengths whose budget exceeds the channel limit: a design that cannot work is an error of the design. */
static size_t over_limit_count(const struct plan *p)
{
	size_t n = 0;
	for (size_t w = 0; w < p->n_wl; w++)
		if (p->budget_rc[w] == 0 && p->il && p->il_check[w].verdict == LC_VERDICT_FAIL)
			n++;
	return n;
}

static void print_text(const struct plan *p)
{
	const lc_channel *ch = p->ch;
	printf("%s", lc_channel_name(ch));
	if (lc_channel_description(ch)[0])
		printf(": %s", lc_channel_description(ch));
	printf("\n");
	printf("pmd %s, fiber %s %s\n", lc_channel_pmd(ch)[0] ? lc_channel_pmd(ch) : "(none)",
	       lc_fiber_mode_name(lc_channel_mode(ch)), lc_fiber_category_name(lc_channel_category(ch)));
	printf("limit set %s\n", lc_channel_limit_set(ch)[0] ? lc_channel_limit_set(ch) : "(none: the standard's maximum)");
	printf("\ncomponents:\n");
	for (size_t i = 0; i < lc_channel_component_count(ch); i++) {
		const lc_component *c = lc_channel_component(ch, i);
		printf("  %-12s %-11s", c->id, lc_component_kind_name(c->kind));
		if (c->polarity)
			printf(" %s", lc_polarity_name(c->polarity));
		if (c->category)
			printf(" %s", lc_fiber_category_name(c->category));
		if (c->length_m > 0)
			printf(" %.1f m", c->length_m);
		if (c->type_name[0])
			printf("  (%s)", c->type_name);
		printf("\n");
	}
	printf("\nfiber map (%zu):\n", lc_channel_map_count(ch));
	for (size_t i = 0; i < lc_channel_map_count(ch); i++) {
		const lc_map_entry *m = lc_channel_map(ch, i);
		printf("  %-8s -> %s\n", m->from, m->to);
	}
	if (lc_channel_is_active_or_copper(ch))
		printf("\nbudget: none (active or copper cable: lanes are judged by BER)\n");
	for (size_t w = 0; w < p->n_wl; w++) {
		if (p->budget_rc[w] < 0) {
			printf("\nbudget at %.0f nm: not computed: %s\n", p->wl[w], lc_diag_message(&p->budget_diag[w]));
			continue;
		}
		const lc_budget *b = &p->budget[w];
		const lc_map_entry *m = lc_channel_map(ch, b->path);
		printf("\nbudget at %.0f nm: %.3f dB over %.1f m (worst path %s -> %s)%s\n", p->wl[w], b->total_db,
		       b->length_m, m->from, m->to, b->unconfirmed ? ", uses UNCONFIRMED rows" : "");
		for (size_t i = 0; i < b->count; i++) {
			const lc_budget_item *it = &b->items[i];
			printf("  %7.3f dB  %s", it->loss_db, it->description);
			if (it->limit_id[0])
				printf("  [%s%s]", it->limit_id, it->unconfirmed ? ", UNCONFIRMED" : "");
			printf("\n");
		}
		if (p->il) {
			const lc_check_result *r = &p->il_check[w];
			printf("  limit %s: max %.2f dB, margin %+.3f dB: %s%s\n", p->il->id, p->il->high, r->margin,
			       lc_verdict_name(r->verdict), p->il->unconfirmed ? " (UNCONFIRMED limit)" : "");
		}
	}
	if (!p->il && lc_channel_pmd(ch)[0] && !lc_channel_is_active_or_copper(ch))
		printf("\nno IEEE channel limit row for %s\n", lc_channel_pmd(ch));
	size_t ni = lc_channel_issue_count(ch);
	printf("\nconsistency: %zu error(s), %zu warning(s)\n", lc_channel_error_count(ch),
	       ni - lc_channel_error_count(ch));
	for (size_t i = 0; i < ni; i++) {
		const lc_issue *is = lc_channel_issue(ch, i);
		printf("  %s %s [%s]: %s\n", severity_name(is->severity), lc_issue_code_name(is->code), is->component,
		       is->message);
	}
	size_t over = over_limit_count(p);
	if (over == 0 && lc_channel_error_count(ch) == 0) {
		printf("\ndesign: ok\n");
		return;
	}
	printf("\ndesign: not sound\n");
	if (lc_channel_error_count(ch))
		printf("  %zu consistency error(s) (above)\n", lc_channel_error_count(ch));
	for (size_t w = 0; w < p->n_wl; w++)
		if (p->budget_rc[w] == 0 && p->il && p->il_check[w].verdict == LC_VERDICT_FAIL)
			printf("  budget %.3f dB at %.0f nm exceeds the %s limit of %.2f dB by %.3f dB\n",
			       p->budget[w].total_db, p->wl[w], p->il->id, p->il->high, -p->il_check[w].margin);
}

static json_t *budget_json(const struct plan *p, size_t w)
{
	const lc_budget *b = &p->budget[w];
	const lc_map_entry *m = lc_channel_map(p->ch, b->path);
	json_t *items = json_array();
	for (size_t i = 0; i < b->count; i++) {
		const lc_budget_item *it = &b->items[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:f, s:f, s:s, s:b}", "kind", lc_budget_kind_name(it->kind),
				      "component", it->component, "other", it->other, "description", it->description,
				      "count", (int)it->count, "each", it->each, "loss_db", it->loss_db, "limit_id",
				      it->limit_id, "unconfirmed", it->unconfirmed);
		if (it->kind == LC_BUDGET_FIBER)
			json_object_set_new(o, "length_m", json_real(it->length_m));
		json_array_append_new(items, o);
	}
	json_t *o = json_pack("{s:f, s:f, s:f, s:s, s:s, s:b, s:o}", "wavelength_nm", p->wl[w], "total_db", b->total_db,
			      "length_m", b->length_m, "from", m->from, "to", m->to, "unconfirmed", b->unconfirmed,
			      "items", items);
	if (p->il) {
		const lc_check_result *r = &p->il_check[w];
		json_object_set_new(o, "limit", json_pack("{s:s, s:f, s:f, s:s, s:b, s:s}", "id", p->il->id, "max",
							  p->il->high, "margin_db", r->margin, "verdict",
							  lc_verdict_name(r->verdict), "unconfirmed", p->il->unconfirmed,
							  "source", p->il->source));
	}
	return o;
}

static int print_json(const struct plan *p)
{
	const lc_channel *ch = p->ch;
	json_t *root = json_object(), *comps = json_array(), *map = json_array(), *bdb = json_object(),
	       *bud = json_object(), *issues = json_array(), *notes = json_object();
	if (!root || !comps || !map || !bdb || !bud || !issues || !notes)
		return LC_EXIT_SOFTWARE;
	json_object_set_new(root, "cable", json_string(lc_channel_name(ch)));
	json_object_set_new(root, "description", json_string(lc_channel_description(ch)));
	json_object_set_new(root, "pmd", json_string(lc_channel_pmd(ch)));
	json_object_set_new(root, "mode", json_string(lc_fiber_mode_name(lc_channel_mode(ch))));
	json_object_set_new(root, "category", json_string(lc_fiber_category_name(lc_channel_category(ch))));
	json_object_set_new(root, "limit_set",
			    lc_channel_limit_set(ch)[0] ? json_string(lc_channel_limit_set(ch)) : json_null());
	for (size_t i = 0; i < lc_channel_component_count(ch); i++) {
		const lc_component *c = lc_channel_component(ch, i);
		json_t *o = json_pack("{s:s, s:s, s:s, s:f}", "id", c->id, "kind", lc_component_kind_name(c->kind), "type",
				      c->type_name, "length_m", c->length_m);
		if (c->polarity)
			json_object_set_new(o, "polarity", json_string(lc_polarity_name(c->polarity)));
		if (c->category)
			json_object_set_new(o, "category", json_string(lc_fiber_category_name(c->category)));
		json_array_append_new(comps, o);
	}
	json_object_set_new(root, "components", comps);
	for (size_t i = 0; i < lc_channel_map_count(ch); i++) {
		const lc_map_entry *m = lc_channel_map(ch, i);
		json_array_append_new(map, json_pack("{s:s, s:s}", "from", m->from, "to", m->to));
	}
	json_object_set_new(root, "fiber_map", map);
	for (size_t w = 0; w < p->n_wl; w++) {
		char key[32];
		snprintf(key, sizeof(key), "%.0f", p->wl[w]);
		if (p->budget_rc[w] < 0) {
			json_object_set_new(notes, key, json_string(lc_diag_message(&p->budget_diag[w])));
			continue;
		}
		json_object_set_new(bdb, key, json_real(round(p->budget[w].total_db * 1e6) / 1e6));
		json_object_set_new(bud, key, budget_json(p, w));
	}
	json_object_set_new(root, "budget_db", bdb);
	json_object_set_new(root, "budget", bud);
	if (json_object_size(notes))
		json_object_set_new(root, "budget_not_computed", notes);
	else
		json_decref(notes);
	for (size_t i = 0; i < lc_channel_issue_count(ch); i++) {
		const lc_issue *is = lc_channel_issue(ch, i);
		json_array_append_new(issues, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", lc_issue_code_name(is->code),
							"severity", severity_name(is->severity), "component",
							is->component, "other", is->other, "port", is->port, "message",
							is->message));
	}
	json_object_set_new(root, "issues", issues);
	json_object_set_new(root, "errors", json_integer((json_int_t)lc_channel_error_count(ch)));
	json_object_set_new(root, "budget_over_limit", json_integer((json_int_t)over_limit_count(p)));
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (!s)
		return LC_EXIT_SOFTWARE;
	printf("%s\n", s);
	free(s);
	return 0;
}

/* "-": a design piped in (a chain file being edited, generated by a script). */
static int load_stdin(const char *fixtures, lc_channel **ch, lc_diag *diag)
{
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, stdin)) > 0) {
		n += got;
		if (n == cap) {
			char *nb = cap < (16u << 20) ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				return lc_diag_set(diag, LC_ERR_OVERFLOW, "<stdin>: too large for a design");
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (!buf)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	int rc = lc_channel_parse(buf, n, "<stdin>", fixtures, ch, diag);
	free(buf);
	return rc;
}

static void add_wl(struct plan *p, double wl)
{
	for (size_t i = 0; i < p->n_wl; i++)
		if (fabs(p->wl[i] - wl) < 0.5)
			return;
	if (p->n_wl < PLAN_MAX_WL)
		p->wl[p->n_wl++] = wl;
}

int lc_cmd_plan(int argc, char **argv)
{
	const char *cable = NULL, *fixtures = NULL, *limit_set = NULL;
	const char *extra[16];
	size_t n_extra = 0;
	bool json = false;
	static struct plan p;
	memset(&p, 0, sizeof(p));
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"wavelength", required_argument, NULL, 'w'},
					     {"limits", required_argument, NULL, 'l'},
					     {"limit-set", required_argument, NULL, 's'},
					     {"fixtures", required_argument, NULL, 'f'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = lc_cli_getopt("plan", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return LC_EXIT_OK;
		case 'j': json = true; break;
		case 'f': fixtures = optarg; break;
		case 's': limit_set = optarg; break;
		case 'w': {
			char *end;
			double wl = strtod(optarg, &end);
			if (*end || end == optarg || !(wl >= 600 && wl <= 1700)) {
				lc_cli_error("plan", "--wavelength %s: give a wavelength in nm (600..1700)", optarg);
				return LC_EXIT_USAGE;
			}
			add_wl(&p, wl);
			break;
		}
		case 'l':
			if (n_extra == 16) {
				lc_cli_error("plan", "at most 16 --limits files");
				return LC_EXIT_USAGE;
			}
			extra[n_extra++] = optarg;
			break;
		default: return LC_EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (cable) {
			lc_cli_error("plan", "one cable at a time ('%s' and '%s')", cable, argv[i]);
			return LC_EXIT_USAGE;
		}
		cable = argv[i];
	}
	if (!cable) {
		usage(stderr);
		return LC_EXIT_USAGE;
	}
	lc_diag diag;
	lc_diag_clear(&diag);
	lc_limits *lim = NULL;
	lc_channel *ch = NULL;
	int rc = lc_limits_load(fixtures, &lim, &diag);
	for (size_t i = 0; rc == 0 && i < n_extra; i++)
		rc = lc_limits_add_file(lim, extra[i], &diag);
	if (rc < 0) {
		lc_limits_free(lim);
		return lc_cli_fail("plan", rc, &diag, NULL);
	}
	if (strcmp(cable, "-") == 0)
		rc = load_stdin(fixtures, &ch, &diag);
	else
		rc = lc_channel_load(cable, fixtures, &ch, &diag);
	if (rc < 0) {
		lc_limits_free(lim);
		return lc_cli_fail("plan", rc, &diag, NULL); /* the detail names the file */
	}
	int set_rc = lc_cli_limit_set("plan", lim, ch, limit_set);
	if (set_rc != LC_EXIT_OK) {
		lc_channel_free(ch);
		lc_limits_free(lim);
		return set_rc;
	}
	p.ch = ch;
	p.lim = lim;
	if (!p.n_wl && !lc_channel_is_active_or_copper(ch)) {
		double wl[PLAN_MAX_WL];
		size_t n = lc_channel_wavelengths(ch, wl, PLAN_MAX_WL);
		if (!n)
			n = lc_limits_test_wavelengths(lim, lc_channel_mode(ch), wl, PLAN_MAX_WL);
		for (size_t i = 0; i < n && i < PLAN_MAX_WL; i++)
			add_wl(&p, wl[i]);
	}
	/* no budget without a cable: a transceiver on its own only shows its pinout */
	bool lone_module = lc_channel_component_count(ch) == 1 &&
			   lc_channel_component(ch, 0)->kind == LC_COMP_TRANSCEIVER;
	if (lc_channel_is_active_or_copper(ch) || lone_module)
		p.n_wl = 0;
	if (lc_channel_map_count(ch) == 0)
		p.n_wl = 0;
	if (lc_channel_pmd(ch)[0])
		p.il = lc_limits_channel_il(lim, lc_channel_pmd(ch), lc_channel_category(ch));
	for (size_t w = 0; w < p.n_wl; w++) {
		p.budget_rc[w] = lc_channel_budget(ch, lim, p.wl[w], &p.budget[w], &p.budget_diag[w]);
		if (p.budget_rc[w] == 0 && p.il)
			lc_limit_check(p.il, p.budget[w].total_db, &p.il_check[w]);
	}
	int out = json ? print_json(&p) : (print_text(&p), 0);
	if (out == 0 && (lc_channel_error_count(ch) > 0 || over_limit_count(&p) > 0))
		out = LC_EXIT_FAIL;
	lc_channel_free(ch);
	lc_limits_free(lim);
	return out;
}
