/*
 * cmd-validate.c - "mailauth validate": the config and the records it
 * produces, checked offline.  Nothing is sent anywhere.
 */
#include <stdio.h>

#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/plan.h"
#include "cli.h"

struct cmd_validate_opts {
	long	 at;		/* --at; -1 unset */
};

static int
cmd_validate_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	const struct cmd_validate_opts	*o = opts;
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;
	struct desired	*desired = NULL;
	size_t		 ndesired = 0;
	int		 rc = EXIT_OK;

	(void)nargs;
	(void)args;
	if (cli_load_config(g, &cfg) == -1)
		return EXIT_ERROR;
	/* desired_build renders every record and checks it as plan would. */
	if (desired_build(&cfg, cli_day(o->at), &desired, &ndesired,
	    &d) == -1) {
		cli_diags(&d);
		cli_error("%zu error%s in the records '%s' produces",
		    d.nerrors, d.nerrors == 1 ? "" : "s", g->config);
		rc = EXIT_ERROR;
	} else {
		cli_diags(&d);
		printf("%s is valid: %zu domain%s, %zu record%s to manage.\n",
		    g->config, cfg.ndomains, cfg.ndomains == 1 ? "" : "s",
		    ndesired, ndesired == 1 ? "" : "s");
	}
	diags_release(&d);
	desired_release(desired, ndesired);
	cfg_release(&cfg);
	return rc;
}

static const struct cli_option validate_options[] = {
	CLI_OPT_AT(struct cmd_validate_opts, at),
	CLI_OPT_END
};

static const struct cmd_validate_opts validate_defaults = { .at = -1 };

const struct cmd_entry cmd_validate_entry = {
	"validate",
	"[-c FILE] [--at YYYY-MM-DD]",
	"check the configuration and its records offline",
	"Checks the configuration file against the schema (docs/configuration.md),\n"
	"reads the DKIM public keys it names, and checks every record it produces\n"
	"against the RFCs (docs/records.md), reporting every problem with its\n"
	"file:line:column.  Makes no network request and needs no credentials, so\n"
	"it suits a pre-commit hook or a pipeline's first step.  The record of every\n"
	"stage of a DMARC rollout is checked, whatever the day (--at is taken so that\n"
	"a pipeline can give every command the same day).",
	CLI_OPTIONS(validate_options, validate_defaults),
	0,
	cmd_validate_exec
};
