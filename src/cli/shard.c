/*
 * shard.c - --domain NAME and --zone NAME|ID (plan, apply, rollout,
 * iam-policy, verify): the part of the config a run covers, so that a CI matrix
 * can split a fleet.  Each option is repeatable and takes globs
 * (fnmatch(3)); a domain is in the shard when it matches a --domain
 * pattern (if any is given) and a --zone pattern (if any is given).
 * Domains outside the shard are dropped as the config is loaded, so no
 * request is sent for them.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/plan.h"
#include "cli.h"

/* p lower-cased (an id pattern upper-cased), without a trailing dot or a
 * leading /hostedzone/; the caller frees it. */
static char *
norm(const char *p, int upper)
{
	char	*s;
	size_t	 i, n;

	if (strncmp(p, "/hostedzone/", 12) == 0)
		p += 12;
	s = xstrdup(p);
	for (i = 0; s[i] != '\0'; i++)
		s[i] = (char)(upper ? toupper((unsigned char)s[i]) :
		    tolower((unsigned char)s[i]));
	n = strlen(s);
	if (n > 1 && s[n - 1] == '.')
		s[n - 1] = '\0';
	return s;
}

static int
match_any(const struct cli_strings *v, const char *s, int upper)
{
	char	*p;
	size_t	 i;
	int	 m;

	for (i = 0; i < v->n; i++) {
		p = norm(v->v[i], upper);
		m = fnmatch(p, s, 0) == 0;
		free(p);
		if (m)
			return 1;
	}
	return 0;
}

/* A zone's name or id matches a --zone pattern. */
static int
zone_matches(const struct cli_strings *zones, const char *id,
    const char *name)
{
	char	*n = name != NULL ? norm(name, 0) : NULL;
	int	 m;

	m = (id != NULL && match_any(zones, id, 1)) ||
	    (n != NULL && match_any(zones, n, 0));
	free(n);
	return m;
}

/* The domain's zone: key, or without it the domain or a parent of it,
 * matches a --zone pattern. */
static int
domain_in_zones(const struct cli_strings *zones, const struct cfg_domain *d)
{
	const char	*s;

	if (d->zone != NULL)
		return zone_matches(zones, d->zone, d->zone);
	for (s = d->name; s != NULL; s = (s = strchr(s, '.')) != NULL ?
	    s + 1 : NULL)
		if (zone_matches(zones, NULL, s))
			return 1;
	return 0;
}

int
cli_shard_given(const struct cli_shard *sh)
{
	return sh != NULL && (sh->domains.n > 0 || sh->zones.n > 0);
}

int
cli_shard_filter(const struct cli_global *o, struct cfg *cfg)
{
	const struct cli_shard	*sh = o->shard;
	unsigned char		*keep;
	size_t			 i, n = 0;

	if (!cli_shard_given(sh))
		return 0;
	keep = xcalloc(cfg->ndomains + 1, 1);
	for (i = 0; i < cfg->ndomains; i++) {
		keep[i] = (sh->domains.n == 0 || match_any(&sh->domains,
		    cfg->domains[i].name, 0)) && (sh->zones.n == 0 ||
		    domain_in_zones(&sh->zones, &cfg->domains[i]));
		n += keep[i];
	}
	if (n == 0) {
		free(keep);
		cli_error("no domain of '%s' is in the shard of --domain and "
		    "--zone; nothing was sent", o->config);
		return -1;
	}
	cfg_domains_keep(cfg, keep);
	free(keep);
	return 0;
}

int
cli_shard_has_zone(const struct cli_shard *sh, const char *id,
    const char *name)
{
	return sh == NULL || sh->zones.n == 0 || zone_matches(&sh->zones, id,
	    name);
}

int
cli_shard_check_plan(const struct cli_shard *sh, const struct plan *p)
{
	const struct plan_change	*c;
	size_t				 i;

	if (sh == NULL || sh->zones.n == 0)
		return 0;
	for (i = 0; i < p->nchanges; i++) {
		c = &p->changes[i];
		if (c->zone == NULL || cli_shard_has_zone(sh, c->zone->id,
		    c->zone->name))
			continue;
		cli_error("'%s' is in hosted zone %s (%s), outside --zone; "
		    "nothing was sent: give the domain zone: in the config, or "
		    "add its zone to --zone", c->domain != NULL ? c->domain :
		    "?", c->zone->id, c->zone->name);
		return -1;
	}
	return 0;
}

static void
copy_patterns(const struct cli_strings *v, char ***out, size_t *n)
{
	size_t	 i;

	for (i = 0; i < v->n; i++)
		*(char **)xappend(out, n, sizeof(char *)) = xstrdup(v->v[i]);
}

void
cli_shard_meta(const struct cli_shard *sh, struct plan_meta *m)
{
	if (!cli_shard_given(sh))
		return;
	copy_patterns(&sh->domains, &m->shard_domains, &m->nshard_domains);
	copy_patterns(&sh->zones, &m->shard_zones, &m->nshard_zones);
}

/* The same patterns, in any order. */
static int
same_set(const struct cli_strings *v, char **w, size_t nw)
{
	size_t	 i, j;

	for (i = 0; i < v->n; i++) {
		for (j = 0; j < nw; j++)
			if (strcmp(v->v[i], w[j]) == 0)
				break;
		if (j == nw)
			return 0;
	}
	for (j = 0; j < nw; j++) {
		for (i = 0; i < v->n; i++)
			if (strcmp(v->v[i], w[j]) == 0)
				break;
		if (i == v->n)
			return 0;
	}
	return 1;
}

static void
describe(struct buf *b, char **d, size_t nd, char **z, size_t nz)
{
	size_t	 i;

	for (i = 0; i < nd; i++)
		buf_addf(b, "%s--domain '%s'", b->len > 0 ? " " : "", d[i]);
	for (i = 0; i < nz; i++)
		buf_addf(b, "%s--zone '%s'", b->len > 0 ? " " : "", z[i]);
	if (b->len == 0)
		buf_adds(b, "the whole configuration");
}

int
cli_shard_same(const struct cli_shard *sh, const struct plan_meta *m,
    const char *path)
{
	static const struct cli_shard	 none;
	struct buf			 want = BUF_INIT, got = BUF_INIT;

	if (sh == NULL)
		sh = &none;
	if (same_set(&sh->domains, m->shard_domains, m->nshard_domains) &&
	    same_set(&sh->zones, m->shard_zones, m->nshard_zones))
		return 0;
	describe(&want, m->shard_domains, m->nshard_domains, m->shard_zones,
	    m->nshard_zones);
	describe(&got, (char **)sh->domains.v, sh->domains.n,
	    (char **)sh->zones.v, sh->zones.n);
	cli_error("the plan in '%s' was made for %s, but apply was given %s; "
	    "nothing was sent: give apply the plan's --domain and --zone, or "
	    "make the plan again", path, buf_str(&want), buf_str(&got));
	buf_release(&want);
	buf_release(&got);
	return -1;
}
