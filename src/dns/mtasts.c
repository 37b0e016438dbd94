/*
 * mtasts.c - MTA-STS (RFC 8461): the policy file of §3.2, its id, and
 * the TXT record of §3.1 (see mailauth/mtasts.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/mtasts.h"

#define VERSION_FIELD	"v=STSv1"
#define EXT_NAME_MAX	32	/* sts-ext-name: 1 + *31 */
/* At most this much of a field is quoted in a message. */
#define SHOWN(n)	((int)((n) > 64 ? 64 : (n)))

/* In the order of enum mtasts_mode. */
static const char *const mode_names[] = { "none", "testing", "enforce" };

const char *
mtasts_mode_name(enum mtasts_mode m)
{
	return (size_t)m < sizeof(mode_names) / sizeof(mode_names[0]) ?
	    mode_names[m] : NULL;
}

int
mtasts_mx_check(const char *pattern, struct err *err)
{
	const char	*host = pattern;

	if (strncmp(pattern, "*.", 2) == 0)
		host = pattern + 2;
	if (strchr(host, '*') != NULL)
		return err_set(err, "'%s': a wildcard may only be the whole "
		    "leftmost label, as in '*.example.net' (RFC 8461 §3.2)",
		    pattern);
	if (*host == '\0')
		return err_set(err, "'%s' is not a host name pattern, such as "
		    "'mail.example.com' or '*.example.net'", pattern);
	return dns_hostname_check(host, err);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
mtasts_policy_render(const struct mtasts_spec *spec, struct buf *out)
{
	char		**mx = NULL;
	const char	 *mode = mtasts_mode_name(spec->mode);
	size_t		  i;

	buf_adds(out, "version: STSv1\r\n");
	buf_addf(out, "mode: %s\r\n", mode != NULL ? mode : "none");
	if (spec->nmx > 0) {
		mx = xcalloc(spec->nmx, sizeof(*mx));
		memcpy(mx, spec->mx, spec->nmx * sizeof(*mx));
		qsort(mx, spec->nmx, sizeof(*mx), cmp_str);
	}
	for (i = 0; i < spec->nmx; i++)
		if (i == 0 || strcmp(mx[i], mx[i - 1]) != 0)
			buf_addf(out, "mx: %s\r\n", mx[i]);
	free(mx);
	buf_addf(out, "max_age: %ld\r\n", spec->max_age);
}

void
mtasts_policy_id(const char *policy, size_t len,
    char out[MTASTS_ID_MAX + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 n = 0;
	size_t			 i;

	if (EVP_Digest(policy, len, md, &n, EVP_sha256(), NULL) != 1 ||
	    n < MTASTS_ID_MAX / 2)
		abort();	/* SHA-256 of memory cannot fail */
	for (i = 0; i < MTASTS_ID_MAX / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[MTASTS_ID_MAX] = '\0';
}

void
mtasts_render(const struct mtasts_spec *spec, struct buf *out)
{
	struct buf	 policy = BUF_INIT;
	char		 id[MTASTS_ID_MAX + 1];

	mtasts_policy_render(spec, &policy);
	mtasts_policy_id(policy.data, policy.len, id);
	buf_release(&policy);
	buf_addf(out, VERSION_FIELD "; id=%s", id);
}

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

int
mtasts_is_record(const char *text)
{
	return tag_version_is(text, "STSv1");
}

/* One field of a record being read. */
struct field {
	const char	*name, *value;
	size_t		 nlen, vlen;
};

/*
 * Reads the record [t, t + len) as §3.1 does: fills id and, when ext is
 * not NULL, the first extension field.  -1 with err when receivers
 * discard it.
 */
static int
scan(const char *t, size_t len, char id[MTASTS_ID_MAX + 1],
    struct field *ext, struct err *err)
{
	const char	*p, *end = t + len;
	struct field	 f;
	size_t		 i;
	int		 have_id = 0;

	id[0] = '\0';
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)t[i];

		if (c == '\0')
			return err_set(err, "a NUL byte at offset %zu", i);
		if ((c < 0x20 && c != '\t') || c > 0x7e)
			return err_set(err, "byte 0x%02x at offset %zu is not "
			    "printable ASCII", c, i);
	}
	if (len < strlen(VERSION_FIELD ";") ||
	    memcmp(t, VERSION_FIELD ";", strlen(VERSION_FIELD ";")) != 0)
		return err_set(err, "'%.*s' does not start with "
		    "'" VERSION_FIELD ";', so senders discard it (RFC 8461 "
		    "§3.1)", SHOWN(len), t);
	p = t + strlen(VERSION_FIELD ";");
	for (;;) {
		while (p < end && is_wsp(*p))
			p++;
		if (p == end)
			break;
		if (*p == ';') {
			p++;
			continue;
		}
		f.name = p;
		while (p < end && *p != '=' && *p != ';' && !is_wsp(*p))
			p++;
		f.nlen = (size_t)(p - f.name);
		if (p == end || *p != '=')
			return err_set(err, "the field '%.*s' has no '=' "
			    "(RFC 8461 §3.1)", SHOWN(f.nlen), f.name);
		f.value = ++p;
		while (p < end && *p != ';' && !is_wsp(*p) && *p != '=')
			p++;
		f.vlen = (size_t)(p - f.value);
		if (p < end && *p == '=')
			return err_set(err, "the field '%.*s' has a second "
			    "'=' (RFC 8461 §3.1)", SHOWN(f.nlen), f.name);
		while (p < end && is_wsp(*p))
			p++;
		if (p < end && *p != ';')
			return err_set(err, "white space inside the value of "
			    "'%.*s' (RFC 8461 §3.1)", SHOWN(f.nlen), f.name);
		if (f.nlen == 2 && memcmp(f.name, "id", 2) == 0) {
			if (have_id++)
				return err_set(err, "id is given twice");
			if (f.vlen == 0 || f.vlen > MTASTS_ID_MAX)
				return err_set(err, "the id '%.*s' must be 1 "
				    "to %d letters or digits (RFC 8461 §3.1)",
				    SHOWN(f.vlen), f.value, MTASTS_ID_MAX);
			for (i = 0; i < f.vlen; i++)
				if (!is_alnum(f.value[i]))
					return err_set(err, "the id '%.*s' "
					    "must be letters and digits only "
					    "(RFC 8461 §3.1)", SHOWN(f.vlen),
					    f.value);
			memcpy(id, f.value, f.vlen);
			id[f.vlen] = '\0';
			continue;
		}
		if (f.nlen == 0 || f.nlen > EXT_NAME_MAX ||
		    !is_alnum(f.name[0]))
			goto badname;
		for (i = 1; i < f.nlen; i++)
			if (!is_alnum(f.name[i]) && f.name[i] != '_' &&
			    f.name[i] != '-' && f.name[i] != '.')
				goto badname;
		if (f.vlen == 0)
			return err_set(err, "the field '%.*s' has an empty "
			    "value (RFC 8461 §3.1)", SHOWN(f.nlen), f.name);
		if (ext != NULL && ext->name == NULL)
			*ext = f;
	}
	if (!have_id)
		return err_set(err, "no id field; senders need it to know "
		    "when the policy changes (RFC 8461 §3.1)");
	return 0;
badname:
	return err_set(err, "'%.*s' is not a field name (a letter or digit, "
	    "then up to 31 letters, digits, '_', '-' or '.'; RFC 8461 §3.1)",
	    SHOWN(f.nlen), f.name);
}

int
mtasts_parse(const char *text, size_t len, char id[MTASTS_ID_MAX + 1],
    struct err *err)
{
	return scan(text, len, id, NULL, err);
}

int
mtasts_equivalent_bytes(const char *a, size_t alen, const char *b,
    size_t blen)
{
	char	 ida[MTASTS_ID_MAX + 1], idb[MTASTS_ID_MAX + 1];

	return scan(a, alen, ida, NULL, NULL) == 0 &&
	    scan(b, blen, idb, NULL, NULL) == 0 && strcmp(ida, idb) == 0;
}

void
mtasts_check_bytes(const char *text, size_t len, const char *where,
    struct diags *d)
{
	char		 id[MTASTS_ID_MAX + 1];
	struct field	 ext = { NULL, NULL, 0, 0 };
	struct err	 err;

	if (where == NULL)
		where = "MTA-STS record";
	err_clear(&err);
	if (scan(text, len, id, &ext, &err) == -1) {
		diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: %s", where, err.msg);
		return;
	}
	if (ext.name != NULL)
		diags_add(d, DIAG_WARNING, NULL, 0, 0, "%s: the field '%.*s' "
		    "is not one RFC 8461 defines; senders ignore it", where,
		    SHOWN(ext.nlen), ext.name);
}
