/*
 * cmd-report.c - "mailauth report SOURCE...": reads DMARC aggregate
 * reports from files, folders and S3 (src/cli/reports.c), and prints what they say per domain
 * over a window of days (docs/reports.md).
 *
 * The reading (src/report/) hands each report to a summary; the summary
 * is printed once every source is read.  Exit 0 when at least one report
 * was read, rejected files or not; 1 when none could be.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/err.h"
#include "mailauth/report.h"
#include "mailauth/resolve.h"
#include "cli.h"

/* --resolve: the most PTR queries one run sends, and how many at once. */
#define PTR_BUDGET	500
#define PTR_BATCH	50

struct cmd_report_opts {
	const char		*format;	/* --format; NULL: text */
	long			 since;		/* --since, a day; -1 unset */
	long			 until;		/* --until, a day; -1 unset */
	const char		*domain;	/* --domain */
	unsigned long long	 max_report_size; /* 0 unset */
	int			 senders;	/* --senders */
	int			 resolve;	/* --resolve */
	struct cli_strings	 resolvers;	/* --resolver HOST[:PORT] */
};

/* What the config declares, in report's own terms (report_declared). */
struct declared {
	struct cfg		 cfg;
	int			 loaded;
	struct report_declared	*v;
	size_t			 n;
	const char		**strings;	/* the selectors' and includes'
						 * pointer lists, one block */
};

/*
 * The config of -c, or mailauth.yaml when it is there: without either,
 * nothing is declared and every domain is "not in the config".  -1 after
 * printing why it could not be loaded.
 */
static int
declared_load(const struct cli_global *g, struct declared *dc)
{
	const struct cfg_domain	*cd;
	struct report_declared	*d;
	size_t			 i, j, total = 0, k = 0;

	memset(dc, 0, sizeof(*dc));
	if (!g->config_given && access(g->config, F_OK) == -1)
		return 0;
	if (cli_load_config(g, &dc->cfg) == -1)
		return -1;
	dc->loaded = 1;
	for (i = 0; i < dc->cfg.ndomains; i++)
		total += dc->cfg.domains[i].ndkim +
		    dc->cfg.domains[i].spf.spec.ninclude;
	dc->strings = xcalloc(total + 1, sizeof(*dc->strings));
	dc->v = xcalloc(dc->cfg.ndomains + 1, sizeof(*dc->v));
	for (i = 0; i < dc->cfg.ndomains; i++) {
		cd = &dc->cfg.domains[i];
		d = &dc->v[dc->n++];
		d->domain = cd->name;
		d->strict_dkim = cd->dmarc.spec.adkim == DMARC_ALIGN_STRICT;
		d->strict_spf = cd->dmarc.spec.aspf == DMARC_ALIGN_STRICT;
		d->spf = cd->spf.present;
		d->selectors = &dc->strings[k];
		for (j = 0; j < cd->ndkim; j++)
			if (cd->dkim[j].kind != DKIM_ABSENT) {
				dc->strings[k++] = cd->dkim[j].selector;
				d->nselectors++;
			}
		d->includes = &dc->strings[k];
		for (j = 0; cd->spf.present && j < cd->spf.spec.ninclude; j++) {
			dc->strings[k++] = cd->spf.spec.include[j];
			d->nincludes++;
		}
	}
	return 0;
}

static void
declared_release(struct declared *dc)
{
	free(dc->v);
	free(dc->strings);
	if (dc->loaded)
		cfg_release(&dc->cfg);
	memset(dc, 0, sizeof(*dc));
}

/* The reverse name of an address: "4.3.2.1.in-addr.arpa", nibbles under
 * ip6.arpa. */
static char *
reverse_name(const char *ip)
{
	unsigned char	 a[16];
	struct buf	 b = BUF_INIT;
	int		 i;

	if (inet_pton(AF_INET, ip, a) == 1)
		buf_addf(&b, "%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1],
		    a[0]);
	else if (inet_pton(AF_INET6, ip, a) == 1) {
		for (i = 15; i >= 0; i--)
			buf_addf(&b, "%x.%x.", a[i] & 0xf, a[i] >> 4);
		buf_adds(&b, "ip6.arpa");
	} else
		return NULL;
	return buf_detach(&b);
}

/* One address to name, with the mail it sent across domains. */
struct ptr {
	const char	*ip;
	uint64_t	 messages;
	char		*name;
};

