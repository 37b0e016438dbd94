/*
 * verify.c - one domain's records as receivers see them, against its
 * desired records: SPF, DKIM, DMARC, the SES MAIL FROM MX, and the
 * public delegation of a hosted zone.  The comparison is plan's
 * (record_kind_owns(), record_kind_equivalent()); spf.c counts the SPF
 * include tree, reportauth.c checks the report authorization records.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/desired.h"
#include "mailauth/diag.h"
#include "mailauth/dkim.h"
#include "mailauth/dns.h"
#include "mailauth/resolve.h"
#include "mailauth/verify.h"
#include "internal.h"

/* --- findings --- */

void
verify_add(struct verify_report *rep, const char *name, const char *check,
    int unchecked, const char *fmt, ...)
{
	struct verify_finding	*f = xappend(&rep->v, &rep->n,
				    sizeof(*rep->v));
	struct buf		 b = BUF_INIT;
	va_list			 ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	f->name = xstrdup(name);
	f->check = xstrdup(check);
	f->message = buf_detach(&b);
	f->unchecked = unchecked;
	if (unchecked)
		rep->nunchecked++;
	else
		rep->nfindings++;
}

void
verify_report_release(struct verify_report *rep)
{
	size_t	 i;

	for (i = 0; i < rep->n; i++) {
		free(rep->v[i].name);
		free(rep->v[i].check);
		free(rep->v[i].message);
	}
	free(rep->v);
	free(rep->domain);
	memset(rep, 0, sizeof(*rep));
}

char *
verify_shown(const char *s, size_t len)
{
	struct buf	 b = BUF_INIT;

	buf_add_printable(&b, s, len, SHOWN_MAX);
	return buf_detach(&b);
}

char *
verify_shown_msg(const char *msg)
{
	struct buf	 b = BUF_INIT;

	buf_add_printable_msg(&b, msg, strlen(msg), SHOWN_MAX);
	return buf_detach(&b);
}

char *
verify_display(const char *canon)
{
	char	*d = dns_name_display(canon), *s;

	s = verify_shown(d, strlen(d));
	free(d);
	return s;
}

int
verify_answered(const struct resolve_answer *a)
{
	return a->status == RESOLVE_OK || a->status == RESOLVE_NODATA ||
	    a->status == RESOLVE_NXDOMAIN;
}

void
verify_unchecked(struct verify_report *rep, const struct resolve_answer *a,
    const char *what)
{
	char	*name = verify_display(a->name);
	char	*why = a->why != NULL ? verify_shown(a->why, strlen(a->why)) :
		    xstrdup(resolve_status_name(a->status));

	verify_add(rep, name, VERIFY_UNCHECKED, 1, "could not check %s at "
	    "'%s': %s", what, name, why);
	free(name);
	free(why);
}

/* --- TXT records: SPF, DMARC, DKIM, TLS-RPT, MTA-STS, BIMI --- */

/* The check ids of a kind, "spf" for "spf-missing". */
static const char *
prefix(enum record_kind k)
{
	switch (k) {
	case RECORD_SPF:
		return "spf";
	case RECORD_DMARC:
		return "dmarc";
	case RECORD_DKIM:
		return "dkim";
	case RECORD_TLSRPT:
		return "tls-rpt";
	case RECORD_MTA_STS:
		return "mta-sts";
	case RECORD_BIMI:
		return "bimi";
	default:
		return "record";
	}
}

/* The answer's records that kind owns; those holding a NUL byte count
 * (they are no record receivers accept, but they are there). */
static size_t
owned(const struct resolve_answer *a, enum record_kind k, size_t *first)
{
	size_t	 i, n = 0;

	for (i = 0; i < a->nrrs; i++)
		if (record_kind_owns(k, a->rrs[i].data)) {
			if (n++ == 0)
				*first = i;
		}
	return n;
}

