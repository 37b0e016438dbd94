/*
 * complete.c - "mailauth __complete": what may stand at the word being
 * completed, from the command table itself, for the bash, zsh and fish
 * completions (completions/), which only print what this says and
 * complete file names.  A command or option added to the table is
 * completed without touching them.
 *
 * The words before the current one are read as the parser reads them
 * (cli_word_read()): options anywhere, values after them or after '=',
 * "--" ending the options, the first operand the command.  What a
 * command's operands are comes from its usage line: its first words that
 * are no option ("status|check", "keygen", "spf|dmarc|dkim RECORD",
 * "[PLANFILE]", "SOURCE...", "[COMMAND]").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "cli.h"

/* What a value or an operand is completed with. */
enum what {
	NOTHING,
	WORDS,		/* the words of a "a|b|c" */
	COMMANDS,
	FILES,
	DIRS,
	YAML
};

/* How a value named arg ("FILE", "text|json") of option name (or an
 * operand, name "") is completed. */
static enum what
value_kind(const char *name, const char *arg)
{
	size_t	 n = strlen(arg);

	/* "text|json", or a subcommand's own word ("keygen"). */
	if (strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789-|") == n &&
	    n > 0)
		return WORDS;
	if (strcmp(name, "config") == 0)
		return YAML;
	if (strcmp(arg, "DIR") == 0)
		return DIRS;
	if ((n >= 4 && strcmp(arg + n - 4, "FILE") == 0) ||
	    strcmp(arg, "SOURCE") == 0)
		return FILES;
	if (strcmp(arg, "COMMAND") == 0)
		return COMMANDS;
	return NOTHING;
}

/* Prints prefix + each word of the "a|b|c" list that starts with cur. */
static void
words(FILE *out, const char *list, const char *prefix, const char *cur)
{
	struct buf	 w = BUF_INIT;
	const char	*bar;
	size_t		 n;

	for (;; list = bar + 1) {
		bar = strchr(list, '|');
		n = bar != NULL ? (size_t)(bar - list) : strlen(list);
		buf_reset(&w);
		buf_adds(&w, prefix);
		buf_add(&w, list, n);
		if (strncmp(buf_str(&w), cur, strlen(cur)) == 0)
			fprintf(out, "%s\n", buf_str(&w));
		if (bar == NULL)
			break;
	}
	buf_release(&w);
}

static void
commands(FILE *out, const struct cmd_entry *const *table, const char *cur)
{
	size_t	 i;

	for (i = 0; table[i] != NULL; i++)
		if (strncmp(table[i]->name, cur, strlen(cur)) == 0)
			fprintf(out, "%s\t%s\n", table[i]->name,
			    table[i]->summary);
}

static void
complete(FILE *out, const struct cmd_entry *const *table, enum what w,
    const char *list, const char *prefix, const char *cur)
{
	static const char *const directive[] = {
		[FILES] = ":files", [DIRS] = ":dirs", [YAML] = ":yaml"
	};

	switch (w) {
	case NOTHING:
		break;
	case WORDS:
		words(out, list, prefix, cur);
		break;
	case COMMANDS:
		commands(out, table, cur);
		break;
	case FILES:
	case DIRS:
	case YAML:
		fprintf(out, "%s\n", directive[w]);
		break;
	}
}

/* The options of t that start with cur, "--NAME\tHELP", the help cut
 * before its first " (", ": " or "; " to fit a menu. */
static void
options(FILE *out, const struct cli_option *t, const char *cur)
{
	struct buf	 b = BUF_INIT;
	size_t		 n;

	for (; t != NULL && t->name != NULL; t++) {
		buf_reset(&b);
		buf_addf(&b, "--%s", t->name);
		if (strncmp(buf_str(&b), cur, strlen(cur)) != 0)
			continue;
		for (n = 0; t->help[n] != '\0'; n++)
			if (t->help[n + 1] != '\0' && strchr(" :;",
			    t->help[n]) != NULL && strchr(t->help[n] == ' ' ?
			    "(" : " ", t->help[n + 1]) != NULL)
				break;
		fprintf(out, "%s\t%.*s\n", buf_str(&b), (int)n, t->help);
	}
	buf_release(&b);
}

