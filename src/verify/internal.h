/*
 * internal.h - what the files of src/verify/ share: verify.c (the checks
 * of one domain's records, findings) and spf.c (the SPF include tree).
 */
#ifndef MAILAUTH_VERIFY_INTERNAL_H
#define MAILAUTH_VERIFY_INTERNAL_H

#include <stddef.h>

struct resolve;
struct resolve_answer;
struct verify_report;

#define SHOWN_MAX	200	/* characters of a record a message shows */

/* len bytes of untrusted text (a record from DNS) made printable by the
 * one printable-text function, buf_add_printable() (malloc'd), cut at
 * SHOWN_MAX. */
char	*verify_shown(const char *s, size_t len);
/* A message made from parts already made printable (a diagnostic),
 * checked once more without escaping its escapes (malloc'd). */
char	*verify_shown_msg(const char *msg);
struct diags;
/* The first error check (dkim_check(), dmarc_report_auth_check(), ...)
 * finds in len bytes of a record, printable (malloc'd); NULL when there is
 * none.  A NUL byte in the record is the error. */
char	*verify_first_error(void (*check)(const char *, const char *,
	    struct diags *), const char *text, size_t len);
/* A canonical name as people write it (malloc'd): no final dot. */
char	*verify_display(const char *canon);
/* The could-not-check line for an answer that is none of OK, NODATA and
 * NXDOMAIN; what names the record ("the TXT record"). */
void	verify_unchecked(struct verify_report *, const struct resolve_answer *,
	    const char *what);
/* 1 when the answer is one to judge: OK, NODATA or NXDOMAIN. */
int	verify_answered(const struct resolve_answer *);

/*
 * The include/redirect tree of the SPF record text (len bytes) published
 * at name (canonical), counted as check_host() counts it: findings
 * "spf-lookups", "spf-void-lookups", "spf-include-none",
 * "spf-include-multiple" and "spf-loop" go to out.
 */
void	verify_spf_tree(struct resolve *, const char *name, const char *text,
	    size_t len, struct verify_report *out);

/* The report authorization records the DMARC record w (its domain's)
 * needs, asked together: findings "report-auth" (reportauth.c). */
struct desired;
void	verify_report_auths(struct resolve *, const struct desired *w,
	    struct verify_report *out);

#endif
