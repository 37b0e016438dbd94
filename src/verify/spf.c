/*
 * spf.c - an SPF record's include/redirect tree, walked as check_host()
 * would walk it for a sender no mechanism matches (RFC 7208 §4.6.4): every
 * include:, a, mx, ptr, exists: and applied redirect= counts towards the
 * limit of 10 DNS-querying terms, across all included records; a name
 * that answers NXDOMAIN or no records is a void lookup (2 at most); an
 * include whose target has no SPF record, or several, and an include of a
 * record already on the way (a loop) make receivers return permerror.
 *
 * The tree is read a level at a time, each level's records asked for
 * together; a record included twice is asked once but counted twice, as
 * check_host() evaluates it twice.  A target with a macro (%{...}) needs
 * a sender to expand: the term is counted and not followed.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/resolve.h"
#include "mailauth/spf.h"
#include "mailauth/verify.h"
#include "internal.h"

#define NODES_MAX	100	/* records of one tree walked */
#define VOID_MAX	2	/* void lookups receivers accept */

struct node {
	char	*domain;	/* canonical */
	char	*via;		/* "include" or "redirect"; NULL at the root */
	size_t	 parent;	/* index; the root is its own */
	long	 own;		/* DNS-querying terms of its record */
	long	 sub;		/* own and its subtree's */
	int	 fetched;
};

/* A name asked only to see whether it is void. */
struct probe {
	char			*name;
	int			 type;
	struct resolve_answer	 ans;
};

struct walk {
	struct resolve		*r;
	struct verify_report	*rep;
	struct node		*nodes;
	size_t			 nnodes;
	struct probe		*probes;
	size_t			 nprobes;
	size_t			 macros;	/* terms not followed */
	int			 cut;		/* NODES_MAX reached, or a
						 * record not read */
	struct buf		 voids;		/* the void names, shown */
	size_t			 nvoids;
};

/* A void lookup: of the TXT record of an include or redirect target,
 * the address records of an a or exists, the MX records of an mx. */
static void
void_add(struct walk *w, const char *canon, const char *type)
{
	char	*d = verify_display(canon);

	if (w->nvoids++ < 5)
		buf_addf(&w->voids, "%s'%s' %s", w->voids.len > 0 ? ", " : "",
		    d, type);
	free(d);
}

/* 1 when domain is the node's or one of its ancestors'. */
static int
on_path(const struct walk *w, size_t i, const char *domain)
{
	for (;;) {
		if (strcmp(w->nodes[i].domain, domain) == 0)
			return 1;
		if (w->nodes[i].parent == i)
			return 0;
		i = w->nodes[i].parent;
	}
}

static void
probe_add(struct walk *w, const char *canon, int type)
{
	struct probe	*p;
	size_t		 i;

	for (i = 0; i < w->nprobes; i++)
		if (w->probes[i].type == type &&
		    strcmp(w->probes[i].name, canon) == 0)
			return;
	p = xappend(&w->probes, &w->nprobes, sizeof(*w->probes));
	p->name = xstrdup(canon);
	p->type = type;
}

/*
 * The target of a term (after "include:", "a:", "redirect=" ...), cut at
 * its CIDR length for a and mx, canonical (malloc'd); NULL with *macro
 * set when it holds a macro, or NULL alone when it is no name.
 */
static char *
target(const char *s, size_t n, int cidr, int *macro)
{
	char	*t, *c, *slash;

	*macro = 0;
	t = xstrndup(s, n);
	if (cidr && (slash = strchr(t, '/')) != NULL)
		*slash = '\0';
	if (strchr(t, '%') != NULL) {
		*macro = 1;
		free(t);
		return NULL;
	}
	c = dns_name_canon(t, NULL);
	free(t);
	return c;
}

void
verify_spf_lookups_release(struct verify_spf_lookup *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].target);
	free(v);
}

static void
lookup_add(struct verify_spf_lookup **v, size_t *n, enum verify_spf_kind k,
    const char *arg, size_t len, int cidr)
{
	struct verify_spf_lookup	*l = xappend(v, n, sizeof(**v));

	l->kind = k;
	if (arg == NULL)
		return;
	l->target = target(arg, len, cidr, &l->macro);
	l->invalid = l->target == NULL && !l->macro;
}

