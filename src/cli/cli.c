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
 *
 * Terraform's habit is kept: a long option may be written with one dash
 * ("-auto-approve", "-out=plan.json") when what follows the dash is the
 * whole name of an option; "-cFILE" stays the short option with its value
 * for any other FILE.  An unknown command or option is refused with the
 * closest known name ("did you mean") on the same line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/date.h"
#include "mailauth/err.h"
#include "mailauth/suggest.h"
#include "cli.h"

const struct cmd_entry *const cmd_table[] = {
	&cmd_plan_entry,
	&cmd_apply_entry,
	&cmd_verify_entry,
	&cmd_validate_entry,
	&cmd_rollout_entry,
	&cmd_lint_entry,
	&cmd_dkim_entry,
	&cmd_whoami_entry,
	&cmd_iam_entry,
	&cmd_ses_entry,
	&cmd_mta_sts_entry,
	&cmd_report_entry,
	&cmd_help_entry,
	&cmd_version_entry,
	NULL
};

#define G(field, ctype)	CLI_FIELD(struct cli_global, field, ctype)

/* The options every command takes; each command's own are in its file. */
const struct cli_option cli_global_options[] = {
	{ "config", 'c', CLI_STRING, G(config, const char *), "FILE", NULL,
	  0, 0, "the configuration file (default: ./" DEFAULT_CONFIG ")" },
	CLI_OPT_STRING("endpoint-url", struct cli_global, endpoint_url, "URL",
	    "send the command's AWS requests (Route 53, SES, S3, STS "
	    "GetCallerIdentity) to URL (default: AWS_ENDPOINT_URL_<SERVICE>, "
	    "AWS_ENDPOINT_URL, then AWS's own)"),
	CLI_OPT_STRING("profile", struct cli_global, profile, "NAME",
	    "the AWS profile of ~/.aws/config and ~/.aws/credentials to use "
	    "(wins over environment keys; default: AWS_PROFILE, then "
	    "\"default\")"),
	{ "max-rps", 0, CLI_REAL, G(max_rps, double), "N",
	  "requests per second", 0.1, 1000,
	  "at most N Route 53 requests per second (default 5, burst 5)" },
	CLI_OPT_NUMBER("connect-timeout", struct cli_global, connect_timeout,
	    "SECONDS", 1, 3600, "seconds",
	    "give up connecting after this long (default 10)"),
	CLI_OPT_NUMBER("timeout", struct cli_global, timeout, "SECONDS", 1,
	    3600, "seconds",
	    "give up on one request after this long (default 60)"),
	CLI_OPT_FLAG("allow-insecure-endpoint", struct cli_global,
	    allow_insecure, "accept a plain http:// endpoint that is not on a "
	    "loopback address"),
	CLI_OPT_WORD("color", struct cli_global, color, "auto|always|never",
	    "color the output: auto (the default) colors a terminal unless "
	    "NO_COLOR is set to a non-empty value or TERM is dumb; always "
	    "and never win over both"),
	CLI_OPT_FLAG("no-color", struct cli_global, no_color,
	    "the same as --color=never"),
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
		    "[--color WHEN] [--debug] COMMAND [ARGS]\n"
		    "       mailauth help [COMMAND]\n");
	else
		fprintf(f, "usage: mailauth %s%s%s\n", cmd->name,
		    *cmd->usage ? " " : "", cmd->usage);
}

#define HELP_WIDTH	79	/* columns of a help line */
#define HELP_LEFT_MAX	26	/* widest option column before the text
				 * goes to a line of its own */

/* "-c, --config FILE": an option as help shows it. */
static void
option_left(const struct cli_option *o, struct buf *b)
{
	if (o->shrt)
		buf_addf(b, "-%c, ", o->shrt);
	buf_addf(b, "--%s", o->name);
	if (o->kind != CLI_FLAG)
		buf_addf(b, " %s", o->arg);
}

/* Prints text from column col (the cursor stands there) to HELP_WIDTH,
 * wrapped at spaces, each further line indented to col. */
static void
wrap(FILE *f, const char *text, size_t col)
{
	size_t	 room = HELP_WIDTH > col + 20 ? HELP_WIDTH - col : 20, n;

	while (strlen(text) > room) {
		for (n = room; n > 0 && text[n] != ' '; n--)
			;
		if (n == 0)
			n = strcspn(text, " ");
		fprintf(f, "%.*s\n%*s", (int)n, text, (int)col, "");
		text += n;
		while (*text == ' ')
			text++;
	}
	fprintf(f, "%s\n", text);
}

