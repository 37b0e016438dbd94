/*
 * fuzz_report_xml.c - the streaming report parser itself (report_parse()
 * over a memory stream), without the container detection in front of it,
 * so that every input reaches the XML reader.
 */
#include "mailauth/err.h"
#include "mailauth/report.h"

#include "../../src/report/internal.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rstream	 in;
	struct rmem	 m;
	struct report	 r;
	struct err	 err;

	rstream_mem(&in, &m, data, size);
	if (report_parse(&in, &r, &err) == 0) {
		(void)report_day(&r);
		report_release(&r);
	}
	return 0;
}
