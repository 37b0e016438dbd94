/*
 * render.c - the plan as people read it, in the manner of Terraform:
 * "+" create, "~" update (old and new values), "-" delete, and a closing
 * count.  Values are shown as Route 53 holds them (quoted TXT strings).
 * The same as GitHub-flavoured Markdown for a pull-request comment: a
 * table per domain.  A DMARC change of a rollout names its stage, a rollback
 * stage loudly.
 *
 * Names, types, zone ids and values come from the config and from Route
 * 53: each is made printable where it is written (buf_add_printable_msg():
 * values and names are in Route 53's presentation form, whose backslashes
 * are escapes already).  The JSON of saved plans (json_write.c) escapes
 * with cJSON instead and keeps every byte.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/plan.h"
#include "mailauth/replay.h"

#define GREEN	"\033[32m"
#define YELLOW	"\033[33m"
#define RED	"\033[31m"
#define DIM	"\033[2m"
#define BOLD	"\033[1m"
#define RESET	"\033[0m"

struct style {
	int	 color;
};

/* s, which came from the config or Route 53, made printable. */
static void
shown(struct buf *out, const char *s)
{
	buf_add_printable_msg(out, s, strlen(s), 0);
}

/* text (made printable) in the colour ansi when colours are on. */
static void
paint(struct buf *out, const struct style *st, const char *ansi,
    const char *text)
{
	if (st->color)
		buf_adds(out, ansi);
	shown(out, text);
	if (st->color)
		buf_adds(out, RESET);
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
	buf_addc(out, ' ');
	shown(out, value);
	if (suffix != NULL)
		paint(out, st, DIM, suffix);
	buf_addc(out, '\n');
}

/*
 * The name a change is shown by (malloc'd): its set's, or, for a DMARC
 * record left alone with nothing live, the name it would have.
 */
static char *
shown_name(const struct plan_change *c)
{
	const struct rrset	*rs = c->op == PLAN_DELETE ? &c->before : &c->after;

	if (rs->name != NULL)
		return dns_name_display(rs->name);
	if (c->kind == RECORD_DMARC && c->domain != NULL)
		return xasprintf("_dmarc.%s", c->domain);
	return xstrdup("?");
}

/* "quarantine (testing)", "reject (pct=25)", "none". */
static void
stage_policy(const struct plan_stage *s, struct buf *out)
{
	buf_adds(out, dmarc_policy_name(s->policy) != NULL ?
	    dmarc_policy_name(s->policy) : "?");
	if (s->testing)
		buf_adds(out, " (testing)");
	else if (s->pct >= 0)
		buf_addf(out, " (pct=%d)", s->pct);
}

/* What follows the policy: " since FROM; next stage on NEXT". */
static void
stage_dates(const struct plan_stage *s, struct buf *out)
{
	buf_addf(out, " since %s; ", s->from);
	if (s->next[0] != '\0')
		buf_addf(out, "next stage on %s", s->next);
	else
		buf_adds(out, "the last stage");
}

static void
stage_not_started(const struct plan_stage *s, struct buf *out)
{
	buf_addf(out, "rollout not started: stage 1 of %d begins on %s; "
	    "DMARC is left alone until then", s->count, s->next);
}

static void
stage_line(const struct plan_stage *s, const struct style *st,
    struct buf *out)
{
	buf_adds(out, "      ");
	if (s->number == 0)
		stage_not_started(s, out);
	else {
		buf_addf(out, "stage %d of %d: ", s->number, s->count);
		if (s->rollback) {
			paint(out, st, RED BOLD, "ROLLBACK");
			buf_adds(out, " to ");
		}
		stage_policy(s, out);
		stage_dates(s, out);
	}
	buf_addc(out, '\n');
}

/* --- the policy replay (replay.c) --- */

/* part of whole as a percentage rounded down to two decimals. */
static void
percent(uint64_t part, uint64_t whole, struct buf *out)
{
	uint64_t	 bp;

	bp = part <= UINT64_MAX / 10000 ? part * 10000 / whole :
	    (uint64_t)((double)part / (double)whole * 10000.0);
	buf_addf(out, "%llu.%02llu%%", (unsigned long long)(bp / 100),
	    (unsigned long long)(bp % 100));
}

