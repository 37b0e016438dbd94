/*
 * dmarc-report.c - the report authorization records a DMARC record's
 * rua/ruf addresses need (RFC 9990 §4, RFC 9991 §3; see
 * mailauth/dmarc-report.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dmarc.h"
#include "mailauth/dmarc-report.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/orgdomain.h"

/* name as an ASCII host name in lower case without the final dot
 * (malloc'd), or NULL when it is not one. */
static char *
host(const char *name)
{
	char	*a, *p;
	size_t	 n;

	if ((a = dns_name_to_ascii(name, NULL)) == NULL)
		return NULL;
	n = strlen(a);
	if (n > 0 && a[n - 1] == '.')
		a[n - 1] = '\0';
	for (p = a; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (dns_hostname_check(a, NULL) == -1) {
		free(a);
		return NULL;
	}
	return a;
}

/*
 * The domain of the mailto: URI [s, s + n) (malloc'd, as host() gives
 * it), or NULL for another scheme or no usable domain.  The address is
 * what follows "mailto:" up to '?' (headers) or '!' (a size limit); its
 * domain follows the last '@'.  A percent-encoded domain is not decoded:
 * dmarc_check() already reports such URIs, and receivers differ on them.
 */
char *
dmarc_mailto_domain(const char *s, size_t n)
{
	const char	*at = NULL, *end;
	char		*d, *h;
	size_t		 i;

	if (n < 7 || strncasecmp(s, "mailto:", 7) != 0)
		return NULL;
	for (end = s + 7; end < s + n && *end != '?' && *end != '!'; end++)
		if (*end == '@')
			at = end;
	if (at == NULL || at + 1 == end)
		return NULL;
	d = xstrndup(at + 1, (size_t)(end - at - 1));
	for (i = 0; d[i] != '\0'; i++)
		if (d[i] == '%')
			break;
	h = d[i] == '\0' ? host(d) : NULL;
	free(d);
	return h;
}

static int
listed(const struct dmarc_report_auth *v, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return 1;
	return 0;
}

int
dmarc_report_auths(const char *domain, const char *uris,
    struct dmarc_report_auth **v, size_t *n)
{
	struct dmarc_report_auth	*a;
	const char			*p = uris, *s;
	char				*d, *r, *name;
	size_t				 len;

	if ((d = host(domain)) == NULL)
		return -1;
	while (tag_next_item(&p, ',', &s, &len)) {
		if ((r = dmarc_mailto_domain(s, len)) == NULL)
			continue;
		name = xasprintf("%s._report._dmarc.%s", d, r);
		if (org_domain_same(d, r) || listed(*v, *n, name)) {
			free(name);
			free(r);
			continue;
		}
		a = xappend(v, n, sizeof(**v));
		a->name = name;
		a->report_domain = r;
		a->too_long = dns_name_length_check(name, NULL) == -1;
	}
	free(d);
	return 0;
}

void
dmarc_report_auths_release(struct dmarc_report_auth *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].report_domain);
	}
	free(v);
}

/* 1 when a and b are both NULL or the same text. */
static int
same_tag(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
dmarc_report_auth_equivalent(const char *a, const char *b)
{
	struct dmarc_record	 ra, rb;
	int			 same;

	if (dmarc_parse(a, &ra, NULL) == -1)
		return 0;
	if (dmarc_parse(b, &rb, NULL) == -1) {
		dmarc_record_release(&ra);
		return 0;
	}
	same = same_tag(dmarc_tag_get(&ra, "rua"), dmarc_tag_get(&rb, "rua")) &&
	    same_tag(dmarc_tag_get(&ra, "ruf"), dmarc_tag_get(&rb, "ruf"));
	dmarc_record_release(&ra);
	dmarc_record_release(&rb);
	return same;
}

void
dmarc_report_auth_check(const char *text, const char *where,
    struct diags *d)
{
	struct dmarc_record	 rec;
	struct err		 err;

	err_clear(&err);
	if (dmarc_parse(text, &rec, &err) == 0) {
		dmarc_record_release(&rec);
		return;
	}
	/* err_set() and diags_add() make the quoted live text printable. */
	diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: %s; receivers discard the "
	    "authorization record (RFC 9990 §4)", where != NULL ? where :
	    "report authorization record", err.msg);
}
