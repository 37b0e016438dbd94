/*
 * plan.h - desired records vs live records -> plan (src/plan/): per
 * record set create, update, delete or nothing; the weakening guard; text,
 * Markdown and the saved-plan JSON; the least-privilege IAM policy; and
 * plan_build(), which runs the data path up to the change batches:
 *
 *   config --desired_build--> desired records (mailauth/desired.h)
 *          --live_read------> live records (mailauth/live.h)
 *          --gate_settle----> the desired records the plan publishes
 *          --plan_diff------> plan (this header)
 *          --plan_batches---> change batches (this header)
 *          --plan_apply-----> Route 53 -> INSYNC (mailauth/apply.h)
 */
#ifndef MAILAUTH_PLAN_H
#define MAILAUTH_PLAN_H

#include <stddef.h>

#include "mailauth/desired.h"
#include "mailauth/live.h"

struct buf;
struct cfg;
struct cfg_domain;
struct diags;
struct err;
struct plan_batch;
struct plan_replay;
struct r53_client;
struct ses_identity;

/* --- stale Easy DKIM tokens (src/plan/stale.c, docs/ses.md) --- */

/*
 * The names live_read() reads below for the stale Easy DKIM tokens (its
 * below argument): for each domain with ses and at least one of the n
 * desired records v, "_domainkey.<domain>." (canonical); NULL for the
 * others.  cfg->ndomains entries; release with ses_token_tops_release().
 */
char	**ses_token_tops(const struct cfg *, const struct desired *v,
	    size_t n);
void	ses_token_tops_release(char **, size_t);

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

/* --- the ownership registry (src/plan/registry.c, mailauth/registry.h,
 * docs/records.md) --- */

/*
 * Appends to *v, after its *n records, one record of kind RECORD_REGISTRY
 * for each domain of cfg that has one of them: the TXT value at
 * _mailauth.<domain> listing the names of the domain's records that have
 * a value, so that live_read() reads it with them (in the same pages:
 * no request of its own).  plan_registry_settle() completes it.
 */
void	plan_registry_desired(const struct cfg *, struct desired **v,
	    size_t *n);

/* A name a live registry lists that the config no longer has, at which
 * plan_diff_removals() removes mailauth's values. */
struct plan_removal {
	struct desired	 want;		/* absent, of the kind listed there,
					 * in the registry's domain; owned */
	struct live	 live;		/* what Route 53 holds at want.name
					 * (sets owned; desired is &want) */
	size_t		 registry;	/* private to registry.c */
	char		*note;		/* why, for the plan */
};

/*
 * Reads the live registry of each RECORD_REGISTRY record of v (settled,
 * ls->lives parallel to it) and settles it: its text lists the names the
 * config gives a value (not SES's Easy DKIM tokens, which go stale as
 * ses_stale_tokens() says), a name left as it is (DMARC before its rollout)
 * when the live registry lists it, and a listed name that cannot be
 * removed; it becomes absent when it lists nothing.  Each listed name
 * that no record of v has (by name and kind), and where no record of
 * another kind of v writes the same sets and which is not one of the
 * nstale stale tokens, is a removal: its sets are read
 * (live_read_names(), zone by zone: requests only when there are
 * removals), and it is kept in *rm when something there may be
 * mailauth's; an alias or a routing-policy set there is a warning and the
 * name stays listed.  A live registry that does not parse, is doubled or
 * names a name outside its domain is a warning and treated as absent.
 * A registry that would be over REGISTRY_TEXT_MAX is a warning, and left
 * as it is (leave).  Returns -1 when an API call failed (err).  Release
 * *rm with plan_removals_release() either way.
 */
int	plan_registry_settle(const struct r53_client *, struct desired *v,
	    size_t n, const struct live_state *ls,
	    const struct plan_stale *stale, size_t nstale,
	    struct plan_removal **rm, size_t *nrm, struct diags *d,
	    struct err *err);
void	plan_removals_release(struct plan_removal *, size_t);
struct plan_notice;
/* Drops from *notes (plan_unmanaged()'s) those about a name one of the
 * nrm removals of rm removes: the plan shows it as a change. */
