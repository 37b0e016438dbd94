/*
 * check_report_container.c - src/report/container.c on its own, with no
 * reader: what it finds in an object goes to the callbacks of a struct
 * report_found, each report and each refusal, under the limits given
 * there; nothing is de-duplicated at this level (source.c does that).
 * check_report.c tests the whole reading through the public API.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

Suite *
report_container_suite(void)
{
	Suite	*s = suite_create("report_container");
	TCase	*tc;

	tc = tcase_create("found");
	tcase_add_test(tc, found_callbacks);
	suite_add_tcase(s, tc);
	return s;
}
