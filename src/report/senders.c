/*
 * senders.c - "report --senders": every sending address per domain
 * (header_from), held against what the config declares, with a verdict
 * and suggestions (docs/reports.md, issue 21).
 *
 * A row's verdict: failing when the receiver says DMARC failed
 * (policy_evaluated: neither dkim nor spf pass); configured when
 * auth_results show a passing DKIM signature aligned with the header_from
 * whose (d=, s=) the config declares, or a passing SPF check of an aligned
 * domain whose SPF the config manages; undeclared otherwise (it passes,
 * but through nothing the config owns).  Alignment is relaxed (the same
 * organisational domain, src/dns/orgdomain.c) or strict (the same name)
 * as the config's adkim and aspf say for the header_from, or for the
 * nearest parent the config has; relaxed when it has none.
 *
 * Memory: like a summary, it grows with the distinct (domain, address)
 * pairs, each with at most REPORT_DOMAINS_MAX DKIM and SPF entries, never
 * with the number of reports; one report is in memory at a time.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "mailauth/buf.h"
#include "mailauth/date.h"
#include "mailauth/orgdomain.h"
#include "internal.h"

static const char *const verdict_names[REPORT_VERDICT_COUNT] = {
	"configured", "undeclared", "failing"
};

const char *
report_verdict_name(enum report_verdict v)
{
	return (size_t)v < REPORT_VERDICT_COUNT ? verdict_names[v] : "?";
}

/* The map's key for kind ('C' config, 'D' domain, 'S' source). */
static size_t
lookup(struct report_map **m, char kind, const char *a, const char *b,
    size_t value_if_new, int *added)
{
	struct buf	 key = BUF_INIT;
	size_t		 v;

	buf_addc(&key, kind);
	buf_adds(&key, a);
	if (b != NULL) {
		buf_addc(&key, '\0');
		buf_adds(&key, b);
	}
	v = report_map_get(m, key.data, key.len, value_if_new, added);
	buf_release(&key);
	return v;
}

void
report_senders_init(struct report_senders *s, const struct report_filter *f,
    const struct report_declared *decl, size_t n)
{
	size_t	 i;
	int	 added;

	memset(s, 0, sizeof(*s));
	s->filter.since = s->filter.until = -1;
	if (f != NULL) {
		s->filter.since = f->since;
		s->filter.until = f->until;
		if (f->domain != NULL)
			s->filter.domain = report_name_folded(f->domain);
	}
	s->declared = decl;
	s->ndeclared = n;
	for (i = 0; i < n; i++)
		lookup(&s->index, 'C', decl[i].domain, NULL, i, &added);
}

/* The config's entry for exactly name, or NULL. */
static const struct report_declared *
declared(struct report_senders *s, const char *name)
{
	struct buf	 key = BUF_INIT;
	size_t		 i;
	int		 found;

	if (s->ndeclared == 0 || s->finished)
		return NULL;
	buf_addc(&key, 'C');
	buf_adds(&key, name);
	found = report_map_find(s->index, key.data, key.len, &i);
	buf_release(&key);
	return found ? &s->declared[i] : NULL;
}

/* The entry whose adkim/aspf rule name's mail: name's or its nearest
 * parent's in the config, up to the organisational domain. */
static const struct report_declared *
align_rule(struct report_senders *s, const char *name)
{
	const struct report_declared	*d = NULL;
	struct buf			 org = BUF_INIT;
	const char			*p = name;

	if (s->ndeclared == 0 || (d = declared(s, name)) != NULL)
		return d;
	/* The parents up to the organisational domain, nearest first. */
	if (org_domain(name, &org) == 0)
		while ((p = strchr(p, '.')) != NULL &&
		    strlen(++p) >= org.len)
			if ((d = declared(s, p)) != NULL)
				break;
	buf_release(&org);
	return d;
}

static int
aligned(const char *a, const char *from, int strict)
{
	if (strcmp(a, from) == 0)
		return 1;
	return !strict && org_domain_same(a, from);
}

static int
has(const char *const *v, size_t n, const char *x)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], x) == 0)
			return 1;
	return 0;
}

static int
dkim_declared(struct report_senders *s, const struct report_auth *a)
{
	const struct report_declared	*d = declared(s, a->domain);

	return d != NULL && a->selector != NULL &&
	    has(d->selectors, d->nselectors, a->selector);
}

static int
spf_declared(struct report_senders *s, const struct report_auth *a)
{
	const struct report_declared	*d = declared(s, a->domain);

	return d != NULL && d->spf;
}

