/*
 * check_report.c - DMARC aggregate reports (src/report/): every file of
 * the dmarc-reports corpus with its totals written down, both schemas,
 * each container (XML, gzip, zip, e-mail with base64 and
 * quoted-printable), hostile input made here (zip and gzip bombs, a zip
 * of too many members, billion laughs, an external entity naming a local
 * file, truncated gzip, invalid UTF-8, a 2 GiB sparse file), malformed
 * reports and their messages, and de-duplication.  Summaries and their
 * outputs are in check_report_summary.c, container.c alone in
 * check_report_container.c.
 *
 * The corpus figures were counted apart from mailauth: by a short Python
 * script using only its standard library (gzip, zlib, zipfile, email,
 * xml.etree.ElementTree), for every file it could parse, and by hand for
 * the rest (ikea.com's report, whose XML never closes its <xs:schema>,
 * and the files rejected on purpose).  A row passes DMARC when its
 * policy_evaluated has dkim or spf "pass" (in any case); its day is that
 * of (begin + end) / 2.
 */
#include <archive.h>
#include <archive_entry.h>
#include <cJSON.h>
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/report.h"
#include "testutil.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define DOC		"docs/report-json.md"
#define KIB		1024ull
#define MIB		(1024ull * 1024)

Suite	*report_suite(void);

/* --- what a reading produced --- */

struct got_report {
	char		*file;
	char		*org;
	char		*id;
	char		*domain;
	enum report_schema schema;
	long		 day;
	size_t		 rows;
	struct report_counts n;
};

struct got {
	struct got_report	*v;
	size_t			 n;
};

static void
collect(void *arg, const char *file, const struct report *r)
{
	struct got		*g = arg;
	struct got_report	*x = xappend(&g->v, &g->n, sizeof(*g->v));
	size_t			 i;

	x->file = xstrdup(file);
	x->org = xstrdup(r->org_name);
	x->id = xstrdup(r->report_id);
	x->domain = r->domain != NULL ? xstrdup(r->domain) : NULL;
	x->schema = r->schema;
	x->day = report_day(r);
	x->rows = r->nrows;
	for (i = 0; i < r->nrows; i++) {
		const struct report_row	*w = &r->rows[i];

		x->n.messages += w->count;
		if (w->dkim_pass || w->spf_pass)
			x->n.dmarc_pass += w->count;
		if (w->dkim_pass)
			x->n.dkim_pass += w->count;
		if (w->spf_pass)
			x->n.spf_pass += w->count;
		x->n.disposition[w->disposition] += w->count;
	}
}

static void
got_release(struct got *g)
{
	size_t	 i;

	for (i = 0; i < g->n; i++) {
		free(g->v[i].file);
		free(g->v[i].org);
		free(g->v[i].id);
		free(g->v[i].domain);
	}
	free(g->v);
	memset(g, 0, sizeof(*g));
}

/* Reads path with the limits given (NULL: the defaults). */
static void
read_path(const char *path, const struct report_limits *l, struct got *g,
    struct report_reader *rd)
{
	memset(g, 0, sizeof(*g));
	report_reader_init(rd, l, collect, g);
	report_read_path(rd, path);
}

static void
read_mem(const char *name, const void *data, size_t len,
    const struct report_limits *l, struct got *g, struct report_reader *rd)
{
	memset(g, 0, sizeof(*g));
	report_reader_init(rd, l, collect, g);
	report_read_mem(rd, name, data, len);
}

/* The one rejection's reason contains want. */
static void
assert_rejected(const struct report_reader *rd, const char *want)
{
	ck_assert_msg(rd->stats.nrejected == 1, "%zu rejected, wanted 1 "
	    "with '%s'", rd->stats.nrejected, want);
	ck_assert_msg(strstr(rd->stats.rejected[0].reason, want) != NULL,
	    "reason '%s' does not say '%s'", rd->stats.rejected[0].reason,
	    want);
}

/* --- the corpus --- */

