/*
 * cmd-dkim.c - "mailauth dkim keygen": a new DKIM key pair written to
 * files, and the config lines that publish its public key.  Runs offline;
 * the key generation itself is dkim_keygen() (src/dns/dkim-key.c).
 * "mailauth dkim status": where each DKIM selector of the configuration
 * stands on a day (from, retire: docs/rotation.md), from the config alone.
 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/date.h"
#include "mailauth/dkim.h"
#include "mailauth/err.h"
#include "mailauth/file.h"
#include "cli.h"

struct cmd_dkim_opts {
	const char	*selector;	/* --selector */
	const char	*key_type;	/* --type; NULL: rsa */
	long		 bits;		/* --bits; 0 unset */
	const char	*out;		/* --out DIR; NULL: . */
	long		 at;		/* --at (status); -1 unset */
	const char	*format;	/* --format (status); NULL: text */
	struct cli_shard shard;		/* --domain, --zone (status) */
};

/* A path as a YAML flow scalar: plain when that is safe, else quoted. */
static void
yaml_scalar(struct buf *out, const char *s)
{
	const char	*p;

	if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-") == strlen(s)) {
		buf_adds(out, s);
		return;
	}
	buf_addc(out, '"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(out, '\\');
		buf_addc(out, *p);
	}
	buf_addc(out, '"');
}

static int
parse_type(const char *s, enum dkim_key_type *type)
{
	if (s == NULL || strcmp(s, "rsa") == 0)
		*type = DKIM_KEY_RSA;
	else if (strcmp(s, "ed25519") == 0)
		*type = DKIM_KEY_ED25519;
	else
		return -1;
	return 0;
}

/*
 * Makes sure dir (NULL: the current folder) exists, creating it 0700, and
 * refuses to put the private key of selector where "git add -A" would
 * stage it.  *made says whether dir was created here (and is removed again
 * on refusal).
 */
static int
prepare_dir(const char *dir, const char *selector, int *made)
{
	struct err	 err;
	char		*name;
	int		 exposed;

	*made = 0;
	err_clear(&err);
	if (dir != NULL && *dir != '\0' &&
	    file_dir_ensure(dir, made, &err) == -1) {
		cli_error("%s", err.msg);
		return -1;
	}
	name = xasprintf("%s.private.pem", selector);
	exposed = file_git_exposed(dir != NULL && *dir != '\0' ? dir : ".",
	    name);
	if (exposed) {
		cli_error("'%s' is in a git work tree and git does not ignore "
		    "'%s': add the line '%s' to a .gitignore there, or give "
		    "--out a folder outside the work tree", dir != NULL &&
		    *dir != '\0' ? dir : ".", name, "*.private.pem");
		if (*made)
			rmdir(dir);
	}
	free(name);
	return exposed ? -1 : 0;
}

static int
dkim_keygen_exec(const struct cmd_dkim_opts *o)
{
	struct dkim_keygen	 kg;
	struct err		 err;
	struct buf		 path = BUF_INIT;
	enum dkim_key_type	 type;
	int			 made = 0;

	if (o->at >= 0 || o->format != NULL || cli_shard_given(&o->shard)) {
		cli_error("option '%s' is taken by 'dkim status', not 'dkim "
		    "keygen'", o->at >= 0 ? "--at" : o->format != NULL ?
		    "--format" : o->shard.domains.n > 0 ? "--domain" :
		    "--zone");
		return EXIT_ERROR;
	}
	if (o->selector == NULL) {
		cli_error("dkim keygen needs --selector NAME");
		cli_usage(stderr, &cmd_dkim_entry);
		return EXIT_ERROR;
	}
	if (parse_type(o->key_type, &type) == -1) {
		cli_error("option '--type' needs rsa or ed25519, got '%s'",
		    o->key_type);
		return EXIT_ERROR;
	}
	if (type == DKIM_KEY_ED25519 && o->bits != 0) {
		cli_error("option '--bits' does not apply to ed25519 keys");
		return EXIT_ERROR;
	}
	err_clear(&err);
	if (prepare_dir(o->out, o->selector, &made) == -1)
		return EXIT_ERROR;
	if (dkim_keygen(o->out, o->selector, type, (int)o->bits, &kg,
	    &err) == -1) {
		cli_error("%s", err.msg);
		if (made)
			rmdir(o->out);
		return EXIT_ERROR;
	}
	if (type == DKIM_KEY_RSA && o->bits != 0 &&
	    o->bits < DKIM_RSA_GOOD_BITS)
		cli_error("warning: an RSA key of %ld bits is weak; RFC 8301 "
		    "§3.2 wants at least %d", o->bits, DKIM_RSA_GOOD_BITS);
	yaml_scalar(&path, kg.public_path);
	printf("wrote %s (the private key, mode 0600: give it to the server "
	    "that signs mail, never publish it)\n", kg.private_path);
	printf("wrote %s (the public key)\n\n", kg.public_path);
	printf("Add this under the domain in the configuration (a relative "
	    "path is read\nfrom the configuration file's folder):\n\n");
	printf("dkim:\n  %s: { public_key_file: %s }\n\n", o->selector,
	    buf_str(&path));
	printf("mailauth will publish at %s._domainkey.DOMAIN:\n%s\n",
	    o->selector, kg.record);
	buf_release(&path);
	dkim_keygen_release(&kg);
	return EXIT_OK;
}

