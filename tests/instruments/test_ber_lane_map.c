/* Lane map inference from sync observations and the readable difference from the expected map. */
#include <criterion/criterion.h>
#include <string.h>

#include "instruments/bert/lane_map.h"

static lc_lane_obs obs_of(const int *map, unsigned n)
{
	lc_lane_obs o;
	memset(&o, 0, sizeof o);
	o.n_ppg = o.n_ed = n;
	for (unsigned i = 0; i < n; i++)
		if (map[i] >= 0)
			o.sync[i][map[i]] = true;
	return o;
}

static const int ident[8] = {0, 1, 2, 3, 4, 5, 6, 7};

Test(ber_lane_map, identity)
{
	lc_lane_obs o = obs_of(ident, 8);
	int map[8];
	cr_assert_eq(lc_lane_map_infer(&o, map, NULL), 0);
	cr_expect_arr_eq(map, ident, sizeof map);
	char buf[128];
	cr_expect_eq(lc_lane_map_diff(ident, map, 8, NULL, 0, buf, sizeof buf), 0);
	cr_expect_str_eq(buf, "as expected");
}

Test(ber_lane_map, swapped_lanes_are_named)
{
	const int truth[8] = {0, 2, 1, 3, 4, 5, 6, 7};
	lc_lane_obs o = obs_of(truth, 8);
	int map[8];
	cr_assert_eq(lc_lane_map_infer(&o, map, NULL), 0);
	cr_expect_arr_eq(map, truth, sizeof map);
	char buf[128];
	lc_lane_diff items[4];
	cr_assert_eq(lc_lane_map_diff(ident, map, 8, items, 4, buf, sizeof buf), 1);
	cr_expect_str_eq(buf, "lanes 2 and 3 swapped");
	cr_expect_eq(items[0].kind, LC_LANE_DIFF_SWAP);
	cr_expect_eq(items[0].a, 1);
	cr_expect_eq(items[0].b, 2);
}

Test(ber_lane_map, dark_moved_and_ambiguous)
{
	const int truth[8] = {1, 2, 0, 3, LC_LANE_DARK, 5, 6, 7};
	lc_lane_obs o = obs_of(truth, 8);
	o.sync[6][0] = true; /* lane 7 seen on ED lanes 1 and 7 as well: crosstalk */
	int map[8];
	cr_assert_eq(lc_lane_map_infer(&o, map, NULL), 3); /* dark 5, ambiguous 7, and lane 3 shares ED 1 */
	cr_expect_eq(map[4], LC_LANE_DARK);
	cr_expect_eq(map[6], LC_LANE_AMBIGUOUS);
	cr_expect_eq(map[2], LC_LANE_AMBIGUOUS);
	cr_expect_eq(map[0], 1);
	char buf[512];
	cr_assert_eq(lc_lane_map_diff(ident, map, 8, NULL, 0, buf, sizeof buf), 5);
	cr_expect_str_eq(buf, "lane 1 arrives at ED lane 2, expected ED lane 1; lane 2 arrives at ED lane 3, "
			      "expected ED lane 2; lane 3 received ambiguously (several ED lanes synchronized); "
			      "lane 5 not received; lane 7 received ambiguously (several ED lanes synchronized)");
}

Test(ber_lane_map, short_buffer_is_marked)
{
	const int truth[8] = {1, 0, 3, 2, 5, 4, 7, 6};
	char buf[30];
	cr_assert_eq(lc_lane_map_diff(ident, truth, 8, NULL, 0, buf, sizeof buf), 4);
	cr_expect_str_eq(buf, "lanes 1 and 2 swapped...");
	char tiny[8];
	cr_assert_eq(lc_lane_map_diff(ident, truth, 8, NULL, 0, tiny, sizeof tiny), 4);
	cr_expect_str_eq(tiny, "...");
}

Test(ber_lane_map, bad_input)
{
	lc_lane_obs o;
	memset(&o, 0, sizeof o);
	int map[LC_BERT_LANES_MAX];
	lc_diag d;
	cr_expect_eq(lc_lane_map_infer(&o, map, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "0 PPG") != NULL, "%s", d.text);
	o.n_ppg = o.n_ed = LC_BERT_LANES_MAX + 1;
	cr_expect_eq(lc_lane_map_infer(&o, map, &d), LC_ERR_ARG);
	cr_expect_eq(lc_lane_map_infer(NULL, map, &d), LC_ERR_ARG);
	cr_expect_eq(lc_lane_map_diff(NULL, map, 4, NULL, 0, NULL, 0), LC_ERR_ARG);
	cr_expect_eq(lc_lane_map_diff(ident, ident, LC_BERT_LANES_MAX + 1, NULL, 0, NULL, 0), LC_ERR_ARG);
}
