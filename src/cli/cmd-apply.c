/*
 * cmd-apply.c - "mailauth apply": make Route 53 match the config, after a
 * plan and a confirmation, and wait until the change is INSYNC.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "cli.h"

static void
progress(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
	fflush(stdout);
}

/* 1 when the person at the terminal typed "yes". */
static int
confirmed(void)
{
	char	 line[64];

	printf("\nApply these changes? Only 'yes' is accepted: ");
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "yes") == 0;
}

static int
cmd_apply_exec(const struct cli_opts *o)
{
	struct cli_aws	 aws;
	struct cli_plan	 p;
	struct err	 err;
	int		 rc = EXIT_ERROR;

	err_clear(&err);
	if (!o->auto_approve && !isatty(STDIN_FILENO)) {
		cli_error("apply asks for confirmation, but standard input is "
		    "not a terminal; review 'mailauth plan' and run 'mailauth "
		    "apply --auto-approve'");
		return EXIT_ERROR;
	}
	if (cli_plan_make(o, &aws, &p) == -1)
		goto out;
	if (!plan_has_changes(p.plan)) {
		rc = EXIT_OK;
		goto out;
	}
	if (!o->auto_approve && !confirmed()) {
		cli_error("apply cancelled; nothing was changed");
		goto out;
	}
	printf("\n");
	if (plan_apply(&aws.r53, p.plan, DEFAULT_WAIT_S, progress, NULL,
	    &err) == -1) {
		cli_error("%s", err.msg);
		goto out;
	}
	printf("\nApply complete: %zu added, %zu changed, %zu destroyed.\n",
	    p.plan->nadd, p.plan->nchange, p.plan->ndestroy);
	rc = EXIT_OK;
out:
	cli_plan_release(&p);
	cli_aws_close(&aws);
	return rc;
}

const struct cmd_entry cmd_apply_entry = {
	"apply",
	"[-c FILE] [--auto-approve]",
	"apply the plan to Route 53 and wait until it is in sync",
	"Makes the same plan as 'mailauth plan', shows it, asks for confirmation\n"
	"(only 'yes' is accepted; without a terminal, --auto-approve is required),\n"
	"then sends one ChangeResourceRecordSets batch per hosted zone, which Route 53\n"
	"applies all or nothing, and waits until each change is INSYNC.  An update is\n"
	"sent as the DELETE of the exact live record set and the CREATE of the new\n"
	"one, so a record changed by someone else since the plan is never overwritten:\n"
	"Route 53 refuses the batch instead.",
	OPT_AUTO_APPROVE,
	0,
	cmd_apply_exec
};
