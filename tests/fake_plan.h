/*
 * fake_plan.h - a plan built by hand for the tests of the saved plan
 * (check_plan_json.c) and of the Markdown (check_plan_markdown.c): every
 * kind of change across two zones, with the fields for review.
 */
#ifndef MAILAUTH_FAKE_PLAN_H
#define MAILAUTH_FAKE_PLAN_H

#include <stddef.h>

#include "mailauth/dmarc.h"
#include "mailauth/plan.h"

struct buf;

#define SHA		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define TOKEN_NOTE	"a stale Easy DKIM token, kept: ses.prune_stale_tokens " \
			"is not set"
#define SPF_NOTE	"the live SPF record is equivalent (it differs only in " \
			"spacing, case, order or string splitting) and is left " \
			"as it is"
#define GATE_HELD	"held: no reports given: 'example.com' stays at stage 1 " \
			"of 5 (stage 2 was due on 2027-01-05); give --reports " \
			"SOURCE to check the gate, or --ignore-gate to take the " \
			"stage on its date alone"
#define WARN_LIVE	"warning: live record: _dmarc.example.com: 'ri=3600': " \
			"ri is not part of DMARC since RFC 9989"
#define NOTE_OLD	"'old._domainkey.example.com' looks like a DKIM " \
			"selector but is not in the config; mailauth leaves it " \
			"alone (remove it by hand or declare it with state: absent)"

/* A change appended to p in zone zone (an index of p->zones). */
struct plan_change *fx_change(struct plan *p, size_t zone, enum plan_op op,
	    enum record_kind kind, const char *domain, const char *note);
/* rs made with one or two values (v2 may be NULL). */
void	fx_set(struct rrset *rs, const char *name, const char *type, long ttl,
	    const char *v1, const char *v2);
/* p emptied, with n zones: Z1EXAMPLE example.com., Z2OTHER example.org. */
void	fx_zones(struct plan *p, size_t n);
struct plan_stage *fx_stage(int number, int count, const char *from,
	    enum dmarc_policy policy, int testing, int pct, int rollback,
	    const char *next);
/* What plan_review() adds: a gate per domain, warnings and a note. */
void	fx_review(struct plan *p);
/* The JSON of a version 5 plan as versions 4 (no replay), 3 (no fields
 * for review) or 2 (no routing) wrote it, appended to out. */
void	fx_downgrade(const char *json, int version, struct buf *out);
/* The plan: every kind of change across two zones, and fx_review(). */
void	fx_plan(struct plan *p);
void	fx_meta(struct plan_meta *m);
/* fx_plan() as JSON (free() it). */
char	*fx_json(void);
/* ck_assert_str_eq with a short message: the first line that differs. */
void	fx_assert_same_text(const char *got, const char *want);

#endif