/* A row's verdict: failing without a DMARC pass; configured when one of
 * its passes is aligned and declared (owned); else undeclared. */
static enum report_verdict
verdict(const struct report_row *w, int owned)
{
	if (!w->dkim_pass && !w->spf_pass)
		return REPORT_FAILING;
	return owned ? REPORT_CONFIGURED : REPORT_UNDECLARED;
}

/* 1 when a's pass is aligned with from (strict or not) and declared. */
static int
owns(struct report_senders *s, const struct report_auth *a,
    const char *from, int strict, int dkim)
{
	return a->result == REPORT_AUTH_PASS && aligned(a->domain, from,
	    strict) && (dkim ? dkim_declared(s, a) : spf_declared(s, a));
}

enum report_verdict
report_row_verdict(struct report_senders *s, const struct report_row *w)
{
	const struct report_declared	*rule;
	size_t				 i;
	int				 sd = 0, ss = 0;

	int				 owned = 0;

	if ((rule = align_rule(s, w->header_from)) != NULL) {
		sd = rule->strict_dkim;
		ss = rule->strict_spf;
	}
	for (i = 0; i < w->ndkim_auth && !owned; i++)
		owned = owns(s, &w->dkim_auth[i], w->header_from, sd, 1);
	for (i = 0; i < w->nspf_auth && !owned; i++)
		owned = owns(s, &w->spf_auth[i], w->header_from, ss, 0);
	return verdict(w, owned);
}

/* --- counting --- */

static struct report_sender_domain *
domain_get(struct report_senders *s, const char *name)
{
	struct report_sender_domain	*d;
	size_t				 i;
	int				 added;

	i = lookup(&s->index, 'D', name, NULL, s->ndomains, &added);
	if (!added)
		return &s->domains[i];
	d = xappend(&s->domains, &s->ndomains, sizeof(*s->domains));
	d->name = xstrdup(name);
	d->declared = declared(s, name);
	d->rule = align_rule(s, name);
	return d;
}

static struct report_sender *
sender_get(struct report_senders *s, struct report_sender_domain *d,
    const char *ip)
{
	struct report_sender	*x;
	size_t			 i;
	int			 added;

	i = lookup(&s->index, 'S', d->name, ip, d->nsenders, &added);
	if (!added)
		return &d->senders[i];
	x = xappend(&d->senders, &d->nsenders, sizeof(*d->senders));
	x->ip = xstrdup(ip);
	return x;
}

/*
 * Adds a row's signature (dkim) or check to a sender's list, and returns
 * 1 when it is aligned with from (strict or not) and declared.  Both are
 * found once per entry: the entry's domain and from are the same for
 * every row that reaches it.  A list full (REPORT_DOMAINS_MAX) keeps no
 * more entries, and the answer is then worked out afresh.
 */
static int
auth_add(struct report_senders *s, struct report_sender_auth **v, size_t *n,
    const struct report_auth *a, uint64_t count_, const char *from,
    int strict, int dkim)
{
	struct report_sender_auth	*x = NULL;
	size_t				 i;

	for (i = 0; i < *n && x == NULL; i++)
		if (strcmp((*v)[i].domain, a->domain) == 0 &&
		    ((*v)[i].selector == NULL) == (a->selector == NULL) &&
		    (a->selector == NULL ||
		    strcmp((*v)[i].selector, a->selector) == 0))
			x = &(*v)[i];
	if (x == NULL) {
		if (*n >= REPORT_DOMAINS_MAX)
			return owns(s, a, from, strict, dkim);
		x = xappend(v, n, sizeof(**v));
		x->domain = xstrdup(a->domain);
		x->selector = a->selector != NULL ? xstrdup(a->selector) :
		    NULL;
		x->aligned = aligned(a->domain, from, strict);
		x->declared = dkim ? dkim_declared(s, a) : spf_declared(s, a);
	}
	if (a->result == REPORT_AUTH_PASS)
		x->pass += count_;
	else
		x->other += count_;
	return x->aligned && x->declared;
}

/* One row: counted, its signatures and checks added, its verdict found
 * as report_row_verdict() finds it, from what the entries hold. */
