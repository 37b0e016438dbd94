/*
 * cmd-verify.c - "mailauth verify": what receivers see in DNS, checked
 * against the config (src/verify/).  With --resolver it asks the given
 * servers and needs no AWS credentials (unless --zone is given: the zones
 * are then looked up to keep the shard exact); without, it asks each
 * domain's hosted zone's own name servers (GetHostedZone's delegation
 * set) and compares the public delegation, seen by the system's resolver,
 * with that set.  Each domain's zone is found with its account's
 * credentials (accounts:), every Route 53 request made before the first
 * DNS query.  --domain and --zone are plan's shard (shard.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/desired.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/interrupt.h"
#include "mailauth/dns.h"
#include "mailauth/live.h"
#include "mailauth/plan.h"
#include "mailauth/resolve.h"
#include "mailauth/route53.h"
#include "mailauth/ses.h"
#include "mailauth/verify.h"
#include "cli.h"

#define EXIT_FINDINGS		3
#define VERIFY_JSON_VERSION	1

struct cmd_verify_opts {
	struct cli_shard	 shard;		/* --domain, --zone */
	struct cli_strings	 resolvers;	/* --resolver HOST[:PORT] */
	const char		*format;	/* --format; NULL: text */
	long			 at;		/* --at; -1 unset */
	long			 dns_timeout;	/* --dns-timeout; 0 unset */
};

/* A hosted zone a chosen domain is in, and the account that holds it. */
struct vzone {
	const struct zone	*zone;		/* in one of run->ls */
	struct cli_aws		*aws;		/* its account's, borrowed */
	struct r53_zone		 got;		/* GetHostedZone: name servers */
};

/* What one run holds, released at its end. */
struct run {
	const struct cmd_verify_opts *o;
	struct cfg		 cfg;
	struct desired		*v;
	size_t			 n;
	int			*chosen;	/* per domain of cfg */
	struct verify_report	*reps;		/* per domain of cfg */
	struct cli_aws		 own;		/* the default chain's, when
						 * the run opened it */
	struct cli_accounts	 own_acc;	/* def: &own */
	struct cli_accounts	*acc;		/* &own_acc, or the caller's */
	struct live_state	*ls;		/* one per account */
	size_t			 nls;
	struct vzone		*zones;
	size_t			 nzones;
	size_t			*zone_of;	/* per domain of cfg */
	struct ses_identity	*ses;
};

/* Every domain of the config (already cut to the shard as it loaded). */
static void
choose(struct run *run)
{
	size_t	 i;

	run->chosen = xcalloc(run->cfg.ndomains + 1, sizeof(*run->chosen));
	for (i = 0; i < run->cfg.ndomains; i++)
		run->chosen[i] = 1;
}

static int
resolver_open(const struct run *run, const char *const *servers, size_t n,
    const struct r53_zone *z, struct resolve **r)
{
	struct resolve_opts	 ro;
	struct err		 err;

	memset(&ro, 0, sizeof(ro));
	ro.servers = servers;
	ro.nservers = n;
	ro.timeout_ms = (int)run->o->dns_timeout * 1000;
	if (z != NULL) {
		ro.zone = z->name;
		ro.zone_servers = (const char *const *)z->name_servers;
		ro.nzone_servers = z->nname_servers;
	}
	err_clear(&err);
	if (resolve_open(r, &ro, &err) == -1) {
		cli_error("%s", err.msg);
		return -1;
	}
	return 0;
}

/*
 * The SES records without asking SES (--resolver): the MAIL FROM domain's
 * MX and SPF from the config; Easy DKIM tokens are only known to SES.
 */
static int
ses_offline(struct run *run, struct diags *d)
{
	size_t	 i;

	run->ses = xcalloc(run->cfg.ndomains + 1, sizeof(*run->ses));
	for (i = 0; i < run->cfg.ndomains; i++) {
		run->ses[i].dkim_origin = SES_DKIM_EXTERNAL;
		run->ses[i].mail_from_domain = run->cfg.domains[i].ses.mail_from;
	}
	return desired_build_ses(&run->cfg, cli_day(run->o->at), run->ses,
	    &run->v, &run->n, d);
}