/* What the config wants, for messages: the record, and the DMARC stage. */
static void
wanted(const struct desired *w, struct buf *b)
{
	char	*t = verify_shown(w->text, strlen(w->text));

	if (w->stage != NULL && w->stage->number > 0)
		buf_addf(b, "the config's stage %d of %d (since %s) is '%s'",
		    w->stage->number, w->stage->count, w->stage->from, t);
	else
		buf_addf(b, "the config says '%s'", t);
	free(t);
}

/*
 * One owned record published at w's name (answer a, at the end of any
 * CNAME chain) and equivalent to w's text; findings otherwise.  Returns
 * the index of the record when there is exactly one, else -1.
 */
static long
check_one(struct verify_report *rep, const struct desired *w,
    const struct resolve_answer *a, const char *name)
{
	const char	*p = prefix(w->kind);
	const char	*kind = record_kind_name(w->kind);
	struct buf	 want = BUF_INIT;
	size_t		 n, i = 0;
	char		*live, check[32];
	long		 rc = -1;

	n = owned(a, w->kind, &i);
	wanted(w, &want);
	if (n == 0) {
		snprintf(check, sizeof(check), "%s-missing", p);
		verify_add(rep, name, check, 0, "no %s record is published at "
		    "'%s'; %s", kind, name, buf_str(&want));
	} else if (n > 1) {
		snprintf(check, sizeof(check), "%s-multiple", p);
		verify_add(rep, name, check, 0, "%zu %s records are published "
		    "at '%s'; receivers then ignore them all", n, kind, name);
	} else if (memchr(a->rrs[i].data, '\0', a->rrs[i].len) != NULL ||
	    !record_kind_equivalent(w->kind, a->rrs[i].data, a->rrs[i].len,
	    w->text)) {
		snprintf(check, sizeof(check), "%s-mismatch", p);
		live = verify_shown(a->rrs[i].data, a->rrs[i].len);
		verify_add(rep, name, check, 0, "'%s' publishes '%s'; %s",
		    name, live, buf_str(&want));
		free(live);
		rc = (long)i;
	} else
		rc = (long)i;
	buf_release(&want);
	return rc;
}

char *
verify_first_error(void (*check)(const char *, const char *, struct diags *),
    const char *text, size_t len)
{
	struct diags	 d = DIAGS_INIT;
	char		*e = NULL;
	size_t		 i;

	if (memchr(text, '\0', len) != NULL)
		return xstrdup("the record holds a NUL byte");
	check(text, "record", &d);
	for (i = 0; i < d.n && e == NULL; i++)
		if (d.v[i].level == DIAG_ERROR)
			e = verify_shown_msg(d.v[i].msg);
	/* Errors past the kept diagnostics are counted only. */
	if (e == NULL && d.nerrors > 0)
		e = xstrdup("it does not parse");
	diags_release(&d);
	return e;
}

static void
check_dkim_absent(struct verify_report *rep, const struct resolve_answer *a,
    const char *name)
{
	size_t	 i = 0;
	char	*t;

	if (a->cname != NULL) {
		t = verify_display(a->cname);
		verify_add(rep, name, "dkim-absent", 0, "selector '%s' is "
		    "marked absent but is a CNAME to '%s'", name, t);
		free(t);
	} else if (owned(a, RECORD_DKIM, &i) > 0)
		verify_add(rep, name, "dkim-absent", 0, "selector '%s' is "
		    "marked absent but still publishes a DKIM key record; "
		    "verifiers still accept signatures made with its key",
		    name);
}

