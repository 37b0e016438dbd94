/*
 * fuzz_registry.c - the ownership registry (mailauth/registry.h): parse
 * the input as a registry's text (NUL bytes included); what parses is
 * written again and must parse to the same entries, and each name is
 * made absolute below a domain.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/registry.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct registry	 r, back;
	struct buf	 text = BUF_INIT;
	struct err	 err;
	size_t		 i;
	char		*abs, *rel, *s;

	s = fuzz_cstr(data, size);
	(void)registry_is_record(s);
	free(s);
	if (registry_parse((const char *)data, size, &r, &err) != REGISTRY_OK)
		return 0;
	for (i = 0; i < r.n; i++) {
		if ((abs = registry_absolute(r.v[i].name, "example.com.")) ==
		    NULL)
			continue;
		rel = registry_relative(abs, "example.com.");
		if (rel == NULL || strcmp(rel, r.v[i].name) != 0)
			abort();
		free(rel);
		free(abs);
	}
	/* What is written reads back the same, when it fits. */
	if (registry_render(&r, &text, &err) == 0) {
		if (registry_parse(text.data, text.len, &back, &err) !=
		    REGISTRY_OK || back.n != r.n)
			abort();
		for (i = 0; i < r.n; i++)
			if (!registry_has(&back, r.v[i].kind, r.v[i].name))
				abort();
		registry_release(&back);
	}
	buf_release(&text);
	registry_release(&r);
	return 0;
}