/* --- status --- */

/* "dkim status --format json" (docs/commands.md). */
#define DKIM_STATUS_FORMAT_VERSION	1

/* In the order of enum cfg_dkim_state. */
static const char *const state_names[] = {
	"pending", "active", "retired", "absent"
};

/* "(in 3 days)" */
static void
in_days(struct buf *b, long days)
{
	buf_addf(b, " (in %ld day%s)", days, days == 1 ? "" : "s");
}

static void
text_selector(const struct cfg_dkim *dk, int width, long day,
    struct buf *out)
{
	enum cfg_dkim_state	 st = cfg_dkim_at(dk, day);
	char			 from[11], retire[11];

	date_format(dk->from, from);
	date_format(dk->retire, retire);
	buf_addf(out, "  %-*s  %s", width, dk->selector, state_names[st]);
	switch (st) {
	case CFG_DKIM_PENDING:
		buf_addf(out, ": published from %s", from);
		in_days(out, dk->from - day);
		break;
	case CFG_DKIM_ACTIVE:
		if (dk->from >= 0)
			buf_addf(out, " since %s", from);
		if (dk->retire >= 0) {
			buf_addf(out, "; retires on %s", retire);
			in_days(out, dk->retire - day);
		}
		break;
	case CFG_DKIM_RETIRED:
		buf_addf(out, " since %s: published revoked (empty p=); "
		    "\"state: absent\" deletes it", retire);
		break;
	case CFG_DKIM_ABSENT:
		buf_adds(out, ": deleted");
		break;
	}
	buf_addc(out, '\n');
}

static void
text_domain(const struct cfg_domain *dom, long day, struct buf *out)
{
	size_t	 i, n = cfg_dkim_active(dom, day);
	int	 width = 0;

	if (dom->ndkim == 0) {
		buf_addf(out, "%s: no DKIM selector managed\n", dom->name);
		return;
	}
	if (n == 0)
		buf_addf(out, "%s: no selector active\n", dom->name);
	else
		buf_addf(out, "%s: %zu of %zu selector%s active\n", dom->name,
		    n, dom->ndkim, dom->ndkim == 1 ? "" : "s");
	for (i = 0; i < dom->ndkim; i++)
		if ((int)strlen(dom->dkim[i].selector) > width)
			width = (int)strlen(dom->dkim[i].selector);
	for (i = 0; i < dom->ndkim; i++)
		text_selector(&dom->dkim[i], width, day, out);
}

static void
add_date(cJSON *o, const char *key, long day)
{
	char	 date[11];

	if (day < 0) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	date_format(day, date);
	cJSON_AddStringToObject(o, key, date);
}

static cJSON *
json_selector(const struct cfg_domain *dom, const struct cfg_dkim *dk,
    long day)
{
	cJSON	*o = cJSON_CreateObject(), *nx;
	char	*name;
	long	 next = cfg_dkim_next(dk, day);

	cJSON_AddStringToObject(o, "selector", dk->selector);
	name = xasprintf("%s._domainkey.%s", dk->selector, dom->name);
	cJSON_AddStringToObject(o, "name", name);
	free(name);
	if (dk->kind == DKIM_ABSENT)
		cJSON_AddNullToObject(o, "type");
	else
		cJSON_AddStringToObject(o, "type", dk->kind == DKIM_CNAME ?
		    "CNAME" : "TXT");
	cJSON_AddStringToObject(o, "state", state_names[cfg_dkim_at(dk, day)]);
	add_date(o, "from", dk->from);
	add_date(o, "retire", dk->retire);
	if (next < 0) {
		cJSON_AddNullToObject(o, "next");
		return o;
	}
	nx = cJSON_AddObjectToObject(o, "next");
	cJSON_AddStringToObject(nx, "state",
	    state_names[cfg_dkim_at(dk, next)]);
	add_date(nx, "date", next);
	cJSON_AddNumberToObject(nx, "days_until", (double)(next - day));
	return o;
}

static cJSON *
json_domain(const struct cfg_domain *dom, long day)
{
	cJSON	*o = cJSON_CreateObject(), *sels;
	size_t	 i;

	cJSON_AddStringToObject(o, "domain", dom->name);
	cJSON_AddNumberToObject(o, "active", (double)cfg_dkim_active(dom, day));
	sels = cJSON_AddArrayToObject(o, "selectors");
	for (i = 0; i < dom->ndkim; i++)
		cJSON_AddItemToArray(sels, json_selector(dom, &dom->dkim[i],
		    day));
	return o;
}

