/*
 * cmd-rollout.c - "mailauth rollout status": where each domain's DMARC
 * rollout stands on a day, from the configuration alone: the stage, the
 * record it publishes, the next stage, its date and the days until it.
 * Nothing is sent anywhere.  "mailauth rollout check": what the rollout
 * gate (dmarc.gate) says of each stage due, from DMARC aggregate reports.
 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/dmarc.h"
#include "mailauth/gate.h"
#include "cli.h"

struct cmd_rollout_opts {
	long			 at;		/* --at; -1 unset */
	const char		*format;	/* --format; NULL: text */
	struct cli_gate_opts	 gate;		/* --reports, ... (check) */
	struct cli_shard	 shard;		/* --domain, --zone */
};

/* The record the domain publishes during the stage (malloc'd). */
static char *
stage_record(const struct cfg_dmarc *dm, const struct cfg_stage *st)
{
	struct dmarc_spec	 at;
	struct buf		 b = BUF_INIT;

	cfg_dmarc_at(dm, st, &at);
	dmarc_render(&at, &b);
	return buf_detach(&b);
}

static char *
static_record(const struct cfg_dmarc *dm)
{
	struct buf	 b = BUF_INIT;

	dmarc_render(&dm->spec, &b);
	return buf_detach(&b);
}

/* "quarantine (testing)", "reject (pct=25)", "ROLLBACK to none". */
static void
describe(struct buf *b, const struct cfg_stage *st)
{
	if (st->rollback)
		buf_adds(b, "ROLLBACK to ");
	buf_adds(b, dmarc_policy_name(st->policy));
	if (st->testing)
		buf_adds(b, " (testing)");
	else if (st->pct >= 0)
		buf_addf(b, " (pct=%d)", st->pct);
}

/* --- the gate, which status cannot check: it reads no report --- */

/*
 * When dom has a gated stage due on day: the verdict (held, for want of
 * reports) in v and the stage published instead; else NULL.
 */
static const struct cfg_stage *
held_stage(const struct cfg_domain *dom, long day, struct gate_verdict *v)
{
	gate_decide(dom, day, NULL, v);
	if (v->state == GATE_NONE)
		return NULL;
	return &dom->dmarc.rollout.stages[v->current - 1];
}

/* --- text --- */

static void
text_domain(const struct cfg_domain *dom, long day, struct buf *out)
{
	const struct cfg_rollout	*ro = &dom->dmarc.rollout;
	const struct cfg_stage		*cur, *next, *held;
	struct gate_verdict		 v;
	char				 date[11], *rec;
	size_t				 i;

	buf_addf(out, "%s", dom->name);
	if (!dom->dmarc.present) {
		buf_adds(out, ": no DMARC record managed\n");
		return;
	}
	if (ro->nstages == 0) {
		rec = static_record(&dom->dmarc);
		buf_addf(out, ": no rollout\n  publishes  %s\n", rec);
		free(rec);
		return;
	}
	if (ro->template != NULL) {
		date_format(ro->start, date);
		buf_addf(out, " (template %s from %s)", ro->template, date);
	}
	cur = cfg_rollout_at(ro, day);
	i = cur != NULL ? (size_t)(cur - ro->stages) + 1 : 0;
	next = i < ro->nstages ? &ro->stages[i] : NULL;
	if (cur == NULL)
		buf_adds(out, ": not started\n  publishes  nothing yet: DMARC "
		    "is left alone until the first stage\n");
	else {
		date_format(cur->from, date);
		buf_addf(out, ": stage %zu of %zu since %s: ", i, ro->nstages,
		    date);
		describe(out, cur);
		if ((held = held_stage(dom, day, &v)) != NULL) {
			buf_adds(out, "\n  held       ");
			gate_why(dom, &v, GATE_HELD, v.current, out);
		}
		rec = stage_record(&dom->dmarc, held != NULL ? held : cur);
		buf_addf(out, "\n  publishes  %s\n", rec);
		free(rec);
		gate_verdict_release(&v);
	}
	if (next == NULL) {
		buf_addf(out, "  next       none: stage %zu is the last\n", i);
		return;
	}
	date_format(next->from, date);
	buf_addf(out, "  next       stage %zu of %zu on %s (in %ld day%s): ",
	    i + 1, ro->nstages, date, next->from - day,
	    next->from - day == 1 ? "" : "s");
	describe(out, next);
	rec = stage_record(&dom->dmarc, next);
	buf_addf(out, "\n             %s\n", rec);
	free(rec);
}

/* --- JSON --- */

/* "rollout status --format json" (docs/commands.md): 1 had no
 * format_version; 2 added it, gate, and record as the gate leaves it. */
#define ROLLOUT_STATUS_FORMAT_VERSION	2

