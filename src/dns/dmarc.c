/*
 * dmarc.c - DMARC record text (RFC 9989): rendered from a spec, split into
 * tags, compared for meaning and checked; the one table of policy names.
 *
 * The grammar is a list of "name=value" tags separated by ';', the first
 * being v=DMARC1.  Parsing is one pass that either stops at the first
 * problem (dmarc_parse) or reports every problem and skips the tag at fault
 * (dmarc_check), so the two can never disagree about what a record says.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dmarc.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"

/* Indexed by enum dmarc_policy. */
static const char *const policy_names[] = {
	NULL, "none", "quarantine", "reject"
};

static const char *const align_names[] = {
	NULL, "r", "s"
};

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

const char *
dmarc_policy_name(enum dmarc_policy p)
{
	if (p > DMARC_POLICY_UNSET && p <= DMARC_POLICY_REJECT)
		return policy_names[p];
	return NULL;
}

enum dmarc_policy
dmarc_policy_parse(const char *name, enum dmarc_case cmp)
{
	int	 p;

	for (p = DMARC_POLICY_NONE; p <= DMARC_POLICY_REJECT; p++)
		if ((cmp == DMARC_CASE_ANY ? strcasecmp(name,
		    policy_names[p]) : strcmp(name, policy_names[p])) == 0)
			return (enum dmarc_policy)p;
	return DMARC_POLICY_UNSET;
}

static void
render_list(struct buf *out, const char *tag, char *const *v, size_t n,
    char sep)
{
	size_t	 i;

	if (n == 0)
		return;
	buf_addf(out, "; %s=", tag);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(out, sep);
		buf_adds(out, v[i]);
	}
}

static void
render_policy(struct buf *out, const char *tag, enum dmarc_policy p)
{
	if (dmarc_policy_name(p) != NULL)
		buf_addf(out, "; %s=%s", tag, dmarc_policy_name(p));
}

static void
render_align(struct buf *out, const char *tag, enum dmarc_align a)
{
	if (a > DMARC_ALIGN_UNSET && a <= DMARC_ALIGN_STRICT)
		buf_addf(out, "; %s=%s", tag, align_names[a]);
}

void
dmarc_render(const struct dmarc_spec *c, struct buf *out)
{
	buf_adds(out, "v=DMARC1");
	render_policy(out, "p", c->policy);
	render_policy(out, "sp", c->subdomain_policy);
	render_policy(out, "np", c->nonexistent_subdomain_policy);
	/* t=n is what receivers assume without t, so only t=y is written. */
	if (c->testing == 1)
		buf_adds(out, "; t=y");
	if (c->pct >= 0)
		buf_addf(out, "; pct=%d", c->pct);
	render_list(out, "rua", c->rua, c->nrua, ',');
	render_list(out, "ruf", c->ruf, c->nruf, ',');
	render_align(out, "adkim", c->adkim);
	render_align(out, "aspf", c->aspf);
	render_list(out, "fo", c->fo, c->nfo, ':');
	if (c->ri >= 0)
		buf_addf(out, "; ri=%ld", c->ri);
}

int
dmarc_is_record(const char *text)
{
	/* Leading white space is accepted here so that mailauth owns (and
	 * replaces) such a record; dmarc_check() reports it as an error. */
	return tag_version_is(text, "DMARC1");
}

/* dmarc_is_record() on len bytes, which need not end in a NUL. */
static int
is_record_n(const char *text, size_t len)
{
	char	*head = xstrndup(text, len);
	int	 yes = dmarc_is_record(head);

	free(head);
	return yes;
}

/* Where parse() sends its problems: err (stop at the first) or d (all). */
struct sink {
	struct err	*err;
	struct diags	*d;
	const char	*where;
	int		 failed;
	int		 upper;		/* a tag name not in lower case */
};

