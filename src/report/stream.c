/*
 * stream.c - byte streams for the report reader: reading with a look at
 * the first bytes first (to tell the content), and streams over memory.
 * The decompressing ones are in container.c.
 */
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "internal.h"

void
rstream_init(struct rstream *s,
    ssize_t (*fill)(void *, unsigned char *, size_t, struct err *), void *arg)
{
	memset(s, 0, sizeof(*s));
	s->fill = fill;
	s->arg = arg;
}

ssize_t
rstream_read(struct rstream *s, void *buf, size_t len, struct err *err)
{
	size_t	 n;
	ssize_t	 got;

	if (len == 0)
		return 0;
	if (s->off < s->npeek) {
		n = s->npeek - s->off;
		if (n > len)
			n = len;
		memcpy(buf, s->peek + s->off, n);
		s->off += n;
		return (ssize_t)n;
	}
	if (s->eof)
		return 0;
	if ((got = s->fill(s->arg, buf, len, err)) == 0)
		s->eof = 1;
	return got;
}

int
rstream_peek(struct rstream *s, const unsigned char **p, size_t *len,
    struct err *err)
{
	ssize_t	 got;

	if (s->off > 0) {
		memmove(s->peek, s->peek + s->off, s->npeek - s->off);
		s->npeek -= s->off;
		s->off = 0;
	}
	while (s->npeek < RSTREAM_PEEK && !s->eof) {
		got = s->fill(s->arg, s->peek + s->npeek,
		    RSTREAM_PEEK - s->npeek, err);
		if (got < 0)
			return -1;
		if (got == 0)
			s->eof = 1;
		s->npeek += (size_t)got;
	}
	*p = s->peek;
	*len = s->npeek;
	return 0;
}

/* --- memory --- */

static ssize_t
mem_fill(void *arg, unsigned char *buf, size_t len, struct err *err)
{
	struct rmem	*m = arg;
	size_t		 n = m->len - m->pos;

	(void)err;
	if (n > len)
		n = len;
	if (n > 0)
		memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

void
rstream_mem(struct rstream *s, struct rmem *m, const void *data, size_t len)
{
	m->data = data;
	m->len = len;
	m->pos = 0;
	rstream_init(s, mem_fill, m);
}
