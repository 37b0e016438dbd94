/*
 * container.c - what an object holds, told by its content and never by
 * its name, and unpacked: XML as is, gzip (zlib, streamed), zip
 * (libarchive, from memory: a zip is read from its central directory),
 * and e-mail messages (GMime), whose attachments are any of the others.
 *
 * Limits, for hostile input: a plain XML, gzip or zip larger than
 * max_size, or an e-mail larger than twice that, is refused unread; every
 * report stops being read once it has decompressed to more than max_size,
 * and so do all the reports of one object together; a zip is read up to
 * max_members members.  An e-mail is scanned before GMime parses it
 * (mail_scan()): GMime builds the whole tree first, at many times the
 * size of a deep nesting or a long header, so that the limits on those
 * must hold before it starts.  A refusal is a rejection of that report or
 * that object; the reading goes on.
 *
 * What is found goes to the callbacks of a struct report_found (internal.h):
 * this file knows nothing of where objects come from (source.c).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <gmime/gmime.h>
#include <zlib.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "internal.h"

#define MAIL_DEPTH_MAX	8	/* multiparts and messages nested */
#define MAIL_FIELD_MAX	(64 * 1024)	/* bytes of a header field, folded */
#define MAIL_FIELDS_MAX	1000	/* header fields of one part */
#define MAIL_TYPES_MAX	1000	/* Content-Type lines of one e-mail */
#define GZ_CHUNK	16384

enum kind {
	K_EMPTY,
	K_XML,
	K_GZIP,
	K_ZIP,
	K_MAIL,
	K_OTHER
};

#define ALLOW(k)	(1u << (k))

/* One object being read. */
struct object {
	const struct report_found *to;
	const char		*name;
	uint64_t		 budget;	/* decompressed bytes left */
	size_t			 found;		/* reports met, good or bad */
	struct buf		 where;		/* "attachment 'x': member 'y': " */
};

static void	payload(struct object *, struct rstream *, int64_t, unsigned int,
		    const char *);

static void
reject(struct object *o, const char *fmt, ...)
{
	struct buf	 b = BUF_INIT;
	va_list		 ap;

	buf_adds(&b, buf_str(&o->where));
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	o->to->reject(o->to->arg, o->name, buf_str(&b));
	buf_release(&b);
}

/* "64 MiB", "2.0 GiB", "100 bytes" into out. */
static void
size_format(uint64_t n, char out[32])
{
	if (n >= (1ull << 30) && n % (1ull << 30) != 0)
		snprintf(out, 32, "%.1f GiB", (double)n / (1ull << 30));
	else if (n >= (1ull << 30))
		snprintf(out, 32, "%llu GiB", (unsigned long long)(n >> 30));
	else if (n >= (1ull << 20) && n % (1ull << 20) != 0)
		snprintf(out, 32, "%.1f MiB", (double)n / (1ull << 20));
	else if (n >= (1ull << 20))
		snprintf(out, 32, "%llu MiB", (unsigned long long)(n >> 20));
	else if (n >= 1024 && n % 1024 != 0)
		snprintf(out, 32, "%.1f KiB", (double)n / 1024);
	else if (n >= 1024)
		snprintf(out, 32, "%llu KiB", (unsigned long long)(n >> 10));
	else
		snprintf(out, 32, "%llu byte%s", (unsigned long long)n,
		    n == 1 ? "" : "s");
}

/* Appends "KIND 'NAME': " to where; returns the length to cut back to. */
static size_t
where_push(struct object *o, const char *kind, const char *name)
{
	size_t	 len = o->where.len, i;

	buf_addf(&o->where, "%s '", kind);
	for (i = 0; i < 200 && name[i] != '\0'; i++)
		buf_addc(&o->where, (unsigned char)name[i] < 0x20 ||
		    name[i] == 0x7f ? '?' : name[i]);
	buf_adds(&o->where, i < strlen(name) ? "...': " : "': ");
	return len;
}

static void
where_pop(struct object *o, size_t len)
{
	o->where.len = len;
	if (o->where.data != NULL)
		o->where.data[len] = '\0';
}

