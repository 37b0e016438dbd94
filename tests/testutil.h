/*
 * testutil.h - helpers shared by the unit tests.
 */
#ifndef MAILAUTH_TESTUTIL_H
#define MAILAUTH_TESTUTIL_H

#include <sys/types.h>

/*
 * The path of sub inside the test corpora ($MAILAUTH_CORPORA, default
 * ../shared/corpora from the top of the checkout).  When it is missing:
 * under CI=true the calling test fails; otherwise it prints that the corpus
 * is missing and returns NULL, and the caller must print that it ran 0
 * cases.  The returned path is overwritten by the next call.
 */
const char	*test_corpus(const char *sub);

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

#endif
