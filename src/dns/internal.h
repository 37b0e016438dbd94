/*
 * internal.h - what the files of src/dns/ share, and nothing else sees:
 * the helpers that dkim.c (record text and checks) and dkim-key.c (keys
 * with OpenSSL) both use.
 */
#ifndef MAILAUTH_DNS_INTERNAL_H
#define MAILAUTH_DNS_INTERNAL_H

#include <stddef.h>

#include <openssl/evp.h>

#define ED25519_KEY_LEN		32
#define ED25519_SPKI_LEN	44	/* 12-byte prefix + the raw key */

/* 1 for folding white space: space, tab, CR, LF. */
int	dkim_is_fws(char c);

/*
 * Decodes base64 with white space anywhere (FWS is allowed inside p=).
 * Strict otherwise: only the base64 alphabet, padded to a multiple of 4,
 * '=' only as the last one or two characters.  Returns the bytes
 * (malloc'd, *n set) or NULL.
 */
unsigned char *dkim_b64_decode(const char *s, size_t *n);

/* Parses a whole DER SubjectPublicKeyInfo of at most DKIM_KEY_FILE_MAX
 * bytes; NULL if it is not one.  The caller frees it with EVP_PKEY_free. */
EVP_PKEY *dkim_spki_parse(const unsigned char *der, size_t n);

#endif
