/*
 * diff.c - desired vs live -> plan.
 *
 * For each managed name the new record set is the live one with only the
 * owned value replaced: values mailauth does not own keep their bytes and
 * their order, the owned value keeps its position, and a live value that
 * means the same as the desired one is kept as it is written.  At a DKIM
 * selector named in the config, mailauth also owns the CNAME, so moving a
 * selector between TXT and CNAME is one change: the DELETE of the old set
 * and the CREATE of the new, in one batch.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "mailauth/replay.h"

/* What Route 53 holds at one name, sorted by what mailauth may do. */
struct at_name {
	const struct rrset	*txt;
	const struct rrset	*cname;
};

/*
 * Reports what is wrong with a live value mailauth owns.  Only as warnings:
 * the plan replaces a broken record, so its faults must not stop the plan.
 */
static void
check_live(enum record_kind kind, const struct buf *text, const char *where,
    struct diags *d)
{
	struct diags	 found = DIAGS_INIT;
	size_t		 i;

	/* To its length: an escaped NUL ("\000") does not end the record. */
	record_kind_check(kind, buf_str(text), text->len, where, &found);
	for (i = 0; i < found.n; i++)
		diags_add(d, DIAG_WARNING, NULL, 0, 0, "live record: %s",
		    found.v[i].msg);
	diags_release(&found);
}

/*
 * Finds the TXT and CNAME sets at the name.  Anything there that stops
 * mailauth from writing is an error in d: an alias, record sets with a
 * routing policy, or (except at a DKIM selector, whose CNAME mailauth owns)
 * a CNAME.
 */
static int
classify(const struct desired *want, const struct live *l, const char *display,
    struct at_name *at, struct diags *d)
{
	size_t			 i, ntxt = 0;

	memset(at, 0, sizeof(*at));
	for (i = 0; i < l->nsets; i++) {
		const struct rrset	*rs = &l->sets[i];

		if (strcmp(rs->type, "TXT") != 0 &&
		    strcmp(rs->type, "CNAME") != 0)
			continue;
		if (rs->alias_target != NULL) {
			diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: the %s record "
			    "is an alias to '%s'; mailauth does not replace "
			    "aliases", display, rs->type, rs->alias_target);
			return -1;
		}
		if (strcmp(rs->type, "CNAME") == 0)
			at->cname = rs;
		else {
			at->txt = rs;
			ntxt++;
		}
	}
	if (ntxt > 1) {
		diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: %zu TXT record sets "
		    "with routing policies; mailauth manages only simple "
		    "record sets", display, ntxt);
		return -1;
	}
	if (at->cname != NULL && want->kind != RECORD_DKIM) {
		diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: is a CNAME to '%s'; "
		    "a TXT record cannot be added beside it, and mailauth does "
		    "not remove records it does not own: delete the CNAME or "
		    "drop %s from the config", display,
		    at->cname->nvalues > 0 ? at->cname->values[0] : "?",
		    record_kind_name(want->kind));
		return -1;
	}
	return 0;
}

/*
 * The live TXT set with the owned value replaced by value (encoded), or
 * removed when value is NULL, into after.  Returns the number of owned
 * values found; *kept is set when an equivalent live value was kept.
 */
static size_t
merge_txt(const struct desired *want, const struct rrset *live,
    const char *value, const char *display, struct rrset *after, int *kept,
    struct diags *d)
{
	struct buf		 text = BUF_INIT;
	size_t			 i, owned = 0;

