/*
 * check_dkim.c - unit tests for DKIM key records and key generation
 * (src/dns/dkim.c, dkim-key.c): records from PEM files and base64 keys,
 * refusals, dkim_check, dkim_is_record, dkim_equivalent, the dkim corpus
 * (RFC 8463 Appendix A, dkimpy's test data, dkim-key-records.tsv) and
 * dkim_keygen.
 *
 * The tests may read private keys (to derive the published records of the
 * corpus); src/dns/ never does.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dkim.h"
#include "mailauth/err.h"
#include "testutil.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define FX		FIXTURES "/dkim/"
#define WHAT		"domains.example.com.dkim.s2026"

Suite	*dkim_suite(void);

/* The file's bytes as a string, or NULL when it cannot be read. */
static char *
slurp(const char *path, size_t *lenp)
{
	struct buf	 b = BUF_INIT;
	char		 chunk[4096];
	size_t		 n;
	FILE		*fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	if (lenp != NULL)
		*lenp = b.len;
	buf_addc(&b, '\0');	/* so that an empty file is "" too */
	b.len--;
	return buf_detach(&b);
}

/* The first line of a file, without its newline. */
static char *
first_line(const char *path)
{
	char	*s = slurp(path, NULL);

	ck_assert_msg(s != NULL, "cannot read '%s'", path);
	s[strcspn(s, "\r\n")] = '\0';
	return s;
}

static int
has_msg(const struct diags *d, enum diag_level level, const char *sub)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].level == level && strstr(d->v[i].msg, sub) != NULL)
			return 1;
	return 0;
}

static void
write_file(const char *path, const char *data, size_t n)
{
	FILE	*fp = fopen(path, "wb");

	ck_assert_msg(fp != NULL, "cannot create '%s'", path);
	ck_assert_uint_eq(fwrite(data, 1, n, fp), n);
	ck_assert_int_eq(fclose(fp), 0);
}

/* --- records from key files --- */

static const struct {
	const char	*file;
	const char	*record;	/* fixture with the record; NULL: error */
	const char	*msg;		/* substring of the one error */
	size_t		 nwarnings;	/* dkim_check() on the record */
	const char	*warning;
} file_cases[] = {
	{ "rsa2048.pub.pem", "rsa2048.record", NULL, 0, NULL },
	{ "rsa1024.pub.pem", "rsa1024.record", NULL, 1,
	    "RSA key of 1024 bits; RFC 8301 §3.2 wants at least 2048" },
	{ "rsa4200.pub.pem", "rsa4200.record", NULL, 1,
	    "RSA key of 4200 bits; RFC 8301 §3.2 requires verifiers to handle "
	    "only up to 4096" },
	{ "ed25519.pub.pem", "ed25519.record", NULL, 0, NULL },
	{ "rsa512.pub.pem", NULL, "'" FX "rsa512.pub.pem' is an RSA key of "
	    "512 bits; RFC 8301 §3.2 requires at least 1024 (use 2048)", 0, NULL },
	{ "ec-p256.pub.pem", NULL, "is not an RSA or Ed25519 key (it is EC); "
	    "DKIM keys are RSA (k=rsa) or Ed25519 (k=ed25519)", 0, NULL },
	{ "private-pkcs8.pem", NULL, "'" FX "private-pkcs8.pem' holds a "
	    "PRIVATE key; publish the public key: openssl pkey -in "
	    FX "private-pkcs8.pem -pubout", 0, NULL },
	{ "private-rsa.pem", NULL, "holds a PRIVATE key", 0, NULL },
	{ "private-encrypted.pem", NULL, "holds a PRIVATE key", 0, NULL },
	{ "public-and-private.pem", NULL, "holds a PRIVATE key", 0, NULL },
	{ "two-public.pem", NULL, "holds 2 public keys; a record has one", 0, NULL },
	{ "cert.pem", NULL, "holds a certificate, not a public key; extract "
	    "the key: openssl x509 -in " FX "cert.pem -pubkey -noout", 0, NULL },
	{ "rsa-pkcs1.pem", NULL, "holds a PKCS#1 RSA PUBLIC KEY; convert it "
	    "to a SubjectPublicKeyInfo: openssl rsa -RSAPublicKey_in -in ", 0, NULL },
	{ "openssh-ed25519.pub", NULL, "is an OpenSSH public key; convert it "
	    "to PEM: ssh-keygen -e -m PKCS8 -f " FX "openssh-ed25519.pub", 0, NULL },
	{ "garbage.txt", NULL, "'" FX "garbage.txt' is not a PEM public key: "
	    "it has no '-----BEGIN PUBLIC KEY-----' line", 0, NULL },
	{ "garbage.bin", NULL, "is not a PEM file (a DER key? convert it: "
	    "openssl pkey -pubin -inform DER -in " FX "garbage.bin)", 0, NULL },
	{ "rsa2048.pub.der", NULL, "is not a PEM file", 0, NULL },
	{ "no-such-file.pem", NULL, "cannot open '" FX "no-such-file.pem': "
	    "No such file or directory", 0, NULL },
	{ "", NULL, "'" FX "' is not a regular file", 0, NULL },
};

START_TEST(test_record_from_file)
{
	size_t	 i;

	for (i = 0; i < NELEM(file_cases); i++) {
		struct diags	 d = DIAGS_INIT, chk = DIAGS_INIT;
		struct buf	 out = BUF_INIT;
		char		*path = xasprintf(FX "%s", file_cases[i].file);
		char		*want, *wpath;
		int		 rc;

		buf_adds(&out, "kept");
		rc = dkim_record_from_file(path, WHAT, &out, &d);
		if (file_cases[i].record == NULL) {
			ck_assert_msg(rc == -1, "%s: accepted", path);
			ck_assert_str_eq(buf_str(&out), "kept");
			ck_assert_uint_eq(d.n, 1);
			ck_assert_uint_eq(d.nerrors, 1);
			ck_assert_msg(strncmp(d.v[0].msg, WHAT ": ",
			    strlen(WHAT) + 2) == 0, "%s", d.v[0].msg);
			ck_assert_msg(strstr(d.v[0].msg, file_cases[i].msg) !=
			    NULL, "%s: '%s' lacks '%s'", path, d.v[0].msg,
			    file_cases[i].msg);
		} else {
			wpath = xasprintf(FX "%s", file_cases[i].record);
			want = first_line(wpath);
			ck_assert_msg(rc == 0, "%s: %s", path,
			    d.n > 0 ? d.v[0].msg : "");
			ck_assert_uint_eq(d.n, 0);
			ck_assert_str_eq(buf_str(&out) + 4, want);
			/* The warnings come from dkim_check(), once. */
			dkim_check(buf_str(&out) + 4, WHAT, &chk);
			ck_assert_uint_eq(chk.nerrors, 0);
			ck_assert_uint_eq(chk.nwarnings,
			    file_cases[i].nwarnings);
			if (file_cases[i].warning != NULL)
				ck_assert_msg(has_msg(&chk, DIAG_WARNING,
				    file_cases[i].warning), "%s: %s", path,
				    chk.v[0].msg);
			ck_assert_int_eq(dkim_is_record(buf_str(&out) + 4), 1);
			free(want);
			free(wpath);
		}
		diags_release(&d);
		diags_release(&chk);
		buf_release(&out);
		free(path);
	}
}
END_TEST

