/*
 * buf.h - growable byte buffers.
 *
 * Invariants: after buf_init() or any successful add, b->data is either NULL
 * (nothing ever added, len == 0) or points to len bytes followed by a NUL, so
 * buf_str() is always a valid C string.  Adding never fails silently: on
 * allocation failure the process exits (mailauth cannot do anything useful
 * without memory, and every caller would otherwise need the same check).
 */
#ifndef MAILAUTH_BUF_H
#define MAILAUTH_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

void	 buf_init(struct buf *);
/* Frees the storage and leaves the buffer empty and reusable. */
void	 buf_release(struct buf *);
/* buf_release() after overwriting the whole storage (OPENSSL_cleanse): for
 * buffers that held a secret. */
void	 buf_release_wiped(struct buf *);
/* Empties the buffer but keeps its storage. */
void	 buf_reset(struct buf *);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vaddf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* The contents as a C string; "" when empty.  Owned by the buffer. */
const char *buf_str(const struct buf *);
/* Hands the contents to the caller (free() it) and empties the buffer. */
char	*buf_detach(struct buf *);
/*
 * Appends s[0, len) with each of the nsec secrets in sec (NULL ones and
 * ones under 4 bytes skipped) replaced by "[redacted]".
 */
void	 buf_add_redacted(struct buf *, const char *s, size_t len,
	    const char *const *sec, size_t nsec);
/*
 * Appends s[0, len) as one line of printable ASCII, for a message: each of
 * the nsec secrets in sec (NULL ones and ones under 4 bytes skipped) is
 * first replaced by "[redacted]", so no part of one survives a cut; then
 * runs of white space and control characters become one space, other
 * bytes outside 0x20-0x7e become '?', leading and trailing space is
 * dropped, and at most max characters are kept (0: no limit), with "..."
 * after a cut.  The scratch copy is wiped before it is freed.
 */
void	 buf_add_clean(struct buf *, const char *s, size_t len,
	    const char *const *sec, size_t nsec, size_t max);
/*
 * Appends s[0, len) percent-encoded as RFC 3986 and SigV4 want a path
 * segment or a query name or value: every byte but the unreserved ones
 * (A-Z a-z 0-9 - . _ ~), and '/' when keep_slash, becomes %XX in upper-case
 * hex; UTF-8 is encoded byte by byte.  The one encoder of mailauth.
 */
void	 buf_add_encoded(struct buf *, const char *s, size_t len,
	    int keep_slash);

/* Allocation helpers that exit on failure, for the same reason as above. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
/* Grows *vp, an array of *np elements of size sz, by one zeroed element and
 * returns a pointer to it; *np is incremented. */
void	*xappend(void *vp, size_t *np, size_t sz);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