	*kept = 0;
	for (i = 0; i < live->nvalues; i++) {
		buf_reset(&text);
		if (txt_decode(live->values[i], &text, NULL) == -1 ||
		    !record_kind_owns(want->kind, buf_str(&text))) {
			rrset_value_add(after, live->values[i]);
			continue;
		}
		if (owned++ > 0 || value == NULL)
			continue;
		/* What mailauth itself wrote is not linted again daily. */
		if (!plan_text_is_own(want, buf_str(&text), text.len))
			check_live(want->kind, &text, display, d);
		if (record_kind_equivalent(want->kind, buf_str(&text),
		    text.len, want->text)) {
			rrset_value_add(after, live->values[i]);
			*kept = strcmp(buf_str(&text), want->text) != 0;
		} else
			rrset_value_add(after, value);
	}
	if (owned == 0 && value != NULL)
		rrset_value_add(after, value);
	buf_release(&text);
	return owned;
}

/* Sets c->op from before and after. */
static void
settle(struct plan_change *c)
{
	if (c->before.name == NULL)
		c->op = c->after.name == NULL ? PLAN_NONE : PLAN_CREATE;
	else if (c->after.name == NULL || c->after.nvalues == 0) {
		rrset_release(&c->after);
		c->op = PLAN_DELETE;
	} else
		c->op = rrset_equal(&c->before, &c->after) ? PLAN_NONE :
		    PLAN_UPDATE;
}

static int
want_txt(const struct desired *want, const struct at_name *at,
    const char *display, struct plan_change *c, struct diags *d)
{
	struct buf		 value = BUF_INIT;
	size_t			 owned;
	int			 kept;

	record_kind_encode(want->kind, want->text, &value);
	rrset_init(&c->after, want->name, "TXT", want->ttl);
	if (at->cname != NULL) {
		/* A selector moving from CNAME to TXT. */
		rrset_copy(&c->before, at->cname);
		rrset_value_add(&c->after, buf_str(&value));
		c->note = xstrdup("the selector's CNAME is replaced by its "
		    "key record, in one batch");
	} else if (at->txt == NULL)
		rrset_value_add(&c->after, buf_str(&value));
	else {
		rrset_copy(&c->before, at->txt);
		owned = merge_txt(want, at->txt, buf_str(&value), display,
		    &c->after, &kept, d);
		/* The TTL belongs to the whole set: where other values share
		 * it, it is theirs as much as ours and stays as it is. */
		if (at->txt->nvalues > owned)
			c->after.ttl = at->txt->ttl;
		if (owned > 1) {
			/* The registry's own warning is plan_registry_settle()'s. */
			if (want->kind != RECORD_REGISTRY)
				diags_add(d, DIAG_WARNING, NULL, 0, 0, "%s: %zu "
				    "%s records are published; receivers then "
				    "ignore them all, so mailauth replaces them "
				    "with one", display, owned,
				    record_kind_name(want->kind));
			c->note = xasprintf("%zu %s records replaced by one",
			    owned, record_kind_name(want->kind));
		} else if (kept)
			c->note = xasprintf("the live %s record is equivalent "
			    "(it differs only in spacing, case, order or "
			    "string splitting) and is left as it is",
			    record_kind_name(want->kind));
	}
	buf_release(&value);
	return 0;
}

static int
want_cname(const struct desired *want, const struct at_name *at,
    const char *display, struct plan_change *c, struct diags *d)
{
	struct rrset		 rest;
	char			*target;
	int			 kept;

	rrset_init(&c->after, want->name, "CNAME", want->ttl);
	rrset_value_add(&c->after, want->text);
	if (at->txt != NULL) {
		/* A selector moving from TXT to CNAME: Route 53 allows
		 * nothing beside a CNAME, so the whole TXT set must go. */
		memset(&rest, 0, sizeof(rest));
		rrset_init(&rest, want->name, "TXT", at->txt->ttl);
		merge_txt(want, at->txt, NULL, display, &rest, &kept, d);
		if (rest.nvalues > 0) {
			diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: the TXT "
			    "record set holds %zu value%s that %s not a DKIM "
			    "key record; a CNAME cannot stand beside them, and "
			    "mailauth does not delete what it does not own",
			    display, rest.nvalues, rest.nvalues == 1 ? "" : "s",
			    rest.nvalues == 1 ? "is" : "are");
			rrset_release(&rest);
			return -1;
		}
		rrset_release(&rest);
		rrset_copy(&c->before, at->txt);
		c->note = xstrdup("the selector's key record is replaced by "
		    "its CNAME, in one batch");
		return 0;
	}
	if (at->cname == NULL)
		return 0;
	rrset_copy(&c->before, at->cname);
	/* CNAME targets are the same name with or without the final dot. */
	target = at->cname->nvalues == 1 ?
	    dns_name_canon(at->cname->values[0], NULL) : NULL;
	if (target != NULL && strcmp(target, want->text) == 0) {
		free(c->after.values[0]);
		c->after.values[0] = xstrdup(at->cname->values[0]);
	}
	free(target);
	return 0;
}

