/*
 * parse.c - one DMARC aggregate report from a stream of XML, read with
 * libxml2's streaming SAX2 parser: elements are handled as the parser
 * meets them, no tree is built, and only the value being read is kept.
 *
 * (libxml2's xmlTextReader streams too, but hands over the last nodes of
 * a document only once the whole document has parsed: a complete
 * <feedback> followed by junk, as some reporters send, would be lost.
 * SAX meets </feedback> as it is parsed, and the parse stops there.)
 *
 * The XML is hostile.  It is parsed without DTD loading, entity
 * substitution or network access, and a document type declaration stops
 * the parse as soon as the parser reaches it, before its internal subset
 * is read, so that no entity can be declared (billion laughs, external
 * entities); an entity other than XML's five is then an error.  Values
 * kept are at most VALUE_MAX bytes.
 *
 * Elements are matched by local name below the first <feedback>, wherever
 * it stands and whatever its namespace: RFC 7489's schema and its drafts,
 * and RFC 9990's, share the parts counted here.  Reading stops at the end
 * of <feedback>; what follows is read but not parsed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "mailauth/buf.h"
#include "mailauth/dmarc.h"
#include "mailauth/err.h"
#include "mailauth/orgdomain.h"
#include "mailauth/xml.h"
#include "internal.h"

#define NS_RFC9990	"urn:ietf:params:xml:ns:dmarc-2.0"
#define VALUE_MAX	4096	/* the longest value kept */
#define DEPTH_MAX	8	/* below <feedback>; deeper is skipped */
#define TIME_MAX	253402300799LL	/* 9999-12-31T23:59:59Z */
#define PARSE_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NOERROR | \
			XML_PARSE_NOWARNING)

enum field {
	F_NONE,
	F_VERSION,
	F_ORG_NAME,
	F_REPORT_ID,
	F_BEGIN,
	F_END,
	F_DOMAIN,
	F_RFC9990,		/* an element only RFC 9990 has */
	F_RECORD,
	F_SOURCE_IP,
	F_COUNT,
	F_DISPOSITION,
	F_EVAL_DKIM,
	F_EVAL_SPF,
	F_HEADER_FROM,
	F_DKIM_DOMAIN,
	F_SPF_DOMAIN,
	F_GENERATOR,
	F_TESTING,
	F_DISCOVERY,
	F_AUTH_RESULTS,		/* the elements that hold others: */
	F_AUTH_DKIM,
	F_AUTH_SPF,
	F_DKIM_SELECTOR,	/* and their values: */
	F_DKIM_RESULT,
	F_SPF_SCOPE,
	F_SPF_RESULT,
	F_ENVELOPE_FROM,
	F_ENVELOPE_TO
};

/* The elements read, by their path below <feedback>. */
#define FIELD(path, f)	{ path, sizeof(path) - 1, f }
static const struct {
	const char	*path;
	size_t		 len;
	enum field	 field;
} fields[] = {
	FIELD("version",				F_VERSION),
	FIELD("report_metadata/org_name",		F_ORG_NAME),
	FIELD("report_metadata/report_id",		F_REPORT_ID),
	FIELD("report_metadata/date_range/begin",	F_BEGIN),
	FIELD("report_metadata/date_range/end",	F_END),
	FIELD("policy_published/domain",		F_DOMAIN),
	FIELD("policy_published/np",		F_RFC9990),
	FIELD("policy_published/testing",		F_TESTING),
	FIELD("policy_published/discovery_method",	F_DISCOVERY),
	FIELD("report_metadata/generator",		F_GENERATOR),
	FIELD("record",				F_RECORD),
	FIELD("record/row/source_ip",		F_SOURCE_IP),
	FIELD("record/row/count",			F_COUNT),
	FIELD("record/row/policy_evaluated/disposition", F_DISPOSITION),
	FIELD("record/row/policy_evaluated/dkim",	F_EVAL_DKIM),
	FIELD("record/row/policy_evaluated/spf",	F_EVAL_SPF),
	FIELD("record/identifiers/header_from",	F_HEADER_FROM),
	FIELD("record/auth_results/dkim/domain",	F_DKIM_DOMAIN),
	FIELD("record/auth_results/spf/domain",	F_SPF_DOMAIN),
	FIELD("record/auth_results",		F_AUTH_RESULTS),
	FIELD("record/auth_results/dkim",		F_AUTH_DKIM),
	FIELD("record/auth_results/spf",		F_AUTH_SPF),
	FIELD("record/auth_results/dkim/selector",	F_DKIM_SELECTOR),
	FIELD("record/auth_results/dkim/result",	F_DKIM_RESULT),
	FIELD("record/auth_results/spf/scope",	F_SPF_SCOPE),
	FIELD("record/auth_results/spf/result",	F_SPF_RESULT),
	FIELD("record/identifiers/envelope_from",	F_ENVELOPE_FROM),
	FIELD("record/identifiers/envelope_to",	F_ENVELOPE_TO),
};