void	plan_registry_notes(const struct plan_removal *rm, size_t nrm,
	    struct plan_notice **notes, size_t *nnotes);

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
 * cfg->domains[i].  Every ARN is of partition ("aws", "aws-cn": "arn:
 * aws-cn:route53:::hostedzone/Z..."; NULL: "aws").  Returns -1 with err
 * when a zone id is missing or not capital letters and digits (nothing is
 * appended then).
 */
int	iam_policy_build(const struct cfg *, const struct desired *,
	    size_t, const char *const *zone_ids, const char *partition,
	    struct buf *out, struct err *);

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
	/* A DMARC change of policy replayed on the reports of --reports
	 * (mailauth/replay.h; owned); else NULL. */
	struct plan_replay	*replay;
};

/*
 * A line the reviewer of a plan reads beside the changes
 * (docs/plan-json.md): a warning that plan prints on stderr, or a note
 * about a record mailauth read and leaves alone.
 */
struct plan_notice {
	char	*message;	/* one line, as printed on stderr */
	char	*domain;	/* the config's domain name, or NULL */
	char	*name;		/* the record's name, canonical, or NULL */
};

/* What the rollout gate did to a domain's stage in this plan. */
enum plan_gate_verdict {
	PLAN_GATE_NONE,		/* no gate, or no gated stage due: dates
				 * decide */
	PLAN_GATE_ADVANCE,	/* the stage due is taken: the gate is met,
				 * or --ignore-gate */
	PLAN_GATE_HOLD,		/* the stage due is held back */
	PLAN_GATE_KEEP		/* not met, but Route 53 already holds the
				 * stage due, which is never stepped back */
};

struct plan_gate {
	char			*domain;	/* the config's domain name */
	enum plan_gate_verdict	 verdict;
	char			*reason;	/* one line; NULL for none */
};

