/*
 * check_process.c - the real credential_process runner (src/creds/process.c)
 * beyond check_creds.c's cases: a command that is late is killed with its
 * whole process group, so nothing it started goes on running.
 */
#include <check.h>
#include <errno.h>
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

Suite	*process_suite(void);

Suite *
process_suite(void)
{
	Suite	*s = suite_create("process");
	TCase	*tc = tcase_create("group");

	tcase_add_test(tc, test_process_group_killed);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