static void
ses_offline_release(struct run *run)
{
	free(run->ses);
	run->ses = NULL;
}

/* Every chosen domain asked of the --resolver servers. */
static int
verify_with_resolvers(struct run *run)
{
	struct resolve	*r = NULL;
	size_t		 i;

	if (resolver_open(run, run->o->resolvers.v, run->o->resolvers.n, NULL,
	    &r) == -1)
		return -1;
	for (i = 0; i < run->cfg.ndomains; i++)
		if (run->chosen[i])
			verify_domain(r, &run->cfg.domains[i], run->v, run->n,
			    &run->reps[i]);
	resolve_close(r);
	return 0;
}

/* 1 when d is a domain of account (NULL: the default chain's). */
static int
in_account(const struct cfg_domain *d, const char *account)
{
	return (d->account == NULL) == (account == NULL) && (account == NULL ||
	    strcmp(d->account, account) == 0);
}

/*
 * The zone of each chosen domain, found as plan finds it with its
 * account's Route 53 client, into run->zones and run->zone_of; a zone
 * outside --zone is refused as plan refuses it.  -1 after printing.
 */
static int
find_zones(const struct cli_global *g, struct run *run)
{
	struct cfg		*subs = NULL;
	const char		**names = NULL;
	struct cli_aws		*aws;
	struct diags		 d = DIAGS_INIT;
	struct err		 err;
	struct live_state	*ls;
	struct vzone		*vz;
	size_t			*idx = NULL, *zof = NULL, ngroups, j, i, k, base;
	const struct zone	*z;
	int			 rc = -1;

	ngroups = cli_cfg_split(&run->cfg, &subs, &names, &idx);
	run->ls = xcalloc(ngroups + 1, sizeof(*run->ls));
	run->zone_of = xcalloc(run->cfg.ndomains + 1, sizeof(*run->zone_of));
	for (j = 0; j < ngroups; j++) {
		if ((aws = cli_accounts_get(g, run->acc, names[j])) == NULL)
			goto out;
		ls = &run->ls[run->nls];
		free(zof);
		zof = xcalloc(subs[j].ndomains + 1, sizeof(*zof));
		err_clear(&err);
		if (live_zones(&aws->r53, &subs[j], ls, zof, &d, &err) == -1) {
			cli_diags(&d);
			cli_error("%s", err.msg[0] != '\0' ? err.msg : "no hosted "
			    "zone for every domain");
			goto out;
		}
		run->nls++;
		base = run->nzones;
		for (k = 0; k < ls->nzones; k++) {
			vz = xappend(&run->zones, &run->nzones,
			    sizeof(*run->zones));
			vz->zone = &ls->zones[k];
			vz->aws = aws;
		}
		for (i = 0; i < run->cfg.ndomains; i++)
			if (in_account(&run->cfg.domains[i], names[j]))
				run->zone_of[i] = base + zof[idx[i]];
	}
	for (i = 0; i < run->cfg.ndomains; i++) {
		if (!run->chosen[i])
			continue;
		z = run->zones[run->zone_of[i]].zone;
		if (!cli_shard_has_zone(&run->o->shard, z->id, z->name)) {
			cli_error("'%s' is in hosted zone %s (%s), outside --zone; "
			    "nothing was asked of DNS: give the domain zone: in "
			    "the config, or add its zone to --zone",
			    run->cfg.domains[i].name, z->id, z->name);
			goto out;
		}
	}
	rc = 0;
out:
	diags_release(&d);
	free(zof);
	for (j = 0; j < ngroups; j++)
		free(subs[j].domains);
	free(subs);
	free(names);
	free(idx);
	return rc;
}

/* 1 when a chosen domain is in zone k. */
static int
zone_used(const struct run *run, size_t k)
{
	size_t	 i;

	for (i = 0; i < run->cfg.ndomains; i++)
		if (run->chosen[i] && run->zone_of[i] == k)
			return 1;
	return 0;
}

/* GetHostedZone of every zone a chosen domain is in, with its account's
 * client: the name servers to ask.  -1 after printing. */
