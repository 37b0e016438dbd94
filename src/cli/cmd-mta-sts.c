/*
 * cmd-mta-sts.c - "mailauth mta-sts policy [DOMAIN] [--out DIR]": the
 * MTA-STS policy file (RFC 8461 §3.2) of a domain with mta_sts, which
 * its owner hosts at https://mta-sts.DOMAIN/.well-known/mta-sts.txt
 * (mailauth publishes only the _mta-sts TXT record, whose id is this
 * file's).  Offline: reads the config only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/file.h"
#include "mailauth/mtasts.h"
#include "cli.h"

struct cmd_mta_sts_opts {
	const char	*out;	/* --out DIR; NULL: standard output */
};

/* The domain of cfg named by the operand s (any case, Unicode or
 * A-labels, a final dot allowed), or NULL after printing why not. */
static const struct cfg_domain *
find_domain(const struct cfg *cfg, const char *config, const char *s)
{
	struct err	 err;
	char		*ascii, *p;
	size_t		 i, n;

	err_clear(&err);
	if ((ascii = dns_name_to_ascii(s, &err)) == NULL) {
		cli_error("%s", err.msg);
		return NULL;
	}
	for (p = ascii; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if ((n = strlen(ascii)) > 1 && ascii[n - 1] == '.')
		ascii[n - 1] = '\0';
	for (i = 0; i < cfg->ndomains; i++)
		if (strcmp(cfg->domains[i].name, ascii) == 0)
			break;
	free(ascii);
	if (i == cfg->ndomains) {
		cli_error("'%s' is not a domain of '%s'", s, config);
		return NULL;
	}
	if (!cfg->domains[i].mta_sts.present) {
		cli_error("'%s' has no mta_sts in '%s'", s, config);
		return NULL;
	}
	return &cfg->domains[i];
}

/* Makes DIR/mta-sts.DOMAIN/.well-known and writes the policy there;
 * -1 after printing. */
static int
write_policy(const char *dir, const struct cfg_domain *dom,
    const struct buf *policy)
{
	struct buf	 path = BUF_INIT;
	struct err	 err;
	char		 id[MTASTS_ID_MAX + 1];
	int		 made, rc = -1;

	err_clear(&err);
	if (file_dir_ensure(dir, &made, &err) == -1)
		goto out;
	buf_addf(&path, "%s/mta-sts.%s", dir, dom->name);
	if (file_dir_ensure(buf_str(&path), &made, &err) == -1)
		goto out;
	buf_adds(&path, "/.well-known");
	if (file_dir_ensure(buf_str(&path), &made, &err) == -1)
		goto out;
	buf_adds(&path, "/mta-sts.txt");
	if (file_replace(buf_str(&path), policy->data, policy->len,
	    &err) == -1)
		goto out;
	mtasts_policy_id(policy->data, policy->len, id);
	printf("wrote %s (id=%s)\n", buf_str(&path), id);
	rc = 0;
out:
	if (rc == -1)
		cli_error("%s", err.msg);
	buf_release(&path);
	return rc;
}

static int
cmd_mta_sts_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	const struct cmd_mta_sts_opts	*o = opts;
	const struct cfg_domain		*dom = NULL;
	struct cfg			 cfg;
	struct buf			 policy = BUF_INIT;
	size_t				 i, n = 0;
	int				 rc = EXIT_ERROR;

	if (nargs == 0 || strcmp(args[0], "policy") != 0) {
		if (nargs == 0)
			cli_error("mta-sts needs a subcommand: policy");
		else
			cli_error("unknown mta-sts subcommand '%s'", args[0]);
		cli_usage(stderr, &cmd_mta_sts_entry);
		return EXIT_ERROR;
	}
	if (cli_load_config(g, &cfg) == -1)
		return EXIT_ERROR;
	if (nargs > 1) {
		if ((dom = find_domain(&cfg, g->config, args[1])) == NULL)
			goto out;
		n = 1;
	} else {
		for (i = 0; i < cfg.ndomains; i++)
			if (cfg.domains[i].mta_sts.present && n++ == 0)
				dom = &cfg.domains[i];
		if (n == 0) {
			cli_error("no domain of '%s' has mta_sts", g->config);
			goto out;
		}
		if (n > 1 && o->out == NULL) {
			cli_error("%zu domains of '%s' have mta_sts: name one, "
			    "or give --out DIR to write a file for each", n,
			    g->config);
			goto out;
		}
	}
	if (o->out == NULL) {
		mtasts_policy_render(&dom->mta_sts.spec, &policy);
		if (fwrite(policy.data, 1, policy.len, stdout) != policy.len ||
		    fflush(stdout) != 0) {
			cli_error("cannot write the policy to standard output");
			goto out;
		}
		rc = EXIT_OK;
		goto out;
	}
	for (i = 0; i < cfg.ndomains; i++) {
		const struct cfg_domain	*d = &cfg.domains[i];

		if (!d->mta_sts.present || (nargs > 1 && d != dom))
			continue;
		buf_reset(&policy);
		mtasts_policy_render(&d->mta_sts.spec, &policy);
		if (write_policy(o->out, d, &policy) == -1)
			goto out;
	}
	rc = EXIT_OK;
out:
	buf_release(&policy);
	cfg_release(&cfg);
	return rc;
}

static const struct cli_option mta_sts_options[] = {
	CLI_OPT_STRING("out", struct cmd_mta_sts_opts, out, "DIR",
	    "write DIR/mta-sts.DOMAIN/.well-known/mta-sts.txt for the domain, "
	    "or for every domain with mta_sts (DIR is created when missing)"),
	CLI_OPT_END
};

static const struct cmd_mta_sts_opts mta_sts_defaults = { NULL };

const struct cmd_entry cmd_mta_sts_entry = {
	"mta-sts",
	"policy [DOMAIN] [-c FILE] [--out DIR]",
	"print the MTA-STS policy file a domain must host",
	"Prints the MTA-STS policy file (RFC 8461 section 3.2) of DOMAIN's\n"
	"mta_sts, lines ended by CRLF, as it must be served at\n"
	"https://mta-sts.DOMAIN/.well-known/mta-sts.txt.  mailauth publishes the\n"
	"_mta-sts TXT record, whose id is derived from this file, but does not\n"
	"host the file (docs/records.md: S3 and CloudFront).  Without DOMAIN, the\n"
	"one domain with mta_sts; with --out DIR, a file for DOMAIN or for every\n"
	"such domain, at DIR/mta-sts.DOMAIN/.well-known/mta-sts.txt, ready to\n"
	"copy to the host's root.  Reads the config only.",
	CLI_OPTIONS(mta_sts_options, mta_sts_defaults),
	2,
	cmd_mta_sts_exec
};
