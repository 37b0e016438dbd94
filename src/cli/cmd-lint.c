/*
 * cmd-lint.c - "mailauth lint spf|dmarc|dkim|tlsrpt|mtasts|bimi RECORD": one raw record
 * checked offline against its RFCs, every finding printed.  Needs no
 * config, no credentials and no network.  "lint KIND -" and "lint KIND
 * --file F" check one record a line in one process (10,000 records in
 * well under a second), each verdict naming its line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailauth/bimi.h"
#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dkim.h"
#include "mailauth/dmarc.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/file.h"
#include "mailauth/mtasts.h"
#include "mailauth/spf.h"
#include "mailauth/tlsrpt.h"
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
	{ "tlsrpt", "TLS-RPT record", tlsrpt_check_bytes },
	{ "mtasts", "MTA-STS record", mtasts_check_bytes },
	{ "bimi", "BIMI record", bimi_check_bytes },
};

#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

/* A line longer than this is refused unread: no record comes near (a
 * TXT record's strings together stay under 4 KiB in practice). */
#define LINE_MAX_BYTES	65536

struct cmd_lint_opts {
	const char	*file;		/* --file; "-" standard input */
};

static int
usage(void)
{
	cli_usage(stderr, &cmd_lint_entry);
	return EXIT_ERROR;
}

/*
 * Checks one record of len bytes and prints its findings, each line
 * starting with prefix ("" for the one record of the command line, "line
 * N: " in a batch), or KIND OK.  Returns 1 when it has an error, else 0.
 * A value in quoted strings that cannot be decoded is an error: on
 * standard error for the one record, as a finding in a batch.
 */
static int
lint_one(size_t k, const char *rec, size_t len, const char *prefix)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 text = BUF_INIT;
	struct err	 err;
	size_t		 i;
	int		 bad = 1;

	/* A value pasted as Route 53 or dig show it, in quoted strings, is
	 * joined first, as receivers join it. */
	if (len > 0 && rec[0] == '"') {
		err_clear(&err);
		if (txt_decode(rec, &text, &err) == -1) {
			if (*prefix == '\0')
				cli_error("%s", err.msg);
			else
				printf("%serror: %s\n", prefix, err.msg);
			goto out;
		}
	} else
		buf_add(&text, rec, len);

	kinds[k].check(buf_str(&text), text.len, kinds[k].name, &d);
	for (i = 0; i < d.n; i++) {
		/* The findings quote the record: nothing raw reaches the
		 * terminal. */
		buf_reset(&text);
		buf_add_printable_msg(&text, d.v[i].msg, strlen(d.v[i].msg),
		    0);
		printf("%s%s: %s\n", prefix, d.v[i].level == DIAG_ERROR ?
		    "error" : "warning", buf_str(&text));
	}
	if (d.n == 0)
		printf("%s%s OK\n", prefix, kinds[k].name);
	bad = d.nerrors > 0;
out:
	diags_release(&d);
	buf_release(&text);
	return bad;
}

/*
 * One record a line of f (name: how messages name it): blank lines are
 * skipped but counted, a CR before the newline is dropped.  EXIT_ERROR
 * when a record has an error, the input cannot be read or holds no
 * record.
 */
static int
lint_lines(size_t k, FILE *f, const char *name)
{
	char	*line = NULL, prefix[32];
	size_t	 cap = 0, n = 0, records = 0, len;
	ssize_t	 got;
	int	 bad = 0;

	while ((got = getline(&line, &cap, f)) != -1) {
		n++;
		len = (size_t)got;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (strspn(line, " \t") >= len)
			continue;
		records++;
		snprintf(prefix, sizeof(prefix), "line %zu: ", n);
		if (len > LINE_MAX_BYTES) {
			printf("%serror: the line is longer than %d bytes: not "
			    "checked\n", prefix, LINE_MAX_BYTES);
			bad = 1;
			continue;
		}
		bad |= lint_one(k, line, len, prefix);
	}
	free(line);
	if (ferror(f)) {
		cli_error("cannot read %s: %s", name, strerror(errno));
		return EXIT_ERROR;
	}
	if (records == 0) {
		cli_error("no record to check in %s", name);
		return EXIT_ERROR;
	}
	return bad ? EXIT_ERROR : EXIT_OK;
}

