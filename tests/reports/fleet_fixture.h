/* Stations with journals full of signed runs, and a fleet database to sync them to, for the fleet tests. */
#ifndef LC_TESTS_REPORTS_FLEET_FIXTURE_H
#define LC_TESTS_REPORTS_FLEET_FIXTURE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "reports/fleet.h"
#include "tests/reports/pg_cluster.h"

/* A fleet test suite's .init: the shared cluster test_fleet.c's PRE_ALL started (LC_TEST_PG) into *pg and the
 * folder of the stations it made (LC_TEST_FLEET_DIR), which it returns; asserts that both are there. */
const char *ff_suite_setup(tpg *pg);
/* A new scratch folder on a RAM file system when there is a large one, else in /tmp (malloc'ed path). */
char *ff_scratch(const char *tag);
void ff_remove(const char *dir);
/* A station's journal at dir/ID/results.db with n completed, signed runs (serials ID-0000 ...), its public key
 * at dir/ID/station.pub. Returns 0 or -1. */
int ff_make_station(const char *dir, const char *id, int n);
/* The same, files true: each run also has a raw file (ber.log, signed by its report) and report.html. */
int ff_make_station_files(const char *dir, const char *id, int n, bool files);
/* A copy of a station's journal (the reports stay where they are: the journal names them by path). */
char *ff_copy_journal(const char *dir, const char *id, const char *to_dir);
/* A new database named db, migrated (from the template PRE_ALL made). 0 or -1. */
int ff_new_db(const tpg *c, const char *db);
/* Register station id's key (dir/id/station.pub) on db. 0 or the LC_ERR_*. */
int ff_register(const tpg *c, const char *db, const char *dir, const char *id);
/* One number from a query run as admin on db (-1 on error). */
int64_t ff_count(const tpg *c, const char *db, const char *sql);
/* The checks after every fault: the server holds exactly n runs and n reports of station id, one per journal
 * run, every stored signature verifies, the journal has nothing pending and passes integrity_check. */
void ff_assert_delivered(const tpg *c, const char *db, const char *journal, const char *id, int n);

#endif
