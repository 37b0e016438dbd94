/*
 * desired.h - config -> desired records: what each domain should publish
 * on one day, rendered and checked (src/desired/).  The first step of the
 * data path:
 *
 *   config --desired_build--> desired (this header)
 *          --live_read------> live records (mailauth/live.h)
 *          --plan_build-----> plan (mailauth/plan.h)
 *          --plan_batches---> change batches --plan_apply--> Route 53
 *                                               (mailauth/apply.h)
 *
 * Ownership of values: mailauth owns only the values it manages inside a
 * record set (at _dmarc.<domain>, the TXT value that is a DMARC record).
 * Every other value of the set is written back byte for byte, in its order.
 */
#ifndef MAILAUTH_DESIRED_H
#define MAILAUTH_DESIRED_H

#include <stddef.h>

#include "mailauth/config.h"
#include "mailauth/dns.h"

struct buf;
struct cfg;
struct cfg_domain;
struct diags;

/* --- rollout stages --- */

/*
 * Where a domain's DMARC rollout (dmarc.rollout) stands on the day a plan
 * is made: the stage whose record the plan publishes.  A plan carries a
 * copy, so that a saved plan shows the stage it was reviewed with.
 */
struct plan_stage {
	int			 number;	/* 1-based; 0 before the first */
	int			 count;		/* stages in the rollout, >= 1 */
	char			 from[11];	/* YYYY-MM-DD the stage began; ""
						 * when number is 0 */
	enum dmarc_policy	 policy;	/* UNSET when number is 0 */
	int			 testing;	/* t=y; pct=0 */
	int			 pct;		/* -1, or 0..100 without testing */
	int			 rollback;	/* weaker than the stage before */
	char			 next[11];	/* YYYY-MM-DD the next stage
						 * begins; "" after the last */
};

/* --- desired records (src/desired/desired.c) --- */

enum record_kind {
	RECORD_DMARC,		/* TXT at _dmarc.<domain> */
	RECORD_SPF,		/* TXT at <domain> */
	RECORD_DKIM,		/* TXT or CNAME at <selector>._domainkey.<domain> */
	RECORD_MAIL_FROM,	/* the MX set at an SES MAIL FROM domain */
	/* TXT at <domain>._report._dmarc.<report domain>, in the report
	 * domain's zone (RFC 9990 §4, mailauth/dmarc-report.h) */
	RECORD_REPORT_AUTH,
	/* posture: the null MX "0 ." (RFC 7505) at a parked domain's apex,
	 * whose MX set it owns only when it holds nothing else; TXT at
	 * _smtp._tls.<domain> (RFC 8460, mailauth/tlsrpt.h) */
	RECORD_NULL_MX,
	RECORD_TLSRPT,
	/* TXT at _mta-sts.<domain> (RFC 8461 §3.1, mailauth/mtasts.h) and
	 * at default._bimi.<domain> (mailauth/bimi.h) */
	RECORD_MTA_STS,
	RECORD_BIMI,
	/* TXT at _mailauth.<domain>: what mailauth owns there
	 * (mailauth/registry.h); made by the plan, not the config */
	RECORD_REGISTRY
};

/*
 * What mailauth wants at one name.  kind decides which live values it
 * owns there: the DMARC record among the TXT values at _dmarc, the SPF
 * record among the apex TXT values, at a report authorization name the
 * value that starts with "v=DMARC1", at _mta-sts and default._bimi the
 * value that starts with "v=STSv1" or "v=BIMI1", and at a DKIM selector named in the
 * config its key record and its CNAME (so a selector can move between
 * TXT and CNAME).  Every other value is someone else's.  domain is the
 * domain whose zone holds the name: for RECORD_REPORT_AUTH, the report
 * domain; key then names the DMARC record that sends reports there.
 */
struct desired {
	const struct cfg_domain	*domain;	/* borrowed from the config */
	enum record_kind	 kind;
	char			*key;		/* config key path, for messages */
	int			 line, col;	/* of that key */
	char			*name;		/* canonical */
	char			*type;		/* "TXT", "CNAME" or "MX"; NULL when
						 * absent */
	long			 ttl;
	char			*text;		/* TXT: the value, unquoted; CNAME: the
						 * target, canonical; NULL when absent */
	int			 absent;	/* state: absent: remove what is there */
	/* DMARC before its rollout's first stage: whatever is there is
	 * left as it is (type and text NULL). */
	int			 leave;
	struct plan_stage	*stage;		/* DMARC with a rollout; owned;
						 * else NULL */
	/* DMARC held back by the rollout gate (desired_build_gated()):
	 * stage is the one before the stage due by date. */
	int			 held;
};

/* The records of a parked domain (parked: true): apex SPF and null MX,
 * _dmarc, and TXT at *._domainkey (every selector revoked). */
