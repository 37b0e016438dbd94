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

#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/suggest.h"
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

/* A usage line with nested brackets, as verify's. */
static const struct cmd_entry v_entry = {
	"v", "[-c FILE] [--resolver HOST[:PORT]]... [--x N] go|stop [PLANFILE]",
	"v", "v", CLI_NO_OPTIONS, 2, t_exec
};

static const struct cmd_entry *const table[] = {
	&t_entry, &u_entry, &cmd_help_entry, &cmd_version_entry, NULL
};
static const struct cmd_entry *const vtable[] = {
	&v_entry, &cmd_help_entry, &cmd_version_entry, NULL
};

#define GENERIC_USAGE	"usage: mailauth [-c FILE] [--endpoint-url URL] " \
			"[--color WHEN] [--debug] COMMAND [ARGS]\n" \
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
			"[--out FILE] [--reports SOURCE]... [--ignore-gate] " \
			"[--domain NAME]... [--zone ZONE]...\n"

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
	/* "Did you mean", on the first line: among the command's options
	 * and the global ones (every command's before it is known), at most
	 * 2 edits away and fewer than the word has characters. */
	{ T, ARGS("tt"), "mailauth: unknown command 'tt'; did you mean "
	  "'t'?\n" GENERIC_USAGE },
	{ T, ARGS("t", "--flagg"), "mailauth: unknown option '--flagg'; did "
	  "you mean '--flag'?\nusage: mailauth t T-USAGE\n" },
	{ T, ARGS("t", "--xxag"), "mailauth: unknown option '--xxag'; did "
	  "you mean '--flag'?\nusage: mailauth t T-USAGE\n" },
	{ T, ARGS("t", "--xxxg"), "mailauth: unknown option '--xxxg'\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("t", "--s"), "mailauth: unknown option '--s'\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("u", "--fla"), "mailauth: unknown option '--fla'\n"
	  "usage: mailauth u U-USAGE\n" },
	{ T, ARGS("--fla=1", "t"), "mailauth: unknown option '--fla'; did "
	  "you mean '--flag'?\nusage: mailauth t T-USAGE\n" },
	{ T, ARGS("--fla"), "mailauth: unknown option '--fla'; did you mean "
	  "'--flag'?\n" GENERIC_USAGE },
	{ T, ARGS("t", "--colr=never"), "mailauth: unknown option '--colr'; "
	  "did you mean '--color'?\nusage: mailauth t T-USAGE\n" },
	/* Terraform's single dash: the whole long name, or a short one. */
	{ T, ARGS("t", "-flagg"), "mailauth: unknown option '-flagg'; did "
	  "you mean '--flag'?\nusage: mailauth t T-USAGE\n" },
	{ T, ARGS("t", "-flag=1"), "mailauth: option '--flag' takes no "
	  "value\nusage: mailauth t T-USAGE\n" },
	{ T, ARGS("t", "-x=1"), "mailauth: unknown option '-x'\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("u", "-flag"), "mailauth: option '--flag' is not taken by "
	  "'u'\nusage: mailauth u U-USAGE\n" },
	{ T, ARGS("t", "-str"), "mailauth: option '--str' needs a value (S)\n"
	  "usage: mailauth t T-USAGE\n" },
	{ T, ARGS("--color", "sometimes", "t"), "mailauth: option '--color' "
	  "takes auto, always or never, got 'sometimes'\n"
	  "usage: mailauth t T-USAGE\n" },
	{ R, ARGS("plan", "--detailed-exit-code"), "mailauth: unknown option "
	  "'--detailed-exit-code'; did you mean '--detailed-exitcode'?\n"
	  PLAN_USAGE },
	{ R, ARGS("plann"), "mailauth: unknown command 'plann'; did you mean "
	  "'plan'?\n" GENERIC_USAGE },
	{ T, ARGS("--no-color"), GENERIC_USAGE },
	/* The same option name, each command's own value name and words. */
	{ R, ARGS("plan", "--out"), "mailauth: option '--out' needs a value "
	  "(FILE)\n" PLAN_USAGE },
	{ R, ARGS("dkim", "keygen", "--out"), "mailauth: option '--out' needs "
	  "a value (DIR)\nusage: mailauth dkim keygen|status [--selector NAME] "
	  "[--type rsa|ed25519] [--bits N] [--out DIR] [-c FILE] [--at "
	  "YYYY-MM-DD] [--format text|json] [--domain NAME]... [--zone "
	  "ZONE]...\n" },
	{ R, ARGS("report", "--format", "xml", "x"), "mailauth: option "
	  "'--format' takes text, json, markdown or csv, got 'xml'\n"
	  "usage: mailauth report [--format text|json|markdown|csv] [--since "
	  "YYYY-MM-DD] [--until YYYY-MM-DD] [--domain DOMAIN] "
	  "[--max-report-size SIZE] [--senders] [--resolve] [--resolver "
	  "HOST[:PORT]] SOURCE...\n" },
	{ R, ARGS("plan", "--format", "csv"), "mailauth: option '--format' "
	  "takes text, json or markdown, got 'csv'\n" PLAN_USAGE },
	{ R, ARGS("lint", "--at", "2027-01-01", "spf", "x"), "mailauth: "
	  "option '--at' is not taken by 'lint'\n"
	  "usage: mailauth lint [--file FILE] spf|dmarc|dkim|tlsrpt|mtasts|bimi "
	  "RECORD|-\n" },
	/* A record that starts with '-' is read as options; the message
	 * says how to give it (issue 16). */
	{ R, ARGS("lint", "spf", "-all"), "mailauth: unknown option '-all'; "
	  "if '-all' is an argument, put '--' before it: mailauth lint spf -- "
	  "'-all'\nusage: mailauth lint [--file FILE] "
	  "spf|dmarc|dkim|tlsrpt|mtasts|bimi RECORD|-\n" },
	/* A near option's name is the likelier meaning: no hint then. */
	{ R, ARGS("lint", "spf", "-hall"), "mailauth: unknown option '-hall'; "
	  "did you mean '--help'?\n"
	  "usage: mailauth lint [--file FILE] spf|dmarc|dkim|tlsrpt|mtasts|bimi "
	  "RECORD|-\n" },
	/* Only before the operands the word may be: "lint -all spf". */
	{ R, ARGS("lint", "-all", "spf"), "mailauth: unknown option '-all'; "
	  "if '-all' is an argument, put '--' before it: mailauth lint -- "
	  "'-all'\nusage: mailauth lint [--file FILE] "
	  "spf|dmarc|dkim|tlsrpt|mtasts|bimi RECORD|-\n" },
	{ R, ARGS("iam-policy", "--detailed-exitcode"), "mailauth: option "
	  "'--detailed-exitcode' is not taken by 'iam-policy'\n"
	  "usage: mailauth iam-policy [-c FILE] [--offline] [--out DIR] "
	  "[--domain NAME]... [--zone ZONE]...\n" },
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

