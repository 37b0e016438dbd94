/*
 * cred_process.c - credential_process: a profile's command, run through
 * the runner the chain was given (process.c holds the real one), and the
 * credentials it prints.  Reached from the profile source (cred_profile.c).
 */
#include <string.h>


#include "mailauth/buf.h"
#include "mailauth/chain.h"
#include "mailauth/err.h"
#include "mailauth/process.h"
#include "mailauth/profile.h"

int
aws_creds_process_get(const struct aws_creds_setup *s, time_t now,
    const struct aws_profile *p, const char *cmd,
    struct aws_creds_answer *ans, struct err *err)
{
	const struct aws_process_runner	*r = s->runner;
	struct buf			 out = BUF_INIT;
	char				 when[21];
	int				 status, rc = -1;

	if (r == NULL)
		return err_set(err, "credential_process of profile '%s': no "
		    "way to run it here", p->name);
	if (r->run(r->ctx, cmd, AWS_PROCESS_OUT_MAX, AWS_PROCESS_TIMEOUT_S,
	    &out, &status, err) == -1) {
		err_prefix(err, "credential_process of profile '%s'", p->name);
		goto out;
	}
	if (status != 0) {
		if (status > 128)
			err_set(err, "credential_process of profile '%s' was "
			    "killed by signal %d", p->name, status - 128);
		else
			err_set(err, "credential_process of profile '%s' "
			    "exited with status %d", p->name, status);
		goto out;
	}
	if (aws_creds_parse_json(out.data, out.len, AWS_JSON_PROCESS,
	    &ans->creds, &ans->expiration, err) == -1) {
		err_prefix(err, "credential_process of profile '%s' printed "
		    "no usable credentials", p->name);
		goto out;
	}
	if (ans->expiration != 0 && ans->expiration <= now) {
		aws_time_format(ans->expiration, when);
		aws_creds_answer_release(ans);
		err_set(err, "credential_process of profile '%s' returned "
		    "credentials that expired at %s", p->name, when);
		goto out;
	}
	rc = 1;
out:
	buf_release_wiped(&out);
	return rc;
}
