/*
 * common.c - the steps plan, apply and validate share: loading the config,
 * opening the AWS side from the options and the environment, and making a
 * plan.  Everything printed here goes to stderr but the plan itself.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/gate.h"
#include "mailauth/plan.h"
#include "mailauth/replay.h"
#include "mailauth/ses.h"
#include "mailauth/xml.h"
#include "cli.h"

/* Prints prefix and line, a line built from names and values that came
 * from the config, Route 53 or SES, made printable. */
static void
print_line(FILE *f, const char *prefix, const struct buf *line)
{
	struct buf	 shown = BUF_INIT;

	buf_add_printable_msg(&shown, buf_str(line), line->len, 0);
	fprintf(f, "%s%s\n", prefix, buf_str(&shown));
	buf_release(&shown);
}

void
cli_diags(const struct diags *d)
{
	struct buf	 line = BUF_INIT;
	size_t		 i, kept_errors = 0, more_errors, more_warnings;

	for (i = 0; i < d->n; i++) {
		buf_reset(&line);
		diag_format(&d->v[i], &line);	/* printable already */
		fprintf(stderr, "%s\n", buf_str(&line));
	}
	buf_release(&line);
	for (i = 0; i < d->n; i++)
		if (d->v[i].level == DIAG_ERROR)
			kept_errors++;
	more_errors = d->nerrors - kept_errors;
	more_warnings = d->nwarnings - (d->n - kept_errors);
	/* The rest were only counted (diags_add): one line says how many. */
	if (more_errors > 0 && more_warnings > 0)
		fprintf(stderr, "... and %zu more error%s and %zu more "
		    "warning%s\n", more_errors, more_errors == 1 ? "" : "s",
		    more_warnings, more_warnings == 1 ? "" : "s");
	else if (more_errors > 0 || more_warnings > 0)
		fprintf(stderr, "... and %zu more %s%s\n",
		    more_errors + more_warnings,
		    more_errors > 0 ? "error" : "warning",
		    more_errors + more_warnings == 1 ? "" : "s");
}

/*
 * --color=always and --color=never (--no-color) win; auto, the default,
 * colors a terminal unless NO_COLOR is set to a non-empty value
 * (no-color.org: an empty one does not count) or TERM is dumb.
 */
int
cli_color(const struct cli_global *o, FILE *f)
{
	const char	*term = getenv("TERM"), *no = getenv("NO_COLOR");

	if (o->color != NULL && strcmp(o->color, "always") == 0)
		return 1;
	if (o->color != NULL && strcmp(o->color, "never") == 0)
		return 0;
	if (no != NULL && *no != '\0')
		return 0;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fileno(f));
}

#ifndef MAILAUTH_DATADIR
#define MAILAUTH_DATADIR	"/usr/local/share/mailauth"
#endif

/* The folder of the running binary (malloc'd), or NULL. */
static char *
exe_dir(const struct cli_global *o)
{
	char	 path[PATH_MAX], *slash;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", path, sizeof(path) - 1)) > 0)
		path[n] = '\0';
	else if (o->argv0 == NULL || strchr(o->argv0, '/') == NULL ||
	    realpath(o->argv0, path) == NULL)
		return NULL;
	if ((slash = strrchr(path, '/')) == NULL)
		return NULL;
	return xstrndup(path, (size_t)(slash - path));
}