static const struct corpus_case {
	const char	*file;
	const char	*reject;	/* NULL: one report is read */
	const char	*org;
	const char	*id;
	enum report_schema schema;
	long		 day;
	size_t		 rows;
	uint64_t	 messages, dmarc, dkim, spf, none, quarantine, reject_;
} corpus[] = {
	{ "SOURCES.txt", "not a DMARC report: the content is neither XML, "
	    "gzip, zip nor an e-mail message", NULL, NULL, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0 },
	{ "mail-dmarc/test_dmarc.xml", NULL, "Test Sender", "1234567890",
	    REPORT_RFC7489, 18628, 1, 1, 1, 1, 1, 1, 0, 0 },
	{ "mail-dmarc/test_dmarc.xml.gz", NULL, "Test Sender", "1234567890",
	    REPORT_RFC7489, 18628, 1, 1, 1, 1, 1, 1, 0, 0 },
	{ "mail-dmarc/test_dmarc.xml.zip", NULL, "Test Sender", "1234567890",
	    REPORT_RFC7489, 18628, 1, 1, 1, 1, 1, 1, 0, 0 },
	{ "opendmarc/163.com!example.com!1337270400!1337356799."
	    "20120518163.xml", NULL, "163.com",
	    "aggr_report_example.com_20120518_163.com", REPORT_RFC7489, 15478,
	    50, 92, 46, 0, 46, 46, 0, 46 },
	/* windows-1252 and a namespace prefix parse; the first record's
	 * empty <disposition> refuses that record only, and the third is
	 * malformed XML, which refuses the report. */
	{ "opendmarc/bad.com!example.com!1337140800!1337227200.xml",
	    "malformed XML at line 6: error parsing attribute name",
	    NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "opendmarc/yeah.net!example.com!1337270400!1337356799.20120518.xml",
	    NULL, "yeah.net", "aggr_report_example.com_20120518_yeah.net",
	    REPORT_RFC7489, 15478, 231, 17352, 17179, 17178, 17161, 17178, 0,
	    174 },
	{ "parsedmarc/!example.com!1538204542!1538463818.xml", NULL, "",
	    "example.com:1538463741", REPORT_RFC7489, 17805, 1, 1, 0, 0, 0, 1,
	    0, 0 },
	{ "parsedmarc/addisonfoods.com!example.com!1536105600!1536191999.xml",
	    NULL, "addisonfoods.com", "3ceb5548498640beaeb47327e202b0b9",
	    REPORT_RFC7489, 17779, 1, 1, 0, 0, 0, 1, 0, 0 },
	{ "parsedmarc/aggregate_invalid/report_with_upper_cased_pass.xml",
	    NULL, "example.com", "aggr_report_example.com_20191202_1638",
	    REPORT_RFC7489, 18230, 1, 1, 1, 1, 1, 1, 0, 0 },
	{ "parsedmarc/empty.xml", "empty file", NULL, NULL, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0 },
	{ "parsedmarc/empty_reason.xml", NULL, "example.org",
	    "20240125141224705995", REPORT_RFC7489, 19747, 1, 2, 2, 2, 0, 2, 0,
	    0 },
	{ "parsedmarc/estadocuenta1.infonacot.gob.mx!example.com!1536853302!"
	    "1536939702!2940.xml.zip", NULL, "XYZ Corporation", "2940",
	    REPORT_RFC7489, 17788, 1, 1, 0, 0, 0, 1, 0, 0 },
	{ "parsedmarc/example.net!example.com!1529366400!1529452799.xml", NULL,
	    "example.net", "b043f0e264cf4ea995e93765242f6dfb", REPORT_RFC7489,
	    17701, 1, 1, 0, 0, 0, 1, 0, 0 },
	{ "parsedmarc/fastmail.com!example.com!1516060800!1516147199!"
	    "102675056.xml.gz", NULL, "FastMail Pty Ltd", "102675056",
	    REPORT_RFC7489, 17547, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "parsedmarc/google.com-Report-ID-949348866075514174.eml", NULL,
	    "google.com", "949348866075514174", REPORT_RFC7489, 17939, 1, 1, 0,
	    0, 0, 0, 0, 1 },
	/* The report is whole; what follows </feedback> is not parsed. */
	{ "parsedmarc/ikea.com!example.de!1538690400!1538776800.xml", NULL,
	    "ikea.com", "aggr_report_2018_10_05_5bc7e9b4f3e8a", REPORT_RFC7489,
	    17809, 1, 1, 0, 0, 0, 1, 0, 0 },
	{ "parsedmarc/invalid_utf_8.xml", "malformed XML at line 31: input is "
	    "not proper UTF-8", NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "parsedmarc/invalid_xml.xml", "malformed XML at line 5: ", NULL, NULL,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "parsedmarc/mimecast-weird-gzip.eml", NULL, "Mimecast",
	    "157a5fe30ec76f4bc0d8bccfc96c118a167a1280fee7c7465af5115e73082e5e",
	    REPORT_RFC7489, 19599, 1, 1, 1, 1, 1, 1, 0, 0 },
	{ "parsedmarc/old_draft_from_wiki.xml", NULL, "acme.com",
	    "9391651994964116463", REPORT_RFC7489, 15458, 1, 2, 2, 0, 2, 2, 0,
	    0 },
	{ "parsedmarc/protection.outlook.com!example.com!1711756800!"
	    "1711843200.xml", NULL, "Outlook.com",
	    "cfeafefe4129445e8c81018bd9177197", REPORT_RFC7489, 19812, 1, 1, 0,
	    0, 0, 1, 0, 0 },
	{ "parsedmarc/rfc9990-example.net!example.com!1700000000!"
	    "1700086399.xml", NULL, "example.net", "dmarcbis-test-report-001",
	    REPORT_RFC9990, 19676, 2, 7, 5, 5, 5, 5, 0, 2 },
	{ "parsedmarc/rfc9990-sample.xml", NULL, "Sample Reporter",
	    "3v98abbp8ya9n3va8yr8oa3ya", REPORT_RFC9990, 3505, 1, 123, 123, 123,
	    0, 123, 0, 0 },
	{ "parsedmarc/twilight.eml", NULL, "google.com", "1627703331531660819",
	    REPORT_RFC7489, 17937, 1, 1, 1, 1, 1, 1, 0, 0 },
	{ "parsedmarc/usssa.com!example.com!1538784000!1538870399.xml", NULL,
	    "usssa.com", "8953b4d4a4ee4218b6ac0e2cb2667ee1", REPORT_RFC7489,
	    17810, 2, 2, 0, 0, 0, 2, 0, 0 },
	{ "parsedmarc/veeam.com!example.com!1530133200!1530219600.xml", NULL,
	    "veeam.com", "sonexushealth.com:1530233361", REPORT_RFC7489, 17710,
	    1, 1, 0, 0, 0, 1, 0, 0 },
	{ "parsedmarc/zoho.com!example.com!1581753600!1581840000.xml", NULL,
	    "zoho.com", "e2cb5d97-dcbb-470f-b2dd-45519a2abbb3", REPORT_RFC7489,
	    18307, 8, 9, 0, 0, 0, 9, 0, 0 },
};

/*
 * The records of a report read that are not counted: yeah.net's 23 with
 * the header_from "pages.example.com, example.com" (two names, no
 * domain), FastMail's one for example.com in a report of indemed.com's
 * policy (the sample was anonymised by halves).
 */
static const struct {
	const char	*file;
	size_t		 rows;
	const char	*first;		/* the first reason */
} corpus_rows_rejected[] = {
	{ "opendmarc/yeah.net!example.com!1337270400!1337356799.20120518.xml",
	    23, "report 'aggr_report_example.com_20120518_yeah.net' of "
	    "'yeah.net': record 11: <header_from> 'pages.example.com, "
	    "example.com' is not a domain name" },
	{ "parsedmarc/fastmail.com!example.com!1516060800!1516147199!"
	    "102675056.xml.gz", 1, "report '102675056' of 'FastMail Pty Ltd': "
	    "record 1: <header_from> 'example.com' is not of the organisational "
	    "domain of <policy_published> 'indemed.com'" },
};

/* The records of file not counted, and the first reason (NULL: none). */
static size_t
corpus_rejected_rows(const char *file, const char **first)
{
	size_t	 i;

	*first = NULL;
	for (i = 0; i < NELEM(corpus_rows_rejected); i++)
		if (strcmp(corpus_rows_rejected[i].file, file) == 0) {
			*first = corpus_rows_rejected[i].first;
			return corpus_rows_rejected[i].rows;
		}
	return 0;
}

/* How many entries of stats.rejected n records not counted make. */
static size_t
row_entries(size_t n)
{
	return n <= REPORT_ROW_REJECTS_MAX ? n : REPORT_ROW_REJECTS_MAX + 1;
}

/* Every file of the corpus is in the table: none added unseen. */
static size_t
corpus_files(const char *dir, const char *sub)
{
	struct buf	 path = BUF_INIT;
	struct stat	 st;
	struct dirent	*e;
	size_t		 n = 0, i;
	DIR		*d;

	buf_addf(&path, "%s%s%s", dir, *sub ? "/" : "", sub);
	d = opendir(buf_str(&path));
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		char	*full, *rel;

		if (e->d_name[0] == '.')
			continue;
		full = xasprintf("%s/%s", buf_str(&path), e->d_name);
		rel = xasprintf("%s%s%s", sub, *sub ? "/" : "", e->d_name);
		ck_assert_int_eq(stat(full, &st), 0);
		if (S_ISDIR(st.st_mode))
			n += corpus_files(dir, rel);
		else {
			for (i = 0; i < NELEM(corpus); i++)
				if (strcmp(corpus[i].file, rel) == 0)
					break;
			ck_assert_msg(i < NELEM(corpus), "corpus file '%s' has "
			    "no expected totals here", rel);
			n++;
		}
		free(full);
		free(rel);
	}
	closedir(d);
	buf_release(&path);
	return n;
}

