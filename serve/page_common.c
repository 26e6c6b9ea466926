#include "serve/page.h"

#include <stdio.h>
#include <string.h>

void lc_page_begin(lc_sb *b, const char *title, const char *here)
{
	static const struct {
		const char *href, *name;
	} nav[] = {{"/", "Line"}, {"/history", "History"}, {"/quality", "Quality"}, {"/station", "Station"}};
	lc_sb_put(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		     "<link rel=\"stylesheet\" href=\"/assets/style.css\"><title>");
	lc_sb_html(b, title);
	lc_sb_put(b, " - lanecert</title></head><body><nav><span class=\"brand\">lanecert</span>");
	for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
		lc_sb_printf(b, "<a href=\"%s\"%s>%s</a>", nav[i].href,
			     here && strcmp(here, nav[i].name) == 0 ? " class=\"here\"" : "", nav[i].name);
	}
	lc_sb_put(b, "</nav><main><h1>");
	lc_sb_html(b, title);
	lc_sb_put(b, "</h1>\n");
}

void lc_page_end(lc_sb *b)
{
	lc_sb_put(b, "</main></body></html>\n");
}

int lc_page_error(lc_sb *b, int status, const char *what)
{
	lc_sb_free(b);
	lc_sb_init(b);
	const char *title = status == 400 ? "Bad request" : status == 404 ? "Not found" : status == 405 ? "Method not allowed"
			    : status == 429 ? "Too many requests" : status == 401 ? "Access token needed" : "Server error";
	lc_page_begin(b, title, NULL);
	lc_sb_put(b, "<p class=\"error\">");
	lc_sb_html(b, what);
	lc_sb_put(b, "</p>");
	lc_page_end(b);
	return status;
}

void lc_page_verdict(lc_sb *b, const char *verdict)
{
	const char *v = verdict && *verdict ? verdict : "incomplete";
	lc_sb_put(b, "<span class=\"verdict v-");
	lc_sb_html(b, v);
	lc_sb_put(b, "\">");
	lc_sb_html(b, v);
	lc_sb_put(b, "</span>");
}
