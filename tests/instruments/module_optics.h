/* Hand-made images of optical modules for the compatibility tests (bytes per domain-facts §1c/§5). */
#ifndef LC_TESTS_MODULE_OPTICS_H
#define LC_TESTS_MODULE_OPTICS_H

#include "tests/instruments/module_images.h"

/* A CMIS QSFP-DD optic: application 1 = host 400GAUI-8 with media `media_id` on media_lanes lanes
 * (media type 0x02 SMF / 0x01 MMF); breakout (if bo_media) = 4 x (100GAUI-2 host, bo_media on 1 lane). */
static inline void tm_cmis_optic(lc_module_image *img, uint8_t media_type, uint8_t media_id, unsigned media_lanes,
				 uint8_t bo_media)
{
	tm_cmis_image(img, 0);
	img->lower[85] = media_type;
	uint8_t *a = img->lower + 86;
	memset(a, 0xFF, 32);
	a[0] = 0x11, a[1] = media_id, a[2] = (uint8_t)(0x80 | media_lanes), a[3] = 0x01;
	if (bo_media)
		a[4] = 0x0D, a[5] = bo_media, a[6] = 0x21, a[7] = 0x55;
	uint8_t *p0 = (uint8_t *)lc_module_image_page(img, 0, 0x00);
	p0[75] = media_lanes == 4 ? 0x0C : 0x07; /* MPO 1x12 / LC */
}

/* An SFF-8636 QSFP28 with extended compliance ext (0x25 100GBASE-DR, 0x02 100GBASE-SR4, 0x33 AOC 2x50G). */
static inline void tm_qsfp28(lc_module_image *img, uint8_t ext)
{
	tm_sff8636_image(img);
	((uint8_t *)lc_module_image_page(img, 0, 0x00))[64] = ext;
}

#endif
