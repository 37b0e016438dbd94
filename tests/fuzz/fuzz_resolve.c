/*
 * fuzz_resolve.c - DNS answers as a server sends them: read for every
 * query type mailauth asks (resolve_answer_parse(): the rcode, the CNAME
 * chain mailauth reads itself, then c-ares' parsers), and the chain
 * alone.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/err.h"
#include "mailauth/resolve.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 types[] = { RESOLVE_TXT, RESOLVE_MX, RESOLVE_NS,
				    RESOLVE_A, RESOLVE_AAAA, RESOLVE_CNAME };
	struct resolve_answer	 a;
	struct err		 err;
	char			*target, *first;
	size_t			 i;
	int			 hops;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(&a, 0, sizeof(a));
		resolve_answer_parse(data, size, types[i], &a);
		/* A record's bytes always end in a NUL the length leaves
		 * out. */
		for (size_t k = 0; k < a.nrrs; k++)
			if (a.rrs[k].data[a.rrs[k].len] != '\0')
				abort();
		resolve_answer_release(&a);
	}
	if (resolve_answer_chain(data, size, &target, &first, &hops,
	    &err) == 0) {
		if (target == NULL || hops < 0 || hops > RESOLVE_CNAME_MAX ||
		    (hops > 0) != (first != NULL))
			abort();
		free(target);
		free(first);
	}
	return 0;
}
