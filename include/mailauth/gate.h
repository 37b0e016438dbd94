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
	GATE_NO_DATA	/* fewer messages than min_messages */
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
 * reports of gate_window() (its domain filter NULL); NULL counts as no
 * report.  The domain's messages are those whose header_from is dom's
 * name exactly.  The verdict is GATE_NO_DATA below min_messages, else
 * GATE_HOLD below min_pass_rate, else GATE_READY.  Release out with
 * gate_verdict_release().
 */
void	gate_decide(const struct cfg_domain *dom, long day,
	    const struct report_summary *sum, struct gate_verdict *out);
void	gate_verdict_release(struct gate_verdict *);
/* "ready", "hold", "insufficient data", "not gated". */
const char *gate_state_name(enum gate_state);

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
