/*
 * testutil.h - helpers shared by the unit tests.
 */
#ifndef MAILAUTH_TESTUTIL_H
#define MAILAUTH_TESTUTIL_H

#include <sys/types.h>

/* The public test suites and samples, each with its SOURCES.txt. */
#define TEST_DATA	"tests/data"

/*
 * The path of sub inside the test corpora: tests/data, or
 * $MAILAUTH_CORPORA when set (another copy of the same layout).  A corpus
 * that is missing fails the calling test.  The returned path is
 * overwritten by the next call.
 */
const char	*test_corpus(const char *sub);

struct buf;
/* Appends the whole file at path to out; -1 when it cannot be opened. */
int	test_slurp(const char *path, struct buf *out);

struct diags;
/* 1 when a warning of d contains s. */
/* The day (date.h) of a YYYY-MM-DD the test spells right. */
long	test_day(const char *);
int	test_warned(const struct diags *d, const char *s);
/* Asserts that the config text (named m.yaml) has exactly one error, at
 * line:col, whose message is msg, or when msg is NULL starts with
 * prefix. */
void	test_config_error(const char *text, int line, int col,
	    const char *msg, const char *prefix);

/* Tests run from the top of the checkout; fixtures live here. */
#define FIXTURES	"tests/fixtures"

/* --- child processes and sockets, for fake servers on 127.0.0.1 --- */

/*
 * Runs fn(arg) in a child process and returns its pid; the calling test
 * fails when it cannot fork.  Every signal is blocked across the fork and
 * the child resets every handler to the default before it unblocks them:
 * Check's SIGTERM, SIGINT and SIGALRM handlers, inherited, would pass a
 * signal on to the whole process group and take the test with it.  The
 * child exits when fn returns, dies with the process that started it
 * (PR_SET_PDEATHSIG), and after 20 seconds whatever happens.
 */
pid_t	test_child_start(void (*fn)(void *), void *arg);
/* Kills (SIGKILL) and reaps a child of test_child_start(). */
void	test_child_stop(pid_t);
/*
 * Kills and reaps every child still running.  A checked teardown, so that
 * a test stopped halfway by a failed assertion leaves no child behind:
 * tcase_add_checked_fixture(tc, NULL, test_children_stop).
 */
void	test_children_stop(void);

/*
 * A TCP socket bound to a free port of 127.0.0.1, its number in *port:
 * listening with backlog when backlog >= 0; when -1, bound and not
 * listening, so that a connection to it is refused for as long as the
 * socket is open (and no one else takes the port meanwhile).
 */
int	test_socket(int backlog, int *port);

/* --- DMARC aggregate reports made by the tests (check_report.c) --- */

/* One <record>. */
struct test_row {
	const char	*ip;
	const char	*count;
	const char	*disp;
	const char	*dkim;		/* policy_evaluated */
	const char	*spf;
	const char	*from;
	const char	*dkim_d;	/* auth_results; NULL: none */
	const char	*spf_d;
};

/* A report as XML (free() it); ns NULL for none, rows NULL-terminated
 * by ip; its policy_published domain is example.com. */
char	*test_xml(const char *ns, const char *org, const char *id,
	    const char *begin, const char *end, const struct test_row *rows);
/* Two rows for example.com, of 10 and 3 messages. */
extern const struct test_row	test_rows[];

/* 2026-03-01 00:00:00 UTC, as seconds and as a day. */
#define MAR1		"1772323200"
#define MAR1_END	"1772409599"
#define MAR1_DAY	20513L

#endif
