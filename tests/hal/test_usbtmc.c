/* The USBTMC transport through the SCPI session, against the device model of usbtmc_device_model.c: every
 * case asserts exact replies or exact error codes, and what the device saw (aborts, clears, halts, tags). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/discover_local.h"
#include "hal/scpi.h"
#include "hal/usb_io.h"
#include "hal/usbtmc_proto.h"
#include "tests/hal/usbtmc_device_model.h"

static lc_usbtmc_model *M;

static void setup(void)
{
	M = lc_usbtmc_model_new();
	cr_assert_not_null(M);
	lc_usb_set_backend(&M->backend);
}

static void teardown(void)
{
	lc_usb_set_backend(NULL);
	lc_usbtmc_model_free(M);
}

TestSuite(usbtmc, .init = setup, .fini = teardown, .timeout = 30);

static lc_scpi *open_model(void)
{
	char res[128];
	lc_scpi *s = NULL;
	lc_diag d;
	lc_scpi_options o;
	lc_scpi_options_init(&o);
	o.timeout_ms = 2000;
	snprintf(res, sizeof(res), "USB0::0x%04X::0x%04X::%s::INSTR", M->vid, M->pid, M->serial);
	int e = lc_scpi_open(res, &o, &s, &d);
	cr_assert_eq(e, 0, "open %s: %s", res, d.text);
	return s;
}

static void assert_query(lc_scpi *s, const char *cmd, const char *want)
{
	char buf[512];
	int n = lc_scpi_query(s, cmd, buf, sizeof(buf));
	cr_assert_eq(n, (int)strlen(want), "%s: %d (%s)", cmd, n, n < 0 ? lc_scpi_last_detail(s) : buf);
	cr_assert_str_eq(buf, want);
}

Test(usbtmc, idn_and_clean_wire)
{
	lc_scpi *s = open_model();
	assert_query(s, "*IDN?", "LANECERT,USBTMC-MODEL,M0001,1.0");
	cr_assert_str_eq(M->last_command, "*IDN?");
	cr_assert_eq(M->requests, 1);
	cr_assert_eq(M->transfers_in, 1);
	cr_assert_eq(M->tag_errors + M->pad_errors + M->ctrl_errors, 0);
	cr_assert_eq(M->termchar_requests, 0, "TermChar is never requested");
	cr_assert_str_eq(lc_scpi_resource(s), "USB0::0x1313::0x8078::M0001::0::INSTR");
	lc_scpi_close(s);
	cr_assert_eq(M->opens, 1);
	cr_assert_eq(M->closes, 1);
}

Test(usbtmc, padding_for_every_length)
{
	lc_scpi *s = open_model();
	const char *words[] = {"a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg"};
	for (size_t i = 0; i < 7; i++) {
		char cmd[32];
		snprintf(cmd, sizeof(cmd), "ECHO? %s", words[i]);
		assert_query(s, cmd, words[i]);
	}
	cr_assert_eq(M->pad_errors, 0);
	lc_scpi_close(s);
}

Test(usbtmc, btag_wraps_and_skips_zero)
{
	lc_scpi *s = open_model();
	for (int i = 0; i < 300; i++) {
		char cmd[32], want[16];
		snprintf(cmd, sizeof(cmd), "ECHO? %d", i);
		snprintf(want, sizeof(want), "%d", i);
		assert_query(s, cmd, want);
	}
	cr_assert_eq(M->tag_errors, 0, "every bTag follows the previous one and is never 0");
	cr_assert_geq(M->tag_wraps, 2, "600 transfers wrap bTag twice");
	lc_scpi_close(s);
}

static void assert_block(lc_scpi *s, size_t n)
{
	char cmd[32];
	uint8_t *data = NULL;
	size_t len = 0;
	snprintf(cmd, sizeof(cmd), "BLOCK? %zu", n);
	int e = lc_scpi_query_block(s, cmd, &data, &len);
	cr_assert_geq(e, 0, "%s: %s", cmd, lc_scpi_last_detail(s));
	cr_assert_eq(len, n);
	for (size_t i = 0; i < n; i++)
		if (data[i] != (uint8_t)(i % 256))
			cr_assert_fail("byte %zu is %u", i, data[i]);
	free(data);
}

Test(usbtmc, reply_split_over_transfers)
{
	M->split = 1000;
	lc_scpi *s = open_model();
	assert_block(s, 5000);
	cr_assert_eq(M->transfers_in, 6, "5008 bytes in transfers of 1000: five without EOM, one with");
	cr_assert_eq(M->requests, 6);
	assert_query(s, "*IDN?", "LANECERT,USBTMC-MODEL,M0001,1.0");
	lc_scpi_close(s);
}

Test(usbtmc, transfer_longer_than_one_read)
{
	lc_scpi *s = open_model();
	assert_block(s, 300000); /* one transfer, several bulk-IN reads: the header is in the first only */
	cr_assert_eq(M->transfers_in, 1);
	assert_query(s, "*IDN?", "LANECERT,USBTMC-MODEL,M0001,1.0");
	lc_scpi_close(s);
}

