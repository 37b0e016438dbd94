/*
 * buf.c - growable buffers and allocation helpers that exit on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mailauth/buf.h"

static void
oom(void)
{
	fputs("mailauth: out of memory\n", stderr);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void	*p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void	*p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		oom();
	return p;
}

void *
xappend(void *vp, size_t *np, size_t sz)
{
	void	**pp = vp;
	char	 *base;

	if (*np > ((size_t)-1) / sz - 1)
		oom();
	base = xrealloc(*pp, (*np + 1) * sz);
	memset(base + *np * sz, 0, sz);
	*pp = base;
	return base + (*np)++ * sz;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	struct buf	 b = BUF_INIT;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_release_wiped(struct buf *b)
{
	if (b->data != NULL)
		OPENSSL_cleanse(b->data, b->cap);
	buf_release(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static void
grow(struct buf *b, size_t more)
{
	size_t	 need;

	if (more > ((size_t)-1) - b->len - 1)
		oom();
	need = b->len + more + 1;
	if (need <= b->cap)
		return;
	if (b->cap * 2 > need)
		need = b->cap * 2;
	if (need < 64)
		need = 64;
	b->data = xrealloc(b->data, need);
	b->cap = need;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	grow(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 cp;
	int	 n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		oom();
	grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *
buf_detach(struct buf *b)
{
	char	*p = b->data != NULL ? b->data : xstrdup("");

	buf_init(b);
	return p;
}

void
buf_add_redacted(struct buf *b, const char *s, size_t len,
    const char *const *sec, size_t nsec)
{
	size_t	 i, j, k;

	for (i = 0; i < len; ) {
		for (j = 0; j < nsec; j++) {
			if (sec[j] == NULL || (k = strlen(sec[j])) < 4 ||
			    k > len - i || memcmp(s + i, sec[j], k) != 0)
				continue;
			buf_adds(b, "[redacted]");
			i += k;
			break;
		}
		if (j == nsec)
			buf_addc(b, s[i++]);
	}
}

void
buf_add_clean(struct buf *b, const char *s, size_t len,
    const char *const *sec, size_t nsec, size_t max)
{
	struct buf	 r = BUF_INIT;
	size_t		 i, n = 0;
	int		 space = 0;

	buf_add_redacted(&r, s, len, sec, nsec);
	for (i = 0; i < r.len; i++) {
		unsigned char	c = (unsigned char)r.data[i];

		if (c <= 0x20 || c == 0x7f) {
			space = n > 0;
			continue;
		}
		if (max > 0 && n + space >= max) {
			buf_adds(b, "...");
			break;
		}
		if (space) {
			buf_addc(b, ' ');
			n++;
			space = 0;
		}
		buf_addc(b, c < 0x7f ? (char)c : '?');
		n++;
	}
	/* The copy may hold what was around a secret: wipe it. */
	buf_release_wiped(&r);
}

void
buf_add_encoded(struct buf *b, const char *s, size_t len, int keep_slash)
{
	static const char	 digits[] = "0123456789ABCDEF";
	unsigned char		 c;
	size_t			 i;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || (keep_slash && c == '/')) {
			buf_addc(b, (char)c);
			continue;
		}
		buf_addc(b, '%');
		buf_addc(b, digits[c >> 4]);
		buf_addc(b, digits[c & 0xf]);
	}
}
