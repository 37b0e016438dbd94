/*
 * kinds.c - what each kind of record is, in one table: its name, which
 * live TXT values it owns, when two texts mean the same, its checks and
 * how its text becomes a Route 53 value.  A new kind of record is a row
 * here (its grammar in src/dns/, its config keys in src/config/schema.c,
 * and how desired_build() makes it in desired.c).
 */
#include <string.h>

#include "mailauth/bimi.h"
#include "mailauth/buf.h"
#include "mailauth/desired.h"
#include "mailauth/diag.h"
#include "mailauth/dkim.h"
#include "mailauth/dmarc.h"
#include "mailauth/dmarc-report.h"
#include "mailauth/dns.h"
#include "mailauth/mtasts.h"
#include "mailauth/registry.h"
#include "mailauth/spf.h"
#include "mailauth/tlsrpt.h"

/* Texts as decoded from TXT values: bytes with a length. */
struct kind {
	const char	*name;
	/* NULL: the kind owns no TXT value (an MX set). */
	int		(*is_record)(const char *);
	/* NULL: equal bytes only. */
	int		(*equivalent)(const char *, size_t, const char *,
			    size_t);
	/* NULL: nothing to check. */
	void		(*check)(const char *, size_t, const char *,
			    struct diags *);
	void		(*encode)(const char *, struct buf *);
	/* Its token in the ownership registry (registry.c), one word of
	 * a-z; NULL: never listed there. */
	const char	*token;
};

static int
spf_same(const char *a, size_t alen, const char *b, size_t blen)
{
	/* A NUL cuts neither record: text holding one is another record. */
	if (memchr(a, '\0', alen) != NULL || memchr(b, '\0', blen) != NULL)
		return alen == blen && memcmp(a, b, alen) == 0;
	return spf_equivalent(a, b);
}

static void
spf_check_all(const char *text, size_t len, const char *where,
    struct diags *d)
{
	spf_check_bytes(text, len, where, SPF_CHECK_ALL, d);
}

/* The report authorization record: its own comparison and check read
 * C strings, so a NUL makes it another record (plan replaces it). */
static int
report_auth_same(const char *a, size_t alen, const char *b, size_t blen)
{
	if (memchr(a, '\0', alen) != NULL || memchr(b, '\0', blen) != NULL)
		return alen == blen && memcmp(a, b, alen) == 0;
	return dmarc_report_auth_equivalent(a, b);
}

static void
check_report_auth(const char *text, size_t len, const char *where,
    struct diags *d)
{
	(void)len;
	dmarc_report_auth_check(text, where, d);
}

static const struct kind kinds[] = {
	[RECORD_DMARC] = { "DMARC", dmarc_is_record, dmarc_equivalent_bytes,
	    dmarc_check_bytes, txt_encode, "dmarc" },
	/* SPF values are split at term boundaries. */
	[RECORD_SPF] = { "SPF", spf_is_record, spf_same, spf_check_all,
	    spf_txt_encode, "spf" },
	[RECORD_DKIM] = { "DKIM", dkim_is_record, dkim_equivalent_bytes,
	    dkim_check_bytes, txt_encode, "dkim" },
	[RECORD_MAIL_FROM] = { "MAIL FROM", NULL, NULL, NULL, txt_encode,
	    "mailfrom" },
	[RECORD_REPORT_AUTH] = { "DMARC report authorization",
	    dmarc_is_record, report_auth_same, check_report_auth,
	    txt_encode, "reportauth" },
	/* posture */
	[RECORD_NULL_MX] = { "null MX", NULL, NULL, NULL, txt_encode,
	    "nullmx" },
	[RECORD_TLSRPT] = { "TLS-RPT", tlsrpt_is_record,
	    tlsrpt_equivalent_bytes, tlsrpt_check_bytes, txt_encode,
	    "tlsrpt" },
	[RECORD_MTA_STS] = { "MTA-STS", mtasts_is_record,
	    mtasts_equivalent_bytes, mtasts_check_bytes, txt_encode,
	    "mtasts" },
	[RECORD_BIMI] = { "BIMI", bimi_is_record, bimi_equivalent_bytes,
	    bimi_check_bytes, txt_encode, "bimi" },
	[RECORD_REGISTRY] = { "mailauth registry", registry_is_record, NULL,
	    NULL, txt_encode, NULL },
};

#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

static const struct kind *
kind_of(enum record_kind k)
{
	return (size_t)k < NKINDS && kinds[k].name != NULL ? &kinds[k] : NULL;
}

const char *
record_kind_name(enum record_kind k)
{
	const struct kind	*t = kind_of(k);

	return t != NULL ? t->name : "?";
}

int
record_kind_parse(const char *s, enum record_kind *k)
{
	size_t	 i;

	for (i = 0; i < NKINDS; i++)
		if (kinds[i].name != NULL && strcmp(s, kinds[i].name) == 0) {
			*k = (enum record_kind)i;
			return 0;
		}
	return -1;
}

void
record_kind_names(struct buf *out)
{
	size_t	 i, n = 0, seen = 0;

	for (i = 0; i < NKINDS; i++)
		n += kinds[i].name != NULL;
	for (i = 0; i < NKINDS; i++) {
		if (kinds[i].name == NULL)
			continue;
		if (seen > 0)
			buf_adds(out, seen + 1 == n ? " or " : ", ");
		buf_adds(out, kinds[i].name);
		seen++;
	}
}

const char *
record_kind_token(enum record_kind k)
{
	const struct kind	*t = kind_of(k);

	return t != NULL ? t->token : NULL;
}

int
record_kind_from_token(const char *s, size_t len, enum record_kind *k)
{
	size_t	 i;

	for (i = 0; i < NKINDS; i++)
		if (kinds[i].token != NULL && strlen(kinds[i].token) == len &&
		    memcmp(kinds[i].token, s, len) == 0) {
			*k = (enum record_kind)i;
			return 0;
		}
	return -1;
}

int
record_kind_writes_mx(enum record_kind k)
{
	return k == RECORD_MAIL_FROM || k == RECORD_NULL_MX;
}

int
record_kind_owns(enum record_kind k, const char *text)
{
	const struct kind	*t = kind_of(k);

	return t != NULL && t->is_record != NULL && t->is_record(text);
}

int
record_kind_equivalent(enum record_kind k, const char *a, size_t alen,
    const char *b)
{
	const struct kind	*t = kind_of(k);
	size_t			 blen = strlen(b);

	if (t != NULL && t->equivalent != NULL)
		return t->equivalent(a, alen, b, blen);
	return alen == blen && memcmp(a, b, alen) == 0;
}

void
record_kind_check(enum record_kind k, const char *text, size_t len,
    const char *where, struct diags *d)
{
	const struct kind	*t = kind_of(k);

	if (t != NULL && t->check != NULL)
		t->check(text, len, where, d);
}

void
record_kind_encode(enum record_kind k, const char *text, struct buf *out)
{
	const struct kind	*t = kind_of(k);

	(t != NULL ? t->encode : txt_encode)(text, out);
}