static void
add_policy(cJSON *o, const char *key, enum dmarc_policy p)
{
	if (p == DMARC_POLICY_UNSET)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddStringToObject(o, key, dmarc_policy_name(p));
}

static cJSON *
stage_json(const struct cfg_dmarc *dm, size_t number,
    const struct cfg_stage *st, long day, int is_next)
{
	cJSON	*o = cJSON_CreateObject();
	char	 date[11], *rec;

	date_format(st->from, date);
	cJSON_AddNumberToObject(o, "number", (double)number);
	cJSON_AddStringToObject(o, "from", date);
	if (is_next)
		cJSON_AddNumberToObject(o, "days_until",
		    (double)(st->from - day));
	add_policy(o, "policy", st->policy);
	cJSON_AddBoolToObject(o, "testing", st->testing);
	if (st->pct >= 0)
		cJSON_AddNumberToObject(o, "pct", st->pct);
	else
		cJSON_AddNullToObject(o, "pct");
	add_policy(o, "subdomain_policy", st->subdomain_policy);
	add_policy(o, "nonexistent_subdomain_policy",
	    st->nonexistent_subdomain_policy);
	cJSON_AddBoolToObject(o, "rollback", st->rollback);
	rec = stage_record(dm, st);
	cJSON_AddStringToObject(o, "record", rec);
	free(rec);
	return o;
}

/* "gate": null without dmarc.gate, else its verdict on a stage due. */
static void
add_gate(cJSON *o, const struct cfg_domain *dom, const struct gate_verdict *v)
{
	struct buf	 why = BUF_INIT;
	cJSON		*g;

	if (!dom->dmarc.present || !dom->dmarc.gate.present ||
	    dom->dmarc.rollout.nstages == 0) {
		cJSON_AddNullToObject(o, "gate");
		return;
	}
	g = cJSON_AddObjectToObject(o, "gate");
	if (v->state == GATE_NONE) {
		cJSON_AddStringToObject(g, "verdict", "none");
		cJSON_AddNullToObject(g, "reason");
		return;
	}
	gate_why(dom, v, GATE_HELD, v->current, &why);
	cJSON_AddStringToObject(g, "verdict", "hold");
	cJSON_AddStringToObject(g, "reason", buf_str(&why));
	buf_release(&why);
}

static cJSON *
json_domain(const struct cfg_domain *dom, long day)
{
	const struct cfg_rollout	*ro = &dom->dmarc.rollout;
	const struct cfg_stage		*cur, *held;
	struct gate_verdict		 v;
	cJSON				*o, *r;
	char				 date[11], *rec = NULL;
	size_t				 i;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "domain", dom->name);
	cur = cfg_rollout_at(ro, day);
	held = held_stage(dom, day, &v);
	if (dom->dmarc.present && ro->nstages == 0)
		rec = static_record(&dom->dmarc);
	else if (held != NULL)
		rec = stage_record(&dom->dmarc, held);
	else if (cur != NULL)
		rec = stage_record(&dom->dmarc, cur);
	if (rec != NULL)
		cJSON_AddStringToObject(o, "record", rec);
	else
		cJSON_AddNullToObject(o, "record");
	free(rec);
	add_gate(o, dom, &v);
	gate_verdict_release(&v);
	if (ro->nstages == 0) {
		cJSON_AddNullToObject(o, "rollout");
		return o;
	}
	r = cJSON_AddObjectToObject(o, "rollout");
	if (ro->template != NULL) {
		cJSON_AddStringToObject(r, "template", ro->template);
		date_format(ro->start, date);
		cJSON_AddStringToObject(r, "start", date);
	} else {
		cJSON_AddNullToObject(r, "template");
		cJSON_AddNullToObject(r, "start");
	}
	cJSON_AddNumberToObject(r, "stages", (double)ro->nstages);
	i = cur != NULL ? (size_t)(cur - ro->stages) + 1 : 0;
	if (cur != NULL)
		cJSON_AddItemToObject(r, "current", stage_json(&dom->dmarc, i,
		    cur, day, 0));
	else
		cJSON_AddNullToObject(r, "current");
	if (i < ro->nstages)
		cJSON_AddItemToObject(r, "next", stage_json(&dom->dmarc, i + 1,
		    &ro->stages[i], day, 1));
	else
		cJSON_AddNullToObject(r, "next");
	return o;
}