static void
report(struct sink *k, enum diag_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(struct sink *k, enum diag_level level, const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (k->d != NULL)
		diags_add(k->d, level, NULL, 0, 0, "%s: %s", k->where,
		    buf_str(&msg));
	else if (level == DIAG_ERROR)
		err_set(k->err, "%s", buf_str(&msg));
	if (level == DIAG_ERROR)
		k->failed = 1;
	buf_release(&msg);
}

static int
valid_name(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

/* The tags of RFC 9989, and those it removed but older receivers read. */
static int
is_known_tag(const char *name)
{
	static const char *const known[] = {
		"v", "p", "sp", "np", "t", "psd", "adkim", "aspf", "fo", "rua",
		"ruf", "pct", "ri", "rf"
	};
	size_t	 i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(name, known[i]) == 0)
			return 1;
	return 0;
}

/* Parses one "name=value" segment into rec; -1 when it was reported. */
static int
parse_tag(const char *s, size_t n, struct dmarc_record *rec, struct sink *k)
{
	struct dmarc_tag	*t;
	const char		*eq = memchr(s, '=', n), *v;
	char			*name;
	size_t			 nn, vn, i;

	if (eq == NULL) {
		report(k, DIAG_ERROR, "'%.*s': tag has no '=' (RFC 9989)", (int)n, s);
		return -1;
	}
	nn = (size_t)(eq - s);
	tag_trim(&s, &nn);
	if (!valid_name(s, nn)) {
		report(k, DIAG_ERROR, "'%.*s' is not a tag name "
		    "(RFC 9989)", (int)nn, s);
		return -1;
	}
	name = xstrndup(s, nn);
	for (i = 0; i < nn; i++)
		name[i] = (char)tolower((unsigned char)name[i]);
	if (memcmp(name, s, nn) != 0)
		k->upper = 1;
	if (memcmp(name, s, nn) != 0 && is_known_tag(name))
		report(k, DIAG_WARNING, "'%.*s=': write the tag name in lower "
		    "case: OpenDMARC reads '%.*s' as '%s', but Mail::DMARC "
		    "ignores it%s %s", (int)nn, s, (int)nn, s, name,
		    strcmp(name, "v") == 0 ? " and with it the whole record" :
		    strcmp(name, "p") == 0 ? " and sees no policy" : "",
		    "(RFC 7489 §6.4)");
	if (dmarc_tag_get(rec, name) != NULL) {
		report(k, DIAG_ERROR, "tag '%s' is repeated (RFC 9989)", name);
		free(name);
		return -1;
	}
	v = eq + 1;
	vn = n - (size_t)(v - s);
	tag_trim(&v, &vn);
	t = xappend(&rec->tags, &rec->ntags, sizeof(*rec->tags));
	t->name = name;
	t->value = xstrndup(v, vn);
	return 0;
}

/*
 * Splits text into rec.  With k->d set, every problem is reported and the
 * tag at fault skipped; otherwise the first one fills k->err.  Returns -1
 * when there was a problem (rec then holds what parsed, for the caller to
 * release).
 */
static int
parse(const char *text, size_t len, struct dmarc_record *rec,
    struct sink *k)
{
	const char	*p = text, *end = text + len, *e, *s;
	size_t		 n;

	memset(rec, 0, sizeof(*rec));
	if (!is_record_n(text, len)) {
		report(k, DIAG_ERROR, "not a DMARC record: it must start "
		    "with 'v=DMARC1' (RFC 9989)");
		return -1;
	}
	/* dmarc_check() reports a NUL (from a "\000" escape) once; the
	 * record is never what it means without it. */
	if (k->d == NULL && memchr(text, '\0', len) != NULL) {
		report(k, DIAG_ERROR, "the record holds a NUL byte (RFC 9989)");
		return -1;
	}
	for (; p != NULL; p = e != NULL ? e + 1 : NULL) {
		e = memchr(p, ';', (size_t)(end - p));
		s = p;
		n = e != NULL ? (size_t)(e - p) : (size_t)(end - p);
		tag_trim(&s, &n);
		if (n == 0) {
			/* Only the one after a final ';' is expected. */
			if (e != NULL)
				report(k, DIAG_WARNING, "empty tag (';;'): "
				    "receivers skip it (RFC 9989)");
			continue;
		}
		if (parse_tag(s, n, rec, k) == -1 && k->d == NULL)
			return -1;
	}
	return k->failed ? -1 : 0;
}

int
dmarc_parse(const char *text, struct dmarc_record *rec, struct err *err)
{
	struct sink	 k = { err, NULL, NULL, 0, 0 };

	if (parse(text, strlen(text), rec, &k) == -1) {
		dmarc_record_release(rec);
		return -1;
	}
	return 0;
}

void
dmarc_record_release(struct dmarc_record *rec)
{
	size_t	 i;

	for (i = 0; i < rec->ntags; i++) {
		free(rec->tags[i].name);
		free(rec->tags[i].value);
	}
	free(rec->tags);
	memset(rec, 0, sizeof(*rec));
}

const char *
dmarc_tag_get(const struct dmarc_record *rec, const char *name)
{
	size_t	 i;

	for (i = 0; i < rec->ntags; i++)
		if (strcasecmp(rec->tags[i].name, name) == 0)
			return rec->tags[i].value;
	return NULL;
}

/* Tags whose values are keywords, compared without regard to case. */
static int
is_keyword_tag(const char *name)
{
	static const char *const kw[] = {
		"p", "sp", "np", "t", "psd", "adkim", "aspf"
	};
	size_t	 i;

	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strcmp(name, kw[i]) == 0)
			return 1;
	return 0;
}