/* PEM text given directly, where the labels alone decide a refusal. */
START_TEST(test_record_from_pem)
{
	static const struct {
		const char	*pem;
		const char	*msg;
	} cases[] = {
		/* Not valid base64 inside: refused by its label alone, so
		 * nothing tried to parse it. */
		{ "-----BEGIN PRIVATE KEY-----\nnot a key at all\n"
		    "-----END PRIVATE KEY-----\n", "the PEM text holds a "
		    "PRIVATE key; publish the public key: openssl pkey -in "
		    "FILE -pubout" },
		{ "-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n"
		    "-----END OPENSSH PRIVATE KEY-----\n", "PRIVATE key" },
		{ "-----BEGIN EC PRIVATE KEY-----\r\nxx\r\n"
		    "-----END EC PRIVATE KEY-----\r\n", "PRIVATE key" },
		/* A public key with an indented private key after it. */
		{ "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7T"
		    "yWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n"
		    "  -----BEGIN PRIVATE KEY-----\n  xx\n"
		    "  -----END PRIVATE KEY-----\n", "PRIVATE key" },
		{ "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
		    "its PUBLIC KEY block is not a valid SubjectPublicKeyInfo" },
		{ "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n",
		    "holds a 'X509 CRL' PEM block, not a PUBLIC KEY" },
		{ "", "is not a PEM public key" },
		{ "   \n\n", "is not a PEM public key" },
	};
	struct diags	 d = DIAGS_INIT;
	struct buf	 out = BUF_INIT;
	char		*big;
	size_t		 i, n;

	for (i = 0; i < NELEM(cases); i++) {
		ck_assert_int_eq(dkim_record_from_pem(cases[i].pem,
		    strlen(cases[i].pem), WHAT, NULL, &out, &d), -1);
		ck_assert_uint_eq(d.nerrors, 1);
		ck_assert_msg(strstr(d.v[0].msg, cases[i].msg) != NULL,
		    "'%s' lacks '%s'", d.v[0].msg, cases[i].msg);
		ck_assert_uint_eq(out.len, 0);
		diags_release(&d);
	}
	/* Over the limit: refused before anything is looked at. */
	big = slurp(FX "rsa2048.pub.pem", &n);
	ck_assert_int_eq(dkim_record_from_pem(big, DKIM_KEY_FILE_MAX + 1,
	    WHAT, "k.pem", &out, &d), -1);
	ck_assert(has_msg(&d, DIAG_ERROR, "'k.pem' is over 64 KiB"));
	diags_release(&d);
	/* The length is honoured: no NUL is needed, and none is read. */
	ck_assert_int_eq(dkim_record_from_pem(big, n, WHAT, "k.pem", &out,
	    &d), 0);
	ck_assert_uint_eq(d.n, 0);
	buf_release(&out);
	free(big);
}
END_TEST