static int
want_absent(const struct desired *want, const struct at_name *at,
    const char *display, struct plan_change *c, struct diags *d)
{
	int	 kept;

	if (at->cname != NULL) {
		rrset_copy(&c->before, at->cname);
		return 0;
	}
	if (at->txt == NULL)
		return 0;
	rrset_copy(&c->before, at->txt);
	rrset_init(&c->after, at->txt->name, "TXT", at->txt->ttl);
	if (merge_txt(want, at->txt, NULL, display, &c->after, &kept, d) == 0) {
		/* Nothing of ours there: leave the set alone. */
		rrset_release(&c->after);
		rrset_copy(&c->after, at->txt);
	}
	return 0;
}

/* Most foreign MX values a refusal names. */
#define MX_SHOWN	5

/*
 * A null MX (RFC 7505) may only stand alone, and mailauth deletes no MX
 * record it does not own: an MX set that holds anything but the null MX
 * stops the plan, naming what it holds.
 */
static int
null_mx_refuse(const struct rrset *mx, const char *display, struct diags *d)
{
	struct buf	 held = BUF_INIT;
	size_t		 i, n = 0;

	for (i = 0; i < mx->nvalues; i++) {
		if (strcmp(mx->values[i], PARKED_NULL_MX) == 0)
			continue;
		if (n++ < MX_SHOWN)
			buf_addf(&held, "%s'%s'", n > 1 ? ", " : "",
			    mx->values[i]);
	}
	if (n == 0) {
		buf_release(&held);
		return 0;
	}
	if (n > MX_SHOWN)
		buf_addf(&held, " and %zu more", n - MX_SHOWN);
	diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: the MX record set holds %s; "
	    "a parked domain publishes the null MX \"" PARKED_NULL_MX "\", "
	    "which must be its only MX record (RFC 7505), and mailauth does "
	    "not delete what it does not own: delete those MX records or "
	    "drop parked from the config", display, buf_str(&held));
	buf_release(&held);
	return -1;
}

/*
 * The MX set at an SES MAIL FROM domain: mailauth owns the whole set (a
 * MAIL FROM domain receives only SES's bounces), so it becomes the one
 * value wanted.  A live value that is the same host (any case, with or
 * without the final dot) is kept as written.  At a parked domain's apex
 * the set is mailauth's only when it holds nothing but the null MX.
 */
static int
want_mx(const struct desired *want, const struct live *l, const char *display,
    struct plan_change *c, struct diags *d)
{
	const struct rrset	*mx = NULL;
	size_t			 i, nmx = 0;

