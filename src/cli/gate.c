/*
 * gate.c - the rollout gate on the command line: reads the reports of
 * --reports once, counts them over each gate's window, and hands a
 * verdict per domain (src/desired/gate.c) to "rollout check", and to "plan"
 * and "apply" (plan_build(): desired_build_gated(), gate_settle()).
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/dmarc.h"
#include "mailauth/gate.h"
#include "mailauth/replay.h"
#include "mailauth/report.h"
#include "cli.h"

/* One summary per distinct window length among the gated domains; the
 * tally of the policy replay, when plan asks for one. */
struct windows {
	long			*days;
	struct report_summary	*sums;
	size_t			 n;
	struct replay_tally	*tally;
	int			 nothing;	/* no report could be read */
};

static enum dmarc_policy
disposition(enum report_disposition d)
{
	return d == REPORT_DISP_REJECT ? DMARC_POLICY_REJECT :
	    d == REPORT_DISP_QUARANTINE ? DMARC_POLICY_QUARANTINE :
	    DMARC_POLICY_NONE;
}

static void
sink(void *arg, const char *file, const struct report *r)
{
	struct windows	*w = arg;
	size_t		 i;

	(void)file;
	for (i = 0; i < w->n; i++)
		report_summary_add(&w->sums[i], r);
	for (i = 0; w->tally != NULL && i < r->nrows; i++)
		replay_tally_add(w->tally, report_day(r), r->rows[i].header_from,
		    r->rows[i].source_ip, r->rows[i].count,
		    r->rows[i].dkim_pass || r->rows[i].spf_pass,
		    disposition(r->rows[i].disposition));
}

/* Prints a warning and keeps it in w (may be NULL), for the plan's
 * warnings list. */
static void
warn(struct diags *w, const char *msg)
{
	cli_error("warning: %s", msg);
	if (w != NULL)
		diags_add(w, DIAG_WARNING, NULL, 0, 0, "%s", msg);
}

