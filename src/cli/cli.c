/*
 * cli.c - option parsing, the command table and command dispatch.
 *
 * Options may stand anywhere on the line, before or after the command and
 * its operands ("mailauth --no-color plan -c x.yaml" and "mailauth plan
 * -c x.yaml --no-color" are the same); "--" ends them.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/err.h"
#include "cli.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_plan_entry,
	&cmd_apply_entry,
	&cmd_validate_entry,
	&cmd_rollout_entry,
	&cmd_lint_entry,
	&cmd_dkim_entry,
	&cmd_whoami_entry,
	&cmd_iam_entry,
	&cmd_ses_entry,
	&cmd_report_entry,
	&cmd_help_entry,
	&cmd_version_entry,
	NULL
};

enum opt_id {
	O_CONFIG,
	O_ENDPOINT_URL,
	O_PROFILE,
	O_MAX_RPS,
	O_CONNECT_TIMEOUT,
	O_TIMEOUT,
	O_ALLOW_INSECURE,
	O_NO_COLOR,
	O_DEBUG,
	O_HELP,
	O_VERSION,
	O_DETAILED_EXITCODE,
	O_AUTO_APPROVE,
	O_SELECTOR,
	O_TYPE,
	O_BITS,
	O_OUT,
	O_FORMAT,
	O_ALLOW_WEAKEN,
	O_NO_WAIT,
	O_WAIT_TIMEOUT,
	O_AT,
	O_POLICIES,
	O_SINCE,
	O_UNTIL,
	O_DOMAIN,
	O_MAX_REPORT_SIZE,
	O_REPORTS,
	O_OFFLINE
};

struct opt {
	const char	*lng;
	char		 shrt;
	int		 has_arg;
	unsigned int	 only;		/* 0: global; else the OPT_* bit */
	enum opt_id	 id;
	const char	*arg_name;
	const char	*help;
};

