#include "tests/reports/helpers.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

char *th_scratch_dir(const char *tag)
{
	const char *b = getenv("LC_BUILD_DIR");
	char base[4096];
	snprintf(base, sizeof(base), "%s/test-scratch", b && *b ? b : "/tmp");
	mkdir(base, 0755);
	char *p = malloc(4200);
	snprintf(p, 4200, "%s/%s-XXXXXX", base, tag);
	if (!mkdtemp(p)) {
		free(p);
		return NULL;
	}
	return p;
}

char *th_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = (size_t)n;
	return buf;
}

void th_spit(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
}

int th_run(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int th_have(const char *prog)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return th_run(cmd) == 0;
}

void th_require(const char *prog, const char *package)
{
	cr_assert(th_have(prog), "%s is not on PATH: ./bootstrap.sh installs it (Debian package %s)", prog, package);
}

char *th_path(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

char *th_pdf_text(const char *pdf, int first, int last)
{
	cr_assert(th_have("pdftotext"), "pdftotext (poppler-utils) is needed: run ./bootstrap.sh");
	char *txt = malloc(strlen(pdf) + 8), cmd[9000];
	sprintf(txt, "%s.txt", pdf);
	if (first)
		snprintf(cmd, sizeof(cmd), "pdftotext -layout -f %d -l %d '%s' '%s'", first, last, pdf, txt);
	else
		snprintf(cmd, sizeof(cmd), "pdftotext -layout '%s' '%s'", pdf, txt);
	cr_assert_eq(th_run(cmd), 0, "pdftotext failed on %s", pdf);
	char *text = th_slurp(txt, NULL);
	cr_assert_not_null(text);
	free(txt);
	return text;
}
