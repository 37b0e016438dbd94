/*
 * testutil.h - helpers shared by the unit tests.
 */
#ifndef MAILAUTH_TESTUTIL_H
#define MAILAUTH_TESTUTIL_H

/*
 * The path of sub inside the test corpora ($MAILAUTH_CORPORA, default
 * ../shared/corpora from the top of the checkout).  When it is missing:
 * under CI=true the calling test fails; otherwise it prints that the corpus
 * is missing and returns NULL, and the caller must print that it ran 0
 * cases.  The returned path is overwritten by the next call.
 */
const char	*test_corpus(const char *sub);

/* Tests run from the top of the checkout; fixtures live here. */
#define FIXTURES	"tests/fixtures"

#endif