static void
row_add(struct report_senders *s, const struct report_row *w)
{
	struct report_sender_domain	*d = domain_get(s, w->header_from);
	struct report_sender		*x = sender_get(s, d, w->source_ip);
	const struct report_declared	*rule = d->rule;
	enum report_verdict		 v;
	size_t				 i;
	int				 sd, ss, owned = 0;

	sd = rule != NULL && rule->strict_dkim;
	ss = rule != NULL && rule->strict_spf;
	for (i = 0; i < w->ndkim_auth; i++)
		if (auth_add(s, &x->dkim, &x->ndkim, &w->dkim_auth[i],
		    w->count, d->name, sd, 1) &&
		    w->dkim_auth[i].result == REPORT_AUTH_PASS)
			owned = 1;
	for (i = 0; i < w->nspf_auth; i++)
		if (auth_add(s, &x->spf, &x->nspf, &w->spf_auth[i], w->count,
		    d->name, ss, 0) && w->spf_auth[i].result == REPORT_AUTH_PASS)
			owned = 1;
	v = verdict(w, owned);
	report_counts_add(&x->n, w);
	report_counts_add(&d->n, w);
	x->verdicts[v] += w->count;
	d->verdicts[v] += w->count;
}

void
report_senders_add(struct report_senders *s, const struct report *r)
{
	long	 day = report_day(r);
	size_t	 i;

	if (s->finished)
		return;
	if ((s->filter.since != -1 && day < s->filter.since) ||
	    (s->filter.until != -1 && day > s->filter.until)) {
		s->outside++;
		return;
	}
	s->in_window++;
	for (i = 0; i < r->nrows; i++)
		if (report_filter_wants(&s->filter, r->rows[i].header_from))
			row_add(s, &r->rows[i]);
}

void
report_senders_sink(void *senders, const char *file, const struct report *r)
{
	(void)file;
	report_senders_add(senders, r);
}

/* --- finishing: verdicts, order, suggestions --- */

static enum report_verdict
verdict_of(const uint64_t *v)
{
	enum report_verdict	 best = REPORT_FAILING;
	int			 i;

	/* Most messages; a tie goes to the worse (the later). */
	for (i = REPORT_VERDICT_COUNT - 1; i >= 0; i--)
		if (v[i] > v[best])
			best = (enum report_verdict)i;
	return best;
}

static int
sender_order(const void *a, const void *b)
{
	const struct report_sender	*x = a, *y = b;

	if (x->verdict != y->verdict)
		return x->verdict > y->verdict ? -1 : 1;
	if (x->n.messages != y->n.messages)
		return x->n.messages > y->n.messages ? -1 : 1;
	return strcmp(x->ip, y->ip);
}

static int
domain_order(const void *a, const void *b)
{
	return strcmp(((const struct report_sender_domain *)a)->name,
	    ((const struct report_sender_domain *)b)->name);
}

static int
suggestion_order(const void *a, const void *b)
{
	const struct report_suggestion	*x = a, *y = b;
	int				 c;

	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	if ((c = strcmp(x->kind, y->kind)) != 0)
		return c;
	return strcmp(x->message, y->message);
}

/* "15.00%" of the domain's mail. */
static void
share(struct buf *b, uint64_t part, uint64_t whole)
{
	double	 r = report_rate(part, whole);

	buf_addf(b, "%.2f%%", r < 0 ? 0.0 : r);
}

/* 1 when part is at least REPORT_SUGGEST_SHARE of whole. */
static int
big_enough(uint64_t part, uint64_t whole)
{
	return part > 0 && whole > 0 && (double)part * 10000.0 >=
	    (double)whole * REPORT_SUGGEST_SHARE;
}

static struct report_suggestion *
suggest(struct report_sender_domain *d, const char *kind, uint64_t messages,
    const char *source)
{
	struct report_suggestion	*g;

	g = xappend(&d->suggestions, &d->nsuggestions,
	    sizeof(*d->suggestions));
	g->kind = kind;
	g->messages = messages;
	g->source = source != NULL ? xstrdup(source) : NULL;
	return g;
}

static void
text_of(struct report_suggestion *g, struct buf *b)
{
	g->message = buf_detach(b);
}

/* A quoted name, made printable. */
static void
quoted(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	buf_add_printable(b, s, strlen(s), 255);
	buf_addc(b, '\'');
}

/*
 * Mail summed by a key (a selector, a network) over a domain's senders,
 * with the sender that sent most of it: one pass over the senders, a map
 * from the key, so that 100,000 senders cost no more than their number.
 */
struct sum {
	char		*key;		/* shown: the selector, the network */
	const char	*domain;	/* the selector's d=; NULL */
	uint64_t	 messages;
	uint64_t	 top;
	const char	*topip;
};

struct sums {
	struct report_map	*map;
	struct sum		*v;
	size_t			 n;
};

