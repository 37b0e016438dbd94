/*
 * suggest.h - "did you mean": the known name closest to a word that was
 * not recognised, for the config's unknown keys and templates and the
 * command line's unknown commands and options.
 */
#ifndef MAILAUTH_SUGGEST_H
#define MAILAUTH_SUGGEST_H

#include <stddef.h>

#define SUGGEST_MAX	40	/* longest word or name worth comparing */

/* Optimal string alignment distance between a and b (insertions,
 * deletions, substitutions and swaps of neighbours), ignoring ASCII case;
 * SIZE_MAX when either is longer than SUGGEST_MAX. */
size_t	suggest_distance(const char *a, const char *b);

/*
 * The name of names[0..n) closest to word: at most 2 edits away and fewer
 * edits than word has characters (so "x" suggests nothing), the first of
 * equally close names winning; NULL when none is that close.  Points into
 * names.
 */
const char *suggest_closest(const char *word, const char *const *names,
	    size_t n);

#endif
