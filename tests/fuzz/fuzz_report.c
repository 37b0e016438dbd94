/*
 * fuzz_report.c - DMARC aggregate report files as they come in: one
 * object in memory (report_read_mem()), whose kind (XML, gzip, zip,
 * e-mail) is found from its bytes, summarised and rendered in every
 * format.  The size limit is lowered to 4 MiB so that bombs are refused
 * in milliseconds; the bomb limits themselves have unit tests.
 */
#include "mailauth/buf.h"
#include "mailauth/report.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_limits	 limits = { 4u << 20, REPORT_MAX_MEMBERS };
	struct report_reader	 rd;
	struct report_summary	 s;
	struct buf		 out = BUF_INIT;

	report_summary_init(&s, NULL);
	report_reader_init(&rd, &limits, report_summary_sink, &s);
	report_read_mem(&rd, "fuzz", data, size);
	report_summary_finish(&s);
	report_render_text(&s, &rd.stats, &out);
	report_render_markdown(&s, &rd.stats, &out);
	report_render_json(&s, &rd.stats, &out);
	report_render_csv(&s, &out);
	buf_release(&out);
	report_summary_release(&s);
	report_reader_release(&rd);
	return 0;
}
