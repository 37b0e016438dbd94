/*
 * tlsrpt.c - SMTP TLS Reporting records (RFC 8460 §3; see
 * mailauth/tlsrpt.h): the report URIs, rendering, ownership, checks and
 * equivalence.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/tlsrpt.h"

#define VERSION		"v=TLSRPTv1"
#define VERSION_LEN	(sizeof(VERSION) - 1)
#define EXT_NAME_MAX	32	/* RFC 8460: a letter or digit, 31 more */
#define URI_SHOWN	200	/* bytes of a URI quoted in a message */

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* --- report URIs --- */

/* 0 when the n bytes at s are a host name (dns_hostname_check()). */
static int
host_ok(const char *s, size_t n, struct err *err)
{
	char	*h = xstrndup(s, n);
	int	 rc = dns_hostname_check(h, err);

	free(h);
	return rc;
}

/* 0 when [p, end) is empty or ":PORT" with a port of 1 to 65535. */
static int
port_ok(const char *p, const char *end)
{
	long	 port = 0;

	if (p == end)
		return 0;
	if (*p++ != ':' || p == end || end - p > 5)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		port = port * 10 + (*p - '0');
	}
	return port >= 1 && port <= 65535 ? 0 : -1;
}

int
tlsrpt_uri_check(const char *uri, size_t len, struct err *err)
{
	const char	*end = uri + len, *p, *at = NULL, *host;
	int		 shown = len > URI_SHOWN ? URI_SHOWN : (int)len;
	struct err	 e;

	if (len == 0)
		return err_set(err, "empty report URI");
	for (p = uri; p < end; p++) {
		if (*p == ',' || *p == ';')
			return err_set(err, "'%.*s' contains '%c', which %s "
			    "the rua= field; percent-encode it (%s)", shown,
			    uri, *p, *p == ',' ? "separates URIs in" : "ends",
			    *p == ',' ? "%2C" : "%3B");
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return err_set(err, "'%.*s' contains white space, a "
			    "control character or a byte outside ASCII; "
			    "percent-encode it", shown, uri);
	}
	err_clear(&e);
	if (len >= 7 && strncasecmp(uri, "mailto:", 7) == 0) {
		for (p = uri + 7; p < end && *p != '?'; p++)
			if (*p == '@')
				at = p;
		if (at == NULL || at == uri + 7 || at + 1 == p)
			return err_set(err, "'%.*s' has no address; expected "
			    "mailto:tlsrpt@example.com", shown, uri);
		if (host_ok(at + 1, (size_t)(p - at - 1), &e) == -1)
			return err_set(err, "'%.*s': %s", shown, uri, e.msg);
		return 0;
	}
	if (len >= 8 && strncasecmp(uri, "https://", 8) == 0) {
		host = uri + 8;
		for (p = host; p < end && *p != '/' && *p != '?' &&
		    *p != '#'; p++)
			;
		end = p;
		for (p = host; p < end && *p != ':'; p++)
			;
		if (p == host)
			return err_set(err, "'%.*s' has no host; expected "
			    "https://HOST/PATH", shown, uri);
		if (port_ok(p, end) == -1)
			return err_set(err, "'%.*s': the port must be 1 to "
			    "65535", shown, uri);
		if (host_ok(host, (size_t)(p - host), &e) == -1)
			return err_set(err, "'%.*s': %s", shown, uri, e.msg);
		return 0;
	}
	return err_set(err, "'%.*s' is neither a mailto: nor an https: URI; "
	    "TLS reports go to mailto:ADDRESS or https://HOST/PATH "
	    "(RFC 8460 §3)", shown, uri);
}

void
tlsrpt_render(char *const *rua, size_t n, struct buf *out)
{
	size_t	 i;

	buf_adds(out, VERSION "; rua=");
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(out, ',');
		buf_adds(out, rua[i]);
	}
}

int
tlsrpt_is_record(const char *text)
{
	return tag_version_is(text, "TLSRPTv1");
}

/* --- parsing --- */

struct span {
	const char	*p;
	size_t		 n;
};

