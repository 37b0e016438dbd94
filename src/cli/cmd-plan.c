/*
 * cmd-plan.c - "mailauth plan": what apply would change, and nothing more;
 * with --out, the plan saved for "mailauth apply FILE".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/file.h"
#include "mailauth/plan.h"
#include "cli.h"

struct cmd_plan_opts {
	int			 detailed_exitcode;	/* --detailed-exitcode */
	const char		*out;			/* --out FILE */
	const char		*format;		/* --format; NULL: text */
	long			 at;			/* --at; -1 unset */
	struct cli_gate_opts	 gate;			/* --reports, ... */
	struct cli_shard	 shard;			/* --domain, --zone */
};

/* Writes the saved plan to path ("-": standard output), replacing any
 * old file only once the new one is complete. */
static int
save(const char *path, const struct plan *plan, const struct plan_meta *m)
{
	struct buf	 json = BUF_INIT;
	struct err	 err;
	int		 rc = -1;

	plan_to_json(plan, m, &json);
	if (strcmp(path, "-") == 0) {
		if (fwrite(json.data, 1, json.len, stdout) != json.len ||
		    fflush(stdout) != 0) {
			cli_error("cannot write the plan to standard output: "
			    "%s", strerror(errno));
			goto out;
		}
		rc = 0;
		goto out;
	}
	err_clear(&err);
	if (file_replace(path, json.data, json.len, &err) == -1) {
		cli_error("%s", err.msg);
		goto out;
	}
	rc = 0;
out:
	buf_release(&json);
	return rc;
}

static int
cmd_plan_exec(const struct cli_global *g_, const void *opts, int nargs,
    char **args)
{
	const struct cmd_plan_opts	*o = opts;
	struct cli_global		 gs = *g_, *g = &gs;
	struct cli_aws			 aws;
	struct cli_plan			 p;
	const struct plan		*plan;
	int				 rc = EXIT_ERROR;

	(void)nargs;
	(void)args;
	gs.shard = &o->shard;
	if (o->out != NULL && strcmp(o->out, "-") == 0 && o->format != NULL) {
		cli_error("option '--format' cannot be used with '--out -', "
		    "which prints the saved plan's JSON alone");
		return EXIT_ERROR;
	}
	if (cli_plan_make(g, o->at, &o->gate, &aws, &p) == -1)
		goto out;
	plan = &p.built.plan;
	if (o->out == NULL || strcmp(o->out, "-") != 0)
		cli_plan_print(g, o->format, plan, &p.built.meta);
	if (o->out != NULL) {
		if (save(o->out, plan, &p.built.meta) == -1)
			goto out;
		if (strcmp(o->out, "-") != 0)
			fprintf(stderr, "mailauth: plan saved to '%s'; apply "
			    "it with 'mailauth apply %s'\n", o->out, o->out);
	}
	if (plan_has_changes(plan) && o->detailed_exitcode)
		rc = EXIT_CHANGES;
	else
		rc = EXIT_OK;
out:
	cli_plan_release(&p);
	cli_aws_close(&aws);
	return rc;
}

static const struct cli_option plan_options[] = {
	CLI_OPT_FLAG("detailed-exitcode", struct cmd_plan_opts,
	    detailed_exitcode,
	    "exit 0 when there are no changes, 2 when there are, 1 on error"),
	CLI_OPT_STRING("out", struct cmd_plan_opts, out, "FILE",
	    "also save the plan as JSON to FILE, for 'mailauth apply FILE' "
	    "(-: print that JSON alone on standard output)"),
	CLI_OPT_WORD("format", struct cmd_plan_opts, format,
	    "text|json|markdown", "how the plan is printed (default text)"),
	CLI_OPT_AT(struct cmd_plan_opts, at),
	CLI_OPT_GATE(struct cmd_plan_opts, gate),
	CLI_OPT_IGNORE_GATE(struct cmd_plan_opts, gate),
	CLI_OPT_SHARD(struct cmd_plan_opts, shard),
	CLI_OPT_END
};

static const struct cmd_plan_opts plan_defaults = { .at = -1 };

const struct cmd_entry cmd_plan_entry = {
	"plan",
	"[-c FILE] [--at YYYY-MM-DD] [--detailed-exitcode] "
	    "[--format text|json|markdown] [--out FILE] [--reports SOURCE]... "
	    "[--ignore-gate] [--domain NAME]... [--zone ZONE]...",
	"show what apply would change in Route 53",
	"Reads the configuration, finds the hosted zone of every domain, reads the\n"
	"record sets mailauth manages there and shows, Terraform-style, what apply\n"
	"would create (+), update (~, old and new values) or delete (-).  Values\n"
	"mailauth does not own are shown unchanged and are never altered.  Changes\n"
	"that weaken DMARC or SPF are listed in a section of their own.  Nothing is\n"
	"written to Route 53.  --format markdown prints a table per domain for a\n"
	"pull-request comment; --format json prints the saved-plan document\n"
	"(docs/plan-json.md), which --out FILE saves for 'mailauth apply FILE'\n"
	"(--out - prints that JSON alone on standard output).\n"
	"A domain with a DMARC rollout publishes the stage of --at (default: today,\n"
	"UTC), and the plan names it.  With dmarc.gate, a domain stays at its stage\n"
	"until the DMARC reports of --reports SOURCE (once per source: a file, a\n"
	"folder or s3://BUCKET/PREFIX) meet the gate, and one line says why; without\n"
	"--reports the stage is held (\"held: no reports given\"), and --ignore-gate\n"
	"takes it on its date alone.  With --reports, each DMARC change of policy\n"
	"is replayed on the reports' window: how many messages the new record\n"
	"would have quarantined or rejected that the live one did not, and from\n"
	"which sources.  --format json and markdown also carry the warnings, each\n"
	"change's weakening and replay, and each domain's gate verdict.\n"
	"--domain NAME and --zone ZONE (globs, repeatable) plan a shard of the\n"
	"configuration: only the domains they match are read, and --out records\n"
	"the shard, which apply PLANFILE must be given again.\n"
	"Credentials come from the AWS chain: --profile, the environment, web\n"
	"identity, ~/.aws files, container and instance metadata (see 'mailauth\n"
	"whoami' and docs/credentials.md).",
	CLI_OPTIONS(plan_options, plan_defaults),
	0,
	cmd_plan_exec
};