/* --- telling the content --- */

static int
blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static enum kind
sniff(const unsigned char *p, size_t n)
{
	size_t	 i = 0;

	if (n == 0)
		return K_EMPTY;
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return K_GZIP;
	if (n >= 4 && (memcmp(p, "PK\3\4", 4) == 0 ||
	    memcmp(p, "PK\5\6", 4) == 0))
		return K_ZIP;
	/* UTF-16, with a byte order mark or without. */
	if (n >= 2 && ((p[0] == 0xfe && p[1] == 0xff) ||
	    (p[0] == 0xff && p[1] == 0xfe) || (p[0] == '<' && p[1] == 0) ||
	    (p[0] == 0 && p[1] == '<')))
		return K_XML;
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && blank(p[i]))
		i++;
	if (i < n && p[i] == '<')
		return K_XML;
	if (i == n)
		return n == RSTREAM_PEEK ? K_XML : K_OTHER;
	if (n >= 5 && memcmp(p, "From ", 5) == 0)
		return K_MAIL;
	/* A header field: a name of printable characters, then a colon. */
	for (i = 0; i < n && p[i] > ' ' && p[i] < 0x7f && p[i] != ':'; i++)
		;
	if (i > 0 && i < n && p[i] == ':')
		return K_MAIL;
	return K_OTHER;
}

static const char *
kind_name(enum kind k)
{
	switch (k) {
	case K_XML:
		return "XML";
	case K_GZIP:
		return "gzip data";
	case K_ZIP:
		return "a zip archive";
	case K_MAIL:
		return "an e-mail message";
	default:
		return "an unknown kind of data";
	}
}

/* --- limits --- */

struct limited {
	struct rstream	*in;
	struct object	*o;
	uint64_t	 left;		/* for this report */
	uint64_t	 max;
};

static ssize_t
limited_fill(void *arg, unsigned char *buf, size_t len, struct err *err)
{
	struct limited	*l = arg;
	char		 size[32];
	ssize_t		 n;

	if ((n = rstream_read(l->in, buf, len, err)) <= 0)
		return n;
	size_format(l->max, size);
	if ((uint64_t)n > l->left)
		return err_set(err, "refused: the report is larger than %s "
		    "once decompressed (--max-report-size), as a zip or gzip "
		    "bomb is", size);
	if ((uint64_t)n > l->o->budget)
		return err_set(err, "refused: its reports together are larger "
		    "than %s once decompressed (--max-report-size), as a zip "
		    "or gzip bomb is", size);
	l->left -= (uint64_t)n;
	l->o->budget -= (uint64_t)n;
	return n;
}

/* One report from the XML in in. */
static void
xml(struct object *o, struct rstream *in)
{
	struct limited	 l;
	struct rstream	 s;
	struct report	 r;
	struct err	 err;

	l.in = in;
	l.o = o;
	l.left = l.max = o->to->limits->max_size;
	rstream_init(&s, limited_fill, &l);
	err_clear(&err);
	o->found++;
	if (report_parse(&s, &r, &err) == -1) {
		reject(o, "%s", err.msg);
		return;
	}
	o->to->report(o->to->arg, o->name, &r);
	report_release(&r);
}

/* Everything in in, at most max bytes, into b; -1 when larger. */
static int
slurp(struct rstream *in, uint64_t max, struct buf *b, struct err *err)
{
	unsigned char	 chunk[16384];
	ssize_t		 n;

	while ((n = rstream_read(in, chunk, sizeof(chunk), err)) > 0) {
		if (b->len + (uint64_t)n > max)
			return err_set(err, "too large");
		buf_add(b, chunk, (size_t)n);
	}
	return n < 0 ? -1 : 0;
}

/* --- gzip --- */

struct gunzip {
	struct rstream	*in;
	z_stream	 z;
	unsigned char	 buf[GZ_CHUNK];
	int		 member;	/* inside a gzip member */
	int		 end;
};

/* After a member: another one follows, or the stream ends (bytes that
 * are not a gzip header are ignored, as gzip(1) ignores them). */
