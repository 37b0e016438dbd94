/*
 * dkim-key.c - DKIM keys with OpenSSL: the key record made from a public
 * key (PEM text, a PEM file, or the base64 of a DER SubjectPublicKeyInfo),
 * and key pairs generated for "mailauth dkim keygen".
 *
 * Keys are read with the public-key readers only (PEM_read_bio_PUBKEY,
 * d2i_PUBKEY), and a PEM text is first scanned for its block labels so
 * that a private key is refused before any parser sees it.  The one
 * private key this file ever holds is the one dkim_keygen() makes, and its
 * PEM text is wiped once written.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/asn1.h>
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
#include "mailauth/err.h"
#include "mailauth/file.h"
#include "internal.h"

/* --- making a record from a public key --- */

/* A private key given as the config's public_key. */
#define PRIVATE_IN_CONFIG	"this is a PRIVATE key, not the public " \
	"key: never publish it, and if it was ever published, make a new " \
	"key pair (mailauth dkim keygen); the public key is the base64 " \
	"between the BEGIN PUBLIC KEY lines of: openssl pkey -in KEY -pubout"

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

static void
b64_add(struct buf *out, const unsigned char *p, size_t n)
{
	unsigned char	*enc = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock(enc, p, (int)n);
	buf_adds(out, (const char *)enc);
	free(enc);
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
EVP_PKEY *
dkim_spki_parse(const unsigned char *der, size_t n)
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

	if (dkim_text_is_private(b64, strlen(b64))) {
		add_error(d, what, "%s", PRIVATE_IN_CONFIG);
		return -1;
	}
	if ((der = dkim_b64_decode(b64, &n)) == NULL) {
		add_error(d, what, "the public key is not base64");
		return -1;
	}
	if (dkim_der_is_private(der, n)) {
		free(der);
		add_error(d, what, "%s", PRIVATE_IN_CONFIG);
		return -1;
	}
	if ((pk = dkim_spki_parse(der, n)) == NULL) {
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

	while (n > 0 && dkim_is_fws(s[n - 1]))
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

		if ((c < 0x20 && !dkim_is_fws((char)c)) || c == 0x7f ||
		    c >= 0x80)
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

int
dkim_text_is_private(const char *s, size_t n)
{
	struct pem_scan	 sc;

	pem_scan(s, n, &sc);
	free(sc.other);
	return sc.nprivate > 0;
}

/* The header of the DER object at *pp, within end; 0 when there is none
 * or it runs past end.  *pp then points at its contents. */
static int
der_header(const unsigned char **pp, const unsigned char *end, long *len,
    int *tag, int *constructed)
{
	int	 xclass, rc;

	if (*pp >= end)
		return 0;
	rc = ASN1_get_object(pp, len, tag, &xclass, (long)(end - *pp));
	ERR_clear_error();
	if ((rc & 0x80) != 0 || xclass != V_ASN1_UNIVERSAL || *len < 0 ||
	    *len > end - *pp)
		return 0;
	*constructed = (rc & V_ASN1_CONSTRUCTED) != 0;
	return 1;
}

int
dkim_der_is_private(const unsigned char *der, size_t n)
{
	const unsigned char	*p = der, *end = der + n;
	long			 len;
	int			 tag, cons;

	if (n == 0 || n > DKIM_KEY_FILE_MAX ||
	    !der_header(&p, end, &len, &tag, &cons) ||
	    tag != V_ASN1_SEQUENCE || !cons)
		return 0;
	end = p + len;
	if (!der_header(&p, end, &len, &tag, &cons))
		return 0;
	/* A version 0 or 1 first: a public key starts with its algorithm
	 * (SubjectPublicKeyInfo) or its modulus (RSAPublicKey). */
	if (tag == V_ASN1_INTEGER && !cons)
		return len == 1 && (p[0] == 0 || p[0] == 1);
	if (tag != V_ASN1_SEQUENCE || !cons)
		return 0;
	p += len;
	/* The algorithm, then the key: a BIT STRING when public, an OCTET
	 * STRING when it is an encrypted private key. */
	return der_header(&p, end, &len, &tag, &cons) &&
	    tag == V_ASN1_OCTET_STRING;
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

	while (p < pem + len && dkim_is_fws(*p))
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
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
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
	if (file_create(out->private_path, 0600, pp, (size_t)privlen,
	    err) == -1)
		goto out;
	if (file_create(out->public_path, 0644, bp, (size_t)publen, err) == -1) {
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

