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
#include "mailauth/file.h"
#include "mailauth/plan.h"
#include "cli.h"

struct cmd_iam_opts {
	int		 offline;	/* --offline */
	const char	*out;		/* --out DIR: a file per account */
	struct cli_shard shard;		/* --domain, --zone */
};

/* The file of the default chain's account under --out DIR. */
#define DEFAULT_ACCOUNT_FILE	"default"

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

/*
 * The policy of cfg's domains (one account's) into out, their zones found
 * with ac's AWS side of account (or, --offline, in their zone: keys); -1
 * after printing.
 */
static int
policy_of(const struct cli_global *g, const struct cmd_iam_opts *o,
    const struct cfg *cfg_, struct cli_accounts *ac, const char *account,
    struct buf *out)
{
	const struct cfg	 cfg = *cfg_;
	struct cli_aws		*aws;
	struct live_state	 ls;
	struct diags		 d = DIAGS_INIT;
	struct err		 err;
	struct desired		*desired = NULL;
	const struct aws_partition *pt;
	const char		**ids = NULL;
	size_t			*zone_of = NULL;
	size_t			 ndesired = 0, i;
	int			 rc = -1;

	memset(&ls, 0, sizeof(ls));
	err_clear(&err);
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
		if ((aws = cli_accounts_get(g, ac, account)) == NULL)
			goto out;
		pt = aws->partition;
		zone_of = xcalloc(cfg.ndomains + 1, sizeof(*zone_of));
		if (live_zones(&aws->r53, &cfg, &ls, zone_of, &d,
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
	if (iam_policy_build(&cfg, desired, ndesired, ids, pt->name, out,
	    &err) == -1) {
		cli_error("%s", err.msg);
		goto out;
	}
	rc = 0;
out:
	diags_release(&d);
	free(ids);
	free(zone_of);
	live_release(&ls);
	desired_release(desired, ndesired);
	return rc;
}

static void
size_warning(const struct buf *policy, const char *account)
{
	size_t	 size;

	if ((size = policy_size(buf_str(policy))) > MANAGED_POLICY_MAX)
		cli_error("warning: the policy%s%s%s is %zu characters, over "
		    "the %d IAM allows in a managed policy; attach it inline "
		    "to a role (10240) or split the config", account != NULL ?
		    " of account '" : "", account != NULL ? account : "",
		    account != NULL ? "'" : "", size, MANAGED_POLICY_MAX);
}

/*
 * --out DIR: one file per account, DIR/NAME.json, and DIR/default.json
 * for the domains without account:, each replaced only once complete.
 */
static int
write_policy(const char *dir, const char *account, const struct buf *policy)
{
	struct err	 err;
	char		*path;
	int		 rc;

	path = xasprintf("%s/%s.json", dir, account != NULL ? account :
	    DEFAULT_ACCOUNT_FILE);
	err_clear(&err);
	if ((rc = file_replace(path, policy->data, policy->len, &err)) == -1)
		cli_error("%s", err.msg);
	else
		fprintf(stderr, "mailauth: wrote the policy of %s%s%s to '%s'\n",
		    account != NULL ? "account '" : "the default account",
		    account != NULL ? account : "", account != NULL ? "'" : "",
		    path);
	free(path);
	return rc;
}

static int
cmd_iam_exec(const struct cli_global *g_, const void *opts, int nargs,
    char **args)
{
	const struct cmd_iam_opts	*o = opts;
	struct cli_global		 gs = *g_, *g = &gs;
	struct cfg		 cfg, *subs = NULL;
	struct cli_aws		 aws;
	struct cli_accounts	 ac;
	struct buf		 out = BUF_INIT;
	const char		**names = NULL;
	size_t			*idx = NULL, n = 0, i;
	int			 rc = EXIT_ERROR;

	(void)nargs;
	(void)args;
	gs.shard = &o->shard;
	memset(&aws, 0, sizeof(aws));
	if (cli_load_config(g, &cfg) == -1)
		return EXIT_ERROR;
	cli_accounts_init(&ac, &aws, &cfg);
	n = cli_cfg_split(&cfg, &subs, &names, &idx);
	if (o->out == NULL && (n > 1 || names[0] != NULL)) {
		cli_error("'%s' has domains in accounts of accounts:, each "
		    "needing a policy of its own; give --out DIR for one file "
		    "per account", g->config);
		goto out;
	}
	for (i = 0; i < n; i++) {
		buf_reset(&out);
		if (policy_of(g, o, &subs[i], &ac, names[i], &out) == -1)
			goto out;
		size_warning(&out, names[i]);
		if (o->out != NULL) {
			if (write_policy(o->out, names[i], &out) == -1)
				goto out;
			continue;
		}
		fputs(buf_str(&out), stdout);
		fflush(stdout);
	}
	rc = EXIT_OK;
out:
	buf_release(&out);
	for (i = 0; i < n; i++)
		free(subs[i].domains);
	free(subs);
	free(names);
	free(idx);
	cli_accounts_close(&ac);
	cli_aws_close(&aws);
	cfg_release(&cfg);
	return rc;
}

static const struct cli_option iam_options[] = {
	CLI_OPT_FLAG("offline", struct cmd_iam_opts, offline,
	    "send nothing: take each domain's hosted zone id from its zone: "
	    "key"),
	CLI_OPT_STRING("out", struct cmd_iam_opts, out, "DIR",
	    "write one policy per account into DIR: NAME.json for each "
	    "account of accounts:, default.json for the other domains"),
	CLI_OPT_SHARD(struct cmd_iam_opts, shard),
	CLI_OPT_END
};

static const struct cmd_iam_opts iam_defaults;	/* all unset */

const struct cmd_entry cmd_iam_entry = {
	"iam-policy",
	"[-c FILE] [--offline] [--out DIR] [--domain NAME]... [--zone ZONE]...",
	"print the least-privilege IAM policy the configuration needs",
	"Prints, as JSON, the IAM policy that lets plan and apply do their work for\n"
	"this configuration and nothing more (docs/security.md): reading only the\n"
	"config's hosted zones, and ChangeResourceRecordSets only at the names\n"
	"mailauth manages there (the apex for SPF, _dmarc, each DKIM selector),\n"
	"only for TXT (and CNAME where there are DKIM selectors) and only CREATE\n"
	"and DELETE.  The hosted zone ids are found in Route 53 as plan finds them,\n"
	"which needs route53:ListHostedZonesByName (and GetHostedZone for a zone:\n"
	"id); with --offline nothing is sent and every domain must give its zone\n"
	"id as zone: Z....  Regenerate the policy when domains or selectors change.\n"
	"With accounts: in the configuration, each account needs its own policy\n"
	"(for the role it is reached with): --out DIR writes NAME.json per account\n"
	"and default.json for the domains without account:, each account's zones\n"
	"found with its own credentials.  --domain NAME and --zone ZONE (globs,\n"
	"repeatable) make the policy of a shard only, as plan does.",
	CLI_OPTIONS(iam_options, iam_defaults),
	0,
	cmd_iam_exec
};
