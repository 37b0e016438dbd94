/*
 * diag.h - located diagnostics (errors and warnings) about a file.
 *
 * Config loading and record checks report every problem they find, not only
 * the first, so a user fixes them all in one pass.  Each diagnostic names the
 * file, line and column (1-based; 0 when unknown) and carries a message that
 * begins with the key path, e.g.
 *   domains.example.com.dmarc.policy: expected one of none, quarantine, reject, got "quarentine"
 * Rendering to "file:line:col: message" is done by diag_format().
 *
 * A hostile file can hold a bad key on every line: the list keeps the first
 * DIAGS_MAX diagnostics and only counts the rest, so memory and output stay
 * bounded whatever the input (the counts nerrors and nwarnings cover all).
 */
#ifndef MAILAUTH_DIAG_H
#define MAILAUTH_DIAG_H

#include <stddef.h>

struct buf;

enum diag_level {
	DIAG_WARNING,
	DIAG_ERROR
};

struct diag {
	enum diag_level	 level;
	char		*file;		/* may be NULL */
	int		 line;
	int		 col;
	char		*msg;
};

#define DIAGS_MAX	100	/* diagnostics kept; the rest are counted */
#define DIAG_KEY_MAX	255	/* bytes of one key shown in a key path: a
				   DNS name (253) is shown whole */

struct diags {
	struct diag	*v;		/* the first DIAGS_MAX at most */
	size_t		 n;
	size_t		 nerrors;	/* all errors, kept or not */
	size_t		 nwarnings;	/* all warnings, kept or not */
};

#define DIAGS_INIT { NULL, 0, 0, 0 }

/* Keeps the diagnostic while fewer than DIAGS_MAX are kept, else only counts
 * it (the message is not even formatted).  The message is made printable
 * (buf_add_printable_msg()): quote input with buf_add_printable() or
 * diag_add_key() for an unambiguous message; a control character that was
 * not escaped there is escaped here. */
void	diags_add(struct diags *, enum diag_level, const char *file,
	    int line, int col, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
/* Adds to the counts of to the diagnostics from counted but did not keep;
 * for code that copies the kept ones of from into to one by one. */
void	diags_count_dropped(struct diags *to, const struct diags *from);
/* Appends key to b made printable (buf_add_printable()) and cut to
 * DIAG_KEY_MAX bytes ending in "..." when longer, so a key path in a
 * message stays short and harmless whatever the file holds. */
void	diag_add_key(struct buf *b, const char *key);
void	diags_release(struct diags *);
/* Appends "file:line:col: msg" for an error, "file:line:col: warning: msg"
 * for a warning, omitting the location parts that are unknown; the file
 * name and the message made printable (buf_add_printable(),
 * buf_add_printable_msg()). */
void	diag_format(const struct diag *, struct buf *out);

#endif