/* auth_results' result words, in the order of enum report_auth_result. */
static const char *const auth_results[] = {
	"none", "pass", "fail", "softfail", "neutral", "policy", "temperror",
	"permerror", "other"
};

struct parser {
	xmlParserCtxt	*ctxt;
	struct rstream	*in;
	struct err	 ioerr;		/* why the stream failed */
	int		 io_failed;
	int		 doctype;	/* <!DOCTYPE met */
	struct err	 err;		/* why the report is refused */
	int		 failed;
	struct xml_errors xe;		/* libxml2's reports */

	struct report	*r;
	int		 seen_feedback;
	int		 in_feedback;
	int		 done;		/* </feedback> met */
	int		 ns9990;
	int		 tags9990;
	char		*version;
	int		 depth;		/* below <feedback> */
	size_t		 pathlen[DEPTH_MAX + 1];
	struct buf	 path;		/* "record/row/count" */
	enum field	 field;		/* the element whose text is kept */
	struct buf	 text;
	size_t		 rowcap;

	/* The <record> being read. */
	int		 in_record;
	size_t		 nrecord;	/* 1-based, for messages */
	struct report_row row;
	int		 have_count;
	int		 have_disposition;
	struct err	 rowerr;	/* why the record is not counted */
	int		 row_bad;
	struct report_auth auth;	/* the auth_results/dkim or spf being
					 * read */
	struct report_map *orgs;	/* header_from -> 1 when of the
					 * policy's organisational domain */
};

const char *
report_auth_result_name(enum report_auth_result r)
{
	if ((size_t)r >= sizeof(auth_results) / sizeof(auth_results[0]))
		return "other";
	return auth_results[r];
}

static void
auth_free(struct report_auth *a)
{
	free(a->domain);
	free(a->selector);
	free(a->scope);
	memset(a, 0, sizeof(*a));
}

static void
row_free(struct report_row *w)
{
	size_t	 j;

	for (j = 0; j < w->ndkim_auth; j++)
		auth_free(&w->dkim_auth[j]);
	free(w->dkim_auth);
	for (j = 0; j < w->nspf_auth; j++)
		auth_free(&w->spf_auth[j]);
	free(w->spf_auth);
	free(w->envelope_from);
	free(w->envelope_to);

	free(w->source_ip);
	free(w->header_from);
	for (j = 0; j < w->ndkim; j++)
		free(w->dkim_domains[j]);
	free(w->dkim_domains);
	for (j = 0; j < w->nspf; j++)
		free(w->spf_domains[j]);
	free(w->spf_domains);
	memset(w, 0, sizeof(*w));
}

void
report_release(struct report *r)
{
	size_t	 i;

	free(r->org_name);
	free(r->report_id);
	free(r->domain);
	free(r->discovery_method);
	free(r->generator);
	for (i = 0; i < r->nrows; i++)
		row_free(&r->rows[i]);
	free(r->rows);
	for (i = 0; i < r->nrow_rejects; i++)
		free(r->row_rejects[i]);
	free(r->row_rejects);
	memset(r, 0, sizeof(*r));
}

long
report_day(const struct report *r)
{
	/* begin and end are from 0 to TIME_MAX: no overflow. */
	return (long)((r->begin + (r->end - r->begin) / 2) / 86400);
}

/* --- bytes in --- */

static int
io_read(void *arg, char *buf, int len)
{
	struct parser	*p = arg;
	ssize_t		 n;

	if (p->io_failed)
		return -1;
	n = rstream_read(p->in, buf, (size_t)len, &p->ioerr);
	if (n < 0) {
		p->io_failed = 1;
		return -1;
	}
	return (int)n;
}

static int
io_close(void *arg)
{
	(void)arg;
	return 0;
}

