/* lanecert-full's results: the local store and the fleet store (--db postgresql://) through libpq
 * (cli/results.h). */
#include "cli/commands.h"
#include "cli/results.h"

int lc_cmd_results(int argc, char **argv)
{
	static const lc_cli_fleet_reader fleet = {lc_fleet_connect, lc_fleet_query, lc_fleet_close};
	return lc_cli_results(argc, argv, &fleet);
}
