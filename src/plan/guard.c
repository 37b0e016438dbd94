/*
 * guard.c - the safety guard: does a change weaken what receivers enforce?
 *
 * Only the values mailauth owns in a record set are judged.  On the live
 * side, a value receivers cannot use (a DMARC record that does not parse
 * or that they ignore, an SPF record with a syntax error) protects nothing,
 * so it cannot be weakened; nor can several live values, which receivers
 * ignore all together.
 * On the new side, a value receivers cannot use, or several values where
 * receivers want one, is as good as none.  The rules and the wording of
 * the reasons are in docs/records.md ("Weakening").
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dmarc.h"
#include "mailauth/dns.h"
#include "mailauth/plan.h"
#include "mailauth/spf.h"
#include "internal.h"

void
plan_owned_collect(enum record_kind kind, const struct rrset *rs,
    struct owned *o)
{
	struct buf	 text = BUF_INIT;
	char		**slot;
	size_t		 i, nlen;

	memset(o, 0, sizeof(*o));
	if (rs->type == NULL || strcmp(rs->type, "TXT") != 0)
		return;
	for (i = 0; i < rs->nvalues; i++) {
		buf_reset(&text);
		/* A value that does not decode is nobody's record. */
		if (txt_decode(rs->values[i], &text, NULL) == -1 ||
		    !record_kind_owns(kind, buf_str(&text)))
			continue;
		nlen = o->n;
		*(size_t *)xappend(&o->len, &nlen, sizeof(*o->len)) = text.len;
		slot = xappend(&o->v, &o->n, sizeof(*o->v));
		*slot = buf_detach(&text);
	}
	buf_release(&text);
}

void
plan_owned_release(struct owned *o)
{
	size_t	 i;

	for (i = 0; i < o->n; i++)
		free(o->v[i]);
	free(o->v);
	free(o->len);
	memset(o, 0, sizeof(*o));
}

/* --- DMARC --- */

static const char *const pol_tags[NPOL] = { "p", "sp", "np" };
static const char *const pol_labels[NPOL] = {
	"policy", "subdomain policy", "non-existent subdomain policy"
};

/* The kw of a policy keyword (any case), or -1. */
static int
keyword(const char *v)
{
	enum dmarc_policy	 p;

	if (v == NULL ||
	    (p = dmarc_policy_parse(v, DMARC_CASE_ANY)) == DMARC_POLICY_UNSET)
		return -1;
	return (int)(p - DMARC_POLICY_NONE);
}

/* The keyword of a kw. */
static const char *
kw_name(int kw)
{
	return dmarc_policy_name((enum dmarc_policy)(DMARC_POLICY_NONE + kw));
}

/* none 0 < quarantine; t=y 1 < quarantine 2 < reject; t=y 3 < reject 4 */
static int
strength(int kw, int testing)
{
	return kw == 0 ? 0 : kw * 2 - (testing ? 1 : 0);
}

/* pct as older receivers read it (RFC 7489 §6.3): 0-100, else 100. */
static int
pct_of(const char *v)
{
	size_t	 n;

	if (v == NULL || (n = strlen(v)) == 0 || n > 3 ||
	    strspn(v, "0123456789") != n || atoi(v) > 100)
		return 100;
	return atoi(v);
}

/* See internal.h. */
int
plan_dmarc_pol_read(const char *text, size_t len, struct dmarc_pol *pol)
{
	struct dmarc_record	 rec;
	const char		*t;
	int			 i, kw;

	memset(pol, 0, sizeof(*pol));
	if (text[0] == ' ' || text[0] == '\t' ||
	    memchr(text, '\0', len) != NULL ||
	    dmarc_parse(text, &rec, NULL) == -1)
		return -1;
	if (strcmp(rec.tags[0].value, "DMARC1") != 0) {
		dmarc_record_release(&rec);
		return -1;
	}
	for (i = 0; i < NPOL; i++) {
		kw = keyword(dmarc_tag_get(&rec, pol_tags[i]));
		pol->written[i] = kw != -1;
		pol->kw[i] = kw != -1 ? kw : i == POL_P ? 0 : pol->kw[i - 1];
	}
	t = dmarc_tag_get(&rec, "t");
	pol->testing = t != NULL && strcasecmp(t, "y") == 0;
	pol->pct = pct_of(dmarc_tag_get(&rec, "pct"));
	dmarc_record_release(&rec);
	return 0;
}

/* Orders records by p, then sp, then np, then pct: <0, 0, >0. */
static int
dmarc_pol_cmp(const struct dmarc_pol *a, const struct dmarc_pol *b)
{
	int	 i, d;

	for (i = 0; i < NPOL; i++)
		if ((d = strength(a->kw[i], a->testing) -
		    strength(b->kw[i], b->testing)) != 0)
			return d;
	return a->pct - b->pct;
}

/* Appends policy i of pol as "sp=reject; t=y", saying where an inherited
 * value comes from. */
static void
dmarc_pol_describe(const struct dmarc_pol *pol, int i, struct buf *out)
{
	buf_addf(out, "%s=%s", pol_tags[i], kw_name(pol->kw[i]));
	if (!pol->written[i]) {
		if (i == POL_P)
			buf_adds(out, " (no valid p)");
		else if (i == POL_NP && pol->written[POL_SP])
			buf_adds(out, " (from sp)");
		else
			buf_adds(out, " (from p)");
	}
	if (pol->testing)
		buf_adds(out, "; t=y");
}

/* Appends ", " before every clause but the first, which gets "DMARC ". */
static void
clause(struct buf *out)
{
	buf_adds(out, out->len == 0 ? "DMARC " : ", ");
}