size_t
verify_spf_lookups(const char *text, size_t len, struct verify_spf_lookup **v)
{
	const char	*p = text, *end = text + len, *t, *arg, *redirect = NULL;
	size_t		 n = 0, tn, namelen, rlen = 0, alen;
	int		 has_all = 0;

	*v = NULL;
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		t = p;
		while (p < end && *p != ' ')
			p++;
		if ((tn = (size_t)(p - t)) == 0)
			break;
		if (memchr("+-~?", *t, 4) != NULL) {
			t++;
			tn--;
		}
		for (namelen = 0; namelen < tn && t[namelen] != ':' &&
		    t[namelen] != '/' && t[namelen] != '='; namelen++)
			;
		/* The argument after ':' or '=' (NULL without one). */
		arg = namelen < tn && t[namelen] != '/' ? t + namelen + 1 :
		    NULL;
		alen = arg != NULL ? tn - namelen - 1 : 0;
#define IS(s)	(namelen == strlen(s) && strncasecmp(t, s, namelen) == 0)
		if (IS("all"))
			has_all = 1;
		else if (IS("redirect") && arg != NULL && t[namelen] == '=') {
			redirect = arg;
			rlen = alen;
		} else if (IS("include"))
			lookup_add(v, &n, VERIFY_SPF_INCLUDE, arg != NULL ? arg :
			    "", alen, 0);
		else if (IS("a") || IS("mx"))
			lookup_add(v, &n, IS("a") ? VERIFY_SPF_A : VERIFY_SPF_MX,
			    arg, alen, 1);
		else if (IS("exists"))
			lookup_add(v, &n, VERIFY_SPF_EXISTS, arg != NULL ? arg :
			    "", alen, 0);
		else if (IS("ptr"))
			lookup_add(v, &n, VERIFY_SPF_PTR, NULL, 0, 0);
#undef IS
	}
	/* redirect= is applied only when no all mechanism is there
	 * (RFC 7208 §6.1). */
	if (redirect != NULL && !has_all)
		lookup_add(v, &n, VERIFY_SPF_REDIRECT, redirect, rlen, 0);
	return n;
}

static void
child_add(struct walk *w, size_t parent, const char *via, char *domain)
{
	struct node	*nd;
	char		*pd, *cd;

	if (on_path(w, parent, domain)) {
		pd = verify_display(w->nodes[parent].domain);
		cd = verify_display(domain);
		verify_add(w->rep, pd, "spf-loop", 0, "%s:'%s' in the SPF "
		    "record of '%s' leads back to a record on the way there: "
		    "a loop, receivers return permerror (RFC 7208 §5.2)", via,
		    cd, pd);
		free(pd);
		free(cd);
		free(domain);
		return;
	}
	if (w->nnodes >= NODES_MAX) {
		w->cut = 1;
		free(domain);
		return;
	}
	nd = xappend(&w->nodes, &w->nnodes, sizeof(*w->nodes));
	nd->domain = domain;
	nd->via = xstrdup(via);
	nd->parent = parent;
}

