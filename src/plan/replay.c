/*
 * replay.c - policy replay: the report rows of a window, tallied per domain
 * of the configuration and sending address while they are read, replayed
 * under the live and the new DMARC record of each DMARC change of a plan
 * (mailauth/replay.h, docs/rollout.md).
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/date.h"
#include "mailauth/diag.h"
#include "mailauth/orgdomain.h"
#include "mailauth/plan.h"
#include "mailauth/replay.h"
#include "internal.h"

/* Which policy of the domain's record a row falls under, as reported. */
enum { ROW_OWN, ROW_SUB, NROW };

/* One domain and sending address: failing messages by class and by the
 * disposition the receiver reported. */
struct entry {
	size_t		 dom;
	char		*ip;
	uint64_t	 n[NROW][3];
};

struct tdom {
	char		*name;
	int		 has_dmarc;
	long		 since, until;
	uint64_t	 messages, failing;
	size_t		 first, end;	/* its entries, once finished */
};

struct replay_tally {
	struct tdom	*doms;		/* by name */
	size_t		 ndoms;
	struct entry	*entries;
	size_t		 nentries;
	size_t		*slot;		/* entry index + 1; 0: empty */
	size_t		 cap;		/* a power of two */
	int		 finished;
};

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct tdom *)a)->name,
	    ((const struct tdom *)b)->name);
}

struct replay_tally *
replay_tally_new(const struct replay_domain *v, size_t n)
{
	struct replay_tally	*t = xcalloc(1, sizeof(*t));
	size_t			 i;

	t->doms = xcalloc(n > 0 ? n : 1, sizeof(*t->doms));
	for (i = 0; i < n; i++) {
		t->doms[i].name = xstrdup(v[i].name);
		t->doms[i].has_dmarc = v[i].has_dmarc;
		t->doms[i].since = v[i].since;
		t->doms[i].until = v[i].until;
	}
	t->ndoms = n;
	if (n > 0)
		qsort(t->doms, n, sizeof(*t->doms), by_name);
	t->cap = 64;
	t->slot = xcalloc(t->cap, sizeof(*t->slot));
	return t;
}

void
replay_tally_free(struct replay_tally *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ndoms; i++)
		free(t->doms[i].name);
	for (i = 0; i < t->nentries; i++)
		free(t->entries[i].ip);
	free(t->doms);
	free(t->entries);
	free(t->slot);
	free(t);
}

static struct tdom *
find(const struct replay_tally *t, const char *name)
{
	struct tdom	 key;

	if (t->ndoms == 0)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.name = (char *)name;
	return bsearch(&key, t->doms, t->ndoms, sizeof(*t->doms), by_name);
}

/* The domain whose record covers header_from, and the row's class. */
static struct tdom *
owner(const struct replay_tally *t, const char *hfrom, int *cls)
{
	struct tdom	*d = find(t, hfrom), *org = NULL;
	struct buf	 od = BUF_INIT;

	*cls = ROW_OWN;
	if (d != NULL && d->has_dmarc)
		return d;
	if (org_domain(hfrom, &od) == 0 && strcmp(buf_str(&od), hfrom) != 0 &&
	    (org = find(t, buf_str(&od))) != NULL)
		*cls = ROW_SUB;
	buf_release(&od);
	return org != NULL ? org : d;
}

static size_t
hash(size_t dom, const char *ip)
{
	size_t	 h = 2166136261u ^ dom;

	for (; *ip != '\0'; ip++)
		h = (h ^ (unsigned char)*ip) * 16777619u;
	return h;
}

static void
grow(struct replay_tally *t)
{
	size_t	 i, h;

	free(t->slot);
	t->cap *= 2;
	t->slot = xcalloc(t->cap, sizeof(*t->slot));
	for (i = 0; i < t->nentries; i++) {
		h = hash(t->entries[i].dom, t->entries[i].ip) & (t->cap - 1);
		while (t->slot[h] != 0)
			h = (h + 1) & (t->cap - 1);
		t->slot[h] = i + 1;
	}
}

