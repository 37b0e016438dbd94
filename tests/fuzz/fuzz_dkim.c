/*
 * fuzz_dkim.c - DKIM key records (the tag-list text of a TXT value):
 * check, recognise, compare (with itself and between the two halves).
 */
#include <stdlib.h>

#include "mailauth/diag.h"
#include "mailauth/dkim.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags	 d = DIAGS_INIT;
	char		*s, *a, *b;

	/* As decoded TXT text: bytes with a length, NUL bytes included. */
	dkim_check_bytes((const char *)data, size, "fuzz", &d);
	diags_release(&d);
	(void)dkim_equivalent_bytes((const char *)data, size,
	    (const char *)data, size);
	s = fuzz_cstr(data, size);
	(void)dkim_is_record(s);
	dkim_check(s, "fuzz", &d);
	diags_release(&d);
	(void)dkim_equivalent(s, s);
	free(s);
	a = fuzz_cstr(data, size / 2);
	b = fuzz_cstr(data + size / 2, size - size / 2);
	(void)dkim_equivalent(a, b);
	free(a);
	free(b);
	return 0;
}