static char *
dmarc_weakens(const struct owned *before, const struct owned *after)
{
	struct dmarc_pol	 b, a, cur;
	struct buf		 out = BUF_INIT;
	size_t			 i, nread = 0;
	int			 p;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < before->n; i++) {
		if (plan_dmarc_pol_read(before->v[i], before->len[i],
		    &cur) == -1)
			continue;
		if (nread++ == 0 || dmarc_pol_cmp(&cur, &b) > 0)
			b = cur;
	}
	if (nread == 0)
		return NULL;	/* nothing live that receivers use */
	if (after->n == 0)
		return xstrdup("DMARC record removed");
	if (after->n > 1)
		return xasprintf("DMARC record replaced by %zu records, which "
		    "receivers ignore", after->n);
	if (plan_dmarc_pol_read(after->v[0], after->len[0], &a) == -1)
		return xstrdup("DMARC record replaced by one receivers ignore");

	for (p = 0; p < NPOL; p++) {
		if (strength(a.kw[p], a.testing) >=
		    strength(b.kw[p], b.testing))
			continue;
		/* An inherited policy that is inherited on both sides weakens
		 * exactly when the one it comes from does: said once. */
		if (p != POL_P && !b.written[p] && !a.written[p])
			continue;
		clause(&out);
		buf_addf(&out, "%s ", pol_labels[p]);
		dmarc_pol_describe(&b, p, &out);
		buf_adds(&out, " -> ");
		dmarc_pol_describe(&a, p, &out);
	}
	/* Older receivers apply the policy to pct% of failing mail and the
	 * next lower one to the rest (RFC 7489 §6.3). */
	if (strength(a.kw[POL_P], a.testing) ==
	    strength(b.kw[POL_P], b.testing) && a.kw[POL_P] != 0 &&
	    a.pct < b.pct) {
		clause(&out);
		buf_addf(&out, "pct=%d -> pct=%d with p=%s", b.pct, a.pct,
		    kw_name(a.kw[POL_P]));
	}
	return out.len > 0 ? buf_detach(&out) : NULL;
}

/* --- SPF --- */

#define SPF_UNKNOWN	-1	/* redirect= without all: another record's */

/* -all 3 > ~all 2 > ?all 1 > no all or +all 0 */
static int
spf_strength(const char *text, char *q)
{
	*q = '\0';
	if (spf_all_qualifier(text, q))
		return *q == '-' ? 3 : *q == '~' ? 2 : *q == '?' ? 1 : 0;
	return spf_has_redirect(text) ? SPF_UNKNOWN : 0;
}

/* 1 when receivers can evaluate the len bytes of text: no syntax error
 * (permerror), a NUL included. */
static int
spf_usable(const char *text, size_t len)
{
	struct diags	 d = DIAGS_INIT;
	int		 ok;

	spf_check_bytes(text, len, NULL, SPF_CHECK_SYNTAX, &d);
	ok = d.nerrors == 0;
	diags_release(&d);
	return ok;
}

static void
spf_all_describe(char q, struct buf *out)
{
	if (q == '\0')
		buf_adds(out, "no all");
	else
		buf_addf(out, "%call", q);
}

static char *
spf_weakens(const struct owned *before, const struct owned *after)
{
	struct buf	 out = BUF_INIT;
	size_t		 i, nread = 0;
	int		 b = SPF_UNKNOWN, s, a;
	char		 bq = '\0', q, aq;

	for (i = 0; i < before->n; i++) {
		if (!spf_usable(before->v[i], before->len[i]))
			continue;
		nread++;
		if ((s = spf_strength(before->v[i], &q)) > b) {
			b = s;
			bq = q;
		}
	}
	if (nread == 0)
		return NULL;
	if (after->n == 0)
		return xstrdup("SPF record removed");
	if (after->n > 1)
		return xasprintf("SPF record replaced by %zu records, for "
		    "which receivers return permerror", after->n);
	if (!spf_usable(after->v[0], after->len[0]))
		return xstrdup("SPF record replaced by one with a syntax "
		    "error, for which receivers return permerror");
	a = spf_strength(after->v[0], &aq);
	if (b == SPF_UNKNOWN || a == SPF_UNKNOWN || a >= b)
		return NULL;
	buf_adds(&out, "SPF all ");
	spf_all_describe(bq, &out);
	buf_adds(&out, " -> ");
	spf_all_describe(aq, &out);
	return buf_detach(&out);
}

char *
plan_change_weakens(const struct plan_change *c)
{
	struct owned	 before, after;
	char		*why = NULL;

	/* Nothing live to weaken, or nothing changes.  Only DMARC and SPF
	 * records protect: DKIM keys, report authorizations, TLS-RPT and the
	 * null MX of a parked domain do not (un-parking weakens the domain's
	 * SPF and DMARC records, which are judged). */
	if ((c->kind != RECORD_DMARC && c->kind != RECORD_SPF) ||
	    c->op == PLAN_NONE || c->op == PLAN_CREATE)
		return NULL;
	plan_owned_collect(c->kind, &c->before, &before);
	/* Two or more live records make receivers ignore them all (SPF
	 * permerror, RFC 7208 §4.5; DMARC, RFC 9989): there is no live
	 * protection to weaken. */
	if (before.n > 1) {
		plan_owned_release(&before);
		return NULL;
	}
	memset(&after, 0, sizeof(after));
	if (c->op == PLAN_UPDATE)	/* a DELETE leaves nothing */
		plan_owned_collect(c->kind, &c->after, &after);
	if (c->kind == RECORD_DMARC)
		why = dmarc_weakens(&before, &after);
	else
		why = spf_weakens(&before, &after);
	plan_owned_release(&before);
	plan_owned_release(&after);
	return why;
}
