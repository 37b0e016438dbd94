/*
 * cmd-lint.c - "mailauth lint spf|dmarc|dkim RECORD": one raw record
 * checked offline against its RFCs, every finding printed.  Needs no
 * config, no credentials and no network.
 */
#include <stdio.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dkim.h"
#include "mailauth/dmarc.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/spf.h"
#include "cli.h"

static void
spf_check_all(const char *text, size_t len, const char *where,
    struct diags *d)
{
	spf_check_bytes(text, len, where, SPF_CHECK_ALL, d);
}

/* The checks take bytes with a length: "\000" in a quoted value decodes
 * to a NUL inside the record, which must not end it. */
static const struct {
	const char	*kind;
	const char	*name;		/* in messages */
	void		(*check)(const char *, size_t, const char *,
			    struct diags *);
} kinds[] = {
	{ "spf", "SPF record", spf_check_all },
	{ "dmarc", "DMARC record", dmarc_check_bytes },
	{ "dkim", "DKIM record", dkim_check_bytes },
};

#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

static int
usage(void)
{
	cli_usage(stderr, &cmd_lint_entry);
	return EXIT_ERROR;
}

static int
cmd_lint_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 text = BUF_INIT;
	struct err	 err;
	size_t		 i, k;
	int		 rc = EXIT_ERROR;

	(void)g;
	(void)opts;
	if (nargs != 2) {
		cli_error("lint needs the kind of record and the record");
		return usage();
	}
	for (k = 0; k < NKINDS; k++)
		if (strcmp(args[0], kinds[k].kind) == 0)
			break;
	if (k == NKINDS) {
		cli_error("unknown kind of record '%s': expected spf, dmarc or "
		    "dkim", args[0]);
		return usage();
	}
	/* A value pasted as Route 53 or dig show it, in quoted strings, is
	 * joined first, as receivers join it. */
	if (args[1][0] == '"') {
		err_clear(&err);
		if (txt_decode(args[1], &text, &err) == -1) {
			cli_error("%s", err.msg);
			goto out;
		}
	} else
		buf_adds(&text, args[1]);

	kinds[k].check(buf_str(&text), text.len, kinds[k].name, &d);
	for (i = 0; i < d.n; i++) {
		/* The findings quote the record: nothing raw reaches the
		 * terminal. */
		buf_reset(&text);
		buf_add_printable_msg(&text, d.v[i].msg, strlen(d.v[i].msg),
		    0);
		printf("%s: %s\n", d.v[i].level == DIAG_ERROR ? "error" :
		    "warning", buf_str(&text));
	}
	if (d.n == 0)
		printf("%s OK\n", kinds[k].name);
	rc = d.nerrors == 0 ? EXIT_OK : EXIT_ERROR;
out:
	diags_release(&d);
	buf_release(&text);
	return rc;
}

const struct cmd_entry cmd_lint_entry = {
	"lint",
	"spf|dmarc|dkim RECORD",
	"check one SPF, DMARC or DKIM record offline",
	"Checks one record, given as its text (quote it for the shell), against\n"
	"its RFCs: SPF against RFC 7208, DMARC against RFC 9989, DKIM against\n"
	"RFC 6376, 8301 and 8463.  A value in quoted strings, as Route 53 and\n"
	"dig show it (\"v=spf1 ...\" \"...\"), is joined first.  Prints each\n"
	"finding as 'error: ...' or 'warning: ...' with its reason and RFC\n"
	"section, or 'SPF record OK' (DMARC, DKIM) when there is none.  Exits 0\n"
	"when there is no error (warnings allowed), 1 otherwise.  Reads no\n"
	"configuration and makes no network request.\n"
	"\n"
	"A record that starts with '-' goes after '--', which ends the options:\n"
	"  mailauth lint spf -- '-all'",
	CLI_NO_OPTIONS,
	2,
	cmd_lint_exec
};
