/*
 * fuzz_ses.c - SES GetEmailIdentity answers (ses_identity_parse()), and
 * the text up to the first NUL as a DKIM CNAME target.
 */
#include <stdlib.h>

#include "mailauth/err.h"
#include "mailauth/ses.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ses_identity	 id;
	struct err		 err;
	char			*s, *label;

	if (ses_identity_parse((const char *)data, size, &id, &err) == 0)
		ses_identity_release(&id);
	s = fuzz_cstr(data, size);
	if (ses_token_target_parse(s, &label) == 1)
		free(label);
	free(s);
	return 0;
}
