/*
 * check_report_summary.c - summaries and outputs of DMARC aggregate
 * reports (src/report/summary.c, render.c): the window at its edges, the
 * domain filter, exact counting, the four outputs, and that
 * docs/report-json.md documents exactly the fields the JSON writer emits.
 * The reports are made by test_xml() (check_report.c) and read through
 * the public reader.
 */
#include <cJSON.h>
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/report.h"
#include "testutil.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define DOC		"docs/report-json.md"

Suite	*report_summary_suite(void);

static struct report
span(int64_t begin, int64_t end)
{
	struct report	 r;

	memset(&r, 0, sizeof(r));
	r.begin = begin;
	r.end = end;
	return r;
}

START_TEST(window_days)
{
	struct report	 r;

	r = span(0, 86399);			/* one whole day */
	ck_assert_int_eq(report_day(&r), 0);
	r = span(0, 86400);			/* midnight to midnight */
	ck_assert_int_eq(report_day(&r), 0);
	r = span(86400 - 3600, 86400 + 3600);	/* two hours over midnight */
	ck_assert_int_eq(report_day(&r), 1);
	r = span(86400 - 3601, 86400 + 3599);	/* the middle before it */
	ck_assert_int_eq(report_day(&r), 0);
	r = span(86400 + 43200, 86400 + 43200);	/* an instant */
	ck_assert_int_eq(report_day(&r), 1);
	r = span(0, 253402300799LL);		/* 1970 to 9999: no overflow */
	ck_assert_int_eq(report_day(&r), 1466448);
}
END_TEST

/*
 * Reports of 28 Feb, 1 Mar (two, one spanning midnight into 2 Mar, its
 * middle on 1 Mar) and 2 Mar (spanning midnight from 1 Mar, its middle on
 * 2 Mar), against windows: each report is counted in exactly one of two
 * adjacent windows.
 */
START_TEST(window_edges)
{
	static const struct {
		const char	*id, *begin, *end;
	} reps[] = {
		{ "feb28", "1772236800", "1772323199" },
		{ "mar1", MAR1, MAR1_END },
		{ "mar1-late", "1772384400", "1772420400" },	/* 17:00-03:00 */
		{ "mar2-early", "1772402400", "1772438400" },	/* 22:00-08:00 */
	};
	static const struct {
		long		 since, until;
		size_t		 in, out;
	} win[] = {
		{ -1, -1, 4, 0 },
		{ MAR1_DAY, MAR1_DAY, 2, 2 },
		{ MAR1_DAY + 1, MAR1_DAY + 1, 1, 3 },
		{ -1, MAR1_DAY - 1, 1, 3 },
		{ MAR1_DAY, -1, 3, 1 },
		{ MAR1_DAY - 1, MAR1_DAY, 3, 1 },
		{ MAR1_DAY + 2, -1, 0, 4 },
	};
	struct report_filter	 f = { -1, -1, NULL };
	struct report_summary	 s;
	struct report_reader	 rd;
	size_t			 i, j;
	char			*x;

	for (i = 0; i < NELEM(win); i++) {
		f.since = win[i].since;
		f.until = win[i].until;
		report_summary_init(&s, &f);
		report_reader_init(&rd, NULL, report_summary_sink, &s);
		for (j = 0; j < NELEM(reps); j++) {
			x = test_xml(NULL, "o", reps[j].id, reps[j].begin,
			    reps[j].end, test_rows);
			report_read_mem(&rd, reps[j].id, x, strlen(x));
			free(x);
		}
		report_summary_finish(&s);
		ck_assert_msg(s.in_window == win[i].in && s.outside ==
		    win[i].out, "window %zu: %zu in, %zu out", i, s.in_window,
		    s.outside);
		ck_assert_uint_eq(s.n.messages, 13 * win[i].in);
		ck_assert_uint_eq(rd.stats.read, 4);
		report_reader_release(&rd);
		report_summary_release(&s);
	}
}
END_TEST