Test(usbtmc, zero_length_packet_after_a_full_read)
{
	lc_scpi *s = open_model();
	/* "#565516" + 65516 bytes + "\n" = 65524 bytes of payload: with the header exactly one 64 KiB read, a
	 * multiple of wMaxPacketSize, so the device ends the transfer with a zero-length packet */
	assert_block(s, 65516);
	cr_assert(M->zlp_due, "the model owes a zero-length packet");
	assert_query(s, "*IDN?", "LANECERT,USBTMC-MODEL,M0001,1.0");
	cr_assert_not(M->zlp_due);
	lc_scpi_close(s);
}

Test(usbtmc, stall_on_bulk_in_clears_the_halt)
{
	lc_scpi *s = open_model();
	M->stall_in = 1;
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), LC_ERR_IO);
	cr_assert(strstr(lc_scpi_last_detail(s), "stalled") != NULL, "%s", lc_scpi_last_detail(s));
	cr_assert_eq(M->halts_cleared_in, 1);
	cr_assert_not(M->halted_in);
	assert_query(s, "ECHO? after", "after");
	lc_scpi_close(s);
}

Test(usbtmc, stall_on_bulk_out_clears_the_halt)
{
	lc_scpi *s = open_model();
	M->stall_out = 1;
	cr_assert_eq(lc_scpi_write(s, "*CLS"), LC_ERR_IO);
	cr_assert_geq(M->halts_cleared_out, 1);
	cr_assert_not(M->halted_out);
	assert_query(s, "ECHO? after", "after");
	lc_scpi_close(s);
}

Test(usbtmc, wrong_btag_is_a_protocol_error_then_recovers)
{
	lc_scpi *s = open_model();
	M->wrong_tag = 1;
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, "ECHO? one", buf, sizeof(buf)), LC_ERR_PROTOCOL);
	cr_assert(strstr(lc_scpi_last_detail(s), "bTag") != NULL, "%s", lc_scpi_last_detail(s));
	cr_assert_eq(M->aborts_in, 1, "the transfer with the foreign bTag is aborted");
	cr_assert_eq(M->clears, 1, "the session clears the device after an abandoned reply");
	assert_query(s, "ECHO? two", "two");
	lc_scpi_close(s);
}

Test(usbtmc, read_timeout_aborts_bulk_in_and_recovers)
{
	lc_scpi *s = open_model();
	lc_scpi_set_timeout(s, 300); /* the withheld transfer is waited for until the deadline */
	M->timeout_in = 1;
	M->check_pending = 2; /* CHECK_ABORT_BULK_IN_STATUS and CHECK_CLEAR_STATUS say PENDING twice first */
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, "ECHO? one", buf, sizeof(buf)), LC_ERR_TIMEOUT);
	cr_assert_eq(M->aborts_in, 1);
	cr_assert_eq(M->clears, 1);
	cr_assert_eq(M->pending_left, 0, "the host polled the CHECK requests until they stopped pending");
	assert_query(s, "ECHO? two", "two");
	assert_query(s, "ECHO? three", "three");
	cr_assert_eq(M->tag_errors, 0);
	lc_scpi_close(s);
}

Test(usbtmc, silent_device_times_out_then_recovers)
{
	lc_scpi *s = open_model();
	lc_scpi_set_timeout(s, 200);
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, "HANG?", buf, sizeof(buf)), LC_ERR_TIMEOUT);
	cr_assert_geq(M->aborts_in, 1);
	assert_query(s, "ECHO? alive", "alive");
	lc_scpi_close(s);
}

Test(usbtmc, write_timeout_aborts_bulk_out_and_recovers)
{
	lc_scpi *s = open_model();
	M->timeout_out = 1;
	cr_assert_eq(lc_scpi_write(s, "*CLS"), LC_ERR_TIMEOUT);
	cr_assert_eq(M->aborts_out, 1);
	cr_assert_geq(M->halts_cleared_out, 1);
	cr_assert_not(M->halted_out);
	assert_query(s, "ECHO? after", "after");
	lc_scpi_close(s);
}