static void
sums_add(struct sums *u, const char *domain, const char *key,
    uint64_t messages, const char *ip)
{
	struct buf	 k = BUF_INIT;
	struct sum	*x;
	size_t		 i;
	int		 added;

	if (domain != NULL)
		buf_adds(&k, domain);
	buf_addc(&k, '\0');
	buf_adds(&k, key);
	i = report_map_get(&u->map, k.data, k.len, u->n, &added);
	buf_release(&k);
	if (added) {
		x = xappend(&u->v, &u->n, sizeof(*u->v));
		x->key = xstrdup(key);
		x->domain = domain;
	} else
		x = &u->v[i];
	x->messages += messages;
	if (x->topip == NULL || messages > x->top) {
		x->top = messages;
		x->topip = ip;
	}
}

static void
sums_release(struct sums *u)
{
	size_t	 i;

	for (i = 0; i < u->n; i++)
		free(u->v[i].key);
	free(u->v);
	report_map_free(u->map);
	memset(u, 0, sizeof(*u));
}

/*
 * Aligned DKIM selectors that pass but that the config does not declare,
 * summed over the domain's senders, with the address that sent most.
 */
static void
suggest_selectors(struct report_sender_domain *d)
{
	struct report_suggestion	*g;
	const struct report_sender_auth	*a;
	const struct sum		*x;
	struct sums			 u;
	struct buf			 t = BUF_INIT;
	size_t				 i, j;

	memset(&u, 0, sizeof(u));
	for (i = 0; i < d->nsenders; i++)
		for (j = 0; j < d->senders[i].ndkim; j++) {
			a = &d->senders[i].dkim[j];
			if (a->aligned && !a->declared && a->pass > 0 &&
			    a->selector != NULL)
				sums_add(&u, a->domain, a->selector, a->pass,
				    d->senders[i].ip);
		}
	for (i = 0; i < u.n; i++) {
		x = &u.v[i];
		g = suggest(d, "declare-selector", x->messages, x->topip);
		buf_adds(&t, "DKIM selector ");
		quoted(&t, x->key);
		buf_adds(&t, " of ");
		quoted(&t, x->domain);
		buf_addf(&t, " passes for %" PRIu64 " message%s (", x->messages,
		    x->messages == 1 ? "" : "s");
		share(&t, x->messages, d->n.messages);
		buf_addf(&t, ") from %s%s: declare it under dkim: of ", x->topip,
		    x->messages > x->top ? " and others" : "");
		quoted(&t, x->domain);
		buf_adds(&t, ", or it breaks unseen when the key is rotated or "
		    "removed");
		text_of(g, &t);
		buf_add_printable(&t, x->key, strlen(x->key), 255);
		buf_adds(&t, ": { public_key: ... }");
		g->config = buf_detach(&t);
	}
	sums_release(&u);
	buf_release(&t);
}

/* Aligned SPF passes of undeclared senders for a domain whose SPF the
 * config does not manage, summed by that domain. */
static void
suggest_spf_unmanaged(struct report_sender_domain *d)
{
	struct report_suggestion	*g;
	const struct report_sender_auth	*a;
	const struct sum		*x;
	struct sums			 u;
	struct buf			 t = BUF_INIT;
	size_t				 i, j;

	memset(&u, 0, sizeof(u));
	for (i = 0; i < d->nsenders; i++)
		for (j = 0; j < d->senders[i].nspf; j++) {
			a = &d->senders[i].spf[j];
			if (a->aligned && !a->declared && a->pass > 0 &&
			    d->senders[i].verdict == REPORT_UNDECLARED)
				sums_add(&u, NULL, a->domain, a->pass,
				    d->senders[i].ip);
		}
	for (i = 0; i < u.n; i++) {
		x = &u.v[i];
		g = suggest(d, "manage-spf", x->messages, x->topip);
		buf_adds(&t, "SPF of ");
		quoted(&t, x->key);
		buf_addf(&t, " passes aligned for %" PRIu64 " message%s from "
		    "%s%s, but the config does not manage it: add spf: to ",
		    x->messages, x->messages == 1 ? "" : "s", x->topip,
		    x->messages > x->top ? " and others" : "");
		quoted(&t, x->key);
		text_of(g, &t);
		g->config = xstrdup("spf: { include: [...] }");
	}
	sums_release(&u);
	buf_release(&t);
}

/*
 * The domain's SPF includes, when no message passed SPF aligned for it in
 * a window of enough mail: aggregate reports do not say which include
 * matched, so each is a fact to check, not a line to remove.
 */
