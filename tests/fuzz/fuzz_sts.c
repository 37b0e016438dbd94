/*
 * fuzz_sts.c - STS answers: AssumeRole, AssumeRoleWithWebIdentity and
 * GetCallerIdentity, the same bytes through each.
 */
#include "mailauth/err.h"
#include "mailauth/sts.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*xml = (const char *)data;
	struct sts_session	 s;
	struct sts_identity	 id;
	struct err		 err;

	if (sts_xml_parse_session(xml, size, "AssumeRoleResult", &s, &err) == 0)
		sts_session_release(&s);
	if (sts_xml_parse_session(xml, size, "AssumeRoleWithWebIdentityResult",
	    &s, &err) == 0)
		sts_session_release(&s);
	if (sts_xml_parse_identity(xml, size, &id, &err) == 0)
		sts_identity_release(&id);
	return 0;
}
