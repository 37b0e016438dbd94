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

int
err_set(struct err *err, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
err_prefix(struct err *err, const char *fmt, ...)
{
	struct buf	 b = BUF_INIT;
	va_list		 ap;
	size_t		 n;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	buf_addf(&b, ": %s", err->msg);
	/* Longer messages are cut, as err_set() cuts them. */
	n = b.len < sizeof(err->msg) - 1 ? b.len : sizeof(err->msg) - 1;
	memcpy(err->msg, b.data, n);
	err->msg[n] = '\0';
	buf_release(&b);
	return -1;
}

void
diags_add(struct diags *d, enum diag_level level, const char *file, int line,
    int col, const char *fmt, ...)
{
	struct diag	*e;
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	e = xappend(&d->v, &d->n, sizeof(*d->v));
	e->level = level;
	e->file = file != NULL ? xstrdup(file) : NULL;
	e->line = line;
	e->col = col;
	e->msg = buf_detach(&msg);
	if (level == DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
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
		buf_adds(out, e->file);
		if (e->line > 0) {
			buf_addf(out, ":%d", e->line);
			if (e->col > 0)
				buf_addf(out, ":%d", e->col);
		}
		buf_adds(out, ": ");
	}
	if (e->level == DIAG_WARNING)
		buf_adds(out, "warning: ");
	buf_adds(out, e->msg);
}
