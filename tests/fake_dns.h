/*
 * fake_dns.h - DNS messages written byte by byte, for the tests of
 * src/resolve/ and src/verify/ (tests/fake_dns.c).
 */
#ifndef MAILAUTH_FAKE_DNS_H
#define MAILAUTH_FAKE_DNS_H

struct buf;

/* Appends v as two bytes, network order. */
void	fake_dns_put16(struct buf *, unsigned v);
/* Appends a dotted name as length-prefixed labels and the root label. */
void	fake_dns_put_name(struct buf *, const char *name);

#endif