/* What parse() found: the rua= URIs, pointing into the text. */
struct parsed {
	struct span	*rua;
	size_t		 nrua;
	size_t		 errors;
	struct diags	*d;		/* NULL: count errors only */
	const char	*where;
};

static void
finding(struct parsed *r, enum diag_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
finding(struct parsed *r, enum diag_level level, const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	if (level == DIAG_ERROR)
		r->errors++;
	if (r->d == NULL)
		return;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diags_add(r->d, level, NULL, 0, 0, "%s: %s", r->where,
	    buf_str(&msg));
	buf_release(&msg);
}

static int
span_same_uri(const struct span *a, const struct span *b)
{
	const char	*ca = memchr(a->p, ':', a->n);
	size_t		 scheme;

	if (a->n != b->n || ca == NULL)
		return 0;
	scheme = (size_t)(ca - a->p);
	return strncasecmp(a->p, b->p, scheme) == 0 &&
	    memcmp(a->p + scheme, b->p + scheme, a->n - scheme) == 0;
}

static void
parse_rua(struct parsed *r, struct span v)
{
	struct span	 u;
	struct err	 err;
	const char	*end = v.p + v.n, *comma;
	size_t		 i;

	for (;;) {
		comma = memchr(v.p, ',', (size_t)(end - v.p));
		u.p = v.p;
		u.n = (size_t)((comma != NULL ? comma : end) - v.p);
		tag_trim(&u.p, &u.n);
		err_clear(&err);
		if (u.n == 0)
			finding(r, DIAG_ERROR, "rua= has an empty entry");
		else if (tlsrpt_uri_check(u.p, u.n, &err) == -1)
			finding(r, DIAG_ERROR, "rua=: %s", err.msg);
		else {
			for (i = 0; i < r->nrua; i++)
				if (span_same_uri(&r->rua[i], &u))
					break;
			if (i < r->nrua)
				finding(r, DIAG_WARNING, "rua= lists '%.*s' "
				    "twice", (int)u.n, u.p);
			else
				*(struct span *)xappend(&r->rua, &r->nrua,
				    sizeof(*r->rua)) = u;
		}
		if (comma == NULL)
			break;
		v.p = comma + 1;
	}
}

/* 1 when the n bytes at s are an extension name of RFC 8460 §3. */
static int
ext_name_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > EXT_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)s[i];
		int		alnum = (c >= 'a' && c <= 'z') ||
				    (c >= 'A' && c <= 'Z') ||
				    (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '-' && c != '.')))
			return 0;
	}
	return 1;
}

/* 1 when the n bytes at s are an extension value: printable ASCII but
 * '=', ';' and space. */
static int
ext_value_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f || s[i] == '=' || s[i] == ';')
			return 0;
	return 1;
}

static void
parse_field(struct parsed *r, struct span f, struct span *seen,
    size_t *nseen)
{
	const char	*eq = memchr(f.p, '=', f.n);
	struct span	 name, value;
	size_t		 i;

	if (eq == NULL) {
		finding(r, DIAG_ERROR, "'%.*s' has no '='", (int)f.n, f.p);
		return;
	}
	name.p = f.p;
	name.n = (size_t)(eq - f.p);
	value.p = eq + 1;
	value.n = f.n - name.n - 1;
	if (!ext_name_ok(name.p, name.n)) {
		finding(r, DIAG_ERROR, "'%.*s' is not a field name (a letter "
		    "or digit, then up to 31 letters, digits, '_', '-' or "
		    "'.', directly before '=')", (int)name.n, name.p);
		return;
	}
	for (i = 0; i < *nseen; i++)
		if (seen[i].n == name.n &&
		    memcmp(seen[i].p, name.p, name.n) == 0) {
			finding(r, DIAG_ERROR, "the field '%.*s' is repeated",
			    (int)name.n, name.p);
			return;
		}
	seen[(*nseen)++] = name;
	if (name.n == 3 && memcmp(name.p, "rua", 3) == 0) {
		parse_rua(r, value);
		return;
	}
	if (name.n == 1 && (name.p[0] == 'v' || name.p[0] == 'V')) {
		finding(r, DIAG_ERROR, "v= may only come first");
		return;
	}
	if (!ext_value_ok(value.p, value.n))
		finding(r, DIAG_ERROR, "the field '%.*s' has an empty value or "
		    "one with white space or '='", (int)name.n, name.p);
	else
		finding(r, DIAG_WARNING, "the field '%.*s' is not one of RFC "
		    "8460: senders ignore it", (int)name.n, name.p);
}