int
cli_status_print(const struct cli_global *g, const struct cfg *cfg, long day,
    int json, const struct cli_status *st)
{
	struct buf	 out = BUF_INIT;
	cJSON		*root, *doms;
	char		 date[11], *text;
	size_t		 i;

	date_format(day, date);
	if (!json) {
		buf_addf(&out, "%s on %s (%s)\n", st->title, date, g->config);
		for (i = 0; i < cfg->ndomains; i++) {
			buf_addc(&out, '\n');
			st->text(&cfg->domains[i], day, &out);
		}
		fputs(buf_str(&out), stdout);
		fflush(stdout);
		buf_release(&out);
		return EXIT_OK;
	}
	root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "format_version", st->format_version);
	cJSON_AddStringToObject(root, "date", date);
	cJSON_AddStringToObject(root, "config", g->config);
	doms = cJSON_AddArrayToObject(root, "domains");
	for (i = 0; i < cfg->ndomains; i++)
		cJSON_AddItemToArray(doms, st->json(&cfg->domains[i], day));
	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (text == NULL) {
		cli_error("out of memory printing JSON");
		return EXIT_ERROR;
	}
	printf("%s\n", text);
	fflush(stdout);
	cJSON_free(text);
	return EXIT_OK;
}

/* --- check: the rollout gate --- */

/* "rollout check": what the gate says of a stage due; 3 when a domain
 * due to advance is held or lacks data. */
#define EXIT_GATE_HELD	3

static void
check_domain(const struct cfg_domain *dom, long day,
    const struct gate_verdict *v, struct buf *out)
{
	const struct cfg_rollout	*ro = &dom->dmarc.rollout;
	const struct cfg_gate		*g = &dom->dmarc.gate;
	const struct cfg_stage		*cur;
	char				 a[11], b[11];
	size_t				 i;

	if (v->state == GATE_NONE) {
		buf_addf(out, "%s: not gated: ", dom->name);
		cur = cfg_rollout_at(ro, day);
		if (!dom->dmarc.present || ro->nstages == 0)
			buf_adds(out, "no DMARC rollout\n");
		else if (!g->present)
			buf_adds(out, "no dmarc.gate\n");
		else if (cur == NULL) {
			date_format(ro->stages[0].from, a);
			buf_addf(out, "the rollout starts on %s\n", a);
		} else if (cur == ro->stages && ro->nstages > 1) {
			date_format(ro->stages[1].from, a);
			buf_addf(out, "stage 2 of %zu is not due before %s\n",
			    ro->nstages, a);
		} else if (cur == ro->stages)
			buf_adds(out, "its only stage is taken on its date\n");
		else
			buf_adds(out, "a rollback stage is taken on its date\n");
		return;
	}
	buf_addf(out, "%s: %s\n", dom->name, gate_state_name(v->state));
	date_format(ro->stages[v->current - 1].from, a);
	buf_addf(out, "  current  stage %zu of %zu since %s: ", v->current,
	    ro->nstages, a);
	describe(out, &ro->stages[v->current - 1]);
	date_format(ro->stages[v->next - 1].from, a);
	buf_addf(out, "\n  next     stage %zu of %zu, due on %s: ", v->next,
	    ro->nstages, a);
	describe(out, &ro->stages[v->next - 1]);
	date_format(v->since, a);
	date_format(v->until, b);
	buf_addf(out, "\n  reports  %s to %s: %llu message%s", a, b,
	    (unsigned long long)v->messages, v->messages == 1 ? "" : "s");
	if (v->rate >= 0)
		buf_addf(out, ", %.2f%% passed DMARC", v->rate);
	buf_addf(out, " (gate: %.2f%% of at least %ld message%s)\n",
	    g->min_pass_rate, g->min_messages,
	    g->min_messages == 1 ? "" : "s");
	for (i = 0; i < v->nfailing; i++)
		buf_addf(out, "  failing  %-39s %llu of %llu message%s\n",
		    v->failing[i].ip, (unsigned long long)v->failing[i].failed,
		    (unsigned long long)v->failing[i].messages,
		    v->failing[i].messages == 1 ? "" : "s");
	if (v->nfailing_all > v->nfailing)
		buf_addf(out, "  failing  and %zu more source%s\n",
		    v->nfailing_all - v->nfailing,
		    v->nfailing_all - v->nfailing == 1 ? "" : "s");
}

