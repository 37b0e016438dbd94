/*
 * fuzz_name.c - domain names from configs and Route 53 answers: canonical
 * form, display form, IDNA, the host-name and length checks, and the
 * order of two names (the two halves of the input).
 */
#include <stdlib.h>

#include "mailauth/dns.h"
#include "mailauth/err.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err	 err;
	char		*s, *canon, *t, *a, *b, *ca, *cb;

	s = fuzz_cstr(data, size);
	canon = dns_name_canon(s, &err);
	if (canon != NULL) {
		t = dns_name_display(canon);
		free(t);
		(void)dns_name_in_zone(canon, "example.com.");
		(void)dns_name_cmp(canon, "example.com.");
	}
	free(canon);
	(void)dns_hostname_check(s, &err);
	(void)dns_name_length_check(s, &err);
	t = dns_name_to_ascii(s, &err);
	if (t != NULL) {
		free(dns_name_both(t));
		free(t);
	}
	free(s);
	a = fuzz_cstr(data, size / 2);
	b = fuzz_cstr(data + size / 2, size - size / 2);
	ca = dns_name_canon(a, &err);
	cb = dns_name_canon(b, &err);
	if (ca != NULL && cb != NULL) {
		if ((dns_name_cmp(ca, cb) < 0) != (dns_name_cmp(cb, ca) > 0))
			abort();
		(void)dns_name_in_zone(ca, cb);
	}
	free(ca);
	free(cb);
	free(a);
	free(b);
	return 0;
}
