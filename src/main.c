/*
 * main.c - mailauth's entry point; src/cli/ does the rest.
 */
#include "cli/cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