START_TEST(domain_filter)
{
	static const struct test_row rows[] = {
		{ "192.0.2.1", "1", "none", "pass", "pass", "example.com",
		  NULL, NULL },
		{ "192.0.2.2", "2", "none", "pass", "pass", "mail.Example.com",
		  NULL, NULL },
		{ "192.0.2.3", "4", "none", "pass", "pass", "notexample.com",
		  NULL, NULL },
		{ "192.0.2.4", "8", "none", "pass", "pass", "example.org",
		  NULL, NULL },
		{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
	};
	struct report_filter	 f = { -1, -1, "EXAMPLE.com." };
	struct report_summary	 s;
	char			*x = test_xml(NULL, "o", "d", MAR1, MAR1_END,
				    rows);
	struct report_reader	 rd;

	report_summary_init(&s, &f);
	report_reader_init(&rd, NULL, report_summary_sink, &s);
	report_read_mem(&rd, "x", x, strlen(x));
	report_summary_finish(&s);
	ck_assert_uint_eq(s.ndomains, 2);
	ck_assert_str_eq(s.domains[0].name, "example.com");
	ck_assert_str_eq(s.domains[1].name, "mail.example.com");
	ck_assert_uint_eq(s.n.messages, 3);
	ck_assert_ptr_null(report_summary_find(&s, "notexample.com"));
	report_reader_release(&rd);
	report_summary_release(&s);
	free(x);
}
END_TEST

/*
 * Counting: sources merged by canonical address, worst first, domains
 * kept once each, reporters by messages, and counts past 2^32 exact.
 */
START_TEST(summary_counts)
{
	static const struct test_row rows[] = {
		{ "192.0.2.1", "4294967295", "none", "pass", "pass",
		  "example.com", "example.com", "example.com" },
		{ "192.0.2.1", "4294967295", "reject", "fail", "fail",
		  "example.com", "evil.example", "evil.example" },
		{ "2001:db8:0:0::1", "7", "quarantine", "fail", "pass",
		  "example.com", NULL, "amazonses.com" },
		{ "2001:DB8::1", "1", "none", "pass", "fail", "example.com",
		  "example.com", "amazonses.com" },
		{ "198.51.100.7", "0", "none", "fail", "fail", "example.com",
		  NULL, NULL },
		{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
	};
	char			*x = test_xml(NULL, "big", "c", MAR1, MAR1_END,
				    rows);
	char			*y = test_xml(NULL, "small", "d", MAR1,
				    MAR1_END, test_rows);
	struct report_summary	 s;
	struct report_reader	 rd;
	const struct report_domain *d;
	const struct report_source *src;

	report_summary_init(&s, NULL);
	report_reader_init(&rd, NULL, report_summary_sink, &s);
	report_read_mem(&rd, "x", x, strlen(x));
	report_read_mem(&rd, "y", y, strlen(y));
	report_summary_finish(&s);
	ck_assert_ptr_nonnull(d = report_summary_find(&s, "example.com"));
	ck_assert_uint_eq(d->n.messages, 2ull * 4294967295ull + 8 + 13);
	ck_assert_uint_eq(d->n.dmarc_pass, 4294967295ull + 8 + 10);
	ck_assert_uint_eq(d->n.disposition[REPORT_DISP_REJECT], 4294967295u);
	ck_assert_uint_eq(d->reports, 2);
	ck_assert_uint_eq(d->nsources, 3);
	src = &d->sources[0];		/* most failing */
	ck_assert_str_eq(src->ip, "192.0.2.1");
	ck_assert_uint_eq(src->n.messages, 2ull * 4294967295ull + 10);
	ck_assert_uint_eq(src->ndkim, 2);
	ck_assert_str_eq(src->dkim_domains[0], "example.com");
	ck_assert_str_eq(src->dkim_domains[1], "evil.example");
	src = &d->sources[1];		/* 2001:db8::1, merged */
	ck_assert_str_eq(src->ip, "2001:db8::1");
	ck_assert_uint_eq(src->n.messages, 8 + 3);
	ck_assert_uint_eq(src->n.dmarc_pass, 8);
	ck_assert_uint_eq(src->nspf, 2);
	ck_assert_str_eq(d->sources[2].ip, "198.51.100.7");
	ck_assert_uint_eq(d->nreporters, 2);
	ck_assert_str_eq(d->reporters[0].org_name, "big");
	ck_assert_uint_eq(d->reporters[0].reports, 1);
	ck_assert_uint_eq(s.n.messages, d->n.messages);
	ck_assert(report_rate(1, 3) == 33.33);
	ck_assert(report_rate(2, 3) == 66.66);
	ck_assert(report_rate(9999999, 10000000) == 99.99);
	ck_assert(report_rate(5, 5) == 100);
	ck_assert(report_rate(0, 0) == -1);
	report_reader_release(&rd);
	report_summary_release(&s);
	free(x);
	free(y);
}
END_TEST

/* --- outputs --- */

/* A summary of two reports and one rejection, for the renderers. */
/* An RFC 9990 report of 1 March with each field the summary shows. */
#define RFC9990_XML \
	"<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\"><report_metadata>" \
	"<org_name>Yahoo</org_name><report_id>y9</report_id><date_range>" \
	"<begin>" MAR1 "</begin><end>" MAR1_END "</end></date_range>" \
	"<generator>Gen 1.0</generator></report_metadata><policy_published>" \
	"<domain>example.com</domain><p>reject</p><testing>y</testing>" \
	"<discovery_method>TreeWalk</discovery_method></policy_published>" \
	"<record><row><source_ip>192.0.2.1</source_ip><count>4</count>" \
	"<policy_evaluated><disposition>none</disposition><dkim>pass</dkim>" \
	"<spf>fail</spf></policy_evaluated></row><identifiers><envelope_to>" \
	"Example.NET</envelope_to><envelope_from>bounce.example.com" \
	"</envelope_from><header_from>example.com</header_from></identifiers>" \
	"<auth_results><dkim><domain>example.com</domain><selector>s1" \
	"</selector><result>pass</result></dkim><spf><domain>" \
	"bounce.example.com</domain><scope>mfrom</scope><result>pass</result>" \
	"</spf></auth_results></record></feedback>"

static void	fixture_with(struct report_summary *, struct report_reader *,
		    int);

static void
fixture(struct report_summary *s, struct report_reader *rd)
{
	fixture_with(s, rd, 0);
}

/* With rfc9990, RFC9990_XML is read too. */
static void
fixture_with(struct report_summary *s, struct report_reader *rd, int rfc9990)
{
	static const struct test_row rows[] = {
		{ "192.0.2.1", "10", "none", "pass", "fail", "example.com",
		  "example.com", "amazonses.com" },
		{ "203.0.113.9", "2", "reject", "fail", "fail", "example.com",
		  NULL, "=cmd|x" },
		/* A name of the domain's with a bidirectional override
		 * (U+202E), and a '|' in the SPF domain. */
		{ "192.0.2.5", "5", "none", "pass", "pass",
		  "a\xe2\x80\xae" "b.example.com", "a|b.example.org",
		  "a|b.example.org" },
		{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
	};
	char	*x = test_xml(NULL, "google.com", "f1", MAR1, MAR1_END, rows);
	char	*y = test_xml(NULL, "Outlook.com", "f2", MAR1, MAR1_END,
		    test_rows);

	report_summary_init(s, NULL);
	report_reader_init(rd, NULL, report_summary_sink, s);
	report_read_mem(rd, "x.xml", x, strlen(x));
	report_read_mem(rd, "y.xml", y, strlen(y));
	report_read_mem(rd, "bad\033[31m.xml", "<feedback>", 10);
	if (rfc9990)
		report_read_mem(rd, "z.xml", RFC9990_XML, strlen(RFC9990_XML));
	report_summary_finish(s);
	free(x);
	free(y);
}

START_TEST(render_text)
{
	struct report_summary	 s;
	struct report_reader	 rd;
	struct buf		 out = BUF_INIT;
	const char		*t;

	fixture(&s, &rd);
	report_render_text(&s, &rd.stats, &out);
	t = buf_str(&out);
	ck_assert_msg(strstr(t, "DMARC aggregate reports: 2 reports read, 0 "
	    "duplicates skipped, 1 rejected\n") == t, "%s", t);
	ck_assert_ptr_nonnull(strstr(t, "\nexample.com: 25 messages in 2 "
	    "reports from 2 reporters\n  DMARC pass     80.00%  20\n"
	    "  DKIM aligned   80.00%  20\n  SPF aligned     0.00%  0\n"
	    "  disposition   none 20, quarantine 3, reject 2\n"
	    "  reporters     Outlook.com (1 report, 13 messages), google.com "
	    "(1 report, 12 messages)\n"));
	/* Worst first: 2001:db8::1 (3 failing), 203.0.113.9 (2), 192.0.2.1
	 * (none); widths from the longest address and DKIM list. */
	ck_assert_msg(strstr(t, "  sources, worst first:\n"
	    "    source IP     messages    DMARC     DKIM      SPF  DKIM d=  "
	    "    SPF domain\n"
	    "    2001:db8::1          3    0.00%    0.00%    0.00%  -         "
	    "   example.com\n"
	    "    203.0.113.9          2    0.00%    0.00%    0.00%  -         "
	    "   =cmd|x\n"
	    "    192.0.2.1           20  100.00%  100.00%    0.00%  example.com"
	    "  amazonses.com\n") != NULL, "%s", t);
	/* No escape sequence reaches the terminal. */
	ck_assert_ptr_null(strchr(t, '\033'));
	ck_assert_ptr_nonnull(strstr(t, "rejected:\n  bad\\x1b[31m.xml: "
	    "malformed XML"));
	report_reader_release(&rd);
	report_summary_release(&s);
	buf_release(&out);
}
END_TEST

/* RFC 9990's fields: counted per domain and shown where reports give them. */
START_TEST(rfc9990_fields)
{
	struct report_summary		 s;
	struct report_reader		 rd;
	const struct report_domain	*d;
	struct buf			 out = BUF_INIT;
	const char			*t;
	size_t				 i;

	fixture_with(&s, &rd, 1);
	ck_assert_ptr_nonnull(d = report_summary_find(&s, "example.com"));
	ck_assert_uint_eq(d->testing_reports, 1);
	ck_assert_uint_eq(d->testing_messages, 4);
	ck_assert_uint_eq(d->nmethods, 2);
	ck_assert_str_eq(d->methods[0].name, "");	/* 25 messages */
	ck_assert_str_eq(d->methods[1].name, "treewalk");
	ck_assert_uint_eq(d->methods[1].reports, 1);
	ck_assert_uint_eq(d->methods[1].messages, 4);
	ck_assert_str_eq(d->generators[1].name, "Gen 1.0");
	ck_assert_uint_eq(d->nenvelope_to, 1);
	ck_assert_str_eq(d->envelope_to[0].name, "example.net");
	for (i = 0; i < d->nsources; i++)
		if (strcmp(d->sources[i].ip, "192.0.2.1") == 0)
			break;
	ck_assert_uint_lt(i, d->nsources);
	ck_assert_uint_eq(d->sources[i].nenvelope_from, 1);
	ck_assert_str_eq(d->sources[i].envelope_from[0], "bounce.example.com");
	report_render_text(&s, &rd.stats, &out);
	t = buf_str(&out);
	ck_assert_msg(strstr(t, "  testing (t=y) 1 report, 4 messages (the "
	    "policy was not applied)\n  discovery     (not given) (2 reports), "
	    "treewalk (1 report)\n  generators    (not given) (2 reports), "
	    "Gen 1.0 (1 report)\n  envelope_to   example.net (4 messages)\n")
	    != NULL, "%s", t);
	buf_reset(&out);
	report_render_markdown(&s, &rd.stats, &out);
	ck_assert_msg(strstr(buf_str(&out), "\n\nTesting (t=y): 1 report, 4 "
	    "messages (the policy was not applied).\n\nDiscovery: \\(not given\\) "
	    "(2 reports), treewalk (1 report).\n") != NULL, "%s",
	    buf_str(&out));
	report_reader_release(&rd);
	report_summary_release(&s);
	buf_release(&out);
}
END_TEST

START_TEST(render_markdown_csv)
{
	struct report_summary	 s;
	struct report_reader	 rd;
	struct buf		 out = BUF_INIT;
	const char		*t;

	fixture(&s, &rd);
	report_render_markdown(&s, &rd.stats, &out);
	t = buf_str(&out);
	ck_assert_ptr_nonnull(strstr(t, "| `a\\u202eb.example.com` | 5 | 100.00% | "
	    "100.00% | 100.00% | 5 | 0 | 0 |\n"));
	ck_assert_ptr_nonnull(strstr(t, "| `example.com` | 25 | 80.00% | "
	    "80.00% | 0.00% | 20 | 3 | 2 |\n"));
	ck_assert_ptr_nonnull(strstr(t, "#### Rejected files"));
	ck_assert_ptr_null(strchr(t, '\033'));
	buf_reset(&out);
	report_render_csv(&s, &out);
	t = buf_str(&out);
	ck_assert_msg(strncmp(t, "domain,source_ip,messages,dmarc_pass,"
	    "dkim_aligned_pass,spf_aligned_pass,none,quarantine,reject,"
	    "dkim_domains,spf_domains\r\n", 118) == 0, "%s", t);
	ck_assert_ptr_nonnull(strstr(t, "\r\nexample.com,203.0.113.9,2,0,0,0,"
	    "0,0,2,,\"'=cmd|x\"\r\n"));
	/* Both reports' rows from 192.0.2.1. */
	ck_assert_ptr_nonnull(strstr(t, "\r\nexample.com,192.0.2.1,20,20,20,0,"
	    "20,0,0,example.com,amazonses.com\r\n"));
	report_reader_release(&rd);
	report_summary_release(&s);
	buf_release(&out);
}
END_TEST

static uint64_t
num(const cJSON *o, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItem(o, key);

	ck_assert_msg(cJSON_IsNumber(v), "no number '%s'", key);
	return (uint64_t)v->valuedouble;
}

/* The JSON's totals are the sums of what is below them. */
START_TEST(render_json_sums)
{
	static const char *const keys[] = {
		"messages", "dmarc_pass", "dkim_aligned_pass",
		"spf_aligned_pass"
	};
	struct report_summary	 s;
	struct report_reader	 rd;
	struct buf		 out = BUF_INIT;
	cJSON			*root, *d, *src;
	uint64_t		 dsum[4], ssum[4];
	size_t			 k;

	fixture(&s, &rd);
	report_render_json(&s, &rd.stats, &out);
	ck_assert_ptr_nonnull(root = cJSON_Parse(buf_str(&out)));
	ck_assert_uint_eq(num(cJSON_GetObjectItem(root, "reports"), "read"), 2);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(root, "reports"), "rejected")), 1);
	memset(dsum, 0, sizeof(dsum));
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(root, "domains")) {
		memset(ssum, 0, sizeof(ssum));
		cJSON_ArrayForEach(src, cJSON_GetObjectItem(d, "sources"))
			for (k = 0; k < NELEM(keys); k++)
				ssum[k] += num(src, keys[k]);
		for (k = 0; k < NELEM(keys); k++) {
			ck_assert_uint_eq(ssum[k], num(d, keys[k]));
			dsum[k] += num(d, keys[k]);
		}
	}
	for (k = 0; k < NELEM(keys); k++)
		ck_assert_uint_eq(dsum[k], num(cJSON_GetObjectItem(root,
		    "totals"), keys[k]));
	ck_assert_uint_eq(dsum[0], 30);
	cJSON_Delete(root);
	report_reader_release(&rd);
	report_summary_release(&s);
	buf_release(&out);
}
END_TEST