static int
dkim_status_exec(const struct cli_global *g, const struct cmd_dkim_opts *o)
{
	static const struct cli_status	 status = {
		"DKIM selectors", DKIM_STATUS_FORMAT_VERSION, text_domain,
		json_domain
	};
	struct cli_global	 gs = *g;
	struct cfg		 cfg;
	const char		*format = o->format != NULL ? o->format : "text";
	int			 rc;

	if (o->selector != NULL || o->key_type != NULL || o->bits != 0 ||
	    o->out != NULL) {
		cli_error("option '%s' is taken by 'dkim keygen', not 'dkim "
		    "status'", o->selector != NULL ? "--selector" :
		    o->key_type != NULL ? "--type" : o->bits != 0 ? "--bits" :
		    "--out");
		return EXIT_ERROR;
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
		cli_error("'dkim status' prints text or json, not '%s'",
		    format);
		return EXIT_ERROR;
	}
	gs.shard = &o->shard;
	if (cli_load_config(&gs, &cfg) == -1)
		return EXIT_ERROR;
	rc = cli_status_print(&gs, &cfg, cli_day(o->at),
	    strcmp(format, "json") == 0, &status);
	cfg_release(&cfg);
	return rc;
}

static int
cmd_dkim_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	const struct cmd_dkim_opts	*o = opts;

	if (nargs == 0 || (strcmp(args[0], "keygen") != 0 &&
	    strcmp(args[0], "status") != 0)) {
		if (nargs == 0)
			cli_error("dkim needs a subcommand: keygen or status");
		else
			cli_error("unknown dkim subcommand '%s'", args[0]);
		cli_usage(stderr, &cmd_dkim_entry);
		return EXIT_ERROR;
	}
	if (strcmp(args[0], "status") == 0)
		return dkim_status_exec(g, o);
	return dkim_keygen_exec(o);
}

static const struct cli_option dkim_options[] = {
	CLI_OPT_STRING("selector", struct cmd_dkim_opts, selector, "NAME",
	    "the DKIM selector the key is for"),
	CLI_OPT_STRING("type", struct cmd_dkim_opts, key_type, "rsa|ed25519",
	    "the key type (default rsa)"),
	CLI_OPT_NUMBER("bits", struct cmd_dkim_opts, bits, "N", 1, 16384,
	    "bits", "the RSA key size (default 2048, at least 1024)"),
	CLI_OPT_STRING("out", struct cmd_dkim_opts, out, "DIR",
	    "the folder the key files are written to (default .; made "
	    "0700 when missing)"),
	CLI_OPT_DATE("at", struct cmd_dkim_opts, at, "status: the day shown "
	    "(default: today, UTC)"),
	CLI_OPT_STRING("format", struct cmd_dkim_opts, format, "text|json",
	    "status: how it is printed (default text)"),
	CLI_OPT_SHARD(struct cmd_dkim_opts, shard),
	CLI_OPT_END
};

static const struct cmd_dkim_opts dkim_defaults = { .at = -1 };

const struct cmd_entry cmd_dkim_entry = {
	"dkim",
	"keygen|status [--selector NAME] [--type rsa|ed25519] [--bits N] "
	"[--out DIR] [-c FILE] [--at YYYY-MM-DD] [--format text|json] "
	"[--domain NAME]... [--zone ZONE]...",
	"generate a DKIM key pair, or show where each selector stands",
	"'dkim keygen --selector NAME' generates a DKIM key pair with OpenSSL and\n"
	"writes NAME.private.pem (mode 0600, for the server that signs mail) and\n"
	"NAME.public.pem into DIR (default: the current folder), then prints the\n"
	"dkim: entry that publishes the public key.  RSA keys are 2048 bits unless\n"
	"--bits says otherwise (1024 to 4096); Ed25519 keys (RFC 8463) take no\n"
	"--bits.  Never overwrites: if either file exists, nothing is written.\n"
	"DIR is created (mode 0700) when missing; inside a git work tree, git\n"
	"must ignore the private key's path (a '*.private.pem' line in\n"
	".gitignore).\n"
	"'dkim status' shows, for each domain of the configuration, the state of\n"
	"each DKIM selector on a day (--at, default today in UTC): pending\n"
	"(before its from: date, nothing published), active, retired (from its\n"
	"retire: date, published revoked) or absent, and its next date.  Reads\n"
	"only the configuration: no credentials are needed.  --format json\n"
	"prints the same as one JSON document; --domain and --zone keep only\n"
	"the domains they match, as plan does (docs/rotation.md).",
	CLI_OPTIONS(dkim_options, dkim_defaults),
	1,
	cmd_dkim_exec
};
