/*
 * cmd-help.c - "mailauth help [COMMAND]" and "mailauth version".
 */
#include <stdio.h>

#include "cli.h"

#ifndef MAILAUTH_VERSION
#define MAILAUTH_VERSION "dev"
#endif

static int
cmd_help_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	const struct cmd_entry	*cmd = NULL;

	(void)g;
	(void)opts;
	if (nargs == 1 && (cmd = cli_find_command(args[0])) == NULL) {
		cli_unknown_command(args[0]);
		cli_usage(stderr, NULL);
		return EXIT_ERROR;
	}
	cli_help(stdout, cmd);
	return EXIT_OK;
}

static int
cmd_version_exec(const struct cli_global *g, const void *opts, int nargs,
    char **args)
{
	(void)g;
	(void)opts;
	(void)nargs;
	(void)args;
	printf("mailauth %s\n", MAILAUTH_VERSION);
	return EXIT_OK;
}

const struct cmd_entry cmd_help_entry = {
	"help",
	"[COMMAND]",
	"show the commands, or one command's options",
	"Shows what a command does and the options it takes.",
	CLI_NO_OPTIONS,
	1,
	cmd_help_exec
};

const struct cmd_entry cmd_version_entry = {
	"version",
	"",
	"print the version (also: mailauth --version)",
	"Prints the version of mailauth.",
	CLI_NO_OPTIONS,
	0,
	cmd_version_exec
};
