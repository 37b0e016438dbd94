/*
 * cmd-whoami.c - "mailauth whoami": who the credentials chain makes
 * mailauth, as STS GetCallerIdentity answers, and which source of the
 * chain supplied the credentials.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailauth/call.h"
#include "mailauth/chain.h"
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

static int
cmd_whoami_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	struct cli_aws		 aws;
	struct sts_identity	 id;
	struct err		 err;
	const struct aws_creds	*creds;
	struct sts_client	 sts;
	char			 when[21], *url = NULL;
	int			 rc = EXIT_ERROR;

	(void)opts;
	(void)nargs;
	(void)args;
	memset(&id, 0, sizeof(id));
	err_clear(&err);
	if (cli_aws_open(g, &aws) == -1)
		return EXIT_ERROR;
	if (whoami_sts(g, aws_chain_sts(aws.r53.creds_provider), &sts,
	    &url) == -1)
		goto out;
	if (aws_creds_provider_get(aws.r53.creds_provider, time(NULL), &creds,
	    &err) == -1 || sts_get_caller_identity(&sts, creds, &id,
	    &err) == -1) {
		cli_error("%s", err.msg);
		goto out;
	}
	printf("account  %s\n", id.account);
	printf("arn      %s\n", id.arn);
	if (id.user_id != NULL && *id.user_id != '\0')
		printf("user id  %s\n", id.user_id);
	printf("source   %s\n", aws.r53.creds_provider->source);
	if (aws.r53.creds_provider->expiration != 0) {
		aws_time_format(aws.r53.creds_provider->expiration, when);
		printf("expires  %s\n", when);
	}
	rc = EXIT_OK;
out:
	free(url);
	sts_identity_release(&id);
	cli_aws_close(&aws);
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
	"AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or AWS.",
	CLI_NO_OPTIONS,
	0,
	cmd_whoami_exec
};
