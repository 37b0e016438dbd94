/*
 * rrset.c - the resource record set model shared by every layer.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"

void
rrset_init(struct rrset *rs, const char *name, const char *type, long ttl)
{
	memset(rs, 0, sizeof(*rs));
	rs->name = xstrdup(name);
	rs->type = xstrdup(type);
	rs->ttl = ttl;
}

void
rrset_value_add(struct rrset *rs, const char *value)
{
	char	**slot = xappend(&rs->values, &rs->nvalues, sizeof(*rs->values));

	*slot = xstrdup(value);
}

void
rrset_copy(struct rrset *dst, const struct rrset *src)
{
	size_t	 i;

	rrset_init(dst, src->name, src->type, src->ttl);
	for (i = 0; i < src->nvalues; i++)
		rrset_value_add(dst, src->values[i]);
	if (src->alias_target != NULL)
		dst->alias_target = xstrdup(src->alias_target);
}

void
rrset_release(struct rrset *rs)
{
	size_t	 i;

	for (i = 0; i < rs->nvalues; i++)
		free(rs->values[i]);
	free(rs->values);
	free(rs->name);
	free(rs->type);
	free(rs->alias_target);
	memset(rs, 0, sizeof(*rs));
}

static int
streq_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
rrset_equal(const struct rrset *a, const struct rrset *b)
{
	size_t	 i;

	if (strcmp(a->name, b->name) != 0 || strcmp(a->type, b->type) != 0 ||
	    a->ttl != b->ttl || a->nvalues != b->nvalues ||
	    !streq_null(a->alias_target, b->alias_target))
		return 0;
	for (i = 0; i < a->nvalues; i++)
		if (strcmp(a->values[i], b->values[i]) != 0)
			return 0;
	return 1;
}