static int
gunzip_next(struct gunzip *g, struct err *err)
{
	ssize_t	 n;

	if (g->z.avail_in == 0) {
		if ((n = rstream_read(g->in, g->buf, sizeof(g->buf), err)) < 0)
			return -1;
		g->z.next_in = g->buf;
		g->z.avail_in = (uInt)n;
	}
	if (g->z.avail_in == 0 || g->z.next_in[0] != 0x1f) {
		g->end = 1;
		return 0;
	}
	if (inflateReset(&g->z) != Z_OK)
		return err_set(err, "corrupt gzip data");
	g->member = 1;
	return 0;
}

static ssize_t
gunzip_fill(void *arg, unsigned char *out, size_t len, struct err *err)
{
	struct gunzip	*g = arg;
	ssize_t		 n;
	int		 zr;

	if (len > UINT_MAX)
		len = UINT_MAX;
	g->z.next_out = out;
	g->z.avail_out = (uInt)len;
	while (!g->end && g->z.avail_out == len) {
		if (!g->member) {
			if (gunzip_next(g, err) == -1)
				return -1;
			continue;
		}
		if (g->z.avail_in == 0) {
			n = rstream_read(g->in, g->buf, sizeof(g->buf), err);
			if (n < 0)
				return -1;
			if (n == 0)
				return err_set(err, "truncated gzip data: it "
				    "ends in the middle of the compressed "
				    "stream");
			g->z.next_in = g->buf;
			g->z.avail_in = (uInt)n;
		}
		zr = inflate(&g->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			g->member = 0;
		else if (zr == Z_MEM_ERROR)
			return err_set(err, "out of memory decompressing gzip "
			    "data");
		else if (zr != Z_OK && zr != Z_BUF_ERROR)
			return err_set(err, "corrupt gzip data: %s",
			    g->z.msg != NULL ? g->z.msg : "invalid stream");
	}
	return (ssize_t)(len - g->z.avail_out);
}

static void
gzip(struct object *o, struct rstream *in)
{
	struct gunzip	*g = xcalloc(1, sizeof(*g));
	struct rstream	 s;

	g->in = in;
	g->member = 1;
	if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
		reject(o, "cannot start decompressing gzip data");
		free(g);
		return;
	}
	rstream_init(&s, gunzip_fill, g);
	payload(o, &s, -1, ALLOW(K_XML), "gzip data");
	inflateEnd(&g->z);
	free(g);
}

/* --- zip --- */

struct member {
	struct archive	*a;
};

static ssize_t
member_fill(void *arg, unsigned char *buf, size_t len, struct err *err)
{
	struct member	*m = arg;
	la_ssize_t	 n;

	if ((n = archive_read_data(m->a, buf, len)) < 0)
		return err_set(err, "the zip member cannot be read: %s",
		    archive_error_string(m->a) != NULL ?
		    archive_error_string(m->a) : "unknown error");
	return (ssize_t)n;
}

/* The members of the archive, counting no further than max + 1;
 * -1 when it cannot be read (zip() then says why). */
static long
zip_count(const void *data, size_t len, size_t max)
{
	struct archive		*a = archive_read_new();
	struct archive_entry	*e;
	long			 n = 0;
	int			 r;

	if (a == NULL)
		return -1;
	archive_read_support_format_zip_seekable(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		archive_read_free(a);
		return -1;
	}
	while ((size_t)n <= max && ((r = archive_read_next_header(a, &e)) ==
	    ARCHIVE_OK || r == ARCHIVE_WARN))
		n++;
	archive_read_free(a);
	return n;
}

/*
 * Every member, each a report (XML or gzip).  The members are counted
 * first, from the central directory: an archive over the limit is
 * refused whole.
 */