/* --- values --- */

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The text kept, without surrounding white space, malloc'd. */
static char *
trimmed(const struct buf *b)
{
	const char	*s = buf_str(b), *e = s + b->len;

	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

/* A domain name as compared: ASCII lower case, no trailing dot. */
static void
domain_fold(char *s)
{
	size_t	 n;

	for (n = 0; s[n] != '\0'; n++)
		if (s[n] >= 'A' && s[n] <= 'Z')
			s[n] = (char)(s[n] - 'A' + 'a');
	if (n > 1 && s[n - 1] == '.')
		s[n - 1] = '\0';
}

static int
same_word(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* Seconds since the epoch: digits, and a fraction that is dropped
 * ("1337270400.0", as some reporters write). */
static int
parse_time(const char *s, int64_t *t)
{
	int64_t	 v = 0;
	size_t	 i;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (s[i] - '0');
		if (v > TIME_MAX)
			return -1;
	}
	if (s[i] == '.')
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			;
	if (s[i] != '\0')
		return -1;
	*t = v;
	return 0;
}

static int
parse_count(const char *s, uint64_t *n)
{
	uint64_t	 v = 0;
	size_t		 i;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > REPORT_COUNT_MAX)
			return -1;
	}
	if (s[i] != '\0')
		return -1;
	*n = v;
	return 0;
}

/* The canonical text of an IPv4 or IPv6 address, malloc'd; NULL if s is
 * neither. */
static char *
canonical_ip(const char *s)
{
	unsigned char	 a[16];
	char		 out[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, s, a) == 1)
		return xstrdup(inet_ntop(AF_INET, a, out, sizeof(out)));
	if (inet_pton(AF_INET6, s, a) == 1)
		return xstrdup(inet_ntop(AF_INET6, a, out, sizeof(out)));
	return NULL;
}

/* Adds d to the list unless it is empty, there already, or the list is
 * full. */
static void
add_domain(char ***list, size_t *n, const char *d)
{
	size_t	 i;

	if (*d == '\0' || *n >= REPORT_DOMAINS_MAX)
		return;
	for (i = 0; i < *n; i++)
		if (strcmp((*list)[i], d) == 0)
			return;
	*(char **)xappend(list, n, sizeof(**list)) = xstrdup(d);
}

/* --- elements --- */

static enum report_auth_result
auth_result(const char *v)
{
	size_t	 i;

	for (i = 0; i < REPORT_AUTH_OTHER; i++)
		if (same_word(v, auth_results[i]))
			return (enum report_auth_result)i;
	return REPORT_AUTH_OTHER;
}

static enum field
field_of(const struct buf *path)
{
	size_t	 i;

	/* Lengths first: this runs twice for every element of a report. */
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].len == path->len &&
		    memcmp(fields[i].path, path->data, path->len) == 0)
			return fields[i].field;
	return F_NONE;
}

/* The element's name, for messages: the path's last part. */
static const char *
leaf(const struct parser *p)
{
	const char	*s = buf_str(&p->path), *slash = strrchr(s, '/');

	return slash != NULL ? slash + 1 : s;
}

static int
once(struct parser *p, char **slot, char *v, struct err *err)
{
	if (*slot != NULL) {
		free(v);
		if (p->in_record)
			return err_set(err, "record %zu: more than one <%s>",
			    p->nrecord, leaf(p));
		return err_set(err, "more than one <%s>", leaf(p));
	}
	*slot = v;
	return 0;
}

static void
row_begin(struct parser *p)
{
	row_free(&p->row);
	auth_free(&p->auth);
	p->in_record = 1;
	p->nrecord++;
	p->have_count = p->have_disposition = 0;
	p->row_bad = 0;
	err_clear(&p->rowerr);
}

/* The record is not counted, for the reason in e (the first one met). */
static void
row_refuse(struct parser *p, const struct err *e)
{
	if (!p->row_bad) {
		p->row_bad = 1;
		p->rowerr = *e;
	}
}

/* A refused record: its reason kept (the first REPORT_ROW_REJECTS_MAX),
 * counted, and the row dropped. */
static void
row_drop(struct parser *p)
{
	struct report	*r = p->r;

	if (r->nrow_rejects < REPORT_ROW_REJECTS_MAX)
		*(char **)xappend(&r->row_rejects, &r->nrow_rejects,
		    sizeof(*r->row_rejects)) = xstrdup(p->rowerr.msg);
	r->rows_rejected++;
	row_free(&p->row);
	auth_free(&p->auth);
	p->in_record = 0;
}