static const struct opt opts[] = {
	{ "config", 'c', 1, 0, O_CONFIG, "FILE",
	  "the configuration file (default: ./" DEFAULT_CONFIG ")" },
	{ "endpoint-url", 0, 1, 0, O_ENDPOINT_URL, "URL",
	  "the Route 53 endpoint (default: AWS_ENDPOINT_URL_ROUTE_53, "
	  "AWS_ENDPOINT_URL, then " R53_DEFAULT_ENDPOINT ")" },
	{ "profile", 0, 1, 0, O_PROFILE, "NAME",
	  "the AWS profile of ~/.aws/config and ~/.aws/credentials to use "
	  "(wins over environment keys; default: AWS_PROFILE, then "
	  "\"default\")" },
	{ "max-rps", 0, 1, 0, O_MAX_RPS, "N",
	  "at most N Route 53 requests per second (default 10, burst 50)" },
	{ "connect-timeout", 0, 1, 0, O_CONNECT_TIMEOUT, "SECONDS",
	  "give up connecting after this long (default 10)" },
	{ "timeout", 0, 1, 0, O_TIMEOUT, "SECONDS",
	  "give up on one request after this long (default 60)" },
	{ "allow-insecure-endpoint", 0, 0, 0, O_ALLOW_INSECURE, NULL,
	  "accept a plain http:// endpoint that is not on a loopback "
	  "address" },
	{ "no-color", 0, 0, 0, O_NO_COLOR, NULL,
	  "never color the output (NO_COLOR=1 does the same)" },
	{ "debug", 0, 0, 0, O_DEBUG, NULL,
	  "log each HTTP exchange to stderr, with credentials redacted" },
	{ "help", 'h', 0, 0, O_HELP, NULL, "show help for the command" },
	{ "version", 0, 0, 0, O_VERSION, NULL, "print the version" },
	{ "detailed-exitcode", 0, 0, OPT_DETAILED_EXITCODE,
	  O_DETAILED_EXITCODE, NULL,
	  "exit 0 when there are no changes, 2 when there are, 1 on error" },
	{ "auto-approve", 0, 0, OPT_AUTO_APPROVE, O_AUTO_APPROVE, NULL,
	  "apply without asking for confirmation" },
	{ "selector", 0, 1, OPT_KEYGEN, O_SELECTOR, "NAME",
	  "the DKIM selector the key is for" },
	{ "type", 0, 1, OPT_KEYGEN, O_TYPE, "rsa|ed25519",
	  "the key type (default rsa)" },
	{ "bits", 0, 1, OPT_KEYGEN, O_BITS, "N",
	  "the RSA key size (default 2048, at least 1024)" },
	{ "out", 0, 1, OPT_KEYGEN, O_OUT, "DIR",
	  "the folder the key files are written to (default .)" },
	/* The same name for another command: see option_takes(). */
	{ "out", 0, 1, OPT_PLAN_OUTPUT, O_OUT, "FILE",
	  "also save the plan as JSON to FILE, for 'mailauth apply FILE'" },
	{ "format", 0, 1, OPT_PLAN_OUTPUT, O_FORMAT, "text|json|markdown",
	  "how the plan is printed (default text)" },
	{ "allow-weaken", 0, 0, OPT_APPLY, O_ALLOW_WEAKEN, NULL,
	  "apply even changes that weaken DMARC or SPF" },
	{ "no-wait", 0, 0, OPT_APPLY, O_NO_WAIT, NULL,
	  "do not wait for the changes to be INSYNC" },
	{ "wait-timeout", 0, 1, OPT_APPLY, O_WAIT_TIMEOUT, "SECONDS",
	  "wait at most this long for INSYNC (default 300)" },
	{ "at", 0, 1, OPT_AT, O_AT, "YYYY-MM-DD",
	  "use the DMARC rollout stages of this day (default: today, UTC)" },
	{ "format", 0, 1, OPT_STATUS_FORMAT, O_FORMAT, "text|json",
	  "how the status is printed (default text)" },
	{ "policies", 0, 1, 0, O_POLICIES, "DIR",
	  "a folder of your own DMARC rollout templates (NAME.yaml), beside "
	  "the built-in ones" },
	{ "format", 0, 1, OPT_REPORT, O_FORMAT, "text|json|markdown|csv",
	  "how the summary is printed (default text)" },
	{ "since", 0, 1, OPT_REPORT, O_SINCE, "YYYY-MM-DD",
	  "count only reports of this UTC day and later" },
	{ "until", 0, 1, OPT_REPORT, O_UNTIL, "YYYY-MM-DD",
	  "count only reports of this UTC day and earlier" },
	{ "domain", 0, 1, OPT_REPORT, O_DOMAIN, "DOMAIN",
	  "count only mail from this domain (header_from) and the names "
	  "under it" },
	{ "max-report-size", 0, 1, OPT_REPORT | OPT_REPORTS, O_MAX_REPORT_SIZE,
	  "SIZE",
	  "refuse a report larger than this once decompressed (default 64M; "
	  "K, M or G)" },
	{ "reports", 0, 1, OPT_REPORTS, O_REPORTS, "SOURCE",
	  "DMARC aggregate reports for the rollout gate: a file, a folder or "
	  "s3://BUCKET/PREFIX; give it once per source" },
	{ "offline", 0, 0, OPT_OFFLINE, O_OFFLINE, NULL,
	  "send nothing: take each domain's hosted zone id from its zone: "
	  "key" },
};

#define NOPTS	(sizeof(opts) / sizeof(opts[0]))
/* parse() records the options used as bits of a uint64_t. */
_Static_assert(NOPTS <= 64, "too many options for the used mask");

