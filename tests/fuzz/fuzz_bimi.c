/*
 * fuzz_bimi.c - BIMI assertion records: parse, check, compare (with
 * itself and between the two halves of the input), and the input as one
 * l=/a= URL.
 */
#include <stdlib.h>

#include "mailauth/bimi.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bimi_record	 rec;
	struct diags		 d = DIAGS_INIT;
	struct err		 err;
	char			*s;

	/* As decoded TXT text: bytes with a length, NUL bytes included. */
	bimi_check_bytes((const char *)data, size, "fuzz", &d);
	diags_release(&d);
	if (bimi_parse((const char *)data, size, &rec, &err) == 0)
		bimi_record_release(&rec);
	(void)bimi_equivalent_bytes((const char *)data, size,
	    (const char *)data, size);
	(void)bimi_equivalent_bytes((const char *)data, size / 2,
	    (const char *)data + size / 2, size - size / 2);
	(void)bimi_url_check((const char *)data, size, &err);
	s = fuzz_cstr(data, size);
	(void)bimi_is_record(s);
	free(s);
	return 0;
}
