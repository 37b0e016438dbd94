/*
 * dkim.c - DKIM key records (RFC 6376 §3.6.1, RFC 8301, RFC 8463): made
 * from a public key, split into tags, compared and checked; and key pairs
 * generated for "mailauth dkim keygen".
 *
 * The only file of src/dns/ that uses OpenSSL.  Keys are read with the
 * public-key readers only (PEM_read_bio_PUBKEY, d2i_PUBKEY, and
 * d2i_PublicKey for a bare RSAPublicKey in a live p=), and a PEM text is
 * first scanned for its block labels so that a private key is refused
 * before any parser sees it.  The one private key this file ever holds is the one
 * dkim_keygen() makes, and its PEM text is wiped once written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dkim.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"

#define ED25519_KEY_LEN		32
#define ED25519_SPKI_LEN	44	/* 12-byte prefix + the raw key */

/* --- text helpers --- */

static int
is_fws(char c)
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
		if (!is_fws(s[i]))
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
static unsigned char *
b64_decode(const char *s, size_t *n)
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

static void
b64_add(struct buf *out, const unsigned char *p, size_t n)
{
	unsigned char	*enc = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock(enc, p, (int)n);
	buf_adds(out, (const char *)enc);
	free(enc);
}

/* --- making a record from a public key --- */

static void
add_error(struct diags *d, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add_error(struct diags *d, const char *what, const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: %s", what, buf_str(&msg));
	buf_release(&msg);
}

/* Appends the record for pk; src is how messages name the key. */
static int
record_from_pkey(EVP_PKEY *pk, const char *what, const char *src,
    struct buf *out, struct diags *d)
{
	unsigned char	 raw[ED25519_KEY_LEN], *der = NULL;
	size_t		 rawlen = sizeof(raw);
	int		 bits, derlen;

	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		bits = EVP_PKEY_get_bits(pk);
		if (bits < DKIM_RSA_MIN_BITS) {
			add_error(d, what, "%s is an RSA key of %d bits; RFC "
			    "8301 §3.2 requires at least %d (use %d)", src,
			    bits, DKIM_RSA_MIN_BITS, DKIM_RSA_GOOD_BITS);
			return -1;
		}
		if ((derlen = i2d_PUBKEY(pk, &der)) <= 0) {
			ERR_clear_error();
			add_error(d, what, "%s: cannot encode the RSA key", src);
			return -1;
		}
		buf_adds(out, "v=DKIM1; k=rsa; p=");
		b64_add(out, der, (size_t)derlen);
		OPENSSL_free(der);
		return 0;
	case EVP_PKEY_ED25519:
		if (EVP_PKEY_get_raw_public_key(pk, raw, &rawlen) != 1 ||
		    rawlen != ED25519_KEY_LEN) {
			ERR_clear_error();
			add_error(d, what, "%s: cannot read the Ed25519 key",
			    src);
			return -1;
		}
		buf_adds(out, "v=DKIM1; k=ed25519; p=");
		b64_add(out, raw, rawlen);
		return 0;
	default:
		add_error(d, what, "%s is not an RSA or Ed25519 key (it is "
		    "%s); DKIM keys are RSA (k=rsa) or Ed25519 (k=ed25519) "
		    "(RFC 6376 §3.6.1, RFC 8463)", src,
		    EVP_PKEY_get0_type_name(pk) != NULL ?
		    EVP_PKEY_get0_type_name(pk) : "unknown");
		return -1;
	}
}