/* The entry of dom and ip, made when new. */
static struct entry *
entry_of(struct replay_tally *t, size_t dom, const char *ip)
{
	struct entry	*e;
	size_t		 h;

	if (2 * (t->nentries + 1) > t->cap)
		grow(t);
	for (h = hash(dom, ip) & (t->cap - 1); t->slot[h] != 0;
	    h = (h + 1) & (t->cap - 1)) {
		e = &t->entries[t->slot[h] - 1];
		if (e->dom == dom && strcmp(e->ip, ip) == 0)
			return e;
	}
	e = xappend(&t->entries, &t->nentries, sizeof(*t->entries));
	memset(e, 0, sizeof(*e));
	e->dom = dom;
	e->ip = xstrdup(ip);
	t->slot[h] = t->nentries;
	return e;
}

void
replay_tally_add(struct replay_tally *t, long day, const char *hfrom,
    const char *ip, uint64_t count, int pass, enum dmarc_policy disp)
{
	struct tdom	*d;
	struct entry	*e;
	int		 cls, k;

	if (t->finished || (d = owner(t, hfrom, &cls)) == NULL ||
	    day < d->since || day > d->until)
		return;
	d->messages += count;
	if (pass)
		return;
	d->failing += count;
	k = disp == DMARC_POLICY_REJECT ? 2 : disp == DMARC_POLICY_QUARANTINE ?
	    1 : 0;
	e = entry_of(t, (size_t)(d - t->doms), ip);
	e->n[cls][k] += count;
}

static int
by_dom_ip(const void *a, const void *b)
{
	const struct entry	*x = a, *y = b;

	if (x->dom != y->dom)
		return x->dom < y->dom ? -1 : 1;
	return strcmp(x->ip, y->ip);
}

void
replay_tally_finish(struct replay_tally *t)
{
	size_t	 i;

	if (t->finished)
		return;
	t->finished = 1;
	free(t->slot);
	t->slot = NULL;
	if (t->nentries > 0)
		qsort(t->entries, t->nentries, sizeof(*t->entries), by_dom_ip);
	for (i = 0; i < t->nentries; i++) {
		if (i == 0 || t->entries[i - 1].dom != t->entries[i].dom)
			t->doms[t->entries[i].dom].first = i;
		t->doms[t->entries[i].dom].end = i + 1;
	}
}

/* --- the replay --- */

/* What a set asks of receivers: its one usable DMARC record, or none. */
struct side {
	int			 present;
	struct dmarc_pol	 pol;
};

static void
side_read(const struct rrset *rs, struct side *s)
{
	struct owned	 o;

	memset(s, 0, sizeof(*s));
	if (rs->name == NULL)
		return;
	plan_owned_collect(RECORD_DMARC, rs, &o);
	/* Receivers ignore two records, and one they cannot read. */
	s->present = o.n == 1 && plan_dmarc_pol_read(o.v[0], o.len[0],
	    &s->pol) == 0;
	plan_owned_release(&o);
}

static int
side_differs(const struct side *a, const struct side *b)
{
	if (a->present != b->present)
		return 1;
	return a->present && (memcmp(a->pol.kw, b->pol.kw,
	    sizeof(a->pol.kw)) != 0 || a->pol.testing != b->pol.testing ||
	    a->pol.pct != b->pol.pct);
}

static int
lower(int k)
{
	return k > 0 ? k - 1 : 0;
}

/*
 * The level policy i of s gets: the mildest of the two kinds of receiver
 * (harsh 0), or the harshest (harsh 1).  RFC 9989 ones apply t=y one
 * level lower and ignore pct; RFC 7489 ones ignore t, apply the level to
 * pct% of failing mail and the next lower one to the rest.
 */
static int
level(const struct side *s, int i, int harsh)
{
	int	 k, bis, old;

	if (!s->present)
		return 0;
	k = s->pol.kw[i];
	bis = s->pol.testing ? lower(k) : k;
	if (harsh) {
		old = s->pol.pct > 0 ? k : lower(k);
		return bis > old ? bis : old;
	}
	old = s->pol.pct < 100 ? lower(k) : k;
	return bis < old ? bis : old;
}

