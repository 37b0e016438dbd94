/*
 * name.c - DNS names in Route 53's canonical form, Route 53's order of
 * names, host name checks, and internationalized names (IDNA2008 with
 * libidn2, the only <idn2.h> user).
 */
#include <ctype.h>
#include <idn2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"

#define NAME_MAX_WIRE	255
#define NAME_MAX_TEXT	253	/* presentation form, no final dot */
#define LABEL_MAX	63
#define LABELS_MAX	128	/* in a name of 255 bytes */

/* 1 when s holds a byte outside ASCII. */
static int
eight_bit(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* Route 53 leaves these bytes as they are; it escapes every other one. */
static int
plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_';
}

/*
 * Decodes one byte at *pp, which may be a "\ooo" or "\c" escape, and
 * advances *pp past it.  *escaped is set when the byte came from an escape,
 * so an escaped dot is part of a label rather than a separator.
 */
static int
next_byte(const char **pp, unsigned char *out, int *escaped)
{
	const char	*p = *pp;

	*escaped = 0;
	if (*p != '\\') {
		*out = (unsigned char)*p;
		*pp = p + 1;
		return 0;
	}
	*escaped = 1;
	/* A digit starts a numeric escape: exactly three octal digits, not
	 * a "\c" escape of the digit ("\12" and "\08" are mistakes). */
	if (isdigit((unsigned char)p[1])) {
		if (p[1] > '3' || p[2] < '0' || p[2] > '7' || p[3] < '0' ||
		    p[3] > '7')
			return -1;
		*out = (unsigned char)((p[1] - '0') * 64 + (p[2] - '0') * 8 +
		    (p[3] - '0'));
		*pp = p + 4;
		return 0;
	}
	if (p[1] == '\0')
		return -1;
	*out = (unsigned char)p[1];
	*pp = p + 2;
	return 0;
}

char *
dns_name_canon(const char *name, struct err *err)
{
	struct buf	 out = BUF_INIT;
	const char	*p = name;
	size_t		 label = 0, wire = 1;
	unsigned char	 c;
	int		 escaped;

	if (name == NULL || *name == '\0' || strcmp(name, ".") == 0) {
		err_set(err, "empty DNS name");
		return NULL;
	}
	while (*p != '\0') {
		if (next_byte(&p, &c, &escaped) == -1) {
			err_set(err, "'%s': bad escape in DNS name", name);
			goto fail;
		}
		if (c == '.' && !escaped) {
			if (label == 0) {
				err_set(err, "'%s': empty label in DNS name", name);
				goto fail;
			}
			buf_addc(&out, '.');
			label = 0;
			continue;
		}
		if (++label > LABEL_MAX) {
			err_set(err, "'%s': label longer than %d bytes", name,
			    LABEL_MAX);
			goto fail;
		}
		wire++;
		c = (unsigned char)tolower(c);
		if (plain(c))
			buf_addc(&out, (char)c);
		else
			buf_addf(&out, "\\%03o", c);
		if (label == 1)
			wire++;
	}
	if (label > 0)
		buf_addc(&out, '.');
	if (wire > NAME_MAX_WIRE) {
		err_set(err, "'%s': DNS name longer than %d bytes", name,
		    NAME_MAX_WIRE);
		goto fail;
	}
	return buf_detach(&out);
fail:
	buf_release(&out);
	return NULL;
}

char *
dns_name_display(const char *canon)
{
	struct buf	 out = BUF_INIT;
	const char	*p = canon;
	unsigned char	 c;
	int		 escaped;

	while (*p != '\0') {
		const char	*start = p;

		if (next_byte(&p, &c, &escaped) == -1) {
			buf_adds(&out, start);
			break;
		}
		if (c == '.' && !escaped && *p == '\0')
			break;
		/* Keep an escape where decoding it would change the name. */
		if (escaped && (c <= 0x20 || c >= 0x7f || c == '.' || c == '\\'))
			buf_add(&out, start, (size_t)(p - start));
		else
			buf_addc(&out, (char)c);
	}
	return buf_detach(&out);
}

int
dns_name_in_zone(const char *canon, const char *zone)
{
	size_t	 n = strlen(canon), z = strlen(zone);

	if (n < z || strcmp(canon + n - z, zone) != 0)
		return 0;
	/* A label boundary must precede the zone: "xexample.com." is not in
	 * "example.com.", and an escaped "\." is not a boundary. */
	return n == z || (canon[n - z - 1] == '.' &&
	    (n - z < 2 || canon[n - z - 2] != '\\'));
}

/* Where each label of a name starts and ends, in the name as written. */
struct labels {
	const char	*start[LABELS_MAX];
	const char	*end[LABELS_MAX];
	size_t		 n;
};

/* Splits name at its unescaped dots; -1 when it has too many labels to be
 * a name.  A trailing dot ends the last label and starts none. */
static int
split_labels(const char *name, struct labels *l)
{
	const char	*p = name, *start = name;
	unsigned char	 c;
	int		 escaped;

	l->n = 0;
	while (*p != '\0') {
		const char	*at = p;

		if (next_byte(&p, &c, &escaped) == -1)
			p = at + 1;	/* a stray backslash is a byte */
		else if (c == '.' && !escaped) {
			if (l->n == LABELS_MAX)
				return -1;
			l->start[l->n] = start;
			l->end[l->n++] = at;
			start = p;
		}
	}
	if (p > start) {
		if (l->n == LABELS_MAX)
			return -1;
		l->start[l->n] = start;
		l->end[l->n++] = p;
	}
	return 0;
}

