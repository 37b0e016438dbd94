/*
 * config.c - mailauth.yaml -> struct cfg: the YAML reader (libyaml events
 * -> a small tree that keeps the line and column of every node) and the
 * check of schema version 1, documented in docs/configuration.md.  The only
 * file that includes <yaml.h>.
 *
 * Every problem becomes a diagnostic that starts with the key path; they
 * are collected while the whole file is checked, then handed to the caller
 * sorted by position.  Only a YAML syntax error stops the reading.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/date.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"

#define CFG_MAX_SIZE	(1024 * 1024)
#define MAX_DEPTH	64	/* nesting of YAML nodes */
#define TTL_MIN		60
#define TTL_MAX		172800
#define RI_MAX		2147483647L
#define SHOW_MAX	60	/* bytes of a value quoted in a message */
#define SUGGEST_MAX	40	/* longest key worth a "did you mean" */

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

enum node_type {
	NODE_SCALAR,
	NODE_SEQ,
	NODE_MAP,
	NODE_ALIAS		/* reported when read; the checks skip it */
};

/* One YAML node.  A mapping keeps its pairs as key, value, key, ... */
struct node {
	enum node_type	  type;
	char		 *str;		/* scalar text, NUL-terminated */
	size_t		  len;		/* > strlen(str) after a "\0" */
	int		  plain;	/* an unquoted scalar */
	int		  line;		/* 1-based */
	int		  col;
	struct node	**kids;
	size_t		  nkids;
};

/* A rollout template, read once per load however many domains use it. */
struct tmpl {
	char			*name;
	char			*path;		/* the file it was read from */
	int			 ok;		/* read without errors */
	struct cfg_stage	*stages;	/* from: days after the start */
	size_t			 nstages;
	struct diags		 d;		/* its own, in file order */
};

struct ctx {
	const char	*file;		/* for diagnostics, or NULL */
	const char	*text;
	size_t		 len;
	yaml_parser_t	 parser;
	struct diags	 d;		/* moved, sorted, to the caller's */
	/* What an empty file lacks, for "the file is empty; ...". */
	const char	*empty_hint;
	const struct cfg_load_opts *opts;	/* may be NULL */
	struct tmpl	*tmpls;		/* the templates read so far */
	size_t		 ntmpls;
};

static void	report(struct ctx *, enum diag_level, int, int, const char *,
		    const char *, ...) __attribute__((format(printf, 6, 7)));
static void	error_at(struct ctx *, const struct node *, const char *,
		    const char *, ...) __attribute__((format(printf, 4, 5)));

static const char *const root_keys[] = { "version", "defaults", "domains" };
static const char *const defaults_keys[] = { "ttl" };
static const char *const domain_keys[] = {
	"zone", "ttl", "spf", "dkim", "dmarc", "ses"
};
static const char *const spf_keys[] = {
	"include", "ip4", "ip6", "a", "mx", "all"
};
static const char *const spf_all_names[] = { "fail", "softfail", "neutral" };
static const char *const dkim_keys[] = {
	"public_key_file", "public_key", "cname", "state"
};
/* In the order of enum dkim_state. */
static const char *const ses_keys[] = {
	"region", "identity", "mail_from", "prune_stale_tokens"
};
static const char *const dkim_states[] = { "absent", "present" };
static const char *const dmarc_keys[] = {
	"policy", "subdomain_policy", "nonexistent_subdomain_policy",
	"testing", "pct", "rua", "ruf", "adkim", "aspf", "fo", "ri", "rollout",
	"gate"
};
static const char *const gate_keys[] = {
	"min_pass_rate", "window_days", "min_messages"
};
/* A stage of dmarc.rollout, and of a template (day instead of from, and
 * no rollback): the same order, so that one enum indexes both. */
static const char *const stage_keys[] = {
	"policy", "testing", "pct", "subdomain_policy",
	"nonexistent_subdomain_policy", "from", "rollback"
};
static const char *const tstage_keys[] = {
	"policy", "testing", "pct", "subdomain_policy",
	"nonexistent_subdomain_policy", "day"
};
static const char *const tref_keys[] = { "template", "start" };
static const char *const template_keys[] = { "description", "stages" };
/* In the order of enum dmarc_policy, after UNSET. */
/* In the order of enum dmarc_align, after UNSET. */
static const char *const align_names[] = { "relaxed", "strict" };
static const char *const fo_names[] = { "0", "1", "d", "s" };

enum { R_VERSION, R_DEFAULTS, R_DOMAINS };
enum { D_ZONE, D_TTL, D_SPF, D_DKIM, D_DMARC, D_SES };
enum { E_REGION, E_IDENTITY, E_MAIL_FROM, E_PRUNE };
enum { S_INCLUDE, S_IP4, S_IP6, S_A, S_MX, S_ALL };
enum { K_FILE, K_KEY, K_CNAME, K_STATE };
enum dkim_state { STATE_ABSENT, STATE_PRESENT };
enum {
	M_POLICY, M_SP, M_NP, M_TESTING, M_PCT, M_RUA, M_RUF, M_ADKIM,
	M_ASPF, M_FO, M_RI, M_ROLLOUT, M_GATE
};
enum { GT_RATE, GT_WINDOW, GT_MESSAGES };
enum { G_POLICY, G_TESTING, G_PCT, G_SP, G_NP, G_WHEN, G_ROLLBACK, G_MAX };
enum { T_TEMPLATE, T_START };
enum { F_DESCRIPTION, F_STAGES };

/* --- diagnostics --- */

static void
report(struct ctx *c, enum diag_level level, int line, int col,
    const char *path, const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	if (path != NULL && *path != '\0')
		buf_addf(&msg, "%s: ", path);
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diags_add(&c->d, level, c->file, line, col, "%s", buf_str(&msg));
	buf_release(&msg);
}

static void
error_at(struct ctx *c, const struct node *n, const char *path,
    const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	report(c, DIAG_ERROR, n->line, n->col, path, "%s", buf_str(&msg));
	buf_release(&msg);
}

/* Appends s escaped and cut so a message stays one readable line whatever
 * the file holds. */
static void
show_raw(struct buf *b, const char *s, size_t len)
{
	size_t	 i, n = len;

	if (n > SHOW_MAX) {
		n = SHOW_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		unsigned char	ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			buf_addf(b, "\\%c", ch);
		else if (ch == '\n')
			buf_adds(b, "\\n");
		else if (ch < 0x20 || ch == 0x7f)
			buf_addf(b, "\\x%02x", ch);
		else
			buf_addc(b, (char)ch);
	}
	if (n < len)
		buf_adds(b, "...");
}

/* The same in double quotes. */
static void
show(struct buf *b, const char *s, size_t len)
{
	buf_addc(b, '"');
	show_raw(b, s, len);
	buf_addc(b, '"');
}

/* 1 when a is written before b. */
static int
before(const struct node *a, const struct node *b)
{
	return a->line < b->line || (a->line == b->line && a->col < b->col);
}

static int
is_null(const struct node *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t	 i;

	if (n->type != NODE_SCALAR || !n->plain)
		return 0;
	for (i = 0; i < nitems(nulls); i++)
		if (strcmp(n->str, nulls[i]) == 0 && n->len == strlen(n->str))
			return 1;
	return 0;
}

/* What a node is, for "got ...".  typed: the expected value is a number
 * or a bool, which quoting turns into a string. */
static void
describe(struct buf *b, const struct node *n, int typed)
{
	if (n->type == NODE_MAP)
		buf_adds(b, "a mapping");
	else if (n->type == NODE_SEQ)
		buf_adds(b, "a list");
	else if (is_null(n))
		buf_adds(b, "nothing");
	else {
		if (typed && !n->plain)
			buf_adds(b, "a quoted string ");
		show(b, n->str, n->len);
	}
}

static void
expect(struct ctx *c, const struct node *n, const char *path,
    const char *what, int typed)
{
	struct buf	 got = BUF_INIT;

	describe(&got, n, typed);
	error_at(c, n, path, "expected %s, got %s", what, buf_str(&got));
	buf_release(&got);
}

static void
join_names(struct buf *b, const char *const *names, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		buf_addf(b, "%s%s", i > 0 ? ", " : "", names[i]);
}

/* The key path of key below path; control characters become '?' so the
 * message stays on one line. */
static char *
join(const char *path, const char *key)
{
	char	*s, *p;

	if (path == NULL || *path == '\0')
		s = xstrdup(key);
	else
		s = xasprintf("%s.%s", path, key);
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag	*x = *(const struct diag *const *)a;
	const struct diag	*y = *(const struct diag *const *)b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	/* Both point into one array: keep the order of discovery. */
	return x < y ? -1 : x > y;
}

/* Moves the collected diagnostics to d in file order. */
static void
flush(struct ctx *c, struct diags *d)
{
	const struct diag	**v;
	size_t			  i;

	if (c->d.n == 0)
		return;
	v = xcalloc(c->d.n, sizeof(*v));
	for (i = 0; i < c->d.n; i++)
		v[i] = &c->d.v[i];
	qsort(v, c->d.n, sizeof(*v), diag_cmp);
	for (i = 0; i < c->d.n; i++)
		diags_add(d, v[i]->level, v[i]->file, v[i]->line, v[i]->col,
		    "%s", v[i]->msg);
	free(v);
	diags_release(&c->d);
}

/* --- the YAML reader --- */

/* 1-based line and column (in characters) of a byte offset. */
static void
offset_pos(const struct ctx *c, size_t off, int *line, int *col)
{
	size_t	 i;

	*line = *col = 1;
	for (i = 0; i < off && i < c->len; i++) {
		if (c->text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)c->text[i] & 0xc0) != 0x80)
			(*col)++;
	}
}

