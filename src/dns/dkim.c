/*
 * dkim.c - DKIM key records as text (RFC 6376 §3.6.1, RFC 8301, RFC
 * 8463): split into tags, recognised, compared and checked.  Records made
 * from keys, and key pairs, are dkim-key.c's.
 *
 * The checks parse p= with OpenSSL's public-key readers only (d2i_PUBKEY
 * through dkim_spki_parse(), and d2i_PublicKey for a bare RSAPublicKey in
 * a live p=); src/dns/ uses OpenSSL here and in dkim-key.c only.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dkim.h"
#include "mailauth/dns.h"
#include "internal.h"

/* --- text helpers --- */

int
dkim_is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Copies [s, s + n) without any white space. */
static char *
strip_fws(const char *s, size_t n)
{
	char	*r = xmalloc(n + 1), *w = r;
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!dkim_is_fws(s[i]))
			*w++ = s[i];
	*w = '\0';
	return r;
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decodes base64 with white space anywhere (FWS is allowed inside p=).
 * Strict otherwise: only the base64 alphabet, padded to a multiple of 4,
 * '=' only as the last one or two characters.  Returns the bytes
 * (malloc'd, *n set) or NULL.
 */
unsigned char *
dkim_b64_decode(const char *s, size_t *n)
{
	char		*t = strip_fws(s, strlen(s));
	unsigned char	*out = NULL;
	size_t		 len = strlen(t), i, o = 0, pad = 0;
	unsigned long	 acc = 0;
	int		 v;

	if (len % 4 != 0)
		goto out;
	if (len > 0 && t[len - 1] == '=')
		pad++;
	if (len > 1 && t[len - 2] == '=')
		pad++;
	out = xmalloc(len / 4 * 3 + 1);
	for (i = 0; i < len; i++) {
		if (i >= len - pad)
			v = 0;
		else if ((v = b64_value(t[i])) == -1) {
			free(out);
			out = NULL;
			goto out;
		}
		acc = acc << 6 | (unsigned long)v;
		if (i % 4 == 3) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
		}
	}
	*n = o - pad;
out:
	free(t);
	return out;
}

/* --- tag-lists (RFC 6376 §3.2) --- */

struct tag {
	char	*name;		/* as written, or lower case when folded */
	char	*value;		/* white space around it removed */
	int	 bad;		/* a byte not allowed in a value: reported, and
				 * the value is not checked further */
};

struct tags {
	struct tag	*v;
	size_t		 n;
};

/* Where problems go: d, or nowhere (the first error stops the parse). */
struct report {
	const char	*where;
	struct diags	*d;
	int		 failed;
};

static void
report(struct report *r, enum diag_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(struct report *r, enum diag_level level, const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	if (level == DIAG_ERROR)
		r->failed = 1;
	if (r->d == NULL)
		return;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diags_add(r->d, level, NULL, 0, 0, "%s: %s", r->where, buf_str(&msg));
	buf_release(&msg);
}

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
valid_name(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || !is_alpha(s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!is_alpha(s[i]) && !is_digit(s[i]) && s[i] != '_')
			return 0;
	return 1;
}

static const struct tag *
tag_get(const struct tags *t, const char *name, size_t *idx)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0) {
			if (idx != NULL)
				*idx = i;
			return &t->v[i];
		}
	return NULL;
}

static void
tags_release(struct tags *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].value);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* The first byte of [v, v + n) that a tag-value may not hold, or -1. */
static int
bad_value_byte(const char *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!is_wsp(v[i]) && ((unsigned char)v[i] < 0x21 ||
		    (unsigned char)v[i] > 0x7e))
			return (unsigned char)v[i];
	return -1;
}

/*
 * One "name=value" segment of n bytes (which may hold NUL bytes);
 * reports it, and skips it when its name is bad.  A value with a byte it
 * may not hold is kept, marked bad, so that the one defect is reported
 * once (not again as a missing tag).
 */
static void
parse_tag(const char *s, size_t n, int fold, struct tags *t,
    struct report *r)
{
	const char	*eq = memchr(s, '=', n), *v;
	char		*name;
	size_t		 nn, vn, i;
	int		 c;