/* The options of t, their texts in one column after the widest name. */
static void
options_help(FILE *f, const struct cli_option *t)
{
	const struct cli_option	*o;
	struct buf		 b = BUF_INIT;
	size_t			 width = 0;

	for (o = t; o->name != NULL; o++) {
		buf_reset(&b);
		option_left(o, &b);
		if (b.len > width)
			width = b.len;
	}
	if (width > HELP_LEFT_MAX)
		width = HELP_LEFT_MAX;
	for (o = t; o->name != NULL; o++) {
		buf_reset(&b);
		option_left(o, &b);
		if (b.len > width)
			fprintf(f, "  %s\n%*s", buf_str(&b), (int)width + 4, "");
		else
			fprintf(f, "  %-*s  ", (int)width, buf_str(&b));
		wrap(f, o->help, width + 4);
	}
	buf_release(&b);
}

void
cli_help(FILE *f, const struct cmd_entry *cmd)
{
	size_t	 i, width = 0;

	if (cmd == NULL) {
		fputs("mailauth keeps the SPF, DKIM and DMARC records of mail "
		    "domains on Amazon\nRoute 53 in step with mailauth.yaml.\n\n",
		    f);
		cli_usage(f, NULL);
		fputs("\ncommands:\n", f);
		for (i = 0; cmd_table[i] != NULL; i++)
			if (strlen(cmd_table[i]->name) > width)
				width = strlen(cmd_table[i]->name);
		for (i = 0; cmd_table[i] != NULL; i++) {
			fprintf(f, "  %-*s  ", (int)width, cmd_table[i]->name);
			wrap(f, cmd_table[i]->summary, width + 4);
		}
		fputs("\nglobal options (taken by every command, anywhere on "
		    "the line):\n", f);
		options_help(f, cli_global_options);
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
	/* As git and Terraform do: the global options once, in "help". */
	fputs("\nThe global options (-c FILE, --profile NAME, --endpoint-url "
	    "URL, --color,\n--debug, ...) are taken too: \"mailauth help\" "
	    "lists them.\n", f);
}

const struct cmd_entry *
cli_command_in(const struct cmd_entry *const *table, const char *name)
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
	return cli_command_in(cmd_table, name);
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

	if ((def = find_in(cli_global_options, name, len, c)) != NULL)
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
	return find_in(cli_global_options, def->name, strlen(def->name),
	    0) == def;
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
 * with problem filled when it is none of them.
 */
static int
check_word(const struct cli_option *def, const char *value, char *problem,
    size_t len)
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
	snprintf(problem, len, "option '--%s' takes %s, got '%.200s'",
	    def->name, buf_str(&list), value);
	buf_release(&list);
	return -1;
}

/* The command of table named name, else the closest name (NULL: none). */
static const char *
near_command(const struct cmd_entry *const *table, const char *name)
{
	const char	**names = NULL, *near;
	size_t		  n = 0, i;

	for (i = 0; table[i] != NULL; i++)
		*(const char **)xappend(&names, &n, sizeof(*names)) =
		    table[i]->name;
	near = suggest_closest(name, names, n);
	free(names);
	return near;
}

static void
unknown_command(const struct cmd_entry *const *table, const char *name)
{
	const char	*near = near_command(table, name);

	if (near != NULL)
		cli_error("unknown command '%s'; did you mean '%s'?", name,
		    near);
	else
		cli_error("unknown command '%s'", name);
}

void
cli_unknown_command(const char *name)
{
	unknown_command(cmd_table, name);
}

/*
 * The long option closest to name (len bytes, without dashes) among the
 * global ones and cmd's, or every command's when cmd is NULL; NULL when
 * none is close.
 */
static const char *
near_option(const struct cmd_entry *const *table,
    const struct cmd_entry *cmd, const char *name, size_t len)
{
	const struct cli_option	*t;
	const char		**names = NULL, *near;
	char			 word[SUGGEST_MAX + 1];
	size_t			 n = 0, i;

	if (len > SUGGEST_MAX)
		return NULL;
	memcpy(word, name, len);
	word[len] = '\0';
	for (t = cli_global_options; t->name != NULL; t++)
		*(const char **)xappend(&names, &n, sizeof(*names)) = t->name;
	for (i = 0; table[i] != NULL; i++)
		for (t = cmd == NULL || table[i] == cmd ? table[i]->options :
		    NULL; t != NULL && t->name != NULL; t++)
			*(const char **)xappend(&names, &n, sizeof(*names)) =
			    t->name;
	near = suggest_closest(word, names, n);
	free(names);
	return near;
}

void
cli_word_read(const struct cmd_entry *const *table,
    const struct cmd_entry *cmd, const char *a, struct cli_word *w)
{
	const char	*name = a + 1 + (a[1] == '-');
	const char	*eq = strchr(name, '=');
	size_t		 len = eq != NULL ? (size_t)(eq - name) : strlen(name);

	memset(w, 0, sizeof(*w));
	w->len = (size_t)(name - a) + len;
	if (a[1] == '-' || len >= 2)
		w->def = find_option(table, cmd, name, len, 0);
	if (w->def != NULL) {
		w->val = eq != NULL ? eq + 1 : NULL;
		w->bad = eq != NULL && w->def->kind == CLI_FLAG;
		return;
	}
	if (a[1] == '-')
		return;
	/* A one-letter name, its value after it. */
	if ((w->def = find_option(table, cmd, NULL, 0, a[1])) == NULL ||
	    a[2] == '\0')
		return;
	if (w->def->kind == CLI_FLAG)
		w->def = NULL;	/* "-hx": no such option */
	else
		w->val = a + 2;
	w->len = strlen(a);
}