static int
zone_servers(struct run *run)
{
	struct vzone	*vz;
	struct err	 err;
	size_t		 k;

	for (k = 0; k < run->nzones; k++) {
		vz = &run->zones[k];
		if (!zone_used(run, k))
			continue;
		err_clear(&err);
		if (r53_zone_get(&vz->aws->r53, vz->zone->id, &vz->got,
		    &err) == -1) {
			cli_error("%s", err.msg);
			return -1;
		}
		if (vz->got.nname_servers == 0) {
			cli_error("hosted zone '%s' has no name servers",
			    vz->zone->id);
			return -1;
		}
	}
	return 0;
}

/* The zones' own name servers, asked without recursion, and the public
 * delegation of each zone, asked of the system's resolver: every Route 53
 * request first, then DNS. */
static int
verify_with_zones(const struct cli_global *g, struct run *run)
{
	struct r53_zone	*z;
	struct resolve	*sys = NULL, *r = NULL;
	size_t		 i, k;
	int		 first, rc = -1;

	if (find_zones(g, run) == -1 || zone_servers(run) == -1)
		return -1;
	if (resolver_open(run, NULL, 0, NULL, &sys) == -1)
		goto out;
	for (k = 0; k < run->nzones; k++) {
		if (!zone_used(run, k))
			continue;
		z = &run->zones[k].got;
		if (resolver_open(run, NULL, 0, z, &r) == -1)
			goto out;
		for (i = 0, first = 1; i < run->cfg.ndomains; i++) {
			if (!run->chosen[i] || run->zone_of[i] != k)
				continue;
			verify_domain(r, &run->cfg.domains[i], run->v, run->n,
			    &run->reps[i]);
			if (first)
				verify_delegation(sys, z->name, z->name_servers,
				    z->nname_servers, &run->reps[i]);
			first = 0;
		}
		resolve_close(r);
		r = NULL;
	}
	rc = 0;
out:
	resolve_close(sys);
	return rc;
}

/* --- output --- */

/* The domains checked, their findings and names not checked. */
static void
totals(const struct run *run, size_t *ndom, size_t *nfind, size_t *nunch)
{
	size_t	 i;

	*ndom = *nfind = *nunch = 0;
	for (i = 0; i < run->cfg.ndomains; i++)
		if (run->chosen[i]) {
			(*ndom)++;
			*nfind += run->reps[i].nfindings;
			*nunch += run->reps[i].nunchecked;
		}
}

static void
print_text(const struct run *run)
{
	struct buf	 line = BUF_INIT;
	size_t		 i, j, ndom, nfind, nunch;

	for (i = 0; i < run->cfg.ndomains; i++) {
		const struct verify_report	*rep = &run->reps[i];

		if (!run->chosen[i])
			continue;
		if (rep->n == 0)
			printf("%s: ok\n", rep->domain);
		for (j = 0; j < rep->n; j++) {
			/* The last line of defence: the parts were made
			 * printable where they were quoted. */
			buf_reset(&line);
			buf_add_printable_msg(&line, rep->v[j].message,
			    strlen(rep->v[j].message), 0);
			printf("%s: %s: %s\n", rep->domain, rep->v[j].check,
			    buf_str(&line));
		}
	}
	buf_release(&line);
	totals(run, &ndom, &nfind, &nunch);
	printf("Checked %zu domain%s: %zu finding%s, %zu name%s could not be "
	    "checked.\n", ndom, ndom == 1 ? "" : "s", nfind,
	    nfind == 1 ? "" : "s", nunch, nunch == 1 ? "" : "s");
}

