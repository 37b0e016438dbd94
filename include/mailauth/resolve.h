/*
 * resolve.h - DNS queries with c-ares (src/resolve/): many in flight at
 * once, each with a timeout and retries, TCP when an answer is
 * truncated (c-ares retries over TCP unless told not to), a limit on the
 * size of an answer and a budget of queries, so that what a record names
 * (an SPF include tree) cannot make mailauth send thousands.
 *
 * Use: resolve_open(), then resolve_query() for every name wanted now
 * (each fills its own struct resolve_answer), then resolve_wait(), which
 * returns once every query has its answer; read them, release each with
 * resolve_answer_release(), and queue the next round.
 *
 * Answers are parsed with c-ares' own parsers (ares_parse_txt_reply_ext,
 * ares_parse_mx_reply, ares_parse_ns_reply, ares_parse_a_reply,
 * ares_parse_aaaa_reply); the CNAME chain of an answer is read by
 * resolve_answer_chain(), the one piece of DNS answer mailauth reads
 * itself (tests/fuzz/fuzz_resolve.c).
 */
#ifndef MAILAUTH_RESOLVE_H
#define MAILAUTH_RESOLVE_H

#include <stddef.h>

struct err;
struct resolve;

/* Query types, as DNS numbers them. */
#define RESOLVE_A	1
#define RESOLVE_NS	2
#define RESOLVE_CNAME	5
#define RESOLVE_PTR	12	/* report --senders --resolve */
#define RESOLVE_MX	15
#define RESOLVE_TXT	16
#define RESOLVE_AAAA	28

#define RESOLVE_BUDGET_DEFAULT	200	/* queries per budget */
#define RESOLVE_ANSWER_MAX	32768	/* bytes of one answer */
#define RESOLVE_CNAME_MAX	8	/* CNAMEs followed for one query */
#define RESOLVE_TIMEOUT_MS	2000	/* first try; c-ares doubles it on
					 * each round of the servers */
#define RESOLVE_TRIES		2	/* rounds of the servers */
#define RESOLVE_SERVERS_MAX	16

enum resolve_status {
	RESOLVE_OK,		/* NOERROR, with records of the type */
	RESOLVE_NODATA,		/* NOERROR, none of the type */
	RESOLVE_NXDOMAIN,	/* the name does not exist */
	RESOLVE_SERVFAIL,
	RESOLVE_REFUSED,
	RESOLVE_TIMEOUT,	/* no answer from any server after the tries */
	RESOLVE_UNREACHABLE,	/* connection refused, no route */
	RESOLVE_GARBAGE,	/* an answer that does not parse, FORMERR,
				 * NOTIMP, a CNAME loop or chain over
				 * RESOLVE_CNAME_MAX, or over the size limit */
	RESOLVE_BUDGET		/* not sent: the budget of queries is spent */
};

/* One record of an answer. */
struct resolve_rr {
	/* TXT: the record's character-strings joined with nothing between
	 * them (RFC 7208 §3.3), as bytes that may hold NUL; MX, NS, CNAME:
	 * the host name (canonical: lower case, trailing dot); PTR: the name
	 * as the answer has it, without a trailing dot; A, AAAA: the
	 * address as text.  Always followed by a NUL not counted in len. */
	char	*data;
	size_t	 len;
	int	 pref;		/* MX: its preference; else 0 */
};

struct resolve_answer {
	enum resolve_status	 status;
	int			 type;
	char			*name;	/* asked, canonical */
	/* The first CNAME target on the way (canonical), NULL when the name
	 * is no alias; target the last name reached, the one whose records
	 * these are (the asked name when there was no CNAME). */
	char			*cname;
	char			*target;
	int			 hops;	/* CNAMEs followed */
	struct resolve_rr	*rrs;
	size_t			 nrrs;
	/* Why, for a status other than OK, NODATA and NXDOMAIN: a short
	 * phrase ("no answer from 127.0.0.1:53 after 2 tries"). */
	char			*why;
};

struct resolve_opts {
	/* Recursive servers as "HOST[:PORT]": an IPv4 address, an IPv6
	 * address (in brackets when a port follows: "[::1]:53") or a name,
	 * which is resolved once with the system's resolver (getaddrinfo),
	 * every address of it used.  n 0: the system's servers
	 * (/etc/resolv.conf). */
	const char *const	*servers;
	size_t			 nservers;
	int			 timeout_ms;	/* 0: RESOLVE_TIMEOUT_MS */
	int			 tries;		/* 0: RESOLVE_TRIES */
	long			 budget;	/* 0: RESOLVE_BUDGET_DEFAULT */
	/* A zone (any form) whose names are asked of its own servers,
	 * zone_servers as servers are given, without recursion, so that no
	 * cache answers; a server that cannot be used is skipped while
	 * another is left.  Every other name (a CNAME's target elsewhere,
	 * an SPF include) goes to the recursive servers.  NULL: none. */
	const char		*zone;
	const char *const	*zone_servers;
	size_t			 nzone_servers;
};

/* Opens the channels (recursive, and the zone's); -1 with err filled
 * ("cannot resolve the DNS server 'ns1.x': ...", "'x:y' is not a DNS
 * server as HOST[:PORT]"). */
int	resolve_open(struct resolve **, const struct resolve_opts *,
	    struct err *);
void	resolve_close(struct resolve *);
/* The recursive servers, as "ADDRESS:PORT" joined by ", " (for
 * messages); the zone's, or NULL without a zone. */
const char *resolve_servers(const struct resolve *);
const char *resolve_zone_servers(const struct resolve *);

/*
 * Queues a query of type for name (any form; a name that is not one
 * gives status GARBAGE at once).  ans is filled by resolve_wait() and
 * must stay where it is till then; following a CNAME to another name
 * costs a further query of the budget.  With the budget spent, ans gets
 * status BUDGET at once and nothing is sent.
 */
void	resolve_query(struct resolve *, const char *name, int type,
	    struct resolve_answer *ans);
/* Runs until every query queued has its answer. */
void	resolve_wait(struct resolve *);
void	resolve_answer_release(struct resolve_answer *);

/* The budget: queries left, and a fresh one of n (0: the default). */
long	resolve_budget_left(const struct resolve *);
void	resolve_budget_reset(struct resolve *, long n);

/* "timeout", "SERVFAIL", ... and the phrase for a status in messages. */
const char *resolve_status_name(enum resolve_status);

/*
 * Reads the CNAME chain of a DNS answer of len bytes (untrusted) from
 * its question's name: *target receives the last name reached
 * (canonical, malloc'd), *first the first CNAME target (NULL when the
 * question's name is no alias), *hops the CNAMEs followed.  -1 with err
 * filled when the answer does not parse, has not exactly one question,
 * or loops or chains further than RESOLVE_CNAME_MAX.
 */
int	resolve_answer_chain(const unsigned char *abuf, size_t len,
	    char **target, char **first, int *hops, struct err *);

/*
 * Parses a DNS answer (untrusted) to a query of type into ans, as
 * resolve_wait() does: the rcode, the CNAME chain, then the records of
 * type at the end of the chain, through c-ares' parsers.  For tests and
 * the fuzz harness; ans->name is left as it is.
 */
void	resolve_answer_parse(const unsigned char *abuf, size_t len, int type,
	    struct resolve_answer *ans);

#endif