static void
suggest_includes(struct report_sender_domain *d)
{
	const struct report_declared	*c = d->declared;
	struct report_suggestion	*g;
	struct buf			 t = BUF_INIT;
	size_t				 i;

	if (c == NULL || !c->spf || d->n.spf_pass > 0 ||
	    d->n.messages < REPORT_SUGGEST_MIN_MESSAGES)
		return;
	for (i = 0; i < c->nincludes; i++) {
		g = suggest(d, "spf-include-unseen", 0, NULL);
		buf_adds(&t, "SPF include ");
		quoted(&t, c->includes[i]);
		buf_adds(&t, " is declared but no message passed SPF aligned "
		    "with ");
		quoted(&t, d->name);
		buf_addf(&t, " in the window (%" PRIu64 " messages): check "
		    "that a sender still needs it", d->n.messages);
		text_of(g, &t);
	}
	buf_release(&t);
}

/* The network of an address, as "192.0.2.0/24" or "2001:db8::/48". */
static void
network_of(const char *ip, char *out, size_t len)
{
	unsigned char	 a[16];
	char		 txt[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, ip, a) == 1) {
		a[3] = 0;
		snprintf(out, len, "%s/24", inet_ntop(AF_INET, a, txt,
		    sizeof(txt)));
	} else if (inet_pton(AF_INET6, ip, a) == 1) {
		memset(a + 6, 0, 10);
		snprintf(out, len, "%s/48", inet_ntop(AF_INET6, a, txt,
		    sizeof(txt)));
	} else
		snprintf(out, len, "%s", ip);
}

/* 1 when one of v passed but was not aligned. */
static const struct report_sender_auth *
unaligned_pass(const struct report_sender_auth *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i].pass > 0 && !v[i].aligned)
			return &v[i];
	return NULL;
}

/*
 * Failing mail by network: a network that sends REPORT_SUGGEST_SHARE of
 * the domain's mail and fails is named; a failing sender whose DKIM or
 * SPF passes unaligned is named with the fix.
 */
static void
suggest_failing(struct report_sender_domain *d)
{
	struct report_suggestion	*g;
	const struct report_sender_auth	*ua;
	const struct report_sender	*x;
	struct sums			 u;
	struct buf			 t = BUF_INIT;
	char				 net[64];
	size_t				 i;
	uint64_t			 fail;

	memset(&u, 0, sizeof(u));
	for (i = 0; i < d->nsenders; i++) {
		x = &d->senders[i];
		fail = x->verdicts[REPORT_FAILING];
		if (fail == 0)
			continue;
		if ((ua = unaligned_pass(x->dkim, x->ndkim)) != NULL &&
		    big_enough(fail, d->n.messages)) {
			g = suggest(d, "dkim-unaligned", fail, x->ip);
			buf_addf(&t, "%s fails DMARC for %" PRIu64 " message%s "
			    "while its DKIM signature of ", x->ip, fail,
			    fail == 1 ? "" : "s");
			quoted(&t, ua->domain);
			buf_adds(&t, " passes, not aligned: have it sign as ");
			quoted(&t, d->name);
			text_of(g, &t);
			continue;
		}
		if ((ua = unaligned_pass(x->spf, x->nspf)) != NULL &&
		    big_enough(fail, d->n.messages)) {
			g = suggest(d, "spf-unaligned", fail, x->ip);
			buf_addf(&t, "%s fails DMARC for %" PRIu64 " message%s "
			    "while SPF passes for ", x->ip, fail,
			    fail == 1 ? "" : "s");
			quoted(&t, ua->domain);
			buf_adds(&t, ", not aligned: give it a MAIL FROM under ");
			quoted(&t, d->name);
			buf_adds(&t, " or have it sign with DKIM");
			text_of(g, &t);
			continue;
		}
		/* Failing both: summed by network. */
		network_of(x->ip, net, sizeof(net));
		sums_add(&u, NULL, net, fail, x->ip);
	}
	for (i = 0; i < u.n; i++) {
		if (!big_enough(u.v[i].messages, d->n.messages))
			continue;
		g = suggest(d, "identify-source", u.v[i].messages, u.v[i].key);
		buf_addf(&t, "%s sends %" PRIu64 " message%s (", u.v[i].key,
		    u.v[i].messages, u.v[i].messages == 1 ? "" : "s");
		share(&t, u.v[i].messages, d->n.messages);
		buf_adds(&t, " of the mail) that fail DMARC: identify it before "
		    "enforcing");
		text_of(g, &t);
	}
	sums_release(&u);
	buf_release(&t);
}

