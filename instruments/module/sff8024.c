/* SFF-8024 code lookup over the data of sff8024.def. */
#include "instruments/module/sff8024.h"

#include <stddef.h>

struct row {
	enum lc_sff8024_table t;
	uint8_t code;
	const char *name;
};

static const struct row rows[] = {
#define LC_SFF8024(table, code, name) {LC_SFF8024_##table, code, name},
#include "instruments/module/sff8024.def"
#undef LC_SFF8024
};

const char *lc_sff8024_name(enum lc_sff8024_table t, uint8_t code)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].t == t && rows[i].code == code)
			return rows[i].name;
	return NULL;
}

int lc_sff8024_media_table(uint8_t media_type)
{
	switch (media_type) {
	case 0x01:
		return LC_SFF8024_MMF_IF;
	case 0x02:
		return LC_SFF8024_SMF_IF;
	case 0x03:
		return LC_SFF8024_COPPER_IF;
	case 0x04:
		return LC_SFF8024_ACTIVE_IF;
	default:
		return -1;
	}
}