struct plan {
	struct zone		*zones;		/* owned copies, never reallocated
						 * once changes point at them */
	size_t			 nzones;
	struct plan_change	*changes;
	size_t			 nchanges;
	size_t			 nadd, nchange, ndestroy;
	/* For review (plan_review(), format 4; read back from a saved
	 * plan, empty from versions 2 and 3): apply needs none of them. */
	struct plan_notice	*warnings;
	size_t			 nwarnings;
	struct plan_notice	*notes;		/* unmanaged look-alikes */
	size_t			 nnotes;
	struct plan_gate	*gates;		/* one per config domain */
	size_t			 ngates;
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
/*
 * Appends to p, after plan_diff()'s changes, one change per removal of rm
 * (plan_registry_settle()) that changes something: mailauth's values at
 * its name removed as state: absent removes them (the whole set when
 * nothing else is in it; the MX set of a MAIL FROM domain), with the
 * removal's note.  ls is the live state p was made from.
 */
void	plan_diff_removals(const struct plan_removal *rm, size_t nrm,
	    const struct live_state *ls, struct plan *p, struct diags *d);
void	plan_release(struct plan *);
int	plan_has_changes(const struct plan *);
/* The name of the set a change touches (canonical): its before's, or
 * its after's for a create. */
const char *plan_change_name(const struct plan_change *);
/* Recounts nadd, nchange and ndestroy from the changes' ops. */
void	plan_count(struct plan *);

/* --- record sets with a routing policy (src/plan/routing.c) --- */

/*
 * Refuses a managed name that holds a record set with a routing policy
 * (rrset_policy() not NULL) of a type mailauth would write there for want
 * (MX at a MAIL FROM domain, else TXT and CNAME): one error in d naming
 * the first such set (name, type, SetIdentifier, policy), how many more
 * there are, and what to do.  plan_diff() calls it for every name it
 * would write, so such a plan stops with nothing sent.  Returns -1 when
 * it added the error, else 0.
 */
int	plan_routing_check(const struct desired *want, const struct live *l,
	    struct diags *d);

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

/* --- what the reviewer reads beside the changes (src/plan/review.c) --- */

/* "none", "advance", "hold", "keep". */
const char *plan_gate_verdict_name(enum plan_gate_verdict);
/* Appends a notice to *v (the strings copied, the message made printable
 * with buf_add_printable_msg(); domain and name may be NULL). */
void	plan_notice_add(struct plan_notice **v, size_t *n, const char *message,
	    const char *domain, const char *name);
void	plan_notices_release(struct plan_notice *, size_t);
/*
 * 1 when text (len bytes, decoded from a live TXT value) is exactly what
 * mailauth writes for want: want->text, or, for a DMARC record with a
 * rollout, the record of any of its stages.  plan_diff() does not lint
 * such a live value again: its findings were the config's to make (a
 * testing stage's pct=0 would warn every day).
 */
int	plan_text_is_own(const struct desired *want, const char *text,
	    size_t len);
/* Frees what plan_review() added to p (plan_release() calls it). */
void	plan_review_release(struct plan *);
/*
 * Records that look like mailauth's but that no config entry manages,
 * among what live_read() read anyway (ls->lives, ls->belows and
 * ls->others): at a config domain D, a DMARC record at _dmarc.D and a
 * DKIM key record or a CNAME at <selector>._domainkey.D where nothing of
 * v is desired, and which is not one of the nstale stale Easy DKIM tokens
 * (plan_diff() shows those).  One note each, in the order read, about
 * the domain and the name (src/plan/stale.c).
 */
void	plan_unmanaged(const struct cfg *, const struct desired *v, size_t n,
	    const struct live_state *ls, const struct plan_stale *stale,
	    size_t nstale, struct plan_notice **notes, size_t *nnotes);

/* --- rendering (src/plan/render.c) --- */

/* Appends the plan as people read it, Terraform-style; color adds ANSI
 * colors.  A change with a rollout stage names it ("stage 2 of 5:
 * quarantine (testing) since 2027-01-05; next stage on 2027-02-01"), a
 * rollback stage in red, and is shown even when nothing changes. */
void	plan_render_text(const struct plan *, int color, struct buf *out);
/* Appends the plan as GitHub-flavoured Markdown, for a pull-request
 * comment: a heading per domain and a table of its changes. */
void	plan_render_markdown(const struct plan *, struct buf *out);
/* Appends, as Markdown, what the reviewer reads beside the changes (made
 * by plan_review()): a table of the domains whose rollout gate said
 * anything (verdict and reason), the warnings and the notes, each a
 * section of its own when there is one. */
void	plan_render_review_markdown(const struct plan *, struct buf *out);
/* Appends the plan's notes (plan_unmanaged()), a line "Note: ..." each. */
void	plan_render_notes_text(const struct plan *, struct buf *out);

/* --- saved plans (src/plan/json_write.c, json_read.c; the format is
 * docs/plan-json.md) --- */

#define PLAN_FORMAT_VERSION	5	/* 2: changes[].stage; 3: the
					 * routing of before and after; 4:
					 * weakening, warnings, notes and
					 * domains[].gate, for review; 5:
					 * changes[].replay */

struct plan_meta {
	int	 format_version;	/* PLAN_FORMAT_VERSION, or 2 to 4
					 * for a plan read from them */
	char	*mailauth_version;
	char	*config_path;		/* as given with -c */
	char	 config_sha256[65];	/* lower-case hex of the file's bytes */
	char	*created;		/* RFC 3339, UTC: 2026-11-29T01:02:03Z */
	/* The shard the plan was made for (plan --domain, --zone: the
	 * patterns as given, in order); both empty: the whole config.
	 * Saved as "shard" only when one is set. */
	char	**shard_domains;
	size_t	  nshard_domains;
	char	**shard_zones;
	size_t	  nshard_zones;
};

void	plan_meta_release(struct plan_meta *);
/* Appends p and meta as one JSON document (cJSON), with every change,
 * unchanged ones included. */
void	plan_to_json(const struct plan *, const struct plan_meta *,
	    struct buf *out);
/*
 * Parses a saved plan, of version PLAN_FORMAT_VERSION (with the policy
 * replay of DMARC changes), 4 (its weakening
 * fields are checked, not kept: the guard judges again), 3 (without the
 * fields for review) or 2 (whose sets are simple ones: it has no routing fields).  The text is untrusted:
 * anything but a document of a known format version with every field
 * present and well-typed fails with err naming the field
 * ("changes[3].before.ttl: expected an integer").  On success p and meta
 * are filled (p's counts recomputed); on failure they hold nothing to
 * free.
 */
int	plan_from_json(const char *json, size_t len, struct plan *,
	    struct plan_meta *, struct err *);

/* --- change batches (src/plan/batch.c; mailauth/apply.h sends them) --- */

/*
 * Route 53's limits on one ChangeResourceRecordSets request ("Quotas on API
 * requests"): ResourceRecord elements and characters of Value text, an
 * UPSERT's counted twice; there is no limit on the number of Change
 * elements (the 100 of the 2013 API reference is gone).  mailauth sends an
 * update as DELETE and CREATE, never UPSERT, so both its before- and
 * after-values count, once each.
 */
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
 * the order zones first appear, each change (an update's DELETE and
 * CREATE) whole in one batch; a new batch starts only when the next
 * change would break a limit.  Within a zone, in the plan's order, come
 * first the changes that leave no value of their kind at their name, then
 * the registry records, then the rest, so that wherever the zone is cut
 * into batches its registries list every name mailauth has a value at.  A value over
 * VALUE_MAX_CHARS, or a change that alone breaks a limit, is an error in d
 * naming the record.  Returns -1 when d received an error.
 */
int	plan_batches(const struct plan *, struct plan_batch **, size_t *,
	    struct diags *d);
void	plan_batches_release(struct plan_batch *, size_t);

/* --- the plan, built in one pass (src/plan/build.c) --- */

struct gate_verdict;
struct replay_tally;

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
	/* The warnings the caller printed before plan_build() (the
	 * config's, the gate's), for the plan's warnings list; may be
	 * NULL. */
	const struct diags		*warned;
	/* The reports of --reports tallied for the policy replay
	 * (mailauth/replay.h), finished; NULL: no replay. */
	const struct replay_tally	*replay;
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
	struct plan_removal	*removals;	/* names the registries list
						 * that the config lost */
	size_t			 nremovals;
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
 * records the SES identities ask for (desired_build_ses()); each
 * domain's registry record (plan_registry_desired()); one read of Route
 * 53 (live_read(), with ses_token_tops() below when there are SES
 * identities); gate_settle(); ses_stale_tokens(); plan_registry_settle(),
 * which reads the names of its removals only when there are some;
 * plan_diff(); plan_diff_removals(); plan_replay() with in->replay
 * (mailauth/replay.h); plan_batches(); and the metadata from in.  Nothing
 * reads Route 53 after plan_registry_settle().  In the status scope there
 * are no registries.  Diagnostics of every step go to d; an API failure
 * goes to
 * err.  Returns -1 when a step failed (out->failed says which; what the
 * steps before it made stays in out for the caller to show); release out
 * with plan_built_release() either way.
 */
int	plan_build(const struct plan_inputs *in, struct plan_built *out,
	    struct diags *d, struct err *err);
/*
 * What the reviewer reads beside the changes, into p (out->plan of
 * plan_build(), which calls it last in the scope all): the warnings of
 * in->warned and of d, each as cli_diags() prints it, with the domain and
 * name its message names; the rollout gate's verdict and reason for each
 * domain of in->cfg (from in->gates and b->settled); and plan_unmanaged()'s
 * notes (src/plan/review.c).
 */
void	plan_review(const struct plan_inputs *in, const struct plan_built *b,
	    const struct diags *d, struct plan *p);
void	plan_built_release(struct plan_built *);

/*
 * The plans of several accounts as one (config accounts:, each planned
 * with its own Route 53 client): the changes of v[0], v[1], ... moved
 * into out in that order (their warnings, notes and gates too), v[i]'s zones each getting a copy of
 * accounts[i] (NULL: the default chain's) as its account.  first[i]
 * receives the index in out->changes of v[i]'s first change.  Each v[i]
 * is left empty; release out with plan_release().
 */
void	plan_merge(struct plan *v, const char *const *accounts, size_t n,
	    struct plan *out, size_t *first);

#endif

