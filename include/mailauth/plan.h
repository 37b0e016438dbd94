/*
 * plan.h - from the desired state to Route 53, one stage at a time:
 *
 *   config --desired_build--> desired records
 *          --live_read------> live records (zone discovery, ListResourceRecordSets)
 *          --gate_settle----> the desired records the plan publishes
 *          --plan_diff------> plan (per record set: create, update, delete, nothing)
 *          --plan_batches---> change batches (one atomic batch per zone)
 *          --plan_apply-----> Route 53 -> INSYNC
 *
 * plan_build() runs the steps up to the batches, in that order.
 *
 * Ownership of values: mailauth owns only the values it manages inside a
 * record set (at _dmarc.<domain>, the TXT value that is a DMARC record).
 * Every other value of the set is written back byte for byte, in its order.
 */
#ifndef MAILAUTH_PLAN_H
#define MAILAUTH_PLAN_H

#include <stddef.h>

#include "mailauth/config.h"
#include "mailauth/dns.h"

struct buf;
struct cfg;
struct cfg_domain;
struct diags;
struct err;
struct r53_client;

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

/* --- desired records (src/plan/desired.c) --- */

enum record_kind {
	RECORD_DMARC,		/* TXT at _dmarc.<domain> */
	RECORD_SPF,		/* TXT at <domain> */
	RECORD_DKIM,		/* TXT or CNAME at <selector>._domainkey.<domain> */
	RECORD_MAIL_FROM	/* the MX set at an SES MAIL FROM domain */
};

/*
 * What mailauth wants at one name.  kind decides which live values it
 * owns there: the DMARC record among the TXT values at _dmarc, the SPF
 * record among the apex TXT values, and at a DKIM selector named in the
 * config its key record and its CNAME (so a selector can move between
 * TXT and CNAME).  Every other value is someone else's.
 */
