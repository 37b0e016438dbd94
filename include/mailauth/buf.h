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
 * Appends s[0, len), untrusted text, so that it is safe to show on a
 * terminal or in a log, one line whatever it holds; the one place that
 * decides what is printable (docs/troubleshooting.md shows the scheme):
 * - printable ASCII and valid printable UTF-8 are kept as they are;
 * - a backslash becomes "\\";
 * - tab, line feed and carriage return become "\t", "\n" and "\r", the
 *   other C0 controls (NUL included) and DEL "\xHH" (lower-case hex);
 * - the C1 controls (U+0080-U+009F) and the bidirectional controls
 *   (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) "\uHHHH";
 * - each byte that does not begin a valid UTF-8 character (a stray
 *   continuation byte, a truncated or overlong sequence, a surrogate,
 *   past U+10FFFF, 0xc0, 0xc1, 0xf5-0xff) "\xHH".
 * At most max bytes are appended (0: no limit); a longer result is cut
 * between two characters or escapes and ends in "...".
 */
void	 buf_add_printable(struct buf *, const char *s, size_t len,
	    size_t max);
/*
 * The same for text whose backslashes are already escapes: a message
 * built from parts that were escaped where they were quoted (err_set(),
 * diags_add(), the config's quoted values) or a value in Route 53's
 * presentation form ("a\"b", "\052").  Backslashes are kept, so applying
 * it to its own result or to buf_add_printable()'s changes nothing: the
 * last line of defence at each place that prints, which cannot escape
 * twice.
 */
void	 buf_add_printable_msg(struct buf *, const char *s, size_t len,
	    size_t max);
/*
 * Appends s[0, len) as one line of printable ASCII, for a message: each of
 * the nsec secrets in sec (NULL ones and ones under 4 bytes skipped) is
 * first replaced by "[redacted]", so no part of one survives a cut; then
 * runs of white space and control characters (those buf_add_printable()
 * escapes: C0, DEL, C1 and bidirectional controls) become one space, other
 * bytes outside 0x20-0x7e become '?', leading and trailing space is
 * dropped, and at most max characters are kept (0: no limit), with "..."
 * after a cut.  The scratch copy is wiped before it is freed.  For text
 * that is ASCII when sound (AWS error excerpts, ASCII names); for text
 * that may be UTF-8, buf_add_printable().
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
