/*
 * replay.h - policy replay (src/plan/replay.c, docs/rollout.md): what a
 * plan's DMARC change would have done to the mail of the aggregate reports
 * of a window, had the new record been published instead of the live one.
 *
 *   report rows --replay_tally_add------> per config domain and source,
 *                                         the failing messages by class
 *   tally + plan --plan_replay----------> changes[].replay of each DMARC
 *                                         change that changes a policy
 *
 * Pure: no I/O, no clock.  The reports are read by the caller (src/cli/),
 * once, while the gate reads them; the tally holds one entry per domain
 * and sending address, never the rows.
 *
 * Semantics (RFC 9989, whose text was checked against the last draft,
 * draft-ietf-dmarc-dmarcbis-41): a message passing DMARC (DKIM or SPF
 * passing and aligned, as policy_evaluated says) is never counted.  A
 * header_from equal to the domain takes p; a subdomain of it (the domain
 * being its Organizational Domain, and the subdomain not a domain of the
 * configuration with a DMARC record of its own) takes sp, or np where the
 * report shows that the receiver applied np (see plan_replay()).  t=y
 * applies each policy one level lower (quarantine as none, reject as
 * quarantine).  pct, which RFC 9989 removed, is read as a worst case.
 */
#ifndef MAILAUTH_REPLAY_H
#define MAILAUTH_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "mailauth/dmarc.h"

struct diags;
struct plan;
struct plan_change;

/* The most sources a replay names; sources counts them all. */
#define REPLAY_TOP_SOURCES	5
/* The most messages a replay counts (2^53 - 1, exact in JSON). */
#define REPLAY_COUNT_MAX	9007199254740991ull

/* A sending address whose failing mail the new policy handles harder. */
struct replay_source {
	char		*ip;
	uint64_t	 quarantine;	/* newly quarantined */
	uint64_t	 reject;	/* newly rejected */
};

/* What a DMARC change would have done to the mail of the window. */
struct plan_replay {
	char			 since[11];	/* the window, YYYY-MM-DD, */
	char			 until[11];	/* both days included */
	uint64_t		 messages;	/* under the domain's record */
	uint64_t		 failing;	/* of them failing DMARC */
	/* Of the failing ones, those the new record quarantines and the
	 * live one neither quarantined nor rejected, and those the new one
	 * rejects and the live one did not. */
	uint64_t		 quarantine;
	uint64_t		 reject;
	size_t			 sources;	/* sources of those messages */
	struct replay_source	*top;		/* most first, then address;
						 * at most REPLAY_TOP_SOURCES */
	size_t			 ntop;
};

void	plan_replay_free(struct plan_replay *);

/* One domain of the configuration, for the tally. */
struct replay_domain {
	const char	*name;		/* lower case, no final dot */
	int		 has_dmarc;	/* mailauth publishes its DMARC record:
					 * its subdomains are its own, not its
					 * parent's */
	long		 since;		/* the window, days since 1970-01-01, */
	long		 until;		/* both included */
};

struct replay_tally;

/* A tally for the n domains of v (copied); release with
 * replay_tally_free(). */
struct replay_tally *replay_tally_new(const struct replay_domain *v,
	    size_t n);
/*
 * Counts count messages of a report row counted on day (report_day()):
 * header_from (lower case), source_ip, whether they passed DMARC, and the
 * disposition the receiver reported (DMARC_POLICY_NONE, _QUARANTINE,
 * _REJECT).  A row is the domain's when header_from is the domain, or a
 * subdomain of it whose Organizational Domain (orgdomain.h) it is and that
 * is not itself a domain with has_dmarc; a row of no domain, or outside
 * its domain's window, is not counted.  Not after replay_tally_finish().
 */
void	replay_tally_add(struct replay_tally *, long day,
	    const char *header_from, const char *source_ip, uint64_t count,
	    int dmarc_pass, enum dmarc_policy disposition);
/* Puts the tally in the order plan_replay() reads it. */
void	replay_tally_finish(struct replay_tally *);
void	replay_tally_free(struct replay_tally *);

/*
 * Sets the replay of every change of p that is a DMARC change with an
 * action, between a live record and a desired one that ask receivers for
 * different things (p, sp, np, t or pct; a record added or removed), from
 * the finished tally t (its domain named as the change's domain; none:
 * zero messages).  A live set without exactly one usable DMARC record
 * counts as no record (receivers ignore it), as a deleted one does.
 *
 * Per class of row, the live record's level (none 0, quarantine 1, reject
 * 2) is the mildest a receiver gives it and the new record's the harshest:
 * RFC 9989 receivers apply t=y one level lower and ignore pct; RFC 7489
 * ones ignore t and apply the level to pct% of failing mail, one lower to
 * the rest.  For mailauth's own records (a testing stage is t=y; pct=0)
 * both agree, and the replay is exact.  A subdomain row counts under np
 * when the live record's np and sp levels differ and the disposition the
 * receiver reported is np's level: the report says so; else under sp.
 * Each failing message whose new level is above its live one is counted
 * under the new level.  A domain whose reports count more than
 * REPLAY_COUNT_MAX messages gets no replay but a warning in d (may be
 * NULL), so that every saved plan can be read back.
 */
void	plan_replay(const struct replay_tally *t, struct plan *p,
	    struct diags *d);

#endif