START_TEST(corpus_each_file)
{
	const char		*dir = test_corpus("dmarc-reports");
	struct report_reader	 rd;
	struct got		 g;
	size_t			 i;
	char			*path;

	dir = xstrdup(dir);
	ck_assert_uint_eq(corpus_files(dir, ""), NELEM(corpus));
	for (i = 0; i < NELEM(corpus); i++) {
		const struct corpus_case	*c = &corpus[i];
		const struct got_report		*x;

		path = xasprintf("%s/%s", dir, c->file);
		read_path(path, NULL, &g, &rd);
		if (c->reject != NULL) {
			ck_assert_msg(g.n == 0, "%s: read", c->file);
			assert_rejected(&rd, c->reject);
			ck_assert_str_eq(rd.stats.rejected[0].file, path);
		} else {
			size_t		 nrows;
			const char	*first;

			nrows = corpus_rejected_rows(c->file, &first);
			ck_assert_msg(g.n == 1 && rd.stats.nrejected ==
			    row_entries(nrows), "%s: %zu read, %zu rejected "
			    "(%s)", c->file, g.n, rd.stats.nrejected,
			    rd.stats.nrejected > 0 ?
			    rd.stats.rejected[0].reason : "");
			ck_assert_uint_eq(rd.stats.rows_rejected, nrows);
			if (first != NULL)
				ck_assert_str_eq(rd.stats.rejected[0].reason,
				    first);
			x = &g.v[0];
			ck_assert_str_eq(x->file, path);
			ck_assert_str_eq(x->org, c->org);
			ck_assert_str_eq(x->id, c->id);
			ck_assert_msg(x->schema == c->schema, "%s: schema",
			    c->file);
			ck_assert_int_eq(x->day, c->day);
			ck_assert_uint_eq(x->rows, c->rows);
			ck_assert_uint_eq(x->n.messages, c->messages);
			ck_assert_uint_eq(x->n.dmarc_pass, c->dmarc);
			ck_assert_uint_eq(x->n.dkim_pass, c->dkim);
			ck_assert_uint_eq(x->n.spf_pass, c->spf);
			ck_assert_uint_eq(x->n.disposition[REPORT_DISP_NONE],
			    c->none);
			ck_assert_uint_eq(
			    x->n.disposition[REPORT_DISP_QUARANTINE],
			    c->quarantine);
			ck_assert_uint_eq(x->n.disposition[REPORT_DISP_REJECT],
			    c->reject_);
		}
		report_reader_release(&rd);
		got_release(&g);
		free(path);
	}
	printf("dmarc-reports: %zu cases\n", NELEM(corpus));
	free((char *)dir);
}
END_TEST

/* The folder at once: duplicates (test_dmarc in three containers) are
 * counted once, and the summary's totals are the sum of the files'. */
START_TEST(corpus_folder)
{
	const char		*dir = test_corpus("dmarc-reports");
	struct report_summary	 s;
	struct report_reader	 rd;
	struct report_counts	 want = { 0 };
	size_t			 i, nread = 0, nrej = 0, nrows = 0, k;
	const char		*first;

	for (i = 0; i < NELEM(corpus); i++) {
		if (corpus[i].reject != NULL) {
			nrej++;
			continue;
		}
		k = corpus_rejected_rows(corpus[i].file, &first);
		nrows += k;
		nrej += row_entries(k);
		if (strncmp(corpus[i].file, "mail-dmarc/", 11) == 0 &&
		    strcmp(corpus[i].file, "mail-dmarc/test_dmarc.xml") != 0)
			continue;
		nread++;
		want.messages += corpus[i].messages;
		want.dmarc_pass += corpus[i].dmarc;
		want.dkim_pass += corpus[i].dkim;
		want.spf_pass += corpus[i].spf;
		want.disposition[0] += corpus[i].none;
		want.disposition[1] += corpus[i].quarantine;
		want.disposition[2] += corpus[i].reject_;
	}
	report_summary_init(&s, NULL);
	report_reader_init(&rd, NULL, report_summary_sink, &s);
	report_read_path(&rd, dir);
	report_summary_finish(&s);
	ck_assert_uint_eq(rd.stats.read, nread);
	ck_assert_uint_eq(rd.stats.duplicates, 2);
	ck_assert_uint_eq(rd.stats.nrejected, nrej);
	ck_assert_uint_eq(rd.stats.rows_rejected, nrows);
	ck_assert_uint_eq(s.in_window, nread);
	ck_assert_uint_eq(s.n.messages, want.messages);
	ck_assert_uint_eq(s.n.dmarc_pass, want.dmarc_pass);
	ck_assert_uint_eq(s.n.dkim_pass, want.dkim_pass);
	ck_assert_uint_eq(s.n.spf_pass, want.spf_pass);
	for (i = 0; i < REPORT_DISP_COUNT; i++)
		ck_assert_uint_eq(s.n.disposition[i], want.disposition[i]);
	/* yeah.net's header_from "pages.example.com, example.com" is not
	 * counted; example.de is ikea.com's. */
	ck_assert_ptr_null(report_summary_find(&s,
	    "pages.example.com, example.com"));
	ck_assert_ptr_nonnull(report_summary_find(&s, "example.de"));
	ck_assert_ptr_nonnull(report_summary_find(&s, "borschow.com"));
	report_reader_release(&rd);
	report_summary_release(&s);
	printf("dmarc-reports (folder): 1 case\n");
}
END_TEST

/* --- reports made here --- */

/* A report as XML (free() it); ns NULL for none, rows NULL-terminated
 * by ip.  Shared through testutil.h. */
char *
test_xml(const char *ns, const char *org, const char *id,
    const char *begin, const char *end, const struct test_row *rows)
{
	struct buf	 b = BUF_INIT;

	buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback");
	if (ns != NULL)
		buf_addf(&b, " xmlns=\"%s\"", ns);
	buf_addf(&b, ">\n <report_metadata>\n  <org_name>%s</org_name>\n"
	    "  <email>noreply@%s</email>\n  <report_id>%s</report_id>\n"
	    "  <date_range><begin>%s</begin><end>%s</end></date_range>\n"
	    " </report_metadata>\n <policy_published><domain>example.com"
	    "</domain><p>none</p></policy_published>\n", org, org, id, begin,
	    end);
	for (; rows != NULL && rows->ip != NULL; rows++) {
		buf_addf(&b, " <record>\n  <row><source_ip>%s</source_ip>"
		    "<count>%s</count><policy_evaluated><disposition>%s"
		    "</disposition><dkim>%s</dkim><spf>%s</spf>"
		    "</policy_evaluated></row>\n  <identifiers><header_from>%s"
		    "</header_from></identifiers>\n  <auth_results>", rows->ip,
		    rows->count, rows->disp, rows->dkim, rows->spf, rows->from);
		if (rows->dkim_d != NULL)
			buf_addf(&b, "<dkim><domain>%s</domain><result>pass"
			    "</result></dkim>", rows->dkim_d);
		if (rows->spf_d != NULL)
			buf_addf(&b, "<spf><domain>%s</domain><result>pass"
			    "</result></spf>", rows->spf_d);
		buf_adds(&b, "</auth_results>\n </record>\n");
	}
	buf_adds(&b, "</feedback>\n");
	return buf_detach(&b);
}

const struct test_row test_rows[] = {
	{ "192.0.2.1", "10", "none", "pass", "fail", "example.com",
	  "example.com", "amazonses.com" },
	{ "2001:DB8::1", "3", "quarantine", "fail", "fail", "Example.COM.",
	  NULL, "example.com" },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }
};


