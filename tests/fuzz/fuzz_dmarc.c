/*
 * fuzz_dmarc.c - DMARC records: parse, check, compare (with itself and
 * between the two halves of the input).
 */
#include <stdlib.h>

#include "mailauth/diag.h"
#include "mailauth/dmarc.h"
#include "mailauth/err.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarc_record	 rec;
	struct diags		 d = DIAGS_INIT;
	struct err		 err;
	char			*s, *a, *b;

	/* As decoded TXT text: bytes with a length, NUL bytes included. */
	dmarc_check_bytes((const char *)data, size, "fuzz", &d);
	diags_release(&d);
	(void)dmarc_equivalent_bytes((const char *)data, size,
	    (const char *)data, size);
	s = fuzz_cstr(data, size);
	(void)dmarc_is_record(s);
	if (dmarc_parse(s, &rec, &err) == 0) {
		(void)dmarc_tag_get(&rec, "p");
		(void)dmarc_tag_get(&rec, "rua");
		dmarc_record_release(&rec);
	}
	dmarc_check(s, "fuzz", &d);
	diags_release(&d);
	(void)dmarc_equivalent(s, s);
	(void)dmarc_policy_parse(s, DMARC_CASE_ANY);
	free(s);
	a = fuzz_cstr(data, size / 2);
	b = fuzz_cstr(data + size / 2, size - size / 2);
	(void)dmarc_equivalent(a, b);
	free(a);
	free(b);
	return 0;
}
