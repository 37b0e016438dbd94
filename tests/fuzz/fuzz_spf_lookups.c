/*
 * fuzz_spf_lookups.c - SPF records as DNS gives them to verify's include
 * tree walk: the DNS-querying terms read by verify_spf_lookups(), on bytes
 * with NUL bytes allowed.
 */
#include <stdlib.h>

#include "mailauth/verify.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verify_spf_lookup	*v;
	size_t				 n, i;

	n = verify_spf_lookups((const char *)data, size, &v);
	/* Each term is at least two bytes with its separator. */
	if (n > size / 2 + 1)
		abort();
	for (i = 0; i < n; i++)
		if ((v[i].target != NULL) + v[i].macro + v[i].invalid > 1 ||
		    (v[i].kind == VERIFY_SPF_REDIRECT && i != n - 1))
			abort();
	verify_spf_lookups_release(v, n);
	return 0;
}
