/*
 * cmd-ses.c - "mailauth ses status": per domain with ses:, what its SES
 * identity says (verification, DKIM, MAIL FROM) and whether Route 53
 * already holds the records SES expects.  Reads only; changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "mailauth/ses.h"
#include "cli.h"

static const char *
or_unknown(const char *s)
{
	return s != NULL ? s : "unknown";
}

static void
identity_lines(const struct cfg_domain *dom, const struct ses_identity *id,
    struct buf *out)
{
	const char	*origin = "unknown origin";

	buf_addf(out, "%s: SES identity %s in %s\n", dom->name,
	    dom->ses.identity, dom->ses.region);
	buf_addf(out, "  verification: %s (%sverified for sending)\n",
	    or_unknown(id->verification_status),
	    id->verified_for_sending ? "" : "not ");
	if (id->dkim_origin == SES_DKIM_EASY)
		origin = "Easy DKIM";
	else if (id->dkim_origin == SES_DKIM_EXTERNAL)
		origin = "BYODKIM";
	buf_addf(out, "  DKIM: %s, %s, signing %s", or_unknown(id->dkim_status),
	    origin, id->dkim_signing_enabled ? "enabled" : "disabled");
	if (id->dkim_key_length != NULL)
		buf_addf(out, ", %s", id->dkim_key_length);
	buf_addf(out, ", %zu %s\n", id->ntokens,
	    id->dkim_origin == SES_DKIM_EXTERNAL ? (id->ntokens == 1 ?
	    "selector" : "selectors") : (id->ntokens == 1 ? "token" :
	    "tokens"));
	if (id->mail_from_domain == NULL)
		buf_addf(out, "  MAIL FROM: SES's default (below "
		    "amazonses.com)%s%s\n", dom->ses.mail_from != NULL ?
		    "; the config names " : "", dom->ses.mail_from != NULL ?
		    dom->ses.mail_from : "");
	else
		buf_addf(out, "  MAIL FROM: %s, %s (on MX failure: %s)\n",
		    id->mail_from_domain, or_unknown(id->mail_from_status),
		    or_unknown(id->mail_from_behavior));
}

static const char *
op_word(enum plan_op op)
{
	switch (op) {
	case PLAN_CREATE:
		return "missing";
	case PLAN_UPDATE:
		return "differs";
	case PLAN_DELETE:
		return "to delete";
	case PLAN_NONE:
		break;
	}
	return "as expected";
}

/* What Route 53 holds of what dom's identity expects, from the plan. */
static void
route53_line(const struct cfg_domain *dom, const struct plan *p,
    struct buf *out)
{
	struct buf	 off = BUF_INIT;
	size_t		 i, n = 0, good = 0, stale = 0;
	char		*name;

	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change	*c = &p->changes[i];
		const struct rrset		*rs;

		if (c->domain == NULL || strcmp(c->domain, dom->name) != 0)
			continue;
		if (c->note != NULL && strncmp(c->note, "stale", 5) == 0) {
			stale++;
			continue;
		}
		n++;
		if (c->op == PLAN_NONE) {
			good++;
			continue;
		}
		rs = c->op == PLAN_CREATE ? &c->after : &c->before;
		name = dns_name_display(rs->name);
		buf_addf(&off, "; %s: %s %s", op_word(c->op), name,
		    c->op == PLAN_CREATE ? c->after.type : c->before.type);
		free(name);
	}
	if (n == 0)
		buf_adds(out, "  Route 53: SES expects no records mailauth "
		    "publishes");
	else if (good == n)
		buf_addf(out, "  Route 53: all %zu record%s SES expects %s "
		    "there", n, n == 1 ? "" : "s", n == 1 ? "is" : "are");
	else
		buf_addf(out, "  Route 53: %zu of %zu records as SES expects%s "
		    "(mailauth plan shows the changes)", good, n,
		    buf_str(&off));
	if (stale > 0)
		buf_addf(out, "; %zu stale Easy DKIM token CNAME%s", stale,
		    stale == 1 ? "" : "s");
	buf_addc(out, '\n');
	buf_release(&off);
}

