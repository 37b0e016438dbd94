/*
 * process.h - running a credential_process command: the hook the
 * credential_process of a profile runs through (cred_process.c), and the
 * real runner.
 *
 * The command runs as "/bin/sh -c COMMAND", as the AWS SDKs for Go and
 * Java run it on Unix, with mailauth's environment, standard input and
 * standard error (so its prompts and messages reach the user); only its
 * standard output is captured.
 */
#ifndef MAILAUTH_PROCESS_H
#define MAILAUTH_PROCESS_H

#include <stddef.h>

struct buf;
struct err;

/* Bounds on one run. */
#define AWS_PROCESS_TIMEOUT_S	60
#define AWS_PROCESS_OUT_MAX	(64 * 1024)

/*
 * Runs command and appends what it writes on standard output to out (at
 * most max_out bytes).  Returns 0 when it ran to its end, *status then
 * being its exit status (0-255) or 128 + the signal that ended it; -1 with
 * err when it could not be started ("cannot run ...: REASON"), wrote more
 * than max_out bytes ("wrote more than N bytes") or did not end within
 * timeout_s seconds ("did not finish within N s"); in those two cases it
 * has been killed.  The caller wipes out.
 */
struct aws_process_runner {
	int	(*run)(void *ctx, const char *command, size_t max_out,
		    unsigned int timeout_s, struct buf *out, int *status,
		    struct err *);
	void	*ctx;
};

/* The real runner (ctx unused): posix_spawn(), a pipe, poll(). */
int	aws_process_run(void *ctx, const char *command, size_t max_out,
	    unsigned int timeout_s, struct buf *out, int *status, struct err *);

#endif
