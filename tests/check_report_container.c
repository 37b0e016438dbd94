/*
 * check_report_container.c - src/report/container.c on its own, with no
 * reader: what it finds in an object goes to the callbacks of a struct
 * report_found, each report and each refusal, under the limits given
 * there; nothing is de-duplicated at this level (source.c does that).
 * check_report.c tests the whole reading through the public API.  The
 * e-mail limits hold before GMime parses anything: at each limit the
 * report is found, one past it the e-mail is refused, and a huge input is
 * refused in a few milliseconds of CPU (measured with getrusage(), never
 * with wall time).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/report.h"
#include "../src/report/internal.h"

Suite	*report_container_suite(void);

#define XML	"<feedback><report_metadata><org_name>org</org_name>" \
		"<report_id>id1</report_id><date_range><begin>1772323200" \
		"</begin><end>1772409599</end></date_range>" \
		"</report_metadata></feedback>\n"

static void
on_report(void *arg, const char *name, const struct report *r)
{
	buf_addf(arg, "report %s: %s/%s\n", name, r->org_name, r->report_id);
}

static void
on_reject(void *arg, const char *name, const char *reason)
{
	buf_addf(arg, "reject %s: %s\n", name, reason);
}

static void
read_one(const struct report_found *found, const char *name,
    const void *data, size_t len)
{
	struct rstream	 s;
	struct rmem	 m;

	rstream_mem(&s, &m, data, len);
	report_container_read(found, name, &s, (int64_t)len);
}

START_TEST(found_callbacks)
{
	const struct report_limits	 lim = { .max_size = 1024,
					    .max_members = 4 };
	struct buf			 log = BUF_INIT;
	struct report_found		 found = { &lim, on_report, on_reject,
					    &log };
	char				 big[1500];

	report_container_init();
	read_one(&found, "a.xml", XML, strlen(XML));
	read_one(&found, "again.xml", XML, strlen(XML));
	read_one(&found, "empty", "", 0);
	read_one(&found, "note.txt", "hello", 5);
	memset(big, ' ', sizeof(big));
	big[sizeof(big) - 1] = '<';
	read_one(&found, "big.xml", big, sizeof(big));
	ck_assert_str_eq(buf_str(&log),
	    "report a.xml: org/id1\n"
	    "report again.xml: org/id1\n"
	    "reject empty: empty file\n"
	    "reject note.txt: not a DMARC report: the content is neither "
	    "XML, gzip, zip nor an e-mail message\n"
	    "reject big.xml: refused: XML of 1.5 KiB is larger than 1 KiB "
	    "(--max-report-size)\n");
	buf_release(&log);
}
END_TEST

#define LEAF	"Content-Type: application/xml\r\nContent-Disposition: " \
		"attachment; filename=\"r.xml\"\r\n\r\n" XML

/* An e-mail whose report is inside depth multiparts (every third one an
 * attached message holding the next, when with_messages); closed unless
 * open_ended. */
static void
nested_mail(struct buf *b, int depth, int with_messages, int open_ended)
{
	int	 i;

	buf_adds(b, "From: r@reporter.example\r\nSubject: report\r\n"
	    "MIME-Version: 1.0\r\n");
	for (i = 0; i < depth; i++) {
		if (with_messages && i % 3 == 2) {
			buf_adds(b, "Content-Type: message/rfc822\r\n\r\n"
			    "Subject: inner\r\n");
			continue;
		}
		buf_addf(b, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n"
		    "\r\npreamble\r\n--b%d\r\n", i, i);
	}
	buf_adds(b, LEAF);
	if (open_ended)
		return;
	for (i = depth - 1; i >= 0; i--)
		if (!(with_messages && i % 3 == 2))
			buf_addf(b, "\r\n--b%d--\r\nepilogue\r\n", i);
}

