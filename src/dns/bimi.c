/*
 * bimi.c - BIMI assertion records and their URLs (see mailauth/bimi.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/bimi.h"
#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"

#define DRAFT	"draft-brand-indicators-for-message-identification §4.3"
/* At most this much of a URL or tag is quoted in a message. */
#define SHOWN(n)	((int)((n) > 200 ? 200 : (n)))

int
bimi_url_check(const char *url, size_t len, struct err *err)
{
	const char	*host, *end, *p;
	char		*name;
	size_t		 i;
	int		 rc;

	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)url[i];

		if (c <= 0x20 || c >= 0x7f)
			return err_set(err, "'%.*s': white space, a control "
			    "character or a byte outside ASCII at offset %zu; "
			    "percent-encode it", SHOWN(len), url, i);
		if (c == ',' || c == ';')
			return err_set(err, "'%.*s' contains '%c', which would "
			    "end the URL in the record; write it %s",
			    SHOWN(len), url, c, c == ',' ? "%2C" : "%3B");
	}
	if (len < 8 || strncasecmp(url, "https://", 8) != 0)
		return err_set(err, "'%.*s' is not an https:// URL; receivers "
		    "fetch BIMI files over HTTPS only", SHOWN(len), url);
	host = url + 8;
	for (end = host; end < url + len && *end != '/' && *end != '?' &&
	    *end != '#'; end++)
		if (*end == '@')
			return err_set(err, "'%.*s': a user name in the URL is "
			    "not allowed", SHOWN(len), url);
	for (p = host; p < end && *p != ':'; p++)
		;
	if (p < end) {
		/* ":PORT": 1 to 5 digits. */
		if (end - p < 2 || end - p > 6)
			goto badport;
		for (i = 1; i < (size_t)(end - p); i++)
			if (p[i] < '0' || p[i] > '9')
				goto badport;
	}
	if (p == host)
		return err_set(err, "'%.*s' has no host name", SHOWN(len), url);
	name = xstrndup(host, (size_t)(p - host));
	rc = dns_hostname_check(name, err);
	free(name);
	if (rc == -1)
		return err_prefix(err, "'%.*s'", SHOWN(len), url);
	return 0;
badport:
	return err_set(err, "'%.*s': the port after ':' must be 1 to 5 "
	    "digits", SHOWN(len), url);
}

void
bimi_render(const struct bimi_spec *spec, struct buf *out)
{
	buf_addf(out, "v=BIMI1; l=%s", spec->logo);
	if (spec->authority != NULL)
		buf_addf(out, "; a=%s", spec->authority);
}

int
bimi_is_record(const char *text)
{
	return tag_version_is(text, "BIMI1");
}

void
bimi_record_release(struct bimi_record *r)
{
	free(r->l);
	free(r->a);
	free(r->lps);
	free(r->avp);
	free(r->unknown);
	memset(r, 0, sizeof(*r));
}

static int
tag_name_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* The slot of a known tag name in r, or NULL. */
static char **
slot(struct bimi_record *r, const char *name, size_t n)
{
	if (n == 1 && name[0] == 'l')
		return &r->l;
	if (n == 1 && name[0] == 'a')
		return &r->a;
	if (n == 3 && memcmp(name, "lps", 3) == 0)
		return &r->lps;
	if (n == 3 && memcmp(name, "avp", 3) == 0)
		return &r->avp;
	return NULL;
}

/* Checks the values of the tags read into r; -1 with err. */
static int
check_values(const struct bimi_record *r, struct err *err)
{
	if (r->l == NULL)
		return err_set(err, "no l= tag; it is required (" DRAFT ")");
	if (*r->l != '\0' && bimi_url_check(r->l, strlen(r->l), err) == -1)
		return err_prefix(err, "l=");
	if (r->a != NULL && *r->a != '\0' &&
	    bimi_url_check(r->a, strlen(r->a), err) == -1)
		return err_prefix(err, "a=");
	if (r->lps != NULL && strcmp(r->lps, "true") != 0 &&
	    strcmp(r->lps, "false") != 0)
		return err_set(err, "lps='%s' must be true or false", r->lps);
	if (r->avp != NULL && strcmp(r->avp, "brand") != 0 &&
	    strcmp(r->avp, "personal") != 0)
		return err_set(err, "avp='%s' must be brand or personal",
		    r->avp);
	return 0;
}

