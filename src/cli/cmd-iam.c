/*
 * cmd-iam.c - "mailauth iam-policy": the least-privilege IAM policy of the
 * config (src/plan/iam.c builds it), with the hosted zone ids found in
 * Route 53 or, with --offline, read from the config's zone: keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "cli.h"

struct cmd_iam_opts {
	int	 offline;	/* --offline */
};

/* What IAM allows in a customer managed policy, white space not counted. */
#define MANAGED_POLICY_MAX	6144

static size_t
policy_size(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			n++;
	return n;
}

static int
cmd_iam_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	const struct cmd_iam_opts	*o = opts;
	struct cfg		 cfg;
	struct cli_aws		 aws;
	struct live_state	 ls;
	struct diags		 d = DIAGS_INIT;
	struct err		 err;
	struct buf		 out = BUF_INIT;
	struct desired		*desired = NULL;
	const struct aws_partition *pt;
	const char		**ids = NULL;
	size_t			*zone_of = NULL;
	size_t			 ndesired = 0, i, size;
	int			 aws_open = 0, rc = EXIT_ERROR;

	(void)nargs;
	(void)args;
	memset(&aws, 0, sizeof(aws));
	memset(&ls, 0, sizeof(ls));
	err_clear(&err);
	if (cli_load_config(g, &cfg) == -1)
		return EXIT_ERROR;
	/* The names are those of the records plan and apply manage. */
	if (desired_build(&cfg, cli_day(-1), &desired, &ndesired, &d) == -1) {
		cli_diags(&d);
		cli_error("%zu error%s in the records '%s' produces", d.nerrors,
		    d.nerrors == 1 ? "" : "s", g->config);
		goto out;
	}
	ids = xcalloc(cfg.ndomains + 1, sizeof(*ids));
	if (o->offline) {
		/* The ARNs' partition is the region's, found as online. */
		if ((pt = cli_aws_partition(g)) == NULL)
			goto out;
		if (iam_zone_ids_offline(&cfg, ids, &d) == -1) {
			cli_diags(&d);
			cli_error("%zu error%s; nothing was sent to AWS",
			    d.nerrors, d.nerrors == 1 ? "" : "s");
			goto out;
		}
	} else {
		if (cli_aws_open(g, &aws) == -1)
			goto out;
		aws_open = 1;
		pt = aws.partition;
		zone_of = xcalloc(cfg.ndomains + 1, sizeof(*zone_of));
		if (live_zones(&aws.r53, &cfg, &ls, zone_of, &d,
		    &err) == -1) {
			cli_diags(&d);
			if (err.msg[0] != '\0')
				cli_error("%s", err.msg);
			else
				cli_error("%zu error%s", d.nerrors,
				    d.nerrors == 1 ? "" : "s");
			goto out;
		}
		for (i = 0; i < cfg.ndomains; i++)
			ids[i] = ls.zones[zone_of[i]].id;
	}
	cli_diags(&d);
	if (iam_policy_build(&cfg, desired, ndesired, ids, pt->name, &out,
	    &err) == -1) {
		cli_error("%s", err.msg);
		goto out;
	}
	fputs(buf_str(&out), stdout);
	fflush(stdout);
	if ((size = policy_size(buf_str(&out))) > MANAGED_POLICY_MAX)
		cli_error("warning: the policy is %zu characters, over the %d "
		    "IAM allows in a managed policy; attach it inline to a role "
		    "(10240) or split the config", size, MANAGED_POLICY_MAX);
	rc = EXIT_OK;
out:
	buf_release(&out);
	diags_release(&d);
	free(ids);
	free(zone_of);
	live_release(&ls);
	if (aws_open)
		cli_aws_close(&aws);
	desired_release(desired, ndesired);
	cfg_release(&cfg);
	return rc;
}

static const struct cli_option iam_options[] = {
	CLI_OPT_FLAG("offline", struct cmd_iam_opts, offline,
	    "send nothing: take each domain's hosted zone id from its zone: "
	    "key"),
	CLI_OPT_END
};

static const struct cmd_iam_opts iam_defaults;	/* all unset */

const struct cmd_entry cmd_iam_entry = {
	"iam-policy",
	"[-c FILE] [--offline]",
	"print the least-privilege IAM policy the configuration needs",
	"Prints, as JSON, the IAM policy that lets plan and apply do their work for\n"
	"this configuration and nothing more (docs/security.md): reading only the\n"
	"config's hosted zones, and ChangeResourceRecordSets only at the names\n"
	"mailauth manages there (the apex for SPF, _dmarc, each DKIM selector),\n"
	"only for TXT (and CNAME where there are DKIM selectors) and only CREATE\n"
	"and DELETE.  The hosted zone ids are found in Route 53 as plan finds them,\n"
	"which needs route53:ListHostedZonesByName (and GetHostedZone for a zone:\n"
	"id); with --offline nothing is sent and every domain must give its zone\n"
	"id as zone: Z....  Regenerate the policy when domains or selectors change.",
	CLI_OPTIONS(iam_options, iam_defaults),
	0,
	cmd_iam_exec
};