/*
 * 1 when s can be a domain name: labels of letters, digits, '-', '_' or
 * UTF-8 bytes (a name in Unicode), none empty; "a.example, b.example"
 * (two addresses' domains, as some reporters write) is not.
 */
static int
is_domain(const char *s)
{
	size_t	 i, label = 0;

	for (i = 0; s[i] != '\0'; i++) {
		unsigned char	 c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c >= 0x80)
			label++;
		else
			return 0;
	}
	return label > 0 && i <= 253;
}

/* 1 when name is domain or a name under it. */
static int
under(const char *name, const char *domain)
{
	size_t	 n = strlen(name), d = strlen(domain);

	if (n == d)
		return strcmp(name, domain) == 0;
	return n > d && name[n - d - 1] == '.' &&
	    strcmp(name + n - d, domain) == 0;
}

/* 1 when from has the organisational domain of the report's policy
 * domain; asked of the Public Suffix List once per name a report. */
static int
same_org(struct parser *p, const char *from)
{
	size_t	 v;
	int	 added;

	v = report_map_get(&p->orgs, from, strlen(from), 2, &added);
	if (added) {
		v = (size_t)org_domain_same(p->r->domain, from);
		report_map_set(&p->orgs, from, strlen(from), v);
	}
	return v == 1;
}

/* 0 when the record can be counted, else -1 with err saying why. */
static int
row_check(struct parser *p, struct err *err)
{
	struct report	*r = p->r;
	char		*ip;

	if (p->row.source_ip == NULL || *p->row.source_ip == '\0')
		return err_set(err, "record %zu: no <source_ip>", p->nrecord);
	if ((ip = canonical_ip(p->row.source_ip)) == NULL)
		return err_set(err, "record %zu: <source_ip> '%.64s' is not "
		    "an IP address", p->nrecord, p->row.source_ip);
	free(p->row.source_ip);
	p->row.source_ip = ip;
	if (!p->have_count)
		return err_set(err, "record %zu: no <count>", p->nrecord);
	if (!p->have_disposition)
		return err_set(err, "record %zu: no <disposition> in "
		    "<policy_evaluated>", p->nrecord);
	if (p->row.header_from == NULL || *p->row.header_from == '\0')
		return err_set(err, "record %zu: no <header_from>", p->nrecord);
	if (!is_domain(p->row.header_from))
		return err_set(err, "record %zu: <header_from> '%.255s' is "
		    "not a domain name", p->nrecord, p->row.header_from);
	/* Mail of a subdomain, or of the organisational domain, is reported
	 * under the policy found for it; another organisation's is not. */
	if (r->domain != NULL && !under(p->row.header_from, r->domain) &&
	    !same_org(p, p->row.header_from))
		return err_set(err, "record %zu: <header_from> '%.255s' is "
		    "not of the organisational domain of <policy_published> "
		    "'%.255s'", p->nrecord, p->row.header_from, r->domain);
	return 0;
}

static int
row_end(struct parser *p, struct err *err)
{
	struct report	*r = p->r;

	if (!p->row_bad && row_check(p, err) == -1)
		row_refuse(p, err);
	if (p->row_bad) {
		row_drop(p);
		return 0;
	}
	if (r->nrows == p->rowcap) {
		p->rowcap = p->rowcap == 0 ? 16 : p->rowcap * 2;
		r->rows = xrealloc(r->rows, p->rowcap * sizeof(*r->rows));
	}
	r->rows[r->nrows++] = p->row;
	memset(&p->row, 0, sizeof(p->row));
	p->in_record = 0;
	return 0;
}