	for (i = 0; i < l->nsets; i++) {
		if (strcmp(l->sets[i].type, "MX") != 0)
			continue;
		if (l->sets[i].alias_target != NULL) {
			diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: the MX record "
			    "is an alias to '%s'; mailauth does not replace "
			    "aliases", display, l->sets[i].alias_target);
			return -1;
		}
		mx = &l->sets[i];
		nmx++;
	}
	if (nmx > 1) {
		diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: %zu MX record sets "
		    "with routing policies; mailauth manages only simple "
		    "record sets", display, nmx);
		return -1;
	}
	if (want->kind == RECORD_NULL_MX && mx != NULL &&
	    null_mx_refuse(mx, display, d) == -1)
		return -1;
	rrset_init(&c->after, want->name, "MX", want->ttl);
	if (mx == NULL) {
		rrset_value_add(&c->after, want->text);
		return 0;
	}
	rrset_copy(&c->before, mx);
	if (mx->nvalues == 1 && strcasecmp(mx->values[0], want->text) == 0)
		rrset_value_add(&c->after, mx->values[0]);
	else if (mx->nvalues == 1 && strlen(mx->values[0]) ==
	    strlen(want->text) + 1 && strncasecmp(mx->values[0], want->text,
	    strlen(want->text)) == 0 && mx->values[0][strlen(want->text)] == '.')
		rrset_value_add(&c->after, mx->values[0]);
	else {
		rrset_value_add(&c->after, want->text);
		if (mx->nvalues > 0)
			c->note = xstrdup("the MAIL FROM domain's MX set is "
			    "mailauth's: it holds only SES's feedback host");
	}
	return 0;
}

/* A MAIL FROM domain or a null MX mailauth no longer has: the MX set of
 * a MAIL FROM domain is all mailauth's and is deleted; a null MX only
 * when the set is the null MX alone. */
static int
absent_mx(const struct desired *want, const struct live *l,
    struct plan_change *c)
{
	size_t	 i;

	for (i = 0; i < l->nsets; i++) {
		const struct rrset	*mx = &l->sets[i];

		if (strcmp(mx->type, "MX") != 0)
			continue;
		if (want->kind == RECORD_NULL_MX && (mx->nvalues != 1 ||
		    strcmp(mx->values[0], PARKED_NULL_MX) != 0))
			break;
		rrset_copy(&c->before, mx);
		break;
	}
	return 0;
}

/*
 * A name left alone (DMARC before its rollout starts): the live TXT set,
 * shown as it is, when it is one plain set; nothing is judged, since
 * nothing is written.
 */
static void
want_leave(const struct live *l, struct plan_change *c)
{
	const struct rrset	*txt = NULL;
	size_t			 i, ntxt = 0;

	for (i = 0; i < l->nsets; i++)
		if (strcmp(l->sets[i].type, "TXT") == 0) {
			txt = &l->sets[i];
			ntxt++;
		}
	if (ntxt != 1 || txt->alias_target != NULL || txt->nvalues == 0)
		return;
	rrset_copy(&c->before, txt);
	rrset_copy(&c->after, txt);
}

/* Fills c from one live name; returns -1 when d received an error. */
static int
diff_one(const struct desired *want, const struct live *l,
    struct plan_change *c, struct diags *d)
{
	struct at_name		 at;
	char			*display = dns_name_display(want->name);
	int			 rc = -1;

	c->kind = want->kind;
	c->domain = xstrdup(want->domain->name);
	if (want->stage != NULL) {
		c->stage = xmalloc(sizeof(*c->stage));
		*c->stage = *want->stage;
	}
	if (want->leave) {
		want_leave(l, c);
		settle(c);
		rc = 0;
		goto out;
	}
	if (plan_routing_check(want, l, d) == -1 ||
	    classify(want, l, display, &at, d) == -1)
		goto out;
	if (record_kind_writes_mx(want->kind))
		rc = want->absent ? absent_mx(want, l, c) :
		    want_mx(want, l, display, c, d);
	else if (want->absent)
		rc = want_absent(want, &at, display, c, d);
	else if (strcmp(want->type, "CNAME") == 0)
		rc = want_cname(want, &at, display, c, d);
	else
		rc = want_txt(want, &at, display, c, d);
	if (rc == 0)
		settle(c);
out:
	free(display);
	return rc;
}

/* A change for a stale token: deleted, or shown kept. */
static void
diff_stale(const struct plan_stale *st, struct plan_change *c)
{
	c->kind = RECORD_DKIM;
	c->domain = xstrdup(st->below->domain->name);
	rrset_copy(&c->before, st->set);
	if (st->remove)
		c->op = PLAN_DELETE;
	else {
		c->op = PLAN_NONE;
		rrset_copy(&c->after, st->set);
	}
	c->note = xstrdup(st->note);
}