/*
 * What to add to "unknown option" when the word may be an operand that
 * starts with a single '-' (a record such as "-all" for lint) and cmd
 * takes operands: the line that gives it, the nops operands before the
 * word, then "--" and the word.
 */
static const char *
operand_hint(const struct cli_line *l, size_t nops,
    const struct cmd_entry *cmd, const char *word)
{
	static char	 hint[400];
	struct buf	 b = BUF_INIT;
	size_t		 i;

	if (cmd == NULL || cmd->max_args == 0 || word[1] == '-')
		return "";
	for (i = 0; i < nops && b.len < 150; i++)
		buf_addf(&b, " %.60s", l->operands[i]);
	snprintf(hint, sizeof(hint), "if '%.100s' is an argument, put '--' "
	    "before it: mailauth%s -- '%.100s'", word, buf_str(&b), word);
	buf_release(&b);
	return hint;
}

/*
 * Splits argv into options and operands; the first operand is the
 * command.  Each value is read where it stands; the global options are
 * stored at once, the command's kept in l->given till the command is
 * known.  -1 after printing the problem: after the first one, the rest of
 * the line is only looked at for the command, so that the usage line
 * printed is the command's (and an unknown option's "did you mean" looks
 * among its options).
 */
static int
split(struct cli_line *l, const struct cmd_entry *const *table, int argc,
    char **argv)
{
	char		  problem[512] = "";
	const char	 *unknown = NULL, *near, *hint;
	size_t		  unknown_len = 0, unknown_ops = 0;
	int		  i, only_operands = 0;

	l->operands = xcalloc((size_t)argc + 1, sizeof(*l->operands));
	l->given = xcalloc((size_t)argc + 1, sizeof(*l->given));
	for (i = 1; i < argc; i++) {
		const char		*a = argv[i], *val;
		const struct cli_option	*def;
		const struct cmd_entry	*cmd = NULL;
		struct cli_word		 w;
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
			cmd = cli_command_in(table, l->operands[0]);
		cli_word_read(table, cmd, a, &w);
		if ((def = w.def) == NULL) {
			unknown = a;
			unknown_len = w.len;
			unknown_ops = (size_t)l->noperands;
			only_operands = 1;
			continue;
		}
		if (w.bad) {
			snprintf(problem, sizeof(problem),
			    "option '--%s' takes no value", def->name);
			goto next;
		}
		val = w.val;
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
		if (!is_global(def)) {
			l->given[l->ngiven].def = def;
			l->given[l->ngiven++].v = v;
			goto next;
		}
		if (def->kind == CLI_WORD && check_word(def, v.s, problem,
		    sizeof(problem)) == -1)
			goto next;
		store(def, &l->g, &v);
		/* --no-color is --color=never: the last one given wins. */
		if (def->offset == G(no_color, int))
			l->g.color = "never";
next:
		if (problem[0] != '\0')
			only_operands = 1;
	}
	if (l->noperands > 0)
		l->cmd = cli_command_in(table, l->operands[0]);
	if (unknown != NULL) {
		near = near_option(table, l->cmd, unknown + 1 +
		    (unknown[1] == '-'), unknown_len - 1 - (unknown[1] == '-'));
		/* An option's name misspelt wins over an argument. */
		hint = operand_hint(l, unknown_ops, l->cmd, unknown);
		if (near != NULL)
			cli_error("unknown option '%.*s'; did you mean '--%s'?",
			    (int)unknown_len, unknown, near);
		else if (*hint != '\0')
			cli_error("unknown option '%.*s'; %s", (int)unknown_len,
			    unknown, hint);
		else
			cli_error("unknown option '%.*s'", (int)unknown_len,
			    unknown);
		return -1;
	}
	if (problem[0] != '\0') {
		cli_error("%s", problem);
		return -1;
	}
	if (l->noperands > 0 && l->cmd == NULL) {
		unknown_command(table, l->operands[0]);
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
	char			 problem[512];
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
		    def->offset), problem, sizeof(problem)) == -1) {
			cli_error("%s", problem);
			return -1;
		}
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
		l->cmd = cli_command_in(table, l->g.version ? "version" :
		    "help");
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

	if (argc >= 2 && strcmp(argv[1], "__complete") == 0)
		return cli_complete(cmd_table, argc - 2, argv + 2, stdout);
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
