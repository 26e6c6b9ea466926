/*
 * Hand-made module images for the decoder and memory tests, written byte by byte from the maps of
 * shared/reference/domain-facts.md §5b/§5c (not from the simulator's generator, so a bug shared by the
 * generator and the decoders cannot hide).
 */
#ifndef LC_TESTS_MODULE_IMAGES_H
#define LC_TESTS_MODULE_IMAGES_H

#include <string.h>

#include "formats/module_image.h"

static inline void tm_put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void tm_ascii(uint8_t *p, size_t n, const char *s)
{
	memset(p, ' ', n);
	memcpy(p, s, strlen(s));
}

/* A CMIS 5.0 QSFP-DD 400G AOC breakout: 8 lanes, applications 400GAUI-8 and 4 x 100GAUI-2, paged memory.
 * Lane i (0-based): Tx power (1000 + 100 i) x 0.1 uW, Rx power (5000 - 200 i) x 0.1 uW, Tx bias
 * (3000 + 10 i) x 2 uA x the multiplier (bias_mul_bits, 0..2); lane 3 Rx LOS and Rx power low alarm;
 * lane 6 Tx disabled; temperature 0x2A80 = 42.5 C; Vcc 33000 = 3.3 V; temperature high warning flag. */
static inline void tm_cmis_image(lc_module_image *img, unsigned bias_mul_bits)
{
	uint8_t p[128];
	lc_module_image_init(img);
	img->has_lower = true;
	uint8_t *lo = img->lower;
	lo[0] = 0x18;
	lo[1] = 0x50;
	lo[3] = 0x06;             /* Ready */
	lo[9] = 0x04;             /* temperature high warning */
	tm_put16(lo + 14, 0x2A80); /* 42.5 C */
	tm_put16(lo + 16, 33000);
	lo[85] = 0x04;
	memset(lo + 86, 0xFF, 32);
	uint8_t apps[8] = {0x11, 0x03, 0x88, 0x01, 0x0D, 0x03, 0x22, 0x55};
	memcpy(lo + 86, apps, sizeof(apps));
	memset(p, 0, sizeof(p));
	p[0] = 0x18;
	tm_ascii(p + 1, 16, "ACME OPTICS");
	p[17] = 0x00, p[18] = 0x90, p[19] = 0x65;
	tm_ascii(p + 20, 16, "AOC-400G-BO");
	tm_ascii(p + 36, 2, "B1");
	tm_ascii(p + 38, 16, "SN12345");
	tm_ascii(p + 54, 8, "25010199");
	p[74] = 0x42; /* 2 m (x1) */
	p[75] = 0x23;
	lc_module_image_put(img, 0, 0x00, p, NULL);
	memset(p, 0, sizeof(p));
	tm_put16(p + 10, 17000);                          /* 850 nm */
	p[23] = 0x10;                                     /* average Rx power */
	p[31] = 0x03;                                     /* temperature, Vcc monitors */
	p[32] = (uint8_t)(0x07 | (bias_mul_bits << 3));   /* bias, Tx, Rx monitors */
	p[48] = 0x01, p[49] = 0x55;
	lc_module_image_put(img, 0, 0x01, p, NULL);
	memset(p, 0, sizeof(p));
	tm_put16(p + 0, 75 * 256), tm_put16(p + 2, (unsigned)(uint16_t)(int16_t)(-5 * 256));
	tm_put16(p + 4, 70 * 256), tm_put16(p + 6, 0);
	tm_put16(p + 8, 36000), tm_put16(p + 10, 30000), tm_put16(p + 12, 35000), tm_put16(p + 14, 31000);
	tm_put16(p + 48, 31623), tm_put16(p + 50, 1000), tm_put16(p + 52, 20000), tm_put16(p + 54, 1585);
	tm_put16(p + 56, 7500), tm_put16(p + 58, 1000), tm_put16(p + 60, 6500), tm_put16(p + 62, 1500);
	tm_put16(p + 64, 31623), tm_put16(p + 66, 501), tm_put16(p + 68, 20000), tm_put16(p + 70, 794);
	lc_module_image_put(img, 0, 0x02, p, NULL);
	memset(p, 0, sizeof(p));
	p[2] = 0x40; /* page 10h byte 130: lane 7 (bit 6) Tx disabled */
	lc_module_image_put(img, 0, 0x10, p, NULL);
	memset(p, 0, sizeof(p));
	p[147 - 128] = 0x08;      /* lane 4 Rx LOS */
	p[150 - 128] = 0x08;      /* lane 4 Rx power low alarm */
	p[135 - 128] = 0x80;      /* lane 8 Tx fault */
	for (unsigned i = 0; i < 8; i++) {
		tm_put16(p + (154 - 128) + 2 * i, 1000 + 100 * i);
		tm_put16(p + (170 - 128) + 2 * i, 3000 + 10 * i);
		tm_put16(p + (186 - 128) + 2 * i, 5000 - 200 * i);
	}
	lc_module_image_put(img, 0, 0x11, p, NULL);
}

/* An SFF-8636 QSFP28 100G SR4: 4 lanes; Rx power 4000 + 100 i, bias 4000 + i, Tx power 6000 - 100 i;
 * lane 2 Tx LOS and Rx power high warning; lane 4 Tx disabled; temperature -1.5 C (0xFE80), low alarm. */
static inline void tm_sff8636_image(lc_module_image *img)
{
	uint8_t p[128];
	lc_module_image_init(img);
	img->has_lower = true;
	uint8_t *lo = img->lower;
	lo[0] = 0x11;
	lo[1] = 0x08;
	lo[3] = 0x20;   /* Tx LOS lane 2 */
	lo[6] = 0x40;   /* temperature low alarm */
	lo[9] = 0x02;   /* lane 2 (low nibble of byte 9) high warning */
	tm_put16(lo + 22, 0xFE80);
	tm_put16(lo + 26, 32900);
	for (unsigned i = 0; i < 4; i++) {
		tm_put16(lo + 34 + 2 * i, 4000 + 100 * i);
		tm_put16(lo + 42 + 2 * i, 4000 + i);
		tm_put16(lo + 50 + 2 * i, 6000 - 100 * i);
	}
	lo[86] = 0x08;
	memset(p, 0, sizeof(p));
	p[0] = 0x11;
	p[2] = 0x0C;  /* MPO 1x12 */
	p[3] = 0x80;
	p[19] = 0x00; /* 850 nm VCSEL */
	tm_ascii(p + 20, 16, "FIBERCO");
	tm_ascii(p + 40, 16, "QSFP-100G-SR4");
	tm_ascii(p + 56, 2, "01");
	tm_put16(p + 58, 850 * 20);
	p[64] = 0x02; /* 100GBASE-SR4 */
	tm_ascii(p + 68, 16, "F0001");
	tm_ascii(p + 84, 8, "240203");
	p[92] = 0x0C;
	lc_module_image_put(img, 0, 0x00, p, NULL);
	memset(p, 0, sizeof(p));
	tm_put16(p + 0, 80 * 256);
	tm_put16(p + 48, 34674), tm_put16(p + 50, 400), tm_put16(p + 52, 17378), tm_put16(p + 54, 1000);
	tm_put16(p + 56, 6000), tm_put16(p + 58, 500);
	lc_module_image_put(img, 0, 0x03, p, NULL);
}

#endif
