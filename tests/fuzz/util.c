/*
 * util.c - the helpers of fuzz.h, linked into every harness.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"

#include "fuzz.h"

char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char	*s;

	s = xmalloc(size + 1);
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
