/*
 * check_cli.c - the command line (src/cli/cli.c): the one parser against a
 * test command with an option of every kind (values stored in their
 * fields, defaults kept, every message and the usage line that follows
 * it), and the real commands: messages naming their own options, and
 * their option tables (names, kinds, fields).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/cli/cli.h"

/* --- a test command with every kind of option --- */

struct t_opts {
	int			 flag;
	const char		*str;
	const char		*word;
	struct cli_strings	 list;
	long			 num;
	double			 real;
	long			 day;
	unsigned long long	 size;
};

static const struct cli_option t_options[] = {
	CLI_OPT_FLAG("flag", struct t_opts, flag, "a flag"),
	CLI_OPT_STRING("str", struct t_opts, str, "S", "a string"),
	CLI_OPT_WORD("word", struct t_opts, word, "a|b|c", "a word"),
	{ "list", 0, CLI_STRINGS, CLI_FIELD(struct t_opts, list,
	  struct cli_strings), "L", NULL, 0, 0, "a list" },
	CLI_OPT_NUMBER("num", struct t_opts, num, "N", 0, 10, "things",
	    "a number"),
	{ "real", 0, CLI_REAL, CLI_FIELD(struct t_opts, real, double), "R",
	  "units", 0.5, 2, "a real number" },
	CLI_OPT_DATE("day", struct t_opts, day, "a day"),
	CLI_OPT_MAX_REPORT_SIZE(struct t_opts, size),
	CLI_OPT_END
};

static const struct t_opts t_defaults = { .num = -1, .day = -1 };

/* Another command with an option of the same name, another value name. */
struct u_opts {
	const char	*str;
};

static const struct cli_option u_options[] = {
	CLI_OPT_STRING("str", struct u_opts, str, "U", "another string"),
	CLI_OPT_END
};

static const struct u_opts u_defaults;

static int
t_exec(const struct cli_global *g, const void *opts, int nargs, char **args)
{
	(void)g;
	(void)opts;
	(void)args;
	return nargs;
}

static const struct cmd_entry t_entry = {
	"t", "T-USAGE", "t", "t", CLI_OPTIONS(t_options, t_defaults), 0, t_exec
};
static const struct cmd_entry u_entry = {
	"u", "U-USAGE", "u", "u", CLI_OPTIONS(u_options, u_defaults), 1, t_exec
};

static const struct cmd_entry *const table[] = {
	&t_entry, &u_entry, &cmd_help_entry, &cmd_version_entry, NULL
};

#define GENERIC_USAGE	"usage: mailauth [-c FILE] [--endpoint-url URL] " \
			"[--no-color] [--debug] COMMAND [ARGS]\n" \
			"       mailauth help [COMMAND]\n"

/* Reads the line of the n words of argv (after "mailauth") into l with
 * tbl; returns what was printed to stderr (malloc'd). */
static char *
read_line(struct cli_line *l, const struct cmd_entry *const *tbl,
    const char *const *argv, size_t n, int *rc)
{
	char	*args[32], *out;
	FILE	*tmp;
	long	 len;
	int	 saved;
	size_t	 i;

	ck_assert_uint_lt(n, 31);
	args[0] = (char *)"mailauth";
	for (i = 0; i < n; i++)
		args[i + 1] = (char *)argv[i];
	args[n + 1] = NULL;
	fflush(stderr);
	ck_assert_ptr_nonnull(tmp = tmpfile());
	saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	*rc = cli_line_read(l, tbl, (int)n + 1, args);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	len = ftell(tmp);
	ck_assert_int_ge(len, 0);
	out = calloc(1, (size_t)len + 1);
	rewind(tmp);
	ck_assert_uint_eq(fread(out, 1, (size_t)len, tmp), (size_t)len);
	fclose(tmp);
	return out;
}

#define ARGS(...)	(const char *const []){ __VA_ARGS__ },	\
			sizeof((const char *const []){ __VA_ARGS__ }) /	\
			sizeof(char *)