static int
rollout_check(const struct cli_global *g, const struct cmd_rollout_opts *o)
{
	struct cfg		 cfg;
	struct cli_aws		 aws;
	struct gate_verdict	*v = NULL;
	struct buf		 out = BUF_INIT;
	char			 date[11];
	long			 day;
	size_t			 i;
	int			 rc = EXIT_ERROR;

	if (o->gate.reports.n == 0) {
		cli_error("'rollout check' needs the reports: --reports SOURCE "
		    "(a file, a folder or s3://BUCKET/PREFIX), once per source");
		cli_usage(stderr, &cmd_rollout_entry);
		return EXIT_ERROR;
	}
	if (o->format != NULL && strcmp(o->format, "text") != 0) {
		cli_error("'rollout check' prints text, not '%s'", o->format);
		return EXIT_ERROR;
	}
	memset(&aws, 0, sizeof(aws));
	if (cli_load_config(g, &cfg) == -1)
		return EXIT_ERROR;
	day = cli_day(o->at);
	if (cli_gate_eval(g, &o->gate, &cfg, day, &aws, &v, NULL,
	    NULL) == -1)
		goto out;
	date_format(day, date);
	buf_addf(&out, "DMARC rollout gate on %s (%s)\n", date, g->config);
	rc = EXIT_OK;
	for (i = 0; i < cfg.ndomains; i++) {
		buf_addc(&out, '\n');
		check_domain(&cfg.domains[i], day, &v[i], &out);
		if (v[i].state == GATE_HOLD || v[i].state == GATE_NO_DATA)
			rc = EXIT_GATE_HELD;
	}
	fputs(buf_str(&out), stdout);
	fflush(stdout);
out:
	cli_gate_free(v, cfg.ndomains);
	cli_aws_close(&aws);
	buf_release(&out);
	cfg_release(&cfg);
	return rc;
}

static int
cmd_rollout_exec(const struct cli_global *g_, const void *opts, int nargs,
    char **args)
{
	const struct cmd_rollout_opts	*o = opts;
	struct cli_global		 gs = *g_, *g = &gs;
	static const struct cli_status	 status = {
		"DMARC rollouts", ROLLOUT_STATUS_FORMAT_VERSION, text_domain,
		json_domain
	};
	struct cfg	 cfg;
	const char	*format = o->format != NULL ? o->format : "text";
	int		 rc;

	if (nargs == 0 || (strcmp(args[0], "status") != 0 &&
	    strcmp(args[0], "check") != 0)) {
		if (nargs == 0)
			cli_error("'rollout' needs a subcommand: status or "
			    "check");
		else
			cli_error("unknown subcommand 'rollout %s'; expected "
			    "'rollout status' or 'rollout check'", args[0]);
		cli_usage(stderr, &cmd_rollout_entry);
		return EXIT_ERROR;
	}
	gs.shard = &o->shard;
	if (strcmp(args[0], "check") == 0)
		return rollout_check(g, o);
	if (o->gate.reports.n > 0) {
		cli_error("option '--reports' is taken by 'rollout check', not "
		    "'rollout status'");
		return EXIT_ERROR;
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
		cli_error("'rollout status' prints text or json, not '%s'",
		    format);
		return EXIT_ERROR;
	}
	if (cli_load_config(g, &cfg) == -1)
		return EXIT_ERROR;
	rc = cli_status_print(g, &cfg, cli_day(o->at),
	    strcmp(format, "json") == 0, &status);
	cfg_release(&cfg);
	return rc;
}

/* --format is checked by each subcommand, with its own message. */
static const struct cli_option rollout_options[] = {
	CLI_OPT_AT(struct cmd_rollout_opts, at),
	CLI_OPT_STRING("format", struct cmd_rollout_opts, format, "text|json",
	    "how the status is printed (default text)"),
	CLI_OPT_GATE(struct cmd_rollout_opts, gate),
	CLI_OPT_SHARD(struct cmd_rollout_opts, shard),
	CLI_OPT_END
};

static const struct cmd_rollout_opts rollout_defaults = { .at = -1 };

const struct cmd_entry cmd_rollout_entry = {
	"rollout",
	"status|check [-c FILE] [--at YYYY-MM-DD] [--format text|json] "
	"[--reports SOURCE]... [--domain NAME]... [--zone ZONE]...",
	"show where each domain's DMARC rollout stands, and check its gate",
	"For each domain of the configuration, shows the DMARC rollout stage of the\n"
	"day (--at, default today in UTC), the record that stage publishes, the next\n"
	"stage, its date and the days until it; a domain without a rollout shows its\n"
	"record.  Reads only the configuration and its templates: nothing is sent to\n"
	"AWS and no credentials are needed.  --format json prints the same as one\n"
	"JSON document (docs/commands.md).\n"
	"'rollout check' reads DMARC aggregate reports (--reports SOURCE, once per\n"
	"source: a file, a folder or s3://BUCKET/PREFIX) and, for each domain with\n"
	"a dmarc.gate whose next stage is due, prints the current and next stage,\n"
	"the messages and DMARC pass rate over the gate's window ending on --at,\n"
	"and a verdict: ready, hold (the failing sources listed) or insufficient\n"
	"data.  Exit 0 when every domain due to advance is ready, 3 when one is\n"
	"held or lacks data, 1 on error (docs/rollout.md).\n"
	"--domain NAME and --zone ZONE (globs, repeatable) keep only the domains\n"
	"they match, as plan does.",
	CLI_OPTIONS(rollout_options, rollout_defaults),
	1,
	cmd_rollout_exec
};
