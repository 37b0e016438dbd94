/*
 * suggest.c - "did you mean": edit distance and the closest known name
 * (mailauth/suggest.h).
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "mailauth/suggest.h"

#define SUGGEST_EDITS	2	/* most edits a suggestion may be away */

size_t
suggest_distance(const char *a, const char *b)
{
	size_t	 d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];
	size_t	 la = strlen(a), lb = strlen(b), i, j, cost, v;

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *
suggest_closest(const char *word, const char *const *names, size_t n)
{
	size_t	 i, best = n, bestd = SUGGEST_EDITS + 1, dist;

	for (i = 0; i < n; i++) {
		dist = suggest_distance(word, names[i]);
		if (dist < bestd && dist < strlen(word)) {
			bestd = dist;
			best = i;
		}
	}
	return best < n ? names[best] : NULL;
}
