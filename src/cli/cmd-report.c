/*
 * cmd-report.c - "mailauth report SOURCE...": reads DMARC aggregate
 * reports from files, folders and S3 (src/cli/reports.c), and prints what they say per domain
 * over a window of days (docs/reports.md).
 *
 * The reading (src/report/) hands each report to a summary; the summary
 * is printed once every source is read.  Exit 0 when at least one report
 * was read, rejected files or not; 1 when none could be.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/report.h"
#include "cli.h"

struct cmd_report_opts {
	const char		*format;	/* --format; NULL: text */
	long			 since;		/* --since, a day; -1 unset */
	long			 until;		/* --until, a day; -1 unset */
	const char		*domain;	/* --domain */
	unsigned long long	 max_report_size; /* 0 unset */
};

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
	if (o->since != -1 && o->until != -1 && o->since > o->until) {
		date_format(o->since, a);
		date_format(o->until, b);
		cli_error("'--since %s' is after '--until %s': the window is "
		    "empty", a, b);
		return -1;
	}
	return 0;
}

static int
cmd_report_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	const struct cmd_report_opts	*o = opts;
	struct report_reader	 rd;
	struct report_summary	 sum;
	struct cli_aws		 aws;
	const char *const	*src = (const char *const *)args;
	int			 need_aws;
	struct report_limits	 lim;
	struct report_filter	 filter;
	struct buf		 out = BUF_INIT;
	const char		*format = o->format != NULL ? o->format : "text";
	size_t			 i;
	int			 n, rc, wrc = 0;

	if (check_options(o, nargs) == -1)
		return EXIT_ERROR;
	lim.max_size = o->max_report_size != 0 ? o->max_report_size :
	    REPORT_MAX_SIZE_DEFAULT;
	lim.max_members = REPORT_MAX_MEMBERS;
	filter.since = o->since;
	filter.until = o->until;
	filter.domain = o->domain;
	need_aws = cli_reports_need_aws(src, (size_t)nargs);
	if (need_aws && cli_aws_open(g, &aws) == -1)
		return EXIT_ERROR;
	report_summary_init(&sum, &filter);
	report_reader_init(&rd, &lim, report_summary_sink, &sum);
	n = cli_reports_read(g, need_aws ? &aws : NULL, src, (size_t)nargs,
	    &rd, 0);
	if (need_aws)
		cli_aws_close(&aws);
	if (n == -1) {
		report_reader_release(&rd);
		report_summary_release(&sum);
		return EXIT_ERROR;
	}
	report_summary_finish(&sum);
	if (rd.stats.read == 0) {
		for (i = 0; i < rd.stats.nrejected; i++)
			warn_rejected(&rd.stats.rejected[i]);
		cli_error("no DMARC report could be read from the %s given",
		    nargs == 1 ? "source" : "sources");
		report_reader_release(&rd);
		report_summary_release(&sum);
		return EXIT_ERROR;
	}
	rc = EXIT_OK;
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
	if (fflush(stdout) == EOF || wrc == -1 || ferror(stdout)) {
		cli_error("cannot write the summary to standard output: %s",
		    strerror(errno));
		rc = EXIT_ERROR;
	}
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
	"SOURCE...",
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
	"are read.  Exit 0 when a report was read, 1 when none could be\n"
	"(docs/reports.md).",
	CLI_OPTIONS(report_options, report_defaults),
	INT_MAX,
	cmd_report_exec
};
