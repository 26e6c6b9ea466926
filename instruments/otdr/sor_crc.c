/* The SOR checksum: CRC-16/CCITT-FALSE, and which byte range (if any) a file's stored value matches.
 * Writers disagree on the range (domain-facts §6c), so every known range is tried and the result is only
 * reported, never used to reject a file. */
#include <stdlib.h>
#include <string.h>

#include "instruments/otdr/sor_priv.h"

static uint16_t crc_update(uint16_t crc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
	}
	return crc;
}

uint16_t lc_sor_crc16(const uint8_t *data, size_t len)
{
	return crc_update(0xFFFF, data, len);
}

void lc_sor_check_cksum(lc_sor *sor, const uint8_t *data, size_t len, size_t block_off, size_t value_off)
{
	uint16_t stored = (uint16_t)(data[value_off] | (data[value_off + 1] << 8));
	uint16_t before_value = lc_sor_crc16(data, value_off);
	sor->cksum_stored = stored;
	sor->cksum_computed = before_value;
	sor->cksum_range = LC_SOR_CKSUM_RANGE_NONE;
	if (before_value == stored) {
		sor->cksum_range = LC_SOR_CKSUM_RANGE_BEFORE_VALUE;
	} else if (lc_sor_crc16(data, block_off) == stored) {
		sor->cksum_range = LC_SOR_CKSUM_RANGE_BEFORE_BLOCK;
	} else {
		static const uint8_t zero[2] = {0, 0};
		uint16_t z = crc_update(before_value, zero, 2);
		z = crc_update(z, data + value_off + 2, len - value_off - 2);
		if (z == stored)
			sor->cksum_range = LC_SOR_CKSUM_RANGE_ZEROED_FILE;
	}
	if (sor->cksum_range != LC_SOR_CKSUM_RANGE_NONE)
		sor->cksum = LC_SOR_CKSUM_VALID;
	else if (stored == 0)
		sor->cksum = LC_SOR_CKSUM_ABSENT; /* FiberCloud, Grandway: never computed */
	else
		sor->cksum = LC_SOR_CKSUM_MISMATCH;
}

const char *lc_sor_cksum_name(enum lc_sor_cksum_status s)
{
	switch (s) {
	case LC_SOR_CKSUM_VALID: return "valid";
	case LC_SOR_CKSUM_MISMATCH: return "mismatch";
	default: return "absent";
	}
}

const char *lc_sor_cksum_range_name(enum lc_sor_cksum_range r)
{
	switch (r) {
	case LC_SOR_CKSUM_RANGE_BEFORE_VALUE: return "bytes before the value";
	case LC_SOR_CKSUM_RANGE_BEFORE_BLOCK: return "bytes before the Cksum block";
	case LC_SOR_CKSUM_RANGE_ZEROED_FILE: return "whole file, value zeroed";
	default: return "none";
	}
}
