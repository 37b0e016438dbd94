/*
 * fuzz_template.c - a dmarc.rollout template (cfg_template_load_string(),
 * the code every template file a config names goes through), bytes as they
 * come (NUL bytes are errors there), every diagnostic formatted.
 */
#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 out = BUF_INIT;
	size_t		 i;

	cfg_template_load_string("fuzz.yaml", (const char *)data, size, &d);
	for (i = 0; i < d.n; i++)
		diag_format(&d.v[i], &out);
	buf_release(&out);
	diags_release(&d);
	return 0;
}
