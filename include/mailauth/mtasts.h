/*
 * mtasts.h - MTA-STS (RFC 8461, src/dns/mtasts.c): the policy file a
 * domain hosts at https://mta-sts.<domain>/.well-known/mta-sts.txt
 * (§3.2), and the TXT record at _mta-sts.<domain> (§3.1) whose id tells
 * senders when to fetch that file again.  Pure: no DNS, no HTTP.
 *
 * mailauth derives the id from the policy: the first 16 bytes of the
 * SHA-256 of the policy file as mtasts_policy_render() writes it, in 32
 * lower-case hexadecimal digits (§3.1 allows 1 to 32 letters and digits).
 * The file lists the mx patterns sorted, so the id changes exactly when
 * mode, max_age or the set of patterns changes.
 */
#ifndef MAILAUTH_MTASTS_H
#define MAILAUTH_MTASTS_H

#include <stddef.h>

struct buf;
struct diags;
struct err;

enum mtasts_mode {
	MTASTS_MODE_NONE,
	MTASTS_MODE_TESTING,
	MTASTS_MODE_ENFORCE
};

#define MTASTS_MAX_AGE_MAX	31557600L	/* §3.2: about a year */
#define MTASTS_MAX_AGE_DEFAULT	604800L		/* one week */
#define MTASTS_ID_MAX		32		/* §3.1 */

/* What the policy says; whoever fills it owns mx (the config does). */
struct mtasts_spec {
	enum mtasts_mode	 mode;
	char			**mx;	/* patterns: lower case,
					 * A-labels, no final dot */
	size_t			 nmx;
	long			 max_age;	/* 0..MTASTS_MAX_AGE_MAX */
};

/* "none", "testing", "enforce"; NULL for another value. */
const char *mtasts_mode_name(enum mtasts_mode);

/*
 * Checks an mx pattern of §3.2 ("mail.example.com", "*.example.net"): a
 * host name (dns_hostname_check()), optionally after "*." - a wildcard
 * only as the whole leftmost label, and never alone.  -1 with err.
 */
int	mtasts_mx_check(const char *pattern, struct err *);

/*
 * Appends the policy file of spec to out, as §3.2 has it: "version:
 * STSv1", "mode: MODE", one "mx: PATTERN" per pattern in byte order
 * (duplicates once), "max_age: N", each line ended by CRLF.
 */
void	mtasts_policy_render(const struct mtasts_spec *, struct buf *out);
/* The id of a policy file of len bytes: 32 hexadecimal digits and a NUL. */
void	mtasts_policy_id(const char *policy, size_t len,
	    char out[MTASTS_ID_MAX + 1]);
/* Appends the TXT record of spec: "v=STSv1; id=ID". */
void	mtasts_render(const struct mtasts_spec *, struct buf *out);

/*
 * 1 when text is a value mailauth owns at _mta-sts: it starts with
 * "v=STSv1" in any case, after any white space, followed by ';', white
 * space or the end (so that a broken record is replaced; the check
 * reports it).
 */
int	mtasts_is_record(const char *text);
/*
 * The id of the record text of len bytes as §3.1 reads it (copied into
 * id, NUL-terminated).  -1 with err when receivers discard the record: it
 * does not start with "v=STSv1;", a field has no '=' or a bad name or
 * value, id is missing, repeated, empty, longer than 32 or not letters
 * and digits, or a byte is outside printable ASCII (a NUL included).
 */
int	mtasts_parse(const char *text, size_t len,
	    char id[MTASTS_ID_MAX + 1], struct err *);
/* 1 when both parse with the same id (receivers read nothing else). */
int	mtasts_equivalent_bytes(const char *a, size_t alen, const char *b,
	    size_t blen);
/*
 * Checks len bytes of record text: what mtasts_parse() refuses is an
 * error; an extension field (receivers ignore it) a warning.  Messages
 * start with "where: " (NULL: "MTA-STS record").
 */
void	mtasts_check_bytes(const char *text, size_t len, const char *where,
	    struct diags *);

#endif
