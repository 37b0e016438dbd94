/*
 * zoneref.h - how a hosted zone is named: by its Route 53 id or by its
 * domain name.  One meaning for every place that tells the two apart.
 *
 * A Route 53 hosted zone id is 1 to ZONE_ID_MAX upper-case letters and
 * digits ("Z0123456789ABC"); the API also writes it with the prefix
 * "/hostedzone/".  Anything else names a zone by its domain name.
 */
#ifndef MAILAUTH_ZONEREF_H
#define MAILAUTH_ZONEREF_H

#define ZONE_ID_MAX	32
#define ZONE_ID_PREFIX	"/hostedzone/"

enum zone_ref_kind {
	ZONE_REF_ID,		/* value is the id, without the prefix */
	ZONE_REF_NAME		/* value is the name as given */
};

struct zone_ref {
	enum zone_ref_kind	 kind;
	const char		*value;		/* borrowed from the parsed
						 * string */
};

/* Tells an id (with or without "/hostedzone/") from a name; never fails.
 * ref->value points into s. */
void	zone_ref_parse(const char *s, struct zone_ref *ref);
/* 1 when s is a hosted zone id as Route 53 returns it, without the
 * prefix: 1 to ZONE_ID_MAX upper-case letters and digits. */
int	zone_ref_is_id(const char *s);

#endif