/* Lists item by item, white space around sep ignored. */
static int
list_equal(const char *a, const char *b, char sep, int nocase)
{
	const char	*s, *t;
	size_t		 n, m;
	int		 ma, mb;

	for (;;) {
		ma = tag_next_item(&a, sep, &s, &n);
		mb = tag_next_item(&b, sep, &t, &m);
		if (!ma || !mb)
			return ma == mb;
		if (n != m)
			return 0;
		if (nocase ? strncasecmp(s, t, n) != 0 : memcmp(s, t, n) != 0)
			return 0;
	}
}

static int
value_equal(const char *name, const char *a, const char *b)
{
	if (is_keyword_tag(name))
		return strcasecmp(a, b) == 0;
	if (strcmp(name, "fo") == 0 || strcmp(name, "rf") == 0)
		return list_equal(a, b, ':', 1);
	if (strcmp(name, "rua") == 0 || strcmp(name, "ruf") == 0)
		return list_equal(a, b, ',', 0);
	/* v included: receivers accept only "DMARC1" written exactly. */
	return strcmp(a, b) == 0;
}

/* dmarc_parse() on len bytes, quietly; *upper set when a tag name is
 * not in lower case. */
static int
parse_quiet(const char *text, size_t len, struct dmarc_record *rec,
    int *upper)
{
	struct sink	 k = { NULL, NULL, NULL, 0, 0 };

	if (parse(text, len, rec, &k) == -1) {
		dmarc_record_release(rec);
		return -1;
	}
	*upper = k.upper;
	return 0;
}

int
dmarc_equivalent_bytes(const char *a, size_t alen, const char *b,
    size_t blen)
{
	struct dmarc_record	 ra, rb;
	const char		*v;
	size_t			 i;
	int			 same = 0, ua, ub;

	if (parse_quiet(a, alen, &ra, &ua) == -1)
		return 0;
	if (parse_quiet(b, blen, &rb, &ub) == -1) {
		dmarc_record_release(&ra);
		return 0;
	}
	/* Tag names in another case mean the same to OpenDMARC, but not to
	 * Mail::DMARC, which ignores "P=": only the same bytes are the same
	 * record then. */
	if (ua || ub) {
		same = alen == blen && memcmp(a, b, alen) == 0;
		goto out;
	}
	if (ra.ntags != rb.ntags)
		goto out;
	for (i = 0; i < ra.ntags; i++) {
		v = dmarc_tag_get(&rb, ra.tags[i].name);
		if (v == NULL || !value_equal(ra.tags[i].name,
		    ra.tags[i].value, v))
			goto out;
	}
	same = 1;
out:
	dmarc_record_release(&ra);
	dmarc_record_release(&rb);
	return same;
}