static void
print_json(const struct run *run)
{
	cJSON	*root = cJSON_CreateObject(), *doms, *dom, *f, *u, *o, *counts;
	size_t	 i, j, ndom, nfind, nunch;
	char	*text;

	cJSON_AddNumberToObject(root, "format_version", VERIFY_JSON_VERSION);
	doms = cJSON_AddArrayToObject(root, "domains");
	for (i = 0; i < run->cfg.ndomains; i++) {
		const struct verify_report	*rep = &run->reps[i];

		if (!run->chosen[i])
			continue;
		dom = cJSON_CreateObject();
		cJSON_AddItemToArray(doms, dom);
		cJSON_AddStringToObject(dom, "domain", rep->domain);
		f = cJSON_AddArrayToObject(dom, "findings");
		u = cJSON_AddArrayToObject(dom, "unchecked");
		for (j = 0; j < rep->n; j++) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", rep->v[j].name);
			if (!rep->v[j].unchecked)
				cJSON_AddStringToObject(o, "check",
				    rep->v[j].check);
			cJSON_AddStringToObject(o, "message",
			    rep->v[j].message);
			cJSON_AddItemToArray(rep->v[j].unchecked ? u : f, o);
		}
		cJSON_AddNumberToObject(dom, "queries", (double)rep->queries);
	}
	totals(run, &ndom, &nfind, &nunch);
	counts = cJSON_AddObjectToObject(root, "counts");
	cJSON_AddNumberToObject(counts, "domains", (double)ndom);
	cJSON_AddNumberToObject(counts, "findings", (double)nfind);
	cJSON_AddNumberToObject(counts, "unchecked", (double)nunch);
	text = cJSON_Print(root);
	if (text != NULL)
		printf("%s\n", text);
	cJSON_free(text);
	cJSON_Delete(root);
}

/* 3 with any finding, else 1 when a name could not be checked, else 0. */
static int
status(const struct run *run)
{
	size_t	 ndom, nfind, nunch;

	totals(run, &ndom, &nfind, &nunch);
	return nfind > 0 ? EXIT_FINDINGS : nunch > 0 ? EXIT_ERROR : EXIT_OK;
}

/* Prints the reports in the --format asked; the exit status. */
static int
report(const struct run *run)
{
	if (run->o->format != NULL && strcmp(run->o->format, "json") == 0)
		print_json(run);
	else
		print_text(run);
	fflush(stdout);
	return status(run);
}

/* The SES identity of every chosen domain with ses:, asked with its
 * account's credentials; -1 after printing. */
static int
ses_identities(const struct cli_global *g, struct run *run)
{
	const struct cfg_domain	*dom;
	struct cli_aws		*aws;
	size_t			 i;
	int			 rc = 0;

	run->ses = xcalloc(run->cfg.ndomains + 1, sizeof(*run->ses));
	for (i = 0; i < run->cfg.ndomains && rc == 0; i++) {
		dom = &run->cfg.domains[i];
		if (!run->chosen[i] || !dom->ses.present)
			continue;
		if ((aws = cli_accounts_get(g, run->acc, dom->account)) == NULL ||
		    cli_ses_get(g, aws, dom, &run->ses[i]) == -1)
			rc = -1;
	}
	return rc;
}

/*
 * The checks of the chosen domains: their desired records of the day
 * (with SES's), asked of --resolver or of each zone's own name servers.
 * -1 after printing.
 */
static int
check(const struct cli_global *g, struct run *run)
{
	struct diags	 d = DIAGS_INIT;
	int		 rc = -1;

	/* The records plan would publish today (or --at), checked as
	 * validate checks them; their warnings are validate's to show. */
	if (desired_build(&run->cfg, cli_day(run->o->at), &run->v, &run->n,
	    &d) == -1) {
		cli_diags(&d);
		cli_error("%zu error%s in the records '%s' produces",
		    d.nerrors, d.nerrors == 1 ? "" : "s", g->config);
		goto out;
	}
	run->reps = xcalloc(run->cfg.ndomains + 1, sizeof(*run->reps));
	if (run->o->resolvers.n > 0) {
		if (cli_ses_has(&run->cfg) && ses_offline(run, &d) == -1) {
			cli_diags(&d);
			goto out;
		}
		/* No AWS request, unless --zone needs the zones. */
		if (run->o->shard.zones.n > 0 && find_zones(g, run) == -1)
			goto out;
		rc = verify_with_resolvers(run);
		goto out;
	}
	/* SES's own identities: the Easy DKIM tokens too. */
	if (cli_ses_has(&run->cfg) && (ses_identities(g, run) == -1 ||
	    desired_build_ses(&run->cfg, cli_day(run->o->at), run->ses,
	    &run->v, &run->n, &d) == -1)) {
		cli_diags(&d);
		goto out;
	}
	rc = verify_with_zones(g, run);
out:
	diags_release(&d);
	return rc;
}