static int
ptr_by_ip(const void *a, const void *b)
{
	return strcmp(((const struct ptr *)a)->ip, ((const struct ptr *)b)->ip);
}

static int
ptr_by_messages(const void *a, const void *b)
{
	const struct ptr	*x = a, *y = b;

	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	return strcmp(x->ip, y->ip);
}

/* Asks the PTR names of v[0..n) in batches; a failure leaves no name. */
static void
ptr_ask(struct resolve *r, struct ptr *v, size_t n)
{
	struct resolve_answer	 ans[PTR_BATCH];
	char			*names[PTR_BATCH];
	size_t			 i, k, m;

	for (i = 0; i < n; i += m) {
		m = n - i < PTR_BATCH ? n - i : PTR_BATCH;
		memset(ans, 0, sizeof(ans));
		for (k = 0; k < m; k++) {
			names[k] = reverse_name(v[i + k].ip);
			if (names[k] != NULL)
				resolve_query(r, names[k], RESOLVE_PTR, &ans[k]);
		}
		resolve_wait(r);
		for (k = 0; k < m; k++) {
			if (names[k] != NULL && ans[k].status == RESOLVE_OK &&
			    ans[k].nrrs > 0)
				v[i + k].name = xstrdup(ans[k].rrs[0].data);
			if (names[k] != NULL)
				resolve_answer_release(&ans[k]);
			free(names[k]);
		}
	}
}

/*
 * --resolve: the PTR name of each sending address, asked once whatever
 * the number of domains it sent for (the cache), the addresses with the
 * most mail first, at most PTR_BUDGET of them; a name that cannot be had
 * is left out, never an error.  -1 only when the resolver cannot be
 * opened (a --resolver that is no address).
 */
static int
senders_resolve(const struct cmd_report_opts *o, struct report_senders *s)
{
	struct resolve_opts	 ro;
	struct resolve		*r = NULL;
	struct report_sender	*x;
	struct ptr		*v = NULL, key, *hit;
	struct err		 err;
	size_t			 n = 0, i, j, u;

	for (i = 0; i < s->ndomains; i++)
		for (j = 0; j < s->domains[i].nsenders; j++) {
			struct ptr	*p = xappend(&v, &n, sizeof(*v));

			p->ip = s->domains[i].senders[j].ip;
			p->messages = s->domains[i].senders[j].n.messages;
		}
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), ptr_by_ip);
	for (i = 1, u = 1; i < n; i++) {
		if (strcmp(v[i].ip, v[u - 1].ip) == 0)
			v[u - 1].messages += v[i].messages;
		else
			v[u++] = v[i];
	}
	n = u;
	qsort(v, n, sizeof(*v), ptr_by_messages);
	memset(&ro, 0, sizeof(ro));
	ro.servers = o->resolvers.v;
	ro.nservers = o->resolvers.n;
	ro.budget = PTR_BUDGET;
	err_clear(&err);
	if (resolve_open(&r, &ro, &err) == -1) {
		cli_error("%s", err.msg);
		free(v);
		return -1;
	}
	ptr_ask(r, v, n < PTR_BUDGET ? n : PTR_BUDGET);
	resolve_close(r);
	qsort(v, n, sizeof(*v), ptr_by_ip);
	for (i = 0; i < s->ndomains; i++)
		for (j = 0; j < s->domains[i].nsenders; j++) {
			x = &s->domains[i].senders[j];
			key.ip = x->ip;
			hit = bsearch(&key, v, n, sizeof(*v), ptr_by_ip);
			if (hit != NULL && hit->name != NULL)
				x->name = xstrdup(hit->name);
		}
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	return 0;
}


/* A name or reason from a report or a file name, without control
 * characters, for stderr. */
