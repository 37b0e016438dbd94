/*
 * tlsrpt.h - SMTP TLS Reporting records (RFC 8460 §3), published as TXT
 * at _smtp._tls.<domain> (src/dns/tlsrpt.c).  Pure: no DNS.
 *
 *   v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://r.example.net/v1
 *
 * The version comes first, exactly "v=TLSRPTv1"; rua= lists one or more
 * report URIs, separated by ',' (white space allowed around it), each a
 * mailto: URI with an address or an https: URI with a host; fields are
 * separated by ';'.  Other fields are extensions, which senders ignore.
 */
#ifndef MAILAUTH_TLSRPT_H
#define MAILAUTH_TLSRPT_H

#include <stddef.h>

struct buf;
struct diags;
struct err;

#define TLSRPT_NAME_PREFIX	"_smtp._tls."

/*
 * 0 when the len bytes at uri are one report URI senders can use:
 * "mailto:" (any case) and an address local@domain whose domain is a host
 * name, or "https://" (any case) and a host name, then optionally a port
 * and a path.  Only printable ASCII other than ',' and ';' (which would
 * split the rua= list or end the field; percent-encode them) is allowed.
 * Else -1 with err saying why, quoting uri.
 */
int	tlsrpt_uri_check(const char *uri, size_t len, struct err *);

/* Appends "v=TLSRPTv1; rua=U1,U2" for the n URIs of rua. */
void	tlsrpt_render(char *const *rua, size_t n, struct buf *out);

/*
 * 1 when text is a TLS-RPT record, so mailauth owns it at _smtp._tls:
 * it starts with "v=TLSRPTv1" (white space allowed before it and around
 * '=', any case) followed by ';', white space or the end.  Leading white
 * space and a version not written exactly so are errors of
 * tlsrpt_check_bytes(): mailauth owns such a record and replaces it.
 */
int	tlsrpt_is_record(const char *text);

/*
 * Checks len bytes of record text (a NUL among them is an error, not its
 * end) against RFC 8460 §3, adding every finding to d with no location
 * and a message that starts with where (NULL: "TLS-RPT record").  Errors,
 * for what makes senders ignore the record: not starting exactly with
 * "v=TLSRPTv1", a field without '=' or with a bad name or value, a
 * repeated field, no rua=, an empty rua= entry or one tlsrpt_uri_check()
 * refuses, bytes outside printable ASCII.  Warnings: an extension field
 * (senders ignore it), a URI listed twice.
 */
void	tlsrpt_check_bytes(const char *text, size_t len, const char *where,
	    struct diags *);

/*
 * 1 when the TLS-RPT records a (alen bytes) and b (blen bytes) mean the
 * same to a sender: both are valid (tlsrpt_check_bytes() finds no error)
 * and list the same report URIs, in any order, compared with their scheme
 * in any case and the rest byte for byte.  Extension fields are ignored,
 * as senders ignore them.
 */
int	tlsrpt_equivalent_bytes(const char *a, size_t alen, const char *b,
	    size_t blen);

#endif