static void
run_release(struct run *run)
{
	size_t	 i;

	if (run->reps != NULL)
		for (i = 0; i < run->cfg.ndomains; i++)
			verify_report_release(&run->reps[i]);
	free(run->reps);
	if (run->o->resolvers.n > 0)
		ses_offline_release(run);
	else
		cli_ses_release(run->ses, run->cfg.ndomains);
	for (i = 0; i < run->nzones; i++)
		r53_zones_release(&run->zones[i].got, 1);
	free(run->zones);
	free(run->zone_of);
	for (i = 0; i < run->nls; i++)
		live_release(&run->ls[i]);
	free(run->ls);
	if (run->acc == &run->own_acc) {
		cli_accounts_close(&run->own_acc);
		cli_aws_close(&run->own);
	}
	free(run->chosen);
	desired_release(run->v, run->n);
	cfg_release(&run->cfg);
}

static int
cmd_verify_exec(const struct cli_global *g_, const void *opts, int nargs,
    char **args)
{
	const struct cmd_verify_opts	*o = opts;
	struct cli_global		 gs = *g_, *g = &gs;
	struct run			 run;
	int				 rc = EXIT_ERROR;

	(void)nargs;
	(void)args;
	gs.shard = &o->shard;
	memset(&run, 0, sizeof(run));
	run.o = o;
	if (cli_load_config(g, &run.cfg) == -1)
		return EXIT_ERROR;
	cli_accounts_init(&run.own_acc, &run.own, &run.cfg);
	run.acc = &run.own_acc;
	choose(&run);
	if (check(g, &run) == -1)
		goto out;
	rc = report(&run);
out:
	run_release(&run);
	return rc;
}

/* --- after apply --- */

#define APPLIED_POLL_S	2	/* between two rounds of questions */

static int
qtype(const char *type)
{
	return strcmp(type, "CNAME") == 0 ? RESOLVE_CNAME :
	    strcmp(type, "MX") == 0 ? RESOLVE_MX : RESOLVE_TXT;
}

/* 1 when the answer a is the set rs (NULL: a deleted set). */
static int
answers(const struct rrset *rs, const struct resolve_answer *a)
{
	struct buf	 v = BUF_INIT;
	char		*host, *end;
	size_t		 i, j;
	long		 pref;
	int		 same;

	if (rs == NULL)
		return a->status == RESOLVE_NXDOMAIN ||
		    a->status == RESOLVE_NODATA;
	if (a->status != RESOLVE_OK || a->nrrs != rs->nvalues)
		return 0;
	for (i = 0, same = 1; same && i < rs->nvalues; i++) {
		buf_reset(&v);
		pref = 0;
		if (a->type == RESOLVE_TXT) {
			if (txt_decode(rs->values[i], &v, NULL) == -1)
				same = 0;
		} else {
			pref = a->type == RESOLVE_MX ? strtol(rs->values[i],
			    &end, 10) : 0;
			host = dns_name_canon(a->type == RESOLVE_MX ?
			    end + strspn(end, " ") : rs->values[i], NULL);
			if (host != NULL)
				buf_adds(&v, host);
			free(host);
		}
		for (j = 0; same && j < a->nrrs; j++)
			if (a->rrs[j].len == v.len && a->rrs[j].pref == pref &&
			    memcmp(a->rrs[j].data, buf_str(&v), v.len) == 0)
				break;
		same = same && j < a->nrrs;
	}
	buf_release(&v);
	return same;
}

/*
 * One round of questions: every record set plan changed in zone z (NULL:
 * every zone), asked of r; the first not answered yet goes to *late.
 * Returns how many are not.
 */
