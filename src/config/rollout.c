/*
 * rollout.c - dmarc.rollout: stages (dates, order, strength), templates
 * (NAME.yaml, found in the user's folder or the built-in one, read once
 * per load) and dmarc.gate; the stage active on a day and the record it
 * publishes.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/date.h"
#include "mailauth/err.h"
#include "mailauth/suggest.h"
#include "internal.h"

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

enum { GT_RATE, GT_WINDOW, GT_MESSAGES };
enum { G_POLICY, G_TESTING, G_PCT, G_SP, G_NP, G_WHEN, G_ROLLBACK, G_MAX };
enum { T_TEMPLATE, T_START };
enum { F_DESCRIPTION, F_STAGES };

/* --- dates --- */

int
cfg_get_date(struct ctx *c, const struct node *n, const char *path, long *day)
{
	struct err	 err;

	if (n->type == NODE_ALIAS)
		return -1;
	if (n->type != NODE_SCALAR || cfg_is_null(n) ||
	    strlen(n->str) != n->len || !date_is_shaped(n->str)) {
		cfg_expect(c, n, path, "a date as YYYY-MM-DD", 0);
		return -1;
	}
	err_clear(&err);
	if (date_parse(n->str, day, &err) == -1) {
		cfg_error_at(c, n, path, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* What a stage's nodes are, to place messages about the whole list. */
/* --- rollout stages --- */

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
		cfg_legacy(c, key, path);
		return;
	}
	cfg_report(c, DIAG_WARNING, key->line, key->col, path, "RFC 9989 "
	    "receivers ignore pct and apply p=%s to all failing mail; only "
	    "RFC 7489 receivers apply it to %d%%; for a stage that is soft for "
	    "both, write testing: true", dmarc_policy_name(st->policy),
	    st->pct);
}

/*
 * One stage at n (a template's when tmpl).  Fills st and at; at->ok says
 * whether the stage can take part in the checks of the whole list: every
 * value it gave was taken.  That is judged by what each value returned, not
 * by the count of errors, which misses an alias (reported when the YAML was
 * read): a refused value leaves its field unset, which those checks read.
 */
static void
load_stage(struct ctx *c, const struct node *n, const char *path, int tmpl,
    struct cfg_stage *st, struct stage_at *at)
{
	const struct node	*k[G_MAX], *v[G_MAX];
	size_t			 nerrors = c->d.nerrors;
	long			 l;
	int			 bad = 0;
	char			*p;

	/* A template's stage has no rollback, which cfg_map_fields() then
	 * leaves as it is. */
	memset(k, 0, sizeof(k));
	memset(v, 0, sizeof(v));
	memset(st, 0, sizeof(*st));
	st->pct = -1;
	st->pos = cfg_pos_of(n);
	memset(at, 0, sizeof(*at));
	at->item = n;
	if (cfg_map_fields(c, n, path, tmpl ? tstage_keys : stage_keys,
	    tmpl ? nitems(tstage_keys) : nitems(stage_keys), k, v) == -1)
		return;
	if (v[G_POLICY] == NULL)
		cfg_missing(c, n, path, "policy",
		    "one of none, quarantine, reject");
	else if (cfg_load_policy(c, v[G_POLICY], path, "policy",
	    &st->policy) == -1)
		bad = 1;
	if (v[G_WHEN] == NULL)
		cfg_missing(c, n, path, tmpl ? "day" : "from", tmpl ?
		    "the days after the rollout's start when the stage begins" :
		    "the date the stage begins, as YYYY-MM-DD");
	else {
		at->when = v[G_WHEN];
		p = cfg_join(path, tmpl ? "day" : "from");
		if (tmpl) {
			if (cfg_get_int(c, v[G_WHEN], p, 0, 36500, &l) == 0)
				st->from = l;
			else
				bad = 1;
		} else if (cfg_get_date(c, v[G_WHEN], p, &st->from) == -1)
			bad = 1;
		free(p);
	}
	if (v[G_SP] != NULL && cfg_load_policy(c, v[G_SP], path,
	    "subdomain_policy", &st->subdomain_policy) == -1)
		bad = 1;
	if (v[G_NP] != NULL && cfg_load_policy(c, v[G_NP], path,
	    "nonexistent_subdomain_policy",
	    &st->nonexistent_subdomain_policy) == -1)
		bad = 1;
	if (v[G_ROLLBACK] != NULL) {
		at->rollback = k[G_ROLLBACK];
		p = cfg_join(path, "rollback");
		if (cfg_get_bool(c, v[G_ROLLBACK], p, &st->rollback) == -1)
			bad = 1;
		free(p);
	}
	if (v[G_TESTING] != NULL) {
		p = cfg_join(path, "testing");
		if (cfg_get_bool(c, v[G_TESTING], p, &st->testing) == -1)
			bad = 1;
		else if (st->testing && st->policy == DMARC_POLICY_NONE)
			cfg_error_at(c, v[G_TESTING], p, "testing: true needs "
			    "policy quarantine or reject; there is nothing "
			    "to test with policy none");
		free(p);
	}
	if (v[G_PCT] != NULL) {
		p = cfg_join(path, "pct");
		if (st->testing)
			cfg_error_at(c, k[G_PCT], p, "cannot be combined with "
			    "testing: true, which publishes pct=0");
		else if (cfg_get_int(c, v[G_PCT], p, 0, 100, &l) == 0) {
			st->pct = (int)l;
			if (st->policy != DMARC_POLICY_UNSET)
				pct_warning(c, k[G_PCT], p, st);
		} else
			bad = 1;
		free(p);
	}
	at->ok = !bad && c->d.nerrors == nerrors;
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
		cfg_error_at(c, at[0].when, p, "the first stage starts the "
		    "rollout: write day: 0");
		free(p);
	}
	if (!tmpl && n > 0 && at[0].ok && st[0].rollback) {
		p = xasprintf("%s[0].rollback", path);
		cfg_error_at(c, at[0].rollback, p,
		    "the first stage has nothing "
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
				cfg_error_at(c, at[i].when, p, "day %ld is not "
				    "after the day of the stage before (day %ld, "
				    "line %d); give each stage its own, later day",
				    st[i].from, st[i - 1].from,
				    at[i - 1].item->line);
			else {
				date_format(st[i - 1].from, date);
				cfg_error_at(c, at[i].when, p,
				    "'%s' is not after "
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
			cfg_error_at(c, at[i].item, p, "weaker than the stage "
			    "before (line %d): %s; a stage may only tighten "
			    "DMARC%s", at[i - 1].item->line, buf_str(&why),
			    tmpl ? "" : ", unless it says rollback: true");
		free(p);
		if (!w && st[i].rollback) {
			p = xasprintf("%s[%zu].rollback", path, i);
			cfg_error_at(c, at[i].rollback, p, "this stage is not "
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
		cfg_error_at(c, n, path, "expected at least one stage");
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
			cfg_strlist_add(names, nnames, name);
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
	const char		*near;
	size_t			 nnames = 0, i;

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
		for (i = 0; i < nnames; i++)
			buf_addf(&msg, "%s%s", i > 0 ? ", " : "", names[i]);
		if ((near = suggest_closest(name, (const char *const *)names,
		    nnames)) != NULL)
			buf_addf(&msg, "; did you mean \"%s\"?", near);
	}
	cfg_error_at(c, n, path, "%s", buf_str(&msg));
	buf_release(&msg);
	cfg_strlist_release(&names, &nnames);
}

/*
 * Reads and checks the template text[0, len) into t (t->path names it in
 * diagnostics), which go to d in file order: the one path of every
 * template, from a file or from memory.
 */
static void
template_parse(struct tmpl *t, const struct cfg_load_opts *opts,
    const char *text, size_t len, struct diags *d)
{
	const struct node	*k[nitems(template_keys)];
	const struct node	*v[nitems(template_keys)];
	struct ctx		 c;
	struct node		*root = NULL;

	memset(&c, 0, sizeof(c));
	c.file = t->path;
	c.opts = opts;
	c.text = text != NULL ? text : "";
	c.len = len;
	c.empty_hint = "a template needs \"stages:\"";
	if (len > CFG_MAX_SIZE) {
		cfg_report(&c, DIAG_ERROR, 0, 0, NULL, "larger than 1 MiB, the "
		    "limit for a template");
		goto out;
	}
	root = cfg_read_tree(&c);
	if (root == NULL)
		goto out;
	if (cfg_is_null(root)) {
		cfg_report(&c, DIAG_ERROR, 0, 0, NULL, "the file is empty; %s",
		    c.empty_hint);
		goto out;
	}
	if (cfg_map_fields(&c, root, "", template_keys,
	    nitems(template_keys), k, v) == -1)
		goto out;
	if (v[F_DESCRIPTION] != NULL)
		cfg_get_str(&c, v[F_DESCRIPTION], "description");
	if (v[F_STAGES] == NULL)
		cfg_missing(&c, root, "", "stages",
		    "list the stages, each with "
		    "day and policy");
	else if (cfg_get_list(&c, v[F_STAGES], "stages") == 0)
		load_stage_list(&c, v[F_STAGES], "stages", 1, &t->stages,
		    &t->nstages);
out:
	t->ok = c.d.nerrors == 0 && t->nstages > 0;
	cfg_flush(&c, d);
	cfg_node_free(root);
}

/* Reads and checks the template file of t. */
static void
template_read(struct ctx *parent, struct tmpl *t)
{
	struct buf	 text = BUF_INIT;

	t->ok = 0;
	if (cfg_read_file(t->path, &text, &t->d) == 0)
		template_parse(t, parent->opts, buf_str(&text), text.len,
		    &t->d);
	buf_release(&text);
}

int
cfg_template_load_string(const char *path, const char *text, size_t len,
    struct diags *d)
{
	struct tmpl	 t;
	int		 rc;

	memset(&t, 0, sizeof(t));
	t.path = path != NULL ? xstrdup(path) : NULL;
	template_parse(&t, NULL, text, len, d);
	rc = t.ok ? (int)t.nstages : -1;
	free(t.path);
	free(t.stages);
	return rc;
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
			cfg_error_at(c, n, path,
			    "template '%s' is both in '%s' "
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
		cfg_error_at(c, n, path,
		    "template '%s' ('%s') is not valid: see "
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

	if (cfg_map_fields(c, n, path, tref_keys, nitems(tref_keys), k,
	    v) == -1)
		return;
	if (v[T_START] == NULL)
		cfg_missing(c, n, path, "start",
		    "the date the rollout begins, as "
		    "YYYY-MM-DD");
	else {
		p = cfg_join(path, "start");
		start_ok = cfg_get_date(c, v[T_START], p, &start) == 0;
		free(p);
	}
	if (v[T_TEMPLATE] == NULL) {
		cfg_missing(c, n, path, "template", "the name of a template of "
		    "policies/dmarc or of --policies DIR");
		return;
	}
	p = cfg_join(path, "template");
	if ((name = cfg_get_str(c, v[T_TEMPLATE], p)) == NULL)
		goto out;
	if (!template_name_ok(name)) {
		cfg_error_at(c, v[T_TEMPLATE], p, "'%s' is not a template name "
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
		p = cfg_join(path, "start");
		cfg_error_at(c, v[T_START], p,
		    "the last stage of template '%s' "
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
		ro->stages[i].pos = cfg_pos_of(k[T_TEMPLATE]);
	}
out:
	free(p);
}

void
cfg_load_rollout(struct ctx *c, struct cfg_rollout *ro, const struct node *key,
    const struct node *n, const char *path)
{
	ro->pos = cfg_pos_of(key);
	if (n->type == NODE_ALIAS)
		return;
	if (n->type == NODE_SEQ)
		load_stage_list(c, n, path, 0, &ro->stages, &ro->nstages);
	else if (n->type == NODE_MAP)
		load_template_ref(c, ro, n, path);
	else
		cfg_expect(c, n, path, "a list of stages, or { template: NAME, "
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
		cfg_expect(c, n, path,
		    "a percentage from 0 to 100, with at most "
		    "two decimals", 1);
		return -1;
	}
	return 0;
}

/* gate: { min_pass_rate: 98.0, window_days: 14, min_messages: 500 } */
void
cfg_load_gate(struct ctx *c, struct cfg_gate *g, const struct node *key,
    const struct node *n, const char *path)
{
	const struct node	*k[nitems(gate_keys)], *v[nitems(gate_keys)];
	char			*p;

	g->present = 1;
	g->pos = cfg_pos_of(key);
	g->min_pass_rate = CFG_GATE_RATE_DEFAULT;
	g->window_days = CFG_GATE_WINDOW_DEFAULT;
	g->min_messages = CFG_GATE_MESSAGES_DEFAULT;
	if (cfg_map_fields(c, n, path, gate_keys, nitems(gate_keys), k,
	    v) == -1)
		return;
	if (v[GT_RATE] != NULL) {
		p = cfg_join(path, "min_pass_rate");
		get_rate(c, v[GT_RATE], p, &g->min_pass_rate);
		free(p);
	}
	if (v[GT_WINDOW] != NULL) {
		p = cfg_join(path, "window_days");
		cfg_get_int(c, v[GT_WINDOW], p, 1, CFG_GATE_WINDOW_MAX,
		    &g->window_days);
		free(p);
	}
	if (v[GT_MESSAGES] != NULL) {
		p = cfg_join(path, "min_messages");
		cfg_get_int(c, v[GT_MESSAGES], p, 0, CFG_GATE_MESSAGES_MAX,
		    &g->min_messages);
		free(p);
	}
}

void
cfg_tmpls_release(struct ctx *c)
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

