/*
 * fuzz_creds_json.c - credentials as JSON (aws_creds_parse_json()): what a
 * credential_process prints, and what the container credentials endpoint
 * and instance metadata (IMDS) answer; the same bytes in both forms.
 */
#include <time.h>

#include "mailauth/chain.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_creds	 c;
	struct err		 err;
	time_t			 exp;

	if (aws_creds_parse_json((const char *)data, size, AWS_JSON_PROCESS,
	    &c, &exp, &err) == 0)
		aws_creds_release(&c);
	if (aws_creds_parse_json((const char *)data, size, AWS_JSON_METADATA,
	    &c, &exp, &err) == 0)
		aws_creds_release(&c);
	return 0;
}