static void
zip(struct object *o, const void *data, size_t len)
{
	struct archive		*a = archive_read_new();
	struct archive_entry	*e;
	struct member		 m;
	struct rstream		 s;
	const char		*name;
	size_t			 members = 0, files = 0, cut;
	int			 r;

	if (a == NULL) {
		reject(o, "out of memory reading a zip archive");
		return;
	}
	if (zip_count(data, len, o->to->limits->max_members) >
	    (long)o->to->limits->max_members) {
		reject(o, "refused: the zip archive has more than %zu members",
		    o->to->limits->max_members);
		goto out;
	}
	archive_read_support_format_zip_seekable(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		reject(o, "not a readable zip archive: %s",
		    archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		members++;
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		files++;
		if ((name = archive_entry_pathname(e)) == NULL)
			name = "?";
		cut = where_push(o, "member", name);
		if (archive_entry_is_encrypted(e))
			reject(o, "encrypted, not read");
		else {
			m.a = a;
			rstream_init(&s, member_fill, &m);
			payload(o, &s, archive_entry_size_is_set(e) ?
			    (int64_t)archive_entry_size(e) : -1,
			    ALLOW(K_XML) | ALLOW(K_GZIP), "a zip archive");
		}
		where_pop(o, cut);
	}
	if (r != ARCHIVE_EOF)
		reject(o, "%s: %s", members == 0 ? "not a readable zip archive" :
		    "the zip archive is damaged", archive_error_string(a) != NULL ?
		    archive_error_string(a) : "unknown error");
	else if (files == 0)
		reject(o, "the zip archive holds no file");
out:
	archive_read_free(a);
}

/* --- e-mail --- */

static void
mail_part(struct object *o, GMimeObject *part, int depth)
{
	GMimeContentType	*ct;
	GMimeDataWrapper	*content;
	GMimeStream		*mem;
	GMimeMessage		*msg;
	GByteArray		*bytes;
	struct rstream		 s;
	struct rmem		 rm;
	const char		*file;
	enum kind		 k;
	size_t			 cut;
	int			 i, n;

	if (part == NULL || depth > MAIL_DEPTH_MAX)
		return;
	if (GMIME_IS_MULTIPART(part)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(part));
		for (i = 0; i < n; i++)
			mail_part(o, g_mime_multipart_get_part(
			    GMIME_MULTIPART(part), i), depth + 1);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(part)) {
		msg = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
		if (msg != NULL)
			mail_part(o, g_mime_message_get_mime_part(msg),
			    depth + 1);
		return;
	}
	if (!GMIME_IS_PART(part))
		return;
	/* The message's own text is not a report. */
	ct = g_mime_object_get_content_type(part);
	file = g_mime_part_get_filename(GMIME_PART(part));
	if (file == NULL && ct != NULL &&
	    (g_mime_content_type_is_type(ct, "text", "plain") ||
	    g_mime_content_type_is_type(ct, "text", "html")))
		return;
	if ((content = g_mime_part_get_content(GMIME_PART(part))) == NULL)
		return;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(content, mem) == -1) {
		g_object_unref(mem);
		return;
	}
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	k = sniff(bytes->data, bytes->len < RSTREAM_PEEK ? bytes->len :
	    RSTREAM_PEEK);
	if (k == K_XML || k == K_GZIP || k == K_ZIP) {
		cut = where_push(o, "attachment", file != NULL ? file :
		    "(no name)");
		rstream_mem(&s, &rm, bytes->data, bytes->len);
		payload(o, &s, (int64_t)bytes->len, ALLOW(K_XML) |
		    ALLOW(K_GZIP) | ALLOW(K_ZIP), "an e-mail message");
		where_pop(o, cut);
	}
	g_object_unref(mem);
}

/*
 * The pre-scan of an e-mail: one linear pass over its lines that follows
 * the MIME structure as GMime will (headers, Content-Type, boundaries) and
 * refuses, before GMime builds anything, what the limits forbid: parts
 * nested more than MAIL_DEPTH_MAX deep (multiparts and attached messages;
 * mail_part() never looks deeper), a header field longer than
 * MAIL_FIELD_MAX with its folded lines, more than MAIL_FIELDS_MAX fields
 * in one header.  Whatever it cannot follow, GMime must not either: more
 * than MAIL_TYPES_MAX lines anywhere that start "Content-Type" (each
 * nesting needs one) and a boundary parameter it cannot read are refused.
 */
