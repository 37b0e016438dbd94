/*
 * fuzz_s3.c - S3 ListObjectsV2 answers (s3_xml_parse_list()), and the
 * text up to the first NUL as an s3:// URL (s3_url_parse()).
 */
#include <stdlib.h>

#include "mailauth/err.h"
#include "mailauth/s3.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct s3_list	 l;
	struct err	 err;
	char		*s, *bucket, *prefix;

	if (s3_xml_parse_list((const char *)data, size, &l, &err) == 0)
		s3_list_release(&l);
	s = fuzz_cstr(data, size);
	if (s3_url_parse(s, &bucket, &prefix, &err) == 0) {
		free(bucket);
		free(prefix);
	}
	free(s);
	return 0;
}
