/*
 * cmd-validate.c - "mailauth validate": the config and the records it
 * produces, checked offline.  Nothing is sent anywhere.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/dmarc.h"
#include "mailauth/plan.h"
#include "cli.h"

/* Checks each record mailauth would write; returns the number of errors. */
static size_t
check_records(const struct desired *v, size_t n)
{
	struct diags	 d = DIAGS_INIT;
	size_t		 i, nerrors;

	for (i = 0; i < n; i++) {
		char	*name = dns_name_display(v[i].name);

		switch (v[i].kind) {
		case RECORD_DMARC:
			dmarc_check(v[i].text, name, &d);
			break;
		}
		free(name);
	}
	cli_diags(&d);
	nerrors = d.nerrors;
	diags_release(&d);
	return nerrors;
}

static int
cmd_validate_exec(const struct cli_opts *o)
{
	struct cfg	 cfg;
	struct desired	*desired = NULL;
	size_t		 ndesired = 0, nerrors;

	if (cli_load_config(o, &cfg) == -1)
		return EXIT_ERROR;
	desired_build(&cfg, &desired, &ndesired);
	nerrors = check_records(desired, ndesired);
	if (nerrors == 0)
		printf("%s is valid: %zu domain%s, %zu record%s to manage.\n",
		    o->config, cfg.ndomains, cfg.ndomains == 1 ? "" : "s",
		    ndesired, ndesired == 1 ? "" : "s");
	else
		cli_error("%zu error%s in the records '%s' produces",
		    nerrors, nerrors == 1 ? "" : "s", o->config);
	desired_release(desired, ndesired);
	cfg_release(&cfg);
	return nerrors == 0 ? EXIT_OK : EXIT_ERROR;
}

const struct cmd_entry cmd_validate_entry = {
	"validate",
	"[-c FILE]",
	"check the configuration and its records offline",
	"Checks the configuration file against the schema (docs/configuration.md)\n"
	"and the records it produces against the RFCs, and reports every problem\n"
	"with its file:line:column.  Makes no network request and needs no\n"
	"credentials, so it suits a pre-commit hook or a pipeline's first step.",
	0,
	0,
	cmd_validate_exec
};
