/*
 * sigv4.c - AWS Signature Version 4 for request headers: canonical request,
 * string to sign, signing key and signature, each a stage of its own, and
 * the signing of a struct http_request with them.
 *
 * Reference: the AWS General Reference, "Create a signed AWS API request",
 * and the SigV4 test suites (aws-c-auth, and the 2015 suite before it).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/sigv4.h"

#define ALGORITHM	"AWS4-HMAC-SHA256"
#define TERMINATOR	"aws4_request"

/* Headers that proxies may add, drop or rewrite on the way, so a signature
 * over them would break; the AWS SDKs leave them out too. */
static const char *const unsigned_headers[] = {
	"authorization", "connection", "expect", "keep-alive", "te",
	"trailer", "transfer-encoding", "upgrade", "user-agent",
	"x-amzn-trace-id"
};

/* One signed header: its lower-case name and where it is in the input. */
struct sighdr {
	char	*name;
	size_t	 idx;
};

/* One segment of a path being normalised. */
struct seg {
	const char	*p;
	size_t		 n;
};

/* One query parameter, both halves already URI-encoded. */
struct param {
	char	*key;
	char	*value;
};

static void
hex(const unsigned char *p, size_t n, char *out)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static int
hmac(const void *key, size_t keylen, const char *msg, unsigned char out[32])
{
	unsigned int	 n = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg,
	    strlen(msg), out, &n) == NULL || n != 32)
		return -1;
	return 0;
}

int
sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0;

	out[0] = '\0';
	if (EVP_Digest(data != NULL ? data : "", len, md, &n, EVP_sha256(),
	    NULL) != 1 || n != 32)
		return -1;
	hex(md, n, out);
	return 0;
}

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}


/* Appends s with %XX escapes decoded; a '%' that starts no escape stays. */
static void
add_decoded(struct buf *b, const char *s, size_t n)
{
	size_t	 i;
	int	 hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && n - i >= 3 &&
		    (hi = hexval(s[i + 1])) != -1 &&
		    (lo = hexval(s[i + 2])) != -1) {
			buf_addc(b, (char)(hi << 4 | lo));
			i += 2;
			continue;
		}
		buf_addc(b, s[i]);
	}
}

/*
 * Appends path with dot segments resolved and empty segments dropped
 * (RFC 3986 section 5.2.4, and "//" taken as "/"): "//a/./b/../c/" is
 * "/a/c/".  A path that ends in a directory keeps its trailing slash.
 */
static void
add_normalized(struct buf *out, const char *path)
{
	struct seg	*segs = NULL, *sg;
	const char	*p, *e;
	size_t		 nsegs = 0, n, i;
	int		 dir = 0;

	for (p = path;; p = e + 1) {
		e = strchr(p, '/');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		dir = 1;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (nsegs > 0)
				nsegs--;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			sg = xappend(&segs, &nsegs, sizeof(*segs));
			sg->p = p;
			sg->n = n;
			dir = 0;
		}
		if (e == NULL)
			break;
	}
	buf_addc(out, '/');
	for (i = 0; i < nsegs; i++) {
		if (i > 0)
			buf_addc(out, '/');
		buf_add(out, segs[i].p, segs[i].n);
	}
	if (dir && nsegs > 0)
		buf_addc(out, '/');
	free(segs);
}

static void
add_canonical_path(struct buf *out, const char *path, int normalize)
{
	struct buf	 norm = BUF_INIT;

	if (*path == '\0')
		path = "/";
	if (!normalize) {
		/* S3 wants the key encoded once: the path as sent is
		 * already encoded, so it is decoded first. */
		add_decoded(&norm, path, strlen(path));
		buf_add_encoded(out, buf_str(&norm), norm.len, 1);
		buf_release(&norm);
		return;
	}
	add_normalized(&norm, path);
	buf_add_encoded(out, buf_str(&norm), norm.len, 1);
	buf_release(&norm);
}

static int
param_cmp(const void *a, const void *b)
{
	const struct param	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return strcmp(x->value, y->value);
}

/* Decodes then re-encodes one half of a parameter, so that "%E1%88%B4"
 * and the raw UTF-8 bytes it stands for come out the same. */
