/* USB and serial discovery on whatever machine runs the tests (often no USB bus and few serial ports):
 * the calls succeed, say why when a bus is unreachable, and every resource string they give parses back. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/discover_local.h"

Test(discover_local, bad_arguments)
{
	lc_diag d;
	size_t n;
	lc_usb_found *u;
	lc_serial_found *s;
	cr_assert_eq(lc_discover_usb(NULL, &n, &d), LC_ERR_ARG);
	cr_assert_eq(lc_discover_usb(&u, NULL, &d), LC_ERR_ARG);
	cr_assert_eq(lc_discover_serial(NULL, &n, &d), LC_ERR_ARG);
	cr_assert_eq(lc_discover_serial(&s, NULL, &d), LC_ERR_ARG);
}

Test(discover_local, usb_entries_are_usbtmc_resources)
{
	lc_usb_found *u = NULL;
	size_t n = 99;
	lc_diag d;
	int e = lc_discover_usb(&u, &n, &d);
	cr_assert_geq(e, 0, "%s", d.text);
	cr_assert_eq((size_t)e, n);
	if (n == 0)
		cr_assert(d.text[0] != '\0' || u == NULL, "an empty scan says why or simply finds nothing");
	for (size_t i = 0; i < n; i++) {
		lc_resource r;
		if (!u[i].resource[0]) {
			cr_assert_neq(u[i].error, 0, "no resource string without a reason");
			cr_assert(u[i].problem[0] != '\0');
			continue;
		}
		cr_assert_eq(lc_resource_parse(u[i].resource, &r, NULL), 0, "%s", u[i].resource);
		cr_assert_eq(r.kind, LC_RES_USBTMC);
		cr_assert_eq(r.vid, u[i].vid);
		cr_assert_eq(r.pid, u[i].pid);
	}
	free(u);
}

Test(discover_local, serial_entries_are_asrl_resources)
{
	lc_serial_found *s = NULL;
	size_t n = 99;
	lc_diag d;
	int e = lc_discover_serial(&s, &n, &d);
	cr_assert_geq(e, 0, "%s", d.text);
	cr_assert_eq((size_t)e, n);
	for (size_t i = 0; i < n; i++) {
		lc_resource r;
		cr_assert_eq(lc_resource_parse(s[i].resource, &r, NULL), 0, "%s", s[i].resource);
		cr_assert_eq(r.kind, LC_RES_ASRL);
		cr_assert_str_eq(r.path, s[i].path);
		cr_assert(strcmp(s[i].transport, "usb") == 0 || (s[i].vid == -1 && s[i].pid == -1));
	}
	free(s);
}

/* lanecert discover with the LXI methods off: the report names the buses scanned and lists their finds. */
Test(discover_local, cli_reports_usb_and_serial)
{
	const char *cli = getenv("LC_CLI");
	cr_assert_not_null(cli);
	char cmd[1024], out[65536];
	snprintf(cmd, sizeof(cmd), "'%s' discover --no-vxi11 --no-mdns --json", cli);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	cr_assert_eq(pclose(p), 0, "%s", out);
	cr_assert(strstr(out, "\"scanned\": [\n    \"usb\",\n    \"serial\"\n  ]") != NULL, "%s", out);
	cr_assert(strstr(out, "\"usb_devices\": [") != NULL, "%s", out);
	cr_assert(strstr(out, "\"serial_ports\": [") != NULL, "%s", out);
	snprintf(cmd, sizeof(cmd), "'%s' discover --no-vxi11 --no-mdns --no-usb --no-serial", cli);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	cr_assert_eq(pclose(p), 0, "%s", out);
	cr_assert(strstr(out, "Scanned: nothing\nNot scanned: USB, serial\n") != NULL, "%s", out);
}