static const char *
plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* What the replay found, in one sentence without its window. */
static void
replay_sentence(const struct plan_replay *r, struct buf *out)
{
	uint64_t	 n = r->quarantine + r->reject;

	if (r->messages == 0) {
		buf_adds(out, "no message under this record in the reports");
		return;
	}
	buf_addf(out, "of %llu %s (%llu failing DMARC), ",
	    (unsigned long long)r->messages,
	    plural(r->messages, "message", "messages"),
	    (unsigned long long)r->failing);
	if (n == 0) {
		buf_adds(out, "none would newly be quarantined or rejected");
		return;
	}
	buf_addf(out, "%llu (", (unsigned long long)n);
	percent(n, r->messages, out);
	buf_addf(out, ") would newly be quarantined or rejected (%llu "
	    "quarantined, %llu rejected), from %zu %s",
	    (unsigned long long)r->quarantine, (unsigned long long)r->reject,
	    r->sources, r->sources == 1 ? "source" : "sources");
}

/* "120 quarantined, 3 rejected" of a source, without the zero half. */
static void
source_counts(const struct replay_source *s, struct buf *out)
{
	if (s->quarantine > 0)
		buf_addf(out, "%llu quarantined",
		    (unsigned long long)s->quarantine);
	if (s->quarantine > 0 && s->reject > 0)
		buf_adds(out, ", ");
	if (s->reject > 0)
		buf_addf(out, "%llu rejected", (unsigned long long)s->reject);
}

static void
replay_text(const struct plan_replay *r, const struct style *st,
    struct buf *out)
{
	struct buf	 line = BUF_INIT;
	size_t		 i;

	buf_addf(&line, "policy replay of the reports from %s to %s: ",
	    r->since, r->until);
	replay_sentence(r, &line);
	buf_adds(out, "      ");
	if (r->quarantine + r->reject > 0)
		paint(out, st, YELLOW, buf_str(&line));
	else
		shown(out, buf_str(&line));
	buf_adds(out, r->ntop > 0 ? ":\n" : "\n");
	for (i = 0; i < r->ntop; i++) {
		buf_adds(out, "        ");
		shown(out, r->top[i].ip);
		buf_adds(out, ": ");
		source_counts(&r->top[i], out);
		buf_addc(out, '\n');
	}
	if (r->sources > r->ntop)
		buf_addf(out, "        ... and %zu more %s\n",
		    r->sources - r->ntop, plural(r->sources - r->ntop,
		    "source", "sources"));
	buf_release(&line);
}

/* " NAME TYPE" (the type only when there is one), made printable. */
static void
head(struct buf *out, const char *name, const char *type)
{
	buf_addc(out, ' ');
	shown(out, name);
	if (type != NULL) {
		buf_addc(out, ' ');
		shown(out, type);
	}
}

static void
render_change(const struct plan_change *c, const struct style *st,
    struct buf *out)
{
	const struct rrset	*rs = c->op == PLAN_DELETE ? &c->before : &c->after;
	char			*name = shown_name(c);
	size_t			 i;

	buf_adds(out, "  ");
	paint(out, st, BOLD, "#");
	buf_addc(out, ' ');
	shown(out, name);
	if (rs->name != NULL) {
		buf_addc(out, ' ');
		shown(out, rs->type);
	}
	if (c->domain != NULL) {
		/* An IDN shows as people write it and as DNS holds it. */
		char	*dom = dns_name_both(c->domain);

		buf_addf(out, ": %s for ", record_kind_name(c->kind));
		shown(out, dom);
		free(dom);
	}
	if (c->zone != NULL) {
		buf_adds(out, " (zone ");
		shown(out, c->zone->id);
		if (c->zone->account != NULL) {		/* accounts: */
			buf_adds(out, ", account ");
			shown(out, c->zone->account);
		}
		buf_addc(out, ')');
	}
	buf_addc(out, '\n');