/* The end of an element whose text was kept. */
static int
value(struct parser *p, enum field f, struct err *err)
{
	struct report_row	*w = &p->row;
	struct report		*r = p->r;
	char			*v = trimmed(&p->text);
	enum dmarc_policy	 pol;
	int64_t			 t;

	switch (f) {
	case F_VERSION:
		return once(p, &p->version, v, err);
	case F_ORG_NAME:
		return once(p, &r->org_name, v, err);
	case F_REPORT_ID:
		return once(p, &r->report_id, v, err);
	case F_BEGIN:
	case F_END:
		if (parse_time(v, &t) == -1) {
			err_set(err, "<%s> of <date_range> is '%.64s', not a "
			    "time in seconds since 1970", leaf(p), v);
			free(v);
			return -1;
		}
		free(v);
		if ((f == F_BEGIN ? r->begin : r->end) != -1)
			return err_set(err, "more than one <%s>", leaf(p));
		*(f == F_BEGIN ? &r->begin : &r->end) = t;
		return 0;
	case F_DOMAIN:
		domain_fold(v);
		return once(p, &r->domain, v, err);
	case F_SOURCE_IP:
		return once(p, &w->source_ip, v, err);
	case F_COUNT:
		if (p->have_count) {
			free(v);
			return err_set(err, "record %zu: more than one "
			    "<count>", p->nrecord);
		}
		if (parse_count(v, &w->count) == -1) {
			err_set(err, "record %zu: <count> is '%.64s', not a "
			    "number of messages from 0 to %u", p->nrecord, v,
			    REPORT_COUNT_MAX);
			free(v);
			return -1;
		}
		free(v);
		p->have_count = 1;
		return 0;
	case F_DISPOSITION:
		if (p->have_disposition) {
			free(v);
			return err_set(err, "record %zu: more than one "
			    "<disposition>", p->nrecord);
		}
		/* The dispositions are the policies, in the same order;
		 * some reporters write "pass" for none. */
		pol = same_word(v, "pass") ? DMARC_POLICY_NONE :
		    dmarc_policy_parse(v, DMARC_CASE_ANY);
		if (pol != DMARC_POLICY_UNSET)
			w->disposition = (enum report_disposition)
			    (REPORT_DISP_NONE + (pol - DMARC_POLICY_NONE));
		else {
			err_set(err, "record %zu: <disposition> is '%.64s', "
			    "not none, quarantine or reject", p->nrecord, v);
			free(v);
			return -1;
		}
		free(v);
		p->have_disposition = 1;
		return 0;
	case F_EVAL_DKIM:
	case F_EVAL_SPF:
		/* pass or fail: anything else leaves DMARC's verdict unknown. */
		if (!same_word(v, "pass") && !same_word(v, "fail")) {
			err_set(err, "record %zu: <%s> of <policy_evaluated> is "
			    "'%.64s', not pass or fail", p->nrecord, leaf(p), v);
			free(v);
			return -1;
		}
		*(f == F_EVAL_DKIM ? &w->dkim_pass : &w->spf_pass) =
		    same_word(v, "pass");
		free(v);
		return 0;
	case F_ENVELOPE_FROM:
	case F_ENVELOPE_TO:
		domain_fold(v);
		if (*v == '\0') {
			free(v);
			return 0;
		}
		return once(p, f == F_ENVELOPE_FROM ? &w->envelope_from :
		    &w->envelope_to, v, err);
	case F_DKIM_SELECTOR:
		domain_fold(v);
		if (p->auth.selector == NULL)
			p->auth.selector = v;
		else
			free(v);
		return 0;
	case F_SPF_SCOPE:
		domain_fold(v);
		if (p->auth.scope == NULL)
			p->auth.scope = v;
		else
			free(v);
		return 0;
	case F_DKIM_RESULT:
	case F_SPF_RESULT:
		p->auth.result = auth_result(v);
		free(v);
		return 0;
	case F_GENERATOR:
		return once(p, &r->generator, v, err);
	case F_DISCOVERY:
		domain_fold(v);
		p->tags9990 = 1;
		return once(p, &r->discovery_method, v, err);
	case F_TESTING:
		p->tags9990 = 1;
		r->testing = same_word(v, "y") ? 1 : same_word(v, "n") ? 0 : -1;
		free(v);
		return 0;
	case F_HEADER_FROM:
		domain_fold(v);
		return once(p, &w->header_from, v, err);
	case F_DKIM_DOMAIN:
	case F_SPF_DOMAIN:
		domain_fold(v);
		if (f == F_DKIM_DOMAIN)
			add_domain(&w->dkim_domains, &w->ndkim, v);
		else
			add_domain(&w->spf_domains, &w->nspf, v);
		if (p->auth.domain == NULL)
			p->auth.domain = v;
		else
			free(v);
		return 0;
	case F_RFC9990:
		p->tags9990 = 1;
		free(v);
		return 0;
	case F_NONE:
	case F_RECORD:
	case F_AUTH_RESULTS:
	case F_AUTH_DKIM:
	case F_AUTH_SPF:
		break;
	}
	free(v);
	return 0;
}

/* The end of an auth_results/dkim or spf: kept, up to
 * REPORT_DOMAINS_MAX of each. */
