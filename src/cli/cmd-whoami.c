/*
 * cmd-whoami.c - "mailauth whoami": who the credentials chain makes
 * mailauth, as STS GetCallerIdentity answers, and which source of the
 * chain supplied the credentials.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mailauth/call.h"
#include "mailauth/chain.h"
#include "mailauth/config.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/sts.h"
#include "cli.h"

/*
 * The STS client GetCallerIdentity goes through: the chain's (its endpoint
 * from AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL), or with --endpoint-url
 * the same one sent there; *url holds what to free.  -1 after printing.
 */
static int
whoami_sts(const struct cli_global *g, const struct sts_client *chain,
    struct sts_client *sts, char **url)
{
	struct aws_endpoint	 ep;

	*sts = *chain;
	*url = NULL;
	if (g->endpoint_url == NULL)
		return 0;
	if (cli_aws_endpoint(g, AWS_STS, chain->region, &ep) == -1)
		return -1;
	sts->endpoint = *url = ep.url;
	return 0;
}

/* GetCallerIdentity with a's credentials through chain's STS client
 * (--endpoint-url applies), printed; -1 after printing. */
static int
show(const struct cli_global *g, const struct cli_aws *a,
    const struct sts_client *chain)
{
	struct sts_identity	 id;
	struct err		 err;
	const struct aws_creds	*creds;
	struct sts_client	 sts;
	char			 when[21], *url = NULL;
	int			 rc = -1;

	memset(&id, 0, sizeof(id));
	err_clear(&err);
	if (whoami_sts(g, chain, &sts, &url) == -1)
		goto out;
	if (aws_creds_provider_get(a->r53.creds_provider, time(NULL), &creds,
	    &err) == -1 || sts_get_caller_identity(&sts, creds, &id,
	    &err) == -1) {
		cli_error("%s", err.msg);
		goto out;
	}
	printf("account  %s\n", id.account);
	printf("arn      %s\n", id.arn);
	if (id.user_id != NULL && *id.user_id != '\0')
		printf("user id  %s\n", id.user_id);
	printf("source   %s\n", a->r53.creds_provider->source);
	if (a->r53.creds_provider->expiration != 0) {
		aws_time_format(a->r53.creds_provider->expiration, when);
		printf("expires  %s\n", when);
	}
	rc = 0;
out:
	free(url);
	sts_identity_release(&id);
	return rc;
}

/*
 * The config's accounts:, when there is a config to read: -c given, or
 * mailauth.yaml where whoami runs.  -1 after printing.
 */
static int
load_accounts(const struct cli_global *g, struct cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (!g->config_given && access(g->config, F_OK) == -1)
		return 0;
	return cli_load_config(g, cfg);
}

static int
cmd_whoami_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	struct cli_aws		 aws;
	struct cli_accounts	 ac;
	struct cli_aws		*a;
	struct cfg		 cfg;
	const struct sts_client	*sts;
	size_t			 i;
	int			 rc = EXIT_ERROR;

	(void)opts;
	(void)nargs;
	(void)args;
	memset(&aws, 0, sizeof(aws));
	if (load_accounts(g, &cfg) == -1)
		return EXIT_ERROR;
	cli_accounts_init(&ac, &aws, &cfg);
	if (cli_aws_open(g, &aws) == -1 ||
	    show(g, &aws, aws_chain_sts(aws.r53.creds_provider)) == -1)
		goto out;
	rc = EXIT_OK;
	/* Each account of accounts:, under its name; one that fails does
	 * not hide the others. */
	for (i = 0; i < cfg.naccounts; i++) {
		printf("\n[%s]\n", cfg.accounts[i].name);
		fflush(stdout);
		if ((a = cli_accounts_get(g, &ac, cfg.accounts[i].name)) ==
		    NULL) {
			rc = EXIT_ERROR;
			continue;
		}
		sts = aws_chain_sts(a->r53.creds_provider);
		if (sts == NULL)	/* a role: the default chain's STS */
			sts = aws_chain_sts(aws.r53.creds_provider);
		if (show(g, a, sts) == -1)
			rc = EXIT_ERROR;
	}
out:
	cli_accounts_close(&ac);
	cli_aws_close(&aws);
	cfg_release(&cfg);
	return rc;
}

const struct cmd_entry cmd_whoami_entry = {
	"whoami",
	"",
	"show whose AWS credentials mailauth uses and where they come from",
	"Finds credentials as plan and apply do (docs/credentials.md: --profile\n"
	"or AWS_PROFILE, environment keys, web identity, the shared config and\n"
	"credentials files, container credentials, EC2 instance metadata), asks\n"
	"STS GetCallerIdentity who they belong to, and prints the account, the\n"
	"ARN, the user id, which source of the chain supplied the credentials\n"
	"and, for temporary ones, when they expire.  Reads nothing from Route 53\n"
	"and needs no permission: STS answers GetCallerIdentity for any valid\n"
	"credentials.  --endpoint-url sends GetCallerIdentity there; credentials\n"
	"that come from STS (a role, web identity) are still asked of the STS of\n"
	"AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or AWS.\n"
	"When the configuration (-c, or mailauth.yaml here) has accounts:, each\n"
	"account follows under its name, [NAME], as plan and apply reach it: its\n"
	"role assumed with the credentials above, or its profile's chain.",
	CLI_NO_OPTIONS,
	0,
	cmd_whoami_exec
};