/* Files at and just over DKIM_KEY_FILE_MAX bytes. */
START_TEST(test_record_file_limit)
{
	char		 dir[] = "/tmp/check_dkim.XXXXXX";
	char		*key, *data, *path;
	struct diags	 d = DIAGS_INIT;
	struct buf	 out = BUF_INIT;
	size_t		 n;

	ck_assert(mkdtemp(dir) != NULL);
	path = xasprintf("%s/big.pem", dir);
	key = slurp(FX "rsa2048.pub.pem", &n);
	data = xmalloc(DKIM_KEY_FILE_MAX + 1);
	/* Text outside the PEM block is allowed; pad with it. */
	memset(data, '\n', DKIM_KEY_FILE_MAX + 1);
	memcpy(data, key, n);

	write_file(path, data, DKIM_KEY_FILE_MAX);
	ck_assert_int_eq(dkim_record_from_file(path, WHAT, &out, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	buf_reset(&out);

	write_file(path, data, DKIM_KEY_FILE_MAX + 1);
	ck_assert_int_eq(dkim_record_from_file(path, WHAT, &out, &d), -1);
	ck_assert_uint_eq(d.nerrors, 1);
	ck_assert(has_msg(&d, DIAG_ERROR, "is over 64 KiB: not a public key "
	    "file"));
	ck_assert_uint_eq(out.len, 0);

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	diags_release(&d);
	buf_release(&out);
	free(path);
	free(data);
	free(key);
}
END_TEST

/* The base64 between the BEGIN and END lines of a PEM file. */
static char *
pem_body(const char *file)
{
	struct buf	 b = BUF_INIT;
	char		*s = slurp(file, NULL), *line, *save = NULL;

	ck_assert(s != NULL);
	for (line = strtok_r(s, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "-----", 5) != 0)
			buf_adds(&b, line);
	free(s);
	return buf_detach(&b);
}

START_TEST(test_record_from_spki_base64)
{
	static const struct {
		const char	*b64;
		const char	*msg;
	} bad[] = {
		{ "", "the public key is not a DER SubjectPublicKeyInfo" },
		{ "abc", "the public key is not base64" },
		{ "ab=c", "the public key is not base64" },
		{ "a*bc", "the public key is not base64" },
		{ "aGVsbG8=", "the public key is not a DER SubjectPublicKeyInfo" },
		/* An Ed25519 raw key is not an SPKI (RFC 8463 A.2's key). */
		{ "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
		    "not a DER SubjectPublicKeyInfo" },
	};
	struct diags	 d = DIAGS_INIT;
	struct buf	 out = BUF_INIT, spaced = BUF_INIT;
	char		*b64, *want, *small, *trail;
	size_t		 i;

	b64 = pem_body(FX "rsa2048.pub.pem");
	want = first_line(FX "rsa2048.record");
	ck_assert_int_eq(dkim_record_from_spki_base64(b64, WHAT, &out, &d), 0);
	ck_assert_str_eq(buf_str(&out), want);
	ck_assert_uint_eq(d.n, 0);
	/* White space anywhere, as in a pasted block scalar. */
	for (i = 0; b64[i] != '\0'; i++) {
		buf_addc(&spaced, b64[i]);
		if (i % 64 == 63)
			buf_adds(&spaced, "\n  ");
	}
	buf_reset(&out);
	ck_assert_int_eq(dkim_record_from_spki_base64(buf_str(&spaced), WHAT,
	    &out, &d), 0);
	ck_assert_str_eq(buf_str(&out), want);
	free(want);

	buf_reset(&out);
	free(b64);
	b64 = pem_body(FX "ed25519.pub.pem");
	want = first_line(FX "ed25519.record");
	ck_assert_int_eq(dkim_record_from_spki_base64(b64, WHAT, &out, &d), 0);
	ck_assert_str_eq(buf_str(&out), want);
	free(want);

	for (i = 0; i < NELEM(bad); i++) {
		buf_reset(&out);
		ck_assert_int_eq(dkim_record_from_spki_base64(bad[i].b64, WHAT,
		    &out, &d), -1);
		ck_assert_uint_eq(d.nerrors, 1);
		ck_assert_msg(strstr(d.v[0].msg, bad[i].msg) != NULL, "%s",
		    d.v[0].msg);
		ck_assert_uint_eq(out.len, 0);
		diags_release(&d);
	}

	small = pem_body(FX "rsa512.pub.pem");
	ck_assert_int_eq(dkim_record_from_spki_base64(small, WHAT, &out, &d),
	    -1);
	ck_assert(has_msg(&d, DIAG_ERROR, WHAT ": the public key is an RSA "
	    "key of 512 bits"));
	diags_release(&d);
	free(small);
	small = pem_body(FX "ec-p256.pub.pem");
	ck_assert_int_eq(dkim_record_from_spki_base64(small, WHAT, &out, &d),
	    -1);
	ck_assert(has_msg(&d, DIAG_ERROR, "the public key is not an RSA or Ed25519 "
	    "key (it is EC)"));
	diags_release(&d);
	/* A key with bytes after it ("AAAA" is 3 zero bytes) is refused;
	 * the 2048-bit SPKI is 294 bytes, so its base64 has no padding. */
	free(b64);
	b64 = pem_body(FX "rsa2048.pub.pem");
	ck_assert(b64[strlen(b64) - 1] != '=');
	trail = xasprintf("%sAAAA", b64);
	ck_assert_int_eq(dkim_record_from_spki_base64(trail, WHAT, &out, &d),
	    -1);
	ck_assert(has_msg(&d, DIAG_ERROR, "not a DER SubjectPublicKeyInfo"));
	diags_release(&d);
	free(trail);
	free(small);
	free(b64);
	buf_release(&out);
	buf_release(&spaced);
}
END_TEST

/* --- dkim_check --- */

#define RSA1024_P "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3" \
	"idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC" \
	"/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2" \
	"kryOTIKT+l/K4w3QIDAQAB"
#define ED_P	"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
/* The same Ed25519 key as a SubjectPublicKeyInfo (12-byte prefix). */
#define ED_SPKI	"MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

static const struct {
	const char	*text;
	size_t		 nerrors;
	size_t		 nwarnings;
	const char	*msg;		/* substring of one diagnostic */
} check_cases[] = {
	/* Clean (the 1024-bit key warns; Ed25519 keys do not). */
	{ "v=DKIM1; k=ed25519; p=" ED_P, 0, 0, NULL },
	{ "k=ed25519; p=" ED_P, 0, 0, NULL },
	{ "v=DKIM1; k=ed25519; p=" ED_P ";", 0, 0, NULL },
	{ "v=DKIM1;k=ed25519;p=" ED_P, 0, 0, NULL },
	{ "  v = DKIM1 ;  k = ed25519 ; p = 11qYAYKxCrfVS/7TyWQHOg7hcv "
	    "PapiMlrwIaaPcHURo= ", 0, 0, NULL },
	{ "v=DKIM1; h=sha256; k=ed25519; n=test key; s=email; t=s; p=" ED_P,
	    0, 0, NULL },
	{ "v=DKIM1; s=*; t=y:s; k=ed25519; p=" ED_P, 0, 0, NULL },
	{ "v=DKIM1; s=email:tlsrpt; t=y; k=ed25519; p=" ED_P, 0, 0, NULL },
	{ "v=DKIM1; g=*; k=ed25519; p=" ED_P, 0, 0, NULL },
	{ "v=DKIM1; p=" RSA1024_P, 0, 1, "RSA key of 1024 bits" },
	{ "v=DKIM1; k=rsa; p=" RSA1024_P, 0, 1, "RSA key of 1024 bits" },

	/* Revoked. */
	{ "v=DKIM1; p=", 0, 1, "p= is empty: the key is revoked (RFC 6376 "
	    "§3.6.1)" },
	{ "v=DKIM1; k=ed25519; p= ", 0, 1, "revoked" },

	/* Version. */
	{ "v=DKIM2; k=ed25519; p=" ED_P, 1, 0, "v=DKIM2: the version must be "
	    "'DKIM1' (RFC 6376 §3.6.1)" },
	{ "v=dkim1; k=ed25519; p=" ED_P, 1, 0, "v=dkim1: the version must" },
	{ "k=ed25519; v=DKIM1; p=" ED_P, 1, 0, "v= must be the first tag "
	    "(RFC 6376 §3.6.1)" },
	/* RFC 6376 §3.2: tag names are case-sensitive.  dkimpy and OpenDKIM
	 * (strcmp in dkim_param_get) ignore "V" like any unknown tag, and
	 * v= is optional: a warning.  "P=" leaves no key: that is the
	 * error. */
	{ "V=DKIM1; k=ed25519; p=" ED_P, 0, 1, "tag 'V' is not 'v': tag names "
	    "are case-sensitive (RFC 6376 §3.2), so verifiers (dkimpy, "
	    "OpenDKIM) ignore 'V'; write 'v'" },

	/* Key type. */
	{ "v=DKIM1; k=dsa; p=" ED_P, 1, 0, "k=dsa: unknown key type, so "
	    "verifiers cannot use the key" },
	{ "v=DKIM1; k=; p=" ED_P, 1, 0, "unknown key type" },
	{ "v=DKIM1; k=RSA; p=" RSA1024_P, 1, 0, "k=RSA: unknown key type" },

	/* Key data. */
	{ "v=DKIM1; k=rsa", 1, 0, "no p= tag: the public key is required" },
	{ "", 1, 0, "no p= tag" },
	{ "v=DKIM1; p=abc", 1, 0, "p= is not base64 (RFC 6376 §3.6.1)" },
	{ "v=DKIM1; p=" ED_P, 1, 0, "p= is not an RSA SubjectPublicKeyInfo" },
	{ "v=DKIM1; k=rsa; p=" ED_SPKI, 1, 0, "p= holds an Ed25519 key but "
	    "k= is rsa" },
	{ "v=DKIM1; k=ed25519; p=" ED_SPKI, 1, 0, "p= is an Ed25519 "
	    "SubjectPublicKeyInfo; RFC 8463 §4 publishes the raw 32-byte key" },
	{ "v=DKIM1; k=ed25519; p=" RSA1024_P, 1, 0, "p= is 162 bytes; an "
	    "Ed25519 key is 32 bytes (RFC 8463 §4)" },
	{ "v=DKIM1; k=ed25519; p=AAAA", 1, 0, "p= is 3 bytes" },

	/* Hashes. */
	{ "v=DKIM1; h=sha1:sha256; k=ed25519; p=" ED_P, 0, 1, "h= lists sha1, "
	    "which RFC 8301 §3.1 forbids" },
	{ "v=DKIM1; h=sha1; k=ed25519; p=" ED_P, 1, 1, "h=sha1 allows no hash "
	    "algorithm that RFC 8301 §3.1 verifiers accept" },
	{ "v=DKIM1; h=sha256 : sha512; k=ed25519; p=" ED_P, 0, 1, "h= lists "
	    "'sha512', a hash algorithm verifiers do not know" },
	{ "v=DKIM1; h=sha256:; k=ed25519; p=" ED_P, 1, 0, "h=sha256: has an "
	    "empty item" },

	/* Services, flags, g=. */
	{ "v=DKIM1; s=tlsrpt; k=ed25519; p=" ED_P, 0, 1, "s=tlsrpt: the key "
	    "cannot verify email signatures" },
	{ "v=DKIM1; s=email:chat; k=ed25519; p=" ED_P, 0, 1, "s= lists "
	    "'chat'" },
	{ "v=DKIM1; s=; k=ed25519; p=" ED_P, 1, 0, "s= has an empty item" },
	{ "v=DKIM1; t=x; k=ed25519; p=" ED_P, 0, 1, "t= lists 'x', a flag" },
	{ "v=DKIM1; t=y:; k=ed25519; p=" ED_P, 1, 0, "t=y: has an empty item" },
	{ "v=DKIM1; g=jdoe; k=ed25519; p=" ED_P, 0, 1, "g=jdoe: RFC 6376 "
	    "dropped g=" },

	/* Tag-list syntax (RFC 6376 §3.2). */
	{ "v=DKIM1; k=ed25519; p=" ED_P "; p=" ED_P, 1, 0, "tag 'p' is "
	    "repeated, which makes the whole record invalid" },
	{ "v=DKIM1; k=ed25519; x-y=1; p=" ED_P, 1, 0, "'x-y' is not a tag "
	    "name" },
	{ "v=DKIM1; k=ed25519; 1x=1; p=" ED_P, 1, 0, "'1x' is not a tag name" },
	{ "v=DKIM1; k=ed25519; foo; p=" ED_P, 1, 0, "'foo': tag has no '='" },
	{ "v=DKIM1; k=ed25519; n=caf\xc3\xa9; p=" ED_P, 1, 0, "tag 'n': byte "
	    "0xc3 is not allowed in a value" },
	/* RFC 6376 §3.2: tag-list = tag-spec *( ";" tag-spec ) [ ";" ]: no
	 * empty tag, one final ';' allowed; §6.1.2: a key record that does
	 * not parse is a PERMFAIL (dkimpy raises InvalidTagSpec). */
	{ "v=DKIM1; k=ed25519;; p=" ED_P, 1, 0, "empty tag (';;'): RFC 6376 "
	    "§3.2 allows none, so verifiers that follow it (dkimpy) fail every "
	    "signature made with this key (PERMFAIL, RFC 6376 §6.1.2)" },
	{ "v=DKIM1;; k=rsa; p=" RSA1024_P, 1, 1, "empty tag (';;')" },
	{ "v=DKIM1; k=ed25519; p=" ED_P ";;", 1, 0, "empty tag (';;')" },
	{ "v=DKIM1; k=ed25519; p=" ED_P "; ;", 1, 0, "empty tag (';;')" },
	{ "; v=DKIM1; k=ed25519; p=" ED_P, 1, 0, "empty tag (a leading ';')" },
	{ "v=DKIM1; k=ed25519; p=" ED_P "; ", 0, 0, NULL },
	{ "v=DKIM1; k=ed25519; p=" ED_P " ;\t", 0, 0, NULL },
	/* One defect, one error: a byte a value may not hold (a newline, a
	 * NUL after TXT decoding, non-ASCII) is not also "no p= tag". */
	{ "v=DKIM1; k=ed25519; p=" ED_P "\n", 1, 0, "tag 'p': byte 0x0a is "
	    "not allowed in a value (RFC 6376 §3.2)" },
	{ "v=DKIM1; k=ed25519; p=" ED_P "\xc3\xa9", 1, 0, "tag 'p': byte "
	    "0xc3" },
	{ "v=DKIM1; k=ed25519\r; p=" ED_P, 1, 0, "tag 'k': byte 0x0d" },
	{ "v=DKIM1; k=ed25519; x=1; p=" ED_P, 0, 1, "unknown tag 'x' is "
	    "ignored by verifiers" },
	{ "v=DKIM1; k=ed25519; P=" ED_P, 1, 1, "no p= tag" },
	{ "v=DKIM1; K=ed25519; p=" ED_P, 1, 1, "p= is not an RSA "
	    "SubjectPublicKeyInfo" },

	/* Several problems at once, all reported. */
	{ "v=DKIM2; k=dsa; h=md5; s=; q; p=abc", 6, 1, "v=DKIM2" },
};

START_TEST(test_check)
{
	size_t	 i;

	for (i = 0; i < NELEM(check_cases); i++) {
		struct diags	 d = DIAGS_INIT;
		size_t		 j;

		dkim_check(check_cases[i].text, "s._domainkey.example.com", &d);
		for (j = 0; j < d.n; j++)
			ck_assert_msg(strncmp(d.v[j].msg,
			    "s._domainkey.example.com: ", 26) == 0, "%s",
			    d.v[j].msg);
		ck_assert_msg(d.nerrors == check_cases[i].nerrors &&
		    d.nwarnings == check_cases[i].nwarnings,
		    "case %zu '%s': %zu errors, %zu warnings (want %zu, %zu), "
		    "first '%s'", i, check_cases[i].text, d.nerrors,
		    d.nwarnings, check_cases[i].nerrors,
		    check_cases[i].nwarnings, d.n > 0 ? d.v[0].msg : "");
		if (check_cases[i].msg != NULL)
			ck_assert_msg(has_msg(&d, check_cases[i].nerrors > 0 ?
			    DIAG_ERROR : DIAG_WARNING, check_cases[i].msg),
			    "case %zu: no '%s' in '%s'", i, check_cases[i].msg,
			    d.n > 0 ? d.v[0].msg : "");
		diags_release(&d);
	}
}
END_TEST

START_TEST(test_check_rsa_sizes)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 b = BUF_INIT;
	unsigned char	*der = NULL, *enc;
	EVP_PKEY	*pk;
	BIO		*bio;
	char		*b64, *text, *pem;
	int		 n;

	/* 512 bits: an error, given as an SPKI in a live record. */
	b64 = pem_body(FX "rsa512.pub.pem");
	text = xasprintf("v=DKIM1; k=rsa; p=%s", b64);
	dkim_check(text, NULL, &d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert(has_msg(&d, DIAG_ERROR, "DKIM record: p= is an RSA key of "
	    "512 bits; RFC 8301 §3.2 requires at least 1024"));
	diags_release(&d);
	free(text);
	free(b64);

	/* An EC key under k=rsa. */
	b64 = pem_body(FX "ec-p256.pub.pem");
	text = xasprintf("v=DKIM1; p=%s", b64);
	dkim_check(text, NULL, &d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert(has_msg(&d, DIAG_ERROR, "DKIM record: p= is not an RSA key "
	    "(it is EC)"));
	diags_release(&d);
	free(text);
	free(b64);

	/* A bare PKCS#1 RSAPublicKey: some verifiers take it; a warning. */
	pem = xasprintf("-----BEGIN PUBLIC KEY-----\n%s\n"
	    "-----END PUBLIC KEY-----\n", RSA1024_P);
	bio = BIO_new_mem_buf(pem, -1);
	pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	ck_assert(pk != NULL);
	n = i2d_PublicKey(pk, &der);
	ck_assert_int_gt(n, 0);
	enc = xmalloc(4 * (((size_t)n + 2) / 3) + 1);
	EVP_EncodeBlock(enc, der, n);
	buf_addf(&b, "v=DKIM1; k=rsa; p=%s", (char *)enc);
	dkim_check(buf_str(&b), NULL, &d);
	ck_assert_uint_eq(d.nerrors, 0);
	ck_assert_uint_eq(d.nwarnings, 2);
	ck_assert(has_msg(&d, DIAG_WARNING, "p= is a bare PKCS#1 "
	    "RSAPublicKey"));
	ck_assert(has_msg(&d, DIAG_WARNING, "1024 bits"));
	diags_release(&d);
	buf_release(&b);
	free(enc);
	OPENSSL_free(der);
	EVP_PKEY_free(pk);
	BIO_free(bio);
	free(pem);
}
END_TEST

/* --- is_record, equivalent --- */

START_TEST(test_is_record)
{
	static const struct {
		const char	*text;
		int		 yes;
	} cases[] = {
		{ "v=DKIM1; k=rsa; p=" RSA1024_P, 1 },
		{ "v=DKIM1", 1 },
		{ " V = dkim1 ;p=", 1 },
		{ "v=DKIM1: g=*; k=rsa; p=x", 1 },	/* broken: owned */
		{ "k=ed25519; p=" ED_P, 1 },
		{ "p=", 1 },
		{ "P=abc", 1 },
		{ "v=DKIM10; p=x", 0 },
		{ "v=DMARC1; p=none", 0 },
		{ "v=spf1 -all", 0 },
		{ "google-site-verification=abc", 0 },
		{ "k=rsa", 0 },
		{ "", 0 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(cases); i++)
		ck_assert_msg(dkim_is_record(cases[i].text) == cases[i].yes,
		    "'%s'", cases[i].text);
}
END_TEST

START_TEST(test_equivalent)
{
	static const struct {
		const char	*a, *b;
		int		 same;
	} cases[] = {
		{ "v=DKIM1; k=ed25519; p=" ED_P, "v=DKIM1; k=ed25519; p=" ED_P,
		    1 },
		{ "v=DKIM1; k=ed25519; p=" ED_P, "v=DKIM1;k=ed25519;p=" ED_P ";",
		    1 },
		{ "v=DKIM1; k=ed25519; p=" ED_P, "v=DKIM1; p=" ED_P "; k=ed25519",
		    1 },
		/* Tag names are case-sensitive (RFC 6376 §3.2): a live
		 * "P=" is no key to verifiers, so plan must replace it. */
		{ "v=DKIM1; k=ed25519; p=" ED_P, "V=DKIM1; K=ed25519; P=" ED_P,
		    0 },
		{ "v=DKIM1; k=ed25519; p=" ED_P, "v=DKIM1; k=ed25519; P=" ED_P,
		    0 },
		/* An empty tag makes the record a PERMFAIL (RFC 6376 §3.2,
		 * §6.1.2): never the same as the one mailauth writes. */
		{ "v=DKIM1; k=ed25519; p=" ED_P, "v=DKIM1;; k=ed25519; p=" ED_P,
		    0 },
		{ "v=DKIM1; k=ed25519; p=" ED_P, "v=DKIM1; k=ed25519;; p=" ED_P,
		    0 },
		{ "v=DKIM1; k=ed25519; p=" ED_P, "v=DKIM1; k=ed25519; p=" ED_P
		    ";;", 0 },
		{ "v=DKIM1; k=ed25519; p=" ED_P, "v=DKIM1; k=ed25519; p=" ED_P
		    "; ", 1 },
		{ "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
		    "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQ HOg7hcvPapiMl rwIaaPcHURo=",
		    1 },
		{ "v=DKIM1; h=sha1 : sha256; p=x", "v=DKIM1; h=sha1:sha256; p=x",
		    1 },
		{ "v=DKIM1; k=ed25519; p=" ED_P, "k=ed25519; p=" ED_P, 0 },
		{ "v=DKIM1; k=rsa; p=x", "v=DKIM1; p=x", 0 },
		{ "v=DKIM1; k=ed25519; p=" ED_P, "v=DKIM1; k=ed25519; p=", 0 },
		{ "v=DKIM1; p=abc", "v=DKIM1; p=ABC", 0 },
		{ "v=DKIM1; k=rsa; p=x", "v=DKIM1; k=RSA; p=x", 0 },
		{ "v=DKIM1; p=x; p=x", "v=DKIM1; p=x; p=x", 0 },
		{ "v=DKIM1; p=x; P=x", "v=DKIM1; p=x", 0 },
		{ "v=DKIM1; p", "v=DKIM1; p", 0 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(cases); i++) {
		ck_assert_msg(dkim_equivalent(cases[i].a, cases[i].b) ==
		    cases[i].same, "'%s' vs '%s'", cases[i].a, cases[i].b);
		ck_assert_msg(dkim_equivalent(cases[i].b, cases[i].a) ==
		    cases[i].same, "'%s' vs '%s'", cases[i].b, cases[i].a);
	}
}
END_TEST

/* --- bytes with a length, private keys in p= --- */

START_TEST(test_check_bytes)
{
	static const char	 nul_p[] = "v=DKIM1; k=ed25519; p=" ED_P "\0";
	static const char	 nul_tag[] = "v=DKIM1; k=ed25519\0x; p=" ED_P;
	static const char	 good[] = "v=DKIM1; k=ed25519; p=" ED_P;
	struct diags		 d = DIAGS_INIT;

	/* A NUL from a TXT escape ("\000") is a byte of the record, not
	 * its end: the record is checked to its length. */
	dkim_check_bytes(nul_p, sizeof(nul_p) - 1, NULL, &d);
	ck_assert_uint_eq(d.nerrors, 1);
	ck_assert(has_msg(&d, DIAG_ERROR, "tag 'p': byte 0x00 is not allowed "
	    "in a value (RFC 6376 §3.2)"));
	diags_release(&d);
	dkim_check_bytes(nul_tag, sizeof(nul_tag) - 1, NULL, &d);
	ck_assert_uint_eq(d.nerrors, 1);
	ck_assert(has_msg(&d, DIAG_ERROR, "tag 'k': byte 0x00"));
	diags_release(&d);
	dkim_check_bytes(good, sizeof(good) - 1, NULL, &d);
	ck_assert_uint_eq(d.n, 0);
	diags_release(&d);

	ck_assert_int_eq(dkim_equivalent_bytes(nul_p, sizeof(nul_p) - 1, good,
	    sizeof(good) - 1), 0);
	ck_assert_int_eq(dkim_equivalent_bytes(good, sizeof(good) - 1, nul_p,
	    sizeof(nul_p) - 1), 0);
	ck_assert_int_eq(dkim_equivalent_bytes(good, sizeof(good) - 1, good,
	    sizeof(good) - 1), 1);
}
END_TEST

/* The base64 of DER, as one line. */
static char *
b64_of(const unsigned char *der, int n)
{
	char	*out = xmalloc(4 * ((size_t)n + 2) / 3 + 4);

	EVP_EncodeBlock((unsigned char *)out, der, n);
	return out;
}

/* A private key in p= is one error that says it must be rotated, in lint,
 * validate and plan (dkim_check), and in the config's public_key. */
static void
private_refused(const char *b64, const char *label)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 out = BUF_INIT;
	char		*rec = xasprintf("v=DKIM1; k=rsa; p=%s", b64);

	dkim_check(rec, NULL, &d);
	ck_assert_msg(d.nerrors == 1 && has_msg(&d, DIAG_ERROR, "p= holds a "
	    "PRIVATE key, published where anyone can read it") &&
	    has_msg(&d, DIAG_ERROR, "make a new key pair (mailauth dkim "
	    "keygen)"), "%s: %s", label, d.n > 0 ? d.v[0].msg : "");
	diags_release(&d);
	ck_assert_int_eq(dkim_record_from_spki_base64(b64, WHAT, &out, &d),
	    -1);
	ck_assert_msg(d.nerrors == 1 && has_msg(&d, DIAG_ERROR, "this is a "
	    "PRIVATE key, not the public key"), "%s", label);
	ck_assert_uint_eq(out.len, 0);
	diags_release(&d);
	free(rec);
}

START_TEST(test_private_in_p)
{
	EVP_PKEY	*ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	EVP_PKEY	*ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	BIO		*bio = BIO_new(BIO_s_mem());
	unsigned char	*der = NULL;
	char		*b64, *path, *pem;
	const char	*files[] = { "rfc8463/rsa-private-key.pem",
			    "dkimpy/test.private" };
	long		 n;
	int		 len;
	size_t		 i;

	ck_assert(ed != NULL && ec != NULL && bio != NULL);
	/* PKCS#1 RSAPrivateKey, as "BEGIN RSA PRIVATE KEY" holds it. */
	for (i = 0; i < NELEM(files); i++) {
		path = xasprintf("%s/%s", test_corpus("dkim"), files[i]);
		b64 = pem_body(path);
		private_refused(b64, files[i]);
		free(b64);
		/* The whole PEM text, pasted with its lines joined. */
		pem = slurp(path, NULL);
		for (b64 = pem; *b64 != '\0'; b64++)
			if (*b64 == '\n')
				*b64 = ' ';
		private_refused(pem, "PEM text");
		free(pem);
		free(path);
	}
	/* PKCS#8 PrivateKeyInfo (Ed25519), SEC1 ECPrivateKey. */
	ck_assert_int_gt(len = i2d_PrivateKey(ed, &der), 0);
	b64 = b64_of(der, len);
	private_refused(b64, "PKCS#8");
	free(b64);
	OPENSSL_free(der);
	der = NULL;
	ck_assert_int_gt(len = i2d_PrivateKey(ec, &der), 0);
	b64 = b64_of(der, len);
	private_refused(b64, "SEC1");
	free(b64);
	OPENSSL_free(der);
	/* PKCS#8 EncryptedPrivateKeyInfo. */
	ck_assert_int_eq(i2d_PKCS8PrivateKey_bio(bio, ed, EVP_aes_128_cbc(),
	    "pw", 2, NULL, NULL), 1);
	n = BIO_get_mem_data(bio, &pem);
	b64 = b64_of((const unsigned char *)pem, (int)n);
	private_refused(b64, "encrypted PKCS#8");
	free(b64);
	/* The public halves stay valid: only the framing is read. */
	der = NULL;
	ck_assert_int_gt(len = i2d_PUBKEY(ec, &der), 0);
	b64 = b64_of(der, len);
	path = xasprintf("v=DKIM1; k=rsa; p=%s", b64);
	{
		struct diags	 d = DIAGS_INIT;

		dkim_check(path, NULL, &d);
		ck_assert_uint_eq(d.nerrors, 1);
		ck_assert(has_msg(&d, DIAG_ERROR, "p= is not an RSA key (it is "
		    "EC)"));
		diags_release(&d);
	}
	free(path);
	free(b64);
	OPENSSL_free(der);
	BIO_free(bio);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(ec);
}
END_TEST

/* --- corpus --- */

/* A public key PEM derived (here, in the test) from a private key. */
static char *
pubkey_pem(EVP_PKEY *pk)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*p, *r;
	long	 n;

	ck_assert(bio != NULL && PEM_write_bio_PUBKEY(bio, pk) == 1);
	n = BIO_get_mem_data(bio, &p);
	r = xstrndup(p, (size_t)n);
	BIO_free(bio);
	return r;
}

static char *
pubkey_of_private_pem(const char *path)
{
	BIO		*bio = BIO_new_file(path, "r");
	EVP_PKEY	*pk;
	char		*r;

	ck_assert_msg(bio != NULL, "cannot open '%s'", path);
	pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	ck_assert_msg(pk != NULL, "'%s' is not a private key", path);
	r = pubkey_pem(pk);
	EVP_PKEY_free(pk);
	BIO_free(bio);
	return r;
}

/* From a base64 Ed25519 seed (RFC 8032 secret key). */
static char *
pubkey_of_ed25519_seed(const char *path)
{
	char		*b64 = first_line(path);
	unsigned char	 seed[64];
	EVP_PKEY	*pk;
	char		*r;
	int		 n;

	n = EVP_DecodeBlock(seed, (unsigned char *)b64, (int)strlen(b64));
	ck_assert_int_eq(n, 33);	/* 32 bytes and one of padding */
	pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	ck_assert(pk != NULL);
	r = pubkey_pem(pk);
	EVP_PKEY_free(pk);
	free(b64);
	return r;
}

/* The record made from a derived public key. */
static char *
record_of(const char *pem)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 out = BUF_INIT;

	ck_assert_int_eq(dkim_record_from_pem(pem, strlen(pem), WHAT, NULL,
	    &out, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	return buf_detach(&out);
}

/* The value of tag p in a record, white space removed. */
static char *
p_of(const char *rec)
{
	const char	*p = strstr(rec, "p=");
	struct buf	 b = BUF_INIT;

	ck_assert(p != NULL);
	for (p += 2; *p != '\0' && *p != ';'; p++)
		if (*p != ' ' && *p != '\t')
			buf_addc(&b, *p);
	return buf_detach(&b);
}

/*
 * Where mailauth's verdict on a dkim-key-records.tsv row differs from the
 * corpus: none.  Kept as a table so a future deviation is written down
 * here and asserted, not silently accepted.
 */
static const struct {
	const char	*record_prefix;
	int		 error;
	const char	*why;
} deviations[] = {
	{ NULL, 0, NULL }
};

static size_t
corpus_tsv(const char *dir)
{
	char	*path = xasprintf("%s/dkim-key-records.tsv", dir);
	char	*line = NULL, *rec, *verdict, *save = NULL;
	size_t	 cap = 0, n = 0, i;
	FILE	*fp = fopen(path, "r");

	ck_assert_msg(fp != NULL, "cannot open '%s'", path);
	while (getline(&line, &cap, fp) != -1) {
		struct diags	 d = DIAGS_INIT;
		int		 want;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		rec = strtok_r(line, "\t", &save);
		verdict = strtok_r(NULL, "\t", &save);
		ck_assert(rec != NULL && verdict != NULL);
		ck_assert(strcmp(verdict, "valid") == 0 ||
		    strcmp(verdict, "invalid") == 0);
		want = strcmp(verdict, "invalid") == 0;
		for (i = 0; deviations[i].record_prefix != NULL; i++)
			if (strncmp(rec, deviations[i].record_prefix,
			    strlen(deviations[i].record_prefix)) == 0)
				want = deviations[i].error;
		dkim_check(rec, "corpus", &d);
		ck_assert_msg((d.nerrors > 0) == want, "'%s' (%s): %zu errors, "
		    "first '%s'", rec, verdict, d.nerrors,
		    d.n > 0 ? d.v[0].msg : "");
		/* Every row is a key record mailauth would own. */
		ck_assert_msg(dkim_is_record(rec), "'%s' not owned", rec);
		ck_assert_int_eq(dkim_equivalent(rec, rec), 1);
		diags_release(&d);
		n++;
	}
	free(line);
	fclose(fp);
	free(path);
	ck_assert_uint_eq(n, 10);
	return n;
}

/* dkimpy key records: verdicts from dkimpy's own tests. */
static size_t
corpus_dkimpy_records(const char *dir)
{
	static const struct {
		const char	*file;
		int		 valid;
		const char	*msg;
	} files[] = {
		{ "test.txt", 1, NULL },
		{ "test2.txt", 1, NULL },
		{ "test_tlsrpt.txt", 1, NULL },
		{ "ed25519test.dns", 1, NULL },
		{ "eximtest.dns", 1, NULL },
		{ "badversion.txt", 0, "v=DKIM1: g=*: the version must be" },
		{ "badk.txt", 0, "k=ed25519-sha256: unknown key type" },
		{ "test_bad.txt", 0, "p= is not an RSA SubjectPublicKeyInfo" },
	};
	size_t	 i;

	for (i = 0; i < NELEM(files); i++) {
		struct diags	 d = DIAGS_INIT;
		char		*path = xasprintf("%s/%s", dir, files[i].file);
		char		*rec = first_line(path);

		dkim_check(rec, files[i].file, &d);
		ck_assert_msg((d.nerrors == 0) == files[i].valid, "%s: %s",
		    files[i].file, d.n > 0 ? d.v[0].msg : "");
		if (files[i].msg != NULL)
			ck_assert_msg(has_msg(&d, DIAG_ERROR, files[i].msg),
			    "%s: %s", files[i].file, d.v[0].msg);
		ck_assert(dkim_is_record(rec));
		diags_release(&d);
		free(rec);
		free(path);
	}
	return NELEM(files);
}

/* Private keys -> the public records published beside them. */
static size_t
corpus_keys(const char *root)
{
	static const struct {
		const char	*key;
		int		 seed;		/* base64 Ed25519 seed, or PEM */
		const char	*record;
		int		 exact;		/* whole record, or p= only */
	} keys[] = {
		{ "rfc8463/ed25519-private-key.b64", 1,
		    "rfc8463/brisbane._domainkey.football.example.com.txt", 1 },
		{ "rfc8463/rsa-private-key.pem", 0,
		    "rfc8463/test._domainkey.football.example.com.txt", 1 },
		{ "dkimpy/rfc8032_7_1.key", 1,
		    "rfc8463/brisbane._domainkey.football.example.com.txt", 1 },
		{ "dkimpy/ed25519test.key", 1, "dkimpy/ed25519test.dns", 0 },
		{ "dkimpy/test.private", 0, "dkimpy/test.txt", 0 },
		{ "dkimpy/test2.private", 0, "dkimpy/test2.txt", 0 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(keys); i++) {
		char	*kpath = xasprintf("%s/%s", root, keys[i].key);
		char	*rpath = xasprintf("%s/%s", root, keys[i].record);
		char	*pem, *got, *want, *gp, *wp;

		pem = keys[i].seed ? pubkey_of_ed25519_seed(kpath) :
		    pubkey_of_private_pem(kpath);
		got = record_of(pem);
		want = first_line(rpath);
		if (keys[i].exact)
			ck_assert_str_eq(got, want);
		gp = p_of(got);
		wp = p_of(want);
		ck_assert_str_eq(gp, wp);
		free(gp);
		free(wp);
		free(got);
		free(want);
		free(pem);
		free(rpath);
		free(kpath);
	}
	return NELEM(keys);
}

/* The corpus's private key files are refused as they are. */
static size_t
corpus_private_refused(const char *root)
{
	static const char *const files[] = {
		"rfc8463/rsa-private-key.pem",
		"dkimpy/test.private",
		"dkimpy/test2.private",
		"dkimpy/ed25519test.key",	/* a bare base64 seed */
	};
	size_t	 i;

	for (i = 0; i < NELEM(files); i++) {
		struct diags	 d = DIAGS_INIT;
		struct buf	 out = BUF_INIT;
		char		*path = xasprintf("%s/%s", root, files[i]);

		ck_assert_int_eq(dkim_record_from_file(path, WHAT, &out, &d),
		    -1);
		ck_assert_uint_eq(d.nerrors, 1);
		ck_assert_msg(strstr(d.v[0].msg, i < 3 ? "holds a PRIVATE key" :
		    "is not a PEM public key") != NULL, "%s", d.v[0].msg);
		ck_assert_uint_eq(out.len, 0);
		diags_release(&d);
		free(path);
	}
	return NELEM(files);
}

START_TEST(test_corpus_dkim)
{
	const char	*dir = test_corpus("dkim");
	char		*root, *sub;
	size_t		 ntsv, nrec, nkeys, npriv;

	root = xstrdup(dir);
	ntsv = corpus_tsv(root);
	sub = xasprintf("%s/dkimpy", root);
	nrec = corpus_dkimpy_records(sub);
	free(sub);
	nkeys = corpus_keys(root);
	npriv = corpus_private_refused(root);
	printf("dkim: %zu cases (%zu dkim-key-records.tsv rows, %zu dkimpy "
	    "records, %zu keys -> published records, %zu private key files "
	    "refused; %zu deviations)\n", ntsv + nrec + nkeys + npriv, ntsv,
	    nrec, nkeys, npriv, NELEM(deviations) - 1);
	free(root);
}
END_TEST

/* --- keygen --- */

static mode_t
mode_of(const char *path)
{
	struct stat	 st;

	ck_assert_msg(stat(path, &st) == 0, "'%s': %s", path,
	    strerror(errno));
	return st.st_mode & 07777;
}

static void
keygen_one(const char *dir, const char *outdir, const char *selector,
    enum dkim_key_type type, int bits, const char *kword)
{
	struct dkim_keygen	 kg, again;
	struct diags		 d = DIAGS_INIT;
	struct buf		 rec = BUF_INIT;
	struct err		 err;
	char			*priv, *pub, *priv2, *pub2, *want;

	err_clear(&err);
	ck_assert_msg(dkim_keygen(outdir, selector, type, bits, &kg, &err) ==
	    0, "%s", err.msg);
	want = xasprintf("%s/%s.private.pem", dir, selector);
	ck_assert_str_eq(kg.private_path, want);
	free(want);
	want = xasprintf("%s/%s.public.pem", dir, selector);
	ck_assert_str_eq(kg.public_path, want);
	free(want);
	ck_assert_uint_eq(mode_of(kg.private_path), 0600);
	ck_assert_uint_eq(mode_of(kg.public_path), 0644);
	priv = slurp(kg.private_path, NULL);
	pub = slurp(kg.public_path, NULL);
	ck_assert(strncmp(priv, "-----BEGIN PRIVATE KEY-----\n", 28) == 0);
	ck_assert(strncmp(pub, "-----BEGIN PUBLIC KEY-----\n", 27) == 0);

	/* The public file turns into the same, valid record. */
	ck_assert_int_eq(dkim_record_from_file(kg.public_path, WHAT, &rec, &d),
	    0);
	ck_assert_str_eq(buf_str(&rec), kg.record);
	ck_assert(strstr(kg.record, kword) != NULL);
	dkim_check(kg.record, WHAT, &d);
	ck_assert_msg(d.n == 0, "%s", d.n > 0 ? d.v[0].msg : "");
	/* And the private file is refused as a record. */
	ck_assert_int_eq(dkim_record_from_file(kg.private_path, WHAT, &rec,
	    &d), -1);
	ck_assert(has_msg(&d, DIAG_ERROR, "holds a PRIVATE key"));
	diags_release(&d);

	/* A second run refuses and leaves both files as they were. */
	ck_assert_int_eq(dkim_keygen(outdir, selector, type, bits, &again,
	    &err), -1);
	ck_assert_msg(strstr(err.msg, "already exists; mailauth never "
	    "overwrites a key") != NULL, "%s", err.msg);
	ck_assert(again.private_path == NULL && again.record == NULL);
	priv2 = slurp(kg.private_path, NULL);
	pub2 = slurp(kg.public_path, NULL);
	ck_assert_str_eq(priv2, priv);
	ck_assert_str_eq(pub2, pub);
	ck_assert_uint_eq(mode_of(kg.private_path), 0600);

	ck_assert_int_eq(unlink(kg.private_path), 0);
	ck_assert_int_eq(unlink(kg.public_path), 0);
	free(priv);
	free(pub);
	free(priv2);
	free(pub2);
	buf_release(&rec);
	dkim_keygen_release(&kg);
}

START_TEST(test_keygen)
{
	static const struct {
		const char		*selector;
		enum dkim_key_type	 type;
		int			 bits;
		const char		*msg;
	} bad[] = {
		{ "../x", DKIM_KEY_RSA, 0, "'../x' is not a selector" },
		{ "a/b", DKIM_KEY_RSA, 0, "is not a selector" },
		{ "", DKIM_KEY_RSA, 0, "is not a selector" },
		{ ".a", DKIM_KEY_RSA, 0, "is not a selector" },
		{ "a.", DKIM_KEY_RSA, 0, "is not a selector" },
		{ "-a", DKIM_KEY_RSA, 0, "is not a selector" },
		{ "s1", DKIM_KEY_RSA, 512, "an RSA key of 512 bits: DKIM keys "
		    "are 1024 to 4096 bits (RFC 8301 §3.2; 2048 recommended)" },
		{ "s1", DKIM_KEY_RSA, 8192, "an RSA key of 8192 bits" },
		{ "s1", DKIM_KEY_ED25519, 256, "an Ed25519 key has a fixed "
		    "size" },
	};
	char			 dir[] = "/tmp/check_dkim.XXXXXX";
	char			*slash, *path, *missing;
	struct dkim_keygen	 kg;
	struct err		 err;
	mode_t			 old;
	size_t			 i;

	old = umask(022);
	ck_assert(mkdtemp(dir) != NULL);
	keygen_one(dir, dir, "s2026", DKIM_KEY_RSA, 0, "k=rsa; p=");
	slash = xasprintf("%s/", dir);
	keygen_one(dir, slash, "mail.ed-1", DKIM_KEY_ED25519, 0,
	    "k=ed25519; p=");
	free(slash);

	for (i = 0; i < NELEM(bad); i++) {
		err_clear(&err);
		ck_assert_int_eq(dkim_keygen(dir, bad[i].selector, bad[i].type,
		    bad[i].bits, &kg, &err), -1);
		ck_assert_msg(strstr(err.msg, bad[i].msg) != NULL, "%s",
		    err.msg);
	}

	/* Only the public file exists: refused, no private file made. */
	path = xasprintf("%s/only.public.pem", dir);
	write_file(path, "x", 1);
	ck_assert_int_eq(dkim_keygen(dir, "only", DKIM_KEY_ED25519, 0, &kg,
	    &err), -1);
	ck_assert(strstr(err.msg, "only.public.pem' already exists") != NULL);
	free(path);
	path = xasprintf("%s/only.private.pem", dir);
	ck_assert_int_eq(access(path, F_OK), -1);
	free(path);
	path = xasprintf("%s/only.public.pem", dir);
	ck_assert_int_eq(unlink(path), 0);
	free(path);

	/* A folder that does not exist: an error, nothing left behind. */
	missing = xasprintf("%s/nope", dir);
	ck_assert_int_eq(dkim_keygen(missing, "s", DKIM_KEY_ED25519, 0, &kg,
	    &err), -1);
	ck_assert_msg(strstr(err.msg, "cannot create '") != NULL &&
	    strstr(err.msg, "No such file or directory") != NULL, "%s",
	    err.msg);
	free(missing);

	/* Under a strict umask the private key is still the owner's. */
	umask(0277);
	ck_assert_int_eq(dkim_keygen(dir, "strict", DKIM_KEY_ED25519, 0, &kg,
	    &err), 0);
	ck_assert_uint_eq(mode_of(kg.private_path), 0600);
	ck_assert_int_eq(unlink(kg.private_path), 0);
	ck_assert_int_eq(unlink(kg.public_path), 0);
	dkim_keygen_release(&kg);
	umask(022);

	ck_assert_int_eq(rmdir(dir), 0);	/* empty: nothing was left */
	umask(old);
}
END_TEST

Suite *
dkim_suite(void)
{
	Suite	*s = suite_create("dkim");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_record_from_file);
	tcase_add_test(tc, test_record_from_pem);
	tcase_add_test(tc, test_record_file_limit);
	tcase_add_test(tc, test_record_from_spki_base64);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_check_rsa_sizes);
	tcase_add_test(tc, test_is_record);
	tcase_add_test(tc, test_equivalent);
	tcase_add_test(tc, test_check_bytes);
	tcase_add_test(tc, test_private_in_p);
	tcase_add_test(tc, test_corpus_dkim);
	tcase_add_test(tc, test_keygen);
	suite_add_tcase(s, tc);
	return s;
}