	switch (c->op) {
	case PLAN_NONE:
		buf_adds(out, "  ");
		paint(out, st, DIM, "=");
		head(out, name, rs->name != NULL ? rs->type : NULL);
		buf_adds(out, rs->name != NULL ? ": no change" :
		    ": nothing published, no change");
		break;
	case PLAN_CREATE:
		buf_adds(out, "  ");
		paint(out, st, GREEN, "+");
		head(out, name, rs->type);
		buf_addf(out, " ttl %ld", rs->ttl);
		break;
	case PLAN_UPDATE:
		buf_adds(out, "  ");
		paint(out, st, YELLOW, "~");
		head(out, name, c->before.type);
		if (strcmp(c->before.type, c->after.type) != 0) {
			buf_adds(out, " -> ");
			shown(out, c->after.type);
		}
		if (c->before.ttl != c->after.ttl)
			buf_addf(out, " ttl %ld -> %ld", c->before.ttl,
			    c->after.ttl);
		else
			buf_addf(out, " ttl %ld", rs->ttl);
		break;
	case PLAN_DELETE:
		buf_adds(out, "  ");
		paint(out, st, RED, "-");
		head(out, name, rs->type);
		buf_addf(out, " ttl %ld", rs->ttl);
		break;
	}
	buf_addc(out, '\n');
	if (c->stage != NULL)
		stage_line(c->stage, st, out);
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
	if (c->replay != NULL)
		replay_text(c->replay, st, out);
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
		if (c->op == PLAN_NONE && c->note == NULL && c->stage == NULL)
			continue;
		render_change(c, &st, out);
	}
	if (plan_has_changes(p))
		buf_addf(out, "Plan: %zu to add, %zu to change, %zu to "
		    "destroy.\n", p->nadd, p->nchange, p->ndestroy);
}

/* --- Markdown --- */

/*
 * What Markdown, or GitHub in a comment, could read as markup in plain
 * text: escapes, code, emphasis, links, HTML and entities, table cells,
 * strikethrough, headings and issue references, math, emoji codes and
 * mentions.  Each is written with a backslash before it.
 */
#define MD_SPECIAL	"\\`*_[]<>|~&#!$:@"

/* s, made printable, with what Markdown would read as markup escaped. */
static void
md_text(struct buf *out, const char *s)
{
	struct buf	 t = BUF_INIT;
	size_t		 i;

	shown(&t, s);
	for (i = 0; i < t.len; i++) {
		if (strchr(MD_SPECIAL, t.data[i]) != NULL)
			buf_addc(out, '\\');
		buf_addc(out, t.data[i]);
	}
	buf_release(&t);
}

/*
 * s, made printable, as a code span in a table cell.  The fence is one
 * backtick longer than the longest run of backticks in s, with a space
 * inside it when s starts or ends with a backtick or a space (CommonMark
 * strips one from each side).  A '|' would end the cell even inside the
 * span, so it is written "\|", which GitHub's tables turn back into '|'
 * before reading the span; a control character would end the row, and is
 * escaped as everywhere ("\n", "\x1b").
 */
