/*
 * reportauth.c - the external report authorization records a domain's
 * DMARC record needs (RFC 9990 §4, mailauth/dmarc-report.h), asked of DNS:
 * for every rua/ruf mailto: address whose domain R is outside the domain's
 * Organizational Domain, R must publish D._report._dmarc.R TXT starting
 * "v=DMARC1", or receivers drop the address.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/desired.h"
#include "mailauth/diag.h"
#include "mailauth/dmarc.h"
#include "mailauth/dmarc-report.h"
#include "mailauth/err.h"
#include "mailauth/resolve.h"
#include "mailauth/verify.h"
#include "internal.h"

static void
judge(struct verify_report *rep, const struct dmarc_report_auth *a,
    const struct resolve_answer *ans, const char *domain)
{
	char	*e = NULL, *live = NULL;
	size_t	 i, owned = 0;

	if (!verify_answered(ans)) {
		verify_unchecked(rep, ans, "the report authorization record");
		return;
	}
	for (i = 0; i < ans->nrrs; i++) {
		if (!dmarc_is_record(ans->rrs[i].data))
			continue;
		owned++;
		free(e);
		if ((e = verify_first_error(dmarc_report_auth_check,
		    ans->rrs[i].data, ans->rrs[i].len)) == NULL)
			return;
		free(live);
		live = verify_shown(ans->rrs[i].data, ans->rrs[i].len);
	}
	if (owned == 0)
		verify_add(rep, a->name, "report-auth", 0, "'%s' has not "
		    "authorised DMARC reports about '%s': no TXT record starting "
		    "'v=DMARC1' at '%s' (RFC 9990 §4), so receivers drop the "
		    "report addresses at '%s'", a->report_domain, domain,
		    a->name, a->report_domain);
	else
		verify_add(rep, a->name, "report-auth", 0, "the report "
		    "authorization record at '%s' is '%s', which receivers "
		    "discard (%s), so they drop the report addresses at '%s'",
		    a->name, live, e, a->report_domain);
	free(e);
	free(live);
}

void
verify_report_auths(struct resolve *r, const struct desired *w,
    struct verify_report *rep)
{
	struct dmarc_record	 rec;
	struct dmarc_report_auth *v = NULL;
	struct resolve_answer	*ans;
	const char		*uris;
	const char		*tags[] = { "rua", "ruf" };
	size_t			 n = 0, i;

	if (dmarc_parse(w->text, &rec, NULL) == -1)
		return;
	for (i = 0; i < 2; i++)
		if ((uris = dmarc_tag_get(&rec, tags[i])) != NULL)
			dmarc_report_auths(w->domain->name, uris, &v, &n);
	dmarc_record_release(&rec);
	ans = xcalloc(n + 1, sizeof(*ans));
	for (i = 0; i < n; i++)
		if (!v[i].too_long)
			resolve_query(r, v[i].name, RESOLVE_TXT, &ans[i]);
	resolve_wait(r);
	for (i = 0; i < n; i++) {
		if (v[i].too_long)
			verify_add(rep, v[i].name, "report-auth", 0, "the report "
			    "authorization name '%s' is longer than DNS allows: "
			    "receivers can never verify '%s' and drop its report "
			    "addresses", v[i].name, v[i].report_domain);
		else
			judge(rep, &v[i], &ans[i], w->domain->name);
		resolve_answer_release(&ans[i]);
	}
	free(ans);
	dmarc_report_auths_release(v, n);
}