static void
warn_rejected(const struct report_rejected *rj)
{
	struct buf	 b = BUF_INIT;
	const char	*s;

	for (s = rj->file; *s != '\0'; s++)
		buf_addc(&b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	buf_adds(&b, "': ");
	for (s = rj->reason; *s != '\0'; s++)
		buf_addc(&b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	cli_error("'%s", buf_str(&b));
	buf_release(&b);
}

static int
check_options(const struct cmd_report_opts *o, int nargs)
{
	char	 a[11], b[11];

	if (nargs == 0) {
		cli_error("'report' needs at least one SOURCE: a report file, "
		    "a folder of them or s3://BUCKET/PREFIX");
		cli_usage(stderr, &cmd_report_entry);
		return -1;
	}
	if ((o->resolve || o->resolvers.n > 0) && !o->senders) {
		cli_error("'--%s' goes with '--senders'", o->resolve ?
		    "resolve" : "resolver");
		return -1;
	}
	if (o->resolvers.n > 0 && !o->resolve) {
		cli_error("'--resolver' goes with '--resolve'");
		return -1;
	}
	if (o->senders && o->format != NULL &&
	    strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0) {
		cli_error("'--senders' prints text or json, not '%s'",
		    o->format);
		return -1;
	}
	if (o->since != -1 && o->until != -1 && o->since > o->until) {
		date_format(o->since, a);
		date_format(o->until, b);
		cli_error("'--since %s' is after '--until %s': the window is "
		    "empty", a, b);
		return -1;
	}
	return 0;
}

/*
 * Reads every source into sink (a summary or senders).  0 with rd
 * holding what was read; -1 after printing why (nothing readable: the
 * rejections first), rd released.
 */
static int
read_sources(const struct cli_global *g, const struct cmd_report_opts *o,
    int nargs, char **args, report_sink_fn sink, void *arg,
    struct report_reader *rd)
{
	const char *const	*src = (const char *const *)args;
	struct report_limits	 lim;
	struct cli_aws		 aws;
	size_t			 i;
	int			 need_aws, n;

	lim.max_size = o->max_report_size != 0 ? o->max_report_size :
	    REPORT_MAX_SIZE_DEFAULT;
	lim.max_members = REPORT_MAX_MEMBERS;
	need_aws = cli_reports_need_aws(src, (size_t)nargs);
	if (need_aws && cli_aws_open(g, &aws) == -1)
		return -1;
	report_reader_init(rd, &lim, sink, arg);
	n = cli_reports_read(g, need_aws ? &aws : NULL, src, (size_t)nargs,
	    rd, 0);
	if (need_aws)
		cli_aws_close(&aws);
	if (n == -1) {
		report_reader_release(rd);
		return -1;
	}
	if (rd->stats.read == 0) {
		for (i = 0; i < rd->stats.nrejected; i++)
			warn_rejected(&rd->stats.rejected[i]);
		cli_error("no DMARC report could be read from the %s given",
		    nargs == 1 ? "source" : "sources");
		report_reader_release(rd);
		return -1;
	}
	return 0;
}

static int
written(int wrc)
{
	if (fflush(stdout) == EOF || wrc == -1 || ferror(stdout)) {
		cli_error("cannot write the summary to standard output: %s",
		    strerror(errno));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/* --senders: every source per domain against the config. */
static int
senders_exec(const struct cli_global *g, const struct cmd_report_opts *o,
    const struct report_filter *filter, int nargs, char **args)
{
	struct report_senders	 s;
	struct report_reader	 rd;
	struct declared		 dc;
	struct buf		 out = BUF_INIT;
	int			 rc = EXIT_ERROR, wrc = 0;

	if (declared_load(g, &dc) == -1)
		return EXIT_ERROR;
	report_senders_init(&s, filter, dc.v, dc.n);
	if (read_sources(g, o, nargs, args, report_senders_sink, &s,
	    &rd) == -1)
		goto out_senders;
	report_senders_finish(&s);
	if (o->resolve && senders_resolve(o, &s) == -1)
		goto out;
	if (o->format != NULL && strcmp(o->format, "json") == 0)
		wrc = report_senders_write_json(&s, &rd.stats, stdout);
	else {
		report_senders_render_text(&s, &rd.stats, &out);
		fwrite(out.data != NULL ? out.data : "", 1, out.len, stdout);
	}
	rc = written(wrc);
out:
	report_reader_release(&rd);
out_senders:
	buf_release(&out);
	report_senders_release(&s);
	declared_release(&dc);
	return rc;
}

static int
cmd_report_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	const struct cmd_report_opts	*o = opts;
	struct report_reader	 rd;
	struct report_summary	 sum;
	struct report_filter	 filter;
	struct buf		 out = BUF_INIT;
	const char		*format = o->format != NULL ? o->format : "text";
	size_t			 i;
	int			 rc, wrc = 0;

	if (check_options(o, nargs) == -1)
		return EXIT_ERROR;
	filter.since = o->since;
	filter.until = o->until;
	filter.domain = o->domain;
	if (o->senders)
		return senders_exec(g, o, &filter, nargs, args);
	report_summary_init(&sum, &filter);
	if (read_sources(g, o, nargs, args, report_summary_sink, &sum,
	    &rd) == -1) {
		report_summary_release(&sum);
		return EXIT_ERROR;
	}
	report_summary_finish(&sum);
	/* JSON and CSV stream to stdout: the output can be many times the
	 * summary's size (docs/performance.md). */
	if (strcmp(format, "json") == 0)
		wrc = report_write_json(&sum, &rd.stats, stdout);
	else if (strcmp(format, "csv") == 0) {
		wrc = report_write_csv(&sum, stdout);
		/* A table has no room for them: they go to stderr. */
		for (i = 0; i < rd.stats.nrejected; i++)
			warn_rejected(&rd.stats.rejected[i]);
	} else {
		if (strcmp(format, "markdown") == 0)
			report_render_markdown(&sum, &rd.stats, &out);
		else
			report_render_text(&sum, &rd.stats, &out);
		fwrite(out.data != NULL ? out.data : "", 1, out.len, stdout);
	}
	rc = written(wrc);
	buf_release(&out);
	report_reader_release(&rd);
	report_summary_release(&sum);
	return rc;
}

static const struct cli_option report_options[] = {
	CLI_OPT_WORD("format", struct cmd_report_opts, format,
	    "text|json|markdown|csv", "how the summary is printed (default "
	    "text)"),
	CLI_OPT_DATE("since", struct cmd_report_opts, since,
	    "count only reports of this UTC day and later"),
	CLI_OPT_DATE("until", struct cmd_report_opts, until,
	    "count only reports of this UTC day and earlier"),
	CLI_OPT_STRING("domain", struct cmd_report_opts, domain, "DOMAIN",
	    "count only mail from this domain (header_from) and the names "
	    "under it"),
	CLI_OPT_MAX_REPORT_SIZE(struct cmd_report_opts, max_report_size),
	CLI_OPT_FLAG("senders", struct cmd_report_opts, senders,
	    "list every sending address per domain against the config (-c), "
	    "with a verdict and suggestions"),
	CLI_OPT_FLAG("resolve", struct cmd_report_opts, resolve,
	    "with --senders: show the PTR name of each sending address"),
	{ "resolver", 0, CLI_STRINGS,
	  CLI_FIELD(struct cmd_report_opts, resolvers, struct cli_strings),
	  "HOST[:PORT]", NULL, 0, 0, "with --resolve: ask this DNS server "
	  "instead of the system's; give it once per server" },
	CLI_OPT_END
};

static const struct cmd_report_opts report_defaults = {
	.since = -1,
	.until = -1
};

const struct cmd_entry cmd_report_entry = {
	"report",
	"[--format text|json|markdown|csv] [--since YYYY-MM-DD] "
	"[--until YYYY-MM-DD] [--domain DOMAIN] [--max-report-size SIZE] "
	"[--senders] [--resolve] [--resolver HOST[:PORT]] SOURCE...",
	"summarise DMARC aggregate reports per domain",
	"Reads DMARC aggregate (rua) reports from each SOURCE, a file, a folder\n"
	"(read recursively) or s3://BUCKET/PREFIX (every object under the prefix,\n"
	"with the AWS credentials; AWS_ENDPOINT_URL_S3 for another endpoint), and\n"
	"prints per domain (header_from): messages, the DMARC pass rate, the DKIM-\n"
	"and SPF-aligned rates, dispositions, the reporters and the sending\n"
	"sources, worst first.  A file may be XML,\n"
	"gzip, zip or an e-mail message with such an attachment, whatever its\n"
	"name.  Reports are counted once by (org_name, report_id); a report\n"
	"belongs to the UTC day holding the middle of its date range.  A file\n"
	"that is not a readable report is listed with the reason and the others\n"
	"are read.  With --senders, every sending address per domain instead,\n"
	"with its verdict against the config (-c, else mailauth.yaml when there):\n"
	"configured, undeclared or failing, and suggestions (text or json).\n"
	"Exit 0 when a report was read, 1 when none could be (docs/reports.md).",
	CLI_OPTIONS(report_options, report_defaults),
	INT_MAX,
	cmd_report_exec
};