/*
 * Reads the len bytes of text into r, reporting to r->d (when not NULL)
 * and counting the errors.  The caller frees r->rua.
 */
static void
parse(const char *text, size_t len, struct parsed *r)
{
	const char	*end = text + len, *p, *semi;
	struct span	*seen, f;
	size_t		 nseen = 0, i;

	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 ||
		    (unsigned char)text[i] >= 0x7f) {
			if (text[i] == '\t')
				continue;
			finding(r, DIAG_ERROR, "holds %s at byte %zu; senders "
			    "ignore the record", text[i] == '\0' ?
			    "a NUL" : "a byte outside printable ASCII", i + 1);
			return;
		}
	if (len > 0 && is_wsp(text[0])) {
		finding(r, DIAG_ERROR, "starts with white space; it must "
		    "start with \"" VERSION "\"");
		return;
	}
	if (len < VERSION_LEN || memcmp(text, VERSION, VERSION_LEN) != 0 ||
	    (len > VERSION_LEN && text[VERSION_LEN] != ';' &&
	    !is_wsp(text[VERSION_LEN]))) {
		finding(r, DIAG_ERROR, "does not start with \"" VERSION "\", "
		    "written exactly so (RFC 8460 §3)");
		return;
	}
	seen = xcalloc(len / 2 + 1, sizeof(*seen));
	p = text + VERSION_LEN;
	while (p < end) {
		/* p is at the ';' (or white space before it) that ends the
		 * field before. */
		while (p < end && is_wsp(*p))
			p++;
		if (p == end)
			break;
		if (*p != ';') {
			finding(r, DIAG_ERROR, "expected ';' after \"" VERSION
			    "\"");
			break;
		}
		p++;
		semi = memchr(p, ';', (size_t)(end - p));
		f.p = p;
		f.n = (size_t)((semi != NULL ? semi : end) - p);
		tag_trim(&f.p, &f.n);
		if (f.n > 0)
			parse_field(r, f, seen, &nseen);
		p = semi != NULL ? semi : end;
	}
	for (i = 0; i < nseen; i++)
		if (seen[i].n == 3 && memcmp(seen[i].p, "rua", 3) == 0)
			break;
	if (i == nseen)
		finding(r, DIAG_ERROR, "has no rua= field, which names where "
		    "reports go");
	free(seen);
}

void
tlsrpt_check_bytes(const char *text, size_t len, const char *where,
    struct diags *d)
{
	struct parsed	 r;

	memset(&r, 0, sizeof(r));
	r.d = d;
	r.where = where != NULL ? where : "TLS-RPT record";
	parse(text, len, &r);
	free(r.rua);
}

/* 1 when every URI of a is one of b. */
static int
covered(const struct parsed *a, const struct parsed *b)
{
	size_t	 i, j;

	for (i = 0; i < a->nrua; i++) {
		for (j = 0; j < b->nrua; j++)
			if (span_same_uri(&a->rua[i], &b->rua[j]))
				break;
		if (j == b->nrua)
			return 0;
	}
	return 1;
}

int
tlsrpt_equivalent_bytes(const char *a, size_t alen, const char *b,
    size_t blen)
{
	struct parsed	 ra, rb;
	int		 same;

	memset(&ra, 0, sizeof(ra));
	memset(&rb, 0, sizeof(rb));
	parse(a, alen, &ra);
	parse(b, blen, &rb);
	same = ra.errors == 0 && rb.errors == 0 && covered(&ra, &rb) &&
	    covered(&rb, &ra);
	free(ra.rua);
	free(rb.rua);
	return same;
}
