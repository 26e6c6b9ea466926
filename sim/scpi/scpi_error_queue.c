/*
 * The SCPI-99 error queue and the standard error texts. Overflow follows SCPI-99 and libscpi: when the queue
 * is full the newest entry is replaced by -350,"Queue overflow" and the new error is dropped, so a client
 * draining the queue learns that errors were lost and still sees the oldest ones, which caused the rest.
 */
#include <stdio.h>
#include <string.h>

#include "sim/scpi/scpi_engine_priv.h"

static const struct {
	int code;
	const char *text;
} texts[] = {
	{0, "No error"},
	{-100, "Command error"},
	{-101, "Invalid character"},
	{-102, "Syntax error"},
	{-103, "Invalid separator"},
	{-104, "Data type error"},
	{-105, "GET not allowed"},
	{-108, "Parameter not allowed"},
	{-109, "Missing parameter"},
	{-110, "Command header error"},
	{-111, "Header separator error"},
	{-112, "Program mnemonic too long"},
	{-113, "Undefined header"},
	{-114, "Header suffix out of range"},
	{-115, "Unexpected number of parameters"},
	{-120, "Numeric data error"},
	{-121, "Invalid character in number"},
	{-123, "Exponent too large"},
	{-124, "Too many digits"},
	{-128, "Numeric data not allowed"},
	{-130, "Suffix error"},
	{-131, "Invalid suffix"},
	{-134, "Suffix too long"},
	{-138, "Suffix not allowed"},
	{-140, "Character data error"},
	{-141, "Invalid character data"},
	{-144, "Character data too long"},
	{-148, "Character data not allowed"},
	{-150, "String data error"},
	{-151, "Invalid string data"},
	{-158, "String data not allowed"},
	{-160, "Block data error"},
	{-161, "Invalid block data"},
	{-168, "Block data not allowed"},
	{-170, "Expression error"},
	{-171, "Invalid expression"},
	{-178, "Expression data not allowed"},
	{-200, "Execution error"},
	{-203, "Command protected"},
	{-220, "Parameter error"},
	{-221, "Settings conflict"},
	{-222, "Data out of range"},
	{-223, "Too much data"},
	{-224, "Illegal parameter value"},
	{-225, "Out of memory"},
	{-230, "Data corrupt or stale"},
	{-240, "Hardware error"},
	{-241, "Hardware missing"},
	{-300, "Device-specific error"},
	{-310, "System error"},
	{-330, "Self-test failed"},
	{-350, "Queue overflow"},
	{-360, "Communication error"},
	{-363, "Input buffer overrun"},
	{-400, "Query error"},
	{-410, "Query INTERRUPTED"},
	{-420, "Query UNTERMINATED"},
	{-430, "Query DEADLOCKED"},
	{-440, "Query UNTERMINATED after indefinite response"},
};

const char *lc_sim_error_text(int code)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].code == code)
			return texts[i].text;
	return "Device-specific error";
}

void lc_sim_err_compose(char *out, size_t cap, int code, const char *detail)
{
	/* "<standard text>;<detail>" cut to cap, the SCPI-99 form of an error with device-dependent info */
	const char *std = lc_sim_error_text(code);
	size_t n = strlen(std);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, std, n);
	if (detail && *detail && n + 1 < cap) {
		out[n++] = ';';
		size_t d = strlen(detail);
		if (d > cap - 1 - n)
			d = cap - 1 - n;
		memcpy(out + n, detail, d);
		n += d;
	}
	out[n] = '\0';
}

/* ESR bit for an error's class (IEEE 488.2 §11.5.1, SCPI-99 §21.8). */
static uint8_t esr_bit(int code)
{
	if (code <= -100 && code > -200)
		return 0x20; /* CME */
	if (code <= -200 && code > -300)
		return 0x10; /* EXE */
	if (code <= -400 && code > -500)
		return 0x04; /* QYE */
	return 0x08;     /* DDE: -3xx and device-specific codes */
}

static void put(struct lc_sim_err *slot, int code, const char *text)
{
	slot->code = code;
	snprintf(slot->text, sizeof(slot->text), "%s", text ? text : lc_sim_error_text(code));
}

void lc_sim_errq_push(lc_sim_scpi *e, int code, const char *text)
{
	if (code == 0)
		return;
	e->esr |= esr_bit(code);
	if (e->qcount < e->qsize) {
		put(&e->errq[(e->qhead + e->qcount) % e->qsize], code, text);
		e->qcount++;
		return;
	}
	put(&e->errq[(e->qhead + e->qsize - 1) % e->qsize], -350, NULL);
}

int lc_sim_errq_pop(lc_sim_scpi *e, char *text, size_t cap)
{
	if (e->qcount == 0) {
		if (text && cap)
			snprintf(text, cap, "%s", "No error");
		return 0;
	}
	struct lc_sim_err *slot = &e->errq[e->qhead];
	int code = slot->code;
	if (text && cap)
		snprintf(text, cap, "%s", slot->text);
	e->qhead = (e->qhead + 1) % e->qsize;
	e->qcount--;
	return code;
}

void lc_sim_errq_clear(lc_sim_scpi *e)
{
	e->qhead = 0;
	e->qcount = 0;
}

void lc_sim_push_error(lc_sim_scpi *e, int code, const char *text)
{
	if (!e)
		return;
	pthread_mutex_lock(&e->mu);
	lc_sim_errq_push(e, code, text);
	pthread_mutex_unlock(&e->mu);
}

int lc_sim_error_count(lc_sim_scpi *e)
{
	pthread_mutex_lock(&e->mu);
	int n = e->qcount;
	pthread_mutex_unlock(&e->mu);
	return n;
}

int lc_sim_pop_error(lc_sim_scpi *e, char *text, size_t cap)
{
	pthread_mutex_lock(&e->mu);
	int code = lc_sim_errq_pop(e, text, cap);
	pthread_mutex_unlock(&e->mu);
	return code;
}
