/*
 * fuzz_reportauth.c - report authorization (RFC 9990 §4): the input's
 * first line is the policy domain, the rest a rua/ruf value, as verify
 * reads them from a live record; the Organizational Domain of both; the
 * rest as an authorization record (equivalence, check).
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dmarc-report.h"
#include "mailauth/orgdomain.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarc_report_auth	*v = NULL;
	struct diags			 d = DIAGS_INIT;
	struct buf			 org = BUF_INIT;
	size_t				 n = 0;
	char				*s, *nl, *rest;

	s = fuzz_cstr(data, size);
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		rest = nl + 1;
	} else
		rest = s;
	(void)org_domain(s, &org);
	(void)org_domain(rest, &org);
	(void)org_domain_same(s, rest);
	(void)dmarc_report_auths(s, rest, &v, &n);
	(void)dmarc_report_auths(s, rest, &v, &n);
	dmarc_report_auths_release(v, n);
	(void)dmarc_report_auth_equivalent(rest, "v=DMARC1");
	(void)dmarc_report_auth_equivalent(rest, rest);
	dmarc_report_auth_check(rest, "fuzz", &d);
	diags_release(&d);
	buf_release(&org);
	free(s);
	return 0;
}