/* Parses a whole DER SubjectPublicKeyInfo; NULL if it is not one. */
static EVP_PKEY *
spki_parse(const unsigned char *der, size_t n)
{
	const unsigned char	*p = der;
	EVP_PKEY		*pk;

	if (n == 0 || n > DKIM_KEY_FILE_MAX)
		return NULL;
	pk = d2i_PUBKEY(NULL, &p, (long)n);
	ERR_clear_error();
	if (pk != NULL && p != der + n) {
		/* Bytes after the key: not what the user meant to publish. */
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	return pk;
}

int
dkim_record_from_spki_base64(const char *b64, const char *what,
    struct buf *out, struct diags *d)
{
	unsigned char	*der;
	EVP_PKEY	*pk;
	size_t		 n = 0;
	int		 rc;

	if ((der = b64_decode(b64, &n)) == NULL) {
		add_error(d, what, "the public key is not base64");
		return -1;
	}
	if ((pk = spki_parse(der, n)) == NULL) {
		free(der);
		add_error(d, what, "the public key is not a DER "
		    "SubjectPublicKeyInfo (the base64 between the BEGIN PUBLIC "
		    "KEY and END PUBLIC KEY lines of a PEM file)");
		return -1;
	}
	free(der);
	rc = record_from_pkey(pk, what, "the public key", out, d);
	EVP_PKEY_free(pk);
	return rc;
}

/* The PEM blocks of a text, by kind, found by their BEGIN lines. */
struct pem_scan {
	int	 nprivate;
	int	 npublic;
	int	 ncert;
	int	 nrsapublic;
	char	*other;		/* the first other label */
	int	 binary;	/* a NUL or other control byte */
};

static void
pem_label(struct pem_scan *sc, const char *s, size_t n)
{
	static const char	begin[] = "-----BEGIN ";
	const char		*label;
	size_t			 ln;

	while (n > 0 && is_fws(s[n - 1]))
		n--;
	if (n < sizeof(begin) - 1 + 5 || memcmp(s, begin, sizeof(begin) - 1)
	    != 0 || memcmp(s + n - 5, "-----", 5) != 0)
		return;
	label = s + sizeof(begin) - 1;
	ln = n - (sizeof(begin) - 1) - 5;
	/* PRIVATE KEY, RSA PRIVATE KEY, ENCRYPTED PRIVATE KEY, OPENSSH ... */
	if (ln >= 11 && memcmp(label + ln - 11, "PRIVATE KEY", 11) == 0)
		sc->nprivate++;
	else if (ln == 10 && memcmp(label, "PUBLIC KEY", 10) == 0)
		sc->npublic++;
	else if (ln == 14 && memcmp(label, "RSA PUBLIC KEY", 14) == 0)
		sc->nrsapublic++;
	else if (ln >= 11 && memcmp(label + ln - 11, "CERTIFICATE", 11) == 0)
		sc->ncert++;
	else if (sc->other == NULL)
		sc->other = xstrndup(label, ln);
}

/* 1 when [s, s + n) contains the string word (memmem is not POSIX). */
static int
contains(const char *s, size_t n, const char *word)
{
	size_t	 wn = strlen(word), i;

	for (i = 0; i + wn <= n; i++)
		if (memcmp(s + i, word, wn) == 0)
			return 1;
	return 0;
}

static void
pem_scan(const char *pem, size_t len, struct pem_scan *sc)
{
	const char	*p = pem, *end = pem + len, *nl;
	size_t		 i;

	memset(sc, 0, sizeof(*sc));
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pem[i];

		if ((c < 0x20 && !is_fws((char)c)) || c == 0x7f || c >= 0x80)
			sc->binary = 1;
	}
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		pem_label(sc, p, (size_t)(nl - p));
		p = nl + 1;
	}
	/* An indented or otherwise mangled private key still counts. */
	if (sc->nprivate == 0 && contains(pem, len, "PRIVATE KEY-----"))
		sc->nprivate = 1;
}

