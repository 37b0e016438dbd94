/*
 * gate.h - the rollout gate (dmarc.gate, docs/rollout.md): whether a
 * domain may take the DMARC rollout stage its dates make due, from what
 * the aggregate reports of a window of days say.
 *
 *   cfg + day + report summary --gate_decide--> a verdict per domain
 *                                                (src/desired/gate.c)
 *   verdicts --desired_build_gated (desired.h)-> held domains publish the
 *                                                stage before the due one
 *   desired + live records --gate_settle-------> (src/plan/settle.c) a new
 *                                                desired array where a
 *                                                held domain stays at the
 *                                                stage it is live at
 *
 * Pure: no I/O, no clock.  The reports are read by the caller (src/cli/).
 */
#ifndef MAILAUTH_GATE_H
#define MAILAUTH_GATE_H

#include <stddef.h>
#include <stdint.h>

struct cfg_domain;
struct cfg_gate;
struct desired;
struct live_state;
struct report_summary;

enum gate_state {
	GATE_NONE,	/* no gate, or no gated stage due: dates decide */
	GATE_READY,	/* enough messages, pass rate at least the gate's */
	GATE_HOLD,	/* enough messages, pass rate below the gate's */
	GATE_NO_DATA,	/* fewer messages than min_messages, or no
			 * report given (no_reports): held either way */
	GATE_IGNORED	/* --ignore-gate: the stage due is taken on its
			 * date, the reports unread */
};

/* At most this many failing sources are kept in a verdict. */
#define GATE_SOURCES_MAX	10

/* A sending source with messages failing DMARC in the window. */
struct gate_source {
	char		*ip;
	uint64_t	 messages;
	uint64_t	 failed;		/* of them, failing DMARC */
};

struct gate_verdict {
	enum gate_state		 state;
	int			 no_reports;	/* GATE_NO_DATA because no
						 * report was given at all:
						 * the gate fails closed */
	/* With a gated stage due (state not GATE_NONE): next is the
	 * 1-based number of the stage the dates make due, current the one
	 * before it, where a held domain stays. */
	size_t			 current;
	size_t			 next;
	long			 since;		/* the window, days (see */
	long			 until;		/* gate_window()) */
	uint64_t		 messages;	/* from the domain in the window */
	uint64_t		 passed;	/* of them, passing DMARC */
	double			 rate;		/* report_rate(); -1: none */
	/* GATE_HOLD: the sources with failing messages, most failing
	 * first, at most GATE_SOURCES_MAX; nfailing_all counts them all. */
	struct gate_source	*failing;
	size_t			 nfailing;
	size_t			 nfailing_all;
};

/* The window of the gate ending on day: the window_days days up to day,
 * day included: [day - window_days + 1, day]. */
void	gate_window(const struct cfg_gate *, long day, long *since,
	    long *until);

/*
 * The verdict for dom on day.  A gated stage is due when dom has a
 * dmarc.gate and the stage active on day by date is the second or a later
 * one and is not a rollback (a rollback is never held back); otherwise
 * the verdict is GATE_NONE.  sum must be finished and count exactly the
 * reports of gate_window() (its domain filter NULL); NULL means that no
 * report was given: GATE_NO_DATA with no_reports set, so that a gated
 * stage is held.  The domain's messages are those whose header_from is dom's
 * name exactly.  The verdict is GATE_NO_DATA below min_messages, else
 * GATE_HOLD below min_pass_rate, else GATE_READY.  Release out with
 * gate_verdict_release().
 */
void	gate_decide(const struct cfg_domain *dom, long day,
	    const struct report_summary *sum, struct gate_verdict *out);
void	gate_verdict_release(struct gate_verdict *);
/* "ready", "hold", "insufficient data" ("no reports given" with
 * no_reports), "ignored", "not gated". */
const char *gate_state_name(enum gate_state);
const char *gate_verdict_name(const struct gate_verdict *);
/* --ignore-gate: a verdict with a gated stage due becomes GATE_IGNORED
 * (its counts cleared); the others stay as they are. */
void	gate_ignore(struct gate_verdict *);

/* How a domain's DMARC stage came out of the gate, for gate_why(). */
enum gate_outcome {
	GATE_HELD,	/* held at the stage before the one due */
	GATE_TAKEN,	/* the stage due is published */
	GATE_KEPT	/* not met, but Route 53 already holds the stage due */
};
/*
 * Appends one line (no newline) on why dom, whose verdict is v (not
 * GATE_NONE), has outcome at stage stays (the 1-based stage the plan
 * publishes), e.g. "'example.com' stays at stage 1 of 2: stage 2 was due on
 * 2027-01-15, but 80.64% of its 620 messages from 2027-01-02 to 2027-01-15
 * passed DMARC, below the gate's 98.00%"; a hold for want of reports reads
 * "held: no reports given: ...".
 */
void	gate_why(const struct cfg_domain *dom, const struct gate_verdict *v,
	    enum gate_outcome outcome, size_t stays, struct buf *out);

/*
 * The desired records v (n of them, ls->lives parallel to them) as the
 * plan publishes them, in a new array (release with desired_release();
 * v is not changed): for every DMARC record held by desired_build_gated()
 * (held set), when Route 53 already holds the record of a stage from 1 to
 * the one due (an earlier run advanced it, or held it further back), that
 * stage is published instead, so a held domain neither advances nor
 * steps back; when it holds none of them, the held stage stays.  held is
 * cleared when the live stage is the due one (nothing is held back any
 * more).  plan_build() calls it between live_read() and plan_diff().
 */
struct desired *gate_settle(const struct desired *v, size_t n,
	    const struct live_state *ls);

#endif