static void
domain_finish(struct report_sender_domain *d)
{
	size_t	 i;

	for (i = 0; i < d->nsenders; i++)
		d->senders[i].verdict = verdict_of(d->senders[i].verdicts);
	if (d->nsenders > 0)
		qsort(d->senders, d->nsenders, sizeof(*d->senders),
		    sender_order);
	suggest_selectors(d);
	suggest_spf_unmanaged(d);
	suggest_includes(d);
	suggest_failing(d);
	if (d->nsuggestions > 0)
		qsort(d->suggestions, d->nsuggestions,
		    sizeof(*d->suggestions), suggestion_order);
	while (d->nsuggestions > REPORT_SUGGESTIONS_MAX) {
		d->nsuggestions--;
		free(d->suggestions[d->nsuggestions].message);
		free(d->suggestions[d->nsuggestions].config);
		free(d->suggestions[d->nsuggestions].source);
	}
}

void
report_senders_finish(struct report_senders *s)
{
	size_t	 i;

	if (s->finished)
		return;
	s->finished = 1;
	report_map_free(s->index);
	s->index = NULL;
	/* The index is gone: keep the config's entries reachable by name
	 * for nothing more; d->declared was set when each domain came. */
	if (s->ndomains > 0)
		qsort(s->domains, s->ndomains, sizeof(*s->domains),
		    domain_order);
	for (i = 0; i < s->ndomains; i++)
		domain_finish(&s->domains[i]);
}

static void
auths_free(struct report_sender_auth *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].domain);
		free(v[i].selector);
	}
	free(v);
}

void
report_senders_release(struct report_senders *s)
{
	struct report_sender_domain	*d;
	size_t				 i, j;

	for (i = 0; i < s->ndomains; i++) {
		d = &s->domains[i];
		free(d->name);
		for (j = 0; j < d->nsenders; j++) {
			free(d->senders[j].ip);
			free(d->senders[j].name);
			auths_free(d->senders[j].dkim, d->senders[j].ndkim);
			auths_free(d->senders[j].spf, d->senders[j].nspf);
		}
		free(d->senders);
		for (j = 0; j < d->nsuggestions; j++) {
			free(d->suggestions[j].message);
			free(d->suggestions[j].config);
			free(d->suggestions[j].source);
		}
		free(d->suggestions);
	}
	free(s->domains);
	free((char *)s->filter.domain);
	report_map_free(s->index);
	memset(s, 0, sizeof(*s));
}

/* --- output --- */

#define SENDERS_SHOWN	REPORT_TEXT_SOURCES	/* per verdict, in text */

/* "d=example.com s=s1 pass 40 (aligned, declared)" */
static void
text_auths(struct buf *out, const char *label,
    const struct report_sender_auth *v, size_t n)
{
	size_t	 i;

	buf_addf(out, "      %s ", label);
	if (n == 0)
		buf_adds(out, "-");
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(out, "; ");
		report_text_safe(out, *v[i].domain != '\0' ? v[i].domain : "(none)", 80);
		if (v[i].selector != NULL) {
			buf_adds(out, " s=");
			report_text_safe(out, v[i].selector, 80);
		} else if (label[0] == 'D')
			buf_adds(out, " s=(not given)");
		buf_addf(out, " pass %" PRIu64 ", other %" PRIu64 " (%s, %s)",
		    v[i].pass, v[i].other, v[i].aligned ? "aligned" :
		    "not aligned", v[i].declared ? "declared" :
		    "not declared");
	}
	buf_addc(out, '\n');
}

static void
text_sender(struct buf *out, const struct report_sender *x)
{
	buf_adds(out, "    ");
	report_text_safe(out, x->ip, 64);
	if (x->name != NULL) {
		buf_adds(out, " (");
		report_text_safe(out, x->name, 255);
		buf_adds(out, ")");
	}
	buf_addf(out, ": %" PRIu64 " message%s, DMARC pass ", x->n.messages,
	    x->n.messages == 1 ? "" : "s");
	report_text_rate(out, x->n.dmarc_pass, x->n.messages);
	buf_addc(out, '\n');
	text_auths(out, "DKIM", x->dkim, x->ndkim);
	text_auths(out, "SPF ", x->spf, x->nspf);
}

