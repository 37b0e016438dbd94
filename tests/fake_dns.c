/*
 * fake_dns.c - DNS messages written byte by byte (fake_dns.h).
 */
#include <string.h>

#include "mailauth/buf.h"
#include "fake_dns.h"

void
fake_dns_put16(struct buf *b, unsigned v)
{
	buf_addc(b, (char)(v >> 8));
	buf_addc(b, (char)(v & 0xff));
}

void
fake_dns_put_name(struct buf *b, const char *name)
{
	const char	*dot;
	size_t		 n;

	while (*name != '\0') {
		dot = strchr(name, '.');
		n = dot != NULL ? (size_t)(dot - name) : strlen(name);
		buf_addc(b, (char)n);
		buf_add(b, name, n);
		name += n + (dot != NULL);
	}
	buf_addc(b, 0);
}
