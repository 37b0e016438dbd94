/*
 * fuzz_report.c - DMARC aggregate report files as they come in: one
 * object in memory (report_read_mem()), whose kind (XML, gzip, zip,
 * e-mail) is found from its bytes, summarised and rendered in every
 * format, and through report --senders.  The size limit is lowered to 4 MiB so that bombs are refused
 * in milliseconds; the bomb limits themselves have unit tests.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mailauth/buf.h"
#include "mailauth/report.h"

#include "fuzz.h"

/* The same object through report --senders, against a small config. */
static void
senders(const uint8_t *data, size_t size, const struct report_limits *limits)
{
	static const char *const	 sel[] = { "s1", "google" };
	static const char *const	 inc[] = { "amazonses.com" };
	static const struct report_declared decl[] = {
		{ "example.com", 0, 0, 1, sel, 2, inc, 1 },
		{ "example.org", 1, 1, 0, sel, 1, NULL, 0 },
	};
	struct report_reader	 rd;
	struct report_senders	 s;
	struct buf		 out = BUF_INIT;
	char			*json = NULL;
	size_t			 len = 0;
	FILE			*f;

	report_senders_init(&s, NULL, decl, 2);
	report_reader_init(&rd, limits, report_senders_sink, &s);
	report_read_mem(&rd, "fuzz", data, size);
	report_senders_finish(&s);
	report_senders_render_text(&s, &rd.stats, &out);
	if ((f = open_memstream(&json, &len)) != NULL) {
		report_senders_write_json(&s, &rd.stats, f);
		fclose(f);
	}
	free(json);
	buf_release(&out);
	report_senders_release(&s);
	report_reader_release(&rd);
}

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
	senders(data, size, &limits);
	return 0;
}