static void
syntax_error(struct ctx *c)
{
	const yaml_parser_t	*p = &c->parser;
	const char		*problem;
	int			 line, col;

	problem = p->problem != NULL ? p->problem : "unknown error";
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		report(c, DIAG_ERROR, 0, 0, NULL, "out of memory reading YAML");
		break;
	case YAML_READER_ERROR:
		offset_pos(c, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			report(c, DIAG_ERROR, line, col, NULL,
			    "invalid YAML: %s (0x%02x)%s", problem,
			    (unsigned int)p->problem_value,
			    strstr(problem, "UTF-") != NULL ? "; mailauth "
			    "reads UTF-8: save the file as UTF-8" : "");
		else
			report(c, DIAG_ERROR, line, col, NULL,
			    "invalid YAML: %s", problem);
		break;
	default:
		line = (int)p->problem_mark.line + 1;
		col = (int)p->problem_mark.column + 1;
		if (p->context != NULL)
			report(c, DIAG_ERROR, line, col, NULL,
			    "invalid YAML: %s (%s that starts at line %d, "
			    "column %d)", problem, p->context,
			    (int)p->context_mark.line + 1,
			    (int)p->context_mark.column + 1);
		else
			report(c, DIAG_ERROR, line, col, NULL,
			    "invalid YAML: %s", problem);
		break;
	}
}

static int
next_event(struct ctx *c, yaml_event_t *ev)
{
	if (yaml_parser_parse(&c->parser, ev))
		return 0;
	syntax_error(c);
	return -1;
}

static struct node *
node_new(enum node_type type, const yaml_mark_t *m)
{
	struct node	*n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	return n;
}

static void
node_free(struct node *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

#define YAML_TAG_PREFIX	"tag:yaml.org,2002:"

/* Reports "WHAT (SIGIL NAME)HINT", the name as the file spells it. */
static void
report_mark(struct ctx *c, const yaml_mark_t *m, const char *path,
    const char *what, const char *sigil, const yaml_char_t *name,
    const char *hint)
{
	struct buf	 b = BUF_INIT;
	const char	*s = (const char *)name;

	if (strncmp(s, YAML_TAG_PREFIX, strlen(YAML_TAG_PREFIX)) == 0) {
		s += strlen(YAML_TAG_PREFIX);
		sigil = "!!";
	}
	show_raw(&b, s, strlen(s));
	report(c, DIAG_ERROR, (int)m->line + 1, (int)m->column + 1, path,
	    "%s (%s%s)%s", what, sigil, buf_str(&b), hint);
	buf_release(&b);
}

/* Anchors and tags change what a value means in ways the schema does not
 * describe, so they are refused where they stand. */
static void
check_props(struct ctx *c, const yaml_event_t *ev, const char *path,
    const yaml_char_t *anchor, const yaml_char_t *tag)
{
	if (anchor != NULL)
		report_mark(c, &ev->start_mark, path,
		    "anchors are not supported", "&", anchor, "");
	if (tag != NULL)
		report_mark(c, &ev->start_mark, path,
		    "tags are not supported", "", tag, "");
}

/*
 * Builds the node that starts with ev (consumed) and everything below it.
 * path is the node's key path, for messages.  Returns NULL after a syntax
 * error or too deep a nesting, both reported: nothing more can be read.
 */
static struct node *
build(struct ctx *c, yaml_event_t *ev, const char *path, int depth)
{
	struct node		*n = NULL, *kid, **slot;
	yaml_event_t		 e;
	yaml_event_type_t	 end;
	char			*sub;

	if (depth > MAX_DEPTH) {
		/* No path: it would be as long as the nesting. */
		report(c, DIAG_ERROR, (int)ev->start_mark.line + 1,
		    (int)ev->start_mark.column + 1, NULL,
		    "invalid YAML: nested more than %d levels deep",
		    MAX_DEPTH);
		yaml_event_delete(ev);
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		report_mark(c, &ev->start_mark, path,
		    "aliases are not supported", "*", ev->data.alias.anchor,
		    "; write the value out");
		n = node_new(NODE_ALIAS, &ev->start_mark);
		yaml_event_delete(ev);
		return n;
	case YAML_SCALAR_EVENT:
		check_props(c, ev, path, ev->data.scalar.anchor,
		    ev->data.scalar.tag);
		n = node_new(NODE_SCALAR, &ev->start_mark);
		n->len = ev->data.scalar.length;
		n->str = xmalloc(n->len + 1);
		memcpy(n->str, ev->data.scalar.value, n->len);
		n->str[n->len] = '\0';
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		yaml_event_delete(ev);
		return n;
	case YAML_SEQUENCE_START_EVENT:
		check_props(c, ev, path, ev->data.sequence_start.anchor,
		    ev->data.sequence_start.tag);
		n = node_new(NODE_SEQ, &ev->start_mark);
		end = YAML_SEQUENCE_END_EVENT;
		break;
	case YAML_MAPPING_START_EVENT:
		check_props(c, ev, path, ev->data.mapping_start.anchor,
		    ev->data.mapping_start.tag);
		n = node_new(NODE_MAP, &ev->start_mark);
		end = YAML_MAPPING_END_EVENT;
		break;
	default:
		/* libyaml sends no other event where a node stands. */
		report(c, DIAG_ERROR, (int)ev->start_mark.line + 1,
		    (int)ev->start_mark.column + 1, path,
		    "invalid YAML: unexpected event");
		yaml_event_delete(ev);
		return NULL;
	}
	yaml_event_delete(ev);
	for (;;) {
		if (next_event(c, &e) == -1)
			goto fail;
		if (e.type == end) {
			yaml_event_delete(&e);
			return n;
		}
		if (n->type == NODE_SEQ)
			sub = xasprintf("%s[%zu]", path, n->nkids);
		else if (n->nkids % 2 == 0)
			sub = xstrdup(path);	/* a key: the mapping's */
		else if (n->kids[n->nkids - 1]->type == NODE_SCALAR)
			sub = join(path, n->kids[n->nkids - 1]->str);
		else
			sub = join(path, "?");
		kid = build(c, &e, sub, depth + 1);
		free(sub);
		if (kid == NULL)
			goto fail;
		slot = xappend(&n->kids, &n->nkids, sizeof(*n->kids));
		*slot = kid;
	}
fail:
	node_free(n);
	return NULL;
}

/* Reads the one document of the stream; NULL when there is nothing to
 * check (reported). */
static struct node *
read_tree(struct ctx *c)
{
	yaml_event_t	 e;
	struct node	*root = NULL;

	if (next_event(c, &e) == -1)		/* stream start */
		return NULL;
	yaml_event_delete(&e);
	if (next_event(c, &e) == -1)
		return NULL;
	if (e.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&e);
		report(c, DIAG_ERROR, 0, 0, NULL, "the file is empty; %s",
		    c->empty_hint);
		return NULL;
	}
	yaml_event_delete(&e);			/* document start */
	if (next_event(c, &e) == -1)
		return NULL;
	if ((root = build(c, &e, "", 0)) == NULL)
		return NULL;
	if (next_event(c, &e) == -1)		/* document end */
		goto fail;
	yaml_event_delete(&e);
	if (next_event(c, &e) == -1)
		goto fail;
	if (e.type == YAML_DOCUMENT_START_EVENT)
		report(c, DIAG_ERROR, (int)e.start_mark.line + 1,
		    (int)e.start_mark.column + 1, NULL, "a second YAML "
		    "document: mailauth reads one document per file; merge "
		    "them");
	yaml_event_delete(&e);
	return root;
fail:
	node_free(root);
	return NULL;
}

/* --- checks of single values --- */

/* OSA edit distance, ignoring case; large for long strings. */
static size_t
distance(const char *a, const char *b)
{
	size_t	 d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];
	size_t	 la = strlen(a), lb = strlen(b), i, j, cost, v;

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

static void
unknown_key(struct ctx *c, const struct node *key, const char *path,
    const char *const *names, size_t n)
{
	struct buf	 msg = BUF_INIT;
	size_t		 i, best = n, bestd = 3, dist;

	buf_adds(&msg, "unknown key; expected one of ");
	join_names(&msg, names, n);
	for (i = 0; i < n; i++) {
		dist = distance(key->str, names[i]);
		if (dist < bestd) {
			bestd = dist;
			best = i;
		}
	}
	if (best < n)
		buf_addf(&msg, "; did you mean \"%s\"?", names[best]);
	error_at(c, key, path, "%s", buf_str(&msg));
	buf_release(&msg);
}

/* A key the checks can use: a scalar without NUL. */
static int
key_ok(struct ctx *c, const struct node *key, const char *path)
{
	if (key->type == NODE_ALIAS)
		return 0;
	if (key->type != NODE_SCALAR) {
		expect(c, key, path, "a key (a string)", 0);
		return 0;
	}
	if (strlen(key->str) != key->len) {
		error_at(c, key, path, "a key contains a NUL character");
		return 0;
	}
	return 1;
}

/*
 * Checks that n is a mapping whose keys are among names, each once, and
 * sets keys[i] and vals[i] to the key names[i] and its value (NULL when
 * absent).  Returns -1 when n is not a mapping (reported unless an alias).
 */
