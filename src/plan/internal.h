/*
 * internal.h - what the weakening guard (guard.c) shares with the policy
 * replay (replay.c): the values a kind owns in a set, and what a DMARC
 * record asks of receivers; private to src/plan/.
 */
#ifndef MAILAUTH_PLAN_INTERNAL_H
#define MAILAUTH_PLAN_INTERNAL_H

#include <stddef.h>

#include "mailauth/desired.h"

/* The decoded texts of the values kind owns in a TXT set. */
struct owned {
	char	**v;
	size_t	 *len;		/* of each v, which may hold a NUL */
	size_t	  n;
};

void	plan_owned_collect(enum record_kind, const struct rrset *,
	    struct owned *);
void	plan_owned_release(struct owned *);

/* The policies a record sets, in the order they are reported. */
enum { POL_P, POL_SP, POL_NP, NPOL };

/* What one DMARC record asks of receivers. */
struct dmarc_pol {
	int	 kw[NPOL];	/* effective: 0 none, 1 quarantine, 2 reject */
	int	 written[NPOL];	/* the tag is there with a valid value */
	int	 testing;	/* t=y */
	int	 pct;		/* 100 when absent or invalid */
};

/*
 * Reads what the len bytes of text ask of receivers; -1 when they ignore
 * it: it does not parse (a NUL included), starts with white space, or its
 * version is not exactly DMARC1.  A policy tag missing or invalid falls
 * back as RFC 9989 says: p to none, sp to p, np to sp.
 */
int	plan_dmarc_pol_read(const char *text, size_t len, struct dmarc_pol *);

#endif
