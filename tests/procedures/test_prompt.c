#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/port_range.h"

#include "procedures/prompt.h"

static int asked;

static int fake_ask(void *user, const char *id, const char *text, enum lc_prompt_kind kind, const char *dflt,
		    char *answer, size_t cap)
{
	(void)user, (void)text, (void)kind, (void)dflt;
	asked++;
	if (strcmp(id, "decline") == 0)
		return LC_ERR_ABORTED;
	snprintf(answer, cap, "typed");
	return 0;
}

Test(prompt, non_interactive_confirms_and_uses_defaults_and_answers)
{
	lc_prompter p;
	char a[32];
	lc_diag d;
	lc_prompter_init(&p, false, fake_ask, NULL);
	cr_assert_eq(lc_prompter_add_answer(&p, "fiber=12", &d), 0);
	cr_assert_eq(lc_prompt_ask(&p, 1, "reference", "connect cords", LC_PROMPT_CONFIRM, NULL, a, sizeof(a), &d), 0);
	cr_expect_str_eq(a, "ok");
	cr_assert_eq(lc_prompt_ask(&p, 1, "fiber", "which fiber?", LC_PROMPT_QUESTION, NULL, a, sizeof(a), &d), 0);
	cr_expect_str_eq(a, "12");
	cr_assert_eq(lc_prompt_ask(&p, 1, "lot", "lot?", LC_PROMPT_QUESTION, "L7", a, sizeof(a), &d), 0);
	cr_expect_str_eq(a, "L7");
	cr_expect_eq(lc_prompt_ask(&p, 1, "length", "length?", LC_PROMPT_QUESTION, NULL, a, sizeof(a), &d), LC_ERR_STATE);
	cr_expect(strstr(d.text, "--answer length=VALUE") != NULL, "detail: %s", d.text);
	cr_expect_eq(asked, 0, "a non-interactive run never calls the keyboard");
	/* an answer that does not fit is an error, never cut ("12" cut to "1" is another fiber) */
	char small[2];
	cr_expect_eq(lc_prompt_ask(&p, 1, "fiber", "which fiber?", LC_PROMPT_QUESTION, NULL, small, sizeof(small), &d),
		     LC_ERR_OVERFLOW);
	cr_expect(strstr(d.text, "does not fit"), "%s", d.text);
	lc_prompter_destroy(&p);
}

Test(prompt, interactive_asks_and_decline_aborts)
{
	lc_prompter p;
	char a[32];
	lc_diag d;
	asked = 0;
	lc_prompter_init(&p, true, fake_ask, NULL);
	cr_assert_eq(lc_prompt_ask(&p, 1, "x", "?", LC_PROMPT_QUESTION, NULL, a, sizeof(a), &d), 0);
	cr_expect_str_eq(a, "typed");
	cr_expect_eq(lc_prompt_ask(&p, 1, "decline", "?", LC_PROMPT_CONFIRM, NULL, a, sizeof(a), &d), LC_ERR_ABORTED);
	cr_expect_eq(asked, 2);
	lc_prompter_destroy(&p);
}

Test(prompt, malformed_answers_are_refused)
{
	lc_prompter p;
	lc_diag d;
	lc_prompter_init(&p, false, NULL, NULL);
	cr_expect_eq(lc_prompter_add_answer(&p, "novalue", &d), LC_ERR_ARG);
	cr_expect_eq(lc_prompter_add_answer(&p, "=x", &d), LC_ERR_ARG);
	for (int i = 0; i < LC_PROMPT_MAX_ANSWERS; i++)
		cr_assert_eq(lc_prompter_add_answer(&p, "a=b", &d), 0);
	cr_expect_eq(lc_prompter_add_answer(&p, "a=b", &d), LC_ERR_OVERFLOW);
	lc_prompter_destroy(&p);
}

/* A listener on 127.0.0.1 at a port of tests/port_range.h; *port receives it. */
static int listen_local(int *port)
{
	for (unsigned attempt = 0; attempt < TP_ATTEMPTS; attempt++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		cr_assert_geq(fd, 0);
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		a.sin_port = htons((uint16_t)tp_port_base(1, attempt));
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, 4) == 0) {
			*port = ntohs(a.sin_port);
			return fd;
		}
		close(fd);
	}
	cr_assert_fail("no free port");
	return -1;
}

/* A second automation replaces the first and closes its connection (it was leaked, still open, before); a
 * failed one keeps the connection there is. */
Test(prompt, set_automation_twice_closes_the_first)
{
	int pa, pb;
	int la = listen_local(&pa), lb = listen_local(&pb);
	char ra[80], rb[80];
	snprintf(ra, sizeof(ra), "TCPIP0::127.0.0.1::%d::SOCKET", pa);
	snprintf(rb, sizeof(rb), "TCPIP0::127.0.0.1::%d::SOCKET", pb);
	lc_prompter p;
	lc_diag d;
	lc_prompter_init(&p, false, NULL, NULL);
	cr_assert_eq(lc_prompter_set_automation(&p, ra, &d), 0, "%s", d.text);
	int ca = accept(la, NULL, NULL);
	cr_assert_geq(ca, 0);
	cr_assert_eq(lc_prompter_set_automation(&p, rb, &d), 0, "%s", d.text);
	lc_scpi *b = p.automation;
	struct pollfd pf = {.fd = ca, .events = POLLIN};
	cr_assert_eq(poll(&pf, 1, 5000), 1, "the first automation connection is still open");
	char c;
	cr_expect_eq(recv(ca, &c, 1, 0), 0, "EOF from the first automation");
	cr_expect_lt(lc_prompter_set_automation(&p, "TCPIP0::127.0.0.1::notaport::SOCKET", &d), 0);
	cr_expect_eq(p.automation, b, "a failed call keeps the automation there is");
	lc_prompter_destroy(&p);
	close(ca);
	close(la);
	close(lb);
}
