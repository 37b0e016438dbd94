/*
 * render.c - the plan as people read it, in the manner of Terraform:
 * "+" create, "~" update (old and new values), "-" delete, and a closing
 * count.  Values are shown as Route 53 holds them (quoted TXT strings).
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/plan.h"

#define GREEN	"\033[32m"
#define YELLOW	"\033[33m"
#define RED	"\033[31m"
#define DIM	"\033[2m"
#define BOLD	"\033[1m"
#define RESET	"\033[0m"

struct style {
	int	 color;
};

static void
paint(struct buf *out, const struct style *st, const char *ansi,
    const char *text)
{
	if (st->color)
		buf_addf(out, "%s%s%s", ansi, text, RESET);
	else
		buf_adds(out, text);
}

static int
has_value(const struct rrset *rs, const char *v)
{
	size_t	 i;

	for (i = 0; i < rs->nvalues; i++)
		if (strcmp(rs->values[i], v) == 0)
			return 1;
	return 0;
}

static void
value_line(struct buf *out, const struct style *st, const char *mark,
    const char *ansi, const char *value, const char *suffix)
{
	buf_adds(out, "      ");
	paint(out, st, ansi, mark);
	buf_addf(out, " %s", value);
	if (suffix != NULL)
		paint(out, st, DIM, suffix);
	buf_addc(out, '\n');
}

static void
render_change(const struct plan_change *c, const struct style *st,
    struct buf *out)
{
	const struct rrset	*rs = c->op == PLAN_DELETE ? &c->before : &c->after;
	char			*name = dns_name_display(rs->name);
	size_t			 i;

	buf_adds(out, "  ");
	paint(out, st, BOLD, "#");
	buf_addf(out, " %s %s", name, rs->type);
	if (c->domain != NULL)
		buf_addf(out, ": %s for %s", record_kind_name(c->kind),
		    c->domain);
	if (c->zone != NULL)
		buf_addf(out, " (zone %s)", c->zone->id);
	buf_addc(out, '\n');

	switch (c->op) {
	case PLAN_NONE:
		buf_adds(out, "  ");
		paint(out, st, DIM, "=");
		buf_addf(out, " %s %s: no change", name, rs->type);
		break;
	case PLAN_CREATE:
		buf_adds(out, "  ");
		paint(out, st, GREEN, "+");
		buf_addf(out, " %s %s ttl %ld", name, rs->type, rs->ttl);
		break;
	case PLAN_UPDATE:
		buf_adds(out, "  ");
		paint(out, st, YELLOW, "~");
		if (strcmp(c->before.type, c->after.type) != 0)
			buf_addf(out, " %s %s -> %s", name, c->before.type,
			    c->after.type);
		else
			buf_addf(out, " %s %s", name, rs->type);
		if (c->before.ttl != c->after.ttl)
			buf_addf(out, " ttl %ld -> %ld", c->before.ttl,
			    c->after.ttl);
		else
			buf_addf(out, " ttl %ld", rs->ttl);
		break;
	case PLAN_DELETE:
		buf_adds(out, "  ");
		paint(out, st, RED, "-");
		buf_addf(out, " %s %s ttl %ld", name, rs->type, rs->ttl);
		break;
	}
	buf_addc(out, '\n');
	if (c->note != NULL) {
		buf_adds(out, "      ");
		paint(out, st, DIM, c->note);
		buf_addc(out, '\n');
	}

	if (c->op == PLAN_UPDATE)
		for (i = 0; i < c->before.nvalues; i++)
			if (!has_value(&c->after, c->before.values[i]))
				value_line(out, st, "-", RED,
				    c->before.values[i], NULL);
	if (c->op != PLAN_NONE)
		for (i = 0; i < rs->nvalues; i++) {
			if (c->op == PLAN_CREATE)
				value_line(out, st, "+", GREEN, rs->values[i],
				    NULL);
			else if (c->op == PLAN_DELETE)
				value_line(out, st, "-", RED, rs->values[i],
				    NULL);
			else if (!has_value(&c->before, rs->values[i]))
				value_line(out, st, "+", GREEN, rs->values[i],
				    NULL);
			else
				value_line(out, st, " ", "", rs->values[i],
				    "  (unchanged)");
		}
	buf_addc(out, '\n');
	free(name);
}

void
plan_render_text(const struct plan *p, int color, struct buf *out)
{
	struct style	 st = { color };
	size_t		 i;

	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change	*c = &p->changes[i];

		/* Unchanged sets are shown only when there is something
		 * to say about them. */
		if (c->op == PLAN_NONE && c->note == NULL)
			continue;
		render_change(c, &st, out);
	}
	if (plan_has_changes(p))
		buf_addf(out, "Plan: %zu to add, %zu to change, %zu to "
		    "destroy.\n", p->nadd, p->nchange, p->ndestroy);
}