static void
gzip_buf(const void *data, size_t len, struct buf *out)
{
	z_stream	 z;
	unsigned char	 chunk[16384];
	int		 zr;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = deflate(&z, Z_FINISH);
		buf_add(out, chunk, sizeof(chunk) - z.avail_out);
	} while (zr == Z_OK);
	ck_assert_int_eq(zr, Z_STREAM_END);
	deflateEnd(&z);
}

/* A zip of n members (names[i], data[i], len[i]), deflated. */
static void
zip_buf(size_t n, const char *const *names, const char *const *data,
    const size_t *len, struct buf *out)
{
	struct archive		*a = archive_write_new();
	struct archive_entry	*e;
	size_t			 cap = 1 << 20, used = 0, i;
	char			*mem = xmalloc(cap);

	for (i = 0; i < n; i++)
		cap += len[i] + 512;
	free(mem);
	mem = xmalloc(cap);
	ck_assert_int_eq(archive_write_set_format_zip(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_memory(a, mem, cap, &used),
	    ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len[i]);
		ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
		ck_assert_int_eq(archive_write_data(a, data[i], len[i]),
		    (la_ssize_t)len[i]);
		archive_entry_free(e);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	buf_add(out, mem, used);
	free(mem);
}

static void
base64_buf(const unsigned char *p, size_t len, struct buf *out)
{
	static const char	 al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			 i;
	unsigned long		 v;

	for (i = 0; i < len; i += 3) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		buf_addc(out, al[(v >> 18) & 63]);
		buf_addc(out, al[(v >> 12) & 63]);
		buf_addc(out, i + 1 < len ? al[(v >> 6) & 63] : '=');
		buf_addc(out, i + 2 < len ? al[v & 63] : '=');
		if ((i / 3 + 1) % 19 == 0)
			buf_adds(out, "\r\n");
	}
	buf_adds(out, "\r\n");
}

/* Quoted-printable, every '=' and 8-bit byte encoded, lines soft-broken. */
static void
qp_buf(const char *s, struct buf *out)
{
	size_t	 col = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\n') {
			buf_adds(out, "\r\n");
			col = 0;
			continue;
		}
		if (col > 70) {
			buf_adds(out, "=\r\n");
			col = 0;
		}
		if (*s == '=' || (unsigned char)*s > 126) {
			buf_addf(out, "=%02X", (unsigned char)*s);
			col += 3;
		} else {
			buf_addc(out, *s);
			col++;
		}
	}
	buf_adds(out, "\r\n");
}

/* An e-mail: a text part, then the attachment (type, encoding). */
static void
mail_buf(const char *type, const char *encoding, const void *data,
    size_t len, struct buf *out)
{
	buf_adds(out, "Return-Path: <noreply@reporter.example>\r\n"
	    "From: noreply@reporter.example\r\nTo: dmarc@example.com\r\n"
	    "Subject: Report domain: example.com\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
	    "--b1\r\nContent-Type: text/plain\r\n\r\nThis is a DMARC "
	    "report.\r\n--b1\r\n");
	buf_addf(out, "Content-Type: %s\r\nContent-Transfer-Encoding: %s\r\n"
	    "Content-Disposition: attachment; filename=\"r.bin\"\r\n\r\n",
	    type, encoding);
	if (strcmp(encoding, "base64") == 0)
		base64_buf(data, len, out);
	else
		qp_buf(data, out);
	buf_adds(out, "--b1--\r\n");
}

START_TEST(schemas)
{
	static const char *const ns[] = {
		NULL, "urn:ietf:params:xml:ns:dmarc-2.0",
		"http://dmarc.org/dmarc-xml/0.1"
	};
	static const enum report_schema want[] = {
		REPORT_RFC7489, REPORT_RFC9990, REPORT_RFC7489
	};
	struct report_reader	 rd;
	struct got		 g;
	size_t			 i;
	char			*x;

	for (i = 0; i < NELEM(ns); i++) {
		x = test_xml(ns[i], "r.example", "id", MAR1, MAR1_END,
		    test_rows);
		read_mem("x", x, strlen(x), NULL, &g, &rd);
		ck_assert_uint_eq(g.n, 1);
		ck_assert_msg(g.v[0].schema == want[i], "schema of ns %zu", i);
		ck_assert_uint_eq(g.v[0].n.messages, 13);
		ck_assert_uint_eq(g.v[0].n.dmarc_pass, 10);
		ck_assert_uint_eq(g.v[0].n.disposition[REPORT_DISP_QUARANTINE],
		    3);
		ck_assert_int_eq(g.v[0].day, MAR1_DAY);
		ck_assert_str_eq(g.v[0].domain, "example.com");
		report_reader_release(&rd);
		got_release(&g);
		free(x);
	}
	/* RFC 9990 without its namespace: np, testing, discovery_method,
	 * and "pass" as a disposition (counted as none). */
	x = xstrdup("<feedback><version>1.0</version><report_metadata>"
	    "<org_name>o</org_name><report_id>i</report_id><date_range>"
	    "<begin>0</begin><end>86399</end></date_range></report_metadata>"
	    "<policy_published><domain>example.com</domain><p>reject</p>"
	    "<np>reject</np><testing>n</testing><discovery_method>treewalk"
	    "</discovery_method></policy_published><record><row><source_ip>"
	    "192.0.2.9</source_ip><count>4</count><policy_evaluated>"
	    "<disposition>pass</disposition><dkim>pass</dkim><spf>pass</spf>"
	    "</policy_evaluated></row><identifiers><header_from>example.com"
	    "</header_from></identifiers><auth_results><dkim><domain>"
	    "example.com</domain><selector>s</selector><result>pass</result>"
	    "</dkim></auth_results></record></feedback>");
	read_mem("x", x, strlen(x), NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 1);
	ck_assert(g.v[0].schema == REPORT_RFC9990);
	ck_assert_uint_eq(g.v[0].n.disposition[REPORT_DISP_NONE], 4);
	ck_assert_int_eq(g.v[0].day, 0);
	report_reader_release(&rd);
	got_release(&g);
	free(x);
}
END_TEST

/* Every container holding the same report, each read from disk by
 * content (the names say nothing). */