struct mscan {
	struct {
		char	*boundary;	/* NULL: an attached message */
		int	 digest;	/* its parts are messages by default */
	} open[MAIL_DEPTH_MAX];
	size_t		 n;
	int		 header;	/* in a header */
	size_t		 field;		/* bytes of the field being read */
	size_t		 nfields;
	size_t		 ntypes;
	int		 in_type;	/* the field is Content-Type */
	struct buf	 type;		/* its value, unfolded */
	int		 have_type;
};

/* Whether line is "--BOUNDARY" (*close 0) or "--BOUNDARY--" (*close 1),
 * maybe followed by white space. */
static int
is_delimiter(const char *line, size_t len, const char *b, int *close)
{
	size_t	 bl = strlen(b), i;

	if (len < bl + 2 || line[0] != '-' || line[1] != '-' ||
	    memcmp(line + 2, b, bl) != 0)
		return 0;
	i = bl + 2;
	*close = len - i >= 2 && line[i] == '-' && line[i + 1] == '-';
	for (i += *close ? 2 : 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return 0;
	return 1;
}

/* Whether s[0, n) holds word, in any case. */
static const char *
find_word(const char *s, size_t n, const char *word)
{
	size_t	 wl = strlen(word), i;

	for (i = 0; i + wl <= n; i++)
		if (strncasecmp(s + i, word, wl) == 0)
			return s + i;
	return NULL;
}

/* The boundary parameter of a Content-Type value (malloc'd), NULL when
 * there is none; -1 when there is one it cannot read. */
static int
boundary_of(const char *v, size_t n, char **out)
{
	const char	*p = v, *e = v + n;
	struct buf	 b = BUF_INIT;

	*out = NULL;
	while ((p = find_word(p, (size_t)(e - p), "boundary")) != NULL) {
		if (p > v && p[-1] != ';' && p[-1] != ' ' && p[-1] != '\t') {
			p += 8;
			continue;
		}
		for (p += 8; p < e && (*p == ' ' || *p == '\t'); p++)
			;
		if (p == e || *p != '=')
			return -1;	/* boundary*=, boundary*0*= ... */
		for (p++; p < e && (*p == ' ' || *p == '\t'); p++)
			;
		if (p < e && *p == '"') {
			for (p++; p < e && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < e)
					p++;
				buf_addc(&b, *p);
			}
			if (p == e) {
				buf_release(&b);
				return -1;
			}
		} else
			for (; p < e && *p != ';' && *p != ' ' && *p != '\t';
			    p++)
				buf_addc(&b, *p);
		if (b.len == 0 || b.len > 200) {
			buf_release(&b);
			return -1;
		}
		*out = buf_detach(&b);
		return 0;
	}
	return 0;
}

static void
mscan_new_part(struct mscan *m)
{
	m->header = 1;
	m->nfields = 0;
	m->field = 0;
	m->in_type = 0;
	m->have_type = 0;
	buf_reset(&m->type);
}

static int
mscan_push(struct mscan *m, char *boundary, int digest, struct err *err)
{
	if (m->n == MAIL_DEPTH_MAX) {
		free(boundary);
		return err_set(err, "refused: the e-mail nests multiparts and "
		    "attached messages more than %d deep", MAIL_DEPTH_MAX);
	}
	m->open[m->n].boundary = boundary;
	m->open[m->n].digest = digest;
	m->n++;
	return 0;
}

static void
mscan_pop(struct mscan *m, size_t to)
{
	while (m->n > to)
		free(m->open[--m->n].boundary);
}

