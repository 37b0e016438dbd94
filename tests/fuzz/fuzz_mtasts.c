/*
 * fuzz_mtasts.c - MTA-STS TXT records (RFC 8461 §3.1): parse, check,
 * compare (with itself and between the two halves of the input), and
 * the input as one mx pattern.
 */
#include <stdlib.h>

#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/mtasts.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags	 d = DIAGS_INIT;
	struct err	 err;
	char		 id[MTASTS_ID_MAX + 1];
	char		*s;

	/* As decoded TXT text: bytes with a length, NUL bytes included. */
	mtasts_check_bytes((const char *)data, size, "fuzz", &d);
	diags_release(&d);
	(void)mtasts_parse((const char *)data, size, id, &err);
	(void)mtasts_equivalent_bytes((const char *)data, size,
	    (const char *)data, size);
	(void)mtasts_equivalent_bytes((const char *)data, size / 2,
	    (const char *)data + size / 2, size - size / 2);
	s = fuzz_cstr(data, size);
	(void)mtasts_is_record(s);
	(void)mtasts_mx_check(s, &err);
	free(s);
	return 0;
}