void
cli_error(const char *fmt, ...)
{
	va_list	 ap;

	fputs("mailauth: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const struct cmd_entry *
cli_find_command(const char *name)
{
	size_t	 i;

	for (i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

void
cli_usage(FILE *f, const struct cmd_entry *cmd)
{
	if (cmd == NULL)
		fprintf(f, "usage: mailauth [-c FILE] [--endpoint-url URL] "
		    "[--no-color] [--debug] COMMAND [ARGS]\n"
		    "       mailauth help [COMMAND]\n");
	else
		fprintf(f, "usage: mailauth %s%s%s\n", cmd->name,
		    *cmd->usage ? " " : "", cmd->usage);
}

static void
option_help(FILE *f, const struct opt *o)
{
	struct buf	 b = BUF_INIT;

	if (o->shrt)
		buf_addf(&b, "-%c, ", o->shrt);
	buf_addf(&b, "--%s", o->lng);
	if (o->has_arg)
		buf_addf(&b, " %s", o->arg_name);
	fprintf(f, "  %-24s %s\n", buf_str(&b), o->help);
	buf_release(&b);
}

void
cli_help(FILE *f, const struct cmd_entry *cmd)
{
	size_t	 i;

	if (cmd == NULL) {
		fputs("mailauth keeps the SPF, DKIM and DMARC records of mail "
		    "domains on Amazon Route 53\nin step with mailauth.yaml.\n\n",
		    f);
		cli_usage(f, NULL);
		fputs("\ncommands:\n", f);
		for (i = 0; cmd_table[i] != NULL; i++)
			fprintf(f, "  %-10s %s\n", cmd_table[i]->name,
			    cmd_table[i]->summary);
		fputs("\nglobal options (taken by every command, anywhere on "
		    "the line):\n", f);
		for (i = 0; i < NOPTS; i++)
			if (opts[i].only == 0)
				option_help(f, &opts[i]);
		fputs("\n\"mailauth help COMMAND\" tells more; docs/ is the "
		    "reference.\n", f);
		return;
	}
	cli_usage(f, cmd);
	fprintf(f, "\n%s\n", cmd->help);
	if (cmd->options != 0) {
		fputs("\noptions:\n", f);
		for (i = 0; i < NOPTS; i++)
			if (opts[i].only & cmd->options)
				option_help(f, &opts[i]);
	}
	fputs("\nglobal options:\n", f);
	for (i = 0; i < NOPTS; i++)
		if (opts[i].only == 0)
			option_help(f, &opts[i]);
}

/* 1 when cmd takes the option def names (under that or another entry of
 * the same name: keygen's --out is a folder, plan's a file). */
static int
option_takes(const struct cmd_entry *cmd, const struct opt *def)
{
	size_t	 i;

	for (i = 0; i < NOPTS; i++)
		if (strcmp(opts[i].lng, def->lng) == 0 &&
		    (opts[i].only == 0 || (opts[i].only & cmd->options)))
			return 1;
	return 0;
}

static const struct opt *
find_long(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < NOPTS; i++)
		if (strlen(opts[i].lng) == len &&
		    strncmp(opts[i].lng, name, len) == 0)
			return &opts[i];
	return NULL;
}

static const struct opt *
find_short(char c)
{
	size_t	 i;

	for (i = 0; i < NOPTS; i++)
		if (opts[i].shrt == c)
			return &opts[i];
	return NULL;
}

/* "65536", "64K", "64M", "1G" (KiB, MiB, GiB too): 1K to 16G bytes. */
static int
parse_size(const char *arg, unsigned long long *size)
{
	static const char *const units[] = { "", "K", "M", "G" };
	unsigned long long	 v;
	char			*end;
	size_t			 i;

	if (arg[0] < '0' || arg[0] > '9')
		return -1;
	v = strtoull(arg, &end, 10);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcasecmp(end, units[i]) == 0 ||
		    (i > 0 && strncasecmp(end, units[i], 1) == 0 &&
		    strcasecmp(end + 1, "iB") == 0))
			break;
	if (i == sizeof(units) / sizeof(units[0]) || v > (16ull << 30))
		return -1;
	v <<= 10 * i;
	if (v < 1024 || v > (16ull << 30))
		return -1;
	*size = v;
	return 0;
}

/*
 * The value of --format, against the words of the entry the command takes
 * ("text|json|markdown"); -1 after printing the problem.  rollout status
 * checks its own, with its own message.
 */
static int
format_check(const struct cmd_entry *cmd, const char *value)
{
	const char	*words = NULL, *w, *bar;
	struct buf	 list = BUF_INIT;
	size_t		 i, n;

	for (i = 0; i < NOPTS; i++)
		if (opts[i].id == O_FORMAT && (opts[i].only & cmd->options) &&
		    opts[i].only != OPT_STATUS_FORMAT)
			words = opts[i].arg_name;
	if (words == NULL)
		return 0;
	for (w = words;; w = bar + 1) {
		bar = strchr(w, '|');
		n = bar != NULL ? (size_t)(bar - w) : strlen(w);
		if (strlen(value) == n && strncmp(value, w, n) == 0) {
			buf_release(&list);
			return 0;
		}
		if (list.len > 0)
			buf_adds(&list, bar != NULL ? ", " : " or ");
		buf_add(&list, w, n);
		if (bar == NULL)
			break;
	}
	cli_error("option '--format' takes %s, got '%s'", buf_str(&list),
	    value);
	buf_release(&list);
	return -1;
}

/* Returns -1 with problem filled when arg is not valid for the option. */
static int
set_opt(struct cli_opts *o, const struct opt *def, const char *arg,
    char *problem, size_t len)
{
	struct err	 err;
	char		*end;
	long		 v;

	switch (def->id) {
	case O_CONFIG:
		o->config = arg;
		o->config_given = 1;
		break;
	case O_ENDPOINT_URL:
		o->endpoint_url = arg;
		break;
	case O_PROFILE:
		o->profile = arg;
		break;
	case O_MAX_RPS:
		o->max_rps = strtod(arg, &end);
		if (*end != '\0' || !(o->max_rps >= 0.1 && o->max_rps <= 1000)) {
			snprintf(problem, len, "option '--max-rps' needs a "
			    "number of requests per second from 0.1 to 1000, "
			    "got '%s'", arg);
			return -1;
		}
		break;
	case O_CONNECT_TIMEOUT:
	case O_TIMEOUT:
		v = strtol(arg, &end, 10);
		if (*end != '\0' || v < 1 || v > 3600) {
			snprintf(problem, len, "option '--%s' needs a number "
			    "of seconds from 1 to 3600, got '%s'", def->lng,
			    arg);
			return -1;
		}
		if (def->id == O_TIMEOUT)
			o->timeout = v;
		else
			o->connect_timeout = v;
		break;
	case O_ALLOW_INSECURE:
		o->allow_insecure = 1;
		break;
	case O_NO_COLOR:
		o->no_color = 1;
		break;
	case O_DEBUG:
		o->debug = 1;
		break;
	case O_HELP:
		o->help = 1;
		break;
	case O_VERSION:
		o->version = 1;
		break;
	case O_DETAILED_EXITCODE:
		o->detailed_exitcode = 1;
		break;
	case O_AUTO_APPROVE:
		o->auto_approve = 1;
		break;
	case O_SELECTOR:
		o->selector = arg;
		break;
	case O_TYPE:
		o->key_type = arg;
		break;
	case O_BITS:
		o->bits = strtol(arg, &end, 10);
		if (*end != '\0' || o->bits <= 0 || o->bits > 16384) {
			snprintf(problem, len, "option '--bits' needs a "
			    "number of bits from 1 to 16384, got '%s'", arg);
			return -1;
		}
		break;
	case O_OUT:
		o->out = arg;
		break;
	case O_FORMAT:
		/* Checked once the command is known: format_check(). */
		o->format = arg;
		break;
	case O_ALLOW_WEAKEN:
		o->allow_weaken = 1;
		break;
	case O_NO_WAIT:
		o->no_wait = 1;
		break;
	case O_AT:
		err_clear(&err);
		if (date_parse(arg, &o->at, &err) == -1) {
			snprintf(problem, len, "option '--at' needs a date as "
			    "YYYY-MM-DD: %.400s", err.msg);
			return -1;
		}
		break;
	case O_POLICIES:
		o->policies = arg;
		break;
	case O_SINCE:
	case O_UNTIL:
		err_clear(&err);
		if (date_parse(arg, def->id == O_SINCE ? &o->since :
		    &o->until, &err) == -1) {
			snprintf(problem, len, "option '--%s' needs a date as "
			    "YYYY-MM-DD: %.400s", def->lng, err.msg);
			return -1;
		}
		break;
	case O_DOMAIN:
		o->domain = arg;
		break;
	case O_OFFLINE:
		o->offline = 1;
		break;
	case O_REPORTS:
		*(const char **)xappend(&o->reports, &o->nreports,
		    sizeof(*o->reports)) = arg;
		break;
	case O_MAX_REPORT_SIZE:
		if (parse_size(arg, &o->max_report_size) == -1) {
			snprintf(problem, len, "option '--max-report-size' "
			    "needs a size from 1K to 16G (a number of bytes, "
			    "or with K, M or G after it), got '%s'", arg);
			return -1;
		}
		break;
	case O_WAIT_TIMEOUT:
		o->wait_timeout = strtol(arg, &end, 10);
		if (*end != '\0' || o->wait_timeout < 0 ||
		    o->wait_timeout > 86400) {
			snprintf(problem, len, "option '--wait-timeout' needs "
			    "a number of seconds from 0 to 86400, got '%s'",
			    arg);
			return -1;
		}
		break;
	}
	return 0;
}

/*
 * Splits argv into options and operands.  The first operand is the
 * command.  Command-specific options are checked against the command once
 * it is known, wherever they stood.  Returns -1 after printing the problem.
 */
static int
parse(int argc, char **argv, struct cli_opts *o, const struct cmd_entry **cmd,
    uint64_t *used)
{
	char	**operands = xcalloc((size_t)argc + 1, sizeof(*operands));
	char	  problem[512] = "";
	int	  i, n = 0, only_operands = 0;

	*cmd = NULL;
	*used = 0;
	for (i = 1; i < argc; i++) {
		const char	*a = argv[i], *val = NULL;
		const struct opt *def;

		if (only_operands || a[0] != '-' || a[1] == '\0') {
			operands[n++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_operands = 1;
			continue;
		}
		if (a[1] == '-') {
			const char	*eq = strchr(a + 2, '=');
			size_t		 len = eq ? (size_t)(eq - a - 2) :
					    strlen(a + 2);

			if ((def = find_long(a + 2, len)) == NULL) {
				snprintf(problem, sizeof(problem),
				    "unknown option '%.*s'", (int)len + 2, a);
				goto next;
			}
			if (eq != NULL && !def->has_arg) {
				snprintf(problem, sizeof(problem),
				    "option '--%s' takes no value", def->lng);
				goto next;
			}
			val = eq ? eq + 1 : NULL;
		} else {
			if ((def = find_short(a[1])) == NULL) {
				snprintf(problem, sizeof(problem),
				    "unknown option '-%c'", a[1]);
				goto next;
			}
			if (a[2] != '\0') {
				if (!def->has_arg) {
					snprintf(problem, sizeof(problem),
					    "unknown option '%s'", a);
					goto next;
				}
				val = a + 2;
			}
		}
		if (def->has_arg && val == NULL) {
			if (i + 1 >= argc) {
				snprintf(problem, sizeof(problem),
				    "option '--%s' needs a value (%s)",
				    def->lng, def->arg_name);
				goto next;
			}
			val = argv[++i];
		}
		if (def->has_arg && *val == '\0') {
			snprintf(problem, sizeof(problem),
			    "option '--%s' needs a non-empty value", def->lng);
			goto next;
		}
		*used |= (uint64_t)1 << (def - opts);
		set_opt(o, def, val, problem, sizeof(problem));
next:
		/* After a bad option, only look for the command, so that
		 * the usage line printed is the command's. */
		if (problem[0] != '\0')
			only_operands = 1;
	}
	o->operands = operands;
	o->args = operands;
	if (n > 0)
		*cmd = cli_find_command(operands[0]);
	if (problem[0] != '\0') {
		cli_error("%s", problem);
		goto bad;
	}
	if (n > 0) {
		if (*cmd == NULL) {
			cli_error("unknown command '%s'", operands[0]);
			goto bad;
		}
		o->args = operands + 1;
		o->nargs = n - 1;
	}
	return 0;
bad:
	cli_usage(stderr, *cmd);
	return -1;
}

int
cli_main(int argc, char **argv)
{
	struct cli_opts		  o;
	const struct cmd_entry	 *cmd;
	uint64_t		  used;
	unsigned int		  i;
	int			  rc = EXIT_ERROR;

	memset(&o, 0, sizeof(o));
	o.wait_timeout = -1;
	o.at = -1;
	o.since = o.until = -1;
	o.argv0 = argc > 0 ? argv[0] : NULL;
	if (parse(argc, argv, &o, &cmd, &used) == -1)
		goto out;
	if (cmd == NULL) {
		if (!o.version && !o.help) {
			cli_usage(stderr, NULL);
			goto out;
		}
		cmd = o.version ? &cmd_version_entry : &cmd_help_entry;
		o.help = 0;
	}
	if (o.help) {
		cli_help(stdout, cmd);
		rc = EXIT_OK;
		goto out;
	}
	for (i = 0; i < NOPTS; i++)
		if ((used & ((uint64_t)1 << i)) &&
		    !option_takes(cmd, &opts[i])) {
			cli_error("option '--%s' is not taken by '%s'",
			    opts[i].lng, cmd->name);
			cli_usage(stderr, cmd);
			goto out;
		}
	if (o.format != NULL && format_check(cmd, o.format) == -1) {
		cli_usage(stderr, cmd);
		goto out;
	}
	if (o.nargs > cmd->max_args) {
		cli_error("unexpected argument '%s'", o.args[cmd->max_args]);
		cli_usage(stderr, cmd);
		goto out;
	}
	if (o.config == NULL)
		o.config = DEFAULT_CONFIG;
	rc = cmd->exec(&o);
out:
	free(o.operands);
	free(o.reports);
	return rc;
}