static void
warn_rejected(const struct report_rejected *rj, struct diags *w)
{
	struct buf	 b = BUF_INIT;
	const char	*s;

	buf_adds(&b, "not read: '");
	for (s = rj->file; *s != '\0'; s++)
		buf_addc(&b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	buf_adds(&b, "': ");
	for (s = rj->reason; *s != '\0'; s++)
		buf_addc(&b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	warn(w, buf_str(&b));
	buf_release(&b);
}

/* Reads the reports into a summary per window; -1 after printing. */
static int
read_windows(const struct cli_global *o, const struct cli_gate_opts *gate,
    struct cli_aws *aws, long day, struct windows *w, struct diags *warned)
{
	struct report_reader	 rd;
	struct report_limits	 lim;
	struct report_filter	 f;
	const char *const	*src = gate->reports.v;
	size_t			 i;
	int			 rc;

	for (i = 0; i < w->n; i++) {
		f.since = day - w->days[i] + 1;
		f.until = day;
		f.domain = NULL;
		report_summary_init(&w->sums[i], &f);
	}
	if (cli_reports_need_aws(src, gate->reports.n) &&
	    aws->endpoint == NULL && cli_aws_open(o, aws) == -1)
		return -1;
	lim.max_size = gate->max_report_size != 0 ? gate->max_report_size :
	    REPORT_MAX_SIZE_DEFAULT;
	lim.max_members = REPORT_MAX_MEMBERS;
	report_reader_init(&rd, &lim, sink, w);
	rc = cli_reports_read(o, aws->endpoint != NULL ? aws : NULL, src,
	    gate->reports.n, &rd, 1);
	for (i = 0; rc == 0 && i < rd.stats.nrejected; i++)
		warn_rejected(&rd.stats.rejected[i], warned);
	/* Nothing read but something refused: a typo in a path, not a
	 * quiet week.  For the replay alone, a warning. */
	if (rc == 0 && rd.stats.read == 0 && rd.stats.nrejected > 0 &&
	    w->n == 0) {
		warn(warned, "no DMARC report could be read from --reports; "
		    "no policy replay");
		w->nothing = 1;
	} else if (rc == 0 && rd.stats.read == 0 && rd.stats.nrejected > 0) {
		cli_error("no DMARC report could be read from --reports; the "
		    "rollout gate cannot be checked");
		rc = -1;
	}
	report_reader_release(&rd);
	for (i = 0; i < w->n; i++)
		report_summary_finish(&w->sums[i]);
	return rc;
}

/* --ignore-gate: every gated stage due is taken on its date, with a
 * warning saying so. */
static void
ignore_all(const struct cfg *cfg, struct gate_verdict *v, struct diags *w)
{
	struct buf	 msg = BUF_INIT;
	size_t		 i;

	for (i = 0; i < cfg->ndomains; i++) {
		if (v[i].state == GATE_NONE)
			continue;
		gate_ignore(&v[i]);
		buf_reset(&msg);
		buf_addf(&msg, "'%s': --ignore-gate: stage %zu of %zu is taken "
		    "on its date alone; the rollout gate was not checked",
		    cfg->domains[i].name, v[i].next,
		    cfg->domains[i].dmarc.rollout.nstages);
		warn(w, buf_str(&msg));
	}
	buf_release(&msg);
}

int
cli_gate_eval(const struct cli_global *o, const struct cli_gate_opts *gate,
    const struct cfg *cfg, long day, struct cli_aws *aws,
    struct gate_verdict **out, struct replay_tally **tally,
    struct diags *warned)
{
	struct gate_verdict	*v;
	struct windows		 w;
	size_t			 i, j, due = 0;
	long			*slot;
	int			 rc = -1;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	v = xcalloc(cfg->ndomains > 0 ? cfg->ndomains : 1, sizeof(*v));
	for (i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain	*dom = &cfg->domains[i];

		gate_decide(dom, day, NULL, &v[i]);
		if (v[i].state == GATE_NONE)
			continue;
		due++;
		for (j = 0; j < w.n; j++)
			if (w.days[j] == dom->dmarc.gate.window_days)
				break;
		if (j == w.n) {
			slot = xappend(&w.days, &w.n, sizeof(*w.days));
			*slot = dom->dmarc.gate.window_days;
		}
	}
	if (gate->ignore)
		ignore_all(cfg, v, warned);
	if (gate->ignore || due == 0) {
		free(w.days);
		w.days = NULL;
		w.n = 0;
	}
	/* Without reports the verdicts stay those of gate_decide() with
	 * none: a gated stage due is held (no_reports). */
	if (gate->reports.n == 0 || (w.n == 0 && (tally == NULL ||
	    *tally == NULL))) {
		*out = v;
		free(w.days);
		return 0;
	}
	w.sums = w.n > 0 ? xcalloc(w.n, sizeof(*w.sums)) : NULL;
	w.tally = tally != NULL ? *tally : NULL;
	if (read_windows(o, gate, aws, day, &w, warned) == -1)
		goto out;
	if (w.nothing) {
		replay_tally_free(*tally);
		*tally = NULL;
	}
	for (i = 0; w.n > 0 && i < cfg->ndomains; i++) {
		if (v[i].state == GATE_NONE)
			continue;
		for (j = 0; w.days[j] != cfg->domains[i].dmarc.gate.window_days;
		    j++)
			;
		gate_verdict_release(&v[i]);
		gate_decide(&cfg->domains[i], day, &w.sums[j], &v[i]);
	}
	*out = v;
	v = NULL;
	rc = 0;
out:
	for (i = 0; i < w.n; i++)
		report_summary_release(&w.sums[i]);
	free(w.sums);
	free(w.days);
	if (v != NULL)
		cli_gate_free(v, cfg->ndomains);
	return rc;
}

void
cli_gate_free(struct gate_verdict *v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		gate_verdict_release(&v[i]);
	free(v);
}