	if (eq == NULL) {
		report(r, DIAG_ERROR, "'%.*s': tag has no '=' (RFC 6376 §3.2)",
		    (int)strnlen(s, n), s);
		return;
	}
	nn = (size_t)(eq - s);
	tag_trim(&s, &nn);
	if (!valid_name(s, nn)) {
		report(r, DIAG_ERROR, "'%.*s' is not a tag name (RFC 6376 "
		    "§3.2)", (int)strnlen(s, nn), s);
		return;
	}
	v = eq + 1;
	vn = n - (size_t)(v - s);
	tag_trim(&v, &vn);
	if ((c = bad_value_byte(v, vn)) != -1)
		report(r, DIAG_ERROR, "tag '%.*s': byte 0x%02x is not allowed "
		    "in a value (RFC 6376 §3.2)", (int)nn, s, c);
	name = xstrndup(s, nn);
	if (fold)
		for (i = 0; i < nn; i++)
			if (name[i] >= 'A' && name[i] <= 'Z')
				name[i] = (char)(name[i] - 'A' + 'a');
	if (tag_get(t, name, NULL) != NULL) {
		report(r, DIAG_ERROR, "tag '%s' is repeated, which makes the "
		    "whole record invalid (RFC 6376 §3.2)", name);
		free(name);
		return;
	}
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n].name = name;
	t->v[t->n].value = c != -1 ? xstrdup("") : xstrndup(v, vn);
	t->v[t->n].bad = c != -1;
	t->n++;
}

/*
 * Splits the len bytes at text at ';' into t (the caller releases it);
 * -1 on an error.  A ';' may end the list (RFC 6376 §3.2: tag-list =
 * tag-spec *( ";" tag-spec ) [ ";" ]), white space after it included;
 * any other empty tag is an error.
 */
static int
tags_parse(const char *text, size_t len, int fold, struct tags *t,
    struct report *r)
{
	const char	*p = text, *end = text + len, *e, *s;
	size_t		 n;

	memset(t, 0, sizeof(*t));
	for (;;) {
		e = memchr(p, ';', (size_t)(end - p));
		s = p;
		n = e != NULL ? (size_t)(e - p) : (size_t)(end - p);
		tag_trim(&s, &n);
		if (n > 0)
			parse_tag(s, n, fold, t, r);
		else if (e != NULL)
			/* Only the end of the list may follow a ';'. */
			report(r, DIAG_ERROR, "empty tag (%s): RFC 6376 §3.2 "
			    "allows none, so verifiers that follow it (dkimpy) "
			    "fail every signature made with this key "
			    "(PERMFAIL, RFC 6376 §6.1.2) and OpenDKIM reports "
			    "a syntax error; remove the extra ';'", p == text ?
			    "a leading ';'" : "';;'");
		if (e == NULL)
			break;
		p = e + 1;
	}
	return r->failed ? -1 : 0;
}

/* --- is_record, equivalent --- */

int
dkim_is_record(const char *text)
{
	struct report	 r = { NULL, NULL, 0 };
	struct tags	 t;
	const char	*p = text;
	int		 yes;

	while (is_wsp(*p))
		p++;
	if (*p == 'v' || *p == 'V') {
		for (p++; is_wsp(*p); p++)
			;
		if (*p == '=') {
			for (p++; is_wsp(*p); p++)
				;
			/* "v=DKIM1:" and the like are broken DKIM records,
			 * which mailauth owns so that it replaces them. */
			return strncasecmp(p, "DKIM1", 5) == 0 &&
			    !is_alpha(p[5]) && !is_digit(p[5]);
		}
	}
	/* v= is optional: without it, a p= tag makes a key record. */
	tags_parse(text, strlen(text), 1, &t, &r);
	yes = tag_get(&t, "p", NULL) != NULL;
	tags_release(&t);
	return yes;
}