/* Never asks for a pass phrase: a public key has none. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}


/* Says what the text is when it is not one public key: -1, reported. */
static int
pem_refuse(const struct pem_scan *sc, const char *pem, size_t len,
    const char *what, const char *src, const char *path, struct diags *d)
{
	const char	*p = pem;

	while (p < pem + len && is_fws(*p))
		p++;
	if (sc->nprivate > 0)
		add_error(d, what, "%s holds a PRIVATE key; publish the public "
		    "key: openssl pkey -in %s -pubout", src, path);
	else if (sc->ncert > 0)
		add_error(d, what, "%s holds a certificate, not a public key; "
		    "extract the key: openssl x509 -in %s -pubkey -noout", src,
		    path);
	else if (sc->npublic > 1)
		add_error(d, what, "%s holds %d public keys; a record has one, "
		    "so keep one per file", src, sc->npublic);
	else if (sc->npublic == 1)
		return 0;
	else if (sc->nrsapublic > 0)
		add_error(d, what, "%s holds a PKCS#1 RSA PUBLIC KEY; convert "
		    "it to a SubjectPublicKeyInfo: openssl rsa -RSAPublicKey_in "
		    "-in %s -pubout", src, path);
	else if ((size_t)(pem + len - p) > 4 && memcmp(p, "ssh-", 4) == 0)
		add_error(d, what, "%s is an OpenSSH public key; convert it to "
		    "PEM: ssh-keygen -e -m PKCS8 -f %s", src, path);
	else if (sc->other != NULL)
		add_error(d, what, "%s holds a '%s' PEM block, not a PUBLIC "
		    "KEY", src, sc->other);
	else if (sc->binary)
		add_error(d, what, "%s is not a PEM file (a DER key? convert "
		    "it: openssl pkey -pubin -inform DER -in %s)", src, path);
	else
		add_error(d, what, "%s is not a PEM public key: it has no "
		    "'-----BEGIN PUBLIC KEY-----' line", src);
	return -1;
}

int
dkim_record_from_pem(const char *pem, size_t len, const char *what,
    const char *source, struct buf *out, struct diags *d)
{
	struct pem_scan	 sc;
	BIO		*bio = NULL;
	EVP_PKEY	*pk = NULL;
	char		*src;
	const char	*path = source != NULL ? source : "FILE";
	int		 rc = -1;

	memset(&sc, 0, sizeof(sc));
	src = source != NULL ? xasprintf("'%s'", source) :
	    xstrdup("the PEM text");
	if (len > DKIM_KEY_FILE_MAX) {
		add_error(d, what, "%s is over %d KiB: not a public key", src,
		    DKIM_KEY_FILE_MAX / 1024);
		goto out;
	}
	/* Labels first: a private key must never reach a parser. */
	pem_scan(pem, len, &sc);
	if (pem_refuse(&sc, pem, len, what, src, path, d) == -1)
		goto out;
	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL ||
	    (pk = PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL)) ==
	    NULL) {
		ERR_clear_error();
		add_error(d, what, "%s: its PUBLIC KEY block is not a valid "
		    "SubjectPublicKeyInfo", src);
		goto out;
	}
	rc = record_from_pkey(pk, what, src, out, d);
out:
	EVP_PKEY_free(pk);
	BIO_free(bio);
	free(sc.other);
	free(src);
	return rc;
}

int
dkim_record_from_file(const char *path, const char *what, struct buf *out,
    struct diags *d)
{
	struct stat	 st;
	char		*data = NULL;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd, rc = -1;

