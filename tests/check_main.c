/*
 * check_main.c - runs every Check suite of the unit tests in one runner.
 *
 * The suites are found by the Makefile: every tests/check_*.c that defines a
 * function "NAME_suite(void)" at the start of a line is listed in the
 * generated suites.h, so adding a test file is enough to run it.  It also
 * holds the helpers of testutil.h.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/date.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "testutil.h"

#define SUITE(name) Suite *name(void);
#include "suites.h"
#undef SUITE

int
test_slurp(const char *path, struct buf *out)
{
	char	 chunk[4096];
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
	return 0;
}

long
test_day(const char *s)
{
	struct err	 err;
	long		 day = -1;

	err_clear(&err);
	ck_assert_msg(date_parse(s, &day, &err) == 0, "%s: %s", s, err.msg);
	return day;
}

int
test_warned(const struct diags *d, const char *s)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].level == DIAG_WARNING &&
		    strstr(d->v[i].msg, s) != NULL)
			return 1;
	return 0;
}

void
test_config_error(const char *text, int line, int col, const char *msg,
    const char *prefix)
{
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;

	ck_assert_int_eq(cfg_load_string(&cfg, "m.yaml", text, strlen(text),
	    &d), -1);
	ck_assert_msg(d.nerrors == 1, "%zu errors, the first: %s", d.nerrors,
	    d.n > 0 ? d.v[0].msg : "");
	ck_assert_str_eq(d.v[0].file, "m.yaml");
	ck_assert_msg(d.v[0].line == line && d.v[0].col == col, "%d:%d: %s",
	    d.v[0].line, d.v[0].col, d.v[0].msg);
	if (msg != NULL)
		ck_assert_str_eq(d.v[0].msg, msg);
	else
		ck_assert_msg(strncmp(d.v[0].msg, prefix, strlen(prefix)) == 0,
		    "%s", d.v[0].msg);
	diags_release(&d);
}

const char *
test_corpus(const char *sub)
{
	static char	 path[4096];
	const char	*root = getenv("MAILAUTH_CORPORA");

	if (root == NULL || *root == '\0')
		root = TEST_DATA;
	snprintf(path, sizeof(path), "%s/%s", root, sub);
	if (access(path, R_OK) == 0)
		return path;
	/* A suite that is missing is a failure, never a quiet pass. */
	ck_abort_msg("test corpus '%s' is missing", path);
	return NULL;
}

/* The children of test_child_start() not yet stopped. */
#define CHILDREN_MAX	8
static pid_t	children[CHILDREN_MAX];
static size_t	nchildren;

pid_t
test_child_start(void (*fn)(void *), void *arg)
{
	sigset_t	 all, old;
	pid_t		 parent = getpid(), pid;
	int		 sig;

	ck_assert_uint_lt(nchildren, CHILDREN_MAX);
	fflush(stdout);
	fflush(stderr);
	sigfillset(&all);
	ck_assert_int_eq(pthread_sigmask(SIG_SETMASK, &all, &old), 0);
	if ((pid = fork()) == 0) {
		for (sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		/* The parent may have died before prctl(): then go too. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 ||
		    getppid() != parent)
			_exit(1);
		alarm(20);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		fn(arg);
		_exit(0);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	ck_assert_msg(pid != -1, "cannot fork: %s", strerror(errno));
	children[nchildren++] = pid;
	return pid;
}

void
test_child_stop(pid_t pid)
{
	size_t	 i;

	for (i = 0; i < nchildren && children[i] != pid; i++)
		;
	if (i == nchildren)
		return;
	children[i] = children[--nchildren];
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
}

void
test_children_stop(void)
{
	while (nchildren > 0)
		test_child_stop(children[nchildren - 1]);
}

int
test_socket(int backlog, int *port)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 fd;

	ck_assert_int_ne(fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0),
	    -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (backlog >= 0)
		ck_assert_int_eq(listen(fd, backlog), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(NULL);
#define SUITE(name) srunner_add_suite(sr, name());
#include "suites.h"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