#define PLAN_USAGE	"usage: mailauth plan [-c FILE] [--at YYYY-MM-DD] " \
			"[--detailed-exitcode] [--format text|json|markdown] " \
			"[--out FILE] [--reports SOURCE]...\n"

#define T	table
#define R	cmd_table	/* the real commands */

/* Lines the parser refuses, with all they print. */
static const struct {
	const struct cmd_entry *const	*tbl;
	const char *const		*argv;
	size_t				 n;
	const char			*err;
} bad[] = {
	{ T, ARGS("t", "--bogus"), "mailauth: unknown option '--bogus'\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("--bogus=1", "u"), "mailauth: unknown option '--bogus'\n"
	  "usage: mailauth u U-USAGE\n" },
	{ T, ARGS("t", "-x"), "mailauth: unknown option '-x'\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("t", "-hx"), "mailauth: unknown option '-hx'\n"
	  "usage: mailauth t T-USAGE\n" },
	/* The value's name is the command's own. */
	{ T, ARGS("t", "--str"), "mailauth: option '--str' needs a value (S)\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("u", "--str"), "mailauth: option '--str' needs a value (U)\n"
	  "usage: mailauth u U-USAGE\n" },
	{ T, ARGS("--str"), "mailauth: option '--str' needs a value (S)\n"
	  GENERIC_USAGE },
	{ T, ARGS("t", "--flag=1"), "mailauth: option '--flag' takes no value\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("t", "--str="), "mailauth: option '--str' needs a "
	  "non-empty value\nusage: mailauth t T-USAGE\n" },
	{ T, ARGS("t", "--num", "11"), "mailauth: option '--num' needs a "
	  "number of things from 0 to 10, got '11'\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("t", "--num", "1x"), "mailauth: option '--num' needs a "
	  "number of things from 0 to 10, got '1x'\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("t", "--real=2.5"), "mailauth: option '--real' needs a "
	  "number of units from 0.5 to 2, got '2.5'\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("t", "--max-report-size", "1023"), "mailauth: option "
	  "'--max-report-size' needs a size from 1K to 16G (a number of "
	  "bytes, or with K, M or G after it), got '1023'\n"
	  "usage: mailauth t T-USAGE\n" },
	/* A value is checked where it stands, even for a command that does
	 * not take the option; the rest of the line is then operands, the
	 * first one the command whose usage is shown. */
	{ T, ARGS("u", "--num", "11"), "mailauth: option '--num' needs a "
	  "number of things from 0 to 10, got '11'\n"
	  "usage: mailauth u U-USAGE\n" },
	{ T, ARGS("--num", "x", "--flag", "t"), "mailauth: option '--num' "
	  "needs a number of things from 0 to 10, got 'x'\n" GENERIC_USAGE },
	{ T, ARGS("--num", "x", "t", "--bogus"), "mailauth: option '--num' "
	  "needs a number of things from 0 to 10, got 'x'\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("u", "--flag"), "mailauth: option '--flag' is not taken by "
	  "'u'\nusage: mailauth u U-USAGE\n" },
	{ T, ARGS("--list", "x", "u", "--flag"), "mailauth: option '--list' is "
	  "not taken by 'u'\nusage: mailauth u U-USAGE\n" },
	{ T, ARGS("--version", "--flag"), "mailauth: option '--flag' is not "
	  "taken by 'version'\nusage: mailauth version\n" },
	/* A word is checked once, on the last value. */
	{ T, ARGS("t", "--word", "a", "--word", "d"), "mailauth: option "
	  "'--word' takes a, b or c, got 'd'\nusage: mailauth t T-USAGE\n" },
	{ T, ARGS("t", "x"), "mailauth: unexpected argument 'x'\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("--", "t", "--flag"), "mailauth: unexpected argument "
	  "'--flag'\nusage: mailauth t T-USAGE\n" },
	{ T, ARGS("nope", "--flag"), "mailauth: unknown command 'nope'\n"
	  GENERIC_USAGE },
	{ T, ARGS("--no-color"), GENERIC_USAGE },
	/* The same option name, each command's own value name and words. */
	{ R, ARGS("plan", "--out"), "mailauth: option '--out' needs a value "
	  "(FILE)\n" PLAN_USAGE },
	{ R, ARGS("dkim", "keygen", "--out"), "mailauth: option '--out' needs "
	  "a value (DIR)\nusage: mailauth dkim keygen --selector NAME [--type "
	  "rsa|ed25519] [--bits N] [--out DIR]\n" },
	{ R, ARGS("report", "--format", "xml", "x"), "mailauth: option "
	  "'--format' takes text, json, markdown or csv, got 'xml'\n"
	  "usage: mailauth report [--format text|json|markdown|csv] [--since "
	  "YYYY-MM-DD] [--until YYYY-MM-DD] [--domain DOMAIN] "
	  "[--max-report-size SIZE] SOURCE...\n" },
	{ R, ARGS("plan", "--format", "csv"), "mailauth: option '--format' "
	  "takes text, json or markdown, got 'csv'\n" PLAN_USAGE },
	{ R, ARGS("lint", "--at", "2027-01-01", "spf", "x"), "mailauth: "
	  "option '--at' is not taken by 'lint'\n"
	  "usage: mailauth lint spf|dmarc|dkim RECORD\n" },
	{ R, ARGS("iam-policy", "--detailed-exitcode"), "mailauth: option "
	  "'--detailed-exitcode' is not taken by 'iam-policy'\n"
	  "usage: mailauth iam-policy [-c FILE] [--offline]\n" },
};