/* "--" ends the options: what follows is an operand, even "-all". */
START_TEST(double_dash_ends_options)
{
	struct cli_line	 l;
	char		*err;
	int		 rc;

	err = read_line(&l, cmd_table, ARGS("lint", "spf", "--", "-all"), &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(l.cmd->name, "lint");
	ck_assert_int_eq(l.nargs, 2);
	ck_assert_str_eq(l.args[0], "spf");
	ck_assert_str_eq(l.args[1], "-all");
	cli_line_release(&l);
	free(err);
	err = read_line(&l, cmd_table, ARGS("lint", "--", "dkim", "--x=1"),
	    &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(l.args[1], "--x=1");
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
	ck_assert_str_eq(l.g.color, "never");
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

/* Terraform's habit: "-NAME" is "--NAME" when NAME is a whole long name;
 * "-cFILE" stays -c with its value; the last of --color and --no-color
 * wins. */
START_TEST(single_dash_long_options)
{
	struct cli_line		 l;
	const struct t_opts	*o;
	char			*err;
	int			 rc;

	err = read_line(&l, table, ARGS("-flag", "t", "-str=v", "-num", "3",
	    "-no-color", "-color=always", "-config", "Y.yaml", "-word", "b"),
	    &rc);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(o = l.opts);
	ck_assert_int_eq(o->flag, 1);
	ck_assert_str_eq(o->str, "v");
	ck_assert_int_eq(o->num, 3);
	ck_assert_str_eq(o->word, "b");
	ck_assert_str_eq(l.g.color, "always");
	ck_assert_str_eq(l.g.config, "Y.yaml");
	cli_line_release(&l);
	free(err);
	/* Not a long name: the short option and its value, as before. */
	err = read_line(&l, table, ARGS("t", "-cflag.yaml", "-c", "x"), &rc);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(l.g.config, "x");
	cli_line_release(&l);
	free(err);
	err = read_line(&l, table, ARGS("t", "-cflag.yaml"), &rc);
	ck_assert_str_eq(l.g.config, "flag.yaml");
	ck_assert_ptr_null(l.g.color);
	cli_line_release(&l);
	free(err);
}
END_TEST

/* The one "did you mean" of the config and the command line. */
START_TEST(suggest)
{
	static const char *const names[] = { "plan", "apply", "policies",
	    "polices", "at" };
	char	 long_word[SUGGEST_MAX + 2];

	ck_assert_str_eq(suggest_closest("plann", names, 5), "plan");
	ck_assert_str_eq(suggest_closest("PLAN", names, 5), "plan");
	ck_assert_str_eq(suggest_closest("aplpy", names, 5), "apply");
	ck_assert_str_eq(suggest_closest("appxx", names, 5), "apply");
	ck_assert_ptr_null(suggest_closest("axxxx", names, 5));
	/* Equally close: the first wins. */
	ck_assert_str_eq(suggest_closest("policis", names, 5), "policies");
	ck_assert_str_eq(suggest_closest("ta", names, 5), "at");
	ck_assert_ptr_null(suggest_closest("t", names, 5));
	ck_assert_ptr_null(suggest_closest("", names, 5));
	ck_assert_ptr_null(suggest_closest("plan", names, 0));
	ck_assert_uint_eq(suggest_distance("ab", "ba"), 1);
	ck_assert_uint_eq(suggest_distance("", "abc"), 3);
	memset(long_word, 'a', sizeof(long_word) - 1);
	long_word[SUGGEST_MAX] = '\0';
	ck_assert_uint_eq(suggest_distance(long_word, long_word), 0);
	long_word[SUGGEST_MAX] = 'a';
	long_word[SUGGEST_MAX + 1] = '\0';
	ck_assert_uint_eq(suggest_distance(long_word, "a"), SIZE_MAX);
}
END_TEST

/* What cli_help() prints, as a string (malloc'd). */
static char *
help_text(const struct cmd_entry *cmd)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	ck_assert_ptr_nonnull(f = open_memstream(&buf, &len));
	cli_help(f, cmd);
	fclose(f);
	return buf;
}

/*
 * "help CMD": the command's options in one column, wrapped within 79
 * columns, and one line pointing at "help" for the global options
 * instead of all of them again.
 */
START_TEST(help_layout)
{
	const char	*line, *nl;
	char		*text;
	size_t		 i, col;

	/* Each command's, then (at the table's NULL) the list's. */
	for (i = 0;; i++) {
		const struct cmd_entry *c = cmd_table[i];

		text = help_text(c);
		col = 0;
		for (line = text; *line != '\0'; line = nl + 1) {
			nl = strchr(line, '\n');
			ck_assert_ptr_nonnull(nl);
			/* The usage line and the help text are the entry's. */
			if (strncmp(line, "usage:", 6) != 0 &&
			    strncmp(line, "       mailauth", 15) != 0)
				ck_assert_msg(nl - line <= 79, "%s: %.*s", c ?
				    c->name : "help", (int)(nl - line), line);
			/* Every option's text starts in the same column. */
			if (strncmp(line, "  -", 3) == 0) {
				char	*one = strndup(line, (size_t)(nl - line));
				char	*gap = strstr(one + 2, "  ");
				size_t	 at;

				if (gap != NULL) {
					at = (size_t)(gap - one);
					while (one[at] == ' ')
						at++;
					ck_assert_msg(col == 0 || at == col,
					    "%s: %s", c ? c->name : "help", one);
					col = at;
				}
				free(one);
			}
		}
		if (c != NULL) {
			ck_assert_ptr_null(strstr(text, "global options:"));
			ck_assert_ptr_null(strstr(text, "--allow-insecure"));
			ck_assert_ptr_nonnull(strstr(text, "\"mailauth help\" "
			    "lists them"));
		} else
			ck_assert_ptr_nonnull(strstr(text, "  --color "
			    "auto|always|never  "));
		free(text);
		if (c == NULL)
			break;
	}
	text = help_text(&t_entry);
	ck_assert_str_eq(text, "usage: mailauth t T-USAGE\n\nt\n\noptions:\n"
	    "  --flag                  a flag\n"
	    "  --str S                 a string\n"
	    "  --word a|b|c            a word\n"
	    "  --list L                a list\n"
	    "  --num N                 a number\n"
	    "  --real R                a real number\n"
	    "  --day YYYY-MM-DD        a day\n"
	    "  --max-report-size SIZE  refuse a report larger than this once "
	    "decompressed\n"
	    "                          (default 64M; K, M or G)\n"
	    "\nThe global options (-c FILE, --profile NAME, --endpoint-url "
	    "URL, --color,\n--debug, ...) are taken too: \"mailauth help\" "
	    "lists them.\n");
	free(text);
}
END_TEST

/* "mailauth __complete WORD... CURRENT": what the shells offer. */
static const struct {
	const struct cmd_entry *const	*tbl;
	const char *const		*argv;
	size_t				 n;
	const char			*out;
} completions[] = {
	{ T, ARGS(""), "t\tt\nu\tu\nhelp\tshow the commands, or one "
	  "command's options\nversion\tprint the version (also: mailauth "
	  "--version)\n" },
	{ T, ARGS("-cx.yaml", "--timeout", "5", "u"), "u\tu\n" },
	{ T, ARGS("nope", "") , "" },
	{ T, ARGS("t", "--fl"), "--flag\ta flag\n" },
	{ T, ARGS("--fl"), "" },
	{ T, ARGS("t", "--w"), "--word\ta word\n" },
	{ T, ARGS("t", "--word", ""), "a\nb\nc\n" },
	{ T, ARGS("t", "-word", "b"), "b\n" },
	{ T, ARGS("t", "--word=c"), "--word=c\n" },
	{ T, ARGS("t", "--word=", "--fl"), "--flag\ta flag\n" },
	{ T, ARGS("--co"), "--config\tthe configuration file\n"
	  "--connect-timeout\tgive up connecting after this long\n"
	  "--color\tcolor the output\n" },
	{ T, ARGS("-c", ""), ":yaml\n" },
	{ T, ARGS("--config=a"), ":yaml\n" },
	{ T, ARGS("--policies", ""), ":dirs\n" },
	{ T, ARGS("--color", "a"), "auto\nalways\n" },
	{ T, ARGS("t", "--str", ""), "" },
	{ T, ARGS("t", "--flag", ""), "" },
	{ T, ARGS("t", "--", "--"), "" },
	{ T, ARGS("help", "v"), "version\tprint the version (also: mailauth "
	  "--version)\n" },
	{ T, ARGS("help", "t", ""), "" },
	{ vtable, ARGS("v", ""), "go\nstop\n" },
	{ vtable, ARGS("v", "go", "p"), ":files\n" },
	{ vtable, ARGS("v", "go", "p", ""), "" },
	/* The real commands' operands, from their usage lines. */
	{ R, ARGS("rollout", ""), "status\ncheck\n" },
	{ R, ARGS("rollout", "-c", "x", "c"), "check\n" },
	{ R, ARGS("rollout", "status", ""), "" },
	{ R, ARGS("ses", ""), "status\n" },
	{ R, ARGS("dkim", ""), "keygen\nstatus\n" },
	{ R, ARGS("dkim", "keygen", "--out", ""), ":dirs\n" },
	{ R, ARGS("dkim", "keygen", "--type", ""), "rsa\ned25519\n" },
	{ R, ARGS("dkim", "keygen", "--selector", "s", ""), "" },
	{ R, ARGS("lint", ""), "spf\ndmarc\ndkim\ntlsrpt\nmtasts\nbimi\n" },
	{ R, ARGS("lint", "spf", ""), "" },
	{ R, ARGS("plan", "--out", ""), ":files\n" },
	{ R, ARGS("plan", "--out=p"), ":files\n" },
	{ R, ARGS("plan", "--reports", ""), ":files\n" },
	{ R, ARGS("plan", "--format=m"), "--format=markdown\n" },
	{ R, ARGS("plan", "x", ""), "" },
	{ R, ARGS("apply", "--auto-approve", ""), ":files\n" },
	{ R, ARGS("apply", "plan.json", ""), "" },
	{ R, ARGS("report", ""), ":files\n" },
	{ R, ARGS("report", "a", "b", ""), ":files\n" },
	{ R, ARGS("report", "--format", ""), "text\njson\nmarkdown\ncsv\n" },
	{ R, ARGS("iam-policy", ""), "" },
};

START_TEST(complete_words)
{
	char	*argv[32], *buf = NULL;
	size_t	 len = 0, i;
	FILE	*f;

	for (i = 0; i < completions[_i].n; i++)
		argv[i] = (char *)completions[_i].argv[i];
	ck_assert_ptr_nonnull(f = open_memstream(&buf, &len));
	ck_assert_int_eq(cli_complete(completions[_i].tbl,
	    (int)completions[_i].n, argv, f), EXIT_OK);
	fclose(f);
	ck_assert_str_eq(buf, completions[_i].out);
	free(buf);
}
END_TEST

/* --- the real commands' tables --- */

static int
value_class(enum cli_opt_kind k)
{
	/* A word and every value of a list are read as one string. */
	return k == CLI_WORD || k == CLI_STRINGS ? CLI_STRING : (int)k;
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

/* --- shards: --domain and --zone --- */

static const char SHARD_CFG[] =
    "version: 1\n"
    "accounts:\n"
    "  prod: { profile: p }\n"
    "domains:\n"
    "  example.com: { dmarc: { policy: none } }\n"
    "  mail.example.com: { account: prod, dmarc: { policy: none } }\n"
    "  example.net: { zone: Z0NET, dmarc: { policy: none } }\n"
    "  a.example.org: { zone: example.org, dmarc: { policy: none } }\n"
    "  b.example.org: { account: prod, dmarc: { policy: none } }\n";

static const struct {
	const char	*domains[3];
	const char	*zones[3];
	const char	*kept;		/* the domains left, or NULL: refused */
} shards[] = {
	{ { NULL }, { NULL }, "example.com mail.example.com example.net "
	  "a.example.org b.example.org" },
	{ { "example.com" }, { NULL }, "example.com" },
	{ { "EXAMPLE.com." }, { NULL }, "example.com" },	/* as names */
	{ { "*.example.com", "example.net" }, { NULL },
	  "mail.example.com example.net" },
	{ { "*" }, { "z0net" }, "example.net" },	/* ids in upper case */
	{ { NULL }, { "/hostedzone/Z0*" }, "example.net" },
	/* A zone name: zone: names it, or the domain or a parent is it. */
	{ { NULL }, { "example.org" }, "a.example.org b.example.org" },
	{ { NULL }, { "example.com" }, "example.com mail.example.com" },
	{ { NULL }, { "mail.example.com" }, "mail.example.com" },
	/* Both: the domains that match each. */
	{ { "b.*" }, { "example.org" }, "b.example.org" },
	{ { "example.com" }, { "example.org" }, NULL },
	{ { "[" }, { NULL }, NULL },
};

START_TEST(shard_filter)
{
	struct cli_shard	 sh;
	struct cli_global	 g;
	struct cfg		 cfg;
	struct diags		 d = DIAGS_INIT;
	char			 kept[256];
	size_t			 i;
	int			 rc;

	memset(&sh, 0, sizeof(sh));
	for (i = 0; shards[_i].domains[i] != NULL; i++)
		sh.domains.n++;
	for (i = 0; shards[_i].zones[i] != NULL; i++)
		sh.zones.n++;
	sh.domains.v = (const char **)shards[_i].domains;
	sh.zones.v = (const char **)shards[_i].zones;
	memset(&g, 0, sizeof(g));
	g.config = "m.yaml";
	g.shard = &sh;
	ck_assert_int_eq(cfg_load_string(&cfg, "m.yaml", SHARD_CFG,
	    strlen(SHARD_CFG), &d), 0);
	diags_release(&d);
	ck_assert_int_eq(cli_shard_given(&sh), sh.domains.n + sh.zones.n > 0);
	rc = cli_shard_filter(&g, &cfg);
	if (shards[_i].kept == NULL) {
		ck_assert_int_eq(rc, -1);
		cfg_release(&cfg);
		return;
	}
	ck_assert_int_eq(rc, 0);
	kept[0] = '\0';
	for (i = 0; i < cfg.ndomains; i++)
		snprintf(kept + strlen(kept), sizeof(kept) - strlen(kept),
		    "%s%s", i > 0 ? " " : "", cfg.domains[i].name);
	ck_assert_str_eq(kept, shards[_i].kept);
	cfg_release(&cfg);
}
END_TEST

/* Per account: the domains of each, in the order of its first domain. */
START_TEST(split_by_account)
{
	struct cfg	 cfg, *subs;
	struct diags	 d = DIAGS_INIT;
	const char	**names;
	size_t		*idx, n, i;

	ck_assert_int_eq(cfg_load_string(&cfg, "m.yaml", SHARD_CFG,
	    strlen(SHARD_CFG), &d), 0);
	diags_release(&d);
	n = cli_cfg_split(&cfg, &subs, &names, &idx);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_null(names[0]);
	ck_assert_str_eq(names[1], "prod");
	ck_assert_uint_eq(subs[0].ndomains, 3);
	ck_assert_uint_eq(subs[1].ndomains, 2);
	ck_assert_str_eq(subs[0].domains[2].name, "a.example.org");
	ck_assert_str_eq(subs[1].domains[0].name, "mail.example.com");
	ck_assert_str_eq(subs[1].domains[1].name, "b.example.org");
	ck_assert_uint_eq(subs[1].naccounts, 1);
	ck_assert_uint_eq(idx[4], 1);
	ck_assert_uint_eq(idx[3], 2);
	for (i = 0; i < n; i++)
		free(subs[i].domains);
	free(subs);
	free(names);
	free(idx);
	cfg_release(&cfg);
}
END_TEST

Suite *
cli_suite(void)
{
	Suite	*s = suite_create("cli");
	TCase	*tc = tcase_create("parser");

	tcase_add_test(tc, double_dash_ends_options);
	tcase_add_loop_test(tc, refused, 0, (int)(sizeof(bad) /
	    sizeof(bad[0])));
	tcase_add_test(tc, date_refused);
	tcase_add_test(tc, every_kind_stored);
	tcase_add_test(tc, defaults_kept);
	tcase_add_test(tc, help_and_version);
	tcase_add_test(tc, single_dash_long_options);
	tcase_add_test(tc, suggest);
	tcase_add_test(tc, help_layout);
	tcase_add_loop_test(tc, complete_words, 0, (int)(sizeof(completions) /
	    sizeof(completions[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("commands");
	tcase_add_test(tc, command_tables);
	suite_add_tcase(s, tc);
	tc = tcase_create("shards");
	tcase_add_loop_test(tc, shard_filter, 0, (int)(sizeof(shards) /
	    sizeof(shards[0])));
	tcase_add_test(tc, split_by_account);
	suite_add_tcase(s, tc);
	return s;
}