int
dkim_equivalent_bytes(const char *a, size_t alen, const char *b,
    size_t blen)
{
	struct report	 r = { NULL, NULL, 0 };
	struct tags	 ta, tb;
	const struct tag *o;
	char		*va, *vb;
	size_t		 i;
	int		 same = 0, eq;

	memset(&ta, 0, sizeof(ta));
	memset(&tb, 0, sizeof(tb));
	/* Tag names are case-sensitive (RFC 6376 §3.2): verifiers ignore
	 * "P=" and find no key, so it never matches "p=". */
	if (tags_parse(a, alen, 0, &ta, &r) == -1 ||
	    tags_parse(b, blen, 0, &tb, &r) == -1 || ta.n != tb.n)
		goto out;
	for (i = 0; i < ta.n; i++) {
		if ((o = tag_get(&tb, ta.v[i].name, NULL)) == NULL)
			goto out;
		va = strip_fws(ta.v[i].value, strlen(ta.v[i].value));
		vb = strip_fws(o->value, strlen(o->value));
		eq = strcmp(va, vb) == 0;
		free(va);
		free(vb);
		if (!eq)
			goto out;
	}
	same = 1;
out:
	tags_release(&ta);
	tags_release(&tb);
	return same;
}

int
dkim_equivalent(const char *a, const char *b)
{
	return dkim_equivalent_bytes(a, strlen(a), b, strlen(b));
}

/* --- checks (RFC 6376 §3.6.1, RFC 8301, RFC 8463) --- */

static const char *const known_tags[] = {
	"v", "g", "h", "k", "n", "p", "s", "t"
};

static int
item_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

static void
check_names(const struct tags *t, struct report *r)
{
	size_t	 i, j;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < sizeof(known_tags) / sizeof(*known_tags); j++)
			if (strcmp(t->v[i].name, known_tags[j]) == 0)
				break;
		if (j < sizeof(known_tags) / sizeof(*known_tags))
			continue;
		for (j = 0; j < sizeof(known_tags) / sizeof(*known_tags); j++)
			if (strcasecmp(t->v[i].name, known_tags[j]) == 0)
				break;
		/* Verifiers ignore such a tag, like any unknown one; what
		 * that leaves missing (p=, k=) is reported on its own. */
		if (j < sizeof(known_tags) / sizeof(*known_tags))
			report(r, DIAG_WARNING, "tag '%s' is not '%s': tag "
			    "names are case-sensitive (RFC 6376 §3.2), so "
			    "verifiers (dkimpy, OpenDKIM) ignore '%s'; write "
			    "'%s'", t->v[i].name, known_tags[j], t->v[i].name,
			    known_tags[j]);
		else
			report(r, DIAG_WARNING, "unknown tag '%s' is ignored "
			    "by verifiers (RFC 6376 §3.6.1)", t->v[i].name);
	}
}

static void
check_version(const struct tags *t, struct report *r)
{
	const struct tag	*v;
	size_t			 i;

	if ((v = tag_get(t, "v", &i)) == NULL || v->bad)
		return;
	if (strcmp(v->value, "DKIM1") != 0)
		report(r, DIAG_ERROR, "v=%s: the version must be 'DKIM1' "
		    "(RFC 6376 §3.6.1)", v->value);
	if (i != 0)
		report(r, DIAG_ERROR, "v= must be the first tag (RFC 6376 "
		    "§3.6.1)");
}

static void
check_hashes(const char *value, struct report *r)
{
	const char	*p = value, *s;
	size_t		 n;
	int		 sha256 = 0, empty = 0;

	while (tag_next_item(&p, ':', &s, &n)) {
		if (n == 0)
			empty = 1;
		else if (item_is(s, n, "sha256"))
			sha256 = 1;
		else if (item_is(s, n, "sha1"))
			report(r, DIAG_WARNING, "h= lists sha1, which RFC 8301 "
			    "§3.1 forbids: verifiers reject sha1 signatures");
		else
			report(r, DIAG_WARNING, "h= lists '%.*s', a hash "
			    "algorithm verifiers do not know and ignore (RFC "
			    "6376 §3.6.1)", (int)n, s);
	}
	if (empty)
		report(r, DIAG_ERROR, "h=%s has an empty item (RFC 6376 "
		    "§3.6.1)", value);
	else if (!sha256)
		report(r, DIAG_ERROR, "h=%s allows no hash algorithm that RFC "
		    "8301 §3.1 verifiers accept: add sha256 or remove h=",
		    value);
}