static void
text_domain(struct buf *out, const struct report_sender_domain *d)
{
	const struct report_declared	*c = d->declared;
	size_t				 i, shown;
	int				 v;

	buf_addc(out, '\n');
	report_text_safe(out, d->name, 255);
	buf_addf(out, ": %" PRIu64 " message%s from %zu sender%s; configured %"
	    PRIu64 ", undeclared %" PRIu64 ", failing %" PRIu64 "\n",
	    d->n.messages, d->n.messages == 1 ? "" : "s", d->nsenders, d->nsenders == 1 ? "" : "s",
	    d->verdicts[REPORT_CONFIGURED], d->verdicts[REPORT_UNDECLARED],
	    d->verdicts[REPORT_FAILING]);
	if (c == NULL)
		buf_adds(out, "  not in the config: nothing of it is declared\n");
	else
		buf_addf(out, "  in the config: %zu DKIM selector%s, SPF %s, "
		    "adkim %s, aspf %s\n", c->nselectors,
		    c->nselectors == 1 ? "" : "s", c->spf ? "managed" :
		    "not managed", c->strict_dkim ? "strict" : "relaxed",
		    c->strict_spf ? "strict" : "relaxed");
	/* Worst first: failing, undeclared, configured. */
	for (v = REPORT_VERDICT_COUNT - 1; v >= 0; v--) {
		shown = 0;
		for (i = 0; i < d->nsenders; i++) {
			if (d->senders[i].verdict != (enum report_verdict)v)
				continue;
			if (shown == 0)
				buf_addf(out, "  %s:\n", verdict_names[v]);
			if (shown++ < SENDERS_SHOWN)
				text_sender(out, &d->senders[i]);
		}
		if (shown > SENDERS_SHOWN)
			buf_addf(out, "    ... and %zu more (--format json lists "
			    "every sender)\n", shown - SENDERS_SHOWN);
	}
	if (d->nsuggestions > 0)
		buf_adds(out, "  suggestions:\n");
	for (i = 0; i < d->nsuggestions; i++) {
		buf_adds(out, "    - ");
		/* A message: what it quotes is printable already. */
		buf_adds(out, d->suggestions[i].message);
		buf_addc(out, '\n');
		if (d->suggestions[i].config != NULL) {
			buf_adds(out, "      add: ");
			buf_adds(out, d->suggestions[i].config);
			buf_addc(out, '\n');
		}
	}
}

void
report_senders_render_text(const struct report_senders *s,
    const struct report_stats *st, struct buf *out)
{
	size_t	 i;

	buf_addf(out, "DMARC senders: %zu report%s read, %zu in the window, "
	    "%zu duplicate%s skipped, %zu rejected", st->read,
	    st->read == 1 ? "" : "s", s->in_window, st->duplicates,
	    st->duplicates == 1 ? "" : "s", st->nrejected);
	if (st->rows_rejected > 0)
		buf_addf(out, " (%zu record%s not counted)", st->rows_rejected,
		    st->rows_rejected == 1 ? "" : "s");
	buf_addc(out, '\n');
	if (s->ndomains == 0)
		buf_adds(out, "\nNo messages in the window.\n");
	for (i = 0; i < s->ndomains; i++)
		text_domain(out, &s->domains[i]);
	if (st->nrejected > 0)
		buf_adds(out, "\nrejected:\n");
	for (i = 0; i < st->nrejected; i++) {
		buf_adds(out, "  ");
		report_text_safe(out, st->rejected[i].file, 4096);
		buf_adds(out, ": ");
		buf_add_printable_msg(out, st->rejected[i].reason,
		    strlen(st->rejected[i].reason), 4096);
		buf_addc(out, '\n');
	}
}

/* JSON: compact, one line per domain header and per sender. */

static void
add_str(cJSON *o, const char *key, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void
put(FILE *f, cJSON *o)
{
	char	*t = cJSON_PrintUnformatted(o);

	if (t == NULL)
		abort();
	fputs(t, f);
	cJSON_free(t);
	cJSON_Delete(o);
}

static cJSON *
json_auths(const struct report_sender_auth *v, size_t n, int dkim)
{
	cJSON	*a = cJSON_CreateArray(), *x;
	size_t	 i;

	for (i = 0; i < n; i++) {
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "domain", v[i].domain);
		if (dkim)
			add_str(x, "selector", v[i].selector);
		report_json_u64(x, "pass", v[i].pass);
		report_json_u64(x, "other", v[i].other);
		cJSON_AddBoolToObject(x, "aligned", v[i].aligned);
		cJSON_AddBoolToObject(x, "declared", v[i].declared);
		cJSON_AddItemToArray(a, x);
	}
	return a;
}