int
plan_diff(const struct desired *v, size_t n, const struct live_state *ls,
    const struct plan_stale *stale, size_t nstale, struct plan *p,
    struct diags *d)
{
	struct plan_change	*c;
	size_t			 i;
	int			 rc = 0;

	memset(p, 0, sizeof(*p));
	/* The zones first, all of them, so that changes can point at them. */
	if (ls->nzones > 0)
		p->zones = xcalloc(ls->nzones, sizeof(*p->zones));
	for (i = 0; i < ls->nzones; i++) {
		p->zones[i].id = xstrdup(ls->zones[i].id);
		p->zones[i].name = xstrdup(ls->zones[i].name);
	}
	p->nzones = ls->nzones;
	for (i = 0; i < ls->nlives && i < n; i++) {
		c = xappend(&p->changes, &p->nchanges, sizeof(*p->changes));
		c->zone = &p->zones[ls->lives[i].zone - ls->zones];
		if (diff_one(&v[i], &ls->lives[i], c, d) == -1) {
			rc = -1;
			c->op = PLAN_NONE;
		}
	}
	for (i = 0; i < nstale; i++) {
		c = xappend(&p->changes, &p->nchanges, sizeof(*p->changes));
		c->zone = &p->zones[stale[i].below->zone - ls->zones];
		diff_stale(&stale[i], c);
	}
	plan_count(p);
	return rc;
}

void
plan_diff_removals(const struct plan_removal *rm, size_t nrm,
    const struct live_state *ls, struct plan *p, struct diags *d)
{
	struct plan_change	*c;
	size_t			 i;

	for (i = 0; i < nrm; i++) {
		c = xappend(&p->changes, &p->nchanges, sizeof(*p->changes));
		c->zone = &p->zones[rm[i].live.zone - ls->zones];
		/* plan_registry_settle() kept only what diff_one() takes
		 * without an error. */
		if (diff_one(&rm[i].want, &rm[i].live, c, d) == -1 ||
		    c->op == PLAN_NONE) {
			rrset_release(&c->before);
			rrset_release(&c->after);
			free(c->note);
			free(c->domain);
			free(c->stage);
			memset(c, 0, sizeof(*c));
			p->nchanges--;
			continue;
		}
		free(c->note);
		c->note = xstrdup(rm[i].note);
	}
	plan_count(p);
}

void
plan_count(struct plan *p)
{
	size_t	 i;

	p->nadd = p->nchange = p->ndestroy = 0;
	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change	*c = &p->changes[i];

		switch (c->op) {
		case PLAN_CREATE:
			p->nadd++;
			break;
		case PLAN_UPDATE:
			p->nchange++;
			break;
		case PLAN_DELETE:
			p->ndestroy++;
			break;
		case PLAN_NONE:
			break;
		}
	}
}

const char *
plan_change_name(const struct plan_change *c)
{
	return c->before.name != NULL ? c->before.name : c->after.name;
}

int
plan_has_changes(const struct plan *p)
{
	return p->nadd + p->nchange + p->ndestroy > 0;
}

void
plan_release(struct plan *p)
{
	size_t	 i;

	for (i = 0; i < p->nchanges; i++) {
		rrset_release(&p->changes[i].before);
		rrset_release(&p->changes[i].after);
		free(p->changes[i].note);
		free(p->changes[i].domain);
		free(p->changes[i].stage);
		plan_replay_free(p->changes[i].replay);
	}
	for (i = 0; i < p->nzones; i++) {
		free(p->zones[i].id);
		free(p->zones[i].name);
		free(p->zones[i].account);
	}
	free(p->zones);
	free(p->changes);
	plan_review_release(p);
	memset(p, 0, sizeof(*p));
}
