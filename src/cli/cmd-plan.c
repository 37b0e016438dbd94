/*
 * cmd-plan.c - "mailauth plan": what apply would change, and nothing more.
 */
#include "mailauth/plan.h"
#include "cli.h"

static int
cmd_plan_exec(const struct cli_opts *o)
{
	struct cli_aws	 aws;
	struct cli_plan	 p;
	int		 rc = EXIT_ERROR;

	if (cli_plan_make(o, &aws, &p) == 0) {
		if (plan_has_changes(p.plan) && o->detailed_exitcode)
			rc = EXIT_CHANGES;
		else
			rc = EXIT_OK;
	}
	cli_plan_release(&p);
	cli_aws_close(&aws);
	return rc;
}

const struct cmd_entry cmd_plan_entry = {
	"plan",
	"[-c FILE] [--detailed-exitcode]",
	"show what apply would change in Route 53",
	"Reads the configuration, finds the hosted zone of every domain, reads the\n"
	"record sets mailauth manages there and shows, Terraform-style, what apply\n"
	"would create (+), update (~, old and new values) or delete (-).  Values\n"
	"mailauth does not own are shown unchanged and are never altered.  Nothing\n"
	"is written.  Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY\n"
	"and AWS_SESSION_TOKEN.",
	OPT_DETAILED_EXITCODE,
	0,
	cmd_plan_exec
};
