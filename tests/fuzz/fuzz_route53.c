/*
 * fuzz_route53.c - Route 53 answers: the same bytes through every XML
 * parse function of route53.h (zones, one zone, record sets, change info).
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/route53.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*xml = (const char *)data;
	struct r53_zone	*zones, zone;
	struct rrset	*sets;
	struct err	 err;
	size_t		 n;
	int		 truncated;
	char		*next_name, *next_type, *next_id, *id, *status;

	if (r53_xml_parse_zones(xml, size, &zones, &n, &truncated, NULL, &err) == 0) {
		r53_zones_release(zones, n);
		free(zones);
	}
	memset(&zone, 0, sizeof(zone));
	if (r53_xml_parse_zone(xml, size, &zone, &err) == 0)
		r53_zones_release(&zone, 1);
	if (r53_xml_parse_rrsets(xml, size, &sets, &n, &truncated, &next_name,
	    &next_type, &next_id, &err) == 0) {
		r53_rrsets_release(sets, n);
		free(next_name);
		free(next_type);
		free(next_id);
	}
	if (r53_xml_parse_change_info(xml, size, &id, &status, &err) == 0) {
		free(id);
		free(status);
	}
	return 0;
}
