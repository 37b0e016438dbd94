/*
 * cmd-apply.c - "mailauth apply [FILE]": make Route 53 match the config, or
 * apply exactly a plan saved by "mailauth plan --out FILE"; after a
 * confirmation and the weakening guard (drift: src/apply/apply.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/apply.h"
#include "mailauth/file.h"
#include "mailauth/interrupt.h"
#include "mailauth/plan.h"
#include "mailauth/xml.h"
#include "cli.h"

#define PLAN_FILE_MAX	(64L * 1024 * 1024)

struct cmd_apply_opts {
	int			 auto_approve;	/* --auto-approve */
	int			 allow_weaken;	/* --allow-weaken */
	int			 no_wait;	/* --no-wait */
	long			 wait_timeout;	/* --wait-timeout; -1 unset */
	long			 at;		/* --at; -1 unset */
	struct cli_gate_opts	 gate;		/* --reports, ... */
	int			 verify;	/* --verify */
	struct cli_strings	 resolvers;	/* --resolver, for --verify */
	struct cli_shard	 shard;		/* --domain, --zone */
};

/*
 * The lines apply prints as it goes.  With several accounts, each
 * account's thread prints its own zones' lines as they happen: each line
 * whole (under the lock), unprefixed (every line names its zone and zone
 * id), in the order they happen; only their order differs from one
 * account after the other.  The live "waiting" line shows the longest
 * wait of any account.
 */
struct progress {
	pthread_mutex_t	 lock;
	int		 tty;		/* stdout is a terminal: show the
					 * wait live */
	int		 open_line;	/* a "waiting" line is on screen */
	unsigned int	 waited;	/* the longest wait shown */
};

static void
progress(void *ctx, const char *line)
{
	struct progress	*pr = ctx;

	pthread_mutex_lock(&pr->lock);
	if (pr->open_line)
		printf("\r\033[K");
	pr->open_line = 0;
	printf("%s\n", line);
	fflush(stdout);
	pthread_mutex_unlock(&pr->lock);
}

static void
waiting(void *ctx, unsigned int elapsed_s)
{
	struct progress	*pr = ctx;

	if (!pr->tty)
		return;
	pthread_mutex_lock(&pr->lock);
	if (elapsed_s > pr->waited)
		pr->waited = elapsed_s;
	printf("\r\033[Kwaiting for Route 53 to be in sync: %u s",
	    pr->waited);
	pr->open_line = 1;
	fflush(stdout);
	pthread_mutex_unlock(&pr->lock);
}

/* 1 when the person at the terminal typed "yes". */
static int
confirmed(void)
{
	char	 line[64];

	printf("\nApply these changes? Only 'yes' is accepted: ");
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "yes") == 0;
}

/* Reads and parses a saved plan, and refuses it when the config it was
 * made from has changed since. */
static int
load_saved(const struct cli_global *g, const char *path, struct plan *plan,
    struct plan_meta *meta)
{
	struct buf	 text = BUF_INIT;
	struct err	 err;
	struct stat	 st;
	FILE		*f = NULL;
	const char	*config;
	char		 now[65], chunk[65536];
	size_t		 n;
	int		 fd = -1, rc = -1;

