/*
 * rrset.c - the resource record set model shared by every layer.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"

static const struct rrset_field_name names[RRSET_NFIELDS] = {
	[RRSET_SET_IDENTIFIER]	= { "SetIdentifier", "set_identifier", NULL },
	[RRSET_WEIGHT]		= { "Weight", "weight", "weighted" },
	[RRSET_REGION]		= { "Region", "region", "latency" },
	[RRSET_GEO_CONTINENT]	= { "GeoLocation/ContinentCode",
				    "geo_continent_code", "geolocation" },
	[RRSET_GEO_COUNTRY]	= { "GeoLocation/CountryCode",
				    "geo_country_code", "geolocation" },
	[RRSET_GEO_SUBDIVISION]	= { "GeoLocation/SubdivisionCode",
				    "geo_subdivision_code", "geolocation" },
	[RRSET_FAILOVER]	= { "Failover", "failover", "failover" },
	[RRSET_MULTIVALUE]	= { "MultiValueAnswer", "multivalue_answer",
				    "multivalue answer" },
	[RRSET_HEALTH_CHECK]	= { "HealthCheckId", "health_check_id", NULL },
	[RRSET_TRAFFIC_POLICY]	= { "TrafficPolicyInstanceId",
				    "traffic_policy_instance_id",
				    "traffic flow" },
	[RRSET_CIDR_COLLECTION]	= { "CidrRoutingConfig/CollectionId",
				    "cidr_collection_id", "IP-based" },
	[RRSET_CIDR_LOCATION]	= { "CidrRoutingConfig/LocationName",
				    "cidr_location_name", "IP-based" },
	[RRSET_GEOPROX_REGION]	= { "GeoProximityLocation/AWSRegion",
				    "geoproximity_aws_region", "geoproximity" },
	[RRSET_GEOPROX_LOCAL_ZONE] = { "GeoProximityLocation/LocalZoneGroup",
				    "geoproximity_local_zone_group",
				    "geoproximity" },
	[RRSET_GEOPROX_LATITUDE] = {
				    "GeoProximityLocation/Coordinates/Latitude",
				    "geoproximity_latitude", "geoproximity" },
	[RRSET_GEOPROX_LONGITUDE] = {
				    "GeoProximityLocation/Coordinates/Longitude",
				    "geoproximity_longitude", "geoproximity" },
	[RRSET_GEOPROX_BIAS]	= { "GeoProximityLocation/Bias",
				    "geoproximity_bias", "geoproximity" },
};

const struct rrset_field_name *
rrset_field_name(enum rrset_field f)
{
	return &names[f];
}

static char *
dup_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

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
	dst->alias_target = dup_null(src->alias_target);
	dst->alias_zone = dup_null(src->alias_zone);
	dst->alias_health = dup_null(src->alias_health);
	for (i = 0; i < RRSET_NFIELDS; i++)
		dst->routing[i] = dup_null(src->routing[i]);
}

void
rrset_field_set(struct rrset *rs, enum rrset_field f, const char *value)
{
	free(rs->routing[f]);
	rs->routing[f] = dup_null(value);
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
	free(rs->alias_zone);
	free(rs->alias_health);
	for (i = 0; i < RRSET_NFIELDS; i++)
		free(rs->routing[i]);
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
	    !rrset_routing_equal(a, b))
		return 0;
	for (i = 0; i < a->nvalues; i++)
		if (strcmp(a->values[i], b->values[i]) != 0)
			return 0;
	return 1;
}

int
rrset_routing_equal(const struct rrset *a, const struct rrset *b)
{
	size_t	 i;

	if (!streq_null(a->alias_target, b->alias_target) ||
	    !streq_null(a->alias_zone, b->alias_zone) ||
	    !streq_null(a->alias_health, b->alias_health))
		return 0;
	for (i = 0; i < RRSET_NFIELDS; i++)
		if (!streq_null(a->routing[i], b->routing[i]))
			return 0;
	return 1;
}

const char *
rrset_policy(const struct rrset *rs)
{
	size_t	 i;

	for (i = 0; i < RRSET_NFIELDS; i++)
		if (rs->routing[i] != NULL && names[i].policy != NULL)
			return names[i].policy;
	if (rs->routing[RRSET_HEALTH_CHECK] != NULL)
		return "health-checked";
	if (rs->routing[RRSET_SET_IDENTIFIER] != NULL)
		return "non-simple";
	return NULL;
}
