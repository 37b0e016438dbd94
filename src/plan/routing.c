/*
 * routing.c - record sets with a routing policy at a managed name.
 *
 * mailauth manages simple record sets only.  A weighted, latency,
 * failover, geolocation, geoproximity, multivalue answer, IP-based or
 * traffic flow set is one of several sets at its name that together
 * answer queries; replacing one of them as if it were the only one would
 * change how the name answers (moto) or be refused by Route 53 for good
 * (a DELETE without the set's routing fields matches no set).  So such a
 * set, of a type mailauth would write at the name, stops the plan with an
 * error naming it and saying what to do.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/plan.h"

#define IDENT_SHOWN	64	/* SetIdentifier characters in a message */

/* 1 when mailauth would write a set of rs's type for want. */
static int
touched(const struct desired *want, const struct rrset *rs)
{
	if (record_kind_writes_mx(want->kind))
		return strcmp(rs->type, "MX") == 0;
	return strcmp(rs->type, "TXT") == 0 || strcmp(rs->type, "CNAME") == 0;
}

int
plan_routing_check(const struct desired *want, const struct live *l,
    struct diags *d)
{
	struct buf		 ident = BUF_INIT, more = BUF_INIT;
	const struct rrset	*first = NULL;
	const char		*id;
	char			*display;
	size_t			 i, n = 0;

	for (i = 0; i < l->nsets; i++)
		if (touched(want, &l->sets[i]) &&
		    rrset_policy(&l->sets[i]) != NULL && n++ == 0)
			first = &l->sets[i];
	if (first == NULL)
		return 0;
	if ((id = first->routing[RRSET_SET_IDENTIFIER]) != NULL) {
		buf_adds(&ident, " with SetIdentifier '");
		buf_add_clean(&ident, id, strlen(id), NULL, 0, IDENT_SHOWN);
		buf_addc(&ident, '\'');
	}
	if (n > 1)
		buf_addf(&more, " (and %zu more set%s there)", n - 1,
		    n == 2 ? "" : "s");
	display = dns_name_display(want->name);
	diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: the %s record set%s has "
	    "the %s routing policy%s; mailauth manages only simple record "
	    "sets: make it a simple record set in the Route 53 console, or "
	    "drop %s from the config", display, first->type, buf_str(&ident),
	    rrset_policy(first), buf_str(&more), record_kind_name(want->kind));
	free(display);
	buf_release(&ident);
	buf_release(&more);
	return -1;
}
