/*
 * values.c - checks of single values (strings, bools, integers, enums,
 * lists, policy names) and of mappings (unknown, duplicate and missing
 * keys, with a "did you mean"), shared by the schema, rollout and root.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/dmarc.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/suggest.h"
#include "internal.h"

static void
unknown_key(struct ctx *c, const struct node *key, const char *path,
    const char *const *names, size_t n)
{
	struct buf	 msg = BUF_INIT;
	const char	*near;

	buf_adds(&msg, "unknown key; expected one of ");
	cfg_join_names(&msg, names, n);
	if ((near = suggest_closest(key->str, names, n)) != NULL)
		buf_addf(&msg, "; did you mean \"%s\"?", near);
	cfg_error_at(c, key, path, "%s", buf_str(&msg));
	buf_release(&msg);
}

/* A key the checks can use: a scalar without NUL. */
int
cfg_key_ok(struct ctx *c, const struct node *key, const char *path)
{
	if (key->type == NODE_ALIAS)
		return 0;
	if (key->type != NODE_SCALAR) {
		cfg_expect(c, key, path, "a key (a string)", 0);
		return 0;
	}
	if (strlen(key->str) != key->len) {
		cfg_error_at(c, key, path, "a key contains a NUL character");
		return 0;
	}
	return 1;
}

/*
 * Checks that n is a mapping whose keys are among names, each once, and
 * sets keys[i] and vals[i] to the key names[i] and its value (NULL when
 * absent).  Returns -1 when n is not a mapping (reported unless an alias).
 */
int
cfg_map_fields(struct ctx *c, const struct node *n, const char *path,
    const char *const *names, size_t nnames, const struct node **keys,
    const struct node **vals)
{
	size_t	 i, k;
	char	*kpath;

	for (k = 0; k < nnames; k++)
		keys[k] = vals[k] = NULL;
	if (n->type == NODE_ALIAS)
		return -1;
	if (n->type != NODE_MAP) {
		cfg_expect(c, n, path, "a mapping", 0);
		return -1;
	}
	for (i = 0; i + 1 < n->nkids; i += 2) {
		const struct node	*key = n->kids[i];

		if (!cfg_key_ok(c, key, path))
			continue;
		kpath = cfg_join(path, key->str);
		for (k = 0; k < nnames; k++)
			if (strcmp(names[k], key->str) == 0)
				break;
		if (k == nnames)
			unknown_key(c, key, kpath, names, nnames);
		else if (keys[k] != NULL)
			cfg_error_at(c, key, kpath,
			    "duplicate key (first at line "
			    "%d)", keys[k]->line);
		else {
			keys[k] = key;
			vals[k] = n->kids[i + 1];
		}
		free(kpath);
	}
	return 0;
}

/* A required key is missing: reported at where, the key (or the start)
 * of the mapping that should hold it. */
void
cfg_missing(struct ctx *c, const struct node *where, const char *path,
    const char *key, const char *hint)
{
	char	*kpath = cfg_join(path, key);

	cfg_error_at(c, where, kpath, "required key is missing%s%s",
	    hint != NULL ? "; " : "", hint != NULL ? hint : "");
	free(kpath);
}

const char *
cfg_get_str(struct ctx *c, const struct node *n, const char *path)
{
	if (n->type == NODE_ALIAS)
		return NULL;
	if (n->type != NODE_SCALAR || cfg_is_null(n) || n->len == 0) {
		cfg_expect(c, n, path, "a string", 0);
		return NULL;
	}
	if (strlen(n->str) != n->len) {
		cfg_error_at(c, n, path, "contains a NUL character");
		return NULL;
	}
	return n->str;
}

int
cfg_get_bool(struct ctx *c, const struct node *n, const char *path, int *out)
{
	if (n->type == NODE_ALIAS)
		return -1;
	if (n->type == NODE_SCALAR && n->plain && strcmp(n->str, "true") == 0)
		*out = 1;
	else if (n->type == NODE_SCALAR && n->plain &&
	    strcmp(n->str, "false") == 0)
		*out = 0;
	else {
		cfg_expect(c, n, path, "true or false", 1);
		return -1;
	}
	return 0;
}

int
cfg_get_int(struct ctx *c, const struct node *n, const char *path, long min,
    long max, long *out)
{
	struct buf	 what = BUF_INIT;
	size_t		 i;
	long		 v = 0;
	int		 ok, rc = -1;

	if (n->type == NODE_ALIAS)
		return -1;
	buf_addf(&what, "an integer from %ld to %ld", min, max);
	ok = n->type == NODE_SCALAR && n->plain && n->len > 0;
	for (i = 0; ok && i < n->len; i++)
		if (!isdigit((unsigned char)n->str[i]))
			ok = 0;
	if (!ok) {
		cfg_expect(c, n, path, buf_str(&what), 1);
		goto out;
	}
	if (n->len > 1 && n->str[0] == '0') {
		/* YAML 1.1 reads 0300 as octal, YAML 1.2 as decimal. */
		cfg_error_at(c, n, path, "leading zeros are ambiguous in YAML "
		    "(octal or decimal); write %s without them", n->str);
		goto out;
	}
	for (i = 0; i < n->len && v <= max; i++)
		v = v * 10 + (n->str[i] - '0');
	if (v < min || v > max) {
		cfg_expect(c, n, path, buf_str(&what), 1);
		goto out;
	}
	*out = v;
	rc = 0;
out:
	buf_release(&what);
	return rc;
}