/* --- docs/report-json.md names exactly the fields written --- */

static void
set_add(struct buf *set, const char *path)
{
	struct buf	 key = BUF_INIT;

	buf_addf(&key, "\n%s\n", path);
	if (strstr(buf_str(set), buf_str(&key)) == NULL)
		buf_addf(set, "%s\n", path);
	buf_release(&key);
}

static int
set_has(const struct buf *set, const char *path)
{
	struct buf	 key = BUF_INIT;
	int		 found;

	buf_addf(&key, "\n%s\n", path);
	found = strstr(buf_str(set), buf_str(&key)) != NULL;
	buf_release(&key);
	return found;
}

/* Every field path: "reports.rejected[].file". */
static void
json_paths(const cJSON *o, const char *prefix, struct buf *set)
{
	const cJSON	*it, *el;
	char		 path[256];

	for (it = o->child; it != NULL; it = it->next) {
		snprintf(path, sizeof(path), "%s%s", prefix, it->string);
		set_add(set, path);
		if (cJSON_IsObject(it)) {
			snprintf(path, sizeof(path), "%s%s.", prefix,
			    it->string);
			json_paths(it, path, set);
		} else if (cJSON_IsArray(it)) {
			snprintf(path, sizeof(path), "%s%s[].", prefix,
			    it->string);
			for (el = it->child; el != NULL; el = el->next)
				if (cJSON_IsObject(el))
					json_paths(el, path, set);
		}
	}
}

