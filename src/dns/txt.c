/*
 * txt.c - TXT values in Route 53's presentation format: one or more quoted
 * character-strings, decoded to the text receivers see and encoded back.
 *
 * Route 53 writes numeric escapes in octal ("\052"), not in the decimal of
 * RFC 1035 zone files, so both directions use three octal digits.
 */
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/*
 * Decodes the escape at *pp (which points at the backslash) into out and
 * advances *pp past it.  value is the whole value, for the message.
 */
static int
unescape(const char **pp, struct buf *out, const char *value,
    struct err *err)
{
	const char	*p = *pp;
	int		 v;

	if (p[1] == '\0')
		return err_set(err, "'%s': TXT value ends inside an escape",
		    value);
	if (p[1] >= '0' && p[1] <= '9') {
		if (!is_octal(p[1]) || !is_octal(p[2]) || !is_octal(p[3]))
			return err_set(err, "'%s': bad escape in TXT value "
			    "(expected three octal digits after '\\')", value);
		v = (p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0');
		if (v > 255)
			return err_set(err, "'%s': escape '\\%.3s' in TXT "
			    "value is over 255", value, p + 1);
		buf_addc(out, (char)v);
		*pp = p + 4;
		return 0;
	}
	/* "\"", "\\" and any other "\c" stand for c itself. */
	buf_addc(out, p[1]);
	*pp = p + 2;
	return 0;
}

/*
 * One quoted character-string starting at the '"' at *pp, the nth of the
 * value.  A DNS character-string is a length byte and that many bytes
 * (RFC 1035 §3.3.14), so one over TXT_STRING_MAX bytes, once decoded,
 * cannot exist: nothing could publish or serve it.
 */
static int
quoted(const char **pp, size_t nth, struct buf *out, const char *value,
    struct err *err)
{
	const char	*p = *pp + 1;
	size_t		 start = out->len;

	for (;;) {
		if (*p == '\0')
			return err_set(err, "'%s': unterminated quoted string "
			    "in TXT value", value);
		if (*p == '"')
			break;
		if (*p == '\\') {
			if (unescape(&p, out, value, err) == -1)
				return -1;
			continue;
		}
		buf_addc(out, *p++);
	}
	if (out->len - start > TXT_STRING_MAX)
		return err_set(err, "character-string %zu of the TXT value is "
		    "%zu bytes; a DNS character-string holds at most %d, so "
		    "split the text into several quoted strings (RFC 1035 "
		    "§3.3.14)", nth, out->len - start, TXT_STRING_MAX);
	*pp = p + 1;
	return 0;
}

static int
outside(const char *value, struct err *err)
{
	return err_set(err, "'%s': text outside quotes in TXT value", value);
}

/* One unquoted word starting at p, up to white space or the end. */
static int
word(const char *p, struct buf *out, const char *value, struct err *err)
{
	while (*p != '\0' && !is_space(*p)) {
		if (*p == '"')
			return outside(value, err);
		if (*p == '\\') {
			if (unescape(&p, out, value, err) == -1)
				return -1;
			continue;
		}
		buf_addc(out, *p++);
	}
	while (is_space(*p))
		p++;
	return *p == '\0' ? 0 : outside(value, err);
}

static int
decode(const char *value, struct buf *out, struct err *err)
{
	const char	*p = value;
	size_t		 nth = 0;

	while (is_space(*p))
		p++;
	if (*p == '\0')
		return err_set(err, "empty TXT value");
	/* Route 53 accepts one unquoted word and keeps it as is. */
	if (*p != '"')
		return word(p, out, value, err);
	while (*p != '\0') {
		if (*p != '"')
			return outside(value, err);
		if (quoted(&p, ++nth, out, value, err) == -1)
			return -1;
		while (is_space(*p))
			p++;
	}
	return 0;
}

int
txt_decode(const char *value, struct buf *out, struct err *err)
{
	size_t	 start = out->len;

	if (decode(value, out, err) == 0)
		return 0;
	/* Leave out as the caller gave it. */
	out->len = start;
	if (out->data != NULL)
		out->data[start] = '\0';
	return -1;
}

/*
 * The split policy: how many bytes of text, starting at its beginning, go
 * into the next character-string.  TXT_SPLIT_TERMS ends the string before
 * a space (never at offset 0, which would make no progress), so each
 * string after the first starts with the space that separated two terms.
 */
static size_t
next_chunk(const unsigned char *text, size_t len, size_t max,
    enum txt_split policy)
{
	size_t	 i;

	if (len <= max)
		return len;
	if (policy == TXT_SPLIT_TERMS)
		for (i = max; i > 0; i--)
			if (text[i] == ' ')
				return i;
	return max;
}

static void
add_quoted(const unsigned char *s, size_t n, struct buf *out)
{
	size_t	 i;

	buf_addc(out, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\') {
			buf_addc(out, '\\');
			buf_addc(out, (char)s[i]);
		} else if (s[i] < 0x20 || s[i] > 0x7e)
			buf_addf(out, "\\%03o", s[i]);
		else
			buf_addc(out, (char)s[i]);
	}
	buf_addc(out, '"');
}

void
txt_encode_split(const char *text, enum txt_split policy, struct buf *out)
{
	const unsigned char	*p = (const unsigned char *)text;
	size_t			 len = strlen(text), n;

	if (len == 0) {
		buf_adds(out, "\"\"");
		return;
	}
	/* Split decoded bytes first, then escape: no escape is ever cut. */
	while (len > 0) {
		n = next_chunk(p, len, TXT_STRING_MAX, policy);
		add_quoted(p, n, out);
		p += n;
		len -= n;
		if (len > 0)
			buf_addc(out, ' ');
	}
}

void
txt_encode(const char *text, struct buf *out)
{
	txt_encode_split(text, TXT_SPLIT_BYTES, out);
}

void
tag_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

int
tag_next_item(const char **pp, char sep, const char **s, size_t *n)
{
	const char	*p = *pp, *e;

	if (p == NULL)
		return 0;
	if ((e = strchr(p, sep)) == NULL) {
		*n = strlen(p);
		*pp = NULL;
	} else {
		*n = (size_t)(e - p);
		*pp = e + 1;
	}
	*s = p;
	tag_trim(s, n);
	return 1;
}

int
tag_version_is(const char *text, const char *version)
{
	const char	*p = text;
	size_t		 n = strlen(version);

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != 'v' && *p != 'V')
		return 0;
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	if (*p != '=')
		return 0;
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	if (strncasecmp(p, version, n) != 0)
		return 0;
	p += n;
	return *p == '\0' || *p == ';' || *p == ' ' || *p == '\t';
}