/* Reads the tags of text (NUL-free) into r; -1 with err. */
static int
read_tags(const char *text, struct bimi_record *r, struct err *err)
{
	const char	*p = text, *s, *eq, *name, *val;
	size_t		 n, nlen, vlen;
	char		**at;
	int		 first = 1;

	while (tag_next_item(&p, ';', &s, &n)) {
		if (n == 0) {
			if (first)
				break;
			continue;
		}
		if ((eq = memchr(s, '=', n)) == NULL)
			return err_set(err, "the tag '%.*s' has no '='",
			    SHOWN(n), s);
		name = s;
		nlen = (size_t)(eq - s);
		tag_trim(&name, &nlen);
		val = eq + 1;
		vlen = (size_t)(s + n - val);
		tag_trim(&val, &vlen);
		if (!tag_name_ok(name, nlen))
			return err_set(err, "'%.*s' is not a tag name",
			    SHOWN(nlen), name);
		if (first) {
			if (nlen != 1 || name[0] != 'v' || vlen != 5 ||
			    memcmp(val, "BIMI1", 5) != 0)
				break;
			first = 0;
			continue;
		}
		if (nlen == 1 && name[0] == 'v')
			return err_set(err, "v= is given twice");
		if ((at = slot(r, name, nlen)) == NULL) {
			if (r->unknown == NULL)
				r->unknown = xstrndup(name, nlen);
			continue;
		}
		if (*at != NULL)
			return err_set(err, "%.*s= is given twice",
			    SHOWN(nlen), name);
		*at = xstrndup(val, vlen);
	}
	if (first)
		return err_set(err, "it does not start with v=BIMI1, written "
		    "exactly so; receivers ignore it (" DRAFT ")");
	return check_values(r, err);
}

int
bimi_parse(const char *text, size_t len, struct bimi_record *r,
    struct err *err)
{
	char	*s;
	size_t	 i;
	int	 rc;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)text[i];

		if (c == '\0')
			return err_set(err, "a NUL byte at offset %zu", i);
		if ((c < 0x20 && c != '\t') || c > 0x7e)
			return err_set(err, "byte 0x%02x at offset %zu is not "
			    "printable ASCII", c, i);
	}
	s = xstrndup(text, len);
	rc = read_tags(s, r, err);
	free(s);
	if (rc == -1)
		bimi_record_release(r);
	return rc;
}

/* Two tag values: NULL and "" are the same when empty_is_absent. */
static int
same(const char *a, const char *b, int empty_is_absent)
{
	if (empty_is_absent) {
		if (a != NULL && *a == '\0')
			a = NULL;
		if (b != NULL && *b == '\0')
			b = NULL;
	}
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
bimi_equivalent_bytes(const char *a, size_t alen, const char *b,
    size_t blen)
{
	struct bimi_record	 ra, rb;
	int			 eq;

	if (bimi_parse(a, alen, &ra, NULL) == -1)
		return 0;
	if (bimi_parse(b, blen, &rb, NULL) == -1) {
		bimi_record_release(&ra);
		return 0;
	}
	eq = same(ra.l, rb.l, 0) && same(ra.a, rb.a, 1) &&
	    same(ra.lps, rb.lps, 0) && same(ra.avp, rb.avp, 0);
	bimi_record_release(&ra);
	bimi_record_release(&rb);
	return eq;
}

void
bimi_check_bytes(const char *text, size_t len, const char *where,
    struct diags *d)
{
	struct bimi_record	 r;
	struct err		 err;

	if (where == NULL)
		where = "BIMI record";
	err_clear(&err);
	if (bimi_parse(text, len, &r, &err) == -1) {
		diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: %s", where, err.msg);
		return;
	}
	if (*r.l == '\0')
		diags_add(d, DIAG_WARNING, NULL, 0, 0, "%s: l= is empty: the "
		    "domain declines to show a logo", where);
	if (r.unknown != NULL)
		diags_add(d, DIAG_WARNING, NULL, 0, 0, "%s: the tag '%s' is "
		    "not one the BIMI draft defines; receivers ignore it",
		    where, r.unknown);
	bimi_record_release(&r);
}
