/*
 * process.c - the real credential_process runner: /bin/sh -c COMMAND in a
 * process group of its own, with its standard output captured through a
 * pipe, bounded in size and time (the group is killed when it is late).
 *
 * The time bound uses the monotonic clock, as a transport's timeout does;
 * it is not the wall clock the rest of this layer is handed.
 *
 * One command runs at a time in the whole process: the terminal it may be
 * handed is the process's, and apply refreshes each account's credentials
 * in that account's thread (two accounts' profiles may each have a
 * credential_process).  Holding the lock over the run also keeps the pipe
 * made here out of another thread's command, as the only process this
 * program starts is this one.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/process.h"

extern char	**environ;

static pthread_mutex_t	 running = PTHREAD_MUTEX_INITIALIZER;

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
cloexec_pipe(int fd[2])
{
	if (pipe(fd) == -1)
		return -1;
	if (fcntl(fd[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fd[1], F_SETFD, FD_CLOEXEC) == -1) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	return 0;
}

/* The command runs in a process group of its own (setpgid(0, 0) in the
 * child), so that a timeout kills whatever it started too. */
static int
spawn(const char *command, int fd[2], pid_t *pid, struct err *err)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	char				*argv[4];
	int				 e;

	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)command;
	argv[3] = NULL;
	if ((e = posix_spawn_file_actions_init(&fa)) != 0)
		return err_set(err, "cannot run the command: %s", strerror(e));
	if ((e = posix_spawnattr_init(&attr)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return err_set(err, "cannot run the command: %s", strerror(e));
	}
	/* dup2() leaves the new descriptor 1 open across exec. */
	e = posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
	if (e == 0)
		e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	if (e == 0)
		e = posix_spawnattr_setpgroup(&attr, 0);
	if (e == 0)
		e = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0)
		return err_set(err, "cannot run /bin/sh: %s", strerror(e));
	return 0;
}

/* Makes pgrp the terminal's foreground process group.  The command runs in
 * a group of its own, and a background group that reads the terminal is
 * stopped (SIGTTIN): a command that prompts (an MFA code) must have it. */
static void
terminal_to(pid_t pgrp)
{
	sigset_t	 block, old;

	/* Our group may be in the background by now: not stopped for it. */
	sigemptyset(&block);
	sigaddset(&block, SIGTTOU);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	(void)tcsetpgrp(STDIN_FILENO, pgrp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Waits for pid until deadline; 0 with *status, or -1 when it is late. */
static int
reap(pid_t pid, long long deadline, int *status)
{
	int	 ws;
	pid_t	 r;

	for (;;) {
		r = waitpid(pid, &ws, WNOHANG);
		if (r == pid)
			break;
		if (r == -1 && errno != EINTR) {
			*status = 127;
			return 0;
		}
		if (now_ms() >= deadline)
			return -1;
		poll(NULL, 0, 10);
	}
	if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws))
		*status = 128 + WTERMSIG(ws);
	else
		*status = 127;
	return 0;
}

/* Kills the command's whole process group: a shell killed alone would
 * leave what it started (a `sleep 30 &`) running, holding our pipe. */
static void
kill_and_reap(pid_t pid)
{
	kill(-pid, SIGKILL);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
}

static int	run(const char *, size_t, unsigned int, struct buf *, int *,
		    struct err *);

int
aws_process_run(void *ctx, const char *command, size_t max_out,
    unsigned int timeout_s, struct buf *out, int *status, struct err *err)
{
	int	 rc;

	(void)ctx;
	pthread_mutex_lock(&running);
	rc = run(command, max_out, timeout_s, out, status, err);
	pthread_mutex_unlock(&running);
	return rc;
}

static int
run(const char *command, size_t max_out, unsigned int timeout_s,
    struct buf *out, int *status, struct err *err)
{
	struct pollfd	 pfd;
	char		 chunk[4096];
	long long	 deadline = now_ms() + (long long)timeout_s * 1000;
	long long	 left;
	ssize_t		 n;
	pid_t		 pid;
	int		 fd[2], fg, rc = -1;

	*status = 0;
	if (cloexec_pipe(fd) == -1)
		return err_set(err, "cannot run the command: %s",
		    strerror(errno));
	if (spawn(command, fd, &pid, err) == -1) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	close(fd[1]);
	/* The terminal goes with the command while it runs, when it is ours. */
	fg = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
	if (fg) {
		terminal_to(pid);
		/* A command quick to read the terminal may have done so
		 * before it had it, and been stopped (SIGTTIN): go on. */
		kill(-pid, SIGCONT);
	}
	pfd.fd = fd[0];
	pfd.events = POLLIN;
	for (;;) {
		if ((left = deadline - now_ms()) <= 0)
			goto late;
		pfd.revents = 0;
		if (poll(&pfd, 1, left > 1000 ? 1000 : (int)left) == -1) {
			if (errno == EINTR)
				continue;
			err_set(err, "cannot read the command's output: %s",
			    strerror(errno));
			goto killed;
		}
		if (pfd.revents == 0)
			continue;
		if ((n = read(fd[0], chunk, sizeof(chunk))) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			err_set(err, "cannot read the command's output: %s",
			    strerror(errno));
			goto killed;
		}
		if (n == 0)
			break;
		if ((size_t)n > max_out - out->len || out->len > max_out) {
			err_set(err, "wrote more than %zu bytes", max_out);
			goto killed;
		}
		buf_add(out, chunk, (size_t)n);
	}
	if (reap(pid, deadline, status) == -1)
		goto late;
	rc = 0;
	goto out;
late:
	err_set(err, "did not finish within %u s", timeout_s);
killed:
	kill_and_reap(pid);
out:
	if (fg)
		terminal_to(getpgrp());
	OPENSSL_cleanse(chunk, sizeof(chunk));
	close(fd[0]);
	return rc;
}