/* What compare() hands plan_build(): the AWS side, already open. */
struct connected {
	const struct r53_client		*r53;
	const struct ses_identity	*ids;
};

static int
connected(void *ctx, const struct r53_client **r53,
    const struct ses_identity **ses)
{
	const struct connected	*c = ctx;

	*r53 = c->r53;
	*ses = c->ids;
	return 0;
}

/*
 * The records of the identities alone (not the rest of the config),
 * compared with Route 53 as plan compares them.  -1 after printing.
 */
static int
compare(const struct cli_global *o, struct cli_aws *aws, const struct cfg *cfg,
    const struct ses_identity *ids, struct plan_built *b)
{
	struct plan_inputs	 in;
	struct connected	 c;
	struct diags		 d = DIAGS_INIT;
	struct err		 err;
	int			 rc;

	err_clear(&err);
	memset(&in, 0, sizeof(in));
	in.cfg = cfg;
	in.config_path = o->config;
	in.scope = PLAN_SCOPE_SES_STATUS;
	c.r53 = &aws->r53;
	c.ids = ids;
	in.connect = connected;
	in.ctx = &c;
	rc = plan_build(&in, b, &d, &err);
	cli_diags(&d);
	if (rc == -1 && err.msg[0] != '\0')
		cli_error("%s", err.msg);
	diags_release(&d);
	return rc;
}

static int
cmd_ses_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	struct cli_aws		 aws;
	struct cfg		 cfg;
	struct plan_built	 built;
	struct ses_identity	*ids = NULL;
	struct buf		 out = BUF_INIT;
	size_t			 i;
	int			 rc = EXIT_ERROR;

	(void)opts;
	memset(&aws, 0, sizeof(aws));
	memset(&built, 0, sizeof(built));
	if (nargs == 0 || strcmp(args[0], "status") != 0) {
		if (nargs == 0)
			cli_error("'ses' needs a subcommand: status");
		else
			cli_error("unknown subcommand 'ses %s'; expected 'ses "
			    "status'", args[0]);
		cli_usage(stderr, &cmd_ses_entry);
		return EXIT_ERROR;
	}
	if (cli_load_config(g, &cfg) == -1)
		return EXIT_ERROR;
	if (!cli_ses_has(&cfg)) {
		printf("No domain in %s has ses:.\n", g->config);
		rc = EXIT_OK;
		goto out;
	}
	if (cli_aws_open(g, &aws) == -1)
		goto out;
	if (cli_ses_identities(g, &aws, &cfg, &ids) == -1)
		goto out;
	if (compare(g, &aws, &cfg, ids, &built) == -1)
		goto out;
	for (i = 0; i < cfg.ndomains; i++) {
		if (!cfg.domains[i].ses.present)
			continue;
		if (out.len > 0)
			buf_addc(&out, '\n');
		identity_lines(&cfg.domains[i], &ids[i], &out);
		route53_line(&cfg.domains[i], &built.plan, &out);
		buf_adds(&out, "  alignment: ");
		ses_alignment(&cfg.domains[i], &ids[i], &out);
		buf_addc(&out, '\n');
	}
	fputs(buf_str(&out), stdout);
	fflush(stdout);
	rc = EXIT_OK;
out:
	plan_built_release(&built);
	cli_ses_release(ids, cfg.ndomains);
	cli_aws_close(&aws);
	cfg_release(&cfg);
	buf_release(&out);
	return rc;
}

const struct cmd_entry cmd_ses_entry = {
	"ses",
	"status [-c FILE]",
	"show each domain's Amazon SES identity and its records",
	"For each domain with ses: in the configuration, reads its SES identity\n"
	"(GetEmailIdentity in ses.region) and shows its verification status, its\n"
	"DKIM status (Easy DKIM or BYODKIM), its MAIL FROM domain and status,\n"
	"whether Route 53 already holds the records SES expects (the Easy DKIM\n"
	"CNAMEs, the MAIL FROM MX and SPF records), stale token CNAMEs, and how\n"
	"the domain's SES mail aligns with DMARC.  Changes nothing\n"
	"(docs/ses.md).",
	CLI_NO_OPTIONS,
	1,
	cmd_ses_exec
};