/* The next byte of a label with escapes decoded, or '.' at its end. */
static int
label_byte(const char **pp, const char *end)
{
	const char	*at = *pp;
	unsigned char	 c;
	int		 escaped;

	if (at >= end)
		return '.';
	if (next_byte(pp, &c, &escaped) == -1 || *pp > end) {
		*pp = at + 1;
		return (unsigned char)*at;
	}
	return c;
}

/* Route 53 sorts "com.example.www." as text; see dns.h. */
int
dns_name_cmp(const char *a, const char *b)
{
	struct labels	 la, lb;
	const char	*pa, *pb;
	size_t		 i, j;
	int		 ca, cb, enda, endb;

	if (split_labels(a, &la) == -1 || split_labels(b, &lb) == -1)
		return strcmp(a, b);
	for (i = la.n, j = lb.n; i > 0 && j > 0; i--, j--) {
		pa = la.start[i - 1];
		pb = lb.start[j - 1];
		for (;;) {
			enda = pa >= la.end[i - 1];
			endb = pb >= lb.end[j - 1];
			if (enda && endb)
				break;
			ca = label_byte(&pa, la.end[i - 1]);
			cb = label_byte(&pb, lb.end[j - 1]);
			if (ca != cb)
				return ca - cb;
			/* The end of one label against an escaped dot in the
			 * other: the shorter label first. */
			if (enda || endb)
				return enda ? -1 : 1;
		}
	}
	/* One name is the other's ancestor, or they are the same name. */
	return (i > 0) - (j > 0);
}

int
dns_hostname_check(const char *name, struct err *err)
{
	const char	*p, *label;
	size_t		 len = strlen(name), n;
	int		 labels = 0;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0)
		return err_set(err, "empty domain name");
	if (len > 253)
		return err_set(err, "'%s': longer than 253 characters", name);
	if (eight_bit(name)) {
		struct buf	 shown = BUF_INIT;

		buf_add_printable(&shown, name, strlen(name), 0);
		err_set(err, "'%s': characters outside ASCII; write an "
		    "internationalized name in A-labels (xn--...)",
		    buf_str(&shown));
		buf_release(&shown);
		return -1;
	}
	for (label = p = name; ; p++) {
		if (p < name + len && *p != '.') {
			unsigned char	c = (unsigned char)*p;

			if (!isalnum(c) && c != '-' && c != '_')
				return err_set(err, "'%s': '%c' is not allowed "
				    "in a domain name (letters, digits, '-' "
				    "and '_' only)", name, c);
			continue;
		}
		n = (size_t)(p - label);
		if (n == 0)
			return err_set(err, "'%s': empty label", name);
		if (n > LABEL_MAX)
			return err_set(err, "'%s': label longer than %d "
			    "characters", name, LABEL_MAX);
		if (label[0] == '-' || label[n - 1] == '-')
			return err_set(err, "'%s': a label cannot start or "
			    "end with '-'", name);
		labels++;
		if (p >= name + len)
			break;
		label = p + 1;
	}
	if (labels < 2)
		return err_set(err, "'%s': a mail domain needs at least two "
		    "labels, e.g. example.com", name);
	return 0;
}

/* 1 when name needs IDNA: a byte outside ASCII or a label "xn--". */
static int
needs_idna(const char *name)
{
	const char	*p;

	if (eight_bit(name))
		return 1;
	for (p = name; ; p++) {
		if (strncasecmp(p, "xn--", 4) == 0)
			return 1;
		if ((p = strchr(p, '.')) == NULL)
			return 0;
	}
}

char *
dns_name_to_ascii(const char *name, struct err *err)
{
	struct buf	 shown = BUF_INIT;
	char		*idn = NULL, *out;
	int		 rc;

	if (!needs_idna(name))
		return xstrdup(name);
	rc = idn2_to_ascii_8z(name, &idn, IDN2_NFC_INPUT |
	    IDN2_NONTRANSITIONAL);
	if (rc == IDN2_OK) {
		out = xstrdup(idn);
		idn2_free(idn);
		return out;
	}
	buf_add_printable(&shown, name, strlen(name), 0);
	err_set(err, "'%s' is not a valid internationalized domain name "
	    "(IDNA2008): %s", buf_str(&shown), idn2_strerror(rc));
	buf_release(&shown);
	return NULL;
}

char *
dns_name_both(const char *name)
{
	char	*u = NULL, *out;

	if (!needs_idna(name) ||
	    idn2_to_unicode_8z8z(name, &u, 0) != IDN2_OK)
		return xstrdup(name);
	out = strcmp(u, name) == 0 ? xstrdup(name) :
	    xasprintf("%s (%s)", u, name);
	idn2_free(u);
	return out;
}

int
dns_name_length_check(const char *name, struct err *err)
{
	const char	*p, *label;
	size_t		 len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len > NAME_MAX_TEXT)
		return err_set(err, "'%.*s' is %zu characters long; a DNS name "
		    "holds at most %d", (int)len, name, len, NAME_MAX_TEXT);
	for (label = p = name; p <= name + len; p++) {
		if (p < name + len && *p != '.')
			continue;
		if ((size_t)(p - label) > LABEL_MAX)
			return err_set(err, "'%.*s': label '%.*s' is %zu "
			    "characters long; a label holds at most %d",
			    (int)len, name, (int)(p - label), label,
			    (size_t)(p - label), LABEL_MAX);
		label = p + 1;
	}
	return 0;
}