START_TEST(containers)
{
	char			 dir[] = "/tmp/mailauth-report-XXXXXX";
	char			*x = test_xml(NULL, "r.example", "c1", MAR1,
				    MAR1_END, test_rows);
	struct buf		 b[8];
	const char		*names[] = { "a.xml" };
	const char		*datas[1];
	size_t			 lens[1], i;
	struct report_reader	 rd;
	struct got		 g;
	char			*path;
	FILE			*f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < NELEM(b); i++)
		buf_init(&b[i]);
	buf_adds(&b[0], x);					/* XML */
	gzip_buf(x, strlen(x), &b[1]);				/* gzip */
	datas[0] = x;
	lens[0] = strlen(x);
	zip_buf(1, names, datas, lens, &b[2]);			/* zip */
	mail_buf("application/gzip", "base64", b[1].data, b[1].len, &b[3]);
	mail_buf("application/zip", "base64", b[2].data, b[2].len, &b[4]);
	mail_buf("text/xml", "quoted-printable", x, strlen(x), &b[5]);
	mail_buf("application/octet-stream", "base64", x, strlen(x), &b[6]);
	/* A zip whose member is gzip'd XML. */
	names[0] = "a.xml.gz";
	datas[0] = b[1].data;
	lens[0] = b[1].len;
	zip_buf(1, names, datas, lens, &b[7]);
	for (i = 0; i < NELEM(b); i++) {
		path = xasprintf("%s/%zu.dat", dir, i);
		ck_assert_ptr_nonnull(f = fopen(path, "wb"));
		fwrite(b[i].data, 1, b[i].len, f);
		fclose(f);
		read_path(path, NULL, &g, &rd);
		ck_assert_msg(g.n == 1 && rd.stats.nrejected == 0,
		    "container %zu: %zu read, %s", i, g.n,
		    rd.stats.nrejected ? rd.stats.rejected[0].reason : "");
		ck_assert_uint_eq(g.v[0].n.messages, 13);
		ck_assert_uint_eq(g.v[0].n.dkim_pass, 10);
		ck_assert_uint_eq(g.v[0].n.spf_pass, 0);
		report_reader_release(&rd);
		got_release(&g);
		/* The same bytes from memory, as an S3 object would be. */
		read_mem("s3://bucket/key", b[i].data, b[i].len, NULL, &g, &rd);
		ck_assert_uint_eq(g.n, 1);
		ck_assert_str_eq(g.v[0].file, "s3://bucket/key");
		report_reader_release(&rd);
		got_release(&g);
		unlink(path);
		free(path);
		buf_release(&b[i]);
	}
	rmdir(dir);
	free(x);
}
END_TEST

/* A zip of two reports and a text file; an e-mail with no report. */
START_TEST(containers_mixed)
{
	char			*x1 = test_xml(NULL, "r", "z1", MAR1, MAR1_END,
				    test_rows);
	char			*x2 = test_xml(NULL, "r", "z2", MAR1, MAR1_END,
				    test_rows);
	const char		*names[] = { "dir/one.xml", "two.xml",
				    "README.txt" };
	const char		*datas[] = { x1, x2, "hello" };
	size_t			 lens[] = { strlen(x1), strlen(x2), 5 };
	struct buf		 b = BUF_INIT;
	struct report_reader	 rd;
	struct got		 g;

	zip_buf(3, names, datas, lens, &b);
	read_mem("z.zip", b.data, b.len, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 2);
	assert_rejected(&rd, "member 'README.txt': not a DMARC report");
	ck_assert_str_eq(rd.stats.rejected[0].file, "z.zip");
	report_reader_release(&rd);
	got_release(&g);
	buf_reset(&b);
	buf_adds(&b, "From: a@example.com\r\nSubject: hi\r\n\r\nno report\r\n");
	read_mem("m.eml", b.data, b.len, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "no DMARC report in the e-mail message");
	report_reader_release(&rd);
	got_release(&g);
	/* An e-mail inside an e-mail's attachment is not read. */
	buf_reset(&b);
	mail_buf("message/x-unknown", "base64", "From: x@y\r\n\r\nbody\r\n",
	    19, &b);
	read_mem("m.eml", b.data, b.len, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "no DMARC report in the e-mail message");
	report_reader_release(&rd);
	got_release(&g);
	buf_release(&b);
	free(x1);
	free(x2);
}
END_TEST

/* --- hostile input --- */

START_TEST(gzip_bomb)
{
	struct report_limits	 l = { 1 * MIB, REPORT_MAX_MEMBERS };
	struct buf		 x = BUF_INIT, z = BUF_INIT;
	struct report_reader	 rd;
	struct got		 g;
	size_t			 i;

	/* 16 MiB of spaces inside <feedback>: some 16 KiB compressed. */
	buf_adds(&x, "<feedback>");
	for (i = 0; i < 16 * 1024; i++)
		buf_addf(&x, "%1024s", "");
	gzip_buf(x.data, x.len, &z);
	ck_assert_uint_lt(z.len, l.max_size);
	read_mem("bomb.gz", z.data, z.len, &l, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "refused: the report is larger than 1 MiB once "
	    "decompressed (--max-report-size)");
	report_reader_release(&rd);
	got_release(&g);
	buf_release(&x);
	buf_release(&z);
}
END_TEST

