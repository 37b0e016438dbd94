/*
 * plan.h - from the desired state to Route 53, one stage at a time:
 *
 *   config --desired_build--> desired records
 *          --live_read------> live records (zone discovery, ListResourceRecordSets)
 *          --plan_diff------> plan (per record set: create, update, delete, nothing)
 *          --plan_apply-----> change batches (one atomic batch per zone) -> INSYNC
 *
 * Ownership of values: mailauth owns only the values it manages inside a
 * record set (at _dmarc.<domain>, the TXT value that is a DMARC record).
 * Every other value of the set is written back byte for byte, in its order.
 */
#ifndef MAILAUTH_PLAN_H
#define MAILAUTH_PLAN_H

#include <stddef.h>

#include "mailauth/dns.h"

struct buf;
struct cfg;
struct cfg_domain;
struct diags;
struct err;
struct r53_client;

/* --- desired records (src/plan/desired.c) --- */

enum record_kind {
	RECORD_DMARC,		/* TXT at _dmarc.<domain> */
	RECORD_SPF,		/* TXT at <domain> */
	RECORD_DKIM		/* TXT or CNAME at <selector>._domainkey.<domain> */
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
};

/*
 * Builds the desired records of every domain of cfg: renders them, reads
 * DKIM public keys, and checks every record against its RFC.  Problems go
 * to d located at the config key that produced them; returns -1 when any
 * is an error (nothing may then be planned).
 */
int	desired_build(const struct cfg *, struct desired **, size_t *,
	    struct diags *);
void	desired_release(struct desired *, size_t);
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

/* --- live records (src/plan/live.c) --- */

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

struct live_state {
	struct zone	*zones;
	size_t		 nzones;
	struct live	*lives;		/* parallel to the desired array */
	size_t		 nlives;
};

/*
 * Finds the hosted zone of every domain (the config's zone: id or name, or
 * else the longest matching public zone) and reads the record sets at every
 * desired name.  Problems that are the user's to fix (no zone for a domain,
 * a zone that does not contain the domain) go to d as errors, all of them;
 * a failed API call fails at once with err.  Returns -1 when either
 * happened.
 */
int	live_read(const struct r53_client *, const struct cfg *,
	    const struct desired *, size_t, struct live_state *,
	    struct diags *d, struct err *);
void	live_release(struct live_state *);

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
 * Compares desired with live.  Conflicts that mailauth must not resolve by
 * itself (a CNAME or an alias where a TXT set is wanted, a set with a
 * routing policy) are errors in d; live records that are odd but usable
 * (legacy DMARC tags, two DMARC records) are warnings.  Returns -1 when d
 * received an error.
 */
int	plan_diff(const struct live_state *, struct plan *, struct diags *d);
void	plan_release(struct plan *);
int	plan_has_changes(const struct plan *);
/* Recounts nadd, nchange and ndestroy from the changes' ops. */
void	plan_count(struct plan *);
/* Parses a record kind's name as record_kind_name() writes it; -1 when
 * unknown. */
int	record_kind_parse(const char *, enum record_kind *);

/* --- rendering (src/plan/render.c) --- */

/* Appends the plan as people read it, Terraform-style; color adds ANSI
 * colors. */
void	plan_render_text(const struct plan *, int color, struct buf *out);

/* --- apply (src/plan/apply.c) --- */

/*
 * Sends one ChangeResourceRecordSets batch per zone (an update is the
 * DELETE of the exact live set and the CREATE of the new one, so Route 53
 * refuses the batch if the set changed since it was read) and waits until
 * each is INSYNC, for at most wait_s seconds each.  progress, when not
 * NULL, is called with a line of text for each step.
 */
int	plan_apply(const struct r53_client *, const struct plan *,
	    unsigned int wait_s, void (*progress)(void *, const char *),
	    void *ctx, struct err *);

#endif
