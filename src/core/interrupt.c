/*
 * interrupt.c - the SIGINT and SIGTERM handlers of apply, the flag they
 * raise, and a sleep that the flag ends (see mailauth/interrupt.h).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "mailauth/interrupt.h"

/* The longest wait in one go: a signal delivered to another thread (one
 * of libcurl's resolver, or another account's in apply) rather than to the
 * sleeping one does not wake it, so the flag is looked at this often in
 * any case. */
#define SLICE_MS	200

/*
 * Raised by the handler, read by every thread of apply (one per account):
 * a lock-free atomic, which C11 allows a handler to touch and which each
 * thread sees without a data race, where volatile sig_atomic_t is only
 * safe within the thread the signal interrupts.
 */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler needs a "
    "lock-free atomic int");
static atomic_int		 requested;

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
	if (atomic_exchange(&requested, 1) != 0) {
		say(INTERRUPT_AGAIN_LINE, sizeof(INTERRUPT_AGAIN_LINE) - 1);
		_exit(INTERRUPT_EXIT);
	}
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
	atomic_store(&requested, 0);
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
	return atomic_load(&requested) != 0;
}

void
interrupt_request(void)
{
	atomic_store(&requested, 1);
}

void
interrupt_clear(void)
{
	atomic_store(&requested, 0);
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
	/* The calling thread's mask: apply sleeps in several threads. */
	pthread_sigmask(SIG_BLOCK, &block, &old);
	while (!interrupt_requested() && (left = end - now_ms()) > 0) {
		if (left > SLICE_MS)
			left = SLICE_MS;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000L;
		/* Unblocks the signals for the wait only: one that came
		 * after the test above is delivered now and wakes it. */
		(void)pselect(0, NULL, NULL, NULL, &ts, &old);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return interrupt_requested();
}
