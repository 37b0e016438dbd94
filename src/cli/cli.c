/*
 * cli.c - the command table, the global options, the one parser of every
 * command's line, and command dispatch.
 *
 * Options may stand anywhere on the line, before or after the command and
 * its operands ("mailauth --no-color plan -c x.yaml" and "mailauth plan
 * -c x.yaml --no-color" are the same); "--" ends them.  Each command
 * declares its own options in its cmd-*.c (cli.h says how); a value is
 * read where it stands, whatever the command, and an option the command
 * does not take is refused once the command is known.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/date.h"
#include "mailauth/date.h"
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

#define G(field, ctype)	CLI_FIELD(struct cli_global, field, ctype)

/* The options every command takes; each command's own are in its file. */
static const struct cli_option global_options[] = {
	{ "config", 'c', CLI_STRING, G(config, const char *), "FILE", NULL,
	  0, 0, "the configuration file (default: ./" DEFAULT_CONFIG ")" },
	CLI_OPT_STRING("endpoint-url", struct cli_global, endpoint_url, "URL",
	    "the Route 53 endpoint (default: AWS_ENDPOINT_URL_ROUTE_53, "
	    "AWS_ENDPOINT_URL, then " R53_DEFAULT_ENDPOINT ")"),
	CLI_OPT_STRING("profile", struct cli_global, profile, "NAME",
	    "the AWS profile of ~/.aws/config and ~/.aws/credentials to use "
	    "(wins over environment keys; default: AWS_PROFILE, then "
	    "\"default\")"),
	{ "max-rps", 0, CLI_REAL, G(max_rps, double), "N",
	  "requests per second", 0.1, 1000,
	  "at most N Route 53 requests per second (default 10, burst 50)" },
	CLI_OPT_NUMBER("connect-timeout", struct cli_global, connect_timeout,
	    "SECONDS", 1, 3600, "seconds",
	    "give up connecting after this long (default 10)"),
	CLI_OPT_NUMBER("timeout", struct cli_global, timeout, "SECONDS", 1,
	    3600, "seconds",
	    "give up on one request after this long (default 60)"),
	CLI_OPT_FLAG("allow-insecure-endpoint", struct cli_global,
	    allow_insecure, "accept a plain http:// endpoint that is not on a "
	    "loopback address"),
	CLI_OPT_FLAG("no-color", struct cli_global, no_color,
	    "never color the output (NO_COLOR=1 does the same)"),
	CLI_OPT_FLAG("debug", struct cli_global, debug,
	    "log each HTTP exchange to stderr, with credentials redacted"),
	{ "help", 'h', CLI_FLAG, G(help, int), NULL, NULL, 0, 0,
	  "show help for the command" },
	CLI_OPT_FLAG("version", struct cli_global, version,
	    "print the version"),
	CLI_OPT_STRING("policies", struct cli_global, policies, "DIR",
	    "a folder of your own DMARC rollout templates (NAME.yaml), beside "
	    "the built-in ones"),
	CLI_OPT_END
};

void
cli_error(const char *fmt, ...)
{
	struct buf	 raw = BUF_INIT, line = BUF_INIT;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vaddf(&raw, fmt, ap);
	va_end(ap);
	/* Whatever a caller quoted, no control character reaches stderr. */
	buf_adds(&line, "mailauth: ");
	buf_add_printable_msg(&line, buf_str(&raw), raw.len, 0);
	fprintf(stderr, "%s\n", buf_str(&line));
	buf_release(&raw);
	buf_release(&line);
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
option_help(FILE *f, const struct cli_option *o)
{
	struct buf	 b = BUF_INIT;

	if (o->shrt)
		buf_addf(&b, "-%c, ", o->shrt);
	buf_addf(&b, "--%s", o->name);
	if (o->kind != CLI_FLAG)
		buf_addf(&b, " %s", o->arg);
	fprintf(f, "  %-24s %s\n", buf_str(&b), o->help);
	buf_release(&b);
}

static void
options_help(FILE *f, const struct cli_option *t)
{
	for (; t->name != NULL; t++)
		option_help(f, t);
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
		options_help(f, global_options);
		fputs("\n\"mailauth help COMMAND\" tells more; docs/ is the "
		    "reference.\n", f);
		return;
	}
	cli_usage(f, cmd);
	fprintf(f, "\n%s\n", cmd->help);
	if (cmd->options != NULL) {
		fputs("\noptions:\n", f);
		options_help(f, cmd->options);
	}
	fputs("\nglobal options:\n", f);
	options_help(f, global_options);
}

