/*
 * cmd-dkim.c - "mailauth dkim keygen": a new DKIM key pair written to
 * files, and the config lines that publish its public key.  Runs offline;
 * the key generation itself is dkim_keygen() (src/dns/dkim-key.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/dkim.h"
#include "mailauth/err.h"
#include "mailauth/file.h"
#include "cli.h"

struct cmd_dkim_opts {
	const char	*selector;	/* --selector */
	const char	*key_type;	/* --type; NULL: rsa */
	long		 bits;		/* --bits; 0 unset */
	const char	*out;		/* --out DIR; NULL: . */
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
cmd_dkim_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	const struct cmd_dkim_opts	*o = opts;
	struct dkim_keygen	 kg;
	struct err		 err;
	struct buf		 path = BUF_INIT;
	enum dkim_key_type	 type;
	int			 made = 0;

	(void)g;
	if (nargs == 0 || strcmp(args[0], "keygen") != 0) {
		if (nargs == 0)
			cli_error("dkim needs a subcommand: keygen");
		else
			cli_error("unknown dkim subcommand '%s'", args[0]);
		cli_usage(stderr, &cmd_dkim_entry);
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
	CLI_OPT_END
};

static const struct cmd_dkim_opts dkim_defaults;	/* all unset */

const struct cmd_entry cmd_dkim_entry = {
	"dkim",
	"keygen --selector NAME [--type rsa|ed25519] [--bits N] [--out DIR]",
	"generate a DKIM key pair and print the config that publishes it",
	"Generates a DKIM key pair with OpenSSL and writes NAME.private.pem\n"
	"(mode 0600, for the server that signs mail) and NAME.public.pem into\n"
	"DIR (default: the current folder), then prints the dkim: entry that\n"
	"publishes the public key.  RSA keys are 2048 bits unless --bits says\n"
	"otherwise (1024 to 4096); Ed25519 keys (RFC 8463) take no --bits.\n"
	"Never overwrites: if either file exists, nothing is written.  DIR is\n"
	"created (mode 0700) when missing; inside a git work tree, git must\n"
	"ignore the private key's path (a '*.private.pem' line in .gitignore).",
	CLI_OPTIONS(dkim_options, dkim_defaults),
	1,
	cmd_dkim_exec
};