#define PARKED_SPF	"v=spf1 -all"
#define PARKED_NULL_MX	"0 ."
#define PARKED_DMARC	"v=DMARC1; p=reject; sp=reject"
#define PARKED_DKIM	"v=DKIM1; p="

/*
 * Builds the desired records of every domain of cfg as they are on day
 * (days since 1970-01-01, see date_parse(); the caller decides what
 * today is): renders them, reads DKIM public keys, and checks every record
 * against its RFC.  A DMARC rollout publishes the stage active on day, and
 * the record of every stage is checked; before the first stage the DMARC
 * record is a "leave" desired with the stage number 0.  Problems go to d
 * located at the config key that produced them; returns -1 when any is an
 * error (nothing may then be planned).
 */
int	desired_build(const struct cfg *, long day, struct desired **,
	    size_t *, struct diags *);
struct gate_verdict;
/*
 * desired_build() with the rollout gate (mailauth/gate.h): gates, when
 * not NULL, holds a verdict per domain of cfg (parallel to cfg->domains);
 * a domain whose verdict is GATE_HOLD or GATE_NO_DATA publishes the stage
 * before the one due by date (verdict.current) and its desired DMARC
 * record has held set.  gate_settle() then heeds what is live.
 */
int	desired_build_gated(const struct cfg *, long day,
	    const struct gate_verdict *gates, struct desired **, size_t *,
	    struct diags *);
/* Where a rollout stands at its stage st (NULL: before the first), as a
 * desired record carries it (malloc'd). */
struct plan_stage *desired_stage(const struct cfg_rollout *,
	    const struct cfg_stage *st);
void	desired_release(struct desired *, size_t);
/* A deep copy of the n desired records of v (release with
 * desired_release()); the domains stay borrowed from the config. */
struct desired *desired_copy(const struct desired *v, size_t n);
const char *record_kind_name(enum record_kind);
/* Parses a record kind's name as record_kind_name() writes it; -1 when
 * unknown. */
int	record_kind_parse(const char *, enum record_kind *);
/* 1 for a kind whose records are an MX set (MAIL FROM, the null MX);
 * 0 for one of TXT or CNAME sets. */
int	record_kind_writes_mx(enum record_kind);
/* Appends every kind's name, in the table's order: "A, B or C". */
void	record_kind_names(struct buf *);
/* The kind's token in the ownership registry (mailauth/registry.h):
 * "dmarc", "spf", ...; NULL for a kind the registry does not list. */
const char *record_kind_token(enum record_kind);
/* The kind whose token is the len bytes at s; -1 when none is. */
int	record_kind_from_token(const char *s, size_t len, enum record_kind *);
/* 1 when the decoded TXT text is a value that kind owns. */
int	record_kind_owns(enum record_kind, const char *text);
/*
 * 1 when two texts of kind mean the same to a receiver: a, of alen bytes,
 * as decoded from a live TXT value (it may hold NUL bytes, which make it
 * differ), and b, the text mailauth writes.
 */
int	record_kind_equivalent(enum record_kind, const char *a, size_t alen,
	    const char *b);
/* Checks len bytes of record text of kind (a NUL among them is a byte of
 * the record, not its end), adding findings that start with where. */
void	record_kind_check(enum record_kind, const char *text, size_t len,
	    const char *where, struct diags *);
/* Appends text as one Route 53 TXT value, split as kind wants. */
void	record_kind_encode(enum record_kind, const char *text, struct buf *);

/* --- records from Amazon SES (src/desired/ses.c, docs/ses.md) --- */

struct ses_identity;

/*
 * Appends what each domain with ses publishes for its SES identity
 * ids[i] (parallel to cfg->domains; entries of domains without ses are
 * not read): with Easy DKIM, a DKIM CNAME <token>._domainkey.<domain> ->
 * <token>.dkim.amazonses.com per token; with BYODKIM nothing, but a
 * selector SES reports that dkim: does not publish on day (undeclared,
 * pending or retired: cfg_dkim_at()) is an error; with
 * mail_from, its MX set (RECORD_MAIL_FROM) and its SPF record (RECORD_SPF,
 * merged with the other TXT values there).  A record at a name the config
 * already fills is an error, except a dkim: selector whose CNAME is the
 * token's own.  A MAIL FROM domain in SES that differs from mail_from is a
 * warning.  Diagnostics are located at the ses key; returns -1 when d
 * received an error.  Call after desired_build(), before live_read().
 */
int	desired_build_ses(const struct cfg *, long day,
	    const struct ses_identity *ids, struct desired **, size_t *,
	    struct diags *);
/*
 * Appends one line (no newline) on how the domain's mail sent through SES
 * aligns with DMARC: DKIM with Easy DKIM or BYODKIM, SPF only with a
 * custom MAIL FROM below the domain.
 */
void	ses_alignment(const struct cfg_domain *, const struct ses_identity *,
	    struct buf *out);

#endif