/*
 * The fields the tables under "## Fields" name: the first cell of each
 * row, prefixed by the code spans of the "### " heading above it.
 */
static void
doc_paths(const char *doc, struct buf *set)
{
	const char	*p = strstr(doc, "\n## Fields\n"), *end, *q, *tick;
	char		 prefixes[4][64], path[256];
	size_t		 nprefix = 1, i;

	ck_assert_msg(p != NULL, "no '## Fields' section in %s", DOC);
	prefixes[0][0] = '\0';
	for (p++; (p = strchr(p, '\n')) != NULL; p++) {
		p++;
		if (strncmp(p, "## ", 3) == 0)
			break;
		if ((end = strchr(p, '\n')) == NULL)
			end = p + strlen(p);
		if (strncmp(p, "### ", 4) == 0) {
			nprefix = 0;
			for (q = p; nprefix < 4 && (q = memchr(q, '`',
			    (size_t)(end - q))) != NULL; q = tick + 1) {
				tick = memchr(q + 1, '`', (size_t)(end - q - 1));
				ck_assert_ptr_nonnull(tick);
				snprintf(prefixes[nprefix++], sizeof(prefixes[0]),
				    "%.*s.", (int)(tick - q - 1), q + 1);
			}
			if (nprefix == 0) {
				prefixes[0][0] = '\0';
				nprefix = 1;
			}
		} else if (strncmp(p, "| `", 3) == 0) {
			tick = memchr(p + 3, '`', (size_t)(end - p - 3));
			ck_assert_ptr_nonnull(tick);
			for (i = 0; i < nprefix; i++) {
				snprintf(path, sizeof(path), "%s%.*s",
				    prefixes[i], (int)(tick - p - 3), p + 3);
				set_add(set, path);
			}
		}
		p = end - 1;
	}
}

