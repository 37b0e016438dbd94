/*
 * ses.c - the Amazon SES side of the command line: the SESv2 endpoint of a
 * region, chosen from the environment as the AWS SDKs do, and reading the
 * SES identity of every domain with ses: through the run's transport and
 * credentials.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/config.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/ses.h"
#include "cli.h"

static time_t
now(void)
{
	return time(NULL);
}

char *
cli_ses_endpoint(const struct cli_global *o, const char *region)
{
	struct aws_endpoint	 ep;

	if (cli_aws_endpoint(o, AWS_SESV2, region, &ep) == -1)
		return NULL;
	return ep.url;
}

int
cli_ses_has(const struct cfg *cfg)
{
	size_t	 i;

	for (i = 0; i < cfg->ndomains; i++)
		if (cfg->domains[i].ses.present)
			return 1;
	return 0;
}

int
cli_ses_get(const struct cli_global *o, struct cli_aws *aws,
    const struct cfg_domain *dom, struct ses_identity *id)
{
	struct ses_client	 c;
	struct err		 err;
	char			*ep;
	int			 rc;

	memset(id, 0, sizeof(*id));
	if ((ep = cli_ses_endpoint(o, dom->ses.region)) == NULL)
		return -1;
	memset(&c, 0, sizeof(c));
	c.http = &aws->http;
	c.endpoint = ep;
	c.region = dom->ses.region;
	c.creds_provider = aws->r53.creds_provider;
	c.clock = now;
	err_clear(&err);
	if ((rc = ses_identity_get(&c, dom->ses.identity, id, &err)) == -1)
		cli_error("domains.%s.ses: %s", dom->name, err.msg);
	free(ep);
	return rc;
}

int
cli_ses_identities(const struct cli_global *o, struct cli_aws *aws,
    const struct cfg *cfg, struct ses_identity **ids)
{
	size_t	 i;
	int	 rc = 0;

	*ids = xcalloc(cfg->ndomains + 1, sizeof(**ids));
	for (i = 0; i < cfg->ndomains; i++)
		if (cfg->domains[i].ses.present &&
		    cli_ses_get(o, aws, &cfg->domains[i], &(*ids)[i]) == -1)
			rc = -1;
	if (rc == -1) {
		cli_ses_release(*ids, cfg->ndomains);
		*ids = NULL;
	}
	return rc;
}

void
cli_ses_release(struct ses_identity *ids, size_t n)
{
	size_t	 i;

	if (ids == NULL)
		return;
	for (i = 0; i < n; i++)
		ses_identity_release(&ids[i]);
	free(ids);
}
