/*
 * registry.c - ownership through the registry (mailauth/registry.h): the
 * registry record each domain's plan writes at _mailauth.<domain>, read
 * with the domain's other names (no request of its own), and the names it
 * lists that the config no longer has, whose values of mailauth's are
 * removed.  A registry that is missing, does not parse, is doubled or
 * claims names outside its domain removes nothing.  docs/records.md ("The
 * ownership registry") describes the decisions taken here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "mailauth/registry.h"
#include "mailauth/route53.h"

/* --- the registry each domain writes --- */

static char *
canon_of(const char *name)
{
	char	*c = dns_name_canon(name, NULL);

	return c != NULL ? c : xstrdup(name);
}

/*
 * The records of v by domain and by name, so that a fleet of domains
 * costs n log n, where scanning every record for every domain (or every
 * listed name) grew with their product.
 */
struct ref {
	uintptr_t	 dom;
	const char	*name;
	size_t		 i;
};

struct vindex {
	struct ref	*by_dom, *by_name;
	size_t		 n;
};

static int
dom_cmp(const void *a, const void *b)
{
	const struct ref	*x = a, *y = b;

	if (x->dom != y->dom)
		return x->dom < y->dom ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int
name_cmp(const void *a, const void *b)
{
	const struct ref	*x = a, *y = b;
	int			 c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void
vindex_init(struct vindex *x, const struct desired *v, size_t n)
{
	size_t	 i;

	x->n = n;
	x->by_dom = xcalloc(n + 1, sizeof(*x->by_dom));
	x->by_name = xcalloc(n + 1, sizeof(*x->by_name));
	for (i = 0; i < n; i++) {
		x->by_dom[i].dom = x->by_name[i].dom = (uintptr_t)v[i].domain;
		x->by_dom[i].name = x->by_name[i].name = v[i].name;
		x->by_dom[i].i = x->by_name[i].i = i;
	}
	qsort(x->by_dom, n, sizeof(*x->by_dom), dom_cmp);
	qsort(x->by_name, n, sizeof(*x->by_name), name_cmp);
}

static void
vindex_release(struct vindex *x)
{
	free(x->by_dom);
	free(x->by_name);
	memset(x, 0, sizeof(*x));
}

/* The first of the sorted refs r (n of them) not below key by cmp. */
static size_t
lower(const struct ref *r, size_t n, const struct ref *key,
    int (*cmp)(const void *, const void *))
{
	size_t	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cmp(&r[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* [*lo, *hi) in x->by_dom: the records of dom. */
static void
vindex_dom(const struct vindex *x, const struct cfg_domain *dom, size_t *lo,
    size_t *hi)
{
	struct ref	 k = { (uintptr_t)dom, NULL, 0 };

	*lo = lower(x->by_dom, x->n, &k, dom_cmp);
	for (*hi = *lo; *hi < x->n && x->by_dom[*hi].dom == k.dom; (*hi)++)
		;
}

/* [*lo, *hi) in x->by_name: the records at name. */
static void
vindex_name(const struct vindex *x, const char *name, size_t *lo, size_t *hi)
{
	struct ref	 k = { 0, name, 0 };

	*lo = lower(x->by_name, x->n, &k, name_cmp);
	for (*hi = *lo; *hi < x->n && strcmp(x->by_name[*hi].name, name) == 0;
	    (*hi)++)
		;
}

/* 1 for an SES Easy DKIM token's CNAME: not listed, since a token SES
 * no longer has is stale, and ses.prune_stale_tokens decides. */
static int
ses_token(const struct desired *w)
{
	size_t	 n = strlen(w->key);

	return w->kind == RECORD_DKIM && n > 4 &&
	    strcmp(w->key + n - 4, ".ses") == 0;
}

/* The names of dom's records in v that have a value, into r.  A name
 * left as it is (DMARC before its rollout) is listed when live, the
 * registry Route 53 holds, lists it already: mailauth wrote it once. */
static void
owned_names(const struct cfg_domain *dom, const char *dcanon,
    const struct desired *v, const struct vindex *x,
    const struct registry *live, struct registry *r)
{
	const struct desired	*w;
	char			*rel;
	size_t			 lo, hi, i;

	vindex_dom(x, dom, &lo, &hi);
	for (i = lo; i < hi; i++) {
		w = &v[x->by_dom[i].i];
		if (w->absent || ses_token(w) ||
		    record_kind_token(w->kind) == NULL ||
		    (rel = registry_relative(w->name, dcanon)) == NULL)
			continue;
		if (!w->leave || (live != NULL &&
		    registry_has(live, w->kind, rel)))
			registry_add(r, w->kind, rel);
		free(rel);
	}
}

void
plan_registry_desired(const struct cfg *cfg, struct desired **v, size_t *n)
{
	struct registry	 r;
	struct vindex	 x;
	struct buf	 text = BUF_INIT;
	struct desired	*w;
	char		*dcanon, *name;
	size_t		 i, lo, hi;

	vindex_init(&x, *v, *n);
	for (i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain	*dom = &cfg->domains[i];

		vindex_dom(&x, dom, &lo, &hi);
		if (lo == hi)
			continue;
		dcanon = canon_of(dom->name);
		memset(&r, 0, sizeof(r));
		owned_names(dom, dcanon, *v, &x, NULL, &r);
		buf_reset(&text);
		/* Over the limit: plan_registry_settle() says so. */
		if (registry_render(&r, &text, NULL) == -1)
			buf_adds(&text, REGISTRY_VERSION);
		registry_release(&r);
		name = registry_name(dcanon);
		/* *v moves here: x holds indices and names, which stay. */
		w = xappend(v, n, sizeof(**v));
		w->domain = dom;
		w->kind = RECORD_REGISTRY;
		w->key = xasprintf("domains.%s", dom->name);
		w->line = dom->pos.line;
		w->col = dom->pos.col;
		w->name = canon_of(name);
		w->type = xstrdup("TXT");
		w->ttl = dom->ttl;
		w->text = xstrdup(buf_str(&text));
		free(name);
		free(dcanon);
	}
	vindex_release(&x);
	buf_release(&text);
}

/* --- reading the live registry --- */

/*
 * The registry Route 53 holds at l into r: 1 when there is one that
 * parses; 0 when there is none, or one that must be treated as absent
 * (a warning in d says why).
 */
static int
live_registry(const struct live *l, const char *dcanon, const char *shown,
    struct registry *r, struct diags *d)
{
	struct buf		 text = BUF_INIT, found = BUF_INIT;
	struct err		 err;
	enum registry_fault	 f;
	size_t			 i, j, nfound = 0;
	char			*abs;
	int			 rc = 0;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < l->nsets; i++) {
		const struct rrset	*rs = &l->sets[i];

		if (strcmp(rs->type, "TXT") != 0 || rs->alias_target != NULL)
			continue;
		for (j = 0; j < rs->nvalues; j++) {
			buf_reset(&text);
			if (txt_decode(rs->values[j], &text, NULL) == -1 ||
			    !registry_is_record(buf_str(&text)))
				continue;
			if (nfound++ == 0)
				buf_add(&found, text.data, text.len);
		}
	}
	if (nfound > 1) {
		diags_add(d, DIAG_WARNING, NULL, 0, 0, "%s: %zu registry "
		    "records; mailauth reads none of them (nothing is removed "
		    "through them) and writes one", shown, nfound);
		goto out;
	}
	if (nfound == 0)
		goto out;
	err_clear(&err);
	f = registry_parse(found.data, found.len, r, &err);
	for (i = 0; f == REGISTRY_OK && i < r->n; i++) {
		if ((abs = registry_absolute(r->v[i].name, dcanon)) == NULL) {
			err_set(&err, "'%s' is too long a name below the "
			    "domain", r->v[i].name);
			f = REGISTRY_MALFORMED;
		}
		free(abs);
	}
	if (f == REGISTRY_MALFORMED)
		diags_add(d, DIAG_WARNING, NULL, 0, 0, "%s: the registry "
		    "record does not parse (%s); mailauth treats it as absent "
		    "(nothing is removed through it) and rewrites it", shown,
		    err.msg);
	else if (f == REGISTRY_OUTSIDE)
		diags_add(d, DIAG_WARNING, NULL, 0, 0, "%s: the registry "
		    "record claims names outside its domain (%s); mailauth "
		    "ignores it (nothing is removed through it) and rewrites "
		    "it", shown, err.msg);
	else
		rc = 1;
	if (rc == 0)
		registry_release(r);
out:
	buf_release(&text);
	buf_release(&found);
	return rc;
}

/* --- names to remove --- */

/* 1 when a desired record of v, or a removal before this one, is at name
 * with a kind that writes the same sets as k; *same set when it is of
 * kind k itself (the config still has it). */
static int
spoken_for(const char *name, enum record_kind k, const struct desired *v,
    const struct vindex *x, const struct plan_removal *rm, size_t nrm,
    const struct plan_stale *stale, size_t nstale, int *same)
{
	size_t	 i, lo, hi;

	*same = 0;
	/* A stale Easy DKIM token: ses.prune_stale_tokens decides. */
	for (i = 0; i < nstale; i++)
		if (strcmp(stale[i].set->name, name) == 0)
			return 1;
	vindex_name(x, name, &lo, &hi);
	for (i = lo; i < hi; i++) {
		const struct desired	*w = &v[x->by_name[i].i];

		if (w->kind == k) {
			*same = 1;
			return 1;
		}
		if (record_kind_writes_mx(w->kind) ==
		    record_kind_writes_mx(k))
			return 1;
	}
	for (i = 0; i < nrm; i++)
		if (strcmp(rm[i].want.name, name) == 0 &&
		    record_kind_writes_mx(rm[i].want.kind) ==
		    record_kind_writes_mx(k))
			return 1;
	return 0;
}

/*
 * What a removal can do at what is live there: 1 remove mailauth's
 * values, 0 nothing (nothing of its kind can be there), -1 not touch a
 * set it did not write as it is (an alias, a routing policy), with why.
 */
static int
viable(const struct plan_removal *m, const char **why)
{
	const struct live	*l = &m->live;
	size_t			 i, nmine = 0, ncname = 0;

	for (i = 0; i < l->nsets; i++) {
		const struct rrset	*rs = &l->sets[i];
		int			 mx = strcmp(rs->type, "MX") == 0;
		int			 cname = strcmp(rs->type, "CNAME") == 0;

		if (record_kind_writes_mx(m->want.kind) ? !mx :
		    strcmp(rs->type, "TXT") != 0 && !cname)
			continue;
		if (rs->alias_target != NULL) {
			*why = "it is an alias";
			return -1;
		}
		if (rrset_policy(rs) != NULL) {
			*why = "it has a routing policy";
			return -1;
		}
		nmine++;
		ncname += cname;
	}
	if (nmine == 0)
		return 0;
	/* A CNAME leaves no room for a TXT value; mailauth owns it only at
	 * a DKIM selector. */
	if (ncname > 0 && m->want.kind != RECORD_DKIM)
		return 0;
	return 1;
}

static void
removal_init(struct plan_removal *m, const struct cfg_domain *dom,
    const struct zone *z, enum record_kind k, const char *name)
{
	memset(m, 0, sizeof(*m));
	m->want.domain = dom;
	m->want.kind = k;
	m->want.key = xasprintf("domains.%s", dom->name);
	m->want.line = dom->pos.line;
	m->want.col = dom->pos.col;
	m->want.name = xstrdup(name);
	m->want.ttl = dom->ttl;
	m->want.absent = 1;
	m->live.zone = z;
}

/* Reads what is live at each removal's name, zone by zone. */
static int
read_removals(const struct r53_client *r53, const struct live_state *ls,
    struct plan_removal *rm, size_t nrm, struct err *err)
{
	const char	**names = xcalloc(nrm + 1, sizeof(*names));
	const void	**groups = xcalloc(nrm + 1, sizeof(*groups));
	struct rrset	**sets = xcalloc(nrm + 1, sizeof(*sets));
	size_t		 *nsets = xcalloc(nrm + 1, sizeof(*nsets));
	size_t		 *idx = xcalloc(nrm + 1, sizeof(*idx));
	size_t		  z, i, k;
	int		  rc = 0;

	for (z = 0; z < ls->nzones && rc == 0; z++) {
		for (i = 0, k = 0; i < nrm; i++)
			if (rm[i].live.zone == &ls->zones[z]) {
				names[k] = rm[i].want.name;
				groups[k] = rm[i].want.domain;
				idx[k++] = i;
			}
		if (k == 0)
			continue;
		if (live_read_names(r53, &ls->zones[z], -1, names, groups, k,
		    sets, nsets, err) == -1) {
			rc = -1;
			break;
		}
		for (i = 0; i < k; i++) {
			rm[idx[i]].live.sets = sets[i];
			rm[idx[i]].live.nsets = nsets[i];
		}
	}
	free(names);
	free(groups);
	free(sets);
	free(nsets);
	free(idx);
	return rc;
}

static void
removal_release(struct plan_removal *m)
{
	free(m->want.key);
	free(m->want.name);
	r53_rrsets_release(m->live.sets, m->live.nsets);
	free(m->note);
	memset(m, 0, sizeof(*m));
}

void
plan_removals_release(struct plan_removal *rm, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		removal_release(&rm[i]);
	free(rm);
}

/* One domain's registry: what it lists and where it is. */
struct reg {
	size_t			 at;		/* index in v */
	char			*dcanon;
	struct registry		 live;		/* empty when none */
	struct registry		 keep;		/* listed names nothing is
						 * removed at, kept listed */
};

/* The removals of registry g (index gi): appended to *rm, their live
 * sets read later. */
static void
candidates(struct reg *g, size_t gi, const struct desired *v,
    const struct vindex *x, const struct live_state *ls,
    const struct plan_stale *stale, size_t nstale, struct plan_removal **rm,
    size_t *nrm)
{
	struct plan_removal	*m;
	char			*abs;
	size_t			 i;
	int			 same;

	for (i = 0; i < g->live.n; i++) {
		const struct registry_entry	*e = &g->live.v[i];

		abs = registry_absolute(e->name, g->dcanon);
		if (spoken_for(abs, e->kind, v, x, *rm, *nrm, stale, nstale,
		    &same)) {
			/* Still configured (then listed as the config says),
			 * or another kind's set there: nothing is removed. */
			if (!same)
				registry_add(&g->keep, e->kind, e->name);
		} else {
			m = xappend(rm, nrm, sizeof(**rm));
			removal_init(m, v[g->at].domain, ls->lives[g->at].zone,
			    e->kind, abs);
			m->registry = gi;
		}
		free(abs);
	}
}

/* Decides each removal once its live sets are read: removes, does
 * nothing (the name leaves the registry), or cannot (it stays). */
static void
decide(struct reg *regs, struct plan_removal *rm, size_t *nrm,
    struct diags *d)
{
	const char	*why = NULL;
	char		*shown, *rel;
	size_t		 i, out = 0;
	int		 how;

	for (i = 0; i < *nrm; i++) {
		struct plan_removal	*m = &rm[i];
		struct reg		*g = &regs[m->registry];

		if ((how = viable(m, &why)) == 1) {
			m->note = xstrdup("no longer in the config: mailauth's "
			    "value is removed (the registry lists it)");
			if (out != i) {
				rm[out] = *m;
				memset(m, 0, sizeof(*m));
			}
			out++;
			continue;
		}
		if (how == -1) {
			shown = dns_name_display(m->want.name);
			diags_add(d, DIAG_WARNING, NULL, 0, 0, "%s: no longer "
			    "in the config, but not removed: %s, which "
			    "mailauth does not write (it stays in the "
			    "registry)", shown, why);
			free(shown);
			rel = registry_relative(m->want.name, g->dcanon);
			registry_add(&g->keep, m->want.kind, rel);
			free(rel);
		}
		removal_release(m);
	}
	*nrm = out;
}

/* The registry text of g into w (the settled registry record): what
 * the config has there, and what the registry keeps; absent when it
 * lists nothing.  Over REGISTRY_TEXT_MAX, a warning: the registry is left
 * as it is. */
static void
settle_text(struct reg *g, struct desired *w, const struct desired *v,
    const struct vindex *x, struct diags *d)
{
	struct registry	 r;
	struct buf	 text = BUF_INIT;
	struct err	 err;
	size_t		 i;

	memset(&r, 0, sizeof(r));
	owned_names(w->domain, g->dcanon, v, x, &g->live, &r);
	for (i = 0; i < g->keep.n; i++)
		registry_add(&r, g->keep.v[i].kind, g->keep.v[i].name);
	free(w->text);
	w->text = NULL;
	if (r.n == 0) {
		free(w->type);
		w->type = NULL;
		w->absent = 1;
	} else if (registry_render(&r, &text, &err) == -1) {
		diags_add(d, DIAG_WARNING, NULL, 0, 0, "%s: %s (%zu names); "
		    "it is left as it is, so names it does not list are not "
		    "removed when the config drops them", w->key, err.msg,
		    r.n);
		w->leave = 1;
	} else
		w->text = buf_detach(&text);
	buf_release(&text);
	registry_release(&r);
}

int
plan_registry_settle(const struct r53_client *r53, struct desired *v,
    size_t n, const struct live_state *ls, const struct plan_stale *stale,
    size_t nstale, struct plan_removal **rm, size_t *nrm, struct diags *d,
    struct err *err)
{
	struct reg	*regs = NULL;
	struct vindex	 x;
	size_t		 nregs = 0, i;
	char		*shown;
	int		 rc = -1;

	*rm = NULL;
	*nrm = 0;
	vindex_init(&x, v, n);
	for (i = 0; i < n && i < ls->nlives; i++) {
		struct reg	*g;

		if (v[i].kind != RECORD_REGISTRY || ls->lives[i].zone == NULL)
			continue;
		g = xappend(&regs, &nregs, sizeof(*regs));
		g->at = i;
		g->dcanon = canon_of(v[i].domain->name);
		shown = dns_name_display(v[i].name);
		live_registry(&ls->lives[i], g->dcanon, shown, &g->live, d);
		free(shown);
	}
	for (i = 0; i < nregs; i++)
		candidates(&regs[i], i, v, &x, ls, stale, nstale, rm, nrm);
	if (*nrm > 0 && read_removals(r53, ls, *rm, *nrm, err) == -1)
		goto out;
	decide(regs, *rm, nrm, d);
	for (i = 0; i < *nrm; i++)
		(*rm)[i].live.desired = &(*rm)[i].want;
	for (i = 0; i < nregs; i++)
		settle_text(&regs[i], &v[regs[i].at], v, &x, d);
	rc = 0;
out:
	vindex_release(&x);
	for (i = 0; i < nregs; i++) {
		free(regs[i].dcanon);
		registry_release(&regs[i].live);
		registry_release(&regs[i].keep);
	}
	free(regs);
	return rc;
}

void
plan_registry_notes(const struct plan_removal *rm, size_t nrm,
    struct plan_notice **notes, size_t *nnotes)
{
	size_t	 i, j, out = 0;

	for (i = 0; i < *nnotes; i++) {
		for (j = 0; j < nrm; j++)
			if ((*notes)[i].name != NULL &&
			    strcmp((*notes)[i].name, rm[j].want.name) == 0)
				break;
		if (j < nrm) {
			free((*notes)[i].message);
			free((*notes)[i].domain);
			free((*notes)[i].name);
			continue;
		}
		(*notes)[out++] = (*notes)[i];
	}
	*nnotes = out;
}