/* Sets *idx to the index of the value in names. */
int
cfg_get_enum(struct ctx *c, const struct node *n, const char *path,
    const char *const *names, size_t nnames, size_t *idx)
{
	struct buf	 what = BUF_INIT;
	size_t		 i;

	if (n->type == NODE_ALIAS)
		return -1;
	if (n->type == NODE_SCALAR && strlen(n->str) == n->len) {
		for (i = 0; i < nnames; i++) {
			if (strcmp(n->str, names[i]) == 0) {
				*idx = i;
				return 0;
			}
		}
	}
	buf_adds(&what, "one of ");
	cfg_join_names(&what, names, nnames);
	cfg_expect(c, n, path, buf_str(&what), 0);
	buf_release(&what);
	return -1;
}

int
cfg_get_list(struct ctx *c, const struct node *n, const char *path)
{
	struct buf	 got = BUF_INIT;

	if (n->type == NODE_ALIAS)
		return -1;
	if (n->type == NODE_SEQ)
		return 0;
	cfg_describe(&got, n, 0);
	if (n->type == NODE_SCALAR && n->plain && !cfg_is_null(n))
		cfg_error_at(c, n, path, "expected a list, got %s; write [%s]",
		    buf_str(&got), n->str);
	else
		cfg_error_at(c, n, path, "expected a list, got %s",
		    buf_str(&got));
	buf_release(&got);
	return -1;
}

/* Appends a copy of s to the array *v of *n strings. */
void
cfg_strlist_add(char ***v, size_t *n, const char *s)
{
	char	**slot = xappend(v, n, sizeof(**v));

	*slot = xstrdup(s);
}

void
cfg_strlist_release(char ***v, size_t *n)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

/* Lower case, without the trailing dot. */
char *
cfg_name_norm(const char *s)
{
	char	*out = xstrdup(s), *p;
	size_t	 n = strlen(out);

	if (n > 0 && out[n - 1] == '.')
		out[n - 1] = '\0';
	for (p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

char *
cfg_name_ascii(struct ctx *c, const struct node *n, const char *path,
    const char *s)
{
	struct err	 err;
	char		*out;

	err_clear(&err);
	if ((out = dns_name_to_ascii(s, &err)) == NULL)
		cfg_error_at(c, n, path, "%s", err.msg);
	return out;
}

/* 1 when s holds a byte outside ASCII. */
static int
has_8bit(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

char *
cfg_name_shown(const char *s, const char *ascii)
{
	return has_8bit(s) ? dns_name_both(ascii) : xstrdup(s);
}

char *
cfg_join_name(const char *path, const char *key, const char *ascii)
{
	return cfg_join(path, has_8bit(key) ? ascii : key);
}

char *
cfg_printable(const char *s)
{
	struct buf	 b = BUF_INIT;

	buf_add_printable(&b, s, strlen(s), 0);
	return buf_detach(&b);
}

struct cfg_pos
cfg_pos_of(const struct node *n)
{
	struct cfg_pos	 p;

	p.line = n->line;
	p.col = n->col;
	return p;
}

/* Checks every string item of the list n with check (may be NULL). */
void
cfg_str_list(struct ctx *c, const struct node *n, const char *path,
    int (*check)(const char *, struct err *), char ***out, size_t *nout)
{
	const char	*s;
	struct err	 err;
	size_t		 i;
	char		*ipath;

	if (cfg_get_list(c, n, path) == -1)
		return;
	for (i = 0; i < n->nkids; i++) {
		ipath = xasprintf("%s[%zu]", path, i);
		if ((s = cfg_get_str(c, n->kids[i], ipath)) != NULL) {
			err_clear(&err);
			if (check != NULL && check(s, &err) == -1)
				cfg_error_at(c, n->kids[i], ipath, "%s",
				    err.msg);
			else
				cfg_strlist_add(out, nout, s);
		}
		free(ipath);
	}
}

void
cfg_legacy(struct ctx *c, const struct node *key, const char *path)
{
	cfg_report(c, DIAG_WARNING, key->line, key->col, path, "legacy tag "
	    "removed by RFC 9989; receivers that follow RFC 9989 ignore it");
}

int
cfg_load_policy(struct ctx *c, const struct node *n, const char *path,
    const char *key, enum dmarc_policy *out)
{
	const char	*names[DMARC_POLICY_REJECT];
	char		*p = cfg_join(path, key);
	size_t		 idx;
	int		 rc = -1;

	for (idx = 0; idx < nitems(names); idx++)
		names[idx] = dmarc_policy_name(
		    (enum dmarc_policy)(DMARC_POLICY_NONE + idx));
	if (cfg_get_enum(c, n, p, names, nitems(names), &idx) == 0) {
		*out = (enum dmarc_policy)(DMARC_POLICY_NONE + idx);
		rc = 0;
	}
	free(p);
	return rc;
}

static int
named_cmp(const void *a, const void *b)
{
	const struct named	*x = a, *y = b;
	int			 r;

	if ((r = strcmp(x->name, y->name)) != 0)
		return r;
	return cfg_before(x->key, y->key) ? -1 : cfg_before(y->key, x->key);
}

/* Reports every name of v that an earlier one already took; sorting
 * first keeps a file with many names fast. */
void
cfg_report_dups(struct ctx *c, struct named *v, size_t n, const char *path,
    const char *what)
{
	size_t	 i, first = 0;
	char	*kpath;

	if (n < 2)
		return;
	qsort(v, n, sizeof(*v), named_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(v[i].name, v[first].name) != 0) {
			first = i;
			continue;
		}
		kpath = cfg_join_name(path, v[i].key->str, v[i].name);
		cfg_error_at(c, v[i].key, kpath,
		    "duplicate %s (first at line %d)",
		    what, v[first].key->line);
		free(kpath);
	}
}
