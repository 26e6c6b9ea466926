/* The sanitizer pass checks its own reports: this program reads past a heap block on purpose, and the test
 * asan_reports_have_file_line (tests/tests.cmake) requires AddressSanitizer's report to name this file and
 * line, which it does only when llvm-symbolizer is found (ASAN_SYMBOLIZER_PATH). */
#include <stdlib.h>

int main(int argc, char **argv)
{
	(void)argv;
	char *p = malloc(4);
	volatile char c = p[argc + 4]; /* heap-buffer-overflow: argc is 1 */
	free(p);
	return c;
}
