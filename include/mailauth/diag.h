/*
 * diag.h - located diagnostics (errors and warnings) about a file.
 *
 * Config loading and record checks report every problem they find, not only
 * the first, so a user fixes them all in one pass.  Each diagnostic names the
 * file, line and column (1-based; 0 when unknown) and carries a message that
 * begins with the key path, e.g.
 *   domains.example.com.dmarc.policy: expected one of none, quarantine, reject, got "quarentine"
 * Rendering to "file:line:col: message" is done by diag_format().
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

struct diags {
	struct diag	*v;
	size_t		 n;
	size_t		 nerrors;
	size_t		 nwarnings;
};

#define DIAGS_INIT { NULL, 0, 0, 0 }

void	diags_add(struct diags *, enum diag_level, const char *file,
	    int line, int col, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
void	diags_release(struct diags *);
/* Appends "file:line:col: msg" for an error, "file:line:col: warning: msg"
 * for a warning, omitting the location parts that are unknown. */
void	diag_format(const struct diag *, struct buf *out);

#endif