static size_t
round_of(struct resolve *r, const struct plan *plan, const struct zone *z,
    const struct plan_change **late)
{
	struct resolve_answer	*ans = xcalloc(plan->nchanges + 1,
				    sizeof(*ans));
	const struct plan_change *c;
	size_t			 i, n = 0;

	resolve_budget_reset(r, 0);
	for (i = 0; i < plan->nchanges; i++) {
		c = &plan->changes[i];
		if (c->op != PLAN_NONE && (z == NULL || c->zone == z))
			resolve_query(r, c->after.name != NULL ? c->after.name :
			    c->before.name, qtype(c->after.name != NULL ?
			    c->after.type : c->before.type), &ans[i]);
	}
	resolve_wait(r);
	for (i = 0; i < plan->nchanges; i++) {
		c = &plan->changes[i];
		if (c->op == PLAN_NONE || (z != NULL && c->zone != z))
			continue;
		if (!answers(c->after.name != NULL && c->after.nvalues > 0 ?
		    &c->after : NULL, &ans[i]) && n++ == 0)
			*late = c;
		resolve_answer_release(&ans[i]);
	}
	free(ans);
	return n;
}

/* The resolvers the waiting asks: one for --resolver, else one per zone
 * of the plan (its own name servers). */
static int
applied_resolvers(const struct cli_global *g, struct run *run,
    const struct plan *plan, struct resolve ***rs)
{
	struct r53_zone	 z;
	struct err	 err;
	struct cli_aws	*aws;
	size_t		 k;
	int		 rc = 0;

	*rs = xcalloc(plan->nzones + 1, sizeof(**rs));
	if (run->o->resolvers.n > 0)
		return resolver_open(run, run->o->resolvers.v,
		    run->o->resolvers.n, NULL, &(*rs)[0]);
	for (k = 0; k < plan->nzones && rc == 0; k++) {
		memset(&z, 0, sizeof(z));
		err_clear(&err);
		/* The zone's own account's client (accounts:). */
		if ((aws = cli_accounts_get(g, run->acc,
		    plan->zones[k].account)) == NULL)
			rc = -1;
		else if (r53_zone_get(&aws->r53, plan->zones[k].id, &z,
		    &err) == -1) {
			cli_error("%s", err.msg);
			rc = -1;
		} else
			rc = resolver_open(run, NULL, 0, &z, &(*rs)[k]);
		r53_zones_release(&z, 1);
	}
	return rc;
}

/* Waits until DNS answers every change of plan, at most wait_s seconds;
 * -1 after printing which did not appear. */
static int
wait_applied(const struct cli_global *g, struct run *run,
    const struct plan *plan, unsigned int wait_s)
{
	struct resolve			**rs = NULL;
	const struct plan_change	*late = NULL;
	time_t				 end = time(NULL) + (time_t)wait_s;
	size_t				 k, n;
	char				*name;
	int				 rc = -1;

	if (applied_resolvers(g, run, plan, &rs) == -1)
		goto out;
	for (;;) {
		n = 0;
		if (rs[0] != NULL && run->o->resolvers.n > 0)
			n = round_of(rs[0], plan, NULL, &late);
		else
			for (k = 0; k < plan->nzones; k++)
				n += round_of(rs[k], plan, &plan->zones[k],
				    &late);
		if (n == 0)
			break;
		if (interrupt_requested()) {
			cli_error("interrupted while waiting for DNS; the "
			    "changes are applied: run 'mailauth verify' later");
			goto out;
		}
		if (time(NULL) >= end) {
			name = dns_name_display(late->after.name != NULL ?
			    late->after.name : late->before.name);
			cli_error("DNS does not answer the new value of '%s' "
			    "%s after %u s (%zu record set%s not yet); run "
			    "'mailauth verify' later", name, late->after.name !=
			    NULL ? late->after.type : late->before.type, wait_s,
			    n, n == 1 ? "" : "s");
			free(name);
			goto out;
		}
		sleep(APPLIED_POLL_S);
	}
	rc = 0;
out:
	for (k = 0; rs != NULL && k < plan->nzones + 1; k++)
		resolve_close(rs[k]);
	free(rs);
	return rc;
}