struct desired {
	const struct cfg_domain	*domain;	/* borrowed from the config */
	enum record_kind	 kind;
	char			*key;		/* config key path, for messages */
	int			 line, col;	/* of that key */
	char			*name;		/* canonical */
	char			*type;		/* "TXT" or "CNAME"; NULL when absent */
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
/* 1 when the decoded TXT text is a value that kind owns. */
int	record_kind_owns(enum record_kind, const char *text);
/* 1 when two texts of kind mean the same to a receiver. */
int	record_kind_equivalent(enum record_kind, const char *a, const char *b);
/* Checks a record text of kind, adding findings that start with where. */
void	record_kind_check(enum record_kind, const char *text,
	    const char *where, struct diags *);
/* Appends text as one Route 53 TXT value, split as kind wants. */
void	record_kind_encode(enum record_kind, const char *text, struct buf *);

/* --- records from Amazon SES (src/plan/ses.c, docs/ses.md) --- */

struct plan;
struct ses_identity;

/*
 * Appends what each domain with ses publishes for its SES identity
 * ids[i] (parallel to cfg->domains; entries of domains without ses are
 * not read): with Easy DKIM, a DKIM CNAME <token>._domainkey.<domain> ->
 * <token>.dkim.amazonses.com per token; with BYODKIM nothing, but a
 * selector SES reports that dkim: does not publish is an error; with
 * mail_from, its MX set (RECORD_MAIL_FROM) and its SPF record (RECORD_SPF,
 * merged with the other TXT values there).  A record at a name the config
 * already fills is an error, except a dkim: selector whose CNAME is the
 * token's own.  A MAIL FROM domain in SES that differs from mail_from is a
 * warning.  Diagnostics are located at the ses key; returns -1 when d
 * received an error.  Call after desired_build(), before live_read().
 */
int	desired_build_ses(const struct cfg *, const struct ses_identity *ids,
	    struct desired **, size_t *, struct diags *);
/*
 * The names live_read() reads below for the stale Easy DKIM tokens (its
 * below argument): for each domain with ses and at least one of the n
 * desired records v, "_domainkey.<domain>." (canonical); NULL for the
 * others.  cfg->ndomains entries; release with ses_token_tops_release().
 */
char	**ses_token_tops(const struct cfg *, const struct desired *v,
	    size_t n);
void	ses_token_tops_release(char **, size_t);

struct live_state;

/* A stale Easy DKIM token CNAME, which plan_diff() deletes or shows kept. */
struct plan_stale {
	const struct live_below	*below;		/* where it was found */
	const struct rrset	*set;		/* borrowed from below */
	int			 remove;	/* ses.prune_stale_tokens */
	char			*note;		/* why, for the plan */
};

/*
 * Stale Easy DKIM tokens: among what ls holds below "_domainkey.<domain>."
 * (live_read() with ses_token_tops()), the CNAMEs
 * <x>._domainkey.<domain> -> <x>.dkim.amazonses.com whose x is neither one
 * of ids[i]'s tokens nor a selector of dkim:, in the order found.  Each is
 * to be deleted when ses.prune_stale_tokens is set, else kept with a note
 * saying so.  Nothing else is ever deleted.  *v borrows from ls; release
 * it with plan_stale_release().
 */
void	ses_stale_tokens(const struct cfg *, const struct ses_identity *ids,
	    const struct live_state *ls, struct plan_stale **v, size_t *n);
void	plan_stale_release(struct plan_stale *, size_t);
/*
 * Appends one line (no newline) on how the domain's mail sent through SES
 * aligns with DMARC: DKIM with Easy DKIM or BYODKIM, SPF only with a
 * custom MAIL FROM below the domain.
 */
void	ses_alignment(const struct cfg_domain *, const struct ses_identity *,
	    struct buf *out);

/* --- live records (src/plan/zones.c finds the zones, src/plan/live.c
 * reads them) --- */

struct zone {
	char	*id;		/* "Z..." */
	char	*name;		/* canonical */
};

/* What Route 53 holds at one desired record's name. */
struct live {
	const struct desired	*desired;	/* borrowed */
	const struct zone	*zone;		/* borrowed from struct live_state */
	struct rrset		*sets;		/* every type at the name */
	size_t			 nsets;
};

/* What Route 53 holds below one name of a domain's zone (live_read()'s
 * below). */
struct live_below {
	const struct cfg_domain	*domain;	/* borrowed from the config */
	const struct zone	*zone;		/* borrowed from live_state */
	char			*name;		/* canonical */
	struct rrset		*sets;		/* every set strictly below
						 * name */
	size_t			 nsets;
};

struct live_state {
	struct zone	*zones;
	size_t		 nzones;
	struct live	*lives;		/* parallel to the desired array */
	size_t		 nlives;
	struct live_below *belows;	/* in the order of cfg->domains */
	size_t		 nbelows;
};

/*
 * Finds the hosted zone of every domain (the config's zone: id or name, or
 * else the longest matching public zone) and reads the record sets at every
 * desired name: each live gets every type at its name, exactly what
 * r53_rrsets_at() gives.  Each zone lookup is sent once, however many
 * domains need it; each zone is read either in ListResourceRecordSets
 * pages from its domains' managed names (the requests do not grow with
 * the unrelated records in the zone: at most one per managed name, plus
 * one per further page of a name with that many record sets) or, when its
 * ResourceRecordSetCount says that costs no more requests than one per
 * domain of the zone, as one whole listing.  Then, when below is not NULL
 * (cfg->ndomains entries), for each domain i whose below[i] (canonical)
 * is not NULL, every record set strictly below that name in the domain's
 * zone is read as live_read_below() reads it, into ls->belows.  Problems
 * that are the user's to fix (no zone for a domain, a zone that does not
 * contain the domain) go to d as errors, all of them; a failed API call
 * fails at once with err.  Returns -1 when either happened.
 */
int	live_read(const struct r53_client *, const struct cfg *,
	    const struct desired *, size_t, const char *const *below,
	    struct live_state *, struct diags *d, struct err *);
void	live_release(struct live_state *);
/*
 * Finds the hosted zone of every domain of cfg exactly as live_read() does
 * (the same requests, the same errors in d and err) and reads no record
 * set.  ls receives the zones only (lives stay NULL); zone_of, which the
 * caller allocates with cfg->ndomains entries, receives each domain's
 * index in ls->zones.  Returns -1 when d received an error or an API call
 * failed (err); ls then holds nothing.  Release ls with live_release().
 */
int	live_zones(const struct r53_client *, const struct cfg *,
	    struct live_state *, size_t *zone_of, struct diags *d,
	    struct err *);
/*
 * Reads what Route 53 holds at each of the n names (canonical) of zone z,
 * as live_read() reads a zone: count is the zone's ResourceRecordSetCount
 * (-1 when unknown, which means targeted pages); groups[i] (may be NULL)
 * tells which names belong together (one domain's names), for the choice.
 * sets[i], nsets[i] receive every type at names[i] (release each with
 * r53_rrsets_release()); on -1 they hold nothing.
 */
int	live_read_names(const struct r53_client *, const struct zone *,
	    long count, const char *const *names, const void *const *groups,
	    size_t n, struct rrset **sets, size_t *nsets, struct err *);

/*
 * Every record set of zone z at name (canonical) or below it: pages of
 * ListResourceRecordSets from name, followed while the listing stays
 * below name (Route 53 lists a subtree contiguously: names in the order of
 * their reversed labels), so the cost is one request per page of the
 * subtree, whatever else the zone holds.  A server that lists in another
 * order is read whole and filtered.  *sets (release with
 * r53_rrsets_release()) holds nothing on -1.
 */
int	live_read_below(const struct r53_client *, const struct zone *z,
	    const char *name, struct rrset **sets, size_t *nsets,
	    struct err *);

/* --- least-privilege IAM policy (src/plan/iam.c) --- */

/*
 * For iam-policy --offline: fills ids (cfg->ndomains entries, borrowed
 * from cfg) with each domain's zone: when it is a hosted zone id.  Every
 * domain without one (no zone:, or a zone name) is an error in d at the
 * domain's key; returns -1 when there was any.
 */
int	iam_zone_ids_offline(const struct cfg *, const char **ids,
	    struct diags *d);
/*
 * Appends to out the IAM policy document (JSON, formatted, ending in a
 * newline) that grants what plan and apply need for cfg and nothing more
 * (docs/security.md): ListHostedZonesByName on "*" when a domain's zone
 * is found by name; ListResourceRecordSets, and GetHostedZone when a
 * domain gives a zone id, on the ARNs of the zones; per zone,
 * ChangeResourceRecordSets held by ForAllValues:StringEquals to the
 * normalized names of the records desired there (lower case, no trailing
 * dot, "\ooo" escapes), the types apply writes there (TXT; CNAME too
 * where there is a DKIM selector, which can switch between them) and the
 * actions CREATE and DELETE; GetChange on change/ *.  desired is what
 * desired_build() made of cfg; zone_ids[i] is the hosted zone id of
 * cfg->domains[i].  Returns -1 with err when a zone id is missing or not
 * capital letters and digits (nothing is appended then).
 */
int	iam_policy_build(const struct cfg *, const struct desired *,
	    size_t, const char *const *zone_ids, struct buf *out,
	    struct err *);

/* --- plan (src/plan/diff.c) --- */

enum plan_op {
	PLAN_NONE,		/* already as desired (possibly equivalent text) */
	PLAN_CREATE,
	PLAN_UPDATE,
	PLAN_DELETE
};

/*
 * One record set's change.  A plan stands on its own once made: it holds
 * copies of what it needs (zones, domain names, record sets), so it can be
 * saved, loaded and applied without the config or the live state.
 */
struct plan_change {
	enum plan_op		 op;
	enum record_kind	 kind;
	char			*domain;	/* the config's domain name */
	const struct zone	*zone;		/* points into plan.zones */
	struct rrset		 before;	/* live set; empty name for CREATE */
	struct rrset		 after;		/* desired set; empty name for DELETE */
	char			*note;		/* why, when not obvious; may be NULL */
	struct plan_stage	*stage;		/* a DMARC change of a rollout:
						 * its stage (owned); else NULL */
};

struct plan {
	struct zone		*zones;		/* owned copies, never reallocated
						 * once changes point at them */
	size_t			 nzones;
	struct plan_change	*changes;
	size_t			 nchanges;
	size_t			 nadd, nchange, ndestroy;
};

/*
 * Compares the n desired records v with what is live at their names
 * (ls->lives[i] is what Route 53 holds at v[i]'s name; live_read() made
 * them parallel).  A desired that leaves the name alone becomes a change
 * with action none, before and after the live TXT set (or NULL when there
 * is none, or it is not a plain set).  Conflicts that mailauth must not
 * resolve by itself (a CNAME or an alias where a TXT set is wanted, a set
 * with a routing policy) are errors in d; live records that are odd but
 * usable (legacy DMARC tags, two DMARC records) are warnings.  Then each
 * of the nstale stale token CNAMEs (ses_stale_tokens(); stale may be NULL
 * when nstale is 0) becomes a change of its own after the others: a
 * delete, or, when it is kept, one with action none; each with its note.
 * Returns -1 when d received an error.
 */
int	plan_diff(const struct desired *v, size_t n,
	    const struct live_state *ls, const struct plan_stale *stale,
	    size_t nstale, struct plan *, struct diags *d);
void	plan_release(struct plan *);
int	plan_has_changes(const struct plan *);
/* Recounts nadd, nchange and ndestroy from the changes' ops. */
void	plan_count(struct plan *);
/* Parses a record kind's name as record_kind_name() writes it; -1 when
 * unknown. */
int	record_kind_parse(const char *, enum record_kind *);

/* --- safety guard (src/plan/guard.c) --- */

/*
 * NULL when c does not weaken protection; otherwise a malloc'd one-line
 * reason, e.g. "DMARC policy p=reject -> p=quarantine".  Weakening is judged on
 * the values mailauth owns in c->before and c->after: a DMARC record weaker
 * than the live one (none < quarantine with t=y < quarantine < reject with
 * t=y < reject), an SPF all qualifier weaker than the live one (-all > ~all
 * > ?all > none or +all), or an SPF or DMARC record removed.  DKIM changes
 * never weaken (a selector deleted with state: absent is explicit).
 */
char	*plan_change_weakens(const struct plan_change *);

/* --- rendering (src/plan/render.c) --- */

/* Appends the plan as people read it, Terraform-style; color adds ANSI
 * colors.  A change with a rollout stage names it ("stage 2 of 5:
 * quarantine (testing) since 2027-01-05; next stage on 2027-02-01"), a
 * rollback stage in red, and is shown even when nothing changes. */
void	plan_render_text(const struct plan *, int color, struct buf *out);
/* Appends the plan as GitHub-flavoured Markdown, for a pull-request
 * comment: a heading per domain and a table of its changes. */
void	plan_render_markdown(const struct plan *, struct buf *out);

/* --- saved plans (src/plan/json_write.c, json_read.c; the format is
 * docs/plan-json.md) --- */

#define PLAN_FORMAT_VERSION	2	/* 2: changes[].stage */

struct plan_meta {
	int	 format_version;	/* PLAN_FORMAT_VERSION */
	char	*mailauth_version;
	char	*config_path;		/* as given with -c */
	char	 config_sha256[65];	/* lower-case hex of the file's bytes */
	char	*created;		/* RFC 3339, UTC: 2026-11-29T01:02:03Z */
};

void	plan_meta_release(struct plan_meta *);
/* Appends p and meta as one JSON document (cJSON), with every change,
 * unchanged ones included. */
void	plan_to_json(const struct plan *, const struct plan_meta *,
	    struct buf *out);
/*
 * Parses a saved plan.  The text is untrusted: anything but a document of
 * a known format version with every field present and well-typed fails
 * with err naming the field ("changes[3].before.ttl: expected an
 * integer").  On success p and meta are filled (p's counts recomputed);
 * on failure they hold nothing to free.
 */
int	plan_from_json(const char *json, size_t len, struct plan *,
	    struct plan_meta *, struct err *);

/* --- change batches and apply (src/plan/apply.c) --- */

/*
 * Route 53's limits on one ChangeResourceRecordSets request, and mailauth's
 * own cap on changes per batch.  An update counts as two changes (DELETE
 * and CREATE); mailauth sends no UPSERT.
 */
#define BATCH_MAX_CHANGES	100
#define BATCH_MAX_RECORDS	1000	/* ResourceRecord elements */
#define BATCH_MAX_CHARS		32000	/* characters of Value text */
#define VALUE_MAX_CHARS		4000	/* characters in one Value */

/* The plan's changes to one zone that go in one request. */
struct plan_batch {
	const struct zone		 *zone;		/* into plan.zones */
	const struct plan_change	**changes;	/* into plan.changes */
	size_t				  nchanges;
	size_t				  nrecords, nchars;
};

/*
 * Packs the changes of p (those with an op) into batches, zone by zone in
 * the order zones first appear, keeping the plan's order and each change
 * (an update's DELETE and CREATE) whole in one batch; a new batch starts
 * only when the next change would break a limit.  A value over
 * VALUE_MAX_CHARS, or a change that alone breaks a limit, is an error in d
 * naming the record.  Returns -1 when d received an error.
 */
int	plan_batches(const struct plan *, struct plan_batch **, size_t *,
	    struct diags *d);
void	plan_batches_release(struct plan_batch *, size_t);

/*
 * Re-reads every record set p touches and compares it with the plan's
 * before-values (and, where a change creates a type, that the type is
 * still absent).  Each difference is an error in d saying what the plan
 * saw and what is live now.  Returns -1 on an API error (err), else 0;
 * the caller checks d for drift.
 */
int	plan_check_drift(const struct r53_client *, const struct plan *,
	    struct diags *d, struct err *);

/* What apply reports, one line at a time, and how it waits. */
struct apply_opts {
	int		 wait;		/* 0: do not wait for INSYNC */
	unsigned int	 wait_timeout_s;
	/* A finished line of text; may be NULL. */
	void		(*progress)(void *ctx, const char *line);
	/* While waiting: called after each poll with the seconds waited so
	 * far; may be NULL. */
	void		(*waiting)(void *ctx, unsigned int elapsed_s);
	void		*ctx;
};

/* Per zone, what became of its batches. */
enum apply_outcome {
	APPLY_DONE,		/* sent and INSYNC (or sent, with wait 0) */
	APPLY_PENDING,		/* sent, not INSYNC within the timeout */
	APPLY_FAILED		/* not (completely) applied: see msg */
};

struct apply_zone_result {
	const struct zone	*zone;
	enum apply_outcome	 outcome;
	size_t			 nbatches, nsent;
	char			*msg;		/* why, when not DONE */
};

/*
 * Sends the batches (see plan_batches), zone by zone: a zone whose request
 * fails stops there and the other zones still go on.  When a request's
 * outcome is unknown (the connection failed or the answer was a 5xx after
 * the request may have been received), the batch's names are re-read
 * before anything else: a batch that landed is recognised and not sent
 * again; one that left every name as it was is sent once more; anything
 * else fails the zone.  Then, unless o->wait is 0, waits for every change
 * to be INSYNC (GetChange, 1 s doubling to 10 s, at most wait_timeout_s in
 * all).  Fills one result per zone with changes (*results, release with
 * apply_results_release()); returns 0 when every zone is DONE, else -1.
 */
int	plan_apply(const struct r53_client *, const struct plan *,
	    const struct plan_batch *, size_t nbatches,
	    const struct apply_opts *, struct apply_zone_result **,
	    size_t *);
void	apply_results_release(struct apply_zone_result *, size_t);

/* --- the plan, built in one pass (src/plan/build.c) --- */

struct gate_verdict;

enum plan_scope {
	PLAN_SCOPE_ALL,		/* the config's records and SES's: a plan to
				 * apply (plan, apply) */
	PLAN_SCOPE_SES_STATUS	/* SES's records alone, as a report (ses
				 * status): errors in the records or the diff
				 * do not stop it; no batches and no metadata
				 * are made, and day, created and
				 * config_sha256 are not read */
};

/*
 * What a plan is made from, gathered by the caller (src/cli/).  The AWS
 * side comes last, through connect(): plan_build() calls it once the
 * config's own records are built without error (at once in the status
 * scope), so that a config whose records are wrong is reported without
 * credentials and with nothing sent to AWS.
 */
struct plan_inputs {
	const struct cfg		*cfg;
	const char			*config_path;	/* as given with -c */
	const char			*config_sha256;	/* lower-case hex of the
							 * bytes cfg was parsed
							 * from; may be NULL */
	long				 day;		/* see desired_build() */
	const char			*created;	/* RFC 3339, UTC */
	const struct gate_verdict	*gates;		/* parallel to
							 * cfg->domains, or
							 * NULL: dates alone */
	enum plan_scope			 scope;
	/* The caller opens the AWS side (that I/O is its own) and gives
	 * the Route 53 client and the SES identities (parallel to
	 * cfg->domains, or NULL without ses:), both outliving the plan;
	 * -1, after saying why, stops the plan. */
	int				(*connect)(void *ctx,
					    const struct r53_client **r53,
					    const struct ses_identity **ses);
	void				*ctx;
};

/* The step of plan_build() that failed. */
enum plan_step {
	PLAN_STEP_DESIRED,	/* the config's records (desired_build_gated) */
	PLAN_STEP_CONNECT,	/* connect() failed, and said why */
	PLAN_STEP_SES,		/* the records SES asks for */
	PLAN_STEP_LIVE,		/* reading Route 53: d or err */
	PLAN_STEP_DIFF,
	PLAN_STEP_BATCHES
};

/* What plan_build() made, each step's result as that step left it. */
struct plan_built {
	struct desired		*desired;	/* the config's and SES's
						 * records, whose names
						 * live_read() read */
	size_t			 ndesired;
	struct desired		*settled;	/* what the plan publishes:
						 * desired after gate_settle()
						 * (ndesired entries); NULL
						 * before the read */
	struct live_state	 live;
	struct plan_stale	*stale;		/* stale Easy DKIM tokens */
	size_t			 nstale;
	struct plan		 plan;
	struct plan_batch	*batches;
	size_t			 nbatches;
	struct plan_meta	 meta;		/* from the inputs (scope all) */
	enum plan_step		 failed;	/* on -1, the step that failed */
};

/*
 * Makes the plan from in, in this order, each step reading what the steps
 * before it made and changing none of it: the config's records
 * (desired_build_gated() on in->day with in->gates); in->connect(); the
 * records the SES identities ask for (desired_build_ses()); one read of
 * Route 53 (live_read(), with ses_token_tops() below when there are SES
 * identities); gate_settle(); ses_stale_tokens(); plan_diff();
 * plan_batches(); and the metadata from in.  Nothing reads Route 53 after
 * live_read().  Diagnostics of every step go to d; an API failure goes to
 * err.  Returns -1 when a step failed (out->failed says which; what the
 * steps before it made stays in out for the caller to show); release out
 * with plan_built_release() either way.
 */
int	plan_build(const struct plan_inputs *in, struct plan_built *out,
	    struct diags *d, struct err *err);
void	plan_built_release(struct plan_built *);

#endif