static int
is_dir(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *
cli_templates_dir(const struct cli_global *o)
{
	char	*dir = exe_dir(o), *path, real[PATH_MAX];

	if (dir != NULL) {
		path = xasprintf("%s/../policies/dmarc", dir);
		if (!is_dir(path)) {
			free(path);
			path = xasprintf("%s/../share/mailauth/policies/dmarc",
			    dir);
		}
		free(dir);
		/* Without the "..", for messages that name the folder. */
		if (is_dir(path) && realpath(path, real) != NULL) {
			free(path);
			return xstrdup(real);
		}
		free(path);
	}
	if (is_dir(MAILAUTH_DATADIR "/policies/dmarc"))
		return xstrdup(MAILAUTH_DATADIR "/policies/dmarc");
	return NULL;
}

/* The day of t, or at (--at) when it is not -1. */
static long
day_of(long at, time_t t)
{
	if (at >= 0)
		return at;
	return (long)(t / 86400);
}

long
cli_day(long at)
{
	return day_of(at, time(NULL));
}

/* Lower-case hex SHA-256 of text, read from path; -1 after printing. */
static int
sha256_hex(const char *path, const struct buf *text, char hex[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;

	if (EVP_Digest(text->data != NULL ? text->data : "", text->len, md,
	    &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
		cli_error("cannot hash '%s' with OpenSSL", path);
		return -1;
	}
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* Copies the warnings of from into to, for the plan's warnings list. */
static void
keep_warnings(struct diags *to, const struct diags *from)
{
	size_t	 i, kept = 0;

	for (i = 0; i < from->n; i++)
		if (from->v[i].level == DIAG_WARNING) {
			diags_add(to, DIAG_WARNING, from->v[i].file,
			    from->v[i].line, from->v[i].col, "%s",
			    from->v[i].msg);
			kept++;
		}
	to->nwarnings += from->nwarnings - kept;
}

/* cli_load_config(), also giving the SHA-256 of the bytes parsed (sha256
 * may be NULL) and keeping the warnings printed in warned (may be NULL). */
static int
load_config(const struct cli_global *o, struct cfg *cfg, char sha256[65],
    struct diags *warned)
{
	struct cfg_load_opts	 lo;
	struct diags		 d = DIAGS_INIT;
	struct buf		 text = BUF_INIT;
	struct stat		 st;
	char			*builtin = NULL;
	int			 rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	if (o->policies != NULL && stat(o->policies, &st) == -1) {
		cli_error("option '--policies': cannot open '%s': %s",
		    o->policies, strerror(errno));
		return -1;
	}
	if (o->policies != NULL && !S_ISDIR(st.st_mode)) {
		cli_error("option '--policies': '%s' is not a folder",
		    o->policies);
		return -1;
	}
	memset(&lo, 0, sizeof(lo));
	lo.user_templates = o->policies;
	lo.templates = builtin = cli_templates_dir(o);
	if (cfg_read_file(o->config, &text, &d) == 0)
		rc = cfg_load_string_with(cfg, o->config, buf_str(&text),
		    text.len, &lo, &d);
	cli_diags(&d);
	if (warned != NULL)
		keep_warnings(warned, &d);
	if (rc == -1)
		cli_error("%zu error%s in '%s'; nothing was sent to AWS",
		    d.nerrors, d.nerrors == 1 ? "" : "s", o->config);
	if (rc == 0 && cli_shard_filter(o, cfg) == -1) {
		cfg_release(cfg);
		rc = -1;
	}
	if (rc == 0 && sha256 != NULL && sha256_hex(o->config, &text,
	    sha256) == -1) {
		cfg_release(cfg);
		rc = -1;
	}
	diags_release(&d);
	buf_release(&text);
	free(builtin);
	return rc;
}

int
cli_load_config(const struct cli_global *o, struct cfg *cfg)
{
	return load_config(o, cfg, NULL, NULL);
}

int
cli_config_sha256(const char *path, char hex[65])
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 text = BUF_INIT;
	size_t		 i;
	int		 rc = -1;

	if (cfg_read_file(path, &text, &d) == 0)
		rc = sha256_hex(path, &text, hex);
	for (i = 0; i < d.n; i++)
		cli_error("%s", d.v[i].msg);
	diags_release(&d);
	buf_release(&text);
	return rc;
}

/* One line per domain with ses: on how its SES mail aligns with DMARC. */
static void
print_alignment(const struct cli_plan *p)
{
	struct buf	 line = BUF_INIT;
	size_t		 i;

	for (i = 0; p->ses != NULL && i < p->cfg->ndomains; i++) {
		if (!p->cfg->domains[i].ses.present)
			continue;
		buf_reset(&line);
		ses_alignment(&p->cfg->domains[i], &p->ses[i], &line);
		print_line(stderr, "", &line);
	}
	buf_release(&line);
}

/*
 * One line per domain whose rollout gate said anything (plan_review()):
 * why a held domain stays where it is, why one advances, or why one keeps
 * the stage Route 53 holds.
 */
static void
print_gate(const struct plan *plan)
{
	struct buf	 line = BUF_INIT;
	size_t		 i;

	for (i = 0; i < plan->ngates; i++) {
		if (plan->gates[i].verdict == PLAN_GATE_NONE)
			continue;
		buf_reset(&line);
		buf_adds(&line, plan->gates[i].reason);
		print_line(stderr, "rollout gate: ", &line);
	}
	buf_release(&line);
}

/* Prints why plan_build() failed, after its diagnostics; connect() has
 * said why already. */
static void
print_failure(const struct cli_global *o, const struct plan_built *b,
    const struct diags *d, const struct err *err)
{
	if (b->failed != PLAN_STEP_CONNECT)
		cli_diags(d);
	switch (b->failed) {
	case PLAN_STEP_DESIRED:
		cli_error("%zu error%s in the records '%s' produces; nothing "
		    "was sent to AWS", d->nerrors, d->nerrors == 1 ? "" : "s",
		    o->config);
		break;
	case PLAN_STEP_CONNECT:
		break;
	case PLAN_STEP_SES:
		cli_error("%zu error%s in the records SES asks for; nothing "
		    "was changed", d->nerrors, d->nerrors == 1 ? "" : "s");
		break;
	case PLAN_STEP_LIVE:
		if (err->msg[0] != '\0') {
			cli_error("%s", err->msg);
			break;
		}
		/* FALLTHROUGH */
	case PLAN_STEP_DIFF:
	case PLAN_STEP_BATCHES:
		cli_error("%zu error%s; nothing was changed", d->nerrors,
		    d->nerrors == 1 ? "" : "s");
		break;
	}
}

/* The clock, read once: the day the plan is for and when it is made. */
static void
plan_time(long at, long *day, char created[32])
{
	time_t		 t = time(NULL);
	struct tm	 tm;

	*day = day_of(at, t);
	gmtime_r(&t, &tm);
	strftime(created, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* What plan_make() hands plan_build() to connect with. */
struct connect {
	const struct cli_global	*o;
	struct cli_aws		*aws;
	struct cli_plan		*p;
	/* With accounts: aws is found here by the account's name. */
	struct cli_accounts	*acc;
	const char		*account;
};

/* The AWS side, once the config's records are sound: the Route 53 client
 * and the SES identities of the domains with ses:. */
static int
plan_connect(void *ctx, const struct r53_client **r53,
    const struct ses_identity **ses)
{
	struct connect	*c = ctx;

	if (c->acc != NULL && (c->aws = cli_accounts_get(c->o, c->acc,
	    c->account)) == NULL)
		return -1;
	/* Open already when the gate read reports from S3. */
	if (c->aws->endpoint == NULL && cli_aws_open(c->o, c->aws) == -1)
		return -1;
	if (cli_ses_has(c->p->cfg) && cli_ses_identities(c->o, c->aws,
	    c->p->cfg, &c->p->ses) == -1) {
		cli_error("nothing was changed");
		return -1;
	}
	*r53 = &c->aws->r53;
	*ses = c->p->ses;
	return 0;
}

/* What plan_build() said about view, printed: the gate's verdicts, then
 * its failure or its diagnostics and the SES alignment. */
static void
plan_said(const struct cli_global *o, int rc, const struct cli_plan *view,
    const struct diags *d, const struct err *err)
{
	print_gate(&view->built.plan);
	if (rc == -1)
		print_failure(o, &view->built, d, err);
	else {
		cli_diags(d);
		print_alignment(view);
	}
}

/* plan_build() of view->cfg with c's AWS side, and what it says. */
static int
plan_one(const struct cli_global *o, struct plan_inputs *in,
    struct connect *c, const struct gate_verdict *gates,
    struct cli_plan *view)
{
	struct diags	 d = DIAGS_INIT;
	struct err	 err;
	int		 rc;

	err_clear(&err);
	in->cfg = view->cfg;
	in->gates = gates;
	in->ctx = c;
	c->p = view;
	rc = plan_build(in, &view->built, &d, &err);
	plan_said(o, rc, view, &d, &err);
	diags_release(&d);
	return rc;
}

size_t
cli_cfg_split(const struct cfg *cfg, struct cfg **subs, const char ***names,
    size_t **idx)
{
	const char	*a;
	size_t		 i, j, n = 0;

	*subs = xcalloc(cfg->ndomains + 1, sizeof(**subs));
	*names = xcalloc(cfg->ndomains + 1, sizeof(**names));
	*idx = xcalloc(cfg->ndomains + 1, sizeof(**idx));
	for (i = 0; i < cfg->ndomains; i++) {
		a = cfg->domains[i].account;
		for (j = 0; j < n; j++)
			if ((a == NULL) == ((*names)[j] == NULL) &&
			    (a == NULL || strcmp(a, (*names)[j]) == 0))
				break;
		if (j == n) {
			(*names)[n] = a;
			(*subs)[n] = *cfg;
			(*subs)[n].domains = NULL;
			(*subs)[n].ndomains = 0;
			n++;
		}
		(*idx)[i] = (*subs)[j].ndomains;
		*(struct cfg_domain *)xappend(&(*subs)[j].domains,
		    &(*subs)[j].ndomains, sizeof(struct cfg_domain)) =
		    cfg->domains[i];
	}
	return n;
}

/* The parts of p: its domains grouped by account, in the order of each
 * account's first domain. */
static void
plan_parts(struct cli_plan *p, const struct gate_verdict *gates)
{
	const struct cfg	*cfg = p->cfg;
	struct cfg		*subs;
	const char		**names;
	size_t			*idx, i, j;

	p->nparts = cli_cfg_split(cfg, &subs, &names, &idx);
	p->parts = xcalloc(p->nparts, sizeof(*p->parts));
	for (j = 0; j < p->nparts; j++) {
		p->parts[j].account = names[j];
		p->parts[j].sub = subs[j];
		if (gates != NULL)
			p->parts[j].gates = xcalloc(subs[j].ndomains,
			    sizeof(*p->parts[j].gates));
	}
	for (i = 0; gates != NULL && i < cfg->ndomains; i++)
		for (j = 0; j < p->nparts; j++)
			if (idx[i] < p->parts[j].sub.ndomains &&
			    p->parts[j].sub.domains[idx[i]].name ==
			    cfg->domains[i].name)
				p->parts[j].gates[idx[i]] = gates[i];
	free(subs);
	free(names);
	free(idx);
}

/*
 * Accounts planned at once (plan_parts_at_once()): each part's
 * plan_build() runs in a thread of its own and stops in its connect()
 * until every part has got there (or failed before, in the config's own
 * records); then the main thread opens every account, one after the
 * other (credentials: a credential_process may ask at the terminal), and
 * only then lets them read Route 53.  So a part whose records are wrong,
 * or an account that cannot be reached, stops every part before any
 * Route 53 request.
 */
struct rendezvous {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	size_t		 arrived;	/* parts in connect(), or done */
	int		 go;		/* 0: not yet; 1: go on; -1: stop */
};

struct part_job {
	struct plan_inputs	 in;		/* ctx: this job */
	struct connect		 c;		/* c.aws: set before go */
	struct cli_plan		 view;
	struct diags		 d;
	struct err		 err;
	int			 rc;
	int			 arrived, connecting, stopped;
	struct rendezvous	*rv;
	pthread_t		 thread;
};

/* Counts j as arrived (once), in connect() or done before it. */
static void
arrive(struct part_job *j, int connecting)
{
	pthread_mutex_lock(&j->rv->lock);
	if (!j->arrived) {
		j->arrived = 1;
		j->connecting = connecting;
		j->rv->arrived++;
		pthread_cond_broadcast(&j->rv->cond);
	}
	pthread_mutex_unlock(&j->rv->lock);
}

/* The connect() of a part planned in a thread: waits for the main thread's
 * word, then reads the SES identities with the account's client. */
static int
part_connect(void *ctx, const struct r53_client **r53,
    const struct ses_identity **ses)
{
	struct part_job	*j = ctx;
	int		 go;

	arrive(j, 1);
	pthread_mutex_lock(&j->rv->lock);
	while (j->rv->go == 0)
		pthread_cond_wait(&j->rv->cond, &j->rv->lock);
	go = j->rv->go;
	pthread_mutex_unlock(&j->rv->lock);
	if (go == -1) {
		j->stopped = 1;
		return -1;
	}
	return plan_connect(&j->c, r53, ses);
}

static void *
part_run(void *arg)
{
	struct part_job	*j = arg;

	j->rc = plan_build(&j->in, &j->view.built, &j->d, &j->err);
	arrive(j, 0);	/* when it stopped before connect() */
	return NULL;
}

/* Waits for every started job to arrive, decides, lets them go and joins
 * them.  Opens the accounts when every job is in connect(). */
static int
part_jobs_settle(const struct cli_global *o, struct cli_accounts *acc,
    struct part_job *jobs, size_t started, size_t n, struct rendezvous *rv)
{
	size_t	 i;
	int	 go = started == n ? 1 : -1;

	pthread_mutex_lock(&rv->lock);
	while (rv->arrived < started)
		pthread_cond_wait(&rv->cond, &rv->lock);
	for (i = 0; i < started; i++)
		if (!jobs[i].connecting)
			go = -1;	/* its records failed: said later */
	pthread_mutex_unlock(&rv->lock);
	/* Every job waits in connect(): the accounts are opened here, in
	 * the main thread, one after the other. */
	for (i = 0; go == 1 && i < n; i++)
		if ((jobs[i].c.aws = cli_accounts_get(o, acc,
		    jobs[i].c.account)) == NULL)
			go = -1;
	pthread_mutex_lock(&rv->lock);
	rv->go = go;
	pthread_cond_broadcast(&rv->cond);
	pthread_mutex_unlock(&rv->lock);
	for (i = 0; i < started; i++)
		pthread_join(jobs[i].thread, NULL);
	return go == 1 ? 0 : -1;
}

/*
 * Every part at once, one thread each (see struct rendezvous), then what
 * each said, in the parts' order, as plan_one() one after the other
 * would have said it.  A part stopped because another failed says only
 * its warnings.
 */
static int
plan_parts_at_once(const struct cli_global *o, const struct plan_inputs *in,
    struct cli_plan *p)
{
	struct part_job		*jobs;
	struct rendezvous	 rv;
	size_t			 i, started;
	int			 e, rc = 0;

	if (xml_init() == -1) {
		cli_error("this libxml2 is built without threads; accounts "
		    "cannot be planned at once");
		return -1;
	}
	memset(&rv, 0, sizeof(rv));
	pthread_mutex_init(&rv.lock, NULL);
	pthread_cond_init(&rv.cond, NULL);
	jobs = xcalloc(p->nparts, sizeof(*jobs));
	for (i = 0; i < p->nparts; i++) {
		jobs[i].in = *in;
		jobs[i].in.cfg = &p->parts[i].sub;
		jobs[i].in.gates = p->parts[i].gates;
		/* The config's warnings go with the first part's plan. */
		jobs[i].in.warned = i == 0 ? in->warned : NULL;
		jobs[i].in.connect = part_connect;
		jobs[i].in.ctx = &jobs[i];
		jobs[i].view.cfg = &p->parts[i].sub;
		jobs[i].c.o = o;
		jobs[i].c.p = &jobs[i].view;
		jobs[i].c.account = p->parts[i].account;
		jobs[i].d = (struct diags)DIAGS_INIT;
		err_clear(&jobs[i].err);
		jobs[i].rv = &rv;
	}
	for (started = 0; started < p->nparts; started++)
		if ((e = pthread_create(&jobs[started].thread, NULL, part_run,
		    &jobs[started])) != 0) {
			cli_error("cannot start a thread for account '%s': %s",
			    p->parts[started].account != NULL ?
			    p->parts[started].account : "default",
			    strerror(e));
			break;
		}
	if (part_jobs_settle(o, &p->accounts, jobs, started, p->nparts,
	    &rv) == -1)
		rc = -1;
	for (i = 0; i < started; i++) {
		if (jobs[i].stopped)
			cli_diags(&jobs[i].d);
		else
			plan_said(o, jobs[i].rc, &jobs[i].view, &jobs[i].d,
			    &jobs[i].err);
		if (jobs[i].rc == -1)
			rc = -1;
		p->parts[i].ses = jobs[i].view.ses;
		p->parts[i].built = jobs[i].view.built;
		diags_release(&jobs[i].d);
	}
	free(jobs);
	pthread_cond_destroy(&rv.cond);
	pthread_mutex_destroy(&rv.lock);
	return rc;
}

/*
 * With accounts: one plan per account, each with the account's own
 * Route 53 client and pacer, all at once when there are several (one
 * thread per account), merged into p->built's plan (each zone naming its
 * account, in the order of each account's first domain, whichever
 * finished first) and batched as one.
 */
static int
plan_accounts(const struct cli_global *o, struct plan_inputs *in,
    struct connect *c, const struct gate_verdict *gates, struct cli_plan *p)
{
	struct cli_plan		 view;
	struct plan		*v;
	const char		**names;
	struct diags		 d = DIAGS_INIT;
	size_t			*first, i;
	int			 rc = -1;

	plan_parts(p, gates);
	c->acc = &p->accounts;
	if (p->nparts == 1) {
		/* One account: no thread. */
		memset(&view, 0, sizeof(view));
		view.cfg = &p->parts[0].sub;
		c->account = p->parts[0].account;
		rc = plan_one(o, in, c, p->parts[0].gates, &view);
		p->parts[0].ses = view.ses;
		p->parts[0].built = view.built;
	} else
		rc = plan_parts_at_once(o, in, p);
	if (rc == -1)
		return -1;
	v = xcalloc(p->nparts, sizeof(*v));
	names = xcalloc(p->nparts, sizeof(*names));
	first = xcalloc(p->nparts, sizeof(*first));
	for (i = 0; i < p->nparts; i++) {
		v[i] = p->parts[i].built.plan;
		memset(&p->parts[i].built.plan, 0, sizeof(struct plan));
		names[i] = p->parts[i].account;
	}
	plan_merge(v, names, p->nparts, &p->built.plan, first);
	p->built.meta = p->parts[0].built.meta;
	memset(&p->parts[0].built.meta, 0, sizeof(struct plan_meta));
	rc = 0;
	if (plan_batches(&p->built.plan, &p->built.batches,
	    &p->built.nbatches, &d) == -1) {
		cli_diags(&d);
		cli_error("%zu error%s; nothing was changed", d.nerrors,
		    d.nerrors == 1 ? "" : "s");
		rc = -1;
	}
	diags_release(&d);
	free(v);
	free(names);
	free(first);
	return rc;
}

/*
 * With --reports, the tally of the policy replay: every domain of cfg, over
 * its gate's window, or the default window's days up to day; else NULL.
 */
static struct replay_tally *
replay_tally(const struct cli_gate_opts *gate, const struct cfg *cfg,
    long day)
{
	struct replay_domain	*v;
	struct replay_tally	*t;
	size_t			 i;

	if (gate->reports.n == 0)
		return NULL;
	v = xcalloc(cfg->ndomains + 1, sizeof(*v));
	for (i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain	*dom = &cfg->domains[i];

		v[i].name = dom->name;
		v[i].has_dmarc = dom->dmarc.present || dom->parked;
		v[i].until = day;
		v[i].since = day - (dom->dmarc.gate.present ?
		    dom->dmarc.gate.window_days : CFG_GATE_WINDOW_DEFAULT) + 1;
	}
	t = replay_tally_new(v, cfg->ndomains);
	free(v);
	return t;
}

/* 1 when a domain of cfg names an account. */
static int
uses_accounts(const struct cfg *cfg)
{
	size_t	 i;

	for (i = 0; i < cfg->ndomains; i++)
		if (cfg->domains[i].account != NULL)
			return 1;
	return 0;
}

int
cli_plan_make(const struct cli_global *o, long at,
    const struct cli_gate_opts *gate, struct cli_aws *aws, struct cli_plan *p)
{
	struct gate_verdict	*gates = NULL;
	struct replay_tally	*tally = NULL;
	struct plan_inputs	 in;
	struct connect		 c;
	struct diags		 warned = DIAGS_INIT;
	char			 sha256[65], created[32];
	long			 day;
	int			 rc = -1;

	memset(p, 0, sizeof(*p));
	memset(aws, 0, sizeof(*aws));
	p->cfg = xcalloc(1, sizeof(*p->cfg));
	if (load_config(o, p->cfg, sha256, &warned) == -1) {
		free(p->cfg);
		p->cfg = NULL;
		goto out;
	}
	cli_accounts_init(&p->accounts, aws, p->cfg);
	plan_time(at, &day, created);
	tally = replay_tally(gate, p->cfg, day);
	if (cli_gate_eval(o, gate, p->cfg, day, aws, &gates, &tally,
	    &warned) == -1) {
		cli_error("nothing was sent to Route 53");
		goto out;
	}
	if (tally != NULL)
		replay_tally_finish(tally);
	memset(&c, 0, sizeof(c));
	c.o = o;
	c.aws = aws;
	memset(&in, 0, sizeof(in));
	in.config_path = o->config;
	in.config_sha256 = sha256;
	in.day = day;
	in.created = created;
	in.scope = PLAN_SCOPE_ALL;
	in.warned = &warned;
	in.replay = tally;
	in.connect = plan_connect;
	if (uses_accounts(p->cfg))
		rc = plan_accounts(o, &in, &c, gates, p);
	else
		rc = plan_one(o, &in, &c, gates, p);
	if (rc == 0 && (rc = cli_shard_check_plan(o->shard,
	    &p->built.plan)) == 0)
		cli_shard_meta(o->shard, &p->built.meta);
out:
	if (gates != NULL)
		cli_gate_free(gates, p->cfg->ndomains);
	replay_tally_free(tally);
	diags_release(&warned);
	return rc;
}

size_t
cli_plan_weakens(const struct plan *plan, struct buf *out, int markdown)
{
	size_t	 i, n = 0;
	char	*why;

	for (i = 0; i < plan->nchanges; i++) {
		const struct plan_change	*c = &plan->changes[i];
		char				*name;

		if (c->op == PLAN_NONE || (why = plan_change_weakens(c)) == NULL)
			continue;
		if (n++ == 0)
			buf_adds(out, markdown ? "\n#### Weakens protection\n\n"
			    "Apply refuses these unless `--allow-weaken` is "
			    "given.\n\n" : "Weakens protection (apply refuses "
			    "these unless --allow-weaken is given):\n");
		name = dns_name_display(c->op == PLAN_CREATE ? c->after.name :
		    c->before.name);
		/* The name and why quote what Route 53 holds. */
		buf_adds(out, markdown ? "- `" : "  ! ");
		buf_add_printable_msg(out, name, strlen(name), 0);
		buf_adds(out, markdown ? "`: " : ": ");
		buf_add_printable_msg(out, why, strlen(why), 0);
		if (c->stage != NULL && c->stage->rollback)
			buf_addf(out, " (stage %d of %d is a rollback)",
			    c->stage->number, c->stage->count);
		buf_addc(out, '\n');
		free(name);
		free(why);
	}
	if (n > 0 && !markdown)
		buf_addc(out, '\n');
	return n;
}

void
cli_plan_print(const struct cli_global *o, const char *format,
    const struct plan *plan, const struct plan_meta *meta)
{
	struct buf	 text = BUF_INIT;

	if (format == NULL)
		format = "text";
	if (strcmp(format, "json") == 0)
		plan_to_json(plan, meta, &text);
	else if (strcmp(format, "markdown") == 0) {
		plan_render_markdown(plan, &text);
		plan_render_review_markdown(plan, &text);
		cli_plan_weakens(plan, &text, 1);
	} else {
		plan_render_text(plan, cli_color(o, stdout), &text);
		plan_render_notes_text(plan, &text);
		cli_plan_weakens(plan, &text, 0);
		if (!plan_has_changes(plan))
			buf_addf(&text, "No changes. Route 53 matches %s.\n",
			    meta->config_path);
	}
	fputs(buf_str(&text), stdout);
	fflush(stdout);
	buf_release(&text);
}

void
cli_plan_release(struct cli_plan *p)
{
	size_t	 i;

	for (i = 0; i < p->nparts; i++) {
		plan_built_release(&p->parts[i].built);
		cli_ses_release(p->parts[i].ses, p->parts[i].sub.ndomains);
		free(p->parts[i].sub.domains);
		free(p->parts[i].gates);
	}
	free(p->parts);
	cli_accounts_close(&p->accounts);
	plan_built_release(&p->built);
	if (p->cfg != NULL) {
		cli_ses_release(p->ses, p->cfg->ndomains);
		cfg_release(p->cfg);
	}
	free(p->cfg);
	memset(p, 0, sizeof(*p));
}
