/*
 * fuzz_spf.c - SPF records: every check on the bytes as a TXT value
 * decodes them (NUL bytes included), and on the text up to the first NUL
 * the predicates and the comparison of its two halves.
 */
#include <stdlib.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/spf.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 out = BUF_INIT;
	char		*s, *a, *b, q;

	spf_check_bytes((const char *)data, size, "fuzz", SPF_CHECK_ALL, &d);
	diags_release(&d);
	/* With a domain: the include/redirect of the record itself. */
	spf_check_at("Example.com.", (const char *)data, size, "fuzz",
	    SPF_CHECK_ALL, &d);
	diags_release(&d);
	s = fuzz_cstr(data, size);
	spf_check(s, NULL, &d);
	diags_release(&d);
	(void)spf_is_record(s);
	(void)spf_all_qualifier(s, &q);
	(void)spf_has_redirect(s);
	spf_txt_encode(s, &out);
	buf_release(&out);
	(void)spf_equivalent(s, s);
	free(s);
	a = fuzz_cstr(data, size / 2);
	b = fuzz_cstr(data + size / 2, size - size / 2);
	(void)spf_equivalent(a, b);
	free(a);
	free(b);
	return 0;
}
