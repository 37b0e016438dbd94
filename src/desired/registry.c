/*
 * registry.c - the ownership registry's text (mailauth/registry.h): the
 * strict parser of what Route 53 holds at _mailauth.<domain> (untrusted:
 * fuzzed by tests/fuzz/fuzz_registry.c), and the one writer of it.  Which
 * token names which kind is a column of the kinds table (kinds.c).
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/desired.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/registry.h"

#define VERSION_NAME	"mailauth1"

int
registry_is_record(const char *text)
{
	return strncmp(text, "v=mailauth", 10) == 0;
}

/* --- parsing --- */

/* A run of bytes of the text. */
struct span {
	const char	*p;
	size_t		 n;
};

static void
trim(struct span *s)
{
	tag_trim(&s->p, &s->n);
}

/* Cuts s at the first c: *head before it, s after it; 0 when there is
 * none (head is then all of s, s empty). */
static int
cut(struct span *s, char c, struct span *head)
{
	const char	*q = memchr(s->p, c, s->n);

	head->p = s->p;
	if (q == NULL) {
		head->n = s->n;
		s->p += s->n;
		s->n = 0;
		return 0;
	}
	head->n = (size_t)(q - s->p);
	s->n -= head->n + 1;
	s->p = q + 1;
	return 1;
}

static int
plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	    c == '_';
}

/* 1 when the label of n bytes at p is canonical: plain bytes and "\ooo"
 * escapes of the others but capital letters, 1 to 63 bytes once
 * decoded. */
static int
label_ok(const char *p, size_t n)
{
	size_t	 i, bytes = 0;
	int	 v;

	for (i = 0; i < n; bytes++) {
		if (plain((unsigned char)p[i])) {
			i++;
			continue;
		}
		if (p[i] != '\\' || n - i < 4 || p[i + 1] < '0' ||
		    p[i + 1] > '3' || p[i + 2] < '0' || p[i + 2] > '7' ||
		    p[i + 3] < '0' || p[i + 3] > '7')
			return 0;
		v = (p[i + 1] - '0') * 64 + (p[i + 2] - '0') * 8 +
		    (p[i + 3] - '0');
		/* Canonical names lower-case letters rather than escape
		 * them, and escape only what is not plain. */
		if (plain((unsigned char)v) || (v >= 'A' && v <= 'Z'))
			return 0;
		i += 4;
	}
	return bytes >= 1 && bytes <= 63;
}

/* Checks one name of a list: REGISTRY_OK, or a fault with err. */
static enum registry_fault
name_check(struct span s, struct err *err)
{
	const char	*p = s.p, *end = s.p + s.n, *dot;
	int		 absolute = 0;

	if (s.n == 1 && s.p[0] == '@')
		return REGISTRY_OK;
	if (s.n > 1 && s.p[s.n - 1] == '.') {
		absolute = 1;
		end--;
	}
	for (;;) {
		dot = memchr(p, '.', (size_t)(end - p));
		if (!label_ok(p, (size_t)((dot != NULL ? dot : end) - p))) {
			err_set(err, "'%.*s' is not '@' or a relative name in "
			    "canonical form", (int)s.n, s.p);
			return REGISTRY_MALFORMED;
		}
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	if (absolute) {
		err_set(err, "'%.*s' is not relative to the domain: the "
		    "registry lists names below its own domain only",
		    (int)s.n, s.p);
		return REGISTRY_OUTSIDE;
	}
	return REGISTRY_OK;
}

static int
has(const struct registry *r, enum record_kind k, const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].kind == k && strlen(r->v[i].name) == n &&
		    memcmp(r->v[i].name, p, n) == 0)
			return 1;
	return 0;
}

/* Parses "TOKEN=NAME,..." into r; *seen marks the tokens met. */
static enum registry_fault
tag_parse(struct span s, struct registry *r, unsigned long *seen,
    struct err *err)
{
	struct span		 tok, name;
	enum record_kind	 k;
	enum registry_fault	 f, worst = REGISTRY_OK;
	struct registry_entry	*e;

	if (!cut(&s, '=', &tok)) {
		err_set(err, "'%.*s' is not TOKEN=NAMES", (int)tok.n, tok.p);
		return REGISTRY_MALFORMED;
	}
	trim(&tok);
	if (record_kind_from_token(tok.p, tok.n, &k) == -1) {
		err_set(err, "unknown kind '%.*s'", (int)tok.n, tok.p);
		return REGISTRY_MALFORMED;
	}
	if ((unsigned)k < sizeof(*seen) * 8 && (*seen & (1UL << k))) {
		err_set(err, "kind '%.*s' listed twice", (int)tok.n, tok.p);
		return REGISTRY_MALFORMED;
	}
	if ((unsigned)k < sizeof(*seen) * 8)
		*seen |= 1UL << k;
	trim(&s);
	if (s.n == 0) {
		err_set(err, "kind '%.*s' lists no name", (int)tok.n, tok.p);
		return REGISTRY_MALFORMED;
	}
	for (;;) {
		int	 more = cut(&s, ',', &name);

		trim(&name);
		if ((f = name_check(name, err)) == REGISTRY_MALFORMED)
			return f;
		if (f != REGISTRY_OK)
			worst = f;
		else if (has(r, k, name.p, name.n)) {
			err_set(err, "'%.*s' listed twice for kind '%.*s'",
			    (int)name.n, name.p, (int)tok.n, tok.p);
			return REGISTRY_MALFORMED;
		} else {
			e = xappend(&r->v, &r->n, sizeof(*r->v));
			e->kind = k;
			e->name = xstrndup(name.p, name.n);
		}
		if (!more)
			break;
	}
	return worst;
}

