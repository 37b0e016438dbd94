/*
 * interrupt.h - Ctrl-C and SIGTERM while apply changes Route 53
 * (src/core/interrupt.c).
 *
 * After interrupt_install(), the first SIGINT or SIGTERM only raises a
 * flag and writes INTERRUPT_FIRST_LINE on stderr: the code that sends
 * changes asks interrupt_requested() between steps, starts nothing new,
 * settles what is in flight and says what became of each change.  The
 * second one writes INTERRUPT_AGAIN_LINE and ends the process at once
 * with _exit(INTERRUPT_EXIT): the signal is not re-raised, so the exit
 * status is 130 whichever signal it was and both ways out look alike to a
 * caller.  The handler does nothing else (a lock-free atomic flag and
 * write(2) of a fixed string).
 *
 * The handlers are installed without SA_RESTART, so a blocking call
 * wakes with EINTR; libcurl runs with CURLOPT_NOSIGNAL and goes on with
 * the request it is sending, which is what apply wants: a request already
 * sent is answered or settled, never abandoned half-way.
 *
 * The flag is process state by nature (a signal handler can reach nothing
 * else); it is the one mutable global of mailauth.  Every thread sees it:
 * apply sends each account's batches in a thread of its own, and each
 * thread stops as described above (a sleeping one within 200 ms).
 */
#ifndef MAILAUTH_INTERRUPT_H
#define MAILAUTH_INTERRUPT_H

#define INTERRUPT_EXIT	130	/* 128 + SIGINT, as shells report it */

#define INTERRUPT_FIRST_LINE						\
	"mailauth: interrupt received: finishing the change in flight, "	\
	"then stopping; press Ctrl-C again to exit now\n"
#define INTERRUPT_AGAIN_LINE						\
	"mailauth: interrupted again: exiting now; a change already sent "	\
	"may still apply: run 'mailauth plan' to see where the records "	\
	"stand\n"

/*
 * Installs the handlers of SIGINT and SIGTERM described above and ignores
 * SIGPIPE (a peer that closes a connection, or a reader of standard
 * output that goes away, must not end a run that is sending changes);
 * clears the flag.  Returns -1 with errno when sigaction() fails (nothing
 * is then changed).
 */
int	interrupt_install(void);
/* Restores the dispositions interrupt_install() found; does nothing when
 * it was not called. */
void	interrupt_uninstall(void);

/* 1 once the first SIGINT or SIGTERM arrived (or interrupt_request()
 * was called), else 0. */
int	interrupt_requested(void);
/* What the first signal does, without the line on stderr: sets the flag
 * (for tests, and for a caller that decides to stop); interrupt_clear()
 * clears it. */
void	interrupt_request(void);
void	interrupt_clear(void);

/*
 * Sleeps ms milliseconds on the monotonic clock, ending early once the
 * flag is raised (at once, when it already is).  Returns 1 when it ended
 * early because of it, else 0.  Signals are blocked while the flag is
 * tested and unblocked atomically for the wait (pselect), so a signal
 * that arrives between the test and the wait still wakes it.
 */
int	interrupt_sleep_ms(unsigned long ms);

#endif