Test(usbtmc, truncated_transfer_is_an_error)
{
	lc_scpi *s = open_model();
	M->truncate = 1;
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, "ECHO? truncated", buf, sizeof(buf)), LC_ERR_TRUNCATED);
	cr_assert(strstr(lc_scpi_last_detail(s), "short of its TransferSize") != NULL, "%s", lc_scpi_last_detail(s));
	assert_query(s, "ECHO? whole", "whole");
	lc_scpi_close(s);
}

Test(usbtmc, empty_first_bulk_in_with_the_rigol_quirk)
{
	M->vid = 0x1AB1;
	M->pid = 0x04CE;
	M->empty_first_in = true;
	lc_scpi *s = open_model();
	assert_query(s, "*IDN?", "LANECERT,USBTMC-MODEL,M0001,1.0");
	assert_query(s, "ECHO? again", "again");
	cr_assert_eq(M->empties_sent, 2);
	lc_scpi_close(s);
}

Test(usbtmc, empty_first_bulk_in_without_the_quirk_is_a_protocol_error)
{
	M->empty_first_in = true;
	lc_scpi *s = open_model();
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), LC_ERR_PROTOCOL);
	cr_assert(strstr(lc_scpi_last_detail(s), "empty bulk-IN") != NULL, "%s", lc_scpi_last_detail(s));
	lc_scpi_close(s);
}

Test(usbtmc, quirk_from_the_environment)
{
	M->empty_first_in = true;
	setenv("LANECERT_USBTMC_QUIRKS", "1313:8078=empty-first-in+reset-on-open", 1);
	lc_scpi *s = open_model();
	assert_query(s, "*IDN?", "LANECERT,USBTMC-MODEL,M0001,1.0");
	cr_assert_eq(M->resets, 1);
	lc_scpi_close(s);
}

Test(usbtmc, bad_quirk_spec_refuses_to_open)
{
	setenv("LANECERT_USBTMC_QUIRKS", "1313:8078=fast", 1);
	lc_scpi *s = NULL;
	lc_diag d;
	cr_assert_eq(lc_scpi_open("USB0::0x1313::0x8078::M0001::INSTR", NULL, &s, &d), LC_ERR_ARG);
	cr_assert(strstr(d.text, "unknown quirk 'fast'") != NULL, "%s", d.text);
	cr_assert_eq(M->opens, 0);
}

Test(usbtmc, status_byte_on_the_control_endpoint)
{
	M->stb = 0x44;
	lc_scpi *s = open_model();
	uint8_t stb = 0;
	cr_assert_eq(lc_scpi_read_stb(s, &stb), 0, "%s", lc_scpi_last_detail(s));
	cr_assert_eq(stb, 0x44);
	cr_assert_eq(M->stb_reads, 1);
	lc_scpi_close(s);
}

Test(usbtmc, status_byte_on_interrupt_in_skips_stale_notifications)
{
	M->stb = 0x10;
	M->interrupt_ep = true;
	M->stale_irq = 1;
	lc_scpi *s = open_model();
	uint8_t stb = 0;
	cr_assert_eq(lc_scpi_read_stb(s, &stb), 0, "%s", lc_scpi_last_detail(s));
	cr_assert_eq(stb, 0x10);
	M->stb = 0x20;
	cr_assert_eq(lc_scpi_read_stb(s, &stb), 0);
	cr_assert_eq(stb, 0x20);
	lc_scpi_close(s);
}

Test(usbtmc, status_byte_tags_stay_in_2_to_127)
{
	lc_scpi *s = open_model();
	uint8_t stb;
	for (int i = 0; i < 300; i++)
		cr_assert_eq(lc_scpi_read_stb(s, &stb), 0, "read %d: %s", i, lc_scpi_last_detail(s));
	cr_assert_eq(M->stb_reads, 300);
	cr_assert_eq(M->ctrl_errors, 0, "the model refuses bTags outside 2..127");
	lc_scpi_close(s);
}

Test(usbtmc, long_message_split_into_transfers)
{
	lc_scpi *s = open_model();
	size_t n = 200000;
	uint8_t *data = malloc(n);
	cr_assert_not_null(data);
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 7);
	cr_assert_eq(lc_scpi_write_block(s, "DATA", data, n), 0, "%s", lc_scpi_last_detail(s));
	free(data);
	/* "DATA #6200000" + 200000 bytes + "\n": 64 KiB transfers, EOM on the last only */
	cr_assert_eq(M->last_message_len, 13 + n + 1);
	cr_assert_eq(M->transfers_out, 4);
	cr_assert_eq(M->pad_errors + M->tag_errors, 0);
	assert_query(s, "ECHO? after", "after");
	lc_scpi_close(s);
}