static int
lint_file(size_t k, const char *path)
{
	struct buf	 name = BUF_INIT;
	struct err	 err;
	FILE		*f;
	int		 fd, rc;

	if (strcmp(path, "-") == 0)
		return lint_lines(k, stdin, "standard input");
	err_clear(&err);
	if ((fd = file_open_read(path, &err)) == -1) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		cli_error("cannot read '%s': %s", path, strerror(errno));
		close(fd);
		return EXIT_ERROR;
	}
	buf_adds(&name, "'");
	buf_add_printable(&name, path, strlen(path), 4096);
	buf_adds(&name, "'");
	rc = lint_lines(k, f, buf_str(&name));
	fclose(f);
	buf_release(&name);
	return rc;
}

static int
cmd_lint_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	const struct cmd_lint_opts	*o = opts;
	size_t				 k;

	(void)g;
	if (nargs == 2 && o->file != NULL) {
		cli_error("lint takes the record or --file, not both");
		return usage();
	}
	if (nargs != 2 && !(nargs == 1 && o->file != NULL)) {
		cli_error("lint needs the kind of record and the record "
		    "('-' for one a line on standard input, or --file FILE)");
		return usage();
	}
	for (k = 0; k < NKINDS; k++)
		if (strcmp(args[0], kinds[k].kind) == 0)
			break;
	if (k == NKINDS) {
		cli_error("unknown kind of record '%s': expected spf, dmarc, "
		    "dkim, tlsrpt, mtasts or bimi", args[0]);
		return usage();
	}
	if (o->file != NULL)
		return lint_file(k, o->file);
	if (strcmp(args[1], "-") == 0)
		return lint_file(k, "-");
	return lint_one(k, args[1], strlen(args[1]), "") ? EXIT_ERROR :
	    EXIT_OK;
}

static const struct cli_option lint_options[] = {
	CLI_OPT_STRING("file", struct cmd_lint_opts, file, "FILE",
	    "check one record a line of FILE ('-': standard input)"),
	CLI_OPT_END
};

static const struct cmd_lint_opts lint_defaults;

const struct cmd_entry cmd_lint_entry = {
	"lint",
	"[--file FILE] spf|dmarc|dkim|tlsrpt|mtasts|bimi RECORD|-",
	"check SPF, DMARC, DKIM, TLS-RPT, MTA-STS or BIMI records offline",
	"Checks one record, given as its text (quote it for the shell), against\n"
	"its RFCs: SPF against RFC 7208, DMARC against RFC 9989, DKIM against\n"
	"RFC 6376, 8301 and 8463, TLS-RPT against RFC 8460, MTA-STS (mtasts)\n"
	"against RFC 8461, BIMI against the BIMI draft.  A value in quoted\n"
	"strings, as Route 53 and dig show it (\"v=spf1 ...\" \"...\"), is\n"
	"joined first.  Prints each finding as 'error: ...' or 'warning: ...'\n"
	"with its reason and RFC section, or 'SPF record OK' (DMARC, DKIM,\n"
	"TLS-RPT, MTA-STS, BIMI) when there is none.  Exits 0 when there is no\n"
	"error (warnings allowed), 1 otherwise.  Reads no configuration and\n"
	"makes no network request.\n"
	"\n"
	"With '-' for the record, or --file FILE, checks one record a line of\n"
	"standard input or FILE (blank lines skipped), each finding or OK\n"
	"starting with 'line N: '; exits 1 when any record has an error.\n"
	"\n"
	"A record that starts with '-' goes after '--', which ends the options:\n"
	"  mailauth lint spf -- '-all'",
	CLI_OPTIONS(lint_options, lint_defaults),
	2,
	cmd_lint_exec
};
