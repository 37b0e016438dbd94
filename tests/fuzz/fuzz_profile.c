/*
 * fuzz_profile.c - the AWS shared files (~/.aws/config and credentials),
 * aws_profiles_parse(), the same bytes as either file; every profile
 * found is looked up by name and asked for a few keys.
 */
#include "mailauth/err.h"
#include "mailauth/profile.h"

#include "fuzz.h"

static void
walk(const struct aws_profiles *ps)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++) {
		(void)aws_profiles_find(ps, ps->v[i].name);
		(void)aws_profile_get(&ps->v[i], "region");
		(void)aws_profile_get(&ps->v[i], "role_arn");
		(void)aws_profile_get(&ps->v[i], "credential_process");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_profiles	 ps = AWS_PROFILES_INIT;
	struct err		 err;

	(void)aws_profiles_parse(&ps, (const char *)data, size, "config",
	    AWS_FILE_CONFIG, &err);
	(void)aws_profiles_parse(&ps, (const char *)data, size, "credentials",
	    AWS_FILE_CREDENTIALS, &err);
	walk(&ps);
	aws_profiles_release(&ps);
	return 0;
}