/* The end of a part's header: what its Content-Type makes of the body. */
static int
mscan_body(struct mscan *m, struct err *err)
{
	const char	*v = buf_str(&m->type);
	size_t		 n = strcspn(v, ";");
	char		*b;
	int		 digest, message;

	m->header = 0;
	if (!m->have_type) {
		/* A part of a multipart/digest is a message by default. */
		if (m->n == 0 || !m->open[m->n - 1].digest ||
		    m->open[m->n - 1].boundary == NULL)
			return 0;
		message = 1;
	} else if (find_word(v, n, "multipart") != NULL) {
		digest = find_word(v, n, "digest") != NULL;
		if (boundary_of(v + n, m->type.len - n, &b) == -1)
			return err_set(err, "refused: the e-mail has a "
			    "multipart boundary mailauth cannot read");
		if (b == NULL)
			return 0;	/* GMime finds no parts in it either */
		return mscan_push(m, b, digest, err);
	} else
		message = find_word(v, n, "message/") != NULL &&
		    find_word(v, n, "partial") == NULL &&
		    find_word(v, n, "external-body") == NULL;
	if (!message)
		return 0;
	if (mscan_push(m, NULL, 0, err) == -1)
		return -1;
	mscan_new_part(m);
	return 0;
}

static int
mscan_header_line(struct mscan *m, const char *line, size_t len,
    struct err *err)
{
	const char	*colon;
	size_t		 name;

	if (line[0] == ' ' || line[0] == '\t') {
		m->field += len;
		if (m->in_type && m->type.len <= MAIL_FIELD_MAX)
			buf_add(&m->type, line, len);
	} else {
		if (++m->nfields > MAIL_FIELDS_MAX)
			return err_set(err, "refused: a part of the e-mail "
			    "has more than %d header fields", MAIL_FIELDS_MAX);
		m->field = len;
		m->in_type = 0;
		if ((colon = memchr(line, ':', len)) != NULL) {
			for (name = (size_t)(colon - line); name > 0 &&
			    (line[name - 1] == ' ' || line[name - 1] == '\t');
			    name--)
				;
			if (name == 12 && strncasecmp(line, "content-type",
			    12) == 0) {
				m->in_type = m->have_type = 1;
				buf_reset(&m->type);
				buf_add(&m->type, colon + 1,
				    len - (size_t)(colon - line) - 1);
			}
		}
	}
	if (m->field > MAIL_FIELD_MAX)
		return err_set(err, "refused: the e-mail has a header field "
		    "longer than %d KiB", MAIL_FIELD_MAX / 1024);
	return 0;
}

static int
mscan_line(struct mscan *m, const char *line, size_t len, struct err *err)
{
	size_t	 i;
	int	 close;

	if (len >= 12 && strncasecmp(line, "content-type", 12) == 0 &&
	    ++m->ntypes > MAIL_TYPES_MAX)
		return err_set(err, "refused: the e-mail has more than %d "
		    "Content-Type lines", MAIL_TYPES_MAX);
	if (len >= 2 && line[0] == '-' && line[1] == '-')
		for (i = m->n; i-- > 0; )
			if (m->open[i].boundary != NULL &&
			    is_delimiter(line, len, m->open[i].boundary,
			    &close)) {
				mscan_pop(m, close ? i : i + 1);
				if (close)
					m->header = 0;
				else
					mscan_new_part(m);
				return 0;
			}
	if (!m->header)
		return 0;
	if (len == 0)
		return mscan_body(m, err);
	return mscan_header_line(m, line, len, err);
}

static int
mail_scan(const char *data, size_t len, struct err *err)
{
	struct mscan	 m;
	const char	*p = data, *e = data + len, *nl;
	size_t		 n;
	int		 rc = 0;

	memset(&m, 0, sizeof(m));
	buf_init(&m.type);
	mscan_new_part(&m);
	while (p < e && rc == 0) {
		nl = memchr(p, '\n', (size_t)(e - p));
		n = (size_t)((nl != NULL ? nl : e) - p);
		rc = mscan_line(&m, p, n > 0 && p[n - 1] == '\r' ? n - 1 : n,
		    err);
		p += n + 1;
	}
	mscan_pop(&m, 0);
	buf_release(&m.type);
	return rc;
}

