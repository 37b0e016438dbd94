/*
 * fuzz_tlsrpt.c - TLS-RPT records (RFC 8460): check and compare the input
 * as decoded TXT text (bytes with a length, NUL bytes included), with
 * itself and between its two halves; ownership; the input as one report
 * URI.
 */
#include <stdlib.h>

#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/tlsrpt.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*t = (const char *)data;
	struct diags	 d = DIAGS_INIT;
	struct err	 err;
	char		*s;

	tlsrpt_check_bytes(t, size, "fuzz", &d);
	diags_release(&d);
	(void)tlsrpt_equivalent_bytes(t, size, t, size);
	(void)tlsrpt_equivalent_bytes(t, size / 2, t + size / 2,
	    size - size / 2);
	(void)tlsrpt_uri_check(t, size, &err);
	s = fuzz_cstr(data, size);
	(void)tlsrpt_is_record(s);
	free(s);
	return 0;
}