static void
check_dkim_cname(struct verify_report *rep, const struct desired *w,
    const struct resolve_answer *a, const char *name)
{
	char	*want = verify_display(w->text), *got, *target, *e;
	size_t	 n, i = 0;

	if (a->cname == NULL) {
		verify_add(rep, name, "dkim-cname", 0, "'%s' is not a CNAME; "
		    "the config wants a CNAME to '%s'", name, want);
		goto out;
	}
	if (strcmp(a->cname, w->text) != 0) {
		got = verify_display(a->cname);
		verify_add(rep, name, "dkim-cname", 0, "'%s' is a CNAME to "
		    "'%s'; the config wants '%s'", name, got, want);
		free(got);
		goto out;
	}
	target = verify_display(a->target);
	n = a->status == RESOLVE_OK ? owned(a, RECORD_DKIM, &i) : 0;
	if (n == 0)
		verify_add(rep, name, "dkim-cname", 0, "'%s' is a CNAME to "
		    "'%s', where no DKIM key record is published: verifiers "
		    "fail every signature with this selector", name, target);
	else if (n > 1)
		verify_add(rep, name, "dkim-multiple", 0, "'%s' is a CNAME to "
		    "'%s', where %zu DKIM key records are published", name,
		    target, n);
	else if ((e = verify_first_error(dkim_check, a->rrs[i].data,
	    a->rrs[i].len)) != NULL) {
		verify_add(rep, name, "dkim-invalid", 0, "the DKIM key record "
		    "at '%s' (through the CNAME of '%s') does not parse: %s",
		    target, name, e);
		free(e);
	}
	free(target);
out:
	free(want);
}

static void
check_dkim(struct verify_report *rep, const struct desired *w,
    const struct resolve_answer *a, const char *name)
{
	if (w->absent)
		check_dkim_absent(rep, a, name);
	else if (w->type != NULL && strcmp(w->type, "CNAME") == 0)
		check_dkim_cname(rep, w, a, name);
	else
		check_one(rep, w, a, name);
}

/* --- the SES MAIL FROM MX --- */

static void
check_mx(struct verify_report *rep, const struct desired *w,
    const struct resolve_answer *a, const char *name)
{
	struct buf	 live = BUF_INIT;
	char		*host = NULL, *want;
	long		 pref;
	size_t		 i;
	int		 ok;

	/* The desired text is "PREF HOST". */
	pref = strtol(w->text, &host, 10);
	host = dns_name_canon(host + strspn(host, " "), NULL);
	ok = host != NULL && a->status == RESOLVE_OK && a->nrrs == 1 &&
	    a->rrs[0].pref == pref && strcmp(a->rrs[0].data, host) == 0;
	if (!ok) {
		for (i = 0; i < a->nrrs; i++)
			buf_addf(&live, "%s%d %s", i > 0 ? ", " : "",
			    a->rrs[i].pref, a->rrs[i].data);
		want = verify_shown(w->text, strlen(w->text));
		if (a->nrrs == 0)
			verify_add(rep, name, "mail-from-mx", 0, "no MX record "
			    "is published at the MAIL FROM domain '%s'; the "
			    "config wants '%s': SES bounces cannot come back",
			    name, want);
		else {
			char	*l = verify_shown(buf_str(&live), live.len);

			verify_add(rep, name, "mail-from-mx", 0, "the MAIL FROM "
			    "domain '%s' publishes MX '%s'; the config wants "
			    "'%s'", name, l, want);
			free(l);
		}
		free(want);
	}
	free(host);
	buf_release(&live);
}

/* --- one domain --- */

static int
asks(const struct desired *w, const struct cfg_domain *dom)
{
	if (w->domain != dom || w->leave || w->name == NULL)
		return 0;
	switch (w->kind) {
	case RECORD_SPF:
	case RECORD_DMARC:
	case RECORD_DKIM:
		return w->absent || w->text != NULL;
	case RECORD_MAIL_FROM:
	case RECORD_TLSRPT:
	case RECORD_MTA_STS:
	case RECORD_BIMI:
		return w->text != NULL;
	default:
		/* A record another kind's check covers (the report
		 * authorization records: reportauth.c, from the DMARC
		 * record that needs them), or the null MX of a parked
		 * domain, which is not checked yet. */
		return 0;
	}
}