static char *
reencode(const char *s, size_t n)
{
	struct buf	 raw = BUF_INIT, enc = BUF_INIT;

	add_decoded(&raw, s, n);
	buf_add_encoded(&enc, buf_str(&raw), raw.len, 0);
	buf_release(&raw);
	return buf_detach(&enc);
}

/* The parameters sorted by encoded key, then value, as "k=v&k=v". */
static void
add_canonical_query(struct buf *out, const char *query)
{
	struct param	*params = NULL, *pm;
	const char	*p, *e, *eq;
	size_t		 nparams = 0, n, i;

	for (p = query; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		n = strcspn(p, "&");
		e = p + n;
		if (n == 0)
			continue;
		pm = xappend(&params, &nparams, sizeof(*params));
		if ((eq = memchr(p, '=', n)) == NULL)
			eq = e;
		pm->key = reencode(p, (size_t)(eq - p));
		pm->value = eq < e ? reencode(eq + 1, (size_t)(e - eq - 1)) :
		    xstrdup("");
	}
	if (nparams > 0)
		qsort(params, nparams, sizeof(*params), param_cmp);
	for (i = 0; i < nparams; i++) {
		if (i > 0)
			buf_addc(out, '&');
		buf_adds(out, params[i].key);
		buf_addc(out, '=');
		buf_adds(out, params[i].value);
		free(params[i].key);
		free(params[i].value);
	}
	free(params);
}

static int
is_signed(const char *lname)
{
	size_t	 i;

	if (strncmp(lname, "proxy-", 6) == 0)
		return 0;
	for (i = 0; i < sizeof(unsigned_headers) / sizeof(*unsigned_headers);
	    i++)
		if (strcmp(lname, unsigned_headers[i]) == 0)
			return 0;
	return 1;
}