START_TEST(zip_bombs)
{
	struct report_limits	 l = { 1 * MIB, 10 };
	struct buf		 x = BUF_INIT, z = BUF_INIT;
	struct report_reader	 rd;
	struct got		 g;
	const char		*names[11], *datas[11];
	char			 nm[11][16];
	size_t			 lens[11], i;
	char			*r = test_xml(NULL, "o", "id", MAR1, MAR1_END,
				    test_rows);

	/* One member that inflates past the limit. */
	buf_adds(&x, "<feedback>");
	for (i = 0; i < 8 * 1024; i++)
		buf_addf(&x, "%1024s", "");
	names[0] = "big.xml";
	datas[0] = x.data;
	lens[0] = x.len;
	zip_buf(1, names, datas, lens, &z);
	read_mem("bomb.zip", z.data, z.len, &l, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "member 'big.xml': refused: XML of 8.0 MiB is "
	    "larger than 1 MiB (--max-report-size)");
	report_reader_release(&rd);
	got_release(&g);
	/* Members that each fit but together do not. */
	buf_reset(&z);
	for (i = 0; i < 3; i++) {
		snprintf(nm[i], sizeof(nm[i]), "m%zu.xml", i);
		names[i] = nm[i];
		datas[i] = x.data;
		lens[i] = 600 * KIB;
	}
	zip_buf(3, names, datas, lens, &z);
	read_mem("parts.zip", z.data, z.len, &l, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_uint_eq(rd.stats.nrejected, 3);
	/* m0 is read to its end (it is not a report); m1 and m2 would take
	 * the file past the limit. */
	ck_assert_ptr_nonnull(strstr(rd.stats.rejected[0].reason,
	    "member 'm0.xml': malformed XML"));
	for (i = 1; i < 3; i++)
		ck_assert_msg(strstr(rd.stats.rejected[i].reason,
		    "refused: its reports together are larger than 1 MiB "
		    "once decompressed") != NULL, "%s",
		    rd.stats.rejected[i].reason);
	report_reader_release(&rd);
	got_release(&g);
	/* Eleven members, ten allowed: refused whole, none read. */
	buf_reset(&z);
	for (i = 0; i < 11; i++) {
		snprintf(nm[i], sizeof(nm[i]), "r%zu.xml", i);
		names[i] = nm[i];
		datas[i] = r;
		lens[i] = strlen(r);
	}
	zip_buf(11, names, datas, lens, &z);
	read_mem("many.zip", z.data, z.len, &l, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "refused: the zip archive has more than 10 "
	    "members");
	report_reader_release(&rd);
	got_release(&g);
	/* Ten are read (the same report: one read, nine duplicates). */
	buf_reset(&z);
	zip_buf(10, names, datas, lens, &z);
	read_mem("ten.zip", z.data, z.len, &l, &g, &rd);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(rd.stats.duplicates, 9);
	ck_assert_uint_eq(rd.stats.nrejected, 0);
	report_reader_release(&rd);
	got_release(&g);
	buf_release(&x);
	buf_release(&z);
	free(r);
}
END_TEST

START_TEST(billion_laughs)
{
	struct buf		 x = BUF_INIT;
	struct report_reader	 rd;
	struct got		 g;
	clock_t			 t0 = clock();
	int			 i, j;

	buf_adds(&x, "<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [\n"
	    " <!ENTITY l0 \"lol\">\n");
	for (i = 1; i < 10; i++) {
		buf_addf(&x, " <!ENTITY l%d \"", i);
		for (j = 0; j < 10; j++)
			buf_addf(&x, "&l%d;", i - 1);
		buf_adds(&x, "\">\n");
	}
	buf_adds(&x, "]>\n<feedback><report_metadata><org_name>&l9;"
	    "</org_name></report_metadata></feedback>\n");
	read_mem("laughs.xml", x.data, x.len, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "refused: the XML has a document type "
	    "declaration (<!DOCTYPE>)");
	ck_assert_msg(clock() - t0 < CLOCKS_PER_SEC, "took too long");
	report_reader_release(&rd);
	got_release(&g);
	buf_release(&x);
}
END_TEST

/* An external entity naming a local file: refused, and the file's
 * content appears nowhere. */
START_TEST(external_entity)
{
	char			 secret[] = "/tmp/mailauth-secret-XXXXXX";
	struct buf		 x = BUF_INIT;
	struct report_reader	 rd;
	struct got		 g;
	int			 fd;

	ck_assert_int_ge(fd = mkstemp(secret), 0);
	ck_assert_int_eq(write(fd, "TOPSECRET", 9), 9);
	close(fd);
	buf_addf(&x, "<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [<!ENTITY "
	    "xxe SYSTEM \"file://%s\">]>\n<feedback><report_metadata>"
	    "<org_name>&xxe;</org_name><report_id>x</report_id><date_range>"
	    "<begin>0</begin><end>1</end></date_range></report_metadata>"
	    "</feedback>\n", secret);
	read_mem("xxe.xml", x.data, x.len, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "refused: the XML has a document type "
	    "declaration");
	ck_assert_ptr_null(strstr(rd.stats.rejected[0].reason, "TOPSECRET"));
	report_reader_release(&rd);
	got_release(&g);
	/* An entity never declared is an error, not an empty value. */
	buf_reset(&x);
	buf_adds(&x, "<feedback><report_metadata><org_name>&xxe;</org_name>"
	    "</report_metadata></feedback>");
	read_mem("undeclared.xml", x.data, x.len, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "malformed XML at line 1: entity 'xxe' not "
	    "defined");
	report_reader_release(&rd);
	got_release(&g);
	unlink(secret);
	buf_release(&x);
}
END_TEST

START_TEST(truncated_and_corrupt_gzip)
{
	char			*x = test_xml(NULL, "o", "t", MAR1, MAR1_END,
				    test_rows);
	struct buf		 z = BUF_INIT, y = BUF_INIT;
	struct report_reader	 rd;
	struct got		 g;

	gzip_buf(x, strlen(x), &z);
	/* Cut in the middle of the XML. */
	read_mem("t.gz", z.data, z.len / 2, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "truncated gzip data");
	report_reader_release(&rd);
	got_release(&g);
	/* Whole XML, but the trailer (CRC, size) cut off. */
	read_mem("t.gz", z.data, z.len - 6, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "truncated gzip data");
	report_reader_release(&rd);
	got_release(&g);
	/* A damaged CRC. */
	buf_add(&y, z.data, z.len);
	y.data[y.len - 8] ^= 0x55;
	read_mem("c.gz", y.data, y.len, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "corrupt gzip data: incorrect data check");
	report_reader_release(&rd);
	got_release(&g);
	/* Bytes after the gzip stream are ignored, as gzip(1) does. */
	buf_reset(&y);
	buf_add(&y, z.data, z.len);
	buf_adds(&y, "\r\n");
	read_mem("trailing.gz", y.data, y.len, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 1);
	report_reader_release(&rd);
	got_release(&g);
	/* gzip of something not XML. */
	buf_reset(&y);
	gzip_buf("PK\3\4 not really", 16, &y);
	read_mem("n.gz", y.data, y.len, NULL, &g, &rd);
	assert_rejected(&rd, "a zip archive inside gzip data is not read");
	report_reader_release(&rd);
	got_release(&g);
	buf_release(&z);
	buf_release(&y);
	free(x);
}
END_TEST

START_TEST(invalid_utf8)
{
	static const char	 x[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
				    "\n<feedback><report_metadata><org_name>"
				    "caf\xe9\xff</org_name></report_metadata>"
				    "</feedback>\n";
	struct report_reader	 rd;
	struct got		 g;

	read_mem("u.xml", x, sizeof(x) - 1, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "malformed XML at line 2: input is not proper "
	    "UTF-8, indicate encoding");
	report_reader_release(&rd);
	got_release(&g);
}
END_TEST

/* A 2 GiB file, sparse: refused from its size, without being read. */
START_TEST(huge_sparse_file)
{
	char			 path[] = "/tmp/mailauth-huge-XXXXXX";
	struct report_reader	 rd;
	struct got		 g;
	clock_t			 t0 = clock();
	int			 fd;

	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_int_eq(write(fd, "<?xml version=\"1.0\"?><feedback>", 31),
	    31);
	if (ftruncate(fd, (off_t)2 << 30) == -1) {
		close(fd);
		unlink(path);
		printf("huge_sparse_file: no sparse file here, skipped\n");
		return;
	}
	close(fd);
	read_path(path, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, "refused: XML of 2 GiB is larger than 64 MiB "
	    "(--max-report-size)");
	ck_assert_msg(clock() - t0 < CLOCKS_PER_SEC, "it was read");
	report_reader_release(&rd);
	got_release(&g);
	unlink(path);
}
END_TEST

/* --- malformed reports: each refused with its reason --- */

static const struct {
	const char	*xml;
	const char	*reason;
} malformed[] = {
	{ "<html><body>hello</body></html>", "not a DMARC aggregate report: "
	    "no <feedback> element" },
	{ "<feedback><report_metadata><org_name>o</org_name>",
	    "malformed XML at line 1: " },
	{ "<feedback><report_metadata><org_name>o</org_name></report_metadata>"
	    "</feedback>", "no <report_id> in <report_metadata>" },
	{ "<feedback><report_metadata><report_id>i</report_id><date_range>"
	    "<begin>5</begin></date_range></report_metadata></feedback>",
	    "no <end> in <date_range>" },
	{ "<feedback><report_metadata><report_id>i</report_id><date_range>"
	    "<begin>5</begin><end>4</end></date_range></report_metadata>"
	    "</feedback>", "<date_range> begins (5) after it ends (4)" },
	{ "<feedback><report_metadata><report_id>i</report_id><date_range>"
	    "<begin>-5</begin><end>4</end></date_range></report_metadata>"
	    "</feedback>", "<begin> of <date_range> is '-5', not a time" },
	{ "<feedback><report_metadata><report_id>i</report_id>"
	    "<report_id>j</report_id></report_metadata></feedback>",
	    "more than one <report_id>" },
	{ "   \n\t  ", "not a DMARC report: the content is neither" },
	{ "hello world", "not a DMARC report: the content is neither" },
};

START_TEST(malformed_reports)
{
	struct report_reader	 rd;
	struct got		 g;
	const char		*x = malformed[_i].xml;

	read_mem("m.xml", x, strlen(x), NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	assert_rejected(&rd, malformed[_i].reason);
	report_reader_release(&rd);
	got_release(&g);
}
END_TEST

/* --- records refused alone: the report's other records are counted --- */

#define ROW_OK	"<record><row><source_ip>192.0.2.9</source_ip><count>7</count>" \
	"<policy_evaluated><disposition>none</disposition><dkim>pass</dkim>" \
	"<spf>fail</spf></policy_evaluated></row><identifiers><header_from>" \
	"example.com</header_from></identifiers></record>"
#define ROW(ip, count, disp, dkim, from) \
	"<record><row><source_ip>" ip "</source_ip>" count \
	"<policy_evaluated>" disp dkim "<spf>fail</spf></policy_evaluated>" \
	"</row><identifiers>" from "</identifiers><auth_results><spf>" \
	"<domain>example.com</domain><result>fail</result></spf>" \
	"</auth_results></record>"
#define C(n)	"<count>" n "</count>"
#define D(d)	"<disposition>" d "</disposition>"
#define K(v)	"<dkim>" v "</dkim>"
#define F(d)	"<header_from>" d "</header_from>"

static const struct {
	const char	*record;
	const char	*reason;	/* NULL: counted */
	uint64_t	 count;		/* when counted */
} rows_alone[] = {
	{ ROW("192.0.2.1", C("4294967295"), D("none"), K("pass"),
	    F("example.com")), NULL, 4294967295u },
	{ ROW("192.0.2.1", C("4294967296"), D("none"), K("pass"),
	    F("example.com")), "record 1: <count> is '4294967296', not a number "
	    "of messages from 0 to 4294967295", 0 },
	{ ROW("192.0.2.1", C("-1"), D("none"), K("pass"), F("example.com")),
	    "record 1: <count> is '-1', not a number of messages from 0 to "
	    "4294967295", 0 },
	{ ROW("192.0.2.1", C("18446744073709551617"), D("none"), K("pass"),
	    F("example.com")), "record 1: <count> is '18446744073709551617', "
	    "not a number", 0 },
	{ ROW("192.0.2.1", C("1") C("2"), D("none"), K("pass"),
	    F("example.com")), "record 1: more than one <count>", 0 },
	{ ROW("192.0.2.300", C("1"), D("none"), K("pass"), F("example.com")),
	    "record 1: <source_ip> '192.0.2.300' is not an IP address", 0 },
	{ ROW("", C("1"), D("none"), K("pass"), F("example.com")),
	    "record 1: no <source_ip>", 0 },
	{ ROW("192.0.2.1", "", D("none"), K("pass"), F("example.com")),
	    "record 1: no <count>", 0 },
	{ ROW("192.0.2.1", C("1"), "", K("pass"), F("example.com")),
	    "record 1: no <disposition> in <policy_evaluated>", 0 },
	{ ROW("192.0.2.1", C("1"), D("discard"), K("pass"), F("example.com")),
	    "record 1: <disposition> is 'discard', not none, quarantine or "
	    "reject", 0 },
	{ ROW("192.0.2.1", C("1"), D("none"), K("softpass"), F("example.com")),
	    "record 1: <dkim> of <policy_evaluated> is 'softpass', not pass or "
	    "fail", 0 },
	/* No verdict at all is no pass, as before. */
	{ ROW("192.0.2.1", C("3"), D("none"), "", F("example.com")), NULL, 3 },
	{ ROW("192.0.2.1", C("1"), D("none"), K("pass"), ""),
	    "record 1: no <header_from>", 0 },
	{ ROW("192.0.2.1", C("1"), D("none"), K("pass"), F("example.org")),
	    "record 1: <header_from> 'example.org' is not of the "
	    "organisational domain of <policy_published> 'example.com'", 0 },
	{ ROW("192.0.2.1", C("1"), D("none"), K("pass"),
	    F("a.example.com, example.com")), "record 1: <header_from> "
	    "'a.example.com, example.com' is not a domain name", 0 },
	/* A subdomain's mail, under its organisational domain's policy. */
	{ ROW("192.0.2.1", C("2"), D("none"), K("pass"),
	    F("Mail.Example.COM.")), NULL, 2 },
	/* auth_results missing: policy_evaluated says enough to count. */
	{ "<record><row><source_ip>192.0.2.1</source_ip><count>5</count>"
	    "<policy_evaluated><disposition>none</disposition><dkim>fail</dkim>"
	    "<spf>fail</spf></policy_evaluated></row><identifiers><header_from>"
	    "example.com</header_from></identifiers></record>", NULL, 5 },
};

START_TEST(row_refused_alone)
{
	struct report_reader	 rd;
	struct got		 g;
	struct buf		 x = BUF_INIT;
	uint64_t		 want;

	buf_addf(&x, "<feedback><report_metadata><org_name>o</org_name>"
	    "<report_id>r%d</report_id><date_range><begin>0</begin><end>1</end>"
	    "</date_range></report_metadata><policy_published><domain>"
	    "example.com</domain></policy_published>%s" ROW_OK "</feedback>",
	    _i, rows_alone[_i].record);
	read_mem("r.xml", x.data, x.len, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 1);
	want = 7 + rows_alone[_i].count;
	ck_assert_uint_eq(g.v[0].n.messages, want);
	if (rows_alone[_i].reason == NULL) {
		ck_assert_uint_eq(g.v[0].rows, 2);
		ck_assert_uint_eq(rd.stats.nrejected, 0);
		ck_assert_uint_eq(rd.stats.rows_rejected, 0);
	} else {
		ck_assert_uint_eq(g.v[0].rows, 1);
		ck_assert_uint_eq(rd.stats.rows_rejected, 1);
		assert_rejected(&rd, rows_alone[_i].reason);
		ck_assert_str_eq(rd.stats.rejected[0].file, "r.xml");
		ck_assert_msg(strncmp(rd.stats.rejected[0].reason, "report 'r",
		    9) == 0, "%s", rd.stats.rejected[0].reason);
	}
	report_reader_release(&rd);
	got_release(&g);
	buf_release(&x);
}
END_TEST

/* Reasons are kept for 16 records of a report; the rest are counted in
 * one more entry.  A duplicate's records are neither counted nor listed. */
START_TEST(row_refused_bounded)
{
	struct report_reader	 rd;
	struct got		 g;
	struct buf		 x = BUF_INIT;
	int			 i;

	buf_adds(&x, "<feedback><report_metadata><org_name>o</org_name>"
	    "<report_id>b</report_id><date_range><begin>0</begin><end>1</end>"
	    "</date_range></report_metadata><policy_published><domain>"
	    "example.com</domain></policy_published>");
	for (i = 0; i < 20; i++)
		buf_adds(&x, ROW("192.0.2.1", C("-1"), D("none"), K("pass"),
		    F("example.com")));
	buf_adds(&x, ROW_OK "</feedback>");
	memset(&g, 0, sizeof(g));
	report_reader_init(&rd, NULL, collect, &g);
	report_read_mem(&rd, "a.xml", x.data, x.len);
	report_read_mem(&rd, "b.xml", x.data, x.len);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.v[0].n.messages, 7);
	ck_assert_uint_eq(rd.stats.duplicates, 1);
	ck_assert_uint_eq(rd.stats.rows_rejected, 20);
	ck_assert_uint_eq(rd.stats.nrejected, REPORT_ROW_REJECTS_MAX + 1);
	ck_assert_str_eq(rd.stats.rejected[15].reason, "report 'b' of 'o': "
	    "record 16: <count> is '-1', not a number of messages from 0 to "
	    "4294967295");
	ck_assert_str_eq(rd.stats.rejected[16].reason, "report 'b' of 'o': "
	    "4 more records not counted (the first 16 are listed)");
	report_reader_release(&rd);
	got_release(&g);
	buf_release(&x);
}
END_TEST

START_TEST(value_too_long)
{
	struct buf		 x = BUF_INIT;
	struct report_reader	 rd;
	struct got		 g;

	buf_adds(&x, "<feedback><report_metadata><org_name>");
	buf_addf(&x, "%5000s", "o");
	buf_adds(&x, "</org_name></report_metadata></feedback>");
	read_mem("l.xml", x.data, x.len, NULL, &g, &rd);
	assert_rejected(&rd, "the value of <org_name> is longer than 4096 "
	    "bytes");
	report_reader_release(&rd);
	got_release(&g);
	buf_release(&x);
}
END_TEST

/* The run goes on: good reports beside bad ones in one folder, in name
 * order; a missing path is a rejection too. */
START_TEST(run_goes_on)
{
	char			 dir[] = "/tmp/mailauth-report-XXXXXX";
	char			*x = test_xml(NULL, "o", "g1", MAR1, MAR1_END,
				    test_rows), *p;
	struct report_reader	 rd;
	struct got		 g;
	FILE			*f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	p = xasprintf("%s/a-bad.xml", dir);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fputs("<feedback>", f);
	fclose(f);
	free(p);
	p = xasprintf("%s/b-good.xml", dir);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fputs(x, f);
	fclose(f);
	free(p);
	p = xasprintf("%s/.hidden.xml", dir);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fputs("junk", f);
	fclose(f);
	free(p);
	read_path(dir, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(rd.stats.nrejected, 1);
	ck_assert_ptr_nonnull(strstr(rd.stats.rejected[0].file, "a-bad.xml"));
	report_read_path(&rd, "/nonexistent/mailauth");
	ck_assert_uint_eq(rd.stats.nrejected, 2);
	ck_assert_str_eq(rd.stats.rejected[1].reason,
	    "cannot read: No such file or directory");
	report_reader_release(&rd);
	got_release(&g);
	p = xasprintf("%s/a-bad.xml", dir);
	unlink(p);
	free(p);
	p = xasprintf("%s/b-good.xml", dir);
	unlink(p);
	free(p);
	p = xasprintf("%s/.hidden.xml", dir);
	unlink(p);
	free(p);
	rmdir(dir);
	free(x);
}
END_TEST

/* An empty folder, or one with hidden files only, reads as no reports
 * and no rejections (it once passed a NULL array to qsort(), which
 * UBSan's nonnull check catches). */
START_TEST(empty_folder)
{
	char			 dir[] = "/tmp/mailauth-report-XXXXXX";
	struct report_reader	 rd;
	struct got		 g;
	FILE			*f;
	char			*p;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	read_path(dir, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_uint_eq(rd.stats.nrejected, 0);
	report_reader_release(&rd);
	got_release(&g);
	p = xasprintf("%s/.hidden.xml", dir);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fclose(f);
	read_path(dir, NULL, &g, &rd);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_uint_eq(rd.stats.nrejected, 0);
	report_reader_release(&rd);
	got_release(&g);
	unlink(p);
	free(p);
	rmdir(dir);
}
END_TEST

/* --- de-duplication, windows, filters, counting --- */

START_TEST(dedup)
{
	char			*a = test_xml(NULL, "org", "id1", MAR1,
				    MAR1_END, test_rows);
	char			*b = test_xml(NULL, "org2", "id1", MAR1,
				    MAR1_END, test_rows);
	char			*c = test_xml(NULL, "org", "id2", MAR1,
				    MAR1_END, test_rows);
	struct report_summary	 s;
	struct report_reader	 rd;
	struct buf		 z = BUF_INIT;

	report_summary_init(&s, NULL);
	report_reader_init(&rd, NULL, report_summary_sink, &s);
	report_read_mem(&rd, "a.xml", a, strlen(a));
	gzip_buf(a, strlen(a), &z);
	report_read_mem(&rd, "a.xml.gz", z.data, z.len);	/* again */
	report_read_mem(&rd, "b.xml", b, strlen(b));	/* other org */
	report_read_mem(&rd, "c.xml", c, strlen(c));	/* other id */
	report_read_mem(&rd, "c2.xml", c, strlen(c));	/* again */
	report_summary_finish(&s);
	ck_assert_uint_eq(rd.stats.read, 3);
	ck_assert_uint_eq(rd.stats.duplicates, 2);
	ck_assert_uint_eq(s.n.messages, 3 * 13);
	report_reader_release(&rd);
	report_summary_release(&s);
	buf_release(&z);
	free(a);
	free(b);
	free(c);
}
END_TEST

Suite *
report_suite(void)
{
	Suite	*s = suite_create("report");
	TCase	*tc;

	tc = tcase_create("corpus");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, corpus_each_file);
	tcase_add_test(tc, corpus_folder);
	suite_add_tcase(s, tc);
	tc = tcase_create("containers");
	tcase_add_test(tc, schemas);
	tcase_add_test(tc, containers);
	tcase_add_test(tc, containers_mixed);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, gzip_bomb);
	tcase_add_test(tc, zip_bombs);
	tcase_add_test(tc, billion_laughs);
	tcase_add_test(tc, external_entity);
	tcase_add_test(tc, truncated_and_corrupt_gzip);
	tcase_add_test(tc, invalid_utf8);
	tcase_add_test(tc, huge_sparse_file);
	tcase_add_loop_test(tc, malformed_reports, 0, (int)NELEM(malformed));
	tcase_add_loop_test(tc, row_refused_alone, 0, (int)NELEM(rows_alone));
	tcase_add_test(tc, row_refused_bounded);
	tcase_add_test(tc, value_too_long);
	tcase_add_test(tc, run_goes_on);
	tcase_add_test(tc, empty_folder);
	suite_add_tcase(s, tc);
	tc = tcase_create("dedup");
	tcase_add_test(tc, dedup);
	suite_add_tcase(s, tc);
	return s;
}