int
cli_verify_applied(const struct cli_global *g, struct cli_accounts *acc,
    const struct plan *plan, const struct cli_strings *resolvers, long at,
    unsigned int wait_s)
{
	struct cmd_verify_opts	 o;
	struct run		 run;
	size_t			 i, j;
	int			 rc = EXIT_ERROR;

	memset(&o, 0, sizeof(o));
	o.resolvers = *resolvers;
	o.at = at;
	memset(&run, 0, sizeof(run));
	run.o = &o;
	run.acc = acc;
	if (cli_load_config(g, &run.cfg) == -1)
		return EXIT_ERROR;
	/* The domains the plan changed. */
	run.chosen = xcalloc(run.cfg.ndomains + 1, sizeof(*run.chosen));
	for (i = 0; i < run.cfg.ndomains; i++)
		for (j = 0; j < plan->nchanges; j++)
			if (plan->changes[j].op != PLAN_NONE &&
			    strcmp(plan->changes[j].domain,
			    run.cfg.domains[i].name) == 0)
				run.chosen[i] = 1;
	printf("\nWaiting for DNS to answer the new values (at most %u s)\n",
	    wait_s);
	fflush(stdout);
	if (wait_applied(g, &run, plan, wait_s) == -1 || check(g, &run) == -1)
		goto out;
	printf("\n");
	rc = report(&run);
out:
	run_release(&run);
	return rc;
}

static const struct cli_option verify_options[] = {
	CLI_OPT_SHARD(struct cmd_verify_opts, shard),
	CLI_OPT_RESOLVER(struct cmd_verify_opts, resolvers),
	CLI_OPT_WORD("format", struct cmd_verify_opts, format, "text|json",
	    "how the findings are printed (default text)"),
	CLI_OPT_AT(struct cmd_verify_opts, at),
	CLI_OPT_NUMBER("dns-timeout", struct cmd_verify_opts, dns_timeout,
	    "SECONDS", 1, 60, "seconds", "wait this long for a DNS answer "
	    "before the first retry (default 2; doubled for the retry)"),
	CLI_OPT_END
};

static const struct cmd_verify_opts verify_defaults = { .at = -1 };

const struct cmd_entry cmd_verify_entry = {
	"verify",
	"[-c FILE] [--domain NAME]... [--zone ZONE]... "
	    "[--resolver HOST[:PORT]]... "
	    "[--format text|json] [--at YYYY-MM-DD] [--dns-timeout SECONDS]",
	"check what receivers see in DNS against the configuration",
	"Asks DNS for every record the configuration wants and checks what\n"
	"receivers would see: the SPF record published once and the same as the\n"
	"config's, and its include/redirect tree within RFC 7208's limits (10 DNS\n"
	"lookups, 2 void lookups, no include without an SPF record, no loop; the\n"
	"finding gives the count and the worst branch); each DKIM selector resolving,\n"
	"through any CNAME, to one key record that parses and is the configured key,\n"
	"an absent selector not resolving; _dmarc published once with the rollout\n"
	"stage of the day; the report authorization record of every rua/ruf domain\n"
	"outside the domain's organisation; the SES MAIL FROM MX and SPF records.\n"
	"Without --resolver it asks each domain's hosted zone's own name servers\n"
	"(Route 53's delegation set, so no cache can hide a change) and checks that\n"
	"the public DNS delegates the zone to them; --resolver HOST[:PORT] asks the\n"
	"given servers instead and needs no AWS credentials (unless --zone is\n"
	"given).  A name no server answered is reported as \"could not check\",\n"
	"never as a finding.  --domain NAME and --zone ZONE (globs, repeatable)\n"
	"check a shard of the configuration, as plan does; each domain's zone is\n"
	"found with its account's credentials (accounts:).\n"
	"Exit status: 0 when everything is as configured, 3 when there are\n"
	"findings, 1 when something could not be checked (and no finding was made)\n"
	"or on error.  --format json prints docs/verify-json.md's document.",
	CLI_OPTIONS(verify_options, verify_defaults),
	0,
	cmd_verify_exec
};