Test(usbtmc, status_byte_without_usb488_falls_back_to_stb_query)
{
	M->protocol = 0;
	lc_scpi *s = open_model();
	uint8_t stb = 0xFF;
	/* A plain USBTMC interface has no READ_STATUS_BYTE: the session asks *STB? instead. */
	cr_assert_eq(lc_scpi_read_stb(s, &stb), 0);
	cr_assert_eq(M->stb_reads, 0, "no USB488 control request was sent");
	cr_assert_eq(stb, M->stb);
	cr_assert_str_eq(M->last_command, "*STB?");
	lc_scpi_close(s);
}

Test(usbtmc, device_clear)
{
	lc_scpi *s = open_model();
	M->check_pending = 3;
	cr_assert_eq(lc_scpi_write(s, "ECHO? forgotten"), 0);
	cr_assert_eq(lc_scpi_clear(s), 0, "%s", lc_scpi_last_detail(s));
	cr_assert_eq(M->clears, 1);
	cr_assert_geq(M->halts_cleared_out, 1);
	assert_query(s, "ECHO? fresh", "fresh");
	lc_scpi_close(s);
}

Test(usbtmc, permission_denied_points_at_udev)
{
	M->open_error = LC_ERR_PERMISSION;
	lc_scpi *s = NULL;
	lc_diag d;
	cr_assert_eq(lc_scpi_open("USB0::0x1313::0x8078::M0001::INSTR", NULL, &s, &d), LC_ERR_PERMISSION);
	cr_assert(strstr(d.text, "udev") != NULL, "%s", d.text);
	cr_assert(strstr(d.text, "bus 1 address 7") != NULL, "%s", d.text);
}

Test(usbtmc, wrong_serial_is_not_found)
{
	lc_scpi *s = NULL;
	lc_diag d;
	cr_assert_eq(lc_scpi_open("USB0::0x1313::0x8078::OTHER::INSTR", NULL, &s, &d), LC_ERR_NOT_FOUND);
	cr_assert_null(s);
}

Test(usbtmc, libusb_without_the_device_is_not_found)
{
	lc_usb_set_backend(NULL); /* the real libusb: no device 0xFFFF:0xFFFE exists (or no USB bus at all) */
	lc_scpi *s = NULL;
	lc_diag d;
	int e = lc_scpi_open("USB0::0xFFFF::0xFFFE::NONE::INSTR", NULL, &s, &d);
	cr_assert(e == LC_ERR_NOT_FOUND || e == LC_ERR_IO, "%d %s", e, d.text);
	cr_assert_null(s);
}

Test(usbtmc, discovery_gives_a_resource_string_that_opens)
{
	lc_usb_found *f = NULL;
	size_t n = 0;
	lc_diag d;
	cr_assert_eq(lc_discover_usb(&f, &n, &d), 1, "%s", d.text);
	cr_assert_str_eq(f[0].resource, "USB0::0x1313::0x8078::M0001::0::INSTR");
	cr_assert_eq(f[0].error, 0);
	cr_assert_str_eq(d.text, "");
	lc_scpi *s = NULL;
	cr_assert_eq(lc_scpi_open(f[0].resource, NULL, &s, &d), 0, "%s", d.text);
	char buf[128];
	cr_assert_geq(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "LANECERT,USBTMC-MODEL,M0001,1.0");
	lc_scpi_close(s);
	free(f);
}

Test(usbtmc, discovery_says_which_device_could_not_be_opened)
{
	M->open_error = LC_ERR_PERMISSION;
	lc_usb_found *f = NULL;
	size_t n = 0;
	lc_diag d;
	cr_assert_eq(lc_discover_usb(&f, &n, &d), 1);
	cr_assert_str_eq(f[0].resource, "", "no serial number read: no resource string");
	cr_assert_eq(f[0].error, LC_ERR_PERMISSION);
	cr_assert(strstr(f[0].problem, "udev") != NULL, "%s", f[0].problem);
	cr_assert_str_eq(d.text, "USB 1313:8078: no permission to open it");
	free(f);
}

