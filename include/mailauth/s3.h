/*
 * s3.h - the little of Amazon S3 that reading DMARC reports needs:
 * ListObjectsV2 and GetObject.
 *
 * Requests are signed with SigV4 for service "s3" in the client's region,
 * with X-Amz-Content-Sha256, through the call core (mailauth/call.h).  With
 * no endpoint override they go to the virtual-hosted endpoint,
 * https://BUCKET.s3.REGION.amazonaws.com/KEY (.com.cn in cn- regions); with
 * one they are path-style, ENDPOINT/BUCKET/KEY, as the AWS CLI sends them to
 * an S3-compatible service.  Answers are XML, parsed with libxml2 with
 * network access, DTDs and entities off.
 *
 * Failures fill err with one line naming the operation and the object:
 *   S3 ListObjectsV2 's3://bucket/prefix': NoSuchBucket: ...
 *   S3 GetObject 's3://bucket/key': AccessDenied: ... (needs s3:GetObject)
 * with err->http_status and err->aws_code set.  AccessDenied names the IAM
 * action that was refused (s3:ListBucket, s3:GetObject).
 */
#ifndef MAILAUTH_S3_H
#define MAILAUTH_S3_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct aws_creds;
struct aws_creds_provider;
struct buf;
struct err;
struct http_transport;

#define S3_DEFAULT_REGION	"us-east-1"
#define S3_LIST_MAX_KEYS	1000
#define S3_LIST_MAX_PAGES	10000	/* 10 million keys: no DMARC bucket
					 * comes near; a listing that goes on
					 * is not S3 */

struct s3_client {
	const struct http_transport	*http;
	/* scheme://host[:port] of an S3-compatible endpoint: path-style
	 * requests; NULL: AWS's virtual-hosted endpoint of region. */
	const char			*endpoint;
	const char			*region;	/* for signing and the
							 * AWS endpoint */
	const struct aws_creds		*creds;
	/* When set, asked for the credentials before each signature
	 * instead of using creds. */
	struct aws_creds_provider	*creds_provider;
	time_t				(*clock)(void);	/* for signing */
};

struct s3_object {
	char		*key;
	uint64_t	 size;
};

/* One page of a listing. */
struct s3_list {
	struct s3_object	*objects;	/* in S3's order (by key) */
	size_t			 nobjects;
	int			 truncated;	/* more pages follow */
	char			*next_token;	/* NextContinuationToken, or
						 * NULL */
};

void	s3_list_release(struct s3_list *);

/*
 * Splits "s3://BUCKET[/PREFIX]" into the bucket and the prefix (malloc'd;
 * the prefix may be "").  -1 with err when src is not such a URL or the
 * bucket name is not one S3 allows (3 to 63 of a-z, 0-9, '.', '-',
 * starting and ending with a letter or digit).
 */
int	s3_url_parse(const char *src, char **bucket, char **prefix,
	    struct err *);

/*
 * ListObjectsV2 (list-type=2) of the keys under prefix ("" for all), one
 * page of at most S3_LIST_MAX_KEYS, from token (NULL: the first page).
 * On -1 out holds nothing.
 */
int	s3_list_objects(const struct s3_client *, const char *bucket,
	    const char *prefix, const char *token, struct s3_list *out,
	    struct err *);

/* Where a listing of every page stands: zero it, set bucket and prefix. */
struct s3_listing {
	const char	*bucket;
	const char	*prefix;
	char		*token;		/* the next page's; NULL: first */
	size_t		 pages;		/* read so far */
	int		 done;		/* the last page was read */
};

/*
 * The next page of the listing l into out (s3_list_objects()); sets
 * l->done after the last.  -1 with err when the request fails or the
 * listing would go past S3_LIST_MAX_PAGES pages.  s3_listing_release()
 * frees the token.
 */
int	s3_list_next(const struct s3_client *, struct s3_listing *l,
	    struct s3_list *out, struct err *);
void	s3_listing_release(struct s3_listing *);

/*
 * GetObject of key into out (appended).  A body larger than max bytes
 * fails ("larger than ...") whatever the listing said.  On -1 out is left
 * as it was.
 */
int	s3_get_object(const struct s3_client *, const char *bucket,
	    const char *key, uint64_t max, struct buf *out, struct err *);

/*
 * The XML layer, exposed for tests and fuzzing.  A ListBucketResult:
 * Contents/Key and Contents/Size, IsTruncated, NextContinuationToken.
 * On -1 out holds nothing and err says what is wrong.
 */
int	s3_xml_parse_list(const char *xml, size_t len, struct s3_list *out,
	    struct err *);
#endif