static cJSON *
json_sender(const struct report_sender *x)
{
	cJSON	*o = cJSON_CreateObject();
	int	 v;

	cJSON_AddStringToObject(o, "source_ip", x->ip);
	add_str(o, "name", x->name);
	report_json_u64(o, "messages", x->n.messages);
	report_json_u64(o, "dmarc_pass", x->n.dmarc_pass);
	report_json_u64(o, "dkim_aligned_pass", x->n.dkim_pass);
	report_json_u64(o, "spf_aligned_pass", x->n.spf_pass);
	cJSON_AddStringToObject(o, "verdict", verdict_names[x->verdict]);
	for (v = 0; v < REPORT_VERDICT_COUNT; v++)
		report_json_u64(o, verdict_names[v], x->verdicts[v]);
	cJSON_AddItemToObject(o, "dkim", json_auths(x->dkim, x->ndkim, 1));
	cJSON_AddItemToObject(o, "spf", json_auths(x->spf, x->nspf, 0));
	return o;
}

/* The domain's members before "senders", without the closing brace. */
static void
write_domain(FILE *f, const struct report_sender_domain *d)
{
	const struct report_declared	*c = d->declared;
	cJSON				*o = cJSON_CreateObject(), *a, *x;
	char				*t;
	size_t				 i;
	int				 v;

	cJSON_AddStringToObject(o, "domain", d->name);
	cJSON_AddBoolToObject(o, "in_config", c != NULL);
	add_str(o, "adkim", c == NULL ? NULL : c->strict_dkim ? "strict" :
	    "relaxed");
	add_str(o, "aspf", c == NULL ? NULL : c->strict_spf ? "strict" :
	    "relaxed");
	report_json_u64(o, "messages", d->n.messages);
	report_json_u64(o, "dmarc_pass", d->n.dmarc_pass);
	for (v = 0; v < REPORT_VERDICT_COUNT; v++)
		report_json_u64(o, verdict_names[v], d->verdicts[v]);
	a = cJSON_AddArrayToObject(o, "suggestions");
	for (i = 0; i < d->nsuggestions; i++) {
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "kind", d->suggestions[i].kind);
		cJSON_AddStringToObject(x, "message",
		    d->suggestions[i].message);
		add_str(x, "config", d->suggestions[i].config);
		add_str(x, "source", d->suggestions[i].source);
		report_json_u64(x, "messages", d->suggestions[i].messages);
		cJSON_AddItemToArray(a, x);
	}
	cJSON_AddArrayToObject(o, "senders");
	if ((t = cJSON_PrintUnformatted(o)) == NULL)
		abort();
	cJSON_Delete(o);
	/* Ends with "[]}": the senders go between the brackets. */
	fwrite(t, 1, strlen(t) - 2, f);
	cJSON_free(t);
	for (i = 0; i < d->nsenders; i++) {
		fputs(i > 0 ? ",\n" : "\n", f);
		put(f, json_sender(&d->senders[i]));
	}
	fputs("]}", f);
}

int
report_senders_write_json(const struct report_senders *s,
    const struct report_stats *st, FILE *f)
{
	cJSON	*o = cJSON_CreateObject(), *w, *r, *a, *x;
	char	 day[11];
	size_t	 i;

	cJSON_AddNumberToObject(o, "format_version", 1);
	cJSON_AddStringToObject(o, "kind", "senders");
	w = cJSON_AddObjectToObject(o, "window");
	if (s->filter.since != -1)
		date_format(s->filter.since, day);
	add_str(w, "since", s->filter.since != -1 ? day : NULL);
	if (s->filter.until != -1)
		date_format(s->filter.until, day);
	add_str(w, "until", s->filter.until != -1 ? day : NULL);
	add_str(w, "domain", s->filter.domain);
	r = cJSON_AddObjectToObject(o, "reports");
	report_json_u64(r, "read", st->read);
	report_json_u64(r, "duplicates", st->duplicates);
	report_json_u64(r, "records_rejected", st->rows_rejected);
	report_json_u64(r, "in_window", s->in_window);
	report_json_u64(r, "outside_window", s->outside);
	a = cJSON_AddArrayToObject(r, "rejected");
	for (i = 0; i < st->nrejected; i++) {
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "file", st->rejected[i].file);
		cJSON_AddStringToObject(x, "reason", st->rejected[i].reason);
		cJSON_AddItemToArray(a, x);
	}
	cJSON_AddArrayToObject(o, "domains");
	{
		char	*t = cJSON_PrintUnformatted(o);

		if (t == NULL)
			abort();
		cJSON_Delete(o);
		fwrite(t, 1, strlen(t) - 2, f);
		cJSON_free(t);
	}
	for (i = 0; i < s->ndomains; i++) {
		fputs(i > 0 ? ",\n" : "\n", f);
		write_domain(f, &s->domains[i]);
	}
	fputs("]}\n", f);
	return ferror(f) ? -1 : 0;
}