/* CPU seconds (user and system) this process has used. */
static double
cpu_seconds(void)
{
	struct rusage	 ru;

	ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static const struct report_limits	 big_lim = {
	.max_size = 64 * 1024 * 1024, .max_members = 4
};

/* What reading one e-mail logged, in log (reset first). */
static void
read_mail(struct buf *log, const struct buf *mail)
{
	struct report_found	 found = { &big_lim, on_report, on_reject,
				    log };

	buf_reset(log);
	read_one(&found, "m.eml", mail->data, mail->len);
}

#define DEEP	"reject m.eml: refused: the e-mail nests multiparts and " \
		"attached messages more than 8 deep\n"

START_TEST(mail_depth)
{
	struct buf	 mail = BUF_INIT, log = BUF_INIT;
	double		 t;

	report_container_init();
	/* 8 deep: the report is found; 9: refused, not skipped in silence. */
	nested_mail(&mail, 8, 0, 0);
	read_mail(&log, &mail);
	ck_assert_str_eq(buf_str(&log), "report m.eml: org/id1\n");
	buf_reset(&mail);
	nested_mail(&mail, 9, 0, 0);
	read_mail(&log, &mail);
	ck_assert_str_eq(buf_str(&log), DEEP);
	/* Attached messages count as levels too. */
	buf_reset(&mail);
	nested_mail(&mail, 8, 1, 0);
	read_mail(&log, &mail);
	ck_assert_str_eq(buf_str(&log), "report m.eml: org/id1\n");
	buf_reset(&mail);
	nested_mail(&mail, 9, 1, 0);
	read_mail(&log, &mail);
	ck_assert_str_eq(buf_str(&log), DEEP);
	/* Siblings are no depth: 8 levels, closed and opened again. */
	buf_reset(&mail);
	nested_mail(&mail, 8, 0, 0);
	buf_adds(&mail, "--b0\r\n");	/* not a delimiter any more */
	read_mail(&log, &mail);
	ck_assert_str_eq(buf_str(&log), "report m.eml: org/id1\n");
	/* 100,000 deep (6 MB): GMime took 2.7 s of CPU building the tree
	 * before the depth was looked at; now it never sees it. */
	buf_reset(&mail);
	nested_mail(&mail, 100000, 0, 1);
	t = cpu_seconds();
	read_mail(&log, &mail);
	t = cpu_seconds() - t;
	ck_assert_str_eq(buf_str(&log), DEEP);
	ck_assert_msg(t < 0.5, "%.2f s of CPU", t);
	buf_release(&mail);
	buf_release(&log);
}
END_TEST

/* An e-mail whose header has a field of n bytes (folded into lines of
 * fold bytes when fold > 0), or nfields fields. */
static void
long_header_mail(struct buf *b, size_t n, size_t fold, size_t nfields)
{
	size_t	 start, i;

	buf_adds(b, "From: r@reporter.example\r\nMIME-Version: 1.0\r\n");
	for (i = 2; i + 2 < nfields; i++)
		buf_addf(b, "X-F%zu: v\r\n", i);
	if (n > 0) {
		start = b->len;
		buf_adds(b, "X-Long: ");
		while (b->len - start < n) {
			if (fold > 0 && (b->len - start) % fold == 0)
				buf_adds(b, "\r\n ");
			else
				buf_addc(b, 'a');
		}
		/* The line breaks are no part of the field's length. */
		buf_adds(b, "\r\n");
	}
	buf_adds(b, LEAF);
}

START_TEST(mail_header_size)
{
	struct buf	 mail = BUF_INIT, log = BUF_INIT;
	double		 t;

	report_container_init();
	long_header_mail(&mail, 64 * 1024, 0, 0);
	read_mail(&log, &mail);
	ck_assert_str_eq(buf_str(&log), "report m.eml: org/id1\n");
	buf_reset(&mail);
	long_header_mail(&mail, 64 * 1024 + 1, 0, 0);
	read_mail(&log, &mail);
	ck_assert_str_eq(buf_str(&log), "reject m.eml: refused: the e-mail "
	    "has a header field longer than 64 KiB\n");
	/* Folded over lines of 1000 bytes: the field counts, not a line. */
	buf_reset(&mail);
	long_header_mail(&mail, 70 * 1024, 1000, 0);
	read_mail(&log, &mail);
	ck_assert_str_eq(buf_str(&log), "reject m.eml: refused: the e-mail "
	    "has a header field longer than 64 KiB\n");
	/* 1000 header fields, then 1001 (the Content-Type and
	 * Content-Disposition of the part are in another header). */
	buf_reset(&mail);
	long_header_mail(&mail, 0, 0, 1000);
	read_mail(&log, &mail);
	ck_assert_str_eq(buf_str(&log), "report m.eml: org/id1\n");
	buf_reset(&mail);
	long_header_mail(&mail, 0, 0, 1001);
	read_mail(&log, &mail);
	ck_assert_str_eq(buf_str(&log), "reject m.eml: refused: a part of the "
	    "e-mail has more than 1000 header fields\n");
	/* A header line of 50 MB cost GMime 372 MB; refused unparsed. */
	buf_reset(&mail);
	long_header_mail(&mail, 50 * 1000 * 1000, 0, 0);
	t = cpu_seconds();
	read_mail(&log, &mail);
	t = cpu_seconds() - t;
	ck_assert_str_eq(buf_str(&log), "reject m.eml: refused: the e-mail "
	    "has a header field longer than 64 KiB\n");
	ck_assert_msg(t < 0.5, "%.2f s of CPU", t);
	buf_release(&mail);
	buf_release(&log);
}
END_TEST

/* What the pre-scan cannot follow, GMime does not get either. */
START_TEST(mail_unfollowable)
{
	struct buf	 mail = BUF_INIT, log = BUF_INIT;
	int		 i, j;

	report_container_init();
	buf_adds(&mail, "From: r@reporter.example\r\nContent-Type: "
	    "multipart/mixed;\r\n boundary*0=\"a\"; boundary*1=\"b\"\r\n"
	    "\r\n--ab\r\n" LEAF "\r\n--ab--\r\n");
	read_mail(&log, &mail);
	ck_assert_str_eq(buf_str(&log), "reject m.eml: refused: the e-mail has "
	    "a multipart boundary mailauth cannot read\n");
	/* A quoted boundary, folded, with an escape: followed. */
	buf_reset(&mail);
	buf_adds(&mail, "From: r@reporter.example\r\nContent-Type: "
	    "Multipart/Mixed;\r\n\tBoundary = \"x\\\"y\"\r\n\r\n--x\"y\r\n"
	    LEAF "\r\n--x\"y--\r\n");
	read_mail(&log, &mail);
	ck_assert_str_eq(buf_str(&log), "report m.eml: org/id1\n");
	/* 1000 Content-Type lines (the top one, 998 parts, the report's),
	 * then 1001. */
	for (i = 998; i <= 999; i++) {
		buf_reset(&mail);
		buf_adds(&mail, "From: r@reporter.example\r\nContent-Type: "
		    "multipart/mixed; boundary=b\r\n\r\n");
		for (j = 0; j < i; j++)
			buf_adds(&mail, "--b\r\nContent-Type: text/plain\r\n"
			    "\r\nx\r\n");
		buf_adds(&mail, "--b\r\n" LEAF "\r\n--b--\r\n");
		read_mail(&log, &mail);
		ck_assert_str_eq(buf_str(&log), i == 998 ?
		    "report m.eml: org/id1\n" : "reject m.eml: refused: the "
		    "e-mail has more than 1000 Content-Type lines\n");
	}
	buf_release(&mail);
	buf_release(&log);
}
END_TEST

Suite *
report_container_suite(void)
{
	Suite	*s = suite_create("report_container");
	TCase	*tc;

	tc = tcase_create("found");
	tcase_add_test(tc, found_callbacks);
	suite_add_tcase(s, tc);
	tc = tcase_create("mail_limits");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, mail_depth);
	tcase_add_test(tc, mail_header_size);
	tcase_add_test(tc, mail_unfollowable);
	suite_add_tcase(s, tc);
	return s;
}
