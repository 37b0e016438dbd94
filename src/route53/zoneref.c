/*
 * zoneref.c - a hosted zone named by its id or by its domain name
 * (mailauth/zoneref.h).
 */
#include <string.h>

#include "mailauth/zoneref.h"

int
zone_ref_is_id(const char *s)
{
	size_t	 n;

	for (n = 0; s[n] != '\0'; n++)
		if (!(s[n] >= 'A' && s[n] <= 'Z') &&
		    !(s[n] >= '0' && s[n] <= '9'))
			return 0;
	return n >= 1 && n <= ZONE_ID_MAX;
}

void
zone_ref_parse(const char *s, struct zone_ref *ref)
{
	const char	*id = s;

	if (strncmp(id, ZONE_ID_PREFIX, strlen(ZONE_ID_PREFIX)) == 0)
		id += strlen(ZONE_ID_PREFIX);
	if (zone_ref_is_id(id)) {
		ref->kind = ZONE_REF_ID;
		ref->value = id;
	} else {
		ref->kind = ZONE_REF_NAME;
		ref->value = s;
	}
}