/* The terms of the record of node i: counts, children and probes. */
static void
terms(struct walk *w, size_t i, const char *text, size_t len)
{
	struct verify_spf_lookup	*v = NULL;
	size_t				 n, k;
	char				*pd;
	const char			*dom;

	n = verify_spf_lookups(text, len, &v);
	w->nodes[i].own = (long)n;
	for (k = 0; k < n; k++) {
		if (v[k].macro) {
			w->macros++;
			continue;
		}
		switch (v[k].kind) {
		case VERIFY_SPF_INCLUDE:
		case VERIFY_SPF_REDIRECT:
			if (v[k].target != NULL) {
				child_add(w, i, v[k].kind == VERIFY_SPF_INCLUDE ?
				    "include" : "redirect", xstrdup(v[k].target));
				break;
			}
			pd = verify_display(w->nodes[i].domain);
			verify_add(w->rep, pd, "spf-include-none", 0, "an "
			    "%s in the SPF record of '%s' is not a valid "
			    "name: receivers return permerror (RFC 7208 "
			    "§5.2)", v[k].kind == VERIFY_SPF_INCLUDE ?
			    "include:" : "redirect=", pd);
			free(pd);
			break;
		case VERIFY_SPF_A:
		case VERIFY_SPF_MX:
		case VERIFY_SPF_EXISTS:
			dom = v[k].target != NULL ? v[k].target : v[k].invalid ||
			    v[k].kind == VERIFY_SPF_EXISTS ? NULL :
			    w->nodes[i].domain;
			if (dom == NULL)
				break;
			probe_add(w, dom, v[k].kind == VERIFY_SPF_MX ?
			    RESOLVE_MX : RESOLVE_A);
			if (v[k].kind == VERIFY_SPF_A)
				probe_add(w, dom, RESOLVE_AAAA);
			break;
		default:
			break;
		}
	}
	verify_spf_lookups_release(v, n);
}

/* Judges the answer for node i (not the root, whose record the caller
 * read). */
static void
fetched(struct walk *w, size_t i, const struct resolve_answer *a)
{
	struct node	*nd = &w->nodes[i];
	size_t		 k, nspf = 0, first = 0;
	char		*pd, *cd;

	nd->fetched = 1;
	if (!verify_answered(a)) {
		verify_unchecked(w->rep, a, "the SPF record");
		w->cut = 1;
		return;
	}
	for (k = 0; k < a->nrrs; k++)
		if (spf_is_record(a->rrs[k].data) && nspf++ == 0)
			first = k;
	if (a->status != RESOLVE_OK)
		void_add(w, nd->domain, "TXT");
	if (nspf == 1) {
		terms(w, i, a->rrs[first].data, a->rrs[first].len);
		return;
	}
	pd = verify_display(w->nodes[nd->parent].domain);
	cd = verify_display(nd->domain);
	if (nspf == 0)
		verify_add(w->rep, pd, "spf-include-none", 0, "%s:'%s' in the "
		    "SPF record of '%s' has no SPF record (%s): receivers "
		    "return permerror (RFC 7208 §5.2)", nd->via, cd, pd,
		    a->status == RESOLVE_NXDOMAIN ? "NXDOMAIN" :
		    a->status == RESOLVE_NODATA ? "no TXT record" :
		    "no TXT record starting v=spf1");
	else
		verify_add(w->rep, pd, "spf-include-multiple", 0, "%s:'%s' in "
		    "the SPF record of '%s' publishes %zu SPF records: "
		    "receivers return permerror (RFC 7208 §4.5)", nd->via, cd,
		    pd, nspf);
	free(pd);
	free(cd);
}

/* Asks for the records of nodes [lo, hi), each name once. */
static void
level(struct walk *w, size_t lo, size_t hi)
{
	struct resolve_answer	*ans = xcalloc(hi - lo, sizeof(*ans));
	size_t			*of = xcalloc(hi - lo, sizeof(*of));
	size_t			 i, j;

	for (i = lo; i < hi; i++) {
		for (j = lo; j < i && strcmp(w->nodes[j].domain,
		    w->nodes[i].domain) != 0; j++)
			;
		of[i - lo] = j - lo;
		if (j == i)
			resolve_query(w->r, w->nodes[i].domain, RESOLVE_TXT,
			    &ans[i - lo]);
	}
	resolve_wait(w->r);
	for (i = lo; i < hi; i++)
		fetched(w, i, &ans[of[i - lo]]);
	for (i = 0; i < hi - lo; i++)
		if (of[i] == i)
			resolve_answer_release(&ans[i]);
	free(ans);
	free(of);
}

