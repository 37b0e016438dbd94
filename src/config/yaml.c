/*
 * yaml.c - the YAML reader: libyaml events -> a small tree of nodes that
 * keep the line and column where they are written, refusing anchors,
 * aliases, tags and more than one document; and the located diagnostics
 * every check of src/config/ reports through.  The only file that includes
 * <yaml.h>.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/file.h"
#include "mailauth/diag.h"
#include "internal.h"

#define MAX_DEPTH	64	/* nesting of YAML nodes */
#define SHOW_MAX	60	/* bytes of a value quoted in a message */
#define YAML_TAG_PREFIX	"tag:yaml.org,2002:"

/* --- diagnostics --- */

void
cfg_report(struct ctx *c, enum diag_level level, int line, int col,
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

void
cfg_error_at(struct ctx *c, const struct node *n, const char *path,
    const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	cfg_report(c, DIAG_ERROR, n->line, n->col, path, "%s", buf_str(&msg));
	buf_release(&msg);
}

/* Appends s escaped and cut so a message stays one readable line whatever
 * the file holds. */
static void
show_raw(struct buf *b, const char *s, size_t len)
{
	size_t	 i, j, n = len;

	if (n > SHOW_MAX) {
		n = SHOW_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	/* The one printable-text scheme, and \" for a quote. */
	for (i = 0; i < n; i = j + 1) {
		for (j = i; j < n && s[j] != '"'; j++)
			continue;
		buf_add_printable(b, s + i, j - i, 0);
		if (j < n)
			buf_adds(b, "\\\"");
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
int
cfg_before(const struct node *a, const struct node *b)
{
	return a->line < b->line || (a->line == b->line && a->col < b->col);
}

int
cfg_is_null(const struct node *n)
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
void
cfg_describe(struct buf *b, const struct node *n, int typed)
{
	if (n->type == NODE_MAP)
		buf_adds(b, "a mapping");
	else if (n->type == NODE_SEQ)
		buf_adds(b, "a list");
	else if (cfg_is_null(n))
		buf_adds(b, "nothing");
	else {
		if (typed && !n->plain)
			buf_adds(b, "a quoted string ");
		show(b, n->str, n->len);
	}
}

void
cfg_expect(struct ctx *c, const struct node *n, const char *path,
    const char *what, int typed)
{
	struct buf	 got = BUF_INIT;

	cfg_describe(&got, n, typed);
	cfg_error_at(c, n, path, "expected %s, got %s", what, buf_str(&got));
	buf_release(&got);
}

void
cfg_join_names(struct buf *b, const char *const *names, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		buf_addf(b, "%s%s", i > 0 ? ", " : "", names[i]);
}

/* The key path of key below path; the key made printable, so the message
 * stays on one line, and cut when long (diag_add_key). */
char *
cfg_join(const char *path, const char *key)
{
	struct buf	 b = BUF_INIT;

	if (path != NULL && *path != '\0')
		buf_addf(&b, "%s.", path);
	diag_add_key(&b, key);
	return buf_detach(&b);
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
void
cfg_flush(struct ctx *c, struct diags *d)
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
	diags_count_dropped(d, &c->d);
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
	const yaml_parser_t	*p = c->parser;
	const char		*problem;
	int			 line, col;

	problem = p->problem != NULL ? p->problem : "unknown error";
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		cfg_report(c, DIAG_ERROR, 0, 0, NULL,
		    "out of memory reading YAML");
		break;
	case YAML_READER_ERROR:
		offset_pos(c, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			cfg_report(c, DIAG_ERROR, line, col, NULL,
			    "invalid YAML: %s (0x%02x)%s", problem,
			    (unsigned int)p->problem_value,
			    strstr(problem, "UTF-") != NULL ? "; mailauth "
			    "reads UTF-8: save the file as UTF-8" : "");
		else
			cfg_report(c, DIAG_ERROR, line, col, NULL,
			    "invalid YAML: %s", problem);
		break;
	default:
		line = (int)p->problem_mark.line + 1;
		col = (int)p->problem_mark.column + 1;
		if (p->context != NULL)
			cfg_report(c, DIAG_ERROR, line, col, NULL,
			    "invalid YAML: %s (%s that starts at line %d, "
			    "column %d)", problem, p->context,
			    (int)p->context_mark.line + 1,
			    (int)p->context_mark.column + 1);
		else
			cfg_report(c, DIAG_ERROR, line, col, NULL,
			    "invalid YAML: %s", problem);
		break;
	}
}

static int
next_event(struct ctx *c, yaml_event_t *ev)
{
	if (yaml_parser_parse(c->parser, ev))
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

void
cfg_node_free(struct node *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		cfg_node_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

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
	cfg_report(c, DIAG_ERROR, (int)m->line + 1, (int)m->column + 1, path,
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
		cfg_report(c, DIAG_ERROR, (int)ev->start_mark.line + 1,
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
		cfg_report(c, DIAG_ERROR, (int)ev->start_mark.line + 1,
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
			sub = cfg_join(path, n->kids[n->nkids - 1]->str);
		else
			sub = cfg_join(path, "?");
		kid = build(c, &e, sub, depth + 1);
		free(sub);
		if (kid == NULL)
			goto fail;
		slot = xappend(&n->kids, &n->nkids, sizeof(*n->kids));
		*slot = kid;
	}
fail:
	cfg_node_free(n);
	return NULL;
}

/* The document of the stream, once the parser is set up. */
static struct node *
read_document(struct ctx *c)
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
		cfg_report(c, DIAG_ERROR, 0, 0, NULL, "the file is empty; %s",
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
		cfg_report(c, DIAG_ERROR, (int)e.start_mark.line + 1,
		    (int)e.start_mark.column + 1, NULL, "a second YAML "
		    "document: mailauth reads one document per file; merge "
		    "them");
	yaml_event_delete(&e);
	return root;
fail:
	cfg_node_free(root);
	return NULL;
}

struct node *
cfg_read_tree(struct ctx *c)
{
	yaml_parser_t	 parser;
	struct node	*root;

	if (!yaml_parser_initialize(&parser)) {
		cfg_report(c, DIAG_ERROR, 0, 0, NULL, "out of memory reading "
		    "YAML");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)c->text,
	    c->len);
	c->parser = &parser;
	root = read_document(c);
	c->parser = NULL;
	yaml_parser_delete(&parser);
	return root;
}

/* The whole of path into text, at most CFG_MAX_SIZE bytes; -1 after
 * adding why not to d. */
int
cfg_read_file(const char *path, struct buf *text, struct diags *d)
{
	struct err	 err;
	char		 chunk[8192];
	FILE		*f;
	size_t		 n;
	int		 fd, rc = -1, saved;

	err_clear(&err);
	if ((fd = file_open_read(path, &err)) == -1) {
		diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s", err.msg);
		return -1;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		saved = errno;
		close(fd);
		diags_add(d, DIAG_ERROR, NULL, 0, 0, "cannot read '%s': %s",
		    path, strerror(saved));
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