	err_clear(&err);
	if ((fd = file_open_read(path, &err)) == -1) {
		cli_error("%s", err.msg);
		goto out;
	}
	if ((f = fdopen(fd, "rb")) == NULL || fstat(fd, &st) == -1) {
		cli_error("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size > PLAN_FILE_MAX) {
		cli_error("'%s' is not a saved plan: larger than 64 MiB", path);
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&text, chunk, n);
	if (ferror(f)) {
		cli_error("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (plan_from_json(text.data != NULL ? text.data : "", text.len, plan,
	    meta, &err) == -1) {
		cli_error("'%s' is not a saved plan mailauth can apply: %s",
		    path, err.msg);
		goto out;
	}
	config = g->config_given ? g->config : meta->config_path;
	if (cli_config_sha256(config, now) == -1) {
		cli_error("the plan in '%s' was made from '%s'; give the "
		    "configuration with -c", path, meta->config_path);
		goto out;
	}
	if (strcmp(now, meta->config_sha256) != 0) {
		cli_error("'%s' has changed since the plan in '%s' was made "
		    "(SHA-256 %.12s... then, %.12s... now); nothing was sent: "
		    "run 'mailauth plan --out %s' again", config, path,
		    meta->config_sha256, now, path);
		goto out;
	}
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	else if (fd != -1)
		close(fd);
	buf_release(&text);
	return rc;
}

/* Changes that weaken protection stop apply unless allowed. */
static int
guard(const struct cmd_apply_opts *o, const struct plan *plan)
{
	struct buf	 text = BUF_INIT;
	size_t		 n;

	n = cli_plan_weakens(plan, &text, 0);
	buf_release(&text);
	if (n == 0 || o->allow_weaken)
		return 0;
	cli_error("%zu change%s weaken%s protection (listed above under "
	    "'Weakens protection'); nothing was sent. If this is meant, run "
	    "apply again with --allow-weaken", n, n == 1 ? "" : "s",
	    n == 1 ? "s" : "");
	return -1;
}

/*
 * One account's part of the plan (config accounts:): a run of the plan's
 * changes whose zones are in the same account, seen as a plan of its own
 * (the same zones, those changes) so that its pointers are the whole
 * plan's, offset by first.
 */
struct slice {
	const char	*account;	/* NULL: the default chain's */
	size_t		 first, n;
	struct cli_aws	*aws;
	struct plan	 view;
	/* What apply_slice() made of it. */
	struct apply_zone_result *res;
	size_t		 nres;
	int		 failed;
};

static const char *
account_of(const struct plan_change *c)
{
	return c->zone != NULL ? c->zone->account : NULL;
}

static int
same_account(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The runs of the plan's changes by account, each with its AWS side;
 * -1 after printing. */
static int
slices_make(const struct cli_global *g, struct cli_accounts *ac,
    const struct plan *plan, struct slice **out, size_t *nout)
{
	struct slice	*s = NULL;
	size_t		 i;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < plan->nchanges; i++) {
		if (*nout > 0 && (plan->changes[i].zone == NULL ||
		    same_account(s[*nout - 1].account,
		    account_of(&plan->changes[i])))) {
			s[*nout - 1].n++;
			continue;
		}
		s = xappend(out, nout, sizeof(*s));
		s = *out;
		s[*nout - 1].account = account_of(&plan->changes[i]);
		s[*nout - 1].first = i;
		s[*nout - 1].n = 1;
	}
	for (i = 0; i < *nout; i++) {
		if ((s[i].aws = cli_accounts_get(g, ac, s[i].account)) == NULL)
			return -1;
		s[i].view = *plan;
		s[i].view.changes = plan->changes + s[i].first;
		s[i].view.nchanges = s[i].n;
	}
	return 0;
}

static void
summary(const struct plan *plan, const struct apply_zone_result *r,
    size_t n, int failed)
{
	size_t	 i;
	char	*zname;

	if (!failed) {
		printf("\nApply complete: %zu added, %zu changed, %zu "
		    "destroyed.\n", plan->nadd, plan->nchange, plan->ndestroy);
		return;
	}
	printf("\nApply %s:\n", interrupt_requested() ? "interrupted" :
	    "incomplete");
	for (i = 0; i < n; i++) {
		zname = dns_name_display(r[i].zone->name);
		printf("  %s (%s): %s", zname, r[i].zone->id,
		    r[i].outcome == APPLY_DONE ? "applied" :
		    r[i].outcome == APPLY_PENDING ? "applied, not yet in sync" :
		    r[i].outcome == APPLY_INTERRUPTED ? "INTERRUPTED" :
		    "FAILED");
		if (r[i].outcome >= APPLY_INTERRUPTED)
			printf(" after %zu of %zu batch%s", r[i].nsent,
			    r[i].nbatches, r[i].nbatches == 1 ? "" : "es");
		printf("\n");
		free(zname);
	}
	fflush(stdout);
	for (i = 0; i < n; i++)
		if (r[i].outcome != APPLY_DONE) {
			zname = dns_name_display(r[i].zone->name);
			cli_error("%s (%s): %s", zname, r[i].zone->id,
			    r[i].msg);
			free(zname);
		}
}

/*
 * Sends one account's batches (those of its changes) with its Route 53
 * client; their zones' results go to s->res, s->failed is 1 when a zone
 * is not done.
 */
static void
apply_slice(struct slice *s, const struct plan_batch *batches,
    size_t nbatches, const struct apply_opts *ao)
{
	struct plan_batch	*mine = NULL;
	size_t			 i, n = 0;

	for (i = 0; i < nbatches; i++)
		if (batches[i].nchanges > 0 && batches[i].changes[0] >=
		    s->view.changes && batches[i].changes[0] <
		    s->view.changes + s->n)
			*(struct plan_batch *)xappend(&mine, &n,
			    sizeof(*mine)) = batches[i];
	s->failed = plan_apply(&s->aws->r53, &s->view, mine, n, ao, &s->res,
	    &s->nres) == -1;
	free(mine);
}

/* One account's slices, sent in a thread of its own. */
struct account_job {
	struct slice		*sl;		/* all of them */
	size_t			 nsl;
	const struct cli_aws	*aws;		/* this job's: those of it */
	const struct plan_batch	*batches;
	size_t			 nbatches;
	const struct apply_opts	*ao;
	pthread_t		 thread;
};

static void *
account_run(void *arg)
{
	struct account_job	*j = arg;
	size_t			 i;

	for (i = 0; i < j->nsl; i++)
		if (j->sl[i].aws == j->aws)
			apply_slice(&j->sl[i], j->batches, j->nbatches, j->ao);
	return NULL;
}

/*
 * Sends every slice: each account's in a thread of its own when there are
 * several accounts (a slice's account is its AWS side, opened already by
 * slices_make()), else here.  A thread that cannot be started leaves its
 * account's slices to this thread, after the others.
 */
static void
apply_slices(struct slice *sl, size_t nsl, const struct plan_batch *batches,
    size_t nbatches, const struct apply_opts *ao)
{
	struct account_job	*jobs;
	size_t			 i, k, njobs = 0;
	int			*started, threads;

	jobs = xcalloc(nsl, sizeof(*jobs));
	for (i = 0; i < nsl; i++) {
		for (k = 0; k < njobs && jobs[k].aws != sl[i].aws; k++)
			;
		if (k < njobs)
			continue;
		jobs[njobs].sl = sl;
		jobs[njobs].nsl = nsl;
		jobs[njobs].aws = sl[i].aws;
		jobs[njobs].batches = batches;
		jobs[njobs].nbatches = nbatches;
		jobs[njobs].ao = ao;
		njobs++;
	}
	started = xcalloc(njobs, sizeof(*started));
	/* libxml2 set up before threads that read a refused zone. */
	threads = njobs > 1 && xml_init() == 0;
	for (k = 0; threads && k < njobs; k++)
		started[k] = pthread_create(&jobs[k].thread, NULL, account_run,
		    &jobs[k]) == 0;
	for (k = 0; k < njobs; k++)
		if (!started[k])
			account_run(&jobs[k]);
	for (k = 0; k < njobs; k++)
		if (started[k])
			pthread_join(jobs[k].thread, NULL);
	free(started);
	free(jobs);
}

/*
 * A saved plan whose zones name accounts needs the config's accounts:
 * to reach them: loaded into cfg (the config the plan was checked
 * against).  -1 after printing.
 */
static int
saved_accounts(const struct cli_global *g, const struct plan *plan,
    const struct plan_meta *meta, struct cfg *cfg)
{
	struct cli_global	 o = *g;
	size_t			 i;

	o.shard = NULL;		/* the plan is the shard; this is for accounts: */
	for (i = 0; i < plan->nzones; i++)
		if (plan->zones[i].account != NULL)
			break;
	if (i == plan->nzones)
		return 0;
	if (!g->config_given)
		o.config = meta->config_path;
	return cli_load_config(&o, cfg);
}

static int
cmd_apply_exec(const struct cli_global *g_, const void *opts, int nargs,
    char **args)
{
	const struct cmd_apply_opts	*o = opts;
	struct cli_global		 gs = *g_, *g = &gs;
	struct cli_aws			 aws;
	struct cli_plan			 p;
	struct plan			 saved;
	struct plan_meta		 meta;
	struct diags			 d = DIAGS_INIT;
	struct apply_opts		 ao;
	struct apply_zone_result	*results = NULL;
	struct progress			 pr;
	const struct plan		*plan;
	const struct plan_meta		*pmeta;
	struct plan_batch		*batches = NULL;
	struct cfg			 cfg;
	struct cli_accounts		 saved_acc, *acc;
	struct slice			*sl = NULL;
	size_t				 nbatches = 0, nresults = 0, nsl = 0, i;
	size_t				 k;
	int				 rc = EXIT_ERROR, failed, pr_made = 0;

	gs.shard = &o->shard;
	memset(&aws, 0, sizeof(aws));
	memset(&cfg, 0, sizeof(cfg));
	cli_accounts_init(&saved_acc, &aws, NULL);
	acc = &saved_acc;
	memset(&p, 0, sizeof(p));
	memset(&saved, 0, sizeof(saved));
	memset(&meta, 0, sizeof(meta));
	if (!o->auto_approve && !isatty(STDIN_FILENO)) {
		if (nargs == 1)
			cli_error("apply asks for confirmation, but standard "
			    "input is not a terminal; review the plan saved in "
			    "'%s' and run 'mailauth apply --auto-approve %s'",
			    args[0], args[0]);
		else
			cli_error("apply asks for confirmation, but standard "
			    "input is not a terminal; review 'mailauth plan' "
			    "and run 'mailauth apply --auto-approve'");
		return EXIT_ERROR;
	}
	if (nargs == 1 && o->at >= 0) {
		cli_error("option '--at' cannot be used with a saved plan, "
		    "which keeps the stages it was made with; run 'mailauth "
		    "plan --at DATE --out %s' instead", args[0]);
		return EXIT_ERROR;
	}
	if (nargs == 1 && o->gate.ignore) {
		cli_error("option '--ignore-gate' cannot be used with a saved "
		    "plan, whose stages the gate already decided; run "
		    "'mailauth plan --ignore-gate --out %s' instead", args[0]);
		return EXIT_ERROR;
	}
	if (nargs == 1 && o->gate.reports.n > 0) {
		cli_error("option '--reports' cannot be used with a saved plan, "
		    "whose stages the gate already decided; run 'mailauth "
		    "plan --reports SOURCE --out %s' instead", args[0]);
		return EXIT_ERROR;
	}
	if (nargs == 1) {
		if (load_saved(g, args[0], &saved, &meta) == -1 ||
		    cli_shard_same(&o->shard, &meta, args[0]) == -1)
			goto out;
		if (plan_batches(&saved, &batches, &nbatches, &d) == -1) {
			cli_diags(&d);
			cli_error("the saved plan cannot be sent; nothing was "
			    "changed");
			goto out;
		}
		if (saved_accounts(g, &saved, &meta, &cfg) == -1)
			goto out;
		cli_accounts_init(&saved_acc, &aws, &cfg);
		if (cli_aws_open(g, &aws) == -1)
			goto out;
		plan = &saved;
		pmeta = &meta;
	} else {
		if (cli_plan_make(g, o->at, &o->gate, &aws, &p) == -1)
			goto out;
		plan = &p.built.plan;
		pmeta = &p.built.meta;
		acc = &p.accounts;
		batches = p.built.batches;
		nbatches = p.built.nbatches;
	}
	cli_plan_print(g, NULL, plan, pmeta);	/* apply always shows text */
	if (!plan_has_changes(plan)) {
		rc = EXIT_OK;
		goto out;
	}
	if (guard(o, plan) == -1)
		goto out;
	if (!o->auto_approve && !confirmed()) {
		cli_error("apply cancelled; nothing was changed");
		goto out;
	}
	printf("\n");
	fflush(stdout);
	/* From here a Ctrl-C stops between batches (interrupt.h).  Nothing
	 * is read again first: Route 53 refuses a batch that meets a change
	 * made since the plan, and plan_apply() then says what changed. */
	if (interrupt_install() == -1)
		cli_error("cannot handle interrupts: %s", strerror(errno));
	if (slices_make(g, acc, plan, &sl, &nsl) == -1)
		goto out;

	memset(&pr, 0, sizeof(pr));
	pthread_mutex_init(&pr.lock, NULL);
	pr_made = 1;
	pr.tty = isatty(STDOUT_FILENO);
	memset(&ao, 0, sizeof(ao));
	ao.wait = !o->no_wait;
	ao.wait_timeout_s = o->wait_timeout >= 0 ?
	    (unsigned int)o->wait_timeout : DEFAULT_WAIT_S;
	ao.progress = progress;
	ao.waiting = waiting;
	ao.ctx = &pr;
	/* The zones' results in the slices' order, whichever account
	 * finished first: the summary reads as one account after the
	 * other. */
	apply_slices(sl, nsl, batches, nbatches, &ao);
	failed = 0;
	for (i = 0; i < nsl; i++) {
		failed |= sl[i].failed;
		for (k = 0; k < sl[i].nres; k++)
			*(struct apply_zone_result *)xappend(&results,
			    &nresults, sizeof(*results)) = sl[i].res[k];
		free(sl[i].res);
		sl[i].res = NULL;
		sl[i].nres = 0;
	}
	summary(plan, results, nresults, failed);
	if (!failed)
		rc = o->verify ? cli_verify_applied(g, acc, plan, &o->resolvers,
		    nargs == 1 ? -1 : o->at, (unsigned int)ao.wait_timeout_s) :
		    EXIT_OK;
	else if (interrupt_requested())
		cli_error("apply was interrupted: what was not sent can be "
		    "sent by running apply again (a saved plan skips what it "
		    "finds already applied)");
out:
	/* An interrupt that came too late to stop anything is no error. */
	if (rc == EXIT_ERROR && interrupt_requested())
		rc = INTERRUPT_EXIT;
	interrupt_uninstall();
	for (i = 0; i < nsl; i++)
		apply_results_release(sl[i].res, sl[i].nres);
	free(sl);
	if (pr_made)
		pthread_mutex_destroy(&pr.lock);
	cli_accounts_close(&saved_acc);
	cfg_release(&cfg);
	if (nargs == 1)
		plan_batches_release(batches, nbatches);
	apply_results_release(results, nresults);
	diags_release(&d);
	plan_release(&saved);
	plan_meta_release(&meta);
	cli_plan_release(&p);
	cli_aws_close(&aws);
	return rc;
}

static const struct cli_option apply_options[] = {
	CLI_OPT_FLAG("auto-approve", struct cmd_apply_opts, auto_approve,
	    "apply without asking for confirmation"),
	CLI_OPT_FLAG("allow-weaken", struct cmd_apply_opts, allow_weaken,
	    "apply even changes that weaken DMARC or SPF"),
	CLI_OPT_FLAG("no-wait", struct cmd_apply_opts, no_wait,
	    "do not wait for the changes to be INSYNC"),
	CLI_OPT_NUMBER("wait-timeout", struct cmd_apply_opts, wait_timeout,
	    "SECONDS", 0, 86400, "seconds",
	    "wait at most this long for INSYNC (default 300)"),
	CLI_OPT_AT(struct cmd_apply_opts, at),
	CLI_OPT_GATE(struct cmd_apply_opts, gate),
	CLI_OPT_IGNORE_GATE(struct cmd_apply_opts, gate),
	CLI_OPT_FLAG("verify", struct cmd_apply_opts, verify,
	    "then wait until DNS answers the new values (at most "
	    "--wait-timeout) and run 'mailauth verify' for the domains changed"),
	CLI_OPT_RESOLVER(struct cmd_apply_opts, resolvers),
	CLI_OPT_SHARD(struct cmd_apply_opts, shard),
	CLI_OPT_END
};

static const struct cmd_apply_opts apply_defaults = {
	.wait_timeout = -1,
	.at = -1
};

const struct cmd_entry cmd_apply_entry = {
	"apply",
	"[-c FILE] [--at YYYY-MM-DD] [--auto-approve] [--allow-weaken] "
	    "[--no-wait] [--wait-timeout SECONDS] [--reports SOURCE]... "
	    "[--ignore-gate] [--verify [--resolver HOST[:PORT]]...] "
	    "[--domain NAME]... [--zone ZONE]... [PLANFILE]",
	"apply the plan to Route 53 and wait until it is in sync",
	"Makes the same plan as 'mailauth plan' (or, given PLANFILE, loads exactly\n"
	"the plan 'mailauth plan --out PLANFILE' saved, refusing it if the\n"
	"configuration has changed since), shows it and asks for confirmation (only\n"
	"'yes' is accepted; without a terminal, --auto-approve is required).  A plan\n"
	"that weakens DMARC or SPF is refused unless --allow-weaken is given (a\n"
	"DMARC rollout's rollback stage does).  Without PLANFILE, a DMARC rollout\n"
	"publishes the stage of --at (default: today, UTC), held back by its\n"
	"dmarc.gate unless the reports of --reports SOURCE meet it (without them\n"
	"the stage is held; --ignore-gate takes it on its date alone).\n"
	"apply sends the changes of each hosted zone in as few\n"
	"ChangeResourceRecordSets batches as Route 53's limits allow, each applied\n"
	"all or nothing; an update is the DELETE of the exact set seen at plan time\n"
	"and the CREATE of the new one, so a record changed in the meantime is never\n"
	"overwritten: Route 53 refuses that zone's batch, and apply reads that zone\n"
	"and says what changed.  Zones are applied independently.  apply then waits\n"
	"until every change is INSYNC.\n"
	"With --verify it then waits until DNS (the zones' own name servers, or\n"
	"--resolver) answers the new values and runs verify's checks for the\n"
	"domains it changed: exit 3 when they find something (docs/commands.md).\n"
	"--domain NAME and --zone ZONE (globs, repeatable) apply a shard of the\n"
	"configuration, as plan makes it; with PLANFILE they must be the plan's.",
	CLI_OPTIONS(apply_options, apply_defaults),
	1,
	cmd_apply_exec
};
