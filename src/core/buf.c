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

/* What one character of untrusted text is, for a terminal. */
enum chr {
	CHR_PRINT,		/* printable: shown as it is */
	CHR_CONTROL,		/* a control character: escaped */
	CHR_BAD			/* a byte that starts no valid UTF-8 character */
};

/*
 * The class of the character at s[0, len) (len > 0), its length in bytes
 * (1 for CHR_BAD: each bad byte stands alone) and its code point.  UTF-8
 * as RFC 3629 has it: no overlong form, no surrogate, nothing past
 * U+10FFFF.
 */
static enum chr
chr_class(const unsigned char *s, size_t len, size_t *n, unsigned long *cp)
{
	unsigned long	 c;
	size_t		 need, i;

	*n = 1;
	*cp = s[0];
	if (s[0] < 0x20 || s[0] == 0x7f)
		return CHR_CONTROL;
	if (s[0] < 0x80)
		return CHR_PRINT;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		c = s[0] & 0x07;
	} else
		return CHR_BAD;
	if (len < need)
		return CHR_BAD;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return CHR_BAD;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((need == 3 && c < 0x800) || (need == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return CHR_BAD;
	*n = need;
	*cp = c;
	/* C1 controls; the bidirectional marks, embeddings, overrides and
	 * isolates, which reorder what follows them on the screen. */
	if (c <= 0x9f || c == 0x61c || c == 0x200e || c == 0x200f ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
		return CHR_CONTROL;
	return CHR_PRINT;
}

/* The escape of one character or bad byte into e (at most 7 bytes). */
static size_t
chr_escape(enum chr k, size_t n, unsigned long cp, char e[8])
{
	if (k == CHR_CONTROL && n > 1)
		return (size_t)snprintf(e, 8, "\\u%04lx", cp);
	switch (cp) {
	case '\t':
		return (size_t)snprintf(e, 8, "\\t");
	case '\n':
		return (size_t)snprintf(e, 8, "\\n");
	case '\r':
		return (size_t)snprintf(e, 8, "\\r");
	default:
		return (size_t)snprintf(e, 8, "\\x%02lx", cp);
	}
}

static void
printable(struct buf *b, const char *s, size_t len, size_t max, int keep_bs)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 start = b->len, cut = (size_t)-1, i, n, elen;
	size_t			 room = max > 3 ? max - 3 : 0;
	unsigned long		 cp;
	enum chr		 k;
	const char		*piece;
	char			 e[8];

	for (i = 0; i < len; i += n) {
		k = chr_class(u + i, len - i, &n, &cp);
		if (k != CHR_PRINT) {
			elen = chr_escape(k, n, cp, e);
			piece = e;
		} else if (u[i] == '\\' && !keep_bs) {
			elen = 2;
			piece = "\\\\";
		} else {
			elen = n;
			piece = s + i;
		}
		/* Where "..." would go if the rest does not fit in max. */
		if (max > 0 && cut == (size_t)-1 && b->len - start + elen > room)
			cut = b->len - start;
		buf_add(b, piece, elen);
		if (max > 0 && b->len - start > max) {
			b->len = start + cut;
			buf_adds(b, max > 3 ? "..." : "");
			return;
		}
	}
}

void
buf_add_printable(struct buf *b, const char *s, size_t len, size_t max)
{
	printable(b, s, len, max, 0);
}

void
buf_add_printable_msg(struct buf *b, const char *s, size_t len, size_t max)
{
	printable(b, s, len, max, 1);
}

void
buf_add_clean(struct buf *b, const char *s, size_t len,
    const char *const *sec, size_t nsec, size_t max)
{
	struct buf	 r = BUF_INIT;
	size_t		 i, j, k, n = 0;
	unsigned long	 cp;
	int		 space = 0;

	buf_add_redacted(&r, s, len, sec, nsec);
	for (i = 0; i < r.len; i += k) {
		const unsigned char	*u = (const unsigned char *)r.data + i;

		if (chr_class(u, r.len - i, &k, &cp) == CHR_CONTROL ||
		    *u == ' ') {
			space = n > 0;
			continue;
		}
		/* A character outside ASCII is a '?' per byte. */
		for (j = 0; j < k; j++) {
			if (max > 0 && n + space >= max) {
				buf_adds(b, "...");
				goto out;
			}
			if (space) {
				buf_addc(b, ' ');
				n++;
				space = 0;
			}
			buf_addc(b, u[j] < 0x7f ? (char)u[j] : '?');
			n++;
		}
	}
out:
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