static void
md_code(struct buf *out, const char *raw)
{
	struct buf	 t = BUF_INIT;
	const char	*s;
	size_t		 n, i, run = 0, longest = 0;
	int		 pad;

	shown(&t, raw);
	s = buf_str(&t);
	if ((n = t.len) == 0)
		goto out;
	for (i = 0; i < n; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = s[0] == '`' || s[0] == ' ' || s[n - 1] == '`' || s[n - 1] == ' ';
	for (i = 0; i <= longest; i++)
		buf_addc(out, '`');
	if (pad)
		buf_addc(out, ' ');
	for (i = 0; i < n; i++) {
		if (s[i] == '|')
			buf_adds(out, "\\|");
		else
			buf_addc(out, s[i]);
	}
	if (pad)
		buf_addc(out, ' ');
	for (i = 0; i <= longest; i++)
		buf_addc(out, '`');
out:
	buf_release(&t);
}

static void
md_values(struct buf *out, const struct rrset *rs)
{
	size_t	 i;

	if (rs->name == NULL)
		return;
	for (i = 0; i < rs->nvalues; i++) {
		if (i > 0)
			buf_adds(out, "<br>");
		md_code(out, rs->values[i]);
	}
}

/* 1 when the change has a line in the table. */
static int
md_shown(const struct plan_change *c)
{
	const struct rrset	*rs = c->op == PLAN_DELETE ? &c->before :
				    &c->after;

	return c->stage != NULL || (rs->name != NULL && (c->op != PLAN_NONE ||
	    c->note != NULL));
}

static void
md_stage(const struct plan_stage *s, struct buf *out)
{
	struct buf	 text = BUF_INIT;

	if (s->number == 0)
		stage_not_started(s, &text);
	else {
		buf_addf(&text, "stage %d of %d: ", s->number, s->count);
		md_text(out, buf_str(&text));
		buf_reset(&text);
		if (s->rollback)
			buf_adds(out, "**ROLLBACK** to ");
		stage_policy(s, &text);
		stage_dates(s, &text);
	}
	md_text(out, buf_str(&text));
	buf_release(&text);
}

static int
same_domain(const struct plan_change *a, const struct plan_change *b)
{
	if (a->domain == NULL || b->domain == NULL)
		return a->domain == b->domain;
	return strcmp(a->domain, b->domain) == 0;
}

/* The weakening marker of a change in its Note cell: the guard's reason
 * (plan_change_weakens()), after a line break when the cell holds more. */
static void
md_weakening(const struct plan_change *c, int after, struct buf *out)
{
	char	*why = plan_change_weakens(c);

	if (why == NULL)
		return;
	if (after)
		buf_adds(out, "<br>");
	buf_adds(out, "**weakens:** ");
	md_text(out, why);
	free(why);
}

static void
md_row(const struct plan_change *c, struct buf *out)
{
	const struct rrset	*rs = c->op == PLAN_DELETE ? &c->before :
				    &c->after;
	char			*name = shown_name(c);

	switch (c->op) {
	case PLAN_CREATE:
		buf_adds(out, "| `+ create` | ");
		break;
	case PLAN_UPDATE:
		buf_adds(out, "| `~ update` | ");
		break;
	case PLAN_DELETE:
		buf_adds(out, "| **`- delete`** | ");
		break;
	case PLAN_NONE:
		buf_adds(out, "| `= no change` | ");
		break;
	}
	md_code(out, name);
	buf_adds(out, " | ");
	if (c->op == PLAN_UPDATE && strcmp(c->before.type, c->after.type) != 0) {
		md_text(out, c->before.type);
		buf_adds(out, " -> ");
	}
	if (rs->name != NULL) {
		md_text(out, rs->type);
		buf_adds(out, " | ");
		if (c->op == PLAN_UPDATE && c->before.ttl != c->after.ttl)
			buf_addf(out, "%ld -> ", c->before.ttl);
		buf_addf(out, "%ld | ", rs->ttl);
	} else
		buf_adds(out, " |  | ");
	md_values(out, &c->before);
	buf_adds(out, " | ");
	md_values(out, &c->after);
	buf_adds(out, " | ");
	if (c->stage != NULL)
		md_stage(c->stage, out);
	if (c->stage != NULL && c->note != NULL)
		buf_adds(out, "<br>");
	if (c->note != NULL)
		md_text(out, c->note);
	md_weakening(c, c->stage != NULL || c->note != NULL, out);
	buf_adds(out, " |\n");
	free(name);
}

/* The zones of the domain's shown changes, each once. */
static void
md_zones(const struct plan *p, size_t first, struct buf *out)
{
	const struct plan_change	*c, *d;
	size_t				 i, j, n = 0;
	char				*name;

	for (i = first; i < p->nchanges; i++) {
		c = &p->changes[i];
		if (!same_domain(c, &p->changes[first]) || !md_shown(c) ||
		    c->zone == NULL)
			continue;
		for (j = first; j < i; j++) {
			d = &p->changes[j];
			if (same_domain(d, c) && md_shown(d) &&
			    d->zone == c->zone)
				break;
		}
		if (j < i)
			continue;
		buf_adds(out, n++ == 0 ? "Zone " : ", ");
		md_code(out, c->zone->id);
		name = dns_name_display(c->zone->name);
		buf_adds(out, " (");
		md_text(out, name);
		if (c->zone->account != NULL) {		/* accounts: */
			buf_adds(out, ", account ");
			md_text(out, c->zone->account);
		}
		buf_addc(out, ')');
		free(name);
	}
	if (n > 0)
		buf_adds(out, "\n\n");
}

/* The replay of a change: a sentence, and its top sources in a table. */
static void
md_replay(const struct plan_change *c, struct buf *out)
{
	const struct plan_replay	*r = c->replay;
	struct buf			 text = BUF_INIT;
	char				*name = shown_name(c);
	size_t				 i;

	buf_adds(out, "**Policy replay** of ");
	md_code(out, name);
	buf_addf(&text, ", reports from %s to %s: ", r->since, r->until);
	replay_sentence(r, &text);
	md_text(out, buf_str(&text));
	buf_adds(out, r->ntop > 0 ? ":\n\n| Source | Newly quarantined | "
	    "Newly rejected |\n|---|---|---|\n" : "\n");
	for (i = 0; i < r->ntop; i++) {
		buf_adds(out, "| ");
		md_code(out, r->top[i].ip);
		buf_addf(out, " | %llu | %llu |\n",
		    (unsigned long long)r->top[i].quarantine,
		    (unsigned long long)r->top[i].reject);
	}
	if (r->sources > r->ntop)
		buf_addf(out, "\n... and %zu more %s\n", r->sources - r->ntop,
		    plural(r->sources - r->ntop, "source", "sources"));
	buf_addc(out, '\n');
	buf_release(&text);
	free(name);
}

static void
md_domain(const struct plan *p, size_t first, struct buf *out)
{
	size_t	 i;
	char	*dom;

	buf_adds(out, "### ");
	dom = p->changes[first].domain != NULL ?
	    dns_name_both(p->changes[first].domain) : xstrdup("?");
	md_text(out, dom);
	free(dom);
	buf_adds(out, "\n\n");
	md_zones(p, first, out);
	buf_adds(out, "| Action | Name | Type | TTL | Before | After | Note |\n"
	    "|---|---|---|---|---|---|---|\n");
	for (i = first; i < p->nchanges; i++)
		if (same_domain(&p->changes[i], &p->changes[first]) &&
		    md_shown(&p->changes[i]))
			md_row(&p->changes[i], out);
	buf_addc(out, '\n');
	for (i = first; i < p->nchanges; i++)
		if (same_domain(&p->changes[i], &p->changes[first]) &&
		    p->changes[i].replay != NULL)
			md_replay(&p->changes[i], out);
}

void
plan_render_markdown(const struct plan *p, struct buf *out)
{
	size_t	 i, j;

	/* A section per domain, in the order domains first appear, for
	 * the domains with something to show. */
	for (i = 0; i < p->nchanges; i++) {
		if (!md_shown(&p->changes[i]))
			continue;
		for (j = 0; j < i; j++)
			if (md_shown(&p->changes[j]) &&
			    same_domain(&p->changes[j], &p->changes[i]))
				break;
		if (j == i)
			md_domain(p, i, out);
	}
	if (!plan_has_changes(p)) {
		buf_adds(out, "No changes.\n");
		return;
	}
	buf_addf(out, "**Plan:** %zu to add, %zu to change, ", p->nadd,
	    p->nchange);
	if (p->ndestroy > 0)
		buf_addf(out, "**%zu to destroy**.\n", p->ndestroy);
	else
		buf_adds(out, "0 to destroy.\n");
}

/* --- what the reviewer reads beside the changes (plan_review()) --- */

static void
md_notices(const char *title, const struct plan_notice *v, size_t n,
    struct buf *out)
{
	size_t	 i;

	if (n == 0)
		return;
	buf_addf(out, "\n#### %s\n\n", title);
	for (i = 0; i < n; i++) {
		buf_adds(out, "- ");
		md_text(out, v[i].message);
		buf_addc(out, '\n');
	}
}

void
plan_render_review_markdown(const struct plan *p, struct buf *out)
{
	size_t	 i, n = 0;
	char	*dom;

	for (i = 0; i < p->ngates; i++) {
		if (p->gates[i].verdict == PLAN_GATE_NONE)
			continue;
		if (n++ == 0)
			buf_adds(out, "\n#### Rollout gate\n\n"
			    "| Domain | Verdict | Reason |\n|---|---|---|\n");
		buf_adds(out, "| ");
		dom = dns_name_both(p->gates[i].domain);
		md_text(out, dom);
		free(dom);
		buf_addf(out, " | %s%s%s | ",
		    p->gates[i].verdict == PLAN_GATE_HOLD ? "**" : "",
		    plan_gate_verdict_name(p->gates[i].verdict),
		    p->gates[i].verdict == PLAN_GATE_HOLD ? "**" : "");
		if (p->gates[i].reason != NULL)
			md_text(out, p->gates[i].reason);
		buf_adds(out, " |\n");
	}
	md_notices("Warnings", p->warnings, p->nwarnings, out);
	md_notices("Not managed", p->notes, p->nnotes, out);
}

void
plan_render_notes_text(const struct plan *p, struct buf *out)
{
	size_t	 i;

	for (i = 0; i < p->nnotes; i++) {
		buf_adds(out, "Note: ");
		shown(out, p->notes[i].message);
		buf_addc(out, '\n');
	}
	if (p->nnotes > 0)
		buf_addc(out, '\n');
}