static void
mail(struct object *o, const void *data, size_t len)
{
	GMimeStream	*s;
	GMimeParser	*ps;
	GMimeMessage	*m;
	struct err	 err;
	size_t		 before = o->found;

	err_clear(&err);
	if (mail_scan(data, len, &err) == -1) {
		reject(o, "%s", err.msg);
		return;
	}
	s = g_mime_stream_mem_new_with_buffer(data, len);
	ps = g_mime_parser_new_with_stream(s);
	if (len >= 5 && memcmp(data, "From ", 5) == 0)
		g_mime_parser_set_format(ps, GMIME_FORMAT_MBOX);
	if ((m = g_mime_parser_construct_message(ps, NULL)) == NULL)
		reject(o, "not a readable e-mail message");
	else {
		mail_part(o, g_mime_message_get_mime_part(m), 0);
		if (o->found == before)
			reject(o, "no DMARC report in the e-mail message: no "
			    "part of it is XML, gzip or zip");
		g_object_unref(m);
	}
	g_object_unref(ps);
	g_object_unref(s);
}

/* --- dispatch --- */

/*
 * Reads what in holds, if its kind is among allowed (inside names the
 * container, for the message when it is not); size is its size when
 * known, -1 otherwise.
 */
static void
payload(struct object *o, struct rstream *in, int64_t size,
    unsigned int allowed, const char *inside)
{
	const unsigned char	*p;
	uint64_t		 max = o->to->limits->max_size;
	struct buf		 b = BUF_INIT;
	struct err		 err;
	char			 have[32], lim[32];
	enum kind		 k;
	size_t			 n;

	err_clear(&err);
	if (rstream_peek(in, &p, &n, &err) == -1) {
		reject(o, "%s", err.msg);
		return;
	}
	k = sniff(p, n);
	if (k == K_EMPTY) {
		reject(o, inside != NULL ? "empty" : "empty file");
		return;
	}
	if (k == K_OTHER) {
		reject(o, "not a DMARC report: the content is neither XML, "
		    "gzip, zip nor an e-mail message");
		return;
	}
	if (!(allowed & ALLOW(k))) {
		reject(o, "%s inside %s is not read", kind_name(k), inside);
		return;
	}
	size_format(max, lim);
	if (size >= 0 && (uint64_t)size > (k == K_MAIL ? 2 * max : max)) {
		size_format((uint64_t)size, have);
		reject(o, "refused: %s of %s is larger than %s%s "
		    "(--max-report-size)", kind_name(k), have,
		    k == K_MAIL ? "twice " : "", lim);
		return;
	}
	switch (k) {
	case K_XML:
		xml(o, in);
		break;
	case K_GZIP:
		gzip(o, in);
		break;
	case K_ZIP:
	case K_MAIL:
		if (slurp(in, k == K_MAIL ? 2 * max : max, &b, &err) == -1) {
			if (strcmp(err.msg, "too large") == 0)
				reject(o, "refused: %s larger than %s%s "
				    "(--max-report-size)", kind_name(k),
				    k == K_MAIL ? "twice " : "", lim);
			else
				reject(o, "%s", err.msg);
			break;
		}
		if (k == K_ZIP)
			zip(o, b.data, b.len);
		else
			mail(o, b.data, b.len);
		break;
	default:
		break;
	}
	buf_release(&b);
}

void
report_container_init(void)
{
	g_mime_init();
}

void
report_container_read(const struct report_found *to, const char *name,
    struct rstream *in, int64_t size)
{
	struct object	 o;

	memset(&o, 0, sizeof(o));
	o.to = to;
	o.name = name;
	o.budget = to->limits->max_size;
	buf_init(&o.where);
	payload(&o, in, size, ALLOW(K_XML) | ALLOW(K_GZIP) | ALLOW(K_ZIP) |
	    ALLOW(K_MAIL), NULL);
	buf_release(&o.where);
}

/*
 * Linked into a program (the unit tests, the fuzz harnesses), containers
 * are always there.  In the mailauth binary this file is the shared
 * object mailauth-report.so instead, and load.c's report_reader_load()
 * finds it; the version it exports is checked there.
 */
int
report_reader_load(struct err *err)
{
	(void)err;
	return 0;
}

const char report_container_version[] = MAILAUTH_VERSION;