/* By name, and in request order among headers of the same name. */
static int
sighdr_cmp(const void *a, const void *b)
{
	const struct sighdr	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Appends value trimmed, with each run of white space (line breaks of
 * folded values included) as one space. */
static void
add_header_value(struct buf *out, const char *v)
{
	int	 space = 0;

	while (is_space(*v))
		v++;
	for (; *v != '\0'; v++) {
		if (is_space(*v)) {
			space = 1;
			continue;
		}
		if (space)
			buf_addc(out, ' ');
		space = 0;
		buf_addc(out, *v);
	}
}

/* Appends "name:v1,v2\n" per signed header, and the names to names. */
static int
add_canonical_headers(struct buf *out, struct buf *names,
    const struct sigv4_input *in, struct err *err)
{
	struct sighdr	*hs = NULL, *h;
	size_t		 nhs = 0, i, j;
	char		*lname;
	int		 have_host = 0, rc = -1;

	for (i = 0; i < in->nheaders; i++) {
		lname = xstrdup(in->headers[i].name);
		for (j = 0; lname[j] != '\0'; j++)
			lname[j] = lower(lname[j]);
		if (lname[0] == '\0' || !is_signed(lname)) {
			free(lname);
			continue;
		}
		if (strcmp(lname, "host") == 0)
			have_host = 1;
		h = xappend(&hs, &nhs, sizeof(*hs));
		h->name = lname;
		h->idx = i;
	}
	if (!have_host) {
		err_set(err, "cannot sign a request without a 'host' header");
		goto out;
	}
	qsort(hs, nhs, sizeof(*hs), sighdr_cmp);
	for (i = 0; i < nhs; i++) {
		if (i > 0 && strcmp(hs[i].name, hs[i - 1].name) == 0) {
			buf_addc(out, ',');
		} else {
			if (i > 0) {
				buf_addc(out, '\n');
				buf_addc(names, ';');
			}
			buf_adds(out, hs[i].name);
			buf_addc(out, ':');
			buf_adds(names, hs[i].name);
		}
		add_header_value(out, in->headers[hs[i].idx].value);
	}
	buf_addc(out, '\n');
	rc = 0;
out:
	for (i = 0; i < nhs; i++)
		free(hs[i].name);
	free(hs);
	return rc;
}

int
sigv4_canonical_request(const struct sigv4_input *in, struct buf *out,
    struct buf *signed_headers, struct err *err)
{
	struct buf	 creq = BUF_INIT, names = BUF_INIT;
	int		 rc = -1;

	buf_adds(&creq, in->method);
	buf_addc(&creq, '\n');
	add_canonical_path(&creq, in->path, in->normalize_path);
	buf_addc(&creq, '\n');
	add_canonical_query(&creq, in->query != NULL ? in->query : "");
	buf_addc(&creq, '\n');
	if (add_canonical_headers(&creq, &names, in, err) == -1)
		goto out;
	buf_addc(&creq, '\n');
	buf_add(&creq, names.data, names.len);
	buf_addc(&creq, '\n');
	buf_adds(&creq, in->payload_hash);

	buf_add(out, creq.data, creq.len);
	buf_add(signed_headers, names.data, names.len);
	rc = 0;
out:
	/* Header values may include a session token. */
	if (creq.data != NULL)
		OPENSSL_cleanse(creq.data, creq.len);
	buf_release(&creq);
	buf_release(&names);
	return rc;
}

int
sigv4_string_to_sign(const char *amz_date, const char *scope,
    const char *canonical_request, struct buf *out)
{
	char	 hash[65];

	if (sigv4_sha256_hex(canonical_request, strlen(canonical_request),
	    hash) == -1)
		return -1;
	buf_addf(out, ALGORITHM "\n%s\n%s\n%s", amz_date, scope, hash);
	return 0;
}

int
sigv4_signing_key(const char *secret, const char *date8, const char *region,
    const char *service, unsigned char key[32])
{
	unsigned char	 a[32], b[32];
	char		*k;
	size_t		 n = strlen(secret) + 4;
	int		 rc = -1;

	/* Sized once, so no copy of the secret is left behind by a realloc. */
	k = xmalloc(n + 1);
	memcpy(k, "AWS4", 4);
	memcpy(k + 4, secret, n - 4 + 1);
	if (hmac(k, n, date8, a) == -1 ||
	    hmac(a, sizeof(a), region, b) == -1 ||
	    hmac(b, sizeof(b), service, a) == -1 ||
	    hmac(a, sizeof(a), TERMINATOR, key) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		OPENSSL_cleanse(key, 32);
	OPENSSL_cleanse(k, n);
	free(k);
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(b, sizeof(b));
	return rc;
}

int
sigv4_signature(const unsigned char key[32], const char *string_to_sign,
    char out[65])
{
	unsigned char	 mac[32];

	out[0] = '\0';
	if (hmac(key, 32, string_to_sign, mac) == -1)
		return -1;
	hex(mac, sizeof(mac), out);
	return 0;
}

void
sigv4_amz_date(time_t now, char out[17])
{
	struct tm	 tm;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		memcpy(out, "19700101T000000Z", 17);
}

/* What a URL says about the request line and the Host header. */
struct target {
	struct buf	 host;		/* host, and :port unless the default */
	struct buf	 path;
	struct buf	 query;
};

static int
parse_url(const char *url, struct target *t, struct err *err)
{
	struct http_url		 u;
	enum http_url_error	 e;
	long			 dflt;

	/* The URL is not quoted when it may hold a password. */
	if ((e = http_url_parse(url, &u)) == HTTP_URL_OK ? u.userinfo :
	    strchr(url, '@') != NULL) {
		http_url_release(&u);
		return err_set(err, "cannot sign a request to a URL with a "
		    "user name or password");
	}
	switch (e) {
	case HTTP_URL_OK:
		break;
	case HTTP_URL_NO_HOST:
		return err_set(err, "cannot sign a request to '%s': no host",
		    url);
	case HTTP_URL_PORT:
		return err_set(err, "cannot sign a request to '%s': invalid "
		    "port", url);
	case HTTP_URL_IPV6:
		return err_set(err, "cannot sign a request to '%s': "
		    "unterminated IPv6 address", url);
	default:
		return err_set(err, "cannot sign a request to '%s': not an "
		    "http:// or https:// URL", url);
	}
	dflt = strcmp(u.scheme, "https") == 0 ? 443 : 80;
	buf_adds(&t->host, u.host);
	if (u.port != 0 && u.port != dflt)
		buf_addf(&t->host, ":%ld", u.port);
	buf_adds(&t->path, u.path);
	if (u.query != NULL)
		buf_adds(&t->query, u.query);
	http_url_release(&u);
	return 0;
}

/* Region and service become part of the scope, a '/'-separated list. */
static int
valid_scope_part(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!unreserved((unsigned char)*s))
			return 0;
	return 1;
}

int
sigv4_sign_request_opts(struct http_request *req,
    const struct aws_creds *creds, const char *region, const char *service,
    time_t now, const struct sigv4_opts *opts, struct err *err)
{
	struct target		 t = { BUF_INIT, BUF_INIT, BUF_INIT };
	struct buf		 creq = BUF_INIT, names = BUF_INIT;
	struct buf		 sts = BUF_INIT, scope = BUF_INIT;
	struct buf		 auth = BUF_INIT;
	struct sigv4_input	 in;
	unsigned char		 key[32];
	char			 amz_date[17], date8[9], payload[65], sig[65];
	int			 rc = -1;

	memset(key, 0, sizeof(key));
	http_request_header_del(req, "Authorization");
	if (creds == NULL || creds->access_key_id == NULL ||
	    creds->secret_access_key == NULL || *creds->access_key_id == '\0' ||
	    *creds->secret_access_key == '\0') {
		err_set(err, "cannot sign a request without AWS credentials");
		goto out;
	}
	if (!valid_scope_part(region) || !valid_scope_part(service)) {
		err_set(err, "cannot sign for region '%s', service '%s'",
		    region, service);
		goto out;
	}
	if (parse_url(req->url, &t, err) == -1)
		goto out;
	sigv4_amz_date(now, amz_date);
	memcpy(date8, amz_date, 8);
	date8[8] = '\0';
	if (sigv4_sha256_hex(req->body, req->body != NULL ? req->body_len : 0,
	    payload) == -1) {
		err_set(err, "cannot sign a request: OpenSSL failed");
		goto out;
	}

	http_request_header_set(req, "Host", buf_str(&t.host));
	http_request_header_set(req, "X-Amz-Date", amz_date);
	if (creds->session_token != NULL && *creds->session_token != '\0')
		http_request_header_set(req, "X-Amz-Security-Token",
		    creds->session_token);
	if (opts->sign_body)
		http_request_header_set(req, "X-Amz-Content-Sha256", payload);

	memset(&in, 0, sizeof(in));
	in.method = req->method;
	in.path = buf_str(&t.path);
	in.query = buf_str(&t.query);
	in.headers = req->headers;
	in.nheaders = req->nheaders;
	in.payload_hash = payload;
	in.normalize_path = opts->normalize_path;
	if (sigv4_canonical_request(&in, &creq, &names, err) == -1)
		goto out;
	buf_addf(&scope, "%s/%s/%s/" TERMINATOR, date8, region, service);
	if (sigv4_string_to_sign(amz_date, buf_str(&scope), buf_str(&creq),
	    &sts) == -1 ||
	    sigv4_signing_key(creds->secret_access_key, date8, region, service,
	    key) == -1 ||
	    sigv4_signature(key, buf_str(&sts), sig) == -1) {
		err_set(err, "cannot sign a request: OpenSSL failed");
		goto out;
	}
	buf_addf(&auth, ALGORITHM " Credential=%s/%s, SignedHeaders=%s, "
	    "Signature=%s", creds->access_key_id, buf_str(&scope),
	    buf_str(&names), sig);
	http_request_header_set(req, "Authorization", buf_str(&auth));
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	if (creq.data != NULL)
		OPENSSL_cleanse(creq.data, creq.len);
	buf_release(&t.host);
	buf_release(&t.path);
	buf_release(&t.query);
	buf_release(&creq);
	buf_release(&names);
	buf_release(&sts);
	buf_release(&scope);
	buf_release(&auth);
	return rc;
}

int
sigv4_sign_request(struct http_request *req, const struct aws_creds *creds,
    const char *region, const char *service, time_t now, struct err *err)
{
	struct sigv4_opts	 opts;

	/* S3 alone takes the path as it is and wants the payload hash sent. */
	opts.normalize_path = strcmp(service, "s3") != 0;
	opts.sign_body = !opts.normalize_path;
	return sigv4_sign_request_opts(req, creds, region, service, now, &opts,
	    err);
}
