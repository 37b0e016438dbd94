/*
 * check_main.c - runs every Check suite of the unit tests in one runner.
 *
 * The suites are found by the Makefile: every tests/check_*.c that defines a
 * function "NAME_suite(void)" at the start of a line is listed in the
 * generated suites.h, so adding a test file is enough to run it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define SUITE(name) Suite *name(void);
#include "suites.h"
#undef SUITE

const char *
test_corpus(const char *sub)
{
	static char	 path[4096];
	const char	*root = getenv("MAILAUTH_CORPORA");

	if (root == NULL || *root == '\0')
		root = "../shared/corpora";
	snprintf(path, sizeof(path), "%s/%s", root, sub);
	if (access(path, R_OK) == 0)
		return path;
	if (getenv("CI") != NULL && strcmp(getenv("CI"), "true") == 0)
		ck_abort_msg("corpus '%s' is missing (set MAILAUTH_CORPORA); under CI=true that fails", path);
	printf("corpus '%s' is missing: set MAILAUTH_CORPORA to run its cases\n", path);
	return NULL;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(NULL);
#define SUITE(name) srunner_add_suite(sr, name());
#include "suites.h"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