static void
auth_end(struct parser *p, enum field f)
{
	struct report_row	*w = &p->row;
	struct report_auth	*a;

	if (p->auth.domain == NULL)
		p->auth.domain = xstrdup("");
	if ((f == F_AUTH_DKIM ? w->ndkim_auth : w->nspf_auth) >=
	    REPORT_DOMAINS_MAX) {
		auth_free(&p->auth);
		return;
	}
	if (f == F_AUTH_DKIM)
		a = xappend(&w->dkim_auth, &w->ndkim_auth, sizeof(*a));
	else
		a = xappend(&w->spf_auth, &w->nspf_auth, sizeof(*a));
	*a = p->auth;
	memset(&p->auth, 0, sizeof(p->auth));
}

static int
element_end(struct parser *p, struct err *err)
{
	enum field	 f;

	if (p->depth == 0) {
		p->done = 1;
		p->in_feedback = 0;
		return 0;
	}
	if (p->depth <= DEPTH_MAX) {
		f = field_of(&p->path);
		if (f == F_RECORD) {
			if (row_end(p, err) == -1)
				return -1;
		} else if (f == F_AUTH_DKIM || f == F_AUTH_SPF)
			auth_end(p, f);
		else if (f != F_NONE && f == p->field &&
		    value(p, f, err) == -1) {
			/* Within a record, the record alone is refused. */
			if (!p->in_record)
				return -1;
			row_refuse(p, err);
			err_clear(err);
		}
		p->field = F_NONE;
		buf_reset(&p->text);
		p->path.len = p->pathlen[p->depth - 1];
		if (p->path.data != NULL)
			p->path.data[p->path.len] = '\0';
	}
	p->depth--;
	return 0;
}

static int
element_start(struct parser *p, const char *name, const char *ns,
    struct err *err)
{
	enum field	 f;

	(void)err;
	if (!p->in_feedback) {
		if (p->done || strcmp(name, "feedback") != 0)
			return 0;
		p->seen_feedback = p->in_feedback = 1;
		p->ns9990 = ns != NULL && strcmp(ns, NS_RFC9990) == 0;
		p->depth = 0;
		p->pathlen[0] = 0;
		return 0;
	}
	p->depth++;
	if (p->depth <= DEPTH_MAX) {
		p->pathlen[p->depth - 1] = p->path.len;
		if (p->depth > 1)
			buf_addc(&p->path, '/');
		buf_adds(&p->path, name);
		f = field_of(&p->path);
		buf_reset(&p->text);
		p->field = F_NONE;
		if (f == F_RECORD)
			row_begin(p);
		else if (f == F_AUTH_RESULTS)
			p->row.auth_results = 1;
		else if (f == F_AUTH_DKIM || f == F_AUTH_SPF) {
			auth_free(&p->auth);
			p->auth.result = REPORT_AUTH_OTHER;
		} else if (f != F_NONE)
			p->field = f;
	}
	return 0;
}

static int
text(struct parser *p, const char *s, size_t len, struct err *err)
{
	if (p->field == F_NONE)
		return 0;
	if (p->text.len + len > VALUE_MAX)
		return err_set(err, "the value of <%s> is longer than %d bytes",
		    leaf(p), VALUE_MAX);
	buf_add(&p->text, s, len);
	return 0;
}

/* --- libxml2's callbacks --- */

static void
stop(struct parser *p)
{
	p->failed = 1;
	xmlStopParser(p->ctxt);
}

static void
on_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
    const xmlChar *ns, int nns, const xmlChar **nss, int nattr,
    int ndefaulted, const xmlChar **attr)
{
	struct parser	*p = ctx;

	(void)prefix;
	(void)nns;
	(void)nss;
	(void)nattr;
	(void)ndefaulted;
	(void)attr;
	if (!p->failed && !p->done && element_start(p, (const char *)name,
	    (const char *)ns, &p->err) == -1)
		stop(p);
}

static void
on_end(void *ctx, const xmlChar *name, const xmlChar *prefix,
    const xmlChar *ns)
{
	struct parser	*p = ctx;

	(void)name;
	(void)prefix;
	(void)ns;
	if (p->failed || !p->in_feedback)
		return;
	if (element_end(p, &p->err) == -1)
		stop(p);
	else if (p->done)
		/* The report is whole: nothing after it is parsed. */
		xmlStopParser(p->ctxt);
}

