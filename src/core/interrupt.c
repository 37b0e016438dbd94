/*
 * interrupt.c - the SIGINT and SIGTERM handlers of apply, the flag they
 * raise, and a sleep that the flag ends (see mailauth/interrupt.h).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "mailauth/interrupt.h"

/* The longest wait in one go: a signal delivered to a thread of a
 * library (libcurl's resolver) rather than to the sleeping one does not
 * wake it, so the flag is looked at this often in any case. */
#define SLICE_MS	200

static volatile sig_atomic_t	 requested;

static struct sigaction		 old_int, old_term, old_pipe;
static int			 installed;

static void
say(const char *s, size_t n)
{
	ssize_t	 w;

	while (n > 0 && ((w = write(STDERR_FILENO, s, n)) > 0 ||
	    (w == -1 && errno == EINTR)))
		if (w > 0) {
			s += w;
			n -= (size_t)w;
		}
}

/* Async-signal-safe: a flag, write(2), _exit(2). */
static void
on_signal(int sig)
{
	int	 saved = errno;

	(void)sig;
	if (requested) {
		say(INTERRUPT_AGAIN_LINE, sizeof(INTERRUPT_AGAIN_LINE) - 1);
		_exit(INTERRUPT_EXIT);
	}
	requested = 1;
	say(INTERRUPT_FIRST_LINE, sizeof(INTERRUPT_FIRST_LINE) - 1);
	errno = saved;
}

int
interrupt_install(void)
{
	struct sigaction	 sa, ign;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* No SA_RESTART: a blocking call wakes.  Each signal is blocked
	 * while the handler runs for the other, so the two cannot both
	 * see the flag down. */
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	requested = 0;
	if (sigaction(SIGINT, &sa, &old_int) == -1)
		return -1;
	if (sigaction(SIGTERM, &sa, &old_term) == -1) {
		sigaction(SIGINT, &old_int, NULL);
		return -1;
	}
	if (sigaction(SIGPIPE, &ign, &old_pipe) == -1) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		return -1;
	}
	installed = 1;
	return 0;
}

void
interrupt_uninstall(void)
{
	if (!installed)
		return;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	installed = 0;
}

int
interrupt_requested(void)
{
	return requested != 0;
}

void
interrupt_request(void)
{
	requested = 1;
}

void
interrupt_clear(void)
{
	requested = 0;
}

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
interrupt_sleep_ms(unsigned long ms)
{
	sigset_t	 block, old;
	struct timespec	 ts;
	long long	 end = now_ms() + (long long)ms, left;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!requested && (left = end - now_ms()) > 0) {
		if (left > SLICE_MS)
			left = SLICE_MS;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000L;
		/* Unblocks the signals for the wait only: one that came
		 * after the test above is delivered now and wakes it. */
		(void)pselect(0, NULL, NULL, NULL, &ts, &old);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return requested != 0;
}