/* Puts the placeholder p (n bytes) into ph without "[", "]" and "...". */
static void
placeholder(const char *p, size_t n, struct buf *ph)
{
	buf_reset(ph);
	buf_add(ph, p + (*p == '['), n - (*p == '['));
	while (ph->len > 0 && (ph->data[ph->len - 1] == ']' ||
	    ph->data[ph->len - 1] == '.'))
		ph->data[--ph->len] = '\0';
}

/*
 * The operand placeholder number k (0: the first after the command) of
 * cmd's usage line into ph; 0 when there is none.  A last one ending in
 * "..." ("SOURCE...") stands for every operand from there on.
 */
static int
operand(const struct cmd_entry *cmd, size_t k, struct buf *ph)
{
	const char	*p = cmd->usage, *end, *last = NULL;
	size_t		 n, i = 0, lastn = 0;
	int		 skip_value = 0, depth;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ' ');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (*p == '[' && p[1] == '-') {
			/* An option group, up to its own ']' (brackets nest:
			 * "[--resolver HOST[:PORT]]...") and any "...". */
			for (depth = 0; *p != '\0'; p++)
				if ((depth += (*p == '[') - (*p == ']')) == 0)
					break;
			p += *p != '\0';
			while (*p == '.')
				p++;
			continue;
		}
		if (*p == '-' || skip_value) {
			/* "--selector NAME": the option, then its value. */
			skip_value = *p == '-';
			p += n;
			continue;
		}
		if (i++ == k) {
			placeholder(p, n, ph);
			return 1;
		}
		last = p;
		lastn = n;
		p += n;
	}
	if (last == NULL || lastn < 3 || strncmp(last + lastn - 3, "...", 3) != 0)
		return 0;
	placeholder(last, lastn, ph);
	return 1;
}

int
cli_complete(const struct cmd_entry *const *table, int nwords, char **w,
    FILE *out)
{
	const struct cmd_entry	*cmd = NULL;
	const struct cli_option	*def;
	struct cli_word		 word;
	struct buf		 ph = BUF_INIT, prefix = BUF_INIT;
	const char		*cur = nwords > 0 ? w[nwords - 1] : "", *eq;
	size_t			 nops = 0;
	int			 i, only_operands = 0;

	for (i = 0; i < nwords - 1; i++) {
		const char	*a = w[i];

		if (only_operands || a[0] != '-' || a[1] == '\0') {
			if (nops++ == 0 &&
			    (cmd = cli_command_in(table, a)) == NULL)
				goto out;	/* an unknown command */
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_operands = 1;
			continue;
		}
		cli_word_read(table, cmd, a, &word);
		if ((def = word.def) == NULL || def->kind == CLI_FLAG ||
		    word.val != NULL)
			continue;
		if (i + 1 == nwords - 1) {
			/* cur is this option's value. */
			complete(out, table, value_kind(def->name, def->arg),
			    def->arg, "", cur);
			goto out;
		}
		i++;
	}
	if (!only_operands && cur[0] == '-') {
		if ((eq = strchr(cur, '=')) != NULL) {
			buf_add(&prefix, cur, (size_t)(eq - cur) + 1);
			prefix.data[--prefix.len] = '\0';
			cli_word_read(table, cmd, buf_str(&prefix), &word);
			buf_addc(&prefix, '=');
			if ((def = word.def) != NULL && def->kind != CLI_FLAG)
				complete(out, table, value_kind(def->name,
				    def->arg), def->arg, buf_str(&prefix), cur);
			goto out;
		}
		options(out, cli_global_options, cur);
		if (cmd != NULL)
			options(out, cmd->options, cur);
		goto out;
	}
	if (nops == 0)
		commands(out, table, cur);
	else if (cmd != NULL && operand(cmd, nops - 1, &ph))
		complete(out, table, value_kind("", buf_str(&ph)),
		    buf_str(&ph), "", cur);
out:
	buf_release(&ph);
	buf_release(&prefix);
	fflush(out);
	return EXIT_OK;
}