static char *
read_doc(void)
{
	struct buf	 b = BUF_INIT;
	char		 chunk[4096];
	size_t		 n;
	FILE		*f = fopen(DOC, "r");

	ck_assert_msg(f != NULL, "cannot read '%s'", DOC);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b);
}

/*
 * JSON and CSV are streamed a source at a time (render.c); the JSON keeps
 * cJSON's layout of the whole tree byte for byte: cJSON printing what it
 * parses from the output gives the output again, with the summary empty,
 * and with domains of several sources.  A stream with its error flag set
 * makes the writers return -1.
 */
static void
layout_same(const char *text)
{
	cJSON	*root;
	char	*again;

	ck_assert_ptr_nonnull(root = cJSON_Parse(text));
	ck_assert_ptr_nonnull(again = cJSON_Print(root));
	ck_assert_uint_eq(strlen(text), strlen(again) + 1);
	ck_assert_int_eq(memcmp(text, again, strlen(again)), 0);
	ck_assert_int_eq(text[strlen(again)], '\n');
	cJSON_free(again);
	cJSON_Delete(root);
}

START_TEST(render_json_streamed_layout)
{
	struct report_summary	 s, empty;
	struct report_reader	 rd;
	struct report_stats	 none;
	struct buf		 out = BUF_INIT;
	FILE			*ro;

	fixture(&s, &rd);
	ck_assert_uint_ge(s.ndomains, 2);
	ck_assert_uint_ge(s.domains[0].nsources + s.domains[1].nsources, 3);
	report_render_json(&s, &rd.stats, &out);
	layout_same(buf_str(&out));
	buf_reset(&out);
	report_summary_init(&empty, NULL);
	report_summary_finish(&empty);
	memset(&none, 0, sizeof(none));
	report_render_json(&empty, &none, &out);
	layout_same(buf_str(&out));
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "\"domains\":\t[]\n}\n"));
	ck_assert_ptr_nonnull(ro = fopen("/dev/null", "r"));
	ck_assert_int_eq(report_write_json(&s, &rd.stats, ro), -1);
	clearerr(ro);
	ck_assert_int_eq(report_write_csv(&s, ro), -1);
	fclose(ro);
	ck_assert_ptr_nonnull(ro = fopen("/dev/null", "w"));
	ck_assert_int_eq(report_write_csv(&s, ro), 0);
	fclose(ro);
	buf_release(&out);
	report_summary_release(&empty);
	report_reader_release(&rd);
	report_summary_release(&s);
}
END_TEST