static void
judge(struct verify_report *rep, const struct desired *w,
    const struct resolve_answer *a, struct resolve *r)
{
	char	*name = verify_display(w->name);
	long	 i;

	if (!verify_answered(a)) {
		verify_unchecked(rep, a, w->kind == RECORD_MAIL_FROM ?
		    "the MX record" : "the TXT record");
		goto out;
	}
	switch (w->kind) {
	case RECORD_DKIM:
		check_dkim(rep, w, a, name);
		break;
	case RECORD_MAIL_FROM:
		check_mx(rep, w, a, name);
		break;
	case RECORD_SPF:
		i = check_one(rep, w, a, name);
		if (i >= 0)
			verify_spf_tree(r, a->target, a->rrs[i].data,
			    a->rrs[i].len, rep);
		break;
	default:
		check_one(rep, w, a, name);
		break;
	}
out:
	free(name);
}

void
verify_domain(struct resolve *r, const struct cfg_domain *dom,
    const struct desired *v, size_t n, struct verify_report *out)
{
	struct resolve_answer	*ans = xcalloc(n + 1, sizeof(*ans));
	size_t			 i;

	out->domain = xstrdup(dom->name);
	resolve_budget_reset(r, 0);
	for (i = 0; i < n; i++)
		if (asks(&v[i], dom))
			resolve_query(r, v[i].name, v[i].kind ==
			    RECORD_MAIL_FROM ? RESOLVE_MX : RESOLVE_TXT,
			    &ans[i]);
	resolve_wait(r);
	for (i = 0; i < n; i++)
		if (asks(&v[i], dom)) {
			judge(out, &v[i], &ans[i], r);
			resolve_answer_release(&ans[i]);
		}
	free(ans);
	for (i = 0; i < n; i++)
		if (v[i].domain == dom && v[i].kind == RECORD_DMARC &&
		    !v[i].leave && !v[i].absent && v[i].text != NULL)
			verify_report_auths(r, &v[i], out);
	out->queries = (size_t)(RESOLVE_BUDGET_DEFAULT -
	    resolve_budget_left(r));
}

/* --- delegation --- */

static int
in_set(const char *name, char *const *set, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(name, set[i]) == 0)
			return 1;
	return 0;
}

static void
names(struct buf *b, char *const *v, size_t n)
{
	struct buf	 all = BUF_INIT;
	size_t		 i;
	char		*d;

	for (i = 0; i < n; i++) {
		d = dns_name_display(v[i]);
		buf_addf(&all, "%s%s", i > 0 ? ", " : "", d);
		free(d);
	}
	buf_add_printable(b, buf_str(&all), all.len, SHOWN_MAX);
	buf_release(&all);
}

void
verify_delegation(struct resolve *sys, const char *zone, char *const *ns,
    size_t nns, struct verify_report *out)
{
	struct resolve_answer	 a;
	struct buf		 pub = BUF_INIT, own = BUF_INIT;
	char			**live = NULL, *name;
	size_t			 i, same = 1;

	resolve_query(sys, zone, RESOLVE_NS, &a);
	resolve_wait(sys);
	name = verify_display(a.name);
	if (!verify_answered(&a)) {
		verify_unchecked(out, &a, "the NS records");
		goto out;
	}
	live = xcalloc(a.nrrs + 1, sizeof(*live));
	for (i = 0; i < a.nrrs; i++)
		live[i] = a.rrs[i].data;
	same = a.nrrs == nns;
	for (i = 0; same && i < nns; i++)
		same = in_set(ns[i], live, a.nrrs);
	if (!same) {
		names(&pub, live, a.nrrs);
		names(&own, ns, nns);
		verify_add(out, name, "delegation", 0, "'%s' is not delegated "
		    "to this hosted zone: the public DNS names %s%s%s, the "
		    "hosted zone's name servers are '%s'", name,
		    a.nrrs > 0 ? "'" : "", a.nrrs > 0 ? buf_str(&pub) :
		    "no name server", a.nrrs > 0 ? "'" : "", buf_str(&own));
	}
out:
	free(live);
	free(name);
	buf_release(&pub);
	buf_release(&own);
	resolve_answer_release(&a);
}
