/*
 * err.c - the error type handed up to src/cli/, and located diagnostics.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"

void
err_clear(struct err *err)
{
	memset(err, 0, sizeof(*err));
}

/*
 * Stores text as the message: made printable (buf_add_printable_msg(), so
 * whatever input a caller quoted, no control character gets through, and
 * what was escaped where it was quoted is not escaped twice), cut to fit
 * between two characters.
 */
static void
store(struct err *err, const struct buf *text)
{
	struct buf	 shown = BUF_INIT;

	buf_add_printable_msg(&shown, buf_str(text), text->len,
	    sizeof(err->msg) - 1);
	memcpy(err->msg, buf_str(&shown), shown.len + 1);
	buf_release(&shown);
}

int
err_set(struct err *err, const char *fmt, ...)
{
	struct buf	 b = BUF_INIT;
	va_list		 ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	store(err, &b);
	buf_release(&b);
	return -1;
}

int
err_prefix(struct err *err, const char *fmt, ...)
{
	struct buf	 b = BUF_INIT;
	va_list		 ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	buf_addf(&b, ": %s", err->msg);
	store(err, &b);
	buf_release(&b);
	return -1;
}

void
diags_add(struct diags *d, enum diag_level level, const char *file, int line,
    int col, const char *fmt, ...)
{
	struct diag	*e;
	struct buf	 raw = BUF_INIT, msg = BUF_INIT;
	va_list		 ap;

	if (level == DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
	/* Past the cap only count: no message is built to be dropped. */
	if (d->n >= DIAGS_MAX)
		return;
	va_start(ap, fmt);
	buf_vaddf(&raw, fmt, ap);
	va_end(ap);
	/* Whoever prints it, no control character from the input gets
	 * through (diag_format() does it again, which changes nothing). */
	buf_add_printable_msg(&msg, buf_str(&raw), raw.len, 0);
	buf_release(&raw);
	e = xappend(&d->v, &d->n, sizeof(*d->v));
	e->level = level;
	e->file = file != NULL ? xstrdup(file) : NULL;
	e->line = line;
	e->col = col;
	e->msg = buf_detach(&msg);
}

void
diags_count_dropped(struct diags *to, const struct diags *from)
{
	size_t	 i, kept_errors = 0;

	for (i = 0; i < from->n; i++)
		if (from->v[i].level == DIAG_ERROR)
			kept_errors++;
	to->nerrors += from->nerrors - kept_errors;
	to->nwarnings += from->nwarnings - (from->n - kept_errors);
}

void
diag_add_key(struct buf *b, const char *key)
{
	buf_add_printable(b, key, strlen(key), DIAG_KEY_MAX);
}

void
diags_release(struct diags *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void
diag_format(const struct diag *e, struct buf *out)
{
	if (e->file != NULL) {
		buf_add_printable(out, e->file, strlen(e->file), 0);
		if (e->line > 0) {
			buf_addf(out, ":%d", e->line);
			if (e->col > 0)
				buf_addf(out, ":%d", e->col);
		}
		buf_adds(out, ": ");
	}
	if (e->level == DIAG_WARNING)
		buf_adds(out, "warning: ");
	buf_add_printable_msg(out, e->msg, strlen(e->msg), 0);
}