static int
map_fields(struct ctx *c, const struct node *n, const char *path,
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
		expect(c, n, path, "a mapping", 0);
		return -1;
	}
	for (i = 0; i + 1 < n->nkids; i += 2) {
		const struct node	*key = n->kids[i];

		if (!key_ok(c, key, path))
			continue;
		kpath = join(path, key->str);
		for (k = 0; k < nnames; k++)
			if (strcmp(names[k], key->str) == 0)
				break;
		if (k == nnames)
			unknown_key(c, key, kpath, names, nnames);
		else if (keys[k] != NULL)
			error_at(c, key, kpath, "duplicate key (first at line "
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
static void
missing(struct ctx *c, const struct node *where, const char *path,
    const char *key, const char *hint)
{
	char	*kpath = join(path, key);

	error_at(c, where, kpath, "required key is missing%s%s",
	    hint != NULL ? "; " : "", hint != NULL ? hint : "");
	free(kpath);
}

static const char *
get_str(struct ctx *c, const struct node *n, const char *path)
{
	if (n->type == NODE_ALIAS)
		return NULL;
	if (n->type != NODE_SCALAR || is_null(n) || n->len == 0) {
		expect(c, n, path, "a string", 0);
		return NULL;
	}
	if (strlen(n->str) != n->len) {
		error_at(c, n, path, "contains a NUL character");
		return NULL;
	}
	return n->str;
}

static int
get_bool(struct ctx *c, const struct node *n, const char *path, int *out)
{
	if (n->type == NODE_ALIAS)
		return -1;
	if (n->type == NODE_SCALAR && n->plain && strcmp(n->str, "true") == 0)
		*out = 1;
	else if (n->type == NODE_SCALAR && n->plain &&
	    strcmp(n->str, "false") == 0)
		*out = 0;
	else {
		expect(c, n, path, "true or false", 1);
		return -1;
	}
	return 0;
}

static int
get_int(struct ctx *c, const struct node *n, const char *path, long min,
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
		expect(c, n, path, buf_str(&what), 1);
		goto out;
	}
	if (n->len > 1 && n->str[0] == '0') {
		/* YAML 1.1 reads 0300 as octal, YAML 1.2 as decimal. */
		error_at(c, n, path, "leading zeros are ambiguous in YAML "
		    "(octal or decimal); write %s without them", n->str);
		goto out;
	}
	for (i = 0; i < n->len && v <= max; i++)
		v = v * 10 + (n->str[i] - '0');
	if (v < min || v > max) {
		expect(c, n, path, buf_str(&what), 1);
		goto out;
	}
	*out = v;
	rc = 0;
out:
	buf_release(&what);
	return rc;
}

/* Sets *idx to the index of the value in names. */
static int
get_enum(struct ctx *c, const struct node *n, const char *path,
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
	join_names(&what, names, nnames);
	expect(c, n, path, buf_str(&what), 0);
	buf_release(&what);
	return -1;
}

static int
get_list(struct ctx *c, const struct node *n, const char *path)
{
	struct buf	 got = BUF_INIT;

	if (n->type == NODE_ALIAS)
		return -1;
	if (n->type == NODE_SEQ)
		return 0;
	describe(&got, n, 0);
	if (n->type == NODE_SCALAR && n->plain && !is_null(n))
		error_at(c, n, path, "expected a list, got %s; write [%s]",
		    buf_str(&got), n->str);
	else
		error_at(c, n, path, "expected a list, got %s", buf_str(&got));
	buf_release(&got);
	return -1;
}

/* Appends a copy of s to the array *v of *n strings. */
static void
strlist_add(char ***v, size_t *n, const char *s)
{
	char	**slot = xappend(v, n, sizeof(**v));

	*slot = xstrdup(s);
}

static void
strlist_release(char ***v, size_t *n)
{
	size_t	 i;

	for (i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

/* Lower case, without the trailing dot. */
static char *
name_norm(const char *s)
{
	char	*out = xstrdup(s), *p;
	size_t	 n = strlen(out);

	if (n > 0 && out[n - 1] == '.')
		out[n - 1] = '\0';
	for (p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

static struct cfg_pos
pos_of(const struct node *n)
{
	struct cfg_pos	 p;

	p.line = n->line;
	p.col = n->col;
	return p;
}

/* ^Z[A-Z0-9]{1,32}$ */
static int
is_zone_id(const char *s)
{
	size_t	 n;

	if (s[0] != 'Z')
		return 0;
	for (n = 1; s[n] != '\0'; n++)
		if (!(s[n] >= 'A' && s[n] <= 'Z') &&
		    !(s[n] >= '0' && s[n] <= '9'))
			return 0;
	return n >= 2 && n <= 33;
}

/* An address of family af, or a network "address/prefix". */
static int
check_ip(const char *s, int af, struct err *err)
{
	unsigned char	 addr[16];
	char		 host[64];
	const char	*slash = strchr(s, '/'), *p;
	const char	*fam = af == AF_INET ? "IPv4" : "IPv6";
	const char	*eg = af == AF_INET ? "192.0.2.0/24" : "2001:db8::/32";
	size_t		 n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	int		 max = af == AF_INET ? 32 : 128, bits = 0;

	if (n >= sizeof(host))
		n = sizeof(host) - 1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(af, host, addr) != 1)
		return err_set(err, "'%s' is not an %s address or network "
		    "(e.g. %s)", s, fam, eg);
	if (slash == NULL)
		return 0;
	p = slash + 1;
	if (*p == '\0' || strlen(p) > 3)
		return err_set(err, "'%s': the prefix length must be 0 to %d",
		    s, max);
	for (; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return err_set(err, "'%s': the prefix length must be "
			    "0 to %d", s, max);
		bits = bits * 10 + (*p - '0');
	}
	if (bits > max)
		return err_set(err, "'%s': the prefix length must be 0 to %d",
		    s, max);
	return 0;
}

static int
check_ip4(const char *s, struct err *err)
{
	return check_ip(s, AF_INET, err);
}

static int
check_ip6(const char *s, struct err *err)
{
	return check_ip(s, AF_INET6, err);
}

/*
 * A DMARC report URI: mailto:ADDRESS with an '@' and a valid domain, and
 * optionally the size limit "!<digits>[kmgt]" of RFC 7489 7.1.  ',' and ';'
 * would split the tag, white space would be dropped by receivers.
 */
static int
check_uri(const char *s, struct err *err)
{
	const char	*p, *bang, *at, *addr;
	char		*domain;
	struct err	 e;
	int		 rc;

	if (strncasecmp(s, "mailto:", strlen("mailto:")) != 0)
		return err_set(err, "'%s' is not a mailto: URI; reports go to "
		    "addresses written mailto:user@example.com", s);
	addr = s + strlen("mailto:");
	for (p = s; *p != '\0'; p++) {
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return err_set(err, "'%s' contains white space or a "
			    "control character", s);
		if (*p == ',')
			return err_set(err, "'%s' contains ',', which "
			    "separates URIs in the record; give each address "
			    "as its own list item", s);
		if (*p == ';')
			return err_set(err, "'%s' contains ';', which would "
			    "end the DMARC tag", s);
	}
	if ((bang = strchr(addr, '!')) != NULL) {
		p = bang + 1;
		if (!isdigit((unsigned char)*p))
			goto badbang;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p != '\0' && strchr("kmgtKMGT", *p) != NULL)
			p++;
		if (*p != '\0')
			goto badbang;
	} else
		bang = addr + strlen(addr);
	at = NULL;
	for (p = addr; p < bang; p++)
		if (*p == '@')
			at = p;
	if (at == NULL || at == addr || at + 1 == bang)
		return err_set(err, "'%s' has no address; expected "
		    "mailto:user@example.com", s);
	domain = xstrndup(at + 1, (size_t)(bang - at - 1));
	rc = dns_hostname_check(domain, &e);
	free(domain);
	if (rc == -1)
		return err_set(err, "'%s': %s", s, e.msg);
	return 0;
badbang:
	return err_set(err, "'%s': '!' may only introduce a size limit at "
	    "the end, such as '!10m'", s);
}

/* A DKIM selector: labels of letters, digits, '-' and '_' joined by dots,
 * short enough that SELECTOR._domainkey.DOMAIN is a DNS name. */
static int
check_selector(const char *sel, const char *domain, struct err *err)
{
	const char	*p, *label = sel;
	size_t		 n;

	for (p = sel; ; p++) {
		if (*p != '\0' && *p != '.') {
			unsigned char	ch = (unsigned char)*p;

			if (!isalnum(ch) && ch != '-' && ch != '_')
				return err_set(err, "'%s': '%c' is not allowed "
				    "in a selector (letters, digits, '-', '_', "
				    "and '.' between labels)", sel, ch);
			continue;
		}
		n = (size_t)(p - label);
		if (n == 0)
			return err_set(err, "'%s': empty label in a selector",
			    sel);
		if (n > 63)
			return err_set(err, "'%s': label longer than 63 "
			    "characters", sel);
		if (label[0] == '-' || label[n - 1] == '-')
			return err_set(err, "'%s': a label cannot start or "
			    "end with '-'", sel);
		if (*p == '\0')
			break;
		label = p + 1;
	}
	if (strlen(sel) + strlen("._domainkey.") + strlen(domain) > 253)
		return err_set(err, "'%s._domainkey.%s' is longer than 253 "
		    "characters", sel, domain);
	return 0;
}

/* Base64 of a DER key: white space (a pasted block) is dropped from out,
 * then only the base64 alphabet with '=' padding at the end is allowed. */
static int
check_base64(const char *s, char **out, struct err *err)
{
	struct buf	 b = BUF_INIT;
	const char	*p;
	size_t		 i, pad = 0, first_pad = 0;

	*out = NULL;
	if (strstr(s, "-----BEGIN") != NULL) {
		return err_set(err, "a PEM block; give only the base64 text "
		    "between the BEGIN and END lines, or use public_key_file");
	}
	for (p = s; *p != '\0'; p++)
		if (!isspace((unsigned char)*p))
			buf_addc(&b, *p);
	if (b.len == 0) {
		buf_release(&b);
		return err_set(err, "empty key");
	}
	for (i = 0; i < b.len; i++) {
		unsigned char	ch = (unsigned char)b.data[i];

		if (ch == '=') {
			if (pad++ == 0)
				first_pad = i + 1;
			continue;
		}
		if (pad > 0)
			err_set(err, "not base64: '=' at character %zu is "
			    "padding, which may only end the key", first_pad);
		else if (!(isalnum(ch) || ch == '+' || ch == '/'))
			err_set(err, "not base64: '%c' at character %zu", ch,
			    i + 1);
		else
			continue;
		buf_release(&b);
		return -1;
	}
	if (pad > 2 || b.len % 4 != 0) {
		err_set(err, "not base64: %zu characters with %zu '=', where "
		    "a multiple of 4 with at most two '=' at the end is "
		    "expected", b.len, pad);
		buf_release(&b);
		return -1;
	}
	*out = buf_detach(&b);
	return 0;
}

/* A public_key_file as given, made relative to the config's folder. */
static char *
resolve(const char *config, const char *file)
{
	const char	*slash;

	if (file[0] == '/' || config == NULL ||
	    (slash = strrchr(config, '/')) == NULL)
		return xstrdup(file);
	if (slash == config)
		return xasprintf("/%s", file);
	return xasprintf("%.*s/%s", (int)(slash - config), config, file);
}

/* Checks every string item of the list n with check (may be NULL). */
static void
str_list(struct ctx *c, const struct node *n, const char *path,
    int (*check)(const char *, struct err *), char ***out, size_t *nout)
{
	const char	*s;
	struct err	 err;
	size_t		 i;
	char		*ipath;

	if (get_list(c, n, path) == -1)
		return;
	for (i = 0; i < n->nkids; i++) {
		ipath = xasprintf("%s[%zu]", path, i);
		if ((s = get_str(c, n->kids[i], ipath)) != NULL) {
			err_clear(&err);
			if (check != NULL && check(s, &err) == -1)
				error_at(c, n->kids[i], ipath, "%s", err.msg);
			else
				strlist_add(out, nout, s);
		}
		free(ipath);
	}
}

/* --- the schema --- */

/* A name that must be unique among its siblings, as a DNS name is. */
struct named {
	const struct node	*key;
	const char		*name;		/* normalised */
};

static int
named_cmp(const void *a, const void *b)
{
	const struct named	*x = a, *y = b;
	int			 r;

	if ((r = strcmp(x->name, y->name)) != 0)
		return r;
	return before(x->key, y->key) ? -1 : before(y->key, x->key);
}

/* Reports every name of v that an earlier one already took; sorting
 * first keeps a file with many names fast. */
static void
report_dups(struct ctx *c, struct named *v, size_t n, const char *path,
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
		kpath = join(path, v[i].key->str);
		error_at(c, v[i].key, kpath, "duplicate %s (first at line %d)",
		    what, v[first].key->line);
		free(kpath);
	}
}

static void
load_spf(struct ctx *c, struct cfg_spf *spf, const struct node *key,
    const struct node *n, const char *path)
{
	const struct node	*k[nitems(spf_keys)], *v[nitems(spf_keys)];
	size_t			 idx;
	char			*p;

	spf->present = 1;
	spf->pos = pos_of(key);
	if (map_fields(c, n, path, spf_keys, nitems(spf_keys), k, v) == -1)
		return;
	if (v[S_INCLUDE] != NULL) {
		p = join(path, "include");
		str_list(c, v[S_INCLUDE], p, dns_hostname_check,
		    &spf->spec.include, &spf->spec.ninclude);
		free(p);
	}
	if (v[S_IP4] != NULL) {
		p = join(path, "ip4");
		str_list(c, v[S_IP4], p, check_ip4, &spf->spec.ip4,
		    &spf->spec.nip4);
		free(p);
	}
	if (v[S_IP6] != NULL) {
		p = join(path, "ip6");
		str_list(c, v[S_IP6], p, check_ip6, &spf->spec.ip6,
		    &spf->spec.nip6);
		free(p);
	}
	if (v[S_A] != NULL) {
		p = join(path, "a");
		get_bool(c, v[S_A], p, &spf->spec.a);
		free(p);
	}
	if (v[S_MX] != NULL) {
		p = join(path, "mx");
		get_bool(c, v[S_MX], p, &spf->spec.mx);
		free(p);
	}
	if (v[S_ALL] != NULL) {
		p = join(path, "all");
		if (get_enum(c, v[S_ALL], p, spf_all_names,
		    nitems(spf_all_names), &idx) == 0)
			spf->spec.all = (enum spf_all)(SPF_ALL_FAIL + idx);
		free(p);
	}
}

static void
load_selector(struct ctx *c, struct cfg_dkim *dk, const struct node *key,
    const struct node *n, const char *path)
{
	const struct node	*k[nitems(dkim_keys)], *v[nitems(dkim_keys)];
	const struct node	*first = NULL;
	const char		*s;
	struct err		 err;
	size_t			 i, state = STATE_PRESENT;
	int			 nvalues = 0;
	char			*p;

	if (map_fields(c, n, path, dkim_keys, nitems(dkim_keys), k, v) == -1)
		return;
	if (v[K_STATE] != NULL) {
		p = join(path, "state");
		if (get_enum(c, v[K_STATE], p, dkim_states,
		    nitems(dkim_states), &state) == -1)
			state = STATE_PRESENT;
		free(p);
	}
	for (i = K_FILE; i <= K_CNAME; i++)
		if (k[i] != NULL && (first == NULL || before(k[i], first)))
			first = k[i];
	for (i = K_FILE; i <= K_CNAME; i++) {
		if (k[i] == NULL)
			continue;
		nvalues++;
		p = join(path, dkim_keys[i]);
		if (state == STATE_ABSENT)
			error_at(c, k[i], p, "cannot be combined with "
			    "\"state: absent\"; remove one of them");
		else if (k[i] != first)
			error_at(c, k[i], p, "cannot be combined with %s; give "
			    "exactly one of public_key_file, public_key, "
			    "cname", first->str);
		free(p);
	}
	if (state == STATE_ABSENT) {
		dk->kind = DKIM_ABSENT;
		return;
	}
	if (nvalues == 0) {
		error_at(c, key, path, "expected one of public_key_file, "
		    "public_key, cname, or \"state: absent\" to delete the "
		    "record");
		return;
	}
	for (i = K_FILE; i <= K_CNAME; i++)
		if (k[i] == first)
			break;
	p = join(path, dkim_keys[i]);
	if ((s = get_str(c, v[i], p)) == NULL)
		goto out;
	err_clear(&err);
	switch (i) {
	case K_FILE:
		dk->kind = DKIM_PUBLIC_KEY_FILE;
		dk->value = resolve(c->file, s);
		break;
	case K_KEY:
		dk->kind = DKIM_PUBLIC_KEY;
		if (check_base64(s, &dk->value, &err) == -1)
			error_at(c, v[i], p, "%s", err.msg);
		break;
	case K_CNAME:
		dk->kind = DKIM_CNAME;
		if (dns_hostname_check(s, &err) == -1)
			error_at(c, v[i], p, "%s", err.msg);
		else
			dk->value = xstrdup(s);
		break;
	}
out:
	free(p);
}

static void
load_dkim(struct ctx *c, struct cfg_domain *dom, const struct node *n,
    const char *path)
{
	const struct node	*key;
	struct cfg_dkim		*dk;
	struct named		*names = NULL, *nm;
	struct err		 err;
	size_t			 i, nnames = 0;
	char			*kpath;

	if (n->type == NODE_ALIAS)
		return;
	if (n->type != NODE_MAP) {
		expect(c, n, path, "a mapping of selectors", 0);
		return;
	}
	if (n->nkids == 0) {
		error_at(c, n, path, "expected at least one selector");
		return;
	}
	for (i = 0; i + 1 < n->nkids; i += 2) {
		key = n->kids[i];
		if (!key_ok(c, key, path))
			continue;
		kpath = join(path, key->str);
		dk = xappend(&dom->dkim, &dom->ndkim, sizeof(*dk));
		dk->selector = name_norm(key->str);
		dk->pos = pos_of(key);
		err_clear(&err);
		if (check_selector(key->str, dom->name, &err) == -1)
			error_at(c, key, kpath, "%s", err.msg);
		else {
			nm = xappend(&names, &nnames, sizeof(*names));
			nm->key = key;
			nm->name = dk->selector;
		}
		load_selector(c, dk, key, n->kids[i + 1], kpath);
		free(kpath);
	}
	report_dups(c, names, nnames, path, "selector");
	free(names);
}

static void
legacy(struct ctx *c, const struct node *key, const char *path)
{
	report(c, DIAG_WARNING, key->line, key->col, path, "legacy tag "
	    "removed by RFC 9989; receivers that follow RFC 9989 ignore it");
}

static void
load_policy(struct ctx *c, const struct node *n, const char *path,
    const char *key, enum dmarc_policy *out)
{
	const char	*names[DMARC_POLICY_REJECT];
	char		*p = join(path, key);
	size_t		 idx;

	for (idx = 0; idx < nitems(names); idx++)
		names[idx] = dmarc_policy_name(
		    (enum dmarc_policy)(DMARC_POLICY_NONE + idx));
	if (get_enum(c, n, p, names, nitems(names), &idx) == 0)
		*out = (enum dmarc_policy)(DMARC_POLICY_NONE + idx);
	free(p);
}

static void
load_align(struct ctx *c, const struct node *n, const char *path,
    const char *key, enum dmarc_align *out)
{
	char	*p = join(path, key);
	size_t	 idx;

	if (get_enum(c, n, p, align_names, nitems(align_names), &idx) == 0)
		*out = (enum dmarc_align)(DMARC_ALIGN_RELAXED + idx);
	free(p);
}

/* --- dates --- */

/* A date value: plain or quoted, written YYYY-MM-DD. */
static int
get_date(struct ctx *c, const struct node *n, const char *path, long *day)
{
	struct err	 err;

	if (n->type == NODE_ALIAS)
		return -1;
	if (n->type != NODE_SCALAR || is_null(n) ||
	    strlen(n->str) != n->len || !date_is_shaped(n->str)) {
		expect(c, n, path, "a date as YYYY-MM-DD", 0);
		return -1;
	}
	err_clear(&err);
	if (date_parse(n->str, day, &err) == -1) {
		error_at(c, n, path, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* --- rollout stages --- */

/* What a stage's nodes are, to place messages about the whole list. */
struct stage_at {
	const struct node	*item;		/* the stage */
	const struct node	*when;		/* the value of from or day */
	const struct node	*rollback;	/* the rollback key, or NULL */
	int			 ok;		/* loaded without an error */
};

static void
pct_warning(struct ctx *c, const struct node *key, const char *path,
    const struct cfg_stage *st)
{
	if (st->policy == DMARC_POLICY_NONE || st->pct == 100) {
		legacy(c, key, path);
		return;
	}
	report(c, DIAG_WARNING, key->line, key->col, path, "RFC 9989 "
	    "receivers ignore pct and apply p=%s to all failing mail; only "
	    "RFC 7489 receivers apply it to %d%%; for a stage that is soft for "
	    "both, write testing: true", dmarc_policy_name(st->policy),
	    st->pct);
}

/*
 * One stage at n (a template's when tmpl).  Fills st and at; at->ok says
 * whether the stage can take part in the checks of the whole list.
 */
static void
load_stage(struct ctx *c, const struct node *n, const char *path, int tmpl,
    struct cfg_stage *st, struct stage_at *at)
{
	const struct node	*k[G_MAX], *v[G_MAX];
	size_t			 nerrors = c->d.nerrors;
	long			 l;
	char			*p;

	/* A template's stage has no rollback, which map_fields() then
	 * leaves as it is. */
	memset(k, 0, sizeof(k));
	memset(v, 0, sizeof(v));
	memset(st, 0, sizeof(*st));
	st->pct = -1;
	st->pos = pos_of(n);
	memset(at, 0, sizeof(*at));
	at->item = n;
	if (map_fields(c, n, path, tmpl ? tstage_keys : stage_keys,
	    tmpl ? nitems(tstage_keys) : nitems(stage_keys), k, v) == -1)
		return;
	if (v[G_POLICY] == NULL)
		missing(c, n, path, "policy", "one of none, quarantine, reject");
	else
		load_policy(c, v[G_POLICY], path, "policy", &st->policy);
	if (v[G_WHEN] == NULL)
		missing(c, n, path, tmpl ? "day" : "from", tmpl ?
		    "the days after the rollout's start when the stage begins" :
		    "the date the stage begins, as YYYY-MM-DD");
	else {
		at->when = v[G_WHEN];
		p = join(path, tmpl ? "day" : "from");
		if (tmpl) {
			if (get_int(c, v[G_WHEN], p, 0, 36500, &l) == 0)
				st->from = l;
		} else
			get_date(c, v[G_WHEN], p, &st->from);
		free(p);
	}
	if (v[G_SP] != NULL)
		load_policy(c, v[G_SP], path, "subdomain_policy",
		    &st->subdomain_policy);
	if (v[G_NP] != NULL)
		load_policy(c, v[G_NP], path, "nonexistent_subdomain_policy",
		    &st->nonexistent_subdomain_policy);
	if (v[G_ROLLBACK] != NULL) {
		at->rollback = k[G_ROLLBACK];
		p = join(path, "rollback");
		get_bool(c, v[G_ROLLBACK], p, &st->rollback);
		free(p);
	}
	if (v[G_TESTING] != NULL) {
		p = join(path, "testing");
		if (get_bool(c, v[G_TESTING], p, &st->testing) == 0 &&
		    st->testing && st->policy == DMARC_POLICY_NONE)
			error_at(c, v[G_TESTING], p, "testing: true needs "
			    "policy quarantine or reject; there is nothing "
			    "to test with policy none");
		free(p);
	}
	if (v[G_PCT] != NULL) {
		p = join(path, "pct");
		if (st->testing)
			error_at(c, k[G_PCT], p, "cannot be combined with "
			    "testing: true, which publishes pct=0");
		else if (get_int(c, v[G_PCT], p, 0, 100, &l) == 0) {
			st->pct = (int)l;
			if (st->policy != DMARC_POLICY_UNSET)
				pct_warning(c, k[G_PCT], p, st);
		}
		free(p);
	}
	at->ok = c->d.nerrors == nerrors;
}

/* What a stage asks of receivers, ordered as the guard orders records
 * (src/plan/guard.c): none 0 < quarantine, t=y 1 < quarantine 2 < reject,
 * t=y 3 < reject 4, for p and for the sp and np it implies. */
struct level {
	int	 p, sp, np;
	int	 pct;		/* as older receivers read it */
};

static int
strength(enum dmarc_policy pol, int testing)
{
	int	 kw = (int)pol - (int)DMARC_POLICY_NONE;

	return kw == 0 ? 0 : kw * 2 - (testing ? 1 : 0);
}

static void
level_of(const struct cfg_stage *st, struct level *lv)
{
	enum dmarc_policy	 sp, np;

	sp = st->subdomain_policy != DMARC_POLICY_UNSET ?
	    st->subdomain_policy : st->policy;
	np = st->nonexistent_subdomain_policy != DMARC_POLICY_UNSET ?
	    st->nonexistent_subdomain_policy : sp;
	lv->p = strength(st->policy, st->testing);
	lv->sp = strength(sp, st->testing);
	lv->np = strength(np, st->testing);
	lv->pct = st->testing ? 0 : st->pct >= 0 ? st->pct : 100;
}

static void
describe_policy(struct buf *b, enum dmarc_policy pol, int testing)
{
	buf_adds(b, dmarc_policy_name(pol));
	if (testing)
		buf_adds(b, " (testing)");
}

/* Appends to why how b is weaker than a; 1 when it is. */
static int
weaker(const struct cfg_stage *a, const struct cfg_stage *b,
    struct buf *why)
{
	struct level		 la, lb;
	enum dmarc_policy	 pa, pb;
	int			 i, n = 0;
	static const char *const labels[] = {
		"policy", "subdomain policy", "non-existent subdomain policy"
	};

	level_of(a, &la);
	level_of(b, &lb);
	for (i = 0; i < 3; i++) {
		int	 sa = i == 0 ? la.p : i == 1 ? la.sp : la.np;
		int	 sb = i == 0 ? lb.p : i == 1 ? lb.sp : lb.np;

		if (sb >= sa)
			continue;
		/* Inherited on both sides: it weakens exactly when the
		 * policy it comes from does, which is said already. */
		if (i == 1 && a->subdomain_policy == DMARC_POLICY_UNSET &&
		    b->subdomain_policy == DMARC_POLICY_UNSET)
			continue;
		if (i == 2 && a->nonexistent_subdomain_policy ==
		    DMARC_POLICY_UNSET && b->nonexistent_subdomain_policy ==
		    DMARC_POLICY_UNSET)
			continue;
		pa = i == 0 ? a->policy : i == 1 ? a->subdomain_policy :
		    a->nonexistent_subdomain_policy;
		pb = i == 0 ? b->policy : i == 1 ? b->subdomain_policy :
		    b->nonexistent_subdomain_policy;
		if (i == 2 && pa == DMARC_POLICY_UNSET)
			pa = a->subdomain_policy;
		if (i == 2 && pb == DMARC_POLICY_UNSET)
			pb = b->subdomain_policy;
		if (pa == DMARC_POLICY_UNSET)
			pa = a->policy;
		if (pb == DMARC_POLICY_UNSET)
			pb = b->policy;
		buf_addf(why, "%s%s ", n++ > 0 ? ", " : "", labels[i]);
		describe_policy(why, pa, a->testing);
		buf_adds(why, " -> ");
		describe_policy(why, pb, b->testing);
	}
	/* Older receivers apply the policy to pct% of failing mail. */
	if (la.p == lb.p && a->policy != DMARC_POLICY_NONE && lb.pct < la.pct)
		buf_addf(why, "%spct %d -> %d with policy %s", n++ > 0 ? ", " :
		    "", la.pct, lb.pct, dmarc_policy_name(b->policy));
	return n > 0;
}

/*
 * The checks of the whole list: dates (days, in a template) strictly
 * increasing, each stage at least as strong as the one before unless it
 * says rollback: true, and a rollback weaker indeed.
 */
static void
check_stages(struct ctx *c, const struct cfg_stage *st,
    const struct stage_at *at, size_t n, const char *path, int tmpl)
{
	struct buf	 why = BUF_INIT;
	char		 date[11], *p;
	size_t		 i;
	int		 w;

	if (tmpl && n > 0 && at[0].ok && st[0].from != 0) {
		p = xasprintf("%s[0].day", path);
		error_at(c, at[0].when, p, "the first stage starts the "
		    "rollout: write day: 0");
		free(p);
	}
	if (!tmpl && n > 0 && at[0].ok && st[0].rollback) {
		p = xasprintf("%s[0].rollback", path);
		error_at(c, at[0].rollback, p, "the first stage has nothing "
		    "to roll back");
		free(p);
	}
	for (i = 1; i < n; i++) {
		if (!at[i].ok || !at[i - 1].ok)
			continue;
		if (st[i].from <= st[i - 1].from) {
			p = xasprintf("%s[%zu].%s", path, i, tmpl ? "day" :
			    "from");
			if (tmpl)
				error_at(c, at[i].when, p, "day %ld is not "
				    "after the day of the stage before (day %ld, "
				    "line %d); give each stage its own, later day",
				    st[i].from, st[i - 1].from,
				    at[i - 1].item->line);
			else {
				date_format(st[i - 1].from, date);
				error_at(c, at[i].when, p, "'%s' is not after "
				    "the date of the stage before ('%s', line "
				    "%d); give each stage its own, later date",
				    at[i].when->str, date,
				    at[i - 1].item->line);
			}
			free(p);
		}
		buf_reset(&why);
		w = weaker(&st[i - 1], &st[i], &why);
		p = xasprintf("%s[%zu]", path, i);
		if (w && !st[i].rollback)
			error_at(c, at[i].item, p, "weaker than the stage "
			    "before (line %d): %s; a stage may only tighten "
			    "DMARC%s", at[i - 1].item->line, buf_str(&why),
			    tmpl ? "" : ", unless it says rollback: true");
		free(p);
		if (!w && st[i].rollback) {
			p = xasprintf("%s[%zu].rollback", path, i);
			error_at(c, at[i].rollback, p, "this stage is not "
			    "weaker than the one before (line %d); remove "
			    "rollback: true", at[i - 1].item->line);
			free(p);
		}
	}
	buf_release(&why);
}

/* The stages of the list n, checked, into *out. */
static void
load_stage_list(struct ctx *c, const struct node *n, const char *path,
    int tmpl, struct cfg_stage **out, size_t *nout)
{
	struct stage_at	*at;
	struct cfg_stage *st;
	size_t		 i;
	char		*p;

	if (n->nkids == 0) {
		error_at(c, n, path, "expected at least one stage");
		return;
	}
	st = xcalloc(n->nkids, sizeof(*st));
	at = xcalloc(n->nkids, sizeof(*at));
	for (i = 0; i < n->nkids; i++) {
		p = xasprintf("%s[%zu]", path, i);
		load_stage(c, n->kids[i], p, tmpl, &st[i], &at[i]);
		free(p);
	}
	check_stages(c, st, at, n->nkids, path, tmpl);
	free(at);
	*out = st;
	*nout = n->nkids;
}

/* --- templates --- */

/* A template's name, which is also its file's: [a-z0-9][a-z0-9_-]*. */
static int
template_name_ok(const char *s)
{
	size_t	 i;

	if (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0]))
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return 0;
	return i <= 64;
}

/* dir/name.yaml when it is a file, else NULL. */
static char *
template_file(const char *dir, const char *name)
{
	struct stat	 st;
	char		*path;

	if (dir == NULL)
		return NULL;
	path = xasprintf("%s/%s.yaml", dir, name);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return path;
	free(path);
	return NULL;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the template names of dir to names, each once. */
static void
template_names(const char *dir, char ***names, size_t *nnames)
{
	struct dirent	*de;
	DIR		*dp;
	size_t		 len, i;
	char		*name;

	if (dir == NULL || (dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		name = xstrndup(de->d_name, len - 5);
		for (i = 0; i < *nnames; i++)
			if (strcmp((*names)[i], name) == 0)
				break;
		if (template_name_ok(name) && i == *nnames)
			strlist_add(names, nnames, name);
		free(name);
	}
	closedir(dp);
	if (*nnames > 1)
		qsort(*names, *nnames, sizeof(**names), str_cmp);
}

static void
unknown_template(struct ctx *c, const struct node *n, const char *path,
    const char *name)
{
	const char		*user = NULL, *builtin = NULL;
	struct buf		 msg = BUF_INIT;
	char			**names = NULL;
	size_t			 nnames = 0, i, best = 0, bestd = 3, dist;

	if (c->opts != NULL) {
		user = c->opts->user_templates;
		builtin = c->opts->templates;
	}
	template_names(user, &names, &nnames);
	template_names(builtin, &names, &nnames);
	buf_addf(&msg, "unknown template '%s'", name);
	if (user == NULL && builtin == NULL)
		buf_adds(&msg, ": no template folder was found (give one with "
		    "--policies DIR)");
	else if (nnames == 0) {
		buf_adds(&msg, ": no templates in ");
		if (user != NULL)
			buf_addf(&msg, "'%s'%s", user, builtin != NULL ?
			    " or " : "");
		if (builtin != NULL)
			buf_addf(&msg, "'%s'", builtin);
	} else {
		buf_adds(&msg, "; known templates: ");
		for (i = 0; i < nnames; i++) {
			buf_addf(&msg, "%s%s", i > 0 ? ", " : "", names[i]);
			dist = distance(name, names[i]);
			if (dist < bestd) {
				bestd = dist;
				best = i + 1;
			}
		}
		if (best > 0)
			buf_addf(&msg, "; did you mean \"%s\"?",
			    names[best - 1]);
	}
	error_at(c, n, path, "%s", buf_str(&msg));
	buf_release(&msg);
	strlist_release(&names, &nnames);
}

static int	read_file(const char *, struct buf *, struct diags *);

/* Reads and checks the template file of t. */
static void
template_read(struct ctx *parent, struct tmpl *t)
{
	const struct node	*k[nitems(template_keys)];
	const struct node	*v[nitems(template_keys)];
	struct ctx		 c;
	struct buf		 text = BUF_INIT;
	struct node		*root = NULL;

	memset(&c, 0, sizeof(c));
	c.file = t->path;
	c.opts = parent->opts;
	c.empty_hint = "a template needs \"stages:\"";
	if (read_file(t->path, &text, &c.d) == -1)
		goto out;
	c.text = buf_str(&text);
	c.len = text.len;
	if (!yaml_parser_initialize(&c.parser)) {
		report(&c, DIAG_ERROR, 0, 0, NULL, "out of memory reading "
		    "YAML");
		goto out;
	}
	yaml_parser_set_input_string(&c.parser,
	    (const unsigned char *)c.text, c.len);
	root = read_tree(&c);
	yaml_parser_delete(&c.parser);
	if (root == NULL)
		goto out;
	if (is_null(root)) {
		report(&c, DIAG_ERROR, 0, 0, NULL, "the file is empty; %s",
		    c.empty_hint);
		goto out;
	}
	if (map_fields(&c, root, "", template_keys, nitems(template_keys), k,
	    v) == -1)
		goto out;
	if (v[F_DESCRIPTION] != NULL)
		get_str(&c, v[F_DESCRIPTION], "description");
	if (v[F_STAGES] == NULL)
		missing(&c, root, "", "stages", "list the stages, each with "
		    "day and policy");
	else if (get_list(&c, v[F_STAGES], "stages") == 0)
		load_stage_list(&c, v[F_STAGES], "stages", 1, &t->stages,
		    &t->nstages);
out:
	t->ok = c.d.nerrors == 0 && t->nstages > 0;
	flush(&c, &t->d);
	node_free(root);
	buf_release(&text);
}

/*
 * The template name as the config at n refers to it, read on first use;
 * NULL when it is not found, is ambiguous or has errors (each reported
 * at n).
 */
static const struct tmpl *
template_get(struct ctx *c, const struct node *n, const char *path,
    const char *name)
{
	struct tmpl	*t;
	char		*user, *builtin;
	size_t		 i;

	for (i = 0; i < c->ntmpls; i++)
		if (strcmp(c->tmpls[i].name, name) == 0)
			break;
	if (i == c->ntmpls) {
		user = template_file(c->opts != NULL ?
		    c->opts->user_templates : NULL, name);
		builtin = template_file(c->opts != NULL ?
		    c->opts->templates : NULL, name);
		if (user != NULL && builtin != NULL) {
			error_at(c, n, path, "template '%s' is both in '%s' "
			    "(--policies) and built in ('%s'); give yours "
			    "another name", name, user, builtin);
			free(user);
			free(builtin);
			return NULL;
		}
		if (user == NULL && builtin == NULL) {
			unknown_template(c, n, path, name);
			return NULL;
		}
		t = xappend(&c->tmpls, &c->ntmpls, sizeof(*c->tmpls));
		t->name = xstrdup(name);
		t->path = user != NULL ? user : builtin;
		template_read(c, t);
	}
	t = &c->tmpls[i];
	if (!t->ok) {
		error_at(c, n, path, "template '%s' ('%s') is not valid: see "
		    "the errors reported for that file", name, t->path);
		return NULL;
	}
	return t;
}

/* rollout: { template: NAME, start: YYYY-MM-DD } */
static void
load_template_ref(struct ctx *c, struct cfg_rollout *ro, const struct node *n,
    const char *path)
{
	const struct node	*k[nitems(tref_keys)], *v[nitems(tref_keys)];
	const struct tmpl	*t = NULL;
	const char		*name;
	size_t			 i;
	long			 start = 0, last;
	int			 start_ok = 0;
	char			*p;

	if (map_fields(c, n, path, tref_keys, nitems(tref_keys), k, v) == -1)
		return;
	if (v[T_START] == NULL)
		missing(c, n, path, "start", "the date the rollout begins, as "
		    "YYYY-MM-DD");
	else {
		p = join(path, "start");
		start_ok = get_date(c, v[T_START], p, &start) == 0;
		free(p);
	}
	if (v[T_TEMPLATE] == NULL) {
		missing(c, n, path, "template", "the name of a template of "
		    "policies/dmarc or of --policies DIR");
		return;
	}
	p = join(path, "template");
	if ((name = get_str(c, v[T_TEMPLATE], p)) == NULL)
		goto out;
	if (!template_name_ok(name)) {
		error_at(c, v[T_TEMPLATE], p, "'%s' is not a template name "
		    "(lower-case letters, digits, '-' and '_', starting with "
		    "a letter or digit)", name);
		goto out;
	}
	if ((t = template_get(c, v[T_TEMPLATE], p, name)) == NULL ||
	    !start_ok)
		goto out;
	last = t->stages[t->nstages - 1].from;
	if (start > DATE_DAY_MAX - last) {
		free(p);
		p = join(path, "start");
		error_at(c, v[T_START], p, "the last stage of template '%s' "
		    "(day %ld) would begin after 9999-12-31", name, last);
		goto out;
	}
	ro->template = xstrdup(name);
	ro->template_path = xstrdup(t->path);
	ro->start = start;
	ro->stages = xcalloc(t->nstages, sizeof(*ro->stages));
	ro->nstages = t->nstages;
	for (i = 0; i < t->nstages; i++) {
		ro->stages[i] = t->stages[i];
		ro->stages[i].from = start + t->stages[i].from;
		ro->stages[i].pos = pos_of(k[T_TEMPLATE]);
	}
out:
	free(p);
}

static void
load_rollout(struct ctx *c, struct cfg_rollout *ro, const struct node *key,
    const struct node *n, const char *path)
{
	ro->pos = pos_of(key);
	if (n->type == NODE_ALIAS)
		return;
	if (n->type == NODE_SEQ)
		load_stage_list(c, n, path, 0, &ro->stages, &ro->nstages);
	else if (n->type == NODE_MAP)
		load_template_ref(c, ro, n, path);
	else
		expect(c, n, path, "a list of stages, or { template: NAME, "
		    "start: YYYY-MM-DD }", 0);
}

/* A percentage from 0 to 100, at most two decimals: "98", "99.5". */
static int
get_rate(struct ctx *c, const struct node *n, const char *path, double *out)
{
	const char	*s = n->str;
	size_t		 i, dot = 0, decimals = 0;
	int		 ok;

	if (n->type == NODE_ALIAS)
		return -1;
	ok = n->type == NODE_SCALAR && n->plain && n->len > 0 &&
	    n->len <= 6 && strlen(s) == n->len;
	for (i = 0; ok && i < n->len; i++) {
		if (s[i] == '.' && dot == 0 && i > 0 && i + 1 < n->len)
			dot = i;
		else if (s[i] < '0' || s[i] > '9')
			ok = 0;
		else if (dot != 0)
			decimals++;
	}
	if (ok && decimals > 2)
		ok = 0;
	if (ok)
		*out = strtod(s, NULL);
	if (!ok || *out > 100) {
		expect(c, n, path, "a percentage from 0 to 100, with at most "
		    "two decimals", 1);
		return -1;
	}
	return 0;
}

/* gate: { min_pass_rate: 98.0, window_days: 14, min_messages: 500 } */
static void
load_gate(struct ctx *c, struct cfg_gate *g, const struct node *key,
    const struct node *n, const char *path)
{
	const struct node	*k[nitems(gate_keys)], *v[nitems(gate_keys)];
	char			*p;

	g->present = 1;
	g->pos = pos_of(key);
	g->min_pass_rate = CFG_GATE_RATE_DEFAULT;
	g->window_days = CFG_GATE_WINDOW_DEFAULT;
	g->min_messages = CFG_GATE_MESSAGES_DEFAULT;
	if (map_fields(c, n, path, gate_keys, nitems(gate_keys), k, v) == -1)
		return;
	if (v[GT_RATE] != NULL) {
		p = join(path, "min_pass_rate");
		get_rate(c, v[GT_RATE], p, &g->min_pass_rate);
		free(p);
	}
	if (v[GT_WINDOW] != NULL) {
		p = join(path, "window_days");
		get_int(c, v[GT_WINDOW], p, 1, CFG_GATE_WINDOW_MAX,
		    &g->window_days);
		free(p);
	}
	if (v[GT_MESSAGES] != NULL) {
		p = join(path, "min_messages");
		get_int(c, v[GT_MESSAGES], p, 0, CFG_GATE_MESSAGES_MAX,
		    &g->min_messages);
		free(p);
	}
}

static void
load_dmarc(struct ctx *c, struct cfg_dmarc *dm, const struct node *key,
    const struct node *n, const char *path)
{
	const struct node	*k[nitems(dmarc_keys)], *v[nitems(dmarc_keys)];
	const struct node	*it;
	size_t			 i, idx;
	long			 l;
	char			*p, *ip;

	dm->present = 1;
	dm->pos = pos_of(key);
	if (map_fields(c, n, path, dmarc_keys, nitems(dmarc_keys), k, v) == -1)
		return;
	if (v[M_ROLLOUT] != NULL) {
		p = join(path, "rollout");
		load_rollout(c, &dm->rollout, k[M_ROLLOUT], v[M_ROLLOUT], p);
		free(p);
		/* The stages supply these; the record's other keys apply to
		 * every stage. */
		for (i = M_POLICY; i <= M_PCT; i++) {
			if (k[i] == NULL)
				continue;
			p = join(path, dmarc_keys[i]);
			error_at(c, k[i], p, "cannot be combined with rollout, "
			    "whose stages set policy, testing, pct, "
			    "subdomain_policy and nonexistent_subdomain_policy; "
			    "give it in the stages");
			free(p);
			v[i] = NULL;
		}
	} else if (v[M_POLICY] == NULL)
		missing(c, key, path, "policy", "one of none, quarantine, "
		    "reject, or a rollout");
	if (v[M_POLICY] != NULL)
		load_policy(c, v[M_POLICY], path, "policy", &dm->spec.policy);
	if (v[M_SP] != NULL)
		load_policy(c, v[M_SP], path, "subdomain_policy",
		    &dm->spec.subdomain_policy);
	if (v[M_NP] != NULL)
		load_policy(c, v[M_NP], path, "nonexistent_subdomain_policy",
		    &dm->spec.nonexistent_subdomain_policy);
	if (v[M_TESTING] != NULL) {
		p = join(path, "testing");
		get_bool(c, v[M_TESTING], p, &dm->spec.testing);
		free(p);
	}
	if (v[M_PCT] != NULL) {
		p = join(path, "pct");
		if (get_int(c, v[M_PCT], p, 0, 100, &l) == 0) {
			dm->spec.pct = (int)l;
			legacy(c, k[M_PCT], p);
		}
		free(p);
	}
	if (v[M_RUA] != NULL) {
		p = join(path, "rua");
		str_list(c, v[M_RUA], p, check_uri, &dm->spec.rua,
		    &dm->spec.nrua);
		free(p);
	}
	if (v[M_RUF] != NULL) {
		p = join(path, "ruf");
		str_list(c, v[M_RUF], p, check_uri, &dm->spec.ruf,
		    &dm->spec.nruf);
		free(p);
	}
	if (v[M_ADKIM] != NULL)
		load_align(c, v[M_ADKIM], path, "adkim", &dm->spec.adkim);
	if (v[M_ASPF] != NULL)
		load_align(c, v[M_ASPF], path, "aspf", &dm->spec.aspf);
	if (v[M_FO] != NULL) {
		p = join(path, "fo");
		if (get_list(c, v[M_FO], p) == 0) {
			for (i = 0; i < v[M_FO]->nkids; i++) {
				it = v[M_FO]->kids[i];
				ip = xasprintf("%s[%zu]", p, i);
				if (get_enum(c, it, ip, fo_names,
				    nitems(fo_names), &idx) == 0)
					strlist_add(&dm->spec.fo,
					    &dm->spec.nfo, fo_names[idx]);
				free(ip);
			}
		}
		free(p);
	}
	if (v[M_RI] != NULL) {
		p = join(path, "ri");
		if (get_int(c, v[M_RI], p, 1, RI_MAX, &l) == 0) {
			dm->spec.ri = l;
			legacy(c, k[M_RI], p);
		}
		free(p);
	}
	if (v[M_GATE] != NULL) {
		p = join(path, "gate");
		load_gate(c, &dm->gate, k[M_GATE], v[M_GATE], p);
		if (v[M_ROLLOUT] == NULL)
			error_at(c, k[M_GATE], p, "a gate holds the stages of a "
			    "rollout: add a rollout, or remove the gate");
		free(p);
	}
}

static void
load_zone(struct ctx *c, struct cfg_domain *dom, const struct node *n,
    const char *path, int name_ok)
{
	const char	*s;
	struct err	 err;
	char		*zone;
	size_t		 dl, zl;

	if ((s = get_str(c, n, path)) == NULL)
		return;
	if (is_zone_id(s)) {
		dom->zone = xstrdup(s);
		return;
	}
	err_clear(&err);
	if (dns_hostname_check(s, &err) == -1) {
		error_at(c, n, path, "%s; expected a zone name or a hosted "
		    "zone id (Z and 1 to 32 capital letters or digits)",
		    err.msg);
		return;
	}
	zone = name_norm(s);
	dl = strlen(dom->name);
	zl = strlen(zone);
	if (name_ok && !(strcmp(dom->name, zone) == 0 || (dl > zl &&
	    strcmp(dom->name + dl - zl, zone) == 0 &&
	    dom->name[dl - zl - 1] == '.'))) {
		error_at(c, n, path, "'%s' does not contain '%s'; the zone "
		    "must be the domain or a parent of it", s, dom->name);
		free(zone);
		return;
	}
	dom->zone = zone;
}

/* An AWS region name: lower-case labels of letters and digits joined by
 * '-', the first starting with a letter ("eu-west-1", "us-gov-west-1"). */
static int
region_ok(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n < 4 || n > 32 || !islower((unsigned char)s[0]) ||
	    strchr(s, '-') == NULL || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) &&
		    (s[i] != '-' || s[i + 1] == '-'))
			return 0;
	return 1;
}

/* 1 when name (normalised) is strictly below dom (normalised). */
static int
name_below(const char *name, const char *dom)
{
	size_t	 nl = strlen(name), dl = strlen(dom);

	return nl > dl + 1 && strcmp(name + nl - dl, dom) == 0 &&
	    name[nl - dl - 1] == '.';
}

static void
load_ses(struct ctx *c, struct cfg_domain *dom, const struct node *key,
    const struct node *n, const char *path)
{
	const struct node	*k[nitems(ses_keys)], *v[nitems(ses_keys)];
	struct cfg_ses		*ses = &dom->ses;
	const char		*s;
	struct err		 err;
	char			*p, *name;

	ses->present = 1;
	ses->pos = pos_of(key);
	if (map_fields(c, n, path, ses_keys, nitems(ses_keys), k, v) == -1)
		return;
	if (v[E_REGION] == NULL)
		missing(c, key, path, "region", "the SES region of the "
		    "identity, e.g. \"region: eu-west-1\"");
	else {
		p = join(path, "region");
		if ((s = get_str(c, v[E_REGION], p)) != NULL) {
			if (region_ok(s))
				ses->region = xstrdup(s);
			else
				error_at(c, v[E_REGION], p, "'%s' is not an "
				    "AWS region name (e.g. eu-west-1)", s);
		}
		free(p);
	}
	if (v[E_IDENTITY] != NULL) {
		p = join(path, "identity");
		err_clear(&err);
		if ((s = get_str(c, v[E_IDENTITY], p)) == NULL)
			;
		else if (strchr(s, '@') != NULL)
			error_at(c, v[E_IDENTITY], p, "'%s' is an email address "
			    "identity, which publishes no DNS records; give "
			    "a domain identity", s);
		else if (dns_hostname_check(s, &err) == -1)
			error_at(c, v[E_IDENTITY], p, "%s", err.msg);
		else
			ses->identity = name_norm(s);
		free(p);
	}
	if (ses->identity == NULL)
		ses->identity = xstrdup(dom->name);
	if (v[E_MAIL_FROM] != NULL) {
		p = join(path, "mail_from");
		err_clear(&err);
		ses->mail_from_pos = pos_of(k[E_MAIL_FROM]);
		if ((s = get_str(c, v[E_MAIL_FROM], p)) == NULL)
			;
		else if (dns_hostname_check(s, &err) == -1)
			error_at(c, v[E_MAIL_FROM], p, "%s", err.msg);
		else {
			name = name_norm(s);
			if (name_below(name, dom->name))
				ses->mail_from = name;
			else {
				error_at(c, v[E_MAIL_FROM], p, "'%s' is not "
				    "below '%s'; the MAIL FROM domain must be "
				    "a subdomain of the domain, e.g. "
				    "bounce.%s", s, dom->name, dom->name);
				free(name);
			}
		}
		free(p);
	}
	if (v[E_PRUNE] != NULL) {
		p = join(path, "prune_stale_tokens");
		get_bool(c, v[E_PRUNE], p, &ses->prune_stale_tokens);
		free(p);
	}
}

/* Returns 1 when the domain name is valid (for the duplicate check). */
static int
load_domain(struct ctx *c, struct cfg *cfg, const struct node *key,
    const struct node *n)
{
	const struct node	*k[nitems(domain_keys)];
	const struct node	*v[nitems(domain_keys)];
	struct cfg_domain	*dom;
	struct err		 err;
	long			 l;
	int			 name_ok = 1;
	char			*path, *p;

	path = join("domains", key->str);
	dom = xappend(&cfg->domains, &cfg->ndomains, sizeof(*dom));
	dom->name = name_norm(key->str);
	dom->ttl = cfg->default_ttl;
	dom->pos = pos_of(key);
	dom->dmarc.spec.testing = -1;
	dom->dmarc.spec.pct = -1;
	dom->dmarc.spec.ri = -1;
	err_clear(&err);
	if (dns_hostname_check(key->str, &err) == -1) {
		error_at(c, key, path, "%s", err.msg);
		name_ok = 0;
	}
	if (is_null(n)) {
		error_at(c, key, path, "nothing to manage: add spf, dkim, "
		    "dmarc or ses");
		goto out;
	}
	if (map_fields(c, n, path, domain_keys, nitems(domain_keys), k,
	    v) == -1)
		goto out;
	if (v[D_ZONE] != NULL) {
		p = join(path, "zone");
		load_zone(c, dom, v[D_ZONE], p, name_ok);
		free(p);
	}
	if (v[D_TTL] != NULL) {
		p = join(path, "ttl");
		if (get_int(c, v[D_TTL], p, TTL_MIN, TTL_MAX, &l) == 0)
			dom->ttl = l;
		free(p);
	}
	if (v[D_SPF] != NULL) {
		p = join(path, "spf");
		load_spf(c, &dom->spf, k[D_SPF], v[D_SPF], p);
		free(p);
	}
	if (v[D_DKIM] != NULL) {
		p = join(path, "dkim");
		load_dkim(c, dom, v[D_DKIM], p);
		free(p);
	}
	if (v[D_DMARC] != NULL) {
		p = join(path, "dmarc");
		load_dmarc(c, &dom->dmarc, k[D_DMARC], v[D_DMARC], p);
		free(p);
	}
	if (v[D_SES] != NULL) {
		p = join(path, "ses");
		load_ses(c, dom, k[D_SES], v[D_SES], p);
		free(p);
	}
	if (v[D_SPF] == NULL && v[D_DKIM] == NULL && v[D_DMARC] == NULL &&
	    v[D_SES] == NULL)
		error_at(c, key, path, "nothing to manage: add spf, dkim, "
		    "dmarc or ses");
out:
	free(path);
	return name_ok;
}

static void
load_version(struct ctx *c, const struct node *n, struct cfg *cfg)
{
	size_t	 i;

	if (n->type == NODE_ALIAS)
		return;
	if (n->type == NODE_SCALAR && n->plain && strcmp(n->str, "1") == 0) {
		cfg->version = 1;
		return;
	}
	for (i = 0; n->type == NODE_SCALAR && n->plain && i < n->len; i++)
		if (!isdigit((unsigned char)n->str[i]))
			break;
	if (n->type == NODE_SCALAR && n->plain && n->len > 0 && i == n->len)
		error_at(c, n, "version", "unsupported version %s; this "
		    "mailauth reads version 1", n->str);
	else
		expect(c, n, "version", "1", 1);
}

static void
load_root(struct ctx *c, const struct node *root, struct cfg *cfg)
{
	const struct node	*k[nitems(root_keys)], *v[nitems(root_keys)];
	const struct node	*dk[nitems(defaults_keys)];
	const struct node	*dv[nitems(defaults_keys)];
	const struct node	*doms;
	struct named		*names = NULL, *nm;
	size_t			 i, nnames = 0;
	long			 l;

	if (is_null(root)) {
		report(c, DIAG_ERROR, 0, 0, NULL, "the file is empty; %s",
		    c->empty_hint);
		return;
	}
	if (map_fields(c, root, "", root_keys, nitems(root_keys), k, v) == -1)
		return;
	if (v[R_VERSION] == NULL)
		missing(c, root, "", "version", "add \"version: 1\"");
	else
		load_version(c, v[R_VERSION], cfg);
	/* Before the domains, which inherit the default. */
	if (v[R_DEFAULTS] != NULL && map_fields(c, v[R_DEFAULTS], "defaults",
	    defaults_keys, nitems(defaults_keys), dk, dv) == 0 &&
	    dv[0] != NULL && get_int(c, dv[0], "defaults.ttl", TTL_MIN,
	    TTL_MAX, &l) == 0)
		cfg->default_ttl = l;
	if ((doms = v[R_DOMAINS]) == NULL) {
		missing(c, root, "", "domains", "list the mail domains to "
		    "manage under it");
		return;
	}
	if (doms->type == NODE_ALIAS)
		return;
	if (doms->type != NODE_MAP) {
		expect(c, doms, "domains", "a mapping of domain names", 0);
		return;
	}
	if (doms->nkids == 0) {
		error_at(c, doms, "domains", "expected at least one domain");
		return;
	}
	for (i = 0; i + 1 < doms->nkids; i += 2) {
		if (!key_ok(c, doms->kids[i], "domains") ||
		    !load_domain(c, cfg, doms->kids[i], doms->kids[i + 1]))
			continue;
		nm = xappend(&names, &nnames, sizeof(*names));
		nm->key = doms->kids[i];
		nm->name = cfg->domains[cfg->ndomains - 1].name;
	}
	report_dups(c, names, nnames, "domains", "domain");
	free(names);
}

/* --- public --- */

/* The whole of path into text, at most CFG_MAX_SIZE bytes; -1 after
 * adding why not to d. */
static int
read_file(const char *path, struct buf *text, struct diags *d)
{
	char	 chunk[8192];
	FILE	*f;
	size_t	 n;
	int	 rc = -1, saved;

	if ((f = fopen(path, "r")) == NULL) {
		diags_add(d, DIAG_ERROR, NULL, 0, 0, "cannot read '%s': %s",
		    path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_add(text, chunk, n);
		if (text->len > CFG_MAX_SIZE)
			break;
	}
	if (ferror(f)) {
		saved = errno;
		diags_add(d, DIAG_ERROR, NULL, 0, 0, "cannot read '%s': %s",
		    path, strerror(saved));
		goto out;
	}
	if (text->len > CFG_MAX_SIZE) {
		diags_add(d, DIAG_ERROR, NULL, 0, 0, "cannot read '%s': "
		    "larger than 1 MiB, the limit for a configuration file",
		    path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

static void
tmpls_release(struct ctx *c)
{
	size_t	 i;

	for (i = 0; i < c->ntmpls; i++) {
		free(c->tmpls[i].name);
		free(c->tmpls[i].path);
		free(c->tmpls[i].stages);
		diags_release(&c->tmpls[i].d);
	}
	free(c->tmpls);
	c->tmpls = NULL;
	c->ntmpls = 0;
}

int
cfg_load_string_with(struct cfg *cfg, const char *path, const char *text,
    size_t len, const struct cfg_load_opts *opts, struct diags *d)
{
	struct ctx	 c;
	struct cfg	 out;
	struct node	*root = NULL;
	size_t		 i, j;
	int		 rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	memset(&c, 0, sizeof(c));
	memset(&out, 0, sizeof(out));
	c.file = path;
	c.text = text;
	c.len = len;
	c.opts = opts;
	c.empty_hint = "it needs at least \"version: 1\" and \"domains:\"";
	out.path = path != NULL ? xstrdup(path) : NULL;
	out.default_ttl = CFG_DEFAULT_TTL;
	if (len > CFG_MAX_SIZE) {
		report(&c, DIAG_ERROR, 0, 0, NULL, "larger than 1 MiB, the "
		    "limit for a configuration file");
		goto out;
	}
	if (!yaml_parser_initialize(&c.parser)) {
		report(&c, DIAG_ERROR, 0, 0, NULL, "out of memory reading "
		    "YAML");
		goto out;
	}
	yaml_parser_set_input_string(&c.parser, (const unsigned char *)text,
	    len);
	root = read_tree(&c);
	yaml_parser_delete(&c.parser);
	if (root != NULL) {
		load_root(&c, root, &out);
		if (c.d.nerrors == 0)
			rc = 0;
	}
out:
	flush(&c, d);
	/* Each template's own diagnostics, after the config's. */
	for (i = 0; i < c.ntmpls; i++)
		for (j = 0; j < c.tmpls[i].d.n; j++) {
			const struct diag	*g = &c.tmpls[i].d.v[j];

			diags_add(d, g->level, g->file, g->line, g->col, "%s",
			    g->msg);
		}
	tmpls_release(&c);
	node_free(root);
	if (rc == 0)
		*cfg = out;
	else
		cfg_release(&out);
	return rc;
}

int
cfg_load_string(struct cfg *cfg, const char *path, const char *text,
    size_t len, struct diags *d)
{
	return cfg_load_string_with(cfg, path, text, len, NULL, d);
}

int
cfg_load_with(struct cfg *cfg, const char *path,
    const struct cfg_load_opts *opts, struct diags *d)
{
	struct buf	 text = BUF_INIT;
	int		 rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	if (read_file(path, &text, d) == 0)
		rc = cfg_load_string_with(cfg, path, buf_str(&text), text.len,
		    opts, d);
	buf_release(&text);
	return rc;
}

int
cfg_load(struct cfg *cfg, const char *path, struct diags *d)
{
	return cfg_load_with(cfg, path, NULL, d);
}

void
cfg_release(struct cfg *cfg)
{
	struct cfg_domain	*dom;
	size_t			 i, j;

	for (i = 0; i < cfg->ndomains; i++) {
		dom = &cfg->domains[i];
		free(dom->name);
		free(dom->zone);
		strlist_release(&dom->spf.spec.include,
		    &dom->spf.spec.ninclude);
		strlist_release(&dom->spf.spec.ip4, &dom->spf.spec.nip4);
		strlist_release(&dom->spf.spec.ip6, &dom->spf.spec.nip6);
		for (j = 0; j < dom->ndkim; j++) {
			free(dom->dkim[j].selector);
			free(dom->dkim[j].value);
		}
		free(dom->dkim);
		strlist_release(&dom->dmarc.spec.rua, &dom->dmarc.spec.nrua);
		strlist_release(&dom->dmarc.spec.ruf, &dom->dmarc.spec.nruf);
		strlist_release(&dom->dmarc.spec.fo, &dom->dmarc.spec.nfo);
		free(dom->dmarc.rollout.stages);
		free(dom->dmarc.rollout.template);
		free(dom->dmarc.rollout.template_path);
		free(dom->ses.region);
		free(dom->ses.identity);
		free(dom->ses.mail_from);
	}
	free(cfg->domains);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}

const struct cfg_stage *
cfg_rollout_at(const struct cfg_rollout *ro, long day)
{
	size_t	 i;

	/* The list is short and sorted: the last stage begun wins. */
	for (i = ro->nstages; i > 0; i--)
		if (ro->stages[i - 1].from <= day)
			return &ro->stages[i - 1];
	return NULL;
}

void
cfg_dmarc_at(const struct cfg_dmarc *dm, const struct cfg_stage *st,
    struct dmarc_spec *out)
{
	*out = dm->spec;
	out->policy = st->policy;
	out->subdomain_policy = st->subdomain_policy;
	out->nonexistent_subdomain_policy = st->nonexistent_subdomain_policy;
	/* t=y with pct=0: older receivers, which ignore t, then apply the
	 * policy to no mail, so the stage is soft for both kinds. */
	out->testing = st->testing ? 1 : -1;
	out->pct = st->testing ? 0 : st->pct;
}
