/*
 * fuzz_txt.c - TXT values as Route 53 returns them: decode, and encode
 * what decoded back (both splits), which must decode to the same text.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 text = BUF_INIT, enc = BUF_INIT, back = BUF_INIT;
	struct err	 err;
	char		*s;

	s = fuzz_cstr(data, size);
	if (txt_decode(s, &text, &err) == 0 && memchr(buf_str(&text), '\0',
	    text.len) == NULL) {
		txt_encode(buf_str(&text), &enc);
		if (txt_decode(buf_str(&enc), &back, &err) == -1 ||
		    back.len != text.len || (text.len > 0 &&
		    memcmp(back.data, text.data, text.len) != 0))
			abort();
		buf_reset(&enc);
		txt_encode_split(buf_str(&text), TXT_SPLIT_TERMS, &enc);
	}
	buf_release(&text);
	buf_release(&enc);
	buf_release(&back);
	free(s);
	return 0;
}
