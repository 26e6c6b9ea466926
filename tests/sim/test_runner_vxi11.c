/*
 * Without --port-base each instrument gets its own loopback address and its real transport: the N7745C on
 * VXI-11 found through the portmapper on port 111 of its address, as liblxi and PyVISA find it. Needs the
 * privilege to bind port 111; without it the runner serves a socket and says so, and this test checks that.
 */
#include <criterion/criterion.h>

#include "simworld_util.h"
#include "tests/sim/rpc_test_client.h"
#include <lanecert/hal.h>

/* PMAPPROC_GETPORT v2 over TCP: the port of (prog, vers, TCP). */
static int getport(const char *addr, uint32_t prog)
{
	int fd = net_connect(addr, 111);
	if (fd < 0)
		return -1;
	static rpc_msg m;
	rpc_call(&m, true, 9, 100000, 2, 3);
	rpc_put(&m, prog);
	rpc_put(&m, 1);
	rpc_put(&m, 6);
	rpc_put(&m, 0);
	int port = rpc_tcp(fd, &m) == 0 ? (int)rpc_get(&m) : -1;
	close(fd);
	return port;
}

Test(sim_runner, own_addresses_and_vxi11_through_the_portmapper)
{
	json_t *root = sw_scenario_json("dr4-breakout-good");
	json_object_set_new(json_object_get(json_object_get(root, "instruments"), "bert"), "kind", json_string("none"));
	lc_diag d;
	lc_sim_scenario *sc = sw_scenario_from(root, &d);
	json_decref(root);
	cr_assert(sc, "%s", lc_diag_message(&d));
	lc_sim_runner_opts o;
	lc_sim_runner_opts_init(&o);
	o.time_scale = 0;
	lc_sim_runner *r = NULL;
	for (int attempt = 0; attempt < 20 && !r; attempt++) {
		o.address_block = 100 + (int)((getpid() + attempt * 37) % 150);
		if (lc_sim_runner_start(sc, &o, &r, &d) < 0 && d.code != LC_ERR_BUSY)
			cr_assert_fail("%s", lc_diag_message(&d));
	}
	cr_assert(r, "no free address block");
	lc_sim_runner_info in;
	bool found = false;
	for (size_t i = 0; i < lc_sim_runner_count(r) && !found; i++)
		found = lc_sim_runner_info_at(r, i, &in) == 0 && !strcmp(in.role, "meter");
	cr_assert(found);
	char addr[32];
	snprintf(addr, sizeof(addr), "127.77.%d.2", o.address_block);
	if (in.note[0]) {
		/* no privilege for port 111: a socket at the real 5025, and the note says why */
		cr_assert(strstr(in.note, "VXI-11 served as SOCKET"), "%s", in.note);
		char want[64];
		snprintf(want, sizeof(want), "TCPIP0::%s::5025::SOCKET", addr);
		cr_assert_str_eq(in.resource, want);
	} else {
		char want[64];
		snprintf(want, sizeof(want), "TCPIP0::%s::inst0::INSTR", addr);
		cr_assert_str_eq(in.resource, want);
		int port = getport(addr, VXI_CORE);
		cr_assert(port > 0, "portmapper of %s", addr);
		int fd = net_connect(addr, port);
		cr_assert(fd >= 0);
		uint32_t lid, max;
		cr_assert_eq(vxi_create_link(fd, "inst0", false, &lid, &max), 0);
		uint32_t size, reason;
		cr_assert_eq(vxi_write(fd, lid, "*IDN?\n", 6, true, &size), 0);
		char buf[256];
		size_t n;
		cr_assert_eq(vxi_read(fd, lid, sizeof(buf) - 1, 2000, -1, buf, &n, &reason), 0);
		cr_assert(!strncmp(buf, "Keysight Technologies,N7745C,", 29), "%s", buf);
		vxi_destroy_link(fd, lid);
		close(fd);
	}
	/* the control instrument on .254 */
	char ctl[64];
	snprintf(ctl, sizeof(ctl), "TCPIP0::127.77.%d.254::5025::SOCKET", o.address_block);
	cr_assert_str_eq(lc_sim_runner_control_resource(r), ctl);
	lc_sim_runner_stop(r);
	lc_sim_scenario_free(sc);
}

/* Start scenario root; the resource the runner gives role "bert" into resource. The runner keeps using the
 * scenario: *sc is freed after lc_sim_runner_stop(). */
static lc_sim_runner *start_bert(json_t *root, lc_sim_scenario **sc_out, char *resource, size_t cap)
{
	lc_diag d;
	lc_sim_scenario *sc = sw_scenario_from(root, &d);
	json_decref(root);
	cr_assert(sc, "%s", lc_diag_message(&d));
	*sc_out = sc;
	lc_sim_runner *r = sw_start(sc, 1, &d);
	cr_assert(r, "%s", lc_diag_message(&d));
	lc_sim_runner_info in;
	for (size_t i = 0; i < lc_sim_runner_count(r); i++)
		if (lc_sim_runner_info_at(r, i, &in) == 0 && !strcmp(in.role, "bert"))
			snprintf(resource, cap, "%s", in.resource);
	return r;
}

/* The M8040A is reached over HiSLIP like the real one (instrument-dialects.md §4.2) unless the scenario picks
 * another transport for it; either way it answers *IDN? through lanecert's own client. */
Test(sim_runner, m8040a_defaults_to_hislip_and_takes_a_socket_when_asked)
{
	static const char *const transports[] = {NULL, "socket"};
	for (int k = 0; k < 2; k++) {
		json_t *root = sw_scenario_json("dr4-breakout-good");
		json_t *bert = json_object_get(json_object_get(root, "instruments"), "bert");
		json_object_set_new(bert, "kind", json_string("keysight_m8040a"));
		if (transports[k])
			json_object_set_new(bert, "transport", json_string(transports[k]));
		char res[256] = "";
		lc_sim_scenario *sc = NULL;
		lc_sim_runner *r = start_bert(root, &sc, res, sizeof(res));
		if (k == 0)
			cr_assert(!strncmp(res, "TCPIP0::127.0.0.1::hislip0,", 27) && strstr(res, "::INSTR"), "%s", res);
		else
			cr_assert(strstr(res, "::SOCKET"), "%s", res);
		lc_scpi *s = NULL;
		lc_diag d;
		cr_assert_eq(lc_scpi_open(res, NULL, &s, &d), 0, "%s: %s", res, lc_diag_message(&d));
		char idn[256];
		cr_assert_gt(lc_scpi_query(s, "*IDN?", idn, sizeof(idn)), 0, "%s", lc_scpi_last_detail(s));
		cr_assert(!strncmp(idn, "Keysight Technologies,M8040A,", 29), "%s", idn);
		lc_scpi_close(s);
		lc_sim_runner_stop(r);
		lc_sim_scenario_free(sc);
	}
}
