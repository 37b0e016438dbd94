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

/*
 * A private key where a public one belongs.  dkim_text_is_private() finds
 * a "... PRIVATE KEY" PEM label in n bytes of text, as the PEM reader of
 * the config's key files does (the one detection: pem_scan()).
 * dkim_der_is_private() reads only the DER framing, never the key: 1 for a
 * SEQUENCE that starts with a small INTEGER version (PKCS#1 RSAPrivateKey,
 * PKCS#8 PrivateKeyInfo, SEC1 ECPrivateKey) or with an algorithm and an
 * OCTET STRING (PKCS#8 EncryptedPrivateKeyInfo).
 */
int	dkim_text_is_private(const char *s, size_t n);
int	dkim_der_is_private(const unsigned char *der, size_t n);

/* What dkim_check() says of a private key in p=. */
#define DKIM_PRIVATE_PUBLISHED	"p= holds a PRIVATE key, published where " \
	"anyone can read it: verifiers cannot use it, and anyone can sign " \
	"mail as this domain with it; remove the record, make a new key " \
	"pair (mailauth dkim keygen) and publish only its public key"

#endif