/*
 * Issue 20, fail fast: while a query waits, the session reads the USB488 status byte (READ_STATUS_BYTE on
 * the control endpoint) with the REQUEST_DEV_DEP_MSG_IN still pending. EAV without MAV, where EAV was clear
 * before the query, ends the wait: INITIATE_ABORT_BULK_IN / CHECK_ABORT_BULK_IN_STATUS end the pending
 * request, SYST:ERR? says why. The query's timeout is 60 s: without the watch it would be waited out and
 * the suite's 30 s would end the test (a per-test .timeout in this suite makes Criterion leak 48 bytes under LSan when tests run in parallel).
 */
static void refused_query_is_told_while_it_waits(void)
{
	lc_scpi *s = open_model();
	lc_scpi_set_timeout(s, 60000);
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, ":UENT:ID 1;:SYST:MOD? 1", buf, sizeof(buf)), LC_ERR_INSTRUMENT, "%s",
		     lc_scpi_last_detail(s));
	cr_assert(strstr(lc_scpi_last_detail(s), "the instrument refused ':UENT:ID 1;:SYST:MOD? 1' (-113 Undefined "
			  "header)") != NULL, "%s", lc_scpi_last_detail(s));
	cr_assert_geq(M->stb_reads_pending, 1, "the status byte was read while the request was pending");
	cr_assert_eq(M->aborts_in, 1, "the pending request was aborted before SYST:ERR? was sent");
	cr_assert_eq(M->clears, 0, "the abort ended cleanly: no device clear was needed");
	cr_assert_eq(M->interrupted, 0);
	cr_assert_eq(M->errq_n, 0, "the -113 was read out of the queue");
	assert_query(s, "ECHO? after", "after");
	cr_assert_eq(M->tag_errors + M->pad_errors + M->ctrl_errors, 0);
	lc_scpi_close(s);
}

Test(usbtmc, refused_query_is_told_while_it_waits)
{
	refused_query_is_told_while_it_waits();
}

Test(usbtmc, refused_query_is_told_while_it_waits_on_interrupt_in)
{
	M->interrupt_ep = true; /* the status byte comes on interrupt-IN (USB488 3.4.2) */
	refused_query_is_told_while_it_waits();
}

/* A slow valid reply is read whole: the watch sees neither EAV nor MAV and keeps the request pending
 * (bulk-IN reads that time out with nothing moved are read again, never aborted). */
Test(usbtmc, slow_reply_is_read_whole_while_watched)
{
	lc_scpi *s = open_model();
	assert_query(s, "SLOW? 500 late but valid", "late but valid");
	cr_assert_geq(M->stb_reads_pending, 1, "the status byte was read while the reply was being made");
	cr_assert_geq(M->in_timeouts, 1, "bulk-IN reads timed out while the device made the reply");
	cr_assert_eq(M->aborts_in, 0, "the pending request was never aborted");
	cr_assert_eq(M->requests, 1, "one request, read until its reply came");
	lc_scpi_close(s);
}

/* An error queued before the query (an earlier command refused) says nothing about this query: its EAV
 * must not cut a slow valid reply short. The status byte read before the query saw it. */
Test(usbtmc, error_queued_before_a_slow_query_is_not_its_refusal)
{
	lc_scpi *s = open_model();
	cr_assert_eq(lc_scpi_write(s, "ERR -222"), 0);
	cr_assert_eq(M->errq_n, 1);
	assert_query(s, "SLOW? 500 still valid", "still valid");
	cr_assert_eq(M->aborts_in, 0);
	cr_assert_eq(M->errq_n, 1, "the earlier error is still queued for whoever reads it");
	lc_scpi_error err;
	cr_assert_eq(lc_scpi_drain_errors(s, &err, 1), 1);
	cr_assert_eq(err.code, -222);
	lc_scpi_close(s);
}

/* No reply and nothing queued: the watch does not end the wait; the timeout does, the request is aborted
 * and the next query works. */
Test(usbtmc, no_reply_with_an_empty_queue_waits_for_the_timeout)
{
	lc_scpi *s = open_model();
	lc_scpi_set_timeout(s, 400);
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, "HANG?", buf, sizeof(buf)), LC_ERR_TIMEOUT, "%s", lc_scpi_last_detail(s));
	cr_assert(strstr(lc_scpi_last_detail(s), "deadline passed") != NULL, "%s", lc_scpi_last_detail(s));
	cr_assert_geq(M->stb_reads_pending, 1, "the status byte was watched while the request was pending");
	cr_assert_eq(M->aborts_in, 1, "the request was aborted at the deadline");
	cr_assert_eq(M->errq_n, 0);
	assert_query(s, "ECHO? alive", "alive");
	lc_scpi_close(s);
}