/* Asks the probes; an a term is void when neither A nor AAAA exists. */
static void
probes(struct walk *w)
{
	size_t	 i, j;

	for (i = 0; i < w->nprobes; i++)
		resolve_query(w->r, w->probes[i].name, w->probes[i].type,
		    &w->probes[i].ans);
	resolve_wait(w->r);
	for (i = 0; i < w->nprobes; i++) {
		struct probe	*p = &w->probes[i];

		if (!verify_answered(&p->ans)) {
			verify_unchecked(w->rep, &p->ans, p->type ==
			    RESOLVE_MX ? "the MX records" : "the address "
			    "records");
			continue;
		}
		if (p->type == RESOLVE_AAAA || p->ans.status == RESOLVE_OK)
			continue;
		if (p->type == RESOLVE_A)
			for (j = 0; j < w->nprobes; j++)
				if (w->probes[j].type == RESOLVE_AAAA &&
				    strcmp(w->probes[j].name, p->name) == 0 &&
				    w->probes[j].ans.status == RESOLVE_OK)
					break;
		if (p->type == RESOLVE_A && j < w->nprobes)
			continue;
		void_add(w, p->name, p->type == RESOLVE_MX ? "MX" : "A");
	}
}

/* "a.example (12) -> include:b.example (9) -> ...": from the root, the
 * child whose subtree counts most, each with its subtree's count. */
static void
worst(const struct walk *w, struct buf *b)
{
	size_t	 cur = 0, i, best;
	char	*d;

	for (;;) {
		d = verify_display(w->nodes[cur].domain);
		if (cur > 0)
			buf_addf(b, " -> %s:", w->nodes[cur].via);
		buf_addf(b, "%s (%ld)", d, w->nodes[cur].sub);
		free(d);
		best = 0;
		for (i = cur + 1; i < w->nnodes; i++)
			if (w->nodes[i].parent == cur && (best == 0 ||
			    w->nodes[i].sub > w->nodes[best].sub))
				best = i;
		if (best == 0)
			break;
		cur = best;
	}
}

void
verify_spf_tree(struct resolve *r, const char *name, const char *text,
    size_t len, struct verify_report *out)
{
	struct walk	 w;
	struct buf	 path = BUF_INIT;
	size_t		 lo, hi, i;
	long		 total = 0;
	char		*root;

	memset(&w, 0, sizeof(w));
	w.r = r;
	w.rep = out;
	w.nodes = xcalloc(1, sizeof(*w.nodes));
	w.nnodes = 1;
	w.nodes[0].domain = xstrdup(name);
	w.nodes[0].fetched = 1;
	terms(&w, 0, text, len);
	for (lo = 1; lo < w.nnodes; lo = hi) {
		hi = w.nnodes;
		level(&w, lo, hi);
	}
	probes(&w);
	for (i = w.nnodes; i-- > 0;) {
		w.nodes[i].sub += w.nodes[i].own;
		total += w.nodes[i].own;
		if (i > 0)
			w.nodes[w.nodes[i].parent].sub += w.nodes[i].sub;
	}
	root = verify_display(name);
	if (total > SPF_DNS_TERMS_MAX) {
		worst(&w, &path);
		verify_add(out, root, "spf-lookups", 0, "the SPF record of "
		    "'%s' needs %s%ld DNS lookups across its includes, over "
		    "the limit of %d: receivers return permerror (RFC 7208 "
		    "§4.6.4); worst branch: %s%s", root, w.cut ? "at least " :
		    "", total, SPF_DNS_TERMS_MAX, buf_str(&path), w.macros > 0 ?
		    "; terms with macros were counted, not followed" : "");
	}
	if (w.nvoids > VOID_MAX)
		verify_add(out, root, "spf-void-lookups", 0, "the SPF record "
		    "of '%s' makes %zu void lookups (names with no record: "
		    "%s%s), over the limit of %d: receivers return permerror "
		    "(RFC 7208 §4.6.4)", root, w.nvoids, buf_str(&w.voids),
		    w.nvoids > 5 ? ", ..." : "", VOID_MAX);
	free(root);
	buf_release(&path);
	buf_release(&w.voids);
	for (i = 0; i < w.nnodes; i++) {
		free(w.nodes[i].domain);
		free(w.nodes[i].via);
	}
	free(w.nodes);
	for (i = 0; i < w.nprobes; i++) {
		free(w.probes[i].name);
		resolve_answer_release(&w.probes[i].ans);
	}
	free(w.probes);
}