static void
check_services(const char *value, struct report *r)
{
	const char	*p = value, *s;
	size_t		 n;
	int		 email = 0, empty = 0;

	while (tag_next_item(&p, ':', &s, &n)) {
		if (n == 0)
			empty = 1;
		else if (item_is(s, n, "*") || item_is(s, n, "email"))
			email = 1;
		else if (!item_is(s, n, "tlsrpt"))	/* RFC 8460 §3 */
			report(r, DIAG_WARNING, "s= lists '%.*s', a service "
			    "type verifiers do not know and ignore (RFC 6376 "
			    "§3.6.1)", (int)n, s);
	}
	if (empty)
		report(r, DIAG_ERROR, "s=%s has an empty item (RFC 6376 "
		    "§3.6.1)", value);
	else if (!email)
		report(r, DIAG_WARNING, "s=%s: the key cannot verify email "
		    "signatures: add email or * (RFC 6376 §3.6.1)", value);
}

static void
check_flags(const char *value, struct report *r)
{
	const char	*p = value, *s;
	size_t		 n;
	int		 empty = 0;

	while (tag_next_item(&p, ':', &s, &n)) {
		if (n == 0)
			empty = 1;
		else if (!item_is(s, n, "y") && !item_is(s, n, "s"))
			report(r, DIAG_WARNING, "t= lists '%.*s', a flag "
			    "verifiers do not know and ignore (RFC 6376 "
			    "§3.6.1)", (int)n, s);
	}
	if (empty)
		report(r, DIAG_ERROR, "t=%s has an empty item (RFC 6376 "
		    "§3.6.1)", value);
}

static void
check_rsa_bits(int bits, struct report *r)
{
	if (bits < DKIM_RSA_MIN_BITS)
		report(r, DIAG_ERROR, "p= is an RSA key of %d bits; RFC 8301 "
		    "§3.2 requires at least %d, so verifiers reject it", bits,
		    DKIM_RSA_MIN_BITS);
	else if (bits < DKIM_RSA_GOOD_BITS)
		report(r, DIAG_WARNING, "p= is an RSA key of %d bits; RFC 8301 "
		    "§3.2 wants at least %d", bits, DKIM_RSA_GOOD_BITS);
	else if (bits > DKIM_RSA_MAX_BITS)
		report(r, DIAG_WARNING, "p= is an RSA key of %d bits; RFC 8301 "
		    "§3.2 requires verifiers to handle only up to %d", bits,
		    DKIM_RSA_MAX_BITS);
}

static void
check_rsa(const unsigned char *der, size_t n, struct report *r)
{
	const unsigned char	*q = der;
	EVP_PKEY		*pk;

	if ((pk = dkim_spki_parse(der, n)) == NULL) {
		/* RFC 6376's text says RSAPublicKey (PKCS#1); in practice
		 * everyone publishes the SubjectPublicKeyInfo around it. */
		pk = d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, (long)n);
		ERR_clear_error();
		if (pk != NULL && q == der + n) {
			report(r, DIAG_WARNING, "p= is a bare PKCS#1 "
			    "RSAPublicKey; verifiers expect the "
			    "SubjectPublicKeyInfo that openssl pkey -pubout "
			    "writes (RFC 6376 Appendix C)");
			check_rsa_bits(EVP_PKEY_get_bits(pk), r);
		} else
			report(r, DIAG_ERROR, "p= is not an RSA "
			    "SubjectPublicKeyInfo, so verifiers cannot use the "
			    "key (RFC 6376 §3.6.1)");
		EVP_PKEY_free(pk);
		return;
	}
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_ED25519)
		report(r, DIAG_ERROR, "p= holds an Ed25519 key but k= is rsa: "
		    "write k=ed25519 and the raw 32-byte key (RFC 8463 §4)");
	else if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA)
		report(r, DIAG_ERROR, "p= is not an RSA key (it is %s) (RFC "
		    "6376 §3.6.1)", EVP_PKEY_get0_type_name(pk) != NULL ?
		    EVP_PKEY_get0_type_name(pk) : "non-RSA");
	else
		check_rsa_bits(EVP_PKEY_get_bits(pk), r);
	EVP_PKEY_free(pk);
}