static void
on_text(void *ctx, const xmlChar *s, int len)
{
	struct parser	*p = ctx;

	if (!p->failed && p->in_feedback && len > 0 &&
	    text(p, (const char *)s, (size_t)len, &p->err) == -1)
		stop(p);
}

/* <!DOCTYPE: called before its internal subset is read. */
static void
on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
    const xmlChar *system_id)
{
	struct parser	*p = ctx;

	(void)name;
	(void)external_id;
	(void)system_id;
	p->doctype = 1;
	stop(p);
}

/* --- the report --- */

static int
why_not(struct parser *p, struct err *err)
{
	if (p->doctype)
		return err_set(err, "refused: the XML has a document type "
		    "declaration (<!DOCTYPE>), which DMARC reports never have "
		    "and which could declare entities (billion laughs, "
		    "external entities)");
	if (p->failed)
		return err_set(err, "%s", p->err.msg);
	if (p->io_failed)
		return err_set(err, "%s", p->ioerr.msg);
	if (p->xe.first[0] != '\0' && p->xe.line > 0)
		return err_set(err, "malformed XML at line %d: %s",
		    p->xe.line, p->xe.first);
	if (p->xe.first[0] != '\0')
		return err_set(err, "malformed XML: %s", p->xe.first);
	if (!p->seen_feedback)
		return err_set(err, "not a DMARC aggregate report: no "
		    "<feedback> element");
	return err_set(err, "malformed XML: it ends inside <feedback>");
}

static int
complete(struct parser *p, struct err *err)
{
	struct report	*r = p->r;

	if (r->report_id == NULL || *r->report_id == '\0')
		return err_set(err, "no <report_id> in <report_metadata>");
	if (r->begin == -1 || r->end == -1)
		return err_set(err, "no <%s> in <date_range>",
		    r->begin == -1 ? "begin" : "end");
	if (r->begin > r->end)
		return err_set(err, "<date_range> begins (%lld) after it ends "
		    "(%lld)", (long long)r->begin, (long long)r->end);
	if (r->org_name == NULL)
		r->org_name = xstrdup("");
	r->schema = p->ns9990 || p->tags9990 ||
	    (p->version != NULL && strncmp(p->version, "2.", 2) == 0) ?
	    REPORT_RFC9990 : REPORT_RFC7489;
	return 0;
}

/* Reads what follows </feedback>, so that a gzip stream's trailer is
 * checked; nothing of it is parsed. */
static int
drain(struct parser *p, struct err *err)
{
	unsigned char	 buf[8192];
	ssize_t		 n;

	while ((n = rstream_read(p->in, buf, sizeof(buf), err)) > 0)
		;
	return n < 0 ? -1 : 0;
}

int
report_parse(struct rstream *in, struct report *out, struct err *err)
{
	struct parser	 p;
	xmlSAXHandler	 sax;
	int		 rc = -1;

	memset(&p, 0, sizeof(p));
	memset(out, 0, sizeof(*out));
	p.in = in;
	p.r = out;
	out->begin = out->end = -1;
	out->testing = -1;
	err_clear(&p.ioerr);
	err_clear(&p.err);
	buf_init(&p.path);
	buf_init(&p.text);
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	sax.internalSubset = on_doctype;
	/* No sax.serror: every report goes to p.xe, those without a parser
	 * context too (libxml2 would print them). */
	xml_errors_begin(&p.xe);
	p.ctxt = xmlCreateIOParserCtxt(&sax, &p, io_read, io_close, &p,
	    XML_CHAR_ENCODING_NONE);
	if (p.ctxt == NULL) {
		if (p.io_failed)
			why_not(&p, err);
		else
			err_set(err, "cannot start the XML parser");
		goto out;
	}
	p.xe.ctxt = p.ctxt;
	xmlCtxtUseOptions(p.ctxt, PARSE_OPTIONS);
	xmlParseDocument(p.ctxt);
	if (!p.done || p.failed) {
		why_not(&p, err);
		goto out;
	}
	if (drain(&p, err) == -1 || complete(&p, err) == -1)
		goto out;
	rc = 0;
out:
	if (p.ctxt != NULL)
		xmlFreeParserCtxt(p.ctxt);
	xml_errors_end(&p.xe);
	row_free(&p.row);
	auth_free(&p.auth);
	report_map_free(p.orgs);
	free(p.version);
	buf_release(&p.path);
	buf_release(&p.text);
	if (rc == -1)
		report_release(out);
	return rc;
}