/* The level as a receiver following RFC 9989 reports it. */
static int
reported(const struct side *s, int i)
{
	return s->present ? (s->pol.testing ? lower(s->pol.kw[i]) :
	    s->pol.kw[i]) : 0;
}

static int
by_most(const void *a, const void *b)
{
	const struct replay_source	*x = a, *y = b;
	uint64_t			 nx = x->quarantine + x->reject;
	uint64_t			 ny = y->quarantine + y->reject;

	if (nx != ny)
		return nx > ny ? -1 : 1;
	return strcmp(x->ip, y->ip);
}

/* Adds n messages of class i (POL_*) of an entry to src. */
static void
count(const struct side *old, const struct side *new, int i, uint64_t n,
    struct replay_source *src)
{
	int	 was = level(old, i, 0), now = level(new, i, 1);

	if (n == 0 || now <= was)
		return;
	if (now == 2)
		src->reject += n;
	else
		src->quarantine += n;
}

static struct plan_replay *
replay_one(const struct tdom *d, const struct replay_tally *t,
    const struct side *old, const struct side *new)
{
	struct plan_replay	*r = xcalloc(1, sizeof(*r));
	struct replay_source	*all = NULL, s;
	size_t			 i, n = 0;
	int			 k, np;

	/* np applied where the receiver's disposition says so: the live
	 * record's np and sp differ and the disposition is np's. */
	np = reported(old, POL_NP) != reported(old, POL_SP) ?
	    reported(old, POL_NP) : -1;
	date_format(d->since, r->since);
	date_format(d->until, r->until);
	r->messages = d->messages;
	r->failing = d->failing;
	for (i = d->first; i < d->end; i++) {
		const struct entry	*e = &t->entries[i];

		memset(&s, 0, sizeof(s));
		for (k = 0; k < 3; k++) {
			count(old, new, POL_P, e->n[ROW_OWN][k], &s);
			count(old, new, k == np ? POL_NP : POL_SP,
			    e->n[ROW_SUB][k], &s);
		}
		if (s.quarantine + s.reject == 0)
			continue;
		s.ip = e->ip;		/* borrowed until copied below */
		*(struct replay_source *)xappend(&all, &n, sizeof(*all)) = s;
		r->quarantine += s.quarantine;
		r->reject += s.reject;
	}
	if (n > 0)
		qsort(all, n, sizeof(*all), by_most);
	r->sources = n;
	r->ntop = n < REPLAY_TOP_SOURCES ? n : REPLAY_TOP_SOURCES;
	r->top = r->ntop > 0 ? xcalloc(r->ntop, sizeof(*r->top)) : NULL;
	for (i = 0; i < r->ntop; i++) {
		r->top[i] = all[i];
		r->top[i].ip = xstrdup(all[i].ip);
	}
	free(all);
	return r;
}

void
plan_replay(const struct replay_tally *t, struct plan *p, struct diags *dg)
{
	static const struct tdom	 empty;
	const struct tdom		*d;
	struct side			 old, new;
	size_t				 i;

	for (i = 0; t != NULL && i < p->nchanges; i++) {
		struct plan_change	*c = &p->changes[i];

		if (c->kind != RECORD_DMARC || c->op == PLAN_NONE ||
		    c->domain == NULL || c->replay != NULL)
			continue;
		side_read(&c->before, &old);
		side_read(&c->after, &new);
		if (!side_differs(&old, &new))
			continue;
		if ((d = find(t, c->domain)) == NULL)
			d = &empty;
		if (d->messages > REPLAY_COUNT_MAX) {
			if (dg != NULL)
				diags_add(dg, DIAG_WARNING, NULL, 0, 0, "'%s': "
				    "the reports count more than %llu messages "
				    "under its DMARC record; no policy replay",
				    c->domain, REPLAY_COUNT_MAX);
			continue;
		}
		c->replay = replay_one(d, t, &old, &new);
	}
}

void
plan_replay_free(struct plan_replay *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < r->ntop; i++)
		free(r->top[i].ip);
	free(r->top);
	free(r);
}