static const struct cmd_entry *
find_command(const struct cmd_entry *const *table, const char *name)
{
	size_t	 i;

	for (i = 0; table[i] != NULL; i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}

const struct cmd_entry *
cli_find_command(const char *name)
{
	return find_command(cmd_table, name);
}

/* The entry of t named name (len bytes), or with c not 0, the entry
 * whose one-letter name is c. */
static const struct cli_option *
find_in(const struct cli_option *t, const char *name, size_t len, char c)
{
	for (; t != NULL && t->name != NULL; t++)
		if (c != 0 ? t->shrt == c : strlen(t->name) == len &&
		    strncmp(t->name, name, len) == 0)
			return t;
	return NULL;
}

/*
 * The entry of an option: the global one, else cmd's (the command, when
 * it stood before the option), else the first command's of the table that
 * has one.  Entries of the same name take the same kind of value (a unit
 * test checks it), so any of them reads the value.
 */
static const struct cli_option *
find_option(const struct cmd_entry *const *table,
    const struct cmd_entry *cmd, const char *name, size_t len, char c)
{
	const struct cli_option	*def;
	size_t			 i;

	if ((def = find_in(global_options, name, len, c)) != NULL)
		return def;
	if (cmd != NULL && (def = find_in(cmd->options, name, len, c)) != NULL)
		return def;
	for (i = 0; table[i] != NULL; i++)
		if ((def = find_in(table[i]->options, name, len, c)) != NULL)
			return def;
	return NULL;
}

static int
is_global(const struct cli_option *def)
{
	return find_in(global_options, def->name, strlen(def->name), 0) == def;
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

/* An option's value, read; what store() puts in its field. */
union value {
	long			 l;	/* CLI_FLAG, CLI_NUMBER, CLI_DATE */
	double			 d;	/* CLI_REAL */
	unsigned long long	 u;	/* CLI_SIZE */
	const char		*s;	/* CLI_STRING, CLI_WORD, CLI_STRINGS */
};

/* A command option as the line gives it, kept till the command is known. */
struct cli_given {
	const struct cli_option	*def;	/* an entry of its name */
	union value		 v;
};

/* Reads arg, the value of the option def names; -1 with problem filled
 * when it is not one the option takes. */
static int
read_value(const struct cli_option *def, const char *arg, union value *v,
    char *problem, size_t len)
{
	struct err	 err;
	char		*end;

	switch (def->kind) {
	case CLI_FLAG:
		v->l = 1;
		break;
	case CLI_STRING:
	case CLI_WORD:
	case CLI_STRINGS:
		v->s = arg;
		break;
	case CLI_NUMBER:
		v->l = strtol(arg, &end, 10);
		if (*end != '\0' || v->l < def->min || v->l > def->max) {
			snprintf(problem, len, "option '--%s' needs a number "
			    "of %s from %.0f to %.0f, got '%s'", def->name,
			    def->unit, def->min, def->max, arg);
			return -1;
		}
		break;
	case CLI_REAL:
		v->d = strtod(arg, &end);
		if (*end != '\0' || !(v->d >= def->min && v->d <= def->max)) {
			snprintf(problem, len, "option '--%s' needs a number "
			    "of %s from %g to %g, got '%s'", def->name,
			    def->unit, def->min, def->max, arg);
			return -1;
		}
		break;
	case CLI_DATE:
		err_clear(&err);
		if (date_parse(arg, &v->l, &err) == -1) {
			snprintf(problem, len, "option '--%s' needs a date as "
			    "YYYY-MM-DD: %.400s", def->name, err.msg);
			return -1;
		}
		break;
	case CLI_SIZE:
		if (parse_size(arg, &v->u) == -1) {
			snprintf(problem, len, "option '--%s' needs a size from "
			    "1K to 16G (a number of bytes, or with K, M or G "
			    "after it), got '%s'", def->name, arg);
			return -1;
		}
		break;
	}
	return 0;
}

/* Puts v in the field of def in the options struct at base. */
static void
store(const struct cli_option *def, void *base, const union value *v)
{
	void			*field = (char *)base + def->offset;
	struct cli_strings	*list;

	switch (def->kind) {
	case CLI_FLAG:
		*(int *)field = 1;
		break;
	case CLI_STRING:
	case CLI_WORD:
		*(const char **)field = v->s;
		break;
	case CLI_STRINGS:
		list = field;
		*(const char **)xappend(&list->v, &list->n,
		    sizeof(*list->v)) = v->s;
		break;
	case CLI_NUMBER:
	case CLI_DATE:
		*(long *)field = v->l;
		break;
	case CLI_REAL:
		*(double *)field = v->d;
		break;
	case CLI_SIZE:
		*(unsigned long long *)field = v->u;
		break;
	}
}

/*
 * The value of a CLI_WORD option, against its words ("text|json"); -1
 * after printing the problem.
 */
static int
check_word(const struct cli_option *def, const char *value)
{
	const char	*w, *bar;
	struct buf	 list = BUF_INIT;
	size_t		 n;

	for (w = def->arg;; w = bar + 1) {
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
	cli_error("option '--%s' takes %s, got '%s'", def->name,
	    buf_str(&list), value);
	buf_release(&list);
	return -1;
}

/*
 * Splits argv into options and operands; the first operand is the
 * command.  Each value is read where it stands; the global options are
 * stored at once, the command's kept in l->given till the command is
 * known.  -1 after printing the problem: after the first one, the rest of
 * the line is only looked at for the command, so that the usage line
 * printed is the command's.
 */
static int
split(struct cli_line *l, const struct cmd_entry *const *table, int argc,
    char **argv)
{
	char	  problem[512] = "";
	int	  i, only_operands = 0;

	l->operands = xcalloc((size_t)argc + 1, sizeof(*l->operands));
	l->given = xcalloc((size_t)argc + 1, sizeof(*l->given));
	for (i = 1; i < argc; i++) {
		const char		*a = argv[i], *val = NULL;
		const struct cli_option	*def;
		const struct cmd_entry	*cmd = NULL;
		union value		 v;

		if (only_operands || a[0] != '-' || a[1] == '\0') {
			l->operands[l->noperands++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_operands = 1;
			continue;
		}
		if (l->noperands > 0)
			cmd = find_command(table, l->operands[0]);
		if (a[1] == '-') {
			const char	*eq = strchr(a + 2, '=');
			size_t		 len = eq ? (size_t)(eq - a - 2) :
					    strlen(a + 2);

			def = find_option(table, cmd, a + 2, len, 0);
			if (def == NULL) {
				snprintf(problem, sizeof(problem),
				    "unknown option '%.*s'", (int)len + 2, a);
				goto next;
			}
			if (eq != NULL && def->kind == CLI_FLAG) {
				snprintf(problem, sizeof(problem),
				    "option '--%s' takes no value", def->name);
				goto next;
			}
			val = eq ? eq + 1 : NULL;
		} else {
			def = find_option(table, cmd, NULL, 0, a[1]);
			if (def == NULL) {
				snprintf(problem, sizeof(problem),
				    "unknown option '-%c'", a[1]);
				goto next;
			}
			if (a[2] != '\0') {
				if (def->kind == CLI_FLAG) {
					snprintf(problem, sizeof(problem),
					    "unknown option '%s'", a);
					goto next;
				}
				val = a + 2;
			}
		}
		if (def->kind != CLI_FLAG && val == NULL) {
			if (i + 1 >= argc) {
				snprintf(problem, sizeof(problem),
				    "option '--%s' needs a value (%s)",
				    def->name, def->arg);
				goto next;
			}
			val = argv[++i];
		}
		if (def->kind != CLI_FLAG && *val == '\0') {
			snprintf(problem, sizeof(problem),
			    "option '--%s' needs a non-empty value", def->name);
			goto next;
		}
		if (read_value(def, val, &v, problem, sizeof(problem)) == -1)
			goto next;
		if (is_global(def))
			store(def, &l->g, &v);
		else {
			l->given[l->ngiven].def = def;
			l->given[l->ngiven++].v = v;
		}
next:
		if (problem[0] != '\0')
			only_operands = 1;
	}
	if (l->noperands > 0)
		l->cmd = find_command(table, l->operands[0]);
	if (problem[0] != '\0') {
		cli_error("%s", problem);
		return -1;
	}
	if (l->noperands > 0 && l->cmd == NULL) {
		cli_error("unknown command '%s'", l->operands[0]);
		return -1;
	}
	return 0;
}

/*
 * The command's options into l->opts, from its defaults and l->given,
 * every CLI_WORD value checked; -1 after printing the first problem.
 */
static int
take_options(struct cli_line *l)
{
	const struct cmd_entry	*cmd = l->cmd;
	const struct cli_option	*def;
	size_t			 i;

	if (cmd->size > 0) {
		l->opts = xmalloc(cmd->size);
		memcpy(l->opts, cmd->defaults, cmd->size);
	}
	for (i = 0; i < l->ngiven; i++) {
		def = find_in(cmd->options, l->given[i].def->name,
		    strlen(l->given[i].def->name), 0);
		if (def == NULL) {
			cli_error("option '--%s' is not taken by '%s'",
			    l->given[i].def->name, cmd->name);
			return -1;
		}
		store(def, l->opts, &l->given[i].v);
	}
	/* A CLI_WORD option is checked once, on the value that stays. */
	for (def = cmd->options; def != NULL && def->name != NULL; def++)
		if (def->kind == CLI_WORD &&
		    *(const char **)((char *)l->opts + def->offset) != NULL &&
		    check_word(def, *(const char **)((char *)l->opts +
		    def->offset)) == -1)
			return -1;
	return 0;
}

int
cli_line_read(struct cli_line *l, const struct cmd_entry *const *table,
    int argc, char **argv)
{
	memset(l, 0, sizeof(*l));
	l->g.argv0 = argc > 0 ? argv[0] : NULL;
	if (split(l, table, argc, argv) == -1)
		goto bad;
	l->args = l->operands + (l->noperands > 0);
	l->nargs = l->noperands > 0 ? l->noperands - 1 : 0;
	if (l->cmd == NULL) {
		if (!l->g.version && !l->g.help) {
			cli_usage(stderr, NULL);
			return -1;
		}
		l->cmd = find_command(table, l->g.version ? "version" : "help");
		l->g.help = 0;
	}
	if (l->g.help)
		return 0;
	if (take_options(l) == -1)
		goto bad;
	if (l->nargs > l->cmd->max_args) {
		cli_error("unexpected argument '%s'",
		    l->args[l->cmd->max_args]);
		goto bad;
	}
	l->g.config_given = l->g.config != NULL;
	if (l->g.config == NULL)
		l->g.config = DEFAULT_CONFIG;
	return 0;
bad:
	cli_usage(stderr, l->cmd);
	return -1;
}

void
cli_line_release(struct cli_line *l)
{
	const struct cli_option	*def;

	for (def = l->cmd != NULL && l->opts != NULL ? l->cmd->options : NULL;
	    def != NULL && def->name != NULL; def++)
		if (def->kind == CLI_STRINGS)
			free(((struct cli_strings *)((char *)l->opts +
			    def->offset))->v);
	free(l->opts);
	free(l->operands);
	free(l->given);
	memset(l, 0, sizeof(*l));
}

int
cli_main(int argc, char **argv)
{
	struct cli_line	 l;
	int		 rc = EXIT_ERROR;

	if (cli_line_read(&l, cmd_table, argc, argv) == -1)
		goto out;
	if (l.g.help) {
		cli_help(stdout, l.cmd);
		rc = EXIT_OK;
		goto out;
	}
	rc = l.cmd->exec(&l.g, l.opts, l.nargs, l.args);
out:
	cli_line_release(&l);
	return rc;
}