START_TEST(refused)
{
	struct cli_line	 l;
	char		*err;
	int		 rc;

	err = read_line(&l, bad[_i].tbl, bad[_i].argv, bad[_i].n, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(err, bad[_i].err);
	cli_line_release(&l);
	free(err);
}
END_TEST

START_TEST(date_refused)
{
	struct cli_line	 l;
	char		*err;
	int		 rc;

	err = read_line(&l, table, ARGS("t", "--day", "2027-02-30"), &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strncmp(err, "mailauth: option '--day' needs a date as "
	    "YYYY-MM-DD: ", 53) == 0, "%s", err);
	cli_line_release(&l);
	free(err);
}
END_TEST

START_TEST(every_kind_stored)
{
	struct cli_line		 l;
	const struct t_opts	*o;
	char			*err;
	int			 rc;

	err = read_line(&l, table, ARGS("-cX.yaml", "--word", "d", "--list",
	    "1", "t", "--flag", "--str", "a", "--str=b", "--list", "2", "--num",
	    "7", "--real", "1.5", "--day", "2027-01-05", "--max-report-size",
	    "2K", "--no-color", "--word", "c", "--timeout", "5"), &rc);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_eq(l.cmd, &t_entry);
	ck_assert_int_eq(l.nargs, 0);
	ck_assert_str_eq(l.g.config, "X.yaml");
	ck_assert_int_eq(l.g.config_given, 1);
	ck_assert_int_eq(l.g.no_color, 1);
	ck_assert_int_eq(l.g.timeout, 5);
	ck_assert_ptr_nonnull(o = l.opts);
	ck_assert_int_eq(o->flag, 1);
	ck_assert_str_eq(o->str, "b");
	ck_assert_str_eq(o->word, "c");
	ck_assert_uint_eq(o->list.n, 2);
	ck_assert_str_eq(o->list.v[0], "1");
	ck_assert_str_eq(o->list.v[1], "2");
	ck_assert_int_eq(o->num, 7);
	ck_assert_double_eq(o->real, 1.5);
	ck_assert_int_eq(o->day, 20823);
	ck_assert_uint_eq(o->size, 2048);
	cli_line_release(&l);
	free(err);
}
END_TEST

START_TEST(defaults_kept)
{
	struct cli_line		 l;
	const struct t_opts	*o;
	char			*err;
	int			 rc;

	err = read_line(&l, table, ARGS("t"), &rc);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(l.g.config, DEFAULT_CONFIG);
	ck_assert_int_eq(l.g.config_given, 0);
	ck_assert_str_eq(l.g.argv0, "mailauth");
	o = l.opts;
	ck_assert_int_eq(o->flag, 0);
	ck_assert_ptr_null(o->str);
	ck_assert_uint_eq(o->list.n, 0);
	ck_assert_int_eq(o->num, -1);
	ck_assert_int_eq(o->day, -1);
	ck_assert_uint_eq(o->size, 0);
	cli_line_release(&l);
	free(err);
}
END_TEST

START_TEST(help_and_version)
{
	struct cli_line	 l;
	char		*err;
	int		 rc;

	/* --help wins over an option the command does not take. */
	err = read_line(&l, table, ARGS("u", "--flag", "-h", "x"), &rc);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_eq(l.cmd, &u_entry);
	ck_assert_int_eq(l.g.help, 1);
	cli_line_release(&l);
	free(err);
	/* Without a command, --help is the help command itself. */
	err = read_line(&l, table, ARGS("--help"), &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_eq(l.cmd, &cmd_help_entry);
	ck_assert_int_eq(l.g.help, 0);
	ck_assert_ptr_null(l.opts);
	cli_line_release(&l);
	free(err);
	err = read_line(&l, table, ARGS("--version", "--help"), &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_eq(l.cmd, &cmd_version_entry);
	ck_assert_int_eq(l.g.help, 0);
	cli_line_release(&l);
	free(err);
	err = read_line(&l, table, ARGS("u", "--", "-x"), &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(l.nargs, 1);
	ck_assert_str_eq(l.args[0], "-x");
	cli_line_release(&l);
	free(err);
}
END_TEST

/* --- the real commands' tables --- */

static int
value_class(enum cli_opt_kind k)
{
	return k == CLI_WORD ? CLI_STRING : (int)k;
}

static const struct cli_option *
named(const struct cli_option *t, const char *name)
{
	for (; t != NULL && t->name != NULL; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/*
 * Every option of every command: a name of its own in its table and none
 * of a global option's, help, what its kind needs, a field inside the
 * struct; and options of the same name in several commands take the same
 * kind of value, as the parser reads a value before it knows the command.
 */
START_TEST(command_tables)
{
	const struct cmd_entry	*c, *c2;
	const struct cli_option	*o, *o2;
	size_t			 i, j;

	for (i = 0; (c = cmd_table[i]) != NULL; i++) {
		ck_assert_msg((c->options != NULL) == (c->size > 0) &&
		    (c->options != NULL) == (c->defaults != NULL), "%s",
		    c->name);
		for (o = c->options; o != NULL && o->name != NULL; o++) {
			ck_assert_msg(named(c->options, o->name) == o, "%s: "
			    "--%s twice", c->name, o->name);
			ck_assert_msg(o->help != NULL && o->offset < c->size,
			    "%s --%s", c->name, o->name);
			ck_assert_msg((o->kind == CLI_FLAG) == (o->arg == NULL),
			    "%s --%s", c->name, o->name);
			ck_assert_msg(o->kind != CLI_WORD ||
			    strchr(o->arg, '|') != NULL, "%s", o->name);
			ck_assert_msg((o->kind != CLI_NUMBER &&
			    o->kind != CLI_REAL) || (o->unit != NULL &&
			    o->min < o->max), "%s", o->name);
			for (j = 0; (c2 = cmd_table[j]) != NULL; j++)
				if ((o2 = named(c2->options, o->name)) != NULL)
					ck_assert_msg(value_class(o->kind) ==
					    value_class(o2->kind), "--%s: %s, "
					    "%s", o->name, c->name, c2->name);
		}
	}
}
END_TEST

Suite *
cli_suite(void)
{
	Suite	*s = suite_create("cli");
	TCase	*tc = tcase_create("parser");

	tcase_add_loop_test(tc, refused, 0, (int)(sizeof(bad) /
	    sizeof(bad[0])));
	tcase_add_test(tc, date_refused);
	tcase_add_test(tc, every_kind_stored);
	tcase_add_test(tc, defaults_kept);
	tcase_add_test(tc, help_and_version);
	suite_add_tcase(s, tc);
	tc = tcase_create("commands");
	tcase_add_test(tc, command_tables);
	suite_add_tcase(s, tc);
	return s;
}
