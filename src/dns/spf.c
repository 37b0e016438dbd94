/*
 * spf.c - SPF record text (RFC 7208): rendered from a spec, recognised,
 * compared term by term, checked, and encoded split at term boundaries.
 *
 * A record is "v=spf1" followed by terms separated by runs of spaces.  The
 * checker walks the terms once, telling syntax findings (a receiver returns
 * permerror whatever DNS says) from policy findings (the record works but
 * probably not as meant), so that the two can be asked for separately.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/spf.h"

#define VERSION		"v=spf1"
#define VERSION_LEN	6

/* Indexed by enum spf_all. */
static const char *const all_terms[] = { NULL, "-all", "~all", "?all" };

/* An item and its place, sorted to find equal ones in n log n: comparing
 * each item with all before it took n squared (55,000 includes: 5 s). */
struct item {
	const char	*s;
	size_t		 i;
};

static int
item_cmp(const void *a, const void *b)
{
	const struct item	*x = a, *y = b;
	int			 c = strcasecmp(x->s, y->s);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Appends the n items of v, each but the first of equal ones (case
 * ignored), as "PREFIXitem". */
static void
render_list(struct buf *out, const char *prefix, char *const *v, size_t n)
{
	struct item	*t;
	char		*dup;
	size_t		 i;

	if (n == 0)
		return;
	t = xcalloc(n, sizeof(*t));
	dup = xcalloc(n, 1);
	for (i = 0; i < n; i++) {
		t[i].s = v[i];
		t[i].i = i;
	}
	qsort(t, n, sizeof(*t), item_cmp);
	for (i = 1; i < n; i++)
		if (strcasecmp(t[i].s, t[i - 1].s) == 0)
			dup[t[i].i] = 1;
	for (i = 0; i < n; i++)
		if (!dup[i])
			buf_addf(out, " %s%s", prefix, v[i]);
	free(dup);
	free(t);
}

void
spf_render(const struct spf_spec *c, struct buf *out)
{
	buf_adds(out, VERSION);
	render_list(out, "ip4:", c->ip4, c->nip4);
	render_list(out, "ip6:", c->ip6, c->nip6);
	if (c->a)
		buf_adds(out, " a");
	if (c->mx)
		buf_adds(out, " mx");
	render_list(out, "include:", c->include, c->ninclude);
	if (c->all > SPF_ALL_UNSET && c->all <= SPF_ALL_NEUTRAL)
		buf_addf(out, " %s", all_terms[c->all]);
}

static int
is_record_n(const char *text, size_t len)
{
	return len >= VERSION_LEN &&
	    strncasecmp(text, VERSION, VERSION_LEN) == 0 &&
	    (len == VERSION_LEN || text[VERSION_LEN] == ' ');
}

int
spf_is_record(const char *text)
{
	return is_record_n(text, strlen(text));
}

/*
 * Terms: [s, s + n) slices of the record.  next_term() skips the run of
 * spaces at *pp and returns the term after it, or 0 at the end.
 */
static int
next_term(const char **pp, const char *end, const char **s, size_t *n)
{
	const char	*p = *pp, *e;

	while (p < end && *p == ' ')
		p++;
	if (p == end)
		return 0;
	for (e = p; e < end && *e != ' '; e++)
		;
	*s = p;
	*n = (size_t)(e - p);
	*pp = e;
	return 1;
}

static int
is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* The length of the modifier name at the start of the term when the term
 * is a modifier ("name=..."), else 0. */
static size_t
modifier_name(const char *s, size_t n)
{
	size_t	 k = 0;

	if (n == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	while (k < n && is_name_char(s[k]))
		k++;
	return k < n && s[k] == '=' ? k : 0;
}

static int
is_qualifier(char c)
{
	return c == '+' || c == '-' || c == '~' || c == '?';
}

enum mech {
	M_ALL,
	M_INCLUDE,
	M_A,
	M_MX,
	M_PTR,
	M_IP4,
	M_IP6,
	M_EXISTS,
	M_UNKNOWN
};

static const struct {
	const char	*name;
	const char	*section;	/* of RFC 7208 */
	int		 dns;		/* counts toward the §4.6.4 limit */
} mechs[] = {
	{ "all", "5.1", 0 },
	{ "include", "5.2", 1 },
	{ "a", "5.3", 1 },
	{ "mx", "5.4", 1 },
	{ "ptr", "5.5", 1 },
	{ "ip4", "5.6", 0 },
	{ "ip6", "5.6", 0 },
	{ "exists", "5.7", 1 },
};

/* The mechanism whose name is [s, s + n), any case. */
static enum mech
find_mech(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < M_UNKNOWN; i++)
		if (strlen(mechs[i].name) == n &&
		    strncasecmp(mechs[i].name, s, n) == 0)
			return (enum mech)i;
	return M_UNKNOWN;
}

/* Appends the term in the form spf_equivalent() compares. */
static void
term_canon(const char *s, size_t n, struct buf *out)
{
	size_t	 k, i;

	if ((k = modifier_name(s, n)) == 0) {
		if (n > 0 && is_qualifier(s[0])) {
			if (s[0] != '+')
				buf_addc(out, s[0]);
			s++;
			n--;
		}
		for (k = 0; k < n && isalnum((unsigned char)s[k]); k++)
			;
		if (find_mech(s, k) == M_UNKNOWN)
			k = 0;
	}
	for (i = 0; i < k; i++)
		buf_addc(out, (char)tolower((unsigned char)s[i]));
	buf_add(out, s + k, n - k);
}

int
spf_equivalent(const char *a, const char *b)
{
	const char	*pa, *pb, *ea, *eb, *s, *t;
	struct buf	 ca = BUF_INIT, cb = BUF_INIT;
	size_t		 n, m;
	int		 ma, mb, same = 0;

	if (!spf_is_record(a) || !spf_is_record(b))
		return 0;
	/* The versions are equal, any case: spf_is_record() said so. */
	pa = a + VERSION_LEN;
	pb = b + VERSION_LEN;
	ea = a + strlen(a);
	eb = b + strlen(b);
	for (;;) {
		ma = next_term(&pa, ea, &s, &n);
		mb = next_term(&pb, eb, &t, &m);
		if (!ma || !mb) {
			same = ma == mb;
			break;
		}
		buf_reset(&ca);
		buf_reset(&cb);
		term_canon(s, n, &ca);
		term_canon(t, m, &cb);
		if (ca.len != cb.len || memcmp(buf_str(&ca), buf_str(&cb),
		    ca.len) != 0)
			break;
	}
	buf_release(&ca);
	buf_release(&cb);
	return same;
}

int
spf_all_qualifier(const char *text, char *q)
{
	const char	*p, *end, *s;
	size_t		 n;
	char		 c;

	if (!spf_is_record(text))
		return 0;
	p = text + VERSION_LEN;
	end = text + strlen(text);
	while (next_term(&p, end, &s, &n)) {
		c = '+';
		if (n > 0 && is_qualifier(s[0])) {
			c = s[0];
			s++;
			n--;
		}
		if (n == 3 && strncasecmp(s, "all", 3) == 0) {
			*q = c;
			return 1;
		}
	}
	return 0;
}

int
spf_has_redirect(const char *text)
{
	const char	*p, *end, *s;
	size_t		 n;

	if (!spf_is_record(text))
		return 0;
	p = text + VERSION_LEN;
	end = text + strlen(text);
	while (next_term(&p, end, &s, &n))
		if (modifier_name(s, n) == 8 &&
		    strncasecmp(s, "redirect", 8) == 0)
			return 1;
	return 0;
}

void
spf_txt_encode(const char *text, struct buf *out)
{
	txt_encode_split(text, TXT_SPLIT_TERMS, out);
}

/* The state of one check. */
struct chk {
	struct diags	*d;
	const char	*where;
	unsigned int	 what;		/* SPF_CHECK_* findings wanted */
	size_t		 ndns;		/* terms that query DNS */
	int		 nredirect;
	int		 nexp;
	int		 seen_all;
	int		 after_all;	/* reported a mechanism after all */
	const char	*domain;	/* where the record is published, or NULL */
	const char	*redirect;	/* the first redirect= term, when valid */
	size_t		 redirect_n;
};

static void
report(struct chk *c, unsigned int kind, enum diag_level level,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
report(struct chk *c, unsigned int kind, enum diag_level level,
    const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	if ((c->what & kind) == 0)
		return;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diags_add(c->d, level, NULL, 0, 0, "%s: %s", c->where, buf_str(&msg));
	buf_release(&msg);
}

#define SYNTAX(c, ...)	report((c), SPF_CHECK_SYNTAX, DIAG_ERROR, __VA_ARGS__)

/* A byte that may not appear in a term (RFC 7208 §4.6.1, §7.1). */
static int
bad_byte(unsigned char b)
{
	return b < 0x21 || b > 0x7e;
}

static int
has_bad_byte(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (bad_byte((unsigned char)s[i]))
			return 1;
	return 0;
}

/*
 * Checks the macro-string [s, s + n) (RFC 7208 §7.1).  In a domain-spec
 * (domain set) the macros c, r and t are refused: they are for exp text
 * only (§7.2).  Returns 0 and sets *macro_end just past the last
 * macro-expand (0 if none), or -1 with *why set to a static message.
 */
static int
macro_string(const char *s, size_t n, int domain, size_t *macro_end,
    int *has_p, const char **why)
{
	size_t	 i = 0, d, z;
	char	 l;

	*macro_end = 0;
	*has_p = 0;
	while (i < n) {
		if (s[i] != '%') {
			i++;
			continue;
		}
		if (i + 1 < n && strchr("%_-", s[i + 1]) != NULL) {
			i += 2;
			*macro_end = i;
			continue;
		}
		if (i + 1 >= n || s[i + 1] != '{') {
			*why = "'%' must be followed by '{', '%', '_' or '-' "
			    "(write '%%' for a '%') (RFC 7208 §7.1)";
			return -1;
		}
		i += 2;
		l = i < n ? (char)tolower((unsigned char)s[i]) : '\0';
		if (l == '\0' || strchr("slodiphcrtv", l) == NULL) {
			*why = "unknown macro letter; the letters are s, l, o, "
			    "d, i, p, h, v, and c, r, t in exp text "
			    "(RFC 7208 §7.2)";
			return -1;
		}
		if (domain && strchr("crt", l) != NULL) {
			*why = "the macros c, r and t are allowed only in exp "
			    "text, not in a domain (RFC 7208 §7.2)";
			return -1;
		}
		if (l == 'p')
			*has_p = 1;
		i++;
		for (d = i; i < n && isdigit((unsigned char)s[i]); i++)
			;
		/* Not strspn: the digits may end the buffer, with no NUL. */
		for (z = d; z < i && s[z] == '0'; z++)
			;
		if (i > d && z == i) {
			*why = "a macro's number of parts must not be zero "
			    "(RFC 7208 §7.3)";
			return -1;
		}
		if (i < n && (s[i] == 'r' || s[i] == 'R'))
			i++;
		while (i < n && strchr(".-+,/_=", s[i]) != NULL)
			i++;
		if (i >= n || s[i] != '}') {
			*why = "bad macro: expected '%{' letter, digits, 'r', "
			    "delimiters '.-+,/_=' and '}' (RFC 7208 §7.1)";
			return -1;
		}
		i++;
		*macro_end = i;
	}
	return 0;
}

/* toplabel = ( *alphanum ALPHA *alphanum ) /
 *            ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static int
toplabel(const char *s, size_t n)
{
	size_t	 i;
	int	 alpha = 0, dash = 0;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = 1;
		else if (s[i] == '-')
			dash = 1;
		else if (!isdigit((unsigned char)s[i]))
			return 0;
	}
	if (dash)
		return s[0] != '-' && s[n - 1] != '-';
	return alpha;
}

/* Why the literal name [s, s + n) cannot be a DNS name (RFC 1035 §2.3.4),
 * or NULL when it can be one. */
static const char *
name_fault(const char *s, size_t n)
{
	const char	*p = s, *e = s + n, *dot;

	if (n > 0 && s[n - 1] == '.')
		e--;
	if (e - s > 253)
		return "is over 253 bytes";
	for (; p <= e; p = dot + 1) {
		if ((dot = memchr(p, '.', (size_t)(e - p))) == NULL)
			dot = e;
		if (dot == p)
			return "has an empty label";
		if (dot - p > 63)
			return "has a label over 63 bytes";
	}
	return NULL;
}

/*
 * 1 when the domain-spec [s, s + n) names the record's own domain, so that
 * an include or a redirect to it evaluates this record again: %{d} is the
 * current domain and %{o} the sender's, which is where the evaluation that
 * reached this record began (RFC 7208 §7.3); a literal name only when the
 * domain is known.  Case and a final '.' are ignored, as in DNS.
 */
static int
is_self(const struct chk *c, const char *s, size_t n)
{
	size_t	 dn;

	if (n == 4 && s[0] == '%' && s[1] == '{' && s[3] == '}' &&
	    (s[2] == 'd' || s[2] == 'D' || s[2] == 'o' || s[2] == 'O'))
		return 1;
	if (c->domain == NULL || memchr(s, '%', n) != NULL)
		return 0;
	dn = strlen(c->domain);
	if (dn > 0 && c->domain[dn - 1] == '.')
		dn--;
	if (n > 0 && s[n - 1] == '.')
		n--;
	return n == dn && n > 0 && strncasecmp(s, c->domain, n) == 0;
}

/*
 * Policy findings on the target [s, s + n) of an include (redirect is
 * include == 0, and seen only when the record has no all): a target that
 * is this record itself loops until the lookup limit, and a literal name
 * that DNS cannot hold makes check_host() return none (§4.3), which an
 * include (§5.2) and a redirect (§6.1) turn into permerror.
 */
static void
include_target(struct chk *c, const char *term, size_t tn, const char *s,
    size_t n, int include)
{
	const char	*why;

	if (is_self(c, s, n))
		report(c, SPF_CHECK_POLICY, DIAG_ERROR, "'%.*s' %s this "
		    "record itself: the evaluation loops until the DNS lookup "
		    "limit and receivers return permerror for every message "
		    "that reaches it (RFC 7208 §%s, §4.6.4)", (int)tn, term,
		    include ? "includes" : "redirects to",
		    include ? "5.2" : "6.1");
	else if (memchr(s, '%', n) == NULL && (why = name_fault(s, n)) != NULL)
		report(c, SPF_CHECK_POLICY, DIAG_ERROR, "'%.*s': the name %s; "
		    "receivers cannot look it up and return permerror for "
		    "every message that reaches it (RFC 7208 §4.3, §%s)",
		    (int)tn, term, why, include ? "5.2" : "6.1");
}

/* Policy: a literal name of a, mx, ptr, exists or exp that DNS cannot
 * hold never matches: receivers treat it as a name with no records, as
 * the RFC 7208 suite's invalid-domain tests expect. */
static void
lookup_target(struct chk *c, const char *term, size_t tn, const char *s,
    size_t n)
{
	const char	*why;

	if (memchr(s, '%', n) == NULL && (why = name_fault(s, n)) != NULL)
		report(c, SPF_CHECK_POLICY, DIAG_WARNING, "'%.*s': the name "
		    "%s; receivers cannot look it up, so the term never "
		    "matches (RFC 7208 §4.8)", (int)tn, term, why);
}

/*
 * Checks the domain-spec [s, s + n) of the term [term, term + tn):
 *   domain-spec = macro-string domain-end
 *   domain-end  = ( "." toplabel [ "." ] ) / macro-expand
 * Returns 0 when it is one, -1 after reporting why not.  A %{p} in it is
 * a policy warning, as ptr is.
 */
static int
domain_spec(struct chk *c, const char *term, size_t tn, const char *s,
    size_t n, const char *section)
{
	const char	*why = NULL, *t;
	size_t		 me, end, dot;
	int		 has_p;

	if (n == 0) {
		SYNTAX(c, "'%.*s': the domain is empty (RFC 7208 §%s)",
		    (int)tn, term, section);
		return -1;
	}
	if (macro_string(s, n, 1, &me, &has_p, &why) == -1) {
		SYNTAX(c, "'%.*s': %s", (int)tn, term, why);
		return -1;
	}
	if (has_p)
		report(c, SPF_CHECK_POLICY, DIAG_WARNING, "'%.*s': do not use "
		    "the %%{p} macro: like ptr it is slow and unreliable, and "
		    "receivers expand it to 'unknown' when the lookups fail "
		    "(RFC 7208 §5.5, §7.3)", (int)tn, term);
	if (me == n)
		return 0;	/* ends in a macro */
	/* The literal tail after the last macro must end in ".toplabel",
	 * optionally followed by a '.'. */
	t = s + me;
	end = n - me;
	if (end > 0 && t[end - 1] == '.')
		end--;
	for (dot = end; dot > 0 && t[dot - 1] != '.'; dot--)
		;
	if (dot == 0 || !toplabel(t + dot, end - dot)) {
		SYNTAX(c, "'%.*s': '%.*s' is not a domain: it must end in a "
		    "'.' and a top-level label (letters, digits and '-', not "
		    "all digits) or in a macro (RFC 7208 §7.1)", (int)tn,
		    term, (int)n, s);
		return -1;
	}
	return 0;
}

/* Parses "/N" digits [s, s + n) as a CIDR length of at most max, with no
 * leading zero (RFC 7208 §5.6); -1 when it is not one. */
static int
cidr_len(const char *s, size_t n, int max)
{
	size_t	 i;
	int	 v = 0;

	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* The run of digits that ends [s, s + n) after a '/': its start, or n. */
static size_t
cidr_suffix(const char *s, size_t n)
{
	size_t	 i = n;

	while (i > 0 && isdigit((unsigned char)s[i - 1]))
		i--;
	return i < n && i > 0 && s[i - 1] == '/' ? i : n;
}

/* What a term with a prefix length of 0 covers (RFC 7208 §5.6). */
#define WHOLE_IP4	0x01
#define WHOLE_IP6	0x02

/* a and mx: [ ":" domain-spec ] [ "/" ip4-cidr ] [ "//" ip6-cidr ].
 * Returns -1 after a syntax error, else the WHOLE_* of the lengths that
 * are 0: any address of the name then covers every host of its family. */
static int
check_a_mx(struct chk *c, const char *term, size_t tn, const char *r,
    size_t rn, const char *name, const char *section)
{
	size_t	 d;
	int	 whole = 0;

	d = cidr_suffix(r, rn);
	if (d < rn && d >= 2 && r[d - 2] == '/') {
		if (cidr_len(r + d, rn - d, 128) == -1) {
			SYNTAX(c, "'%.*s': '//%.*s' is not an IPv6 prefix "
			    "length (0 to 128, no leading zero) (RFC 7208 "
			    "§%s)", (int)tn, term, (int)(rn - d), r + d,
			    section);
			return -1;
		}
		if (cidr_len(r + d, rn - d, 128) == 0)
			whole |= WHOLE_IP6;
		rn = d - 2;
		d = cidr_suffix(r, rn);
	}
	if (d < rn) {
		if (cidr_len(r + d, rn - d, 32) == -1) {
			SYNTAX(c, "'%.*s': '/%.*s' is not an IPv4 prefix "
			    "length (0 to 32, no leading zero) (RFC 7208 §%s)",
			    (int)tn, term, (int)(rn - d), r + d, section);
			return -1;
		}
		if (cidr_len(r + d, rn - d, 32) == 0)
			whole |= WHOLE_IP4;
		rn = d - 1;
	}
	if (rn == 0)
		return whole;
	if (r[0] != ':') {
		SYNTAX(c, "'%.*s': expected '%s', '%s:DOMAIN' and optional "
		    "'/N' and '//N' (RFC 7208 §%s)", (int)tn, term, name,
		    name, section);
		return -1;
	}
	if (domain_spec(c, term, tn, r + 1, rn - 1, section) == -1)
		return -1;
	lookup_target(c, term, tn, r + 1, rn - 1);
	return whole;
}

/* 1 when [s, s + n) is a dotted quad with no leading zeros. */
static int
ip4_network(const char *s, size_t n)
{
	size_t	 i = 0, digits;
	int	 part, v;

	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
		/* Summed up to four digits, enough to refuse the number,
		 * so a long run cannot overflow v. */
		for (digits = 0, v = 0; i < n && isdigit((unsigned char)s[i]);
		    i++, digits++)
			if (digits < 4)
				v = v * 10 + (s[i] - '0');
		if (digits == 0 || digits > 3 || v > 255 ||
		    (digits > 1 && s[i - digits] == '0'))
			return 0;
	}
	return i == n;
}

static int
ip6_network(const char *s, size_t n)
{
	struct in6_addr	 a;
	char		*z;
	int		 ok;

	if (n == 0 || n >= INET6_ADDRSTRLEN)
		return 0;
	z = xstrndup(s, n);
	ok = inet_pton(AF_INET6, z, &a) == 1;
	free(z);
	return ok;
}

/* ip4 and ip6: ":" network [ "/" cidr-length ].  Returns -1 after a
 * syntax error, else WHOLE_IP4 or WHOLE_IP6 for a length of 0 (any
 * address: the network is the whole family), else 0. */
static int
check_ip(struct chk *c, const char *term, size_t tn, const char *r,
    size_t rn, int v6)
{
	const char	*slash;
	size_t		 an;
	int		 len;

	if (rn == 0 || r[0] != ':') {
		SYNTAX(c, "'%.*s': expected 'ip%d:%s' (RFC 7208 §5.6)",
		    (int)tn, term, v6 ? 6 : 4, v6 ? "2001:db8::/32" :
		    "192.0.2.0/24");
		return -1;
	}
	r++;
	rn--;
	slash = memchr(r, '/', rn);
	an = slash != NULL ? (size_t)(slash - r) : rn;
	if (!(v6 ? ip6_network(r, an) : ip4_network(r, an))) {
		SYNTAX(c, "'%.*s': '%.*s' is not an %s address%s (RFC 7208 "
		    "§5.6)", (int)tn, term, (int)an, r, v6 ? "IPv6" : "IPv4",
		    v6 ? "" : " (four numbers 0-255, no leading zeros, "
		    "no port)");
		return -1;
	}
	if (slash == NULL)
		return 0;
	if ((len = cidr_len(slash + 1, rn - an - 1, v6 ? 128 : 32)) == -1) {
		SYNTAX(c, "'%.*s': '%.*s' is not a prefix length (/0 to /%d, "
		    "no leading zero) (RFC 7208 §5.6)", (int)tn, term,
		    (int)(rn - an), slash, v6 ? 128 : 32);
		return -1;
	}
	return len > 0 ? 0 : v6 ? WHOLE_IP6 : WHOLE_IP4;
}

/*
 * The one rule for a term that gives pass to every host: +all, a bare
 * all, and a pass mechanism whose prefix length of 0 covers a whole
 * address family (whole: WHOLE_*; 0 for all).  Receivers then pass
 * forged mail from anywhere (RFC 7208 §5.1, §5.6).
 */
static void
passes_everyone(struct chk *c, const char *term, size_t tn, int whole,
    const char *section)
{
	const char	*who;

	if (whole == 0)
		who = "host on the internet";
	else if (whole == (WHOLE_IP4 | WHOLE_IP6))
		who = "IPv4 and IPv6 host on the internet";
	else if (whole == WHOLE_IP4)
		who = "IPv4 host on the internet";
	else
		who = "IPv6 host on the internet";
	report(c, SPF_CHECK_POLICY, DIAG_ERROR, "'%.*s' lets every %s send "
	    "mail as the domain: receivers pass mail from any of them, forged "
	    "or not; list only your senders and end with -all or ~all "
	    "(RFC 7208 §%s)", (int)tn, term, who, section);
}

static void
check_mechanism(struct chk *c, const char *term, size_t tn)
{
	const char	*s = term, *r;
	size_t		 n = tn, k, rn;
	enum mech	 m;
	char		 q = '+';
	int		 whole;

	if (n > 0 && is_qualifier(s[0])) {
		q = s[0];
		s++;
		n--;
	}
	for (k = 0; k < n && isalnum((unsigned char)s[k]); k++)
		;
	if (k == 0) {
		SYNTAX(c, "'%.*s' is not a mechanism or a modifier "
		    "(RFC 7208 §4.6.1)", (int)tn, term);
		return;
	}
	if ((m = find_mech(s, k)) == M_UNKNOWN) {
		SYNTAX(c, "'%.*s': unknown mechanism '%.*s'; the mechanisms "
		    "are all, include, a, mx, ptr, ip4, ip6 and exists "
		    "(RFC 7208 §5)", (int)tn, term, (int)k, s);
		return;
	}
	r = s + k;
	rn = n - k;
	if (mechs[m].dns)
		c->ndns++;
	if (c->seen_all && !c->after_all) {
		c->after_all = 1;
		report(c, SPF_CHECK_POLICY, DIAG_WARNING, "'%.*s': mechanisms "
		    "after 'all' are never evaluated (RFC 7208 §5.1)",
		    (int)tn, term);
	}
	switch (m) {
	case M_ALL:
		c->seen_all = 1;
		if (rn > 0)
			SYNTAX(c, "'%.*s': 'all' takes no argument (RFC 7208 "
			    "§5.1)", (int)tn, term);
		else if (q == '+')
			passes_everyone(c, term, tn, 0, "5.1");
		break;
	case M_INCLUDE:
	case M_EXISTS:
		if (rn == 0 || r[0] != ':')
			SYNTAX(c, "'%.*s': expected '%s:DOMAIN' (RFC 7208 §%s)",
			    (int)tn, term, mechs[m].name, mechs[m].section);
		else if (domain_spec(c, term, tn, r + 1, rn - 1,
		    mechs[m].section) == -1)
			break;
		else if (m == M_INCLUDE)
			include_target(c, term, tn, r + 1, rn - 1, 1);
		else
			lookup_target(c, term, tn, r + 1, rn - 1);
		break;
	case M_A:
	case M_MX:
		whole = check_a_mx(c, term, tn, r, rn, mechs[m].name,
		    mechs[m].section);
		if (whole > 0 && q == '+')
			passes_everyone(c, term, tn, whole, mechs[m].section);
		break;
	case M_PTR:
		if (rn > 0 && r[0] != ':')
			SYNTAX(c, "'%.*s': expected 'ptr' or 'ptr:DOMAIN' "
			    "(RFC 7208 §5.5)", (int)tn, term);
		else if (rn > 0 && domain_spec(c, term, tn, r + 1, rn - 1,
		    "5.5") == 0)
			lookup_target(c, term, tn, r + 1, rn - 1);
		report(c, SPF_CHECK_POLICY, DIAG_WARNING, "'%.*s': do not use "
		    "ptr: it is slow, unreliable, and some receivers ignore "
		    "it (RFC 7208 §5.5)", (int)tn, term);
		break;
	case M_IP4:
	case M_IP6:
		whole = check_ip(c, term, tn, r, rn, m == M_IP6);
		if (whole > 0 && q == '+')
			passes_everyone(c, term, tn, whole, "5.6");
		break;
	case M_UNKNOWN:
		break;
	}
}

static void
check_modifier(struct chk *c, const char *term, size_t tn, size_t k)
{
	const char	*v = term + k + 1, *why = NULL;
	size_t		 vn = tn - k - 1, me;
	int		*count = NULL, has_p;
	const char	*section = NULL;

	if (k == 8 && strncasecmp(term, "redirect", k) == 0) {
		count = &c->nredirect;
		section = "6.1";
		c->ndns++;
	} else if (k == 3 && strncasecmp(term, "exp", k) == 0) {
		count = &c->nexp;
		section = "6.2";
	}
	if (count == NULL) {
		/* Unknown modifiers are allowed, receivers ignore them; only
		 * their macro syntax must hold. */
		if (macro_string(v, vn, 0, &me, &has_p, &why) == -1)
			SYNTAX(c, "'%.*s': %s", (int)tn, term, why);
		return;
	}
	if (++*count == 2)
		SYNTAX(c, "'%.*s': the %.*s modifier is given more than once "
		    "(RFC 7208 §6)", (int)tn, term, (int)k, term);
	if (domain_spec(c, term, tn, v, vn, section) == -1)
		return;
	if (count == &c->nexp)
		lookup_target(c, term, tn, v, vn);
	else if (*count == 1) {
		/* Its target is judged at the end: an all anywhere in the
		 * record makes receivers ignore it (§5.1). */
		c->redirect = term;
		c->redirect_n = tn;
	}
}

static void
check_term(struct chk *c, const char *s, size_t n)
{
	const char	*eq, *stop;
	size_t		 k;

	if (has_bad_byte(s, n))
		return;		/* reported once for the whole record */
	if ((k = modifier_name(s, n)) > 0) {
		check_modifier(c, s, n, k);
		return;
	}
	eq = memchr(s, '=', n);
	for (stop = s; stop < s + n && *stop != ':' && *stop != '/'; stop++)
		;
	if (eq != NULL && eq < stop) {
		SYNTAX(c, "'%.*s': a modifier name starts with a letter, "
		    "followed by letters, digits, '-', '_' or '.' "
		    "(RFC 7208 §4.6.1)", (int)n, s);
		return;
	}
	check_mechanism(c, s, n);
}

/* The first byte that may not appear in a record: not printable ASCII,
 * or a control character used as a separator. */
static void
check_bytes(struct chk *c, const char *text, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		unsigned char	 b = (unsigned char)text[i];

		if (b == ' ' || !bad_byte(b))
			continue;
		if (b == 0)
			SYNTAX(c, "NUL byte at offset %zu: receivers return "
			    "permerror, or cut the record there and read only "
			    "what comes before it (RFC 7208 §4.6.1, §7.1)", i);
		else if (b > 0x7e && b != 0x7f)
			SYNTAX(c, "byte 0x%02x at offset %zu: an SPF record "
			    "is US-ASCII (RFC 7208 §3)", b, i);
		else
			SYNTAX(c, "control character 0x%02x at offset %zu: "
			    "terms are separated by spaces only (RFC 7208 "
			    "§4.6.1)", b, i);
		return;
	}
}

static void
check_policy(struct chk *c, size_t len)
{
	if (c->ndns > SPF_DNS_TERMS_MAX)
		report(c, SPF_CHECK_POLICY, DIAG_ERROR, "%zu terms query DNS "
		    "(include, a, mx, ptr, exists, redirect), over the limit "
		    "of %d; receivers return permerror (RFC 7208 §4.6.4)",
		    c->ndns, SPF_DNS_TERMS_MAX);
	else if (c->ndns >= SPF_DNS_TERMS_MAX - 1)
		report(c, SPF_CHECK_POLICY, DIAG_WARNING, "%zu terms query DNS "
		    "(include, a, mx, ptr, exists, redirect) of the %d "
		    "allowed, and those in included records count too "
		    "(RFC 7208 §4.6.4)", c->ndns, SPF_DNS_TERMS_MAX);
	if (!c->seen_all && c->nredirect == 0)
		report(c, SPF_CHECK_POLICY, DIAG_WARNING, "no 'all' and no "
		    "'redirect=': mail from any other host gets neutral; "
		    "end with -all or ~all (RFC 7208 §4.7)");
	else if (c->seen_all && c->nredirect > 0)
		report(c, SPF_CHECK_POLICY, DIAG_WARNING, "'redirect=' is "
		    "ignored because the record has 'all' (RFC 7208 §6.1)");
	else if (c->redirect != NULL)
		include_target(c, c->redirect, c->redirect_n, c->redirect + 9,
		    c->redirect_n - 9, 0);
	if (len > SPF_SIZE_WARN)
		report(c, SPF_CHECK_POLICY, DIAG_WARNING, "the record is %zu "
		    "bytes, over %d: with other records at the name the DNS "
		    "answer may not fit in 512 bytes of UDP (RFC 7208 §3.4)",
		    len, SPF_SIZE_WARN);
}

void
spf_check_at(const char *domain, const char *text, size_t len,
    const char *where, unsigned int what, struct diags *d)
{
	struct chk	 c;
	const char	*p, *end = text + len, *s;
	size_t		 n;

	memset(&c, 0, sizeof(c));
	c.d = d;
	c.where = where != NULL ? where : "SPF record";
	c.what = what;
	c.domain = domain;
	if (!is_record_n(text, len)) {
		SYNTAX(&c, "not an SPF record: it must start with 'v=spf1' "
		    "followed by a space or the end (RFC 7208 §4.5)");
		return;
	}
	check_bytes(&c, text, len);
	p = text + VERSION_LEN;
	while (next_term(&p, end, &s, &n))
		check_term(&c, s, n);
	check_policy(&c, len);
}

void
spf_check_bytes(const char *text, size_t len, const char *where,
    unsigned int what, struct diags *d)
{
	spf_check_at(NULL, text, len, where, what, d);
}

void
spf_check(const char *text, const char *where, struct diags *d)
{
	spf_check_at(NULL, text, strlen(text), where, SPF_CHECK_ALL, d);
}

void
spf_check_syntax(const char *text, const char *where, struct diags *d)
{
	spf_check_at(NULL, text, strlen(text), where, SPF_CHECK_SYNTAX, d);
}