enum registry_fault
registry_parse(const char *text, size_t len, struct registry *r,
    struct err *err)
{
	struct span		 s = { text, len }, tag;
	enum registry_fault	 f, worst = REGISTRY_OK;
	unsigned long		 seen = 0;
	int			 more, first = 1;

	memset(r, 0, sizeof(*r));
	if (len > REGISTRY_TEXT_MAX) {
		err_set(err, "%zu bytes, over the limit of %d", len,
		    REGISTRY_TEXT_MAX);
		return REGISTRY_MALFORMED;
	}
	if (memchr(text, '\0', len) != NULL) {
		err_set(err, "holds a NUL byte");
		return REGISTRY_MALFORMED;
	}
	do {
		more = cut(&s, ';', &tag);
		trim(&tag);
		if (first) {
			struct span	 v;

			first = 0;
			cut(&tag, '=', &v);
			trim(&v);
			trim(&tag);
			if (v.n != 1 || v.p[0] != 'v' || tag.n !=
			    strlen(VERSION_NAME) || memcmp(tag.p, VERSION_NAME,
			    tag.n) != 0) {
				err_set(err, "does not start with '%s'",
				    REGISTRY_VERSION);
				f = REGISTRY_MALFORMED;
				goto fail;
			}
			continue;
		}
		/* Only the last tag, after a final ';', may be empty. */
		if (tag.n == 0 && !more)
			break;
		if (tag.n == 0) {
			err_set(err, "an empty tag");
			f = REGISTRY_MALFORMED;
			goto fail;
		}
		if ((f = tag_parse(tag, r, &seen, err)) == REGISTRY_MALFORMED)
			goto fail;
		if (f != REGISTRY_OK)
			worst = f;
	} while (more);
	if (worst == REGISTRY_OK)
		return REGISTRY_OK;
	f = worst;
fail:
	registry_release(r);
	return f;
}

/* --- the rest --- */

void
registry_add(struct registry *r, enum record_kind k, const char *name)
{
	struct registry_entry	*e;

	if (registry_has(r, k, name))
		return;
	e = xappend(&r->v, &r->n, sizeof(*r->v));
	e->kind = k;
	e->name = xstrdup(name);
}

int
registry_has(const struct registry *r, enum record_kind k, const char *name)
{
	return has(r, k, name, strlen(name));
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct registry_entry	*x = *(const struct registry_entry *const *)a;
	const struct registry_entry	*y = *(const struct registry_entry *const *)b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->name, y->name);
}

int
registry_render(const struct registry *r, struct buf *out, struct err *err)
{
	const struct registry_entry	**v;
	struct buf			  t = BUF_INIT;
	const char			 *tok;
	size_t				  i;
	int				  rc = 0;

	v = xcalloc(r->n + 1, sizeof(*v));
	for (i = 0; i < r->n; i++)
		v[i] = &r->v[i];
	qsort(v, r->n, sizeof(*v), entry_cmp);
	buf_adds(&t, REGISTRY_VERSION);
	for (i = 0; i < r->n; i++) {
		if ((tok = record_kind_token(v[i]->kind)) == NULL)
			continue;
		if (i > 0 && v[i - 1]->kind == v[i]->kind)
			buf_addc(&t, ',');
		else
			buf_addf(&t, "; %s=", tok);
		buf_adds(&t, v[i]->name);
	}
	if (t.len > REGISTRY_TEXT_MAX)
		rc = err_set(err, "the registry would be %zu bytes, over the "
		    "limit of %d", t.len, REGISTRY_TEXT_MAX);
	else
		buf_add(out, t.data, t.len);
	buf_release(&t);
	free(v);
	return rc;
}

void
registry_release(struct registry *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].name);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

char *
registry_name(const char *dcanon)
{
	return xasprintf("%s.%s", REGISTRY_LABEL, dcanon);
}

char *
registry_relative(const char *canon, const char *dcanon)
{
	size_t	 n = strlen(canon), dn = strlen(dcanon);

	if (strcmp(canon, dcanon) == 0)
		return xstrdup("@");
	if (n <= dn + 1 || strcmp(canon + n - dn, dcanon) != 0 ||
	    canon[n - dn - 1] != '.')
		return NULL;
	return xstrndup(canon, n - dn - 1);
}

char *
registry_absolute(const char *rel, const char *dcanon)
{
	char	*x, *c;

	if (strcmp(rel, "@") == 0)
		return xstrdup(dcanon);
	x = xasprintf("%s.%s", rel, dcanon);
	c = dns_name_canon(x, NULL);
	free(x);
	return c;
}