int
dmarc_equivalent(const char *a, const char *b)
{
	return dmarc_equivalent_bytes(a, strlen(a), b, strlen(b));
}

/* 1 when value (case ignored) is one of the NULL-terminated words. */
static int
one_of(const char *value, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcasecmp(value, *words) == 0)
			return 1;
	return 0;
}

static int
all_digits(const char *s, size_t max)
{
	size_t	 n = strlen(s);

	return n > 0 && n <= max && strspn(s, "0123456789") == n;
}

static int
uri_char(unsigned char c)
{
	/* RFC 3986 unreserved and reserved characters, less ',' and '!'
	 * which a DMARC URI must percent-encode, and ';'. */
	return isalnum(c) || strchr("-._~:/?#[]@$&'()*+=", c) != NULL;
}

/*
 * 1 when [s, s + n) is a DMARC report URI: an RFC 3986 URI with a scheme,
 * optionally followed by "!" and a size ("!10m"), which RFC 9989 receivers
 * ignore but older ones honour.
 */
static int
valid_uri(const char *s, size_t n)
{
	const char	*bang = memchr(s, '!', n);
	size_t		 i, end = bang != NULL ? (size_t)(bang - s) : n;

	if (bang != NULL) {
		size_t	 j = end + 1, digits = 0;

		while (j < n && isdigit((unsigned char)s[j])) {
			j++;
			digits++;
		}
		if (j < n && strchr("kmgtKMGT", s[j]) != NULL)
			j++;
		if (digits == 0 || j != n)
			return 0;
	}
	if (end == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < end && s[i] != ':'; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("+-.", s[i]) == NULL)
			return 0;
	if (i >= end - 1)	/* no ':' or nothing after it */
		return 0;
	for (i++; i < end; i++) {
		if (s[i] == '%') {
			if (i + 2 >= end || !isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2]))
				return 0;
			i += 2;
		} else if (!uri_char((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* 1 for "mailto:" with no "local@domain" after it (a size suffix
 * "!10m" aside): no report can reach it. */
static int
is_mailto_without_address(const char *s, size_t n)
{
	const char	*bang = memchr(s, '!', n), *at;
	size_t		 end = bang != NULL ? (size_t)(bang - s) : n;

	if (end < 7 || strncasecmp(s, "mailto:", 7) != 0)
		return 0;
	at = memchr(s + 7, '@', end - 7);
	return at == NULL || at == s + 7 || at == s + end - 1;
}

/* Checks a rua/ruf list; returns how many of its URIs are valid. */
static size_t
check_uris(struct sink *k, const char *tag, const char *value)
{
	const char	*p = value, *s;
	size_t		 n, valid = 0;

	while (tag_next_item(&p, ',', &s, &n)) {
		if (n == 0) {
			report(k, DIAG_ERROR, "'%s=%s': empty URI in the list (RFC 9989)",
			    tag, value);
			continue;
		}
		if (is_mailto_without_address(s, n)) {
			report(k, DIAG_ERROR, "'%s=%s': '%.*s' has no mail "
			    "address, so receivers send no %s reports there; "
			    "write mailto:dmarc@example.com (RFC 9989)", tag,
			    value, (int)n, s, strcmp(tag, "rua") == 0 ?
			    "aggregate" : "failure");
			continue;
		}
		if (!valid_uri(s, n)) {
			report(k, DIAG_ERROR, "'%s=%s': '%.*s' is not a URI "
			    "(e.g. mailto:dmarc@example.com) (RFC 9989)", tag,
			    value, (int)n, s);
			continue;
		}
		valid++;
		if (n < 7 || strncasecmp(s, "mailto:", 7) != 0)
			report(k, DIAG_WARNING, "'%s=%s': '%.*s' is not a "
			    "mailto: URI; receivers send reports by mail only "
			    "(RFC 9989)", tag, value, (int)n, s);
	}
	return valid;
}

/* Checks a ':' list of words; one error for the tag however many fail. */
static void
check_list(struct sink *k, const char *tag, const char *value,
    const char *const *words, const char *expected)
{
	const char	*p = value, *s;
	size_t		 n;
	char		*w;
	int		 ok;

	while (tag_next_item(&p, ':', &s, &n)) {
		w = xstrndup(s, n);
		ok = one_of(w, words);
		free(w);
		if (!ok) {
			report(k, DIAG_ERROR, "'%s=%s': expected %s (RFC 9989)", tag,
			    value, expected);
			return;
		}
	}
}

/* 1 when every ':'-separated item of value is one of words. */
static int
all_of(const char *value, const char *const *words)
{
	const char	*p = value, *s;
	size_t		 n;
	char		*w;
	int		 ok = 1;

	while (ok && tag_next_item(&p, ':', &s, &n)) {
		w = xstrndup(s, n);
		ok = one_of(w, words);
		free(w);
	}
	return ok;
}

/*
 * A tag RFC 9989 removed (pct, ri, rf): its receivers ignore it, so it is
 * one warning.  Only a value that RFC 7489 (§6.3) did not allow is an
 * error, as receivers that still follow it may then ignore the whole
 * record (OpenDMARC's parser refuses it).
 */
static void
removed(struct sink *k, const char *n, const char *v, int valid,
    const char *expected)
{
	if (valid)
		report(k, DIAG_WARNING, "'%s=%s': RFC 9989 removed %s, so "
		    "receivers that follow it ignore the tag; only older "
		    "ones read it (RFC 7489 §6.3)", n, v, n);
	else
		report(k, DIAG_ERROR, "'%s=%s': RFC 9989 removed %s and its "
		    "receivers ignore it, but older ones (OpenDMARC) ignore "
		    "the whole record for this value: remove the tag, or "
		    "write %s (RFC 7489 §6.3)", n, v, n, expected);
}

static void
check_tag(struct sink *k, const struct dmarc_tag *t)
{
	static const char *const yn[] = { "y", "n", NULL };
	static const char *const ynu[] = { "y", "n", "u", NULL };
	static const char *const rs[] = { "r", "s", NULL };
	static const char *const fo[] = { "0", "1", "d", "s", NULL };
	static const char *const rf[] = { "afrf", "iodef", NULL };
	const char	*n = t->name, *v = t->value;

	if (strcmp(n, "v") == 0) {
		if (strcmp(v, "DMARC1") != 0)
			report(k, DIAG_ERROR, "'v=%s': the version must be "
			    "'DMARC1' exactly; receivers ignore the record "
			    "(RFC 9989)", v);
	} else if (strcmp(n, "p") == 0 || strcmp(n, "sp") == 0 ||
	    strcmp(n, "np") == 0) {
		if (dmarc_policy_parse(v, DMARC_CASE_ANY) == DMARC_POLICY_UNSET)
			report(k, DIAG_ERROR, "'%s=%s': expected none, "
			    "quarantine or reject (RFC 9989)", n, v);
	} else if (strcmp(n, "t") == 0) {
		if (!one_of(v, yn))
			report(k, DIAG_ERROR, "'t=%s': expected y or n (RFC 9989)", v);
	} else if (strcmp(n, "psd") == 0) {
		if (!one_of(v, ynu))
			report(k, DIAG_ERROR, "'psd=%s': expected y, n or u (RFC 9989)",
			    v);
	} else if (strcmp(n, "adkim") == 0 || strcmp(n, "aspf") == 0) {
		if (!one_of(v, rs))
			report(k, DIAG_ERROR, "'%s=%s': expected r or s (RFC 9989)", n, v);
	} else if (strcmp(n, "fo") == 0) {
		check_list(k, n, v, fo, "0, 1, d or s, joined with ':'");
	} else if (strcmp(n, "rua") == 0 || strcmp(n, "ruf") == 0) {
		check_uris(k, n, v);
	} else if (strcmp(n, "pct") == 0) {
		removed(k, n, v, all_digits(v, 3) && atoi(v) <= 100,
		    "an integer from 0 to 100");
	} else if (strcmp(n, "ri") == 0) {
		removed(k, n, v, all_digits(v, 10) &&
		    strtoull(v, NULL, 10) <= 4294967295ULL,
		    "a number of seconds");
	} else if (strcmp(n, "rf") == 0) {
		removed(k, n, v, all_of(v, rf), "afrf or iodef, joined with "
		    "':'");
	} else
		report(k, DIAG_WARNING, "'%s=%s': unknown tag; receivers "
		    "ignore it (RFC 9989)", n, v);
}

/* 1 when value holds at least one valid report URI. */
static int
has_valid_uri(const char *value)
{
	const char	*p = value, *s;
	size_t		 n;

	while (tag_next_item(&p, ',', &s, &n))
		if (n > 0 && valid_uri(s, n))
			return 1;
	return 0;
}

void
dmarc_check(const char *text, const char *where, struct diags *d)
{
	dmarc_check_bytes(text, strlen(text), where, d);
}

void
dmarc_check_bytes(const char *text, size_t len, const char *where,
    struct diags *d)
{
	struct sink		 k = { NULL, d, where, 0, 0 };
	struct dmarc_record	 rec;
	const unsigned char	*u = (const unsigned char *)text;
	const char		*rua;
	size_t			 i;

	if (k.where == NULL)
		k.where = "DMARC record";
	if (len > 0 && is_wsp(text[0]))
		report(&k, DIAG_ERROR, "the record starts with white space; "
		    "receivers ignore it (RFC 9989)");
	/* To the length: a NUL from a "\000" escape does not end it. */
	for (i = 0; i < len; i++)
		if ((u[i] < 0x20 && u[i] != '\t') || u[i] > 0x7e) {
			report(&k, DIAG_ERROR, "byte 0x%02x at offset %zu is "
			    "not printable ASCII%s (RFC 9989)", u[i], i,
			    u[i] == 0 ? " (a NUL, from a '\\000' escape): "
			    "receivers read another record or none" : "");
			break;
		}
	if (!is_record_n(text, len)) {
		report(&k, DIAG_ERROR, "not a DMARC record: it must start "
		    "with 'v=DMARC1' (RFC 9989)");
		return;
	}
	parse(text, len, &rec, &k);
	for (i = 0; i < rec.ntags; i++)
		check_tag(&k, &rec.tags[i]);

	rua = dmarc_tag_get(&rec, "rua");
	if (dmarc_tag_get(&rec, "p") == NULL) {
		if (rua != NULL && has_valid_uri(rua))
			report(&k, DIAG_WARNING, "no 'p=' tag: receivers act "
			    "as if p=none because rua= is set; write p=none "
			    "(RFC 9989)");
		else
			report(&k, DIAG_ERROR, "no 'p=' tag and no valid "
			    "'rua=': receivers ignore the record "
			    "(RFC 9989)");
	} else if (rec.ntags < 2 || strcmp(rec.tags[1].name, "p") != 0)
		report(&k, DIAG_WARNING, "'p=' is not right after 'v=': "
		    "receivers that follow RFC 7489 require it there "
		    "(RFC 7489 §6.4)");
	dmarc_record_release(&rec);
}
