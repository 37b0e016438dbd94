/*
 * check_process.c - the real credential_process runner (src/creds/process.c)
 * beyond check_creds.c's cases: a command that is late is killed with its
 * whole process group, so nothing it started goes on running.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/process.h"

/* 1 when pid is gone: no such process, or a zombie (killed, not yet reaped
 * by init). */
static int
gone(pid_t pid)
{
	char	 path[64], stat[256], *p;
	FILE	*f;
	int	 zombie = 0;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	if (fgets(stat, sizeof(stat), f) != NULL &&
	    (p = strrchr(stat, ')')) != NULL)
		zombie = p[1] == ' ' && p[2] == 'Z';
	fclose(f);
	return zombie;
}

/* A command that is late is killed with what it started: its process
 * group, not only the shell. */
START_TEST(test_process_group_killed)
{
	struct buf	 out = BUF_INIT;
	struct err	 err;
	FILE		*f;
	char		 path[64], *cmd;
	long		 child = 0;
	int		 status = -1, i;

	err_clear(&err);
	snprintf(path, sizeof(path), "/tmp/mailauth-grandchild-%ld",
	    (long)getpid());
	cmd = xasprintf("sleep 30 & echo $! > %s; wait", path);
	ck_assert_int_eq(aws_process_run(NULL, cmd, 1024, 1, &out, &status,
	    &err), -1);
	ck_assert_str_eq(err.msg, "did not finish within 1 s");
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%ld", &child), 1);
	fclose(f);
	unlink(path);
	ck_assert_int_gt(child, 0);
	/* init reaps it soon after the kill. */
	for (i = 0; i < 300 && !gone((pid_t)child); i++)
		usleep(10000);
	ck_assert_msg(gone((pid_t)child), "'sleep 30' (%ld) still runs",
	    child);
	free(cmd);
	buf_release(&out);
}
END_TEST

/*
 * Two threads (two accounts' credential_process) run commands at once:
 * they run one after the other, since the terminal a command may be
 * handed is the process's.  Each command holds a folder for 200 ms;
 * run side by side, the second's mkdir would fail.
 */
struct runner {
	pthread_t	 thread;
	const char	*cmd;
	int		 rc, status;
	char		 out[16];
};

static void *
runner_run(void *arg)
{
	struct runner	*r = arg;
	struct buf	 out = BUF_INIT;
	struct err	 err;

	err_clear(&err);
	r->rc = aws_process_run(NULL, r->cmd, 1024, 20, &out, &r->status,
	    &err);
	snprintf(r->out, sizeof(r->out), "%s", buf_str(&out));
	buf_release(&out);
	return NULL;
}

START_TEST(test_process_one_at_a_time)
{
	struct runner	 r[2];
	char		 dir[64], *cmd;
	size_t		 i;

	snprintf(dir, sizeof(dir), "/tmp/mailauth-held-%ld", (long)getpid());
	rmdir(dir);
	cmd = xasprintf("mkdir %s && sleep 0.2 && rmdir %s && echo ok", dir,
	    dir);
	memset(r, 0, sizeof(r));
	for (i = 0; i < 2; i++) {
		r[i].cmd = cmd;
		ck_assert_int_eq(pthread_create(&r[i].thread, NULL, runner_run,
		    &r[i]), 0);
	}
	for (i = 0; i < 2; i++)
		pthread_join(r[i].thread, NULL);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(r[i].rc, 0);
		ck_assert_int_eq(r[i].status, 0);
		ck_assert_str_eq(r[i].out, "ok\n");
	}
	rmdir(dir);
	free(cmd);
}
END_TEST

Suite	*process_suite(void);

Suite *
process_suite(void)
{
	Suite	*s = suite_create("process");
	TCase	*tc = tcase_create("group");

	tcase_add_test(tc, test_process_group_killed);
	tcase_add_test(tc, test_process_one_at_a_time);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