	/* O_NONBLOCK: a FIFO named by mistake must not hang the run. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) ==
	    -1) {
		add_error(d, what, "cannot open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		add_error(d, what, "cannot read '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		add_error(d, what, "'%s' is not a regular file", path);
		goto out;
	}
	if (st.st_size > DKIM_KEY_FILE_MAX)
		goto toobig;
	data = xmalloc(DKIM_KEY_FILE_MAX + 1);
	/* The file may grow after fstat(); the limit is enforced here. */
	while (n <= DKIM_KEY_FILE_MAX) {
		r = read(fd, data + n, DKIM_KEY_FILE_MAX + 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			add_error(d, what, "cannot read '%s': %s", path,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > DKIM_KEY_FILE_MAX)
		goto toobig;
	rc = dkim_record_from_pem(data, n, what, path, out, d);
	goto out;
toobig:
	add_error(d, what, "'%s' is over %d KiB: not a public key file", path,
	    DKIM_KEY_FILE_MAX / 1024);
out:
	free(data);
	close(fd);
	return rc;
}

/* --- tag-lists (RFC 6376 §3.2) --- */

struct tag {
	char	*name;		/* as written, or lower case when folded */
	char	*value;		/* white space around it removed */
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

/* One "name=value" segment; reports and skips it when it is bad. */
static void
parse_tag(const char *s, size_t n, int fold, struct tags *t,
    struct report *r)
{
	const char	*eq = memchr(s, '=', n), *v;
	char		*name;
	size_t		 nn, vn, i;

	if (eq == NULL) {
		report(r, DIAG_ERROR, "'%.*s': tag has no '=' (RFC 6376 §3.2)",
		    (int)n, s);
		return;
	}
	nn = (size_t)(eq - s);
	tag_trim(&s, &nn);
	if (!valid_name(s, nn)) {
		report(r, DIAG_ERROR, "'%.*s' is not a tag name (RFC 6376 "
		    "§3.2)", (int)nn, s);
		return;
	}
	v = eq + 1;
	vn = n - (size_t)(v - s);
	tag_trim(&v, &vn);
	for (i = 0; i < vn; i++)
		if (!is_wsp(v[i]) && ((unsigned char)v[i] < 0x21 ||
		    (unsigned char)v[i] > 0x7e)) {
			report(r, DIAG_ERROR, "tag '%.*s': byte 0x%02x is not "
			    "allowed in a value (RFC 6376 §3.2)", (int)nn, s,
			    (unsigned char)v[i]);
			return;
		}
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
	t->v[t->n].value = xstrndup(v, vn);
	t->n++;
}

/* Splits text at ';' into t (the caller releases it); -1 on an error. */
static int
tags_parse(const char *text, int fold, struct tags *t, struct report *r)
{
	const char	*p = text, *e, *s;
	size_t		 n;

	memset(t, 0, sizeof(*t));
	for (;;) {
		e = strchr(p, ';');
		s = p;
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		tag_trim(&s, &n);
		if (n > 0)
			parse_tag(s, n, fold, t, r);
		else if (e != NULL)
			/* Nothing after a final ';' is fine; ";;" is not. */
			report(r, DIAG_WARNING, "empty tag (';;'); RFC 6376 "
			    "§3.2 does not allow it, though most verifiers "
			    "skip it");
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
	tags_parse(text, 1, &t, &r);
	yes = tag_get(&t, "p", NULL) != NULL;
	tags_release(&t);
	return yes;
}

int
dkim_equivalent(const char *a, const char *b)
{
	struct report	 r = { NULL, NULL, 0 };
	struct tags	 ta, tb;
	const struct tag *o;
	char		*va, *vb;
	size_t		 i;
	int		 same = 0;

	memset(&ta, 0, sizeof(ta));
	memset(&tb, 0, sizeof(tb));
	if (tags_parse(a, 1, &ta, &r) == -1 ||
	    tags_parse(b, 1, &tb, &r) == -1 || ta.n != tb.n)
		goto out;
	for (i = 0; i < ta.n; i++) {
		if ((o = tag_get(&tb, ta.v[i].name, NULL)) == NULL)
			goto out;
		va = strip_fws(ta.v[i].value, strlen(ta.v[i].value));
		vb = strip_fws(o->value, strlen(o->value));
		same = strcmp(va, vb) == 0;
		free(va);
		free(vb);
		if (!same)
			goto out;
	}
	same = 1;
out:
	tags_release(&ta);
	tags_release(&tb);
	return same;
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
		if (j < sizeof(known_tags) / sizeof(*known_tags))
			report(r, DIAG_ERROR, "tag '%s' is not '%s': tag names "
			    "are case-sensitive (RFC 6376 §3.2)",
			    t->v[i].name, known_tags[j]);
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

	if ((v = tag_get(t, "v", &i)) == NULL)
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

	if ((pk = spki_parse(der, n)) == NULL) {
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
	if (n == ED25519_SPKI_LEN && (pk = spki_parse(der, n)) != NULL) {
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
	if (!rsa && !ed)
		report(r, DIAG_ERROR, "k=%s: unknown key type, so verifiers "
		    "cannot use the key; use rsa or ed25519 (RFC 6376 §3.6.1, "
		    "RFC 8463)", type);
	if (p == NULL) {
		report(r, DIAG_ERROR, "no p= tag: the public key is required "
		    "(RFC 6376 §3.6.1)");
		return;
	}
	if (strspn(p->value, " \t") == strlen(p->value)) {
		report(r, DIAG_WARNING, "p= is empty: the key is revoked (RFC "
		    "6376 §3.6.1)");
		return;
	}
	if ((der = b64_decode(p->value, &n)) == NULL) {
		report(r, DIAG_ERROR, "p= is not base64 (RFC 6376 §3.6.1)");
		return;
	}
	if (rsa)
		check_rsa(der, n, r);
	else if (ed)
		check_ed25519(der, n, r);
	free(der);
}

void
dkim_check(const char *text, const char *where, struct diags *d)
{
	struct report		 r = { where != NULL ? where : "DKIM record", d,
				    0 };
	struct tags		 t;
	const struct tag	*x;

	tags_parse(text, 0, &t, &r);
	check_names(&t, &r);
	check_version(&t, &r);
	if ((x = tag_get(&t, "h", NULL)) != NULL)
		check_hashes(x->value, &r);
	if ((x = tag_get(&t, "s", NULL)) != NULL)
		check_services(x->value, &r);
	if ((x = tag_get(&t, "t", NULL)) != NULL)
		check_flags(x->value, &r);
	if ((x = tag_get(&t, "g", NULL)) != NULL && strcmp(x->value, "*") != 0)
		report(&r, DIAG_WARNING, "g=%s: RFC 6376 dropped g=, but RFC "
		    "4871 verifiers accept only senders matching it; write g=* "
		    "or remove it", x->value);
	check_key(&t, &r);
	tags_release(&t);
}

/* --- key generation --- */

/* Labels of letters, digits, '-' and '_', joined by dots. */
static int
valid_selector(const char *s)
{
	size_t	 len = 0;
	char	 prev = '.';

	for (; *s != '\0'; prev = *s++) {
		if (*s == '.') {
			if (prev == '.' || prev == '-' || len == 0)
				return 0;
			len = 0;
			continue;
		}
		if (!is_alpha(*s) && !is_digit(*s) && *s != '-' && *s != '_')
			return 0;
		if (*s == '-' && prev == '.')
			return 0;
		if (++len > 63)
			return 0;
	}
	return prev != '.' && prev != '-';
}

static char *
key_path(const char *dir, const char *selector, const char *suffix)
{
	size_t	 n;

	if (dir == NULL || *dir == '\0')
		return xasprintf("%s%s", selector, suffix);
	n = strlen(dir);
	return xasprintf("%s%s%s%s", dir, dir[n - 1] == '/' ? "" : "/",
	    selector, suffix);
}

/* Creates path (never an existing one) holding [p, p + n). */
static int
write_new(const char *path, mode_t mode, const char *p, size_t n,
    struct err *err)
{
	ssize_t	 w;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode)) == -1) {
		if (errno == EEXIST)
			return err_set(err, "'%s' already exists; mailauth "
			    "never overwrites a key", path);
		return err_set(err, "cannot create '%s': %s", path,
		    strerror(errno));
	}
	/* The umask may only take bits away; the owner must read it. */
	if (fchmod(fd, mode) == -1)
		goto fail;
	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += w;
		n -= (size_t)w;
	}
	if (fsync(fd) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	err_set(err, "cannot write '%s': %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(path);
	return -1;
}

static int
absent(const char *path, struct err *err)
{
	struct stat	 st;

	if (lstat(path, &st) == 0)
		return err_set(err, "'%s' already exists; mailauth never "
		    "overwrites a key: remove it or choose another selector",
		    path);
	if (errno != ENOENT)
		return err_set(err, "cannot create '%s': %s", path,
		    strerror(errno));
	return 0;
}

static EVP_PKEY *
generate(enum dkim_key_type type, int bits, struct err *err)
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pk = NULL;

	ctx = EVP_PKEY_CTX_new_from_name(NULL,
	    type == DKIM_KEY_RSA ? "RSA" : "ED25519", NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0 ||
	    (type == DKIM_KEY_RSA &&
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) <= 0) ||
	    EVP_PKEY_generate(ctx, &pk) <= 0) {
		err_set(err, "cannot generate the key: %s",
		    ERR_reason_error_string(ERR_peek_last_error()) != NULL ?
		    ERR_reason_error_string(ERR_peek_last_error()) :
		    "OpenSSL failed");
		ERR_clear_error();
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

static int
check_keygen_args(const char *selector, enum dkim_key_type type, int *bits,
    struct err *err)
{
	if (selector == NULL || !valid_selector(selector))
		return err_set(err, "'%s' is not a selector: use labels of "
		    "letters, digits, '-' and '_' joined by dots",
		    selector != NULL ? selector : "");
	if (type == DKIM_KEY_ED25519) {
		if (*bits != 0)
			return err_set(err, "an Ed25519 key has a fixed size; "
			    "no number of bits may be given");
		return 0;
	}
	if (type != DKIM_KEY_RSA)
		return err_set(err, "unknown key type");
	if (*bits == 0)
		*bits = DKIM_RSA_GOOD_BITS;
	if (*bits < DKIM_RSA_MIN_BITS || *bits > DKIM_RSA_MAX_BITS)
		return err_set(err, "an RSA key of %d bits: DKIM keys are "
		    "%d to %d bits (RFC 8301 §3.2; %d recommended)", *bits,
		    DKIM_RSA_MIN_BITS, DKIM_RSA_MAX_BITS, DKIM_RSA_GOOD_BITS);
	return 0;
}

int
dkim_keygen(const char *dir, const char *selector, enum dkim_key_type type,
    int bits, struct dkim_keygen *out, struct err *err)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 rec = BUF_INIT;
	EVP_PKEY	*pk = NULL;
	BIO		*priv = NULL, *pub = NULL;
	char		*pp, *bp;
	long		 privlen, publen;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if (check_keygen_args(selector, type, &bits, err) == -1)
		return -1;
	out->private_path = key_path(dir, selector, ".private.pem");
	out->public_path = key_path(dir, selector, ".public.pem");
	if (absent(out->private_path, err) == -1 ||
	    absent(out->public_path, err) == -1)
		goto out;
	if ((pk = generate(type, bits, err)) == NULL)
		goto out;
	if (record_from_pkey(pk, "key", "the new key", &rec, &d) == -1) {
		err_set(err, "%s", d.n > 0 ? d.v[0].msg : "bad key");
		goto out;
	}
	if ((priv = BIO_new(BIO_s_mem())) == NULL ||
	    (pub = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(priv, pk, NULL, NULL, 0, NULL, NULL) != 1 ||
	    PEM_write_bio_PUBKEY(pub, pk) != 1) {
		ERR_clear_error();
		err_set(err, "cannot encode the key");
		goto out;
	}
	privlen = BIO_get_mem_data(priv, &pp);
	publen = BIO_get_mem_data(pub, &bp);
	if (write_new(out->private_path, 0600, pp, (size_t)privlen, err) == -1)
		goto out;
	if (write_new(out->public_path, 0644, bp, (size_t)publen, err) == -1) {
		unlink(out->private_path);
		goto out;
	}
	out->record = buf_detach(&rec);
	rc = 0;
out:
	if (priv != NULL) {
		privlen = BIO_get_mem_data(priv, &pp);
		OPENSSL_cleanse(pp, (size_t)privlen);
		BIO_free(priv);
	}
	BIO_free(pub);
	EVP_PKEY_free(pk);
	buf_release(&rec);
	diags_release(&d);
	if (rc == -1)
		dkim_keygen_release(out);
	return rc;
}

void
dkim_keygen_release(struct dkim_keygen *k)
{
	free(k->private_path);
	free(k->public_path);
	free(k->record);
	memset(k, 0, sizeof(*k));
}