START_TEST(doc_matches_writer)
{
	struct report_summary	 s;
	struct report_reader	 rd;
	struct report_filter	 f = { MAR1_DAY - 7, MAR1_DAY, "example.com" };
	struct buf		 out = BUF_INIT, emitted = BUF_INIT,
				 documented = BUF_INIT;
	char			*doc = read_doc(), path[256];
	const char		*p, *nl;
	cJSON			*root;

	fixture_with(&s, &rd, 1);
	report_render_json(&s, &rd.stats, &out);
	ck_assert_ptr_nonnull(root = cJSON_Parse(buf_str(&out)));
	buf_addc(&emitted, '\n');
	buf_addc(&documented, '\n');
	json_paths(root, "", &emitted);
	cJSON_Delete(root);
	report_reader_release(&rd);
	report_summary_release(&s);
	/* With a window and a domain: the same fields. */
	report_summary_init(&s, &f);
	report_reader_init(&rd, NULL, report_summary_sink, &s);
	report_summary_finish(&s);
	buf_reset(&out);
	report_render_json(&s, &rd.stats, &out);
	ck_assert_ptr_nonnull(root = cJSON_Parse(buf_str(&out)));
	json_paths(root, "", &emitted);
	cJSON_Delete(root);
	doc_paths(doc, &documented);
	for (p = emitted.data + 1; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		snprintf(path, sizeof(path), "%.*s", (int)(nl - p), p);
		ck_assert_msg(set_has(&documented, path), "field '%s' is "
		    "written but not in the tables of %s", path, DOC);
	}
	for (p = documented.data + 1; (nl = strchr(p, '\n')) != NULL;
	    p = nl + 1) {
		snprintf(path, sizeof(path), "%.*s", (int)(nl - p), p);
		ck_assert_msg(set_has(&emitted, path), "field '%s' is in the "
		    "tables of %s but never written", path, DOC);
	}
	report_reader_release(&rd);
	report_summary_release(&s);
	buf_release(&out);
	buf_release(&emitted);
	buf_release(&documented);
	free(doc);
}
END_TEST

