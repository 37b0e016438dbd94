/*
 * reports.c - where "report", "rollout check" and the gate of "plan" and
 * "apply" read DMARC aggregate reports from: files and folders
 * (src/report/source.c), and s3://BUCKET/PREFIX, listed with
 * ListObjectsV2 and fetched one object at a time with GetObject
 * (src/s3/client.c), so memory holds one report whatever the bucket holds.
 *
 * The S3 endpoint and region come from the environment here, as the AWS
 * CLI takes them (aws_endpoint_resolve()): AWS_ENDPOINT_URL_S3, then
 * AWS_ENDPOINT_URL (path-style requests), else
 * https://BUCKET.s3.REGION.amazonaws.com; the region of
 * the credentials chain (AWS_REGION, AWS_DEFAULT_REGION, the profile's),
 * else us-east-1.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/chain.h"
#include "mailauth/err.h"
#include "mailauth/report.h"
#include "mailauth/s3.h"
#include "mailauth/sts.h"
#include "cli.h"

static time_t
now(void)
{
	return time(NULL);
}

int
cli_reports_need_aws(const char *const *sources, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strncmp(sources[i], "s3://", 5) == 0)
			return 1;
	return 0;
}

static const char *
env_lookup(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* Every object under the prefix of src, one page of the listing at a
 * time.  -1 with err when a listing fails. */
static int
read_s3(const struct s3_client *c, const char *src, struct report_reader *rd,
    struct err *err)
{
	struct s3_listing	 ls;
	struct s3_list		 page;
	struct buf		 body = BUF_INIT;
	struct err		 oerr;
	char			*bucket = NULL, *prefix = NULL, *name;
	uint64_t		 max = 2 * rd->limits.max_size;
	size_t			 i;
	int			 rc = -1;

	memset(&ls, 0, sizeof(ls));
	if (s3_url_parse(src, &bucket, &prefix, err) == -1)
		return -1;
	ls.bucket = bucket;
	ls.prefix = prefix;
	do {
		if (s3_list_next(c, &ls, &page, err) == -1)
			goto out;
		for (i = 0; i < page.nobjects; i++) {
			const struct s3_object	*ob = &page.objects[i];
			size_t			 n = strlen(ob->key);

			/* A console "folder" is an empty key ending in '/'. */
			if (n > 0 && ob->key[n - 1] == '/')
				continue;
			name = xasprintf("s3://%s/%s", bucket, ob->key);
			/* An e-mail may be twice --max-report-size, as a
			 * file may: the kind is known once it is read. */
			if (ob->size > max)
				report_reject(rd, name, "refused: the object of "
				    "%llu bytes is larger than twice %llu bytes "
				    "(--max-report-size); not fetched",
				    (unsigned long long)ob->size,
				    (unsigned long long)rd->limits.max_size);
			else {
				err_clear(&oerr);
				buf_reset(&body);
				if (s3_get_object(c, bucket, ob->key, max,
				    &body, &oerr) == -1)
					report_reject(rd, name, "%s", oerr.msg);
				else
					report_read_mem(rd, name, body.data,
					    body.len);
			}
			free(name);
		}
		s3_list_release(&page);
	} while (!ls.done);
	rc = 0;
out:
	buf_release(&body);
	s3_listing_release(&ls);
	free(bucket);
	free(prefix);
	return rc;
}

int
cli_reports_read(const struct cli_global *o, struct cli_aws *aws,
    const char *const *sources, size_t n, struct report_reader *rd,
    int strict)
{
	const struct sts_client	*sts;
	struct aws_endpoint	 ep;
	struct s3_client	 c;
	struct err		 err;
	size_t			 i;
	int			 rc = -1;

	memset(&c, 0, sizeof(c));
	memset(&ep, 0, sizeof(ep));
	/* GMime and libarchive, on first use: a missing object is one clear
	 * error, not a rejection of every file. */
	err_clear(&err);
	if (report_reader_load(&err) == -1) {
		cli_error("%s", err.msg);
		return -1;
	}
	if (aws != NULL) {
		c.http = &aws->http;
		sts = aws_chain_sts(aws->r53.creds_provider);
		c.region = sts != NULL && sts->region != NULL ? sts->region :
		    S3_DEFAULT_REGION;
		c.creds_provider = aws->r53.creds_provider;
		c.clock = now;
		err_clear(&err);
		/* A configured endpoint gets path-style requests; AWS's own
		 * is the S3 client's to build (virtual-hosted). */
		if (aws_endpoint_resolve(AWS_S3, c.region, o->endpoint_url,
		    env_lookup,
		    NULL, &ep, &err) == -1 || (ep.configured &&
		    http_endpoint_check(ep.url, o->allow_insecure,
		    &err) == -1)) {
			cli_error("the S3 endpoint: %s", err.msg);
			goto out;
		}
		c.endpoint = ep.configured ? ep.url : NULL;
	}
	for (i = 0; i < n; i++) {
		if (strncmp(sources[i], "s3://", 5) != 0) {
			report_read_path(rd, sources[i]);
			continue;
		}
		if (aws == NULL) {
			/* The caller asks cli_reports_need_aws() first. */
			cli_error("'%s': no AWS access to read it", sources[i]);
			goto out;
		}
		err_clear(&err);
		if (read_s3(&c, sources[i], rd, &err) == 0)
			continue;
		if (strict) {
			cli_error("%s", err.msg);
			goto out;
		}
		report_reject(rd, sources[i], "%s", err.msg);
	}
	rc = 0;
out:
	aws_endpoint_release(&ep);
	return rc;
}
