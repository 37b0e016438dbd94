/*
 * dkim.h - DKIM key records: built from a public key, checked, compared;
 * and key pairs generated for "mailauth dkim keygen".
 *
 * A key record (RFC 6376 §3.6.1) is a tag-list published as TXT at
 * SELECTOR._domainkey.DOMAIN.  mailauth writes exactly
 *   v=DKIM1; k=rsa; p=<base64 of the DER SubjectPublicKeyInfo>
 *   v=DKIM1; k=ed25519; p=<base64 of the raw 32-byte key>	(RFC 8463)
 * RSA keys under 1024 bits are refused and keys under 2048 bits are
 * weak (RFC 8301 §3.2).
 *
 * Only public keys are read.  A private key is recognised by its PEM label
 * before anything is parsed and refused: no private-key reader is ever
 * called on a file named in the config.  OpenSSL is used here and nowhere
 * else in src/dns/.
 */
#ifndef MAILAUTH_DKIM_H
#define MAILAUTH_DKIM_H

#include <stddef.h>

struct buf;
struct diags;
struct err;

#define DKIM_KEY_FILE_MAX	(64 * 1024)	/* bytes in a public key file */
#define DKIM_RSA_MIN_BITS	1024	/* below: refused (RFC 8301 §3.2) */
#define DKIM_RSA_GOOD_BITS	2048	/* below: a warning */
#define DKIM_RSA_MAX_BITS	4096	/* above: verifiers may not cope */

/*
 * The key record for a public key, appended to out.  Every problem that
 * stops a record being made is an error added to d (no location, message
 * starting with "what: "), and the function returns -1 with out as it
 * was; 0 on success.  These functions report nothing else: the record they
 * make is meant to go through dkim_check(), which adds the warnings (an
 * RSA key under 2048 bits), so that they are reported once.
 *
 * dkim_record_from_pem() reads PEM text of len bytes (it need not be NUL
 * terminated); source is the file it came from, for messages (quoted
 * there: "'keys/s.pem' holds ..."; NULL: "the PEM text").  It must hold exactly one "PUBLIC KEY" block (an RSA or Ed25519
 * SubjectPublicKeyInfo).  Refused with a message saying what was found
 * and how to get the public key: any "... PRIVATE KEY" block (anywhere in
 * the text, never parsed), a certificate, a PKCS#1 "RSA PUBLIC KEY", an
 * OpenSSH public key, several public keys, other PEM blocks, text that is
 * not PEM, keys of another type, RSA keys under 1024 bits.
 *
 * dkim_record_from_spki_base64() takes the base64 of a DER
 * SubjectPublicKeyInfo (white space ignored), the config's public_key.
 *
 * dkim_record_from_file() reads path (a regular file of at most
 * DKIM_KEY_FILE_MAX bytes) and goes on as dkim_record_from_pem().
 */
int	dkim_record_from_pem(const char *pem, size_t len, const char *what,
	    const char *source, struct buf *out, struct diags *d);
int	dkim_record_from_spki_base64(const char *b64, const char *what,
	    struct buf *out, struct diags *d);
int	dkim_record_from_file(const char *path, const char *what,
	    struct buf *out, struct diags *d);

/*
 * 1 when text is a DKIM key record, i.e. a value mailauth owns at a
 * selector it manages: its first tag is v=DKIM1 (any case, white space
 * around '=' allowed, even broken as "v=DKIM1:"), or it has no v= tag
 * first but has a p= tag (v= is optional).  0 otherwise.
 */
int	dkim_is_record(const char *text);

/*
 * 1 when a and b are the same key record: the same tags with the same
 * values, ignoring white space anywhere in a value (FWS is allowed inside
 * p= and around the ':' of lists), the order of tags and a final ';'.
 * Tag names are compared exactly (they are case-sensitive: verifiers
 * ignore "P=").  A tag on one side only makes them differ.  0 otherwise,
 * or when either has an error of tag-list syntax (an empty tag such as
 * ";;", a tag without '=', a bad name, a byte not allowed in a value, a
 * NUL, a repeated tag): verifiers cannot use such a record, so it is
 * never the same as one they can.  dkim_equivalent_bytes() takes lengths,
 * for text decoded from a TXT value, which may hold NUL bytes.
 */
int	dkim_equivalent(const char *a, const char *b);
int	dkim_equivalent_bytes(const char *a, size_t alen, const char *b,
	    size_t blen);

/*
 * Checks a key record (live, or one mailauth is about to write), adding
 * every problem to d with no location and a message that starts with
 * "where: " (NULL: "DKIM record") and names the RFC section.
 * Errors (verifiers cannot use the key): tag-list syntax (RFC 6376 §3.2:
 * an empty tag, i.e. ";;" or a leading ';' (one final ';' is allowed), a
 * tag without '=', a bad tag name, a byte outside printable ASCII and
 * white space, NUL included, a repeated tag), v= not first or not exactly
 * "DKIM1", k= other than rsa or ed25519, no p=, a private key in p= (a
 * "PRIVATE KEY" PEM label, or the DER of a private key: it must be
 * rotated), p= not base64, an RSA p= that is not an RSA
 * SubjectPublicKeyInfo or is under 1024 bits, an Ed25519 p= that is not 32
 * bytes, h= that lists no sha256 (RFC 8301 leaves nothing else), empty
 * items in h=, s= or t= lists.
 * Warnings: empty p= (the key is revoked), RSA under 2048 or over 4096
 * bits, sha1 in h=, unknown hash algorithms, service types or flags
 * (ignored by verifiers), s= without email or *, g= other than * (RFC 4871
 * verifiers restrict the key), a known tag name in the wrong case ("V=":
 * verifiers ignore it like any unknown tag), other unknown tags.
 * A tag whose value holds a byte it may not is one error; its value is not
 * checked further, and the tag counts as present.
 * dkim_check_bytes() checks len bytes, which may hold NUL bytes (text
 * decoded from a TXT value).
 */
void	dkim_check(const char *text, const char *where, struct diags *d);
void	dkim_check_bytes(const char *text, size_t len, const char *where,
	    struct diags *d);

enum dkim_key_type {
	DKIM_KEY_RSA,
	DKIM_KEY_ED25519
};

/* What dkim_keygen() made; release with dkim_keygen_release(). */
struct dkim_keygen {
	char	*private_path;
	char	*public_path;
	char	*record;		/* the key record for the public key */
};

/*
 * Generates a key pair and writes DIR/SELECTOR.private.pem (PKCS#8, mode
 * 0600) and DIR/SELECTOR.public.pem (SubjectPublicKeyInfo, mode 0644 less
 * the umask); dir NULL or "" writes into the current folder with no "./"
 * in the paths.  bits is the RSA size, 0 for the default 2048; it must be
 * from 1024 to 4096, and 0 for Ed25519.  selector must be a selector
 * (labels of letters, digits, '-' and '_' joined by dots), so the file
 * names stay inside dir.
 *
 * Never overwrites: when either file exists nothing is written; the files
 * are created with O_EXCL, and if anything fails after the first one was
 * created, the files this call created are removed.  Returns 0 with out
 * filled, or -1 with err filled and out empty.  The private key is wiped
 * from memory after use.
 */
int	dkim_keygen(const char *dir, const char *selector,
	    enum dkim_key_type type, int bits, struct dkim_keygen *out,
	    struct err *err);
void	dkim_keygen_release(struct dkim_keygen *);

#endif
