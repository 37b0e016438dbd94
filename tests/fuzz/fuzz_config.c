/*
 * fuzz_config.c - mailauth.yaml (cfg_load_string_with()), bytes as they
 * come (NUL bytes are errors there), with the built-in rollout templates
 * (FUZZ_TEMPLATES, policies/dmarc of the tree: read, never written) so
 * that template references resolve, and every diagnostic formatted.
 */
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"

#include "fuzz.h"

#ifndef FUZZ_TEMPLATES
#define FUZZ_TEMPLATES	"policies/dmarc"
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_load_opts	 opts = { NULL, FUZZ_TEMPLATES };
	struct diags		 d = DIAGS_INIT;
	struct buf		 out = BUF_INIT;
	struct cfg		 cfg;
	size_t			 i;

	memset(&cfg, 0, sizeof(cfg));
	if (cfg_load_string_with(&cfg, "fuzz.yaml", (const char *)data, size,
	    &opts, &d) == 0)
		cfg_release(&cfg);
	for (i = 0; i < d.n; i++)
		diag_format(&d.v[i], &out);
	buf_release(&out);
	diags_release(&d);
	return 0;
}