static void
check_ed25519(const unsigned char *der, size_t n, struct report *r)
{
	EVP_PKEY	*pk;

	if (n == ED25519_KEY_LEN)
		return;
	if (n == ED25519_SPKI_LEN && (pk = dkim_spki_parse(der, n)) != NULL) {
		if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_ED25519) {
			report(r, DIAG_ERROR, "p= is an Ed25519 "
			    "SubjectPublicKeyInfo; RFC 8463 §4 publishes the "
			    "raw 32-byte key (its last 32 bytes)");
			EVP_PKEY_free(pk);
			return;
		}
		EVP_PKEY_free(pk);
	}
	report(r, DIAG_ERROR, "p= is %zu bytes; an Ed25519 key is %d bytes "
	    "(RFC 8463 §4)", n, ED25519_KEY_LEN);
}

static void
check_key(const struct tags *t, struct report *r)
{
	const struct tag	*k = tag_get(t, "k", NULL);
	const struct tag	*p = tag_get(t, "p", NULL);
	const char		*type = k != NULL ? k->value : "rsa";
	unsigned char		*der;
	size_t			 n = 0;
	int			 rsa, ed;

	rsa = strcmp(type, "rsa") == 0;
	ed = strcmp(type, "ed25519") == 0;
	if (!rsa && !ed && k != NULL && !k->bad)
		report(r, DIAG_ERROR, "k=%s: unknown key type, so verifiers "
		    "cannot use the key; use rsa or ed25519 (RFC 6376 §3.6.1, "
		    "RFC 8463)", type);
	if (p == NULL) {
		report(r, DIAG_ERROR, "no p= tag: the public key is required "
		    "(RFC 6376 §3.6.1)");
		return;
	}
	if (p->bad || (k != NULL && k->bad))	/* reported by parse_tag() */
		return;
	if (dkim_text_is_private(p->value, strlen(p->value))) {
		report(r, DIAG_ERROR, "%s", DKIM_PRIVATE_PUBLISHED);
		return;
	}
	if (strspn(p->value, " \t") == strlen(p->value)) {
		report(r, DIAG_WARNING, "p= is empty: the key is revoked (RFC "
		    "6376 §3.6.1)");
		return;
	}
	if ((der = dkim_b64_decode(p->value, &n)) == NULL) {
		report(r, DIAG_ERROR, "p= is not base64 (RFC 6376 §3.6.1)");
		return;
	}
	if (dkim_der_is_private(der, n)) {
		report(r, DIAG_ERROR, "%s", DKIM_PRIVATE_PUBLISHED);
		free(der);
		return;
	}
	if (rsa)
		check_rsa(der, n, r);
	else if (ed)
		check_ed25519(der, n, r);
	free(der);
}

void
dkim_check_bytes(const char *text, size_t len, const char *where,
    struct diags *d)
{
	struct report		 r = { where != NULL ? where : "DKIM record", d,
				    0 };
	struct tags		 t;
	const struct tag	*x;

	tags_parse(text, len, 0, &t, &r);
	check_names(&t, &r);
	check_version(&t, &r);
	if ((x = tag_get(&t, "h", NULL)) != NULL && !x->bad)
		check_hashes(x->value, &r);
	if ((x = tag_get(&t, "s", NULL)) != NULL && !x->bad)
		check_services(x->value, &r);
	if ((x = tag_get(&t, "t", NULL)) != NULL && !x->bad)
		check_flags(x->value, &r);
	if ((x = tag_get(&t, "g", NULL)) != NULL && !x->bad &&
	    strcmp(x->value, "*") != 0)
		report(&r, DIAG_WARNING, "g=%s: RFC 6376 dropped g=, but RFC "
		    "4871 verifiers accept only senders matching it; write g=* "
		    "or remove it", x->value);
	check_key(&t, &r);
	tags_release(&t);
}

void
dkim_check(const char *text, const char *where, struct diags *d)
{
	dkim_check_bytes(text, strlen(text), where, d);
}
