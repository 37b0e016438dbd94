/*
 * fuzz_dkim_key.c - DKIM public keys as the config gives them: PEM text
 * (public_key_file's content, bytes as read) and the base64 of a DER
 * SubjectPublicKeyInfo (public_key).
 */
#include <stdlib.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dkim.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 out = BUF_INIT;
	char		*s;

	(void)dkim_record_from_pem((const char *)data, size, "fuzz",
	    "fuzz.pem", &out, &d);
	diags_release(&d);
	buf_release(&out);
	s = fuzz_cstr(data, size);
	(void)dkim_record_from_spki_base64(s, "fuzz", &out, &d);
	diags_release(&d);
	buf_release(&out);
	free(s);
	return 0;
}