/* The example in the doc is a document the writer could write: it parses
 * and its totals add up. */
START_TEST(doc_example_parses)
{
	char		*doc = read_doc();
	const char	*start, *end;
	cJSON		*root, *d;
	uint64_t	 sum = 0;

	start = strstr(doc, "\n```json\n");
	ck_assert_msg(start != NULL, "no json example in %s", DOC);
	start += strlen("\n```json\n");
	end = strstr(start, "\n```\n");
	ck_assert_ptr_nonnull(end);
	root = cJSON_ParseWithLength(start, (size_t)(end - start));
	ck_assert_msg(root != NULL, "the example in %s is not JSON", DOC);
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(root, "domains"))
		sum += num(d, "messages");
	ck_assert_uint_eq(sum, num(cJSON_GetObjectItem(root, "totals"),
	    "messages"));
	cJSON_Delete(root);
	free(doc);
}
END_TEST

Suite *
report_summary_suite(void)
{
	Suite	*s = suite_create("report_summary");
	TCase	*tc;

	tc = tcase_create("summary");
	tcase_add_test(tc, window_days);
	tcase_add_test(tc, window_edges);
	tcase_add_test(tc, domain_filter);
	tcase_add_test(tc, summary_counts);
	suite_add_tcase(s, tc);
	tc = tcase_create("render");
	tcase_add_test(tc, render_text);
	tcase_add_test(tc, rfc9990_fields);
	tcase_add_test(tc, render_markdown_csv);
	tcase_add_test(tc, render_json_sums);
	tcase_add_test(tc, render_json_streamed_layout);
	tcase_add_test(tc, doc_matches_writer);
	tcase_add_test(tc, doc_example_parses);
	suite_add_tcase(s, tc);
	return s;
}
