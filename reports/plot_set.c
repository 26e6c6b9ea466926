/* lc_plots_free() (reports/plot.h), in a file of its own: the report writer frees a job's plots whichever
 * formats it rendered, and a writer that renders no views (lc_report_publish_new) must not link the plotting
 * and, through it, the PDF renderer and its libraries. */
#include <stdlib.h>

#include "reports/plot.h"

void lc_plots_free(lc_plot_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->plots[i].name), free(set->plots[i].title);
		free(set->plots[i].svg), free(set->plots[i].error);
	}
	free(set->plots);
	*set = (lc_plot_set){0};
}
