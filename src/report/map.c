/*
 * map.c - a map from byte strings to indexes, for the reports already met
 * and the sources of a summary: open addressing, FNV-1a, grown at half
 * full.  Keys are copied.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "internal.h"

struct slot {
	char	*key;		/* NULL: empty */
	size_t	 keylen;
	size_t	 value;
	uint64_t hash;
};

struct report_map {
	struct slot	*slots;
	size_t		 cap;		/* a power of two */
	size_t		 used;
};

static uint64_t
hash(const char *key, size_t len)
{
	uint64_t	 h = 14695981039346656037ull;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ull;
	}
	return h;
}

static struct slot *
find(struct report_map *m, const char *key, size_t len, uint64_t h)
{
	size_t		 i = (size_t)h & (m->cap - 1);
	struct slot	*s;

	for (;; i = (i + 1) & (m->cap - 1)) {
		s = &m->slots[i];
		if (s->key == NULL || (s->hash == h && s->keylen == len &&
		    memcmp(s->key, key, len) == 0))
			return s;
	}
}

static void
grow(struct report_map *m)
{
	struct slot	*old = m->slots, *s;
	size_t		 oldcap = m->cap, i;

	m->cap = oldcap == 0 ? 64 : oldcap * 2;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		s = find(m, old[i].key, old[i].keylen, old[i].hash);
		*s = old[i];
	}
	free(old);
}

size_t
report_map_get(struct report_map **mp, const char *key, size_t keylen,
    size_t value_if_new, int *added)
{
	struct report_map	*m = *mp;
	struct slot		*s;
	uint64_t		 h = hash(key, keylen);

	if (m == NULL)
		m = *mp = xcalloc(1, sizeof(*m));
	if ((m->used + 1) * 2 > m->cap)
		grow(m);
	s = find(m, key, keylen, h);
	if (s->key != NULL) {
		*added = 0;
		return s->value;
	}
	s->key = xmalloc(keylen + 1);
	memcpy(s->key, key, keylen);
	s->key[keylen] = '\0';
	s->keylen = keylen;
	s->hash = h;
	s->value = value_if_new;
	m->used++;
	*added = 1;
	return value_if_new;
}

int
report_map_find(const struct report_map *m, const char *key, size_t keylen,
    size_t *value)
{
	const struct slot	*s;

	if (m == NULL)
		return 0;
	s = find((struct report_map *)m, key, keylen, hash(key, keylen));
	if (s->key == NULL)
		return 0;
	*value = s->value;
	return 1;
}

void
report_map_set(struct report_map **mp, const char *key, size_t keylen,
    size_t value)
{
	struct report_map	*m;
	int			 added;

	report_map_get(mp, key, keylen, value, &added);
	m = *mp;
	if (!added)
		find(m, key, keylen, hash(key, keylen))->value = value;
}

void
report_map_free(struct report_map *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}
