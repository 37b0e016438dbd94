/*
 * resolve.c - DNS queries with c-ares (mailauth/resolve.h): a channel on
 * the recursive servers and, when a zone is given, one on its own name
 * servers for the names in it; queries in parallel under one budget, one
 * event loop over both, and the answers parsed with c-ares' parsers.  The
 * CNAME chain of an answer is read here by hand (c-ares has no parser
 * that gives it), with ares_expand_name() for the names.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <ares.h>
#include <ares_dns.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/resolve.h"

#define DNS_CLASS_IN	1
#define HEADER_SIZE	12

/* One c-ares channel and its servers. */
struct chan {
	ares_channel			 channel;	/* NULL: not open */
	struct ares_addr_port_node	*nodes;		/* NULL: the system's */
	size_t				 nnodes;
	char				*servers;	/* for messages */
};

struct resolve {
	struct chan	 pub;		/* recursive: the given servers or
					 * the system's */
	struct chan	 zone;		/* the zone's own, for names in it */
	char		*zone_name;	/* canonical; NULL without zone */
	int		 tries;
	long		 left;		/* of the budget */
	size_t		 pending;
};

/* One query in flight; the CNAMEs it follows reuse it. */
struct pending {
	struct resolve		*r;
	struct chan		*c;	/* where the last query went */
	struct resolve_answer	*ans;
};

static const char *const status_names[] = {
	[RESOLVE_OK] = "ok",
	[RESOLVE_NODATA] = "no record of the type",
	[RESOLVE_NXDOMAIN] = "NXDOMAIN",
	[RESOLVE_SERVFAIL] = "SERVFAIL",
	[RESOLVE_REFUSED] = "REFUSED",
	[RESOLVE_TIMEOUT] = "timeout",
	[RESOLVE_UNREACHABLE] = "server unreachable",
	[RESOLVE_GARBAGE] = "bad answer",
	[RESOLVE_BUDGET] = "query budget spent",
};

const char *
resolve_status_name(enum resolve_status s)
{
	return (size_t)s < sizeof(status_names) / sizeof(status_names[0]) ?
	    status_names[s] : "?";
}

/* A name as the answers carry it, canonical; a name dns_name_canon()
 * refuses is kept lower-cased with one trailing dot. */
static char *
canon(const char *name)
{
	char	*c = dns_name_canon(name, NULL);
	size_t	 i, n;

	if (c != NULL)
		return c;
	n = strlen(name);
	c = xmalloc(n + 2);
	for (i = 0; i < n; i++)
		c[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ?
		    name[i] + 32 : name[i]);
	if (n == 0 || c[n - 1] != '.')
		c[n++] = '.';
	c[n] = '\0';
	return c;
}

/* --- servers --- */

static void
node_add(struct chan *r, int family, const void *addr, int port)
{
	struct ares_addr_port_node	*nd = xcalloc(1, sizeof(*nd));
	struct ares_addr_port_node	**tail;

	nd->family = family;
	if (family == AF_INET)
		memcpy(&nd->addr.addr4, addr, sizeof(nd->addr.addr4));
	else
		memcpy(&nd->addr.addr6, addr, sizeof(nd->addr.addr6));
	nd->udp_port = nd->tcp_port = port;
	for (tail = &r->nodes; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = nd;
	r->nnodes++;
}

/* Splits "HOST[:PORT]" into host (malloc'd) and port; -1 when it is not
 * one. */
static int
split_server(const char *spec, char **host, int *port)
{
	const char	*colon, *end;
	char		*stop;
	long		 p = 53;

	if (spec[0] == '[') {
		if ((end = strchr(spec, ']')) == NULL || end == spec + 1)
			return -1;
		*host = xstrndup(spec + 1, (size_t)(end - spec - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
		if (colon == NULL && end[1] != '\0') {
			free(*host);
			return -1;
		}
	} else {
		colon = strchr(spec, ':');
		/* Two colons or more: an IPv6 address without a port. */
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			colon = NULL;
		*host = colon != NULL ? xstrndup(spec, (size_t)(colon - spec)) :
		    xstrdup(spec);
	}
	if (colon != NULL) {
		if (colon[1] < '0' || colon[1] > '9')
			goto bad;
		p = strtol(colon + 1, &stop, 10);
		if (*stop != '\0' || p < 1 || p > 65535)
			goto bad;
	}
	if (**host == '\0')
		goto bad;
	*port = (int)p;
	return 0;
bad:
	free(*host);
	*host = NULL;
	return -1;
}

static int
server_add(struct chan *r, const char *spec, struct err *err)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	struct in_addr	 a4;
	struct in6_addr	 a6;
	char		*host = NULL;
	int		 port, rc;

	if (split_server(spec, &host, &port) == -1)
		return err_set(err, "'%s' is not a DNS server as HOST[:PORT]",
		    spec);
	if (inet_pton(AF_INET, host, &a4) == 1)
		node_add(r, AF_INET, &a4, port);
	else if (inet_pton(AF_INET6, host, &a6) == 1)
		node_add(r, AF_INET6, &a6, port);
	else {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_DGRAM;
		if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0) {
			err_set(err, "cannot resolve the DNS server '%s': %s",
			    host, gai_strerror(rc));
			free(host);
			return -1;
		}
		for (ai = res; ai != NULL; ai = ai->ai_next) {
			if (r->nnodes >= RESOLVE_SERVERS_MAX)
				break;
			if (ai->ai_family == AF_INET)
				node_add(r, AF_INET, &((struct sockaddr_in *)
				    (void *)ai->ai_addr)->sin_addr, port);
			else if (ai->ai_family == AF_INET6)
				node_add(r, AF_INET6, &((struct sockaddr_in6 *)
				    (void *)ai->ai_addr)->sin6_addr, port);
		}
		freeaddrinfo(res);
	}
	free(host);
	return 0;
}

/* r->servers from the channel's list, whoever made it. */
static void
servers_text(struct chan *r)
{
	struct ares_addr_port_node	*list = NULL, *nd;
	struct buf			 b = BUF_INIT;
	char				 a[INET6_ADDRSTRLEN];

	if (ares_get_servers_ports(r->channel, &list) == ARES_SUCCESS)
		for (nd = list; nd != NULL; nd = nd->next) {
			if (inet_ntop(nd->family, &nd->addr, a,
			    sizeof(a)) == NULL)
				continue;
			if (b.len > 0)
				buf_adds(&b, ", ");
			buf_addf(&b, nd->family == AF_INET6 ? "[%s]:%d" :
			    "%s:%d", a, nd->udp_port != 0 ? nd->udp_port : 53);
		}
	ares_free_data(list);
	if (b.len == 0)
		buf_adds(&b, "the system's resolver");
	r->servers = buf_detach(&b);
}

/*
 * Opens c on the n servers (none: the system's).  With some, a server
 * that cannot be used is skipped while another is left.
 */
static int
chan_open(struct chan *c, const char *const *servers, size_t n, int some,
    int norecurse, const struct resolve_opts *o, int tries, struct err *err)
{
	struct ares_options	 ao;
	size_t			 i;
	int			 rc;

	for (i = 0; i < n; i++)
		if (server_add(c, servers[i], err) == -1 && !some)
			return -1;
	/* With some, the last error stands when no server is left. */
	if (n > 0 && c->nnodes == 0) {
		if (!some || err == NULL || err->msg[0] == '\0')
			err_set(err, "'%s' has no address", servers[0]);
		return -1;
	}
	memset(&ao, 0, sizeof(ao));
	/* NOCHECKRESP: a SERVFAIL or REFUSED answer comes back as such;
	 * otherwise c-ares 1.18 tries the next server and, once all did the
	 * same, reports it as "connection refused", which would name the
	 * wrong cause. */
	ao.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES |
	    ARES_FLAG_NOCHECKRESP | (norecurse ? ARES_FLAG_NORECURSE : 0);
	ao.timeout = o->timeout_ms > 0 ? o->timeout_ms : RESOLVE_TIMEOUT_MS;
	ao.tries = tries;
	rc = ares_init_options(&c->channel, &ao, ARES_OPT_FLAGS |
	    ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (rc != ARES_SUCCESS) {
		c->channel = NULL;
		return err_set(err, "cannot start c-ares: %s",
		    ares_strerror(rc));
	}
	if (c->nodes != NULL &&
	    (rc = ares_set_servers_ports(c->channel, c->nodes)) != ARES_SUCCESS)
		return err_set(err, "cannot use the DNS servers: %s",
		    ares_strerror(rc));
	servers_text(c);
	return 0;
}

static void
chan_close(struct chan *c)
{
	struct ares_addr_port_node	*nd, *next;

	if (c->channel != NULL)
		ares_destroy(c->channel);
	for (nd = c->nodes; nd != NULL; nd = next) {
		next = nd->next;
		free(nd);
	}
	free(c->servers);
}

int
resolve_open(struct resolve **out, const struct resolve_opts *o,
    struct err *err)
{
	struct resolve	*r;
	int		 rc;

	*out = NULL;
	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS)
		return err_set(err, "cannot start c-ares: %s",
		    ares_strerror(rc));
	r = xcalloc(1, sizeof(*r));
	r->tries = o->tries > 0 ? o->tries : RESOLVE_TRIES;
	r->left = o->budget > 0 ? o->budget : RESOLVE_BUDGET_DEFAULT;
	if (chan_open(&r->pub, o->servers, o->nservers, 0, 0, o, r->tries,
	    err) == -1)
		goto fail;
	if (o->zone != NULL) {
		if ((r->zone_name = dns_name_canon(o->zone, err)) == NULL ||
		    chan_open(&r->zone, o->zone_servers, o->nzone_servers, 1,
		    1, o, r->tries, err) == -1)
			goto fail;
	}
	*out = r;
	return 0;
fail:
	resolve_close(r);
	return -1;
}

void
resolve_close(struct resolve *r)
{
	if (r == NULL)
		return;
	chan_close(&r->pub);
	chan_close(&r->zone);
	free(r->zone_name);
	free(r);
	ares_library_cleanup();
}

const char *
resolve_servers(const struct resolve *r)
{
	return r->pub.servers;
}

const char *
resolve_zone_servers(const struct resolve *r)
{
	return r->zone_name != NULL ? r->zone.servers : NULL;
}

long
resolve_budget_left(const struct resolve *r)
{
	return r->left;
}

void
resolve_budget_reset(struct resolve *r, long n)
{
	r->left = n > 0 ? n : RESOLVE_BUDGET_DEFAULT;
}

/* --- answers --- */

void
resolve_answer_release(struct resolve_answer *a)
{
	size_t	 i;

	for (i = 0; i < a->nrrs; i++)
		free(a->rrs[i].data);
	free(a->rrs);
	free(a->name);
	free(a->cname);
	free(a->target);
	free(a->why);
	memset(a, 0, sizeof(*a));
}

static void
rr_add(struct resolve_answer *a, const void *data, size_t len, int pref)
{
	struct resolve_rr	*rr = xappend(&a->rrs, &a->nrrs,
				    sizeof(*a->rrs));

	rr->data = xmalloc(len + 1);
	memcpy(rr->data, data, len);
	rr->data[len] = '\0';
	rr->len = len;
	rr->pref = pref;
}

static void
rr_add_name(struct resolve_answer *a, const char *name, int pref)
{
	char	*c = canon(name);

	rr_add(a, c, strlen(c), pref);
	free(c);
}

static void
set_why(struct resolve_answer *a, enum resolve_status s, const char *why)
{
	a->status = s;
	free(a->why);
	a->why = why != NULL ? xstrdup(why) : NULL;
}

/* A name at abuf + off, expanded; its encoded length in *enclen.  NULL
 * when it does not parse. */
static char *
expand(const unsigned char *abuf, size_t len, size_t off, long *enclen)
{
	char	*name = NULL, *c;

	if (off >= len || ares_expand_name(abuf + off, abuf, (int)len, &name,
	    enclen) != ARES_SUCCESS)
		return NULL;
	c = canon(name);
	ares_free_string(name);
	return c;
}

struct cname_rr {
	char	*owner;
	char	*target;
};

static void
cnames_release(struct cname_rr *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].owner);
		free(v[i].target);
	}
	free(v);
}

/* The CNAME records of the answer section into *v; -1 when it does not
 * parse.  *qname receives the question's name. */
static int
read_cnames(const unsigned char *abuf, size_t len, char **qname,
    struct cname_rr **v, size_t *n, struct err *err)
{
	size_t		 off, i, an, rdlen;
	long		 enclen;
	char		*owner;
	int		 type, class;

	*qname = NULL;
	if (len < HEADER_SIZE)
		return err_set(err, "an answer of %zu bytes, shorter than a "
		    "DNS header", len);
	if (DNS_HEADER_QDCOUNT(abuf) != 1)
		return err_set(err, "an answer with %u questions, not one",
		    DNS_HEADER_QDCOUNT(abuf));
	an = DNS_HEADER_ANCOUNT(abuf);
	if ((*qname = expand(abuf, len, HEADER_SIZE, &enclen)) == NULL)
		return err_set(err, "an answer whose question does not parse");
	off = HEADER_SIZE + (size_t)enclen + 4;
	for (i = 0; i < an; i++) {
		if ((owner = expand(abuf, len, off, &enclen)) == NULL)
			return err_set(err, "an answer whose record %zu does "
			    "not parse", i + 1);
		off += (size_t)enclen;
		if (off + 10 > len) {
			free(owner);
			return err_set(err, "an answer cut inside record %zu",
			    i + 1);
		}
		type = DNS_RR_TYPE(abuf + off);
		class = DNS_RR_CLASS(abuf + off);
		rdlen = DNS_RR_LEN(abuf + off);
		off += 10;
		if (off + rdlen > len) {
			free(owner);
			return err_set(err, "an answer cut inside record %zu",
			    i + 1);
		}
		if (type == RESOLVE_CNAME && class == DNS_CLASS_IN) {
			struct cname_rr	*c = xappend(v, n, sizeof(**v));

			c->owner = owner;
			owner = NULL;
			if ((c->target = expand(abuf, off + rdlen, off,
			    &enclen)) == NULL)
				return err_set(err, "an answer whose CNAME "
				    "record %zu does not parse", i + 1);
		}
		free(owner);
		off += rdlen;
	}
	return 0;
}

int
resolve_answer_chain(const unsigned char *abuf, size_t len, char **target,
    char **first, int *hops, struct err *err)
{
	struct cname_rr	*v = NULL;
	size_t		 n = 0, i;
	char		*qname = NULL, *seen[RESOLVE_CNAME_MAX + 1];
	const char	*cur;
	int		 h = 0, k, rc = -1;

	*target = *first = NULL;
	*hops = 0;
	if (read_cnames(abuf, len, &qname, &v, &n, err) == -1)
		goto out;
	cur = qname;
	seen[0] = qname;
	for (;;) {
		for (i = 0; i < n && strcmp(v[i].owner, cur) != 0; i++)
			;
		if (i == n)
			break;
		for (k = 0; k <= h; k++)
			if (strcmp(seen[k], v[i].target) == 0) {
				err_set(err, "a CNAME loop at '%s'", cur);
				goto out;
			}
		if (h == RESOLVE_CNAME_MAX) {
			err_set(err, "a chain of more than %d CNAMEs",
			    RESOLVE_CNAME_MAX);
			goto out;
		}
		cur = seen[++h] = v[i].target;
	}
	*target = xstrdup(cur);
	*first = h > 0 ? xstrdup(seen[1]) : NULL;
	*hops = h;
	rc = 0;
out:
	free(qname);
	cnames_release(v, n);
	return rc;
}

static void
parse_txt(const unsigned char *abuf, int len, struct resolve_answer *a)
{
	struct ares_txt_ext	*txt = NULL, *t;
	struct buf		 rec = BUF_INIT;
	int			 rc, open = 0;

	if ((rc = ares_parse_txt_reply_ext(abuf, len, &txt)) != ARES_SUCCESS) {
		if (rc == ARES_ENODATA)
			a->status = RESOLVE_NODATA;
		else
			set_why(a, RESOLVE_GARBAGE, ares_strerror(rc));
		return;
	}
	/* A record's character-strings are joined with nothing between
	 * them (RFC 7208 §3.3, RFC 6376 §3.6.2.2). */
	for (t = txt; t != NULL; t = t->next) {
		if (t->record_start && open) {
			rr_add(a, rec.data != NULL ? rec.data : "", rec.len, 0);
			buf_reset(&rec);
		}
		open = 1;
		buf_add(&rec, t->txt, t->length);
	}
	if (open)
		rr_add(a, rec.data != NULL ? rec.data : "", rec.len, 0);
	buf_release(&rec);
	ares_free_data(txt);
}

static void
parse_mx(const unsigned char *abuf, int len, struct resolve_answer *a)
{
	struct ares_mx_reply	*mx = NULL, *m;
	int			 rc;

	if ((rc = ares_parse_mx_reply(abuf, len, &mx)) != ARES_SUCCESS) {
		if (rc == ARES_ENODATA)
			a->status = RESOLVE_NODATA;
		else
			set_why(a, RESOLVE_GARBAGE, ares_strerror(rc));
		return;
	}
	for (m = mx; m != NULL; m = m->next)
		rr_add_name(a, m->host, m->priority);
	ares_free_data(mx);
}

/* NS, A and AAAA: c-ares gives a hostent. */
static void
parse_hostent(const unsigned char *abuf, int len, int type,
    struct resolve_answer *a)
{
	struct hostent	*h = NULL;
	char		 addr[INET6_ADDRSTRLEN];
	size_t		 i;
	int		 rc;

	if (type == RESOLVE_NS)
		rc = ares_parse_ns_reply(abuf, len, &h);
	else if (type == RESOLVE_A)
		rc = ares_parse_a_reply(abuf, len, &h, NULL, NULL);
	else
		rc = ares_parse_aaaa_reply(abuf, len, &h, NULL, NULL);
	if (rc != ARES_SUCCESS) {
		if (rc == ARES_ENODATA)
			a->status = RESOLVE_NODATA;
		else
			set_why(a, RESOLVE_GARBAGE, ares_strerror(rc));
		return;
	}
	if (type == RESOLVE_NS)
		for (i = 0; h->h_aliases != NULL && h->h_aliases[i] != NULL;
		    i++)
			rr_add_name(a, h->h_aliases[i], 0);
	else
		for (i = 0; h->h_addr_list != NULL &&
		    h->h_addr_list[i] != NULL; i++)
			if (inet_ntop(h->h_addrtype, h->h_addr_list[i], addr,
			    sizeof(addr)) != NULL)
				rr_add(a, addr, strlen(addr), 0);
	ares_free_hostent(h);
	if (a->nrrs == 0)
		a->status = RESOLVE_NODATA;
}

/* PTR: c-ares' parser wants an address to put in its hostent; any
 * will do, the names are what is read. */
static void
parse_ptr(const unsigned char *abuf, int len, struct resolve_answer *a)
{
	static const unsigned char	 any[4];
	struct hostent			*h = NULL;
	size_t				 n;
	int				 rc;

	rc = ares_parse_ptr_reply(abuf, len, any, sizeof(any), AF_INET, &h);
	if (rc != ARES_SUCCESS) {
		if (rc == ARES_ENODATA)
			a->status = RESOLVE_NODATA;
		else
			set_why(a, RESOLVE_GARBAGE, ares_strerror(rc));
		return;
	}
	if (h->h_name != NULL && (n = strlen(h->h_name)) > 0)
		rr_add(a, h->h_name, h->h_name[n - 1] == '.' ? n - 1 : n, 0);
	ares_free_hostent(h);
}

void
resolve_answer_parse(const unsigned char *abuf, size_t len, int type,
    struct resolve_answer *a)
{
	struct err	 err;
	int		 rcode;

	a->type = type;
	a->status = RESOLVE_OK;
	if (len > RESOLVE_ANSWER_MAX) {
		err_set(&err, "an answer of %zu bytes, over the limit of %d",
		    len, RESOLVE_ANSWER_MAX);
		set_why(a, RESOLVE_GARBAGE, err.msg);
		return;
	}
	if (len < HEADER_SIZE) {
		set_why(a, RESOLVE_GARBAGE, "an answer shorter than a DNS "
		    "header");
		return;
	}
	switch ((rcode = DNS_HEADER_RCODE(abuf))) {
	case 0:
	case 3:
		break;
	case 2:
		set_why(a, RESOLVE_SERVFAIL, "SERVFAIL");
		return;
	case 5:
		set_why(a, RESOLVE_REFUSED, "REFUSED");
		return;
	default:
		err_set(&err, "an answer with rcode %d", rcode);
		set_why(a, RESOLVE_GARBAGE, err.msg);
		return;
	}
	free(a->cname);
	free(a->target);
	err_clear(&err);
	if (resolve_answer_chain(abuf, len, &a->target, &a->cname, &a->hops,
	    &err) == -1) {
		set_why(a, RESOLVE_GARBAGE, err.msg);
		return;
	}
	if (rcode == 3) {
		a->status = RESOLVE_NXDOMAIN;
		return;
	}
	switch (type) {
	case RESOLVE_TXT:
		parse_txt(abuf, (int)len, a);
		break;
	case RESOLVE_MX:
		parse_mx(abuf, (int)len, a);
		break;
	case RESOLVE_NS:
	case RESOLVE_A:
	case RESOLVE_AAAA:
		parse_hostent(abuf, (int)len, type, a);
		break;
	case RESOLVE_PTR:
		parse_ptr(abuf, (int)len, a);
		break;
	case RESOLVE_CNAME:
		if (a->cname != NULL)
			rr_add(a, a->cname, strlen(a->cname), 0);
		else
			a->status = RESOLVE_NODATA;
		break;
	default:
		a->status = RESOLVE_NODATA;
		break;
	}
	/* c-ares' parsers may succeed on an answer holding only a CNAME. */
	if (a->status == RESOLVE_OK && a->nrrs == 0)
		a->status = RESOLVE_NODATA;
}

/* --- queries --- */

static void on_answer(void *, int, int, unsigned char *, int);

/*
 * A canonical name (Route 53's "\ooo" octal escapes: a parked domain's
 * "\052._domainkey") as c-ares reads one: each escape decoded, and a dot
 * or backslash inside a label after a '\', which c-ares takes as that
 * character (it would read "\052" as "052").
 */
static char *
ares_name(const char *canon)
{
	struct buf	 out = BUF_INIT;
	const char	*p = canon;
	int		 c;

	while (*p != '\0') {
		if (p[0] != '\\' || p[1] == '\0') {
			buf_addc(&out, *p++);
			continue;
		}
		if (p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			c = (p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0');
			p += 4;
		} else {
			c = (unsigned char)p[1];
			p += 2;
		}
		if (c == '.' || c == '\\')
			buf_addc(&out, '\\');
		buf_addc(&out, (char)c);
	}
	return buf_detach(&out);
}

/* Sends the query for name under p's answer, or settles it when the
 * budget is spent. */
static void
send_query(struct pending *p, const char *name)
{
	char		*qname;

	struct resolve	*r = p->r;

	if (r->left <= 0) {
		set_why(p->ans, RESOLVE_BUDGET, "the budget of queries is "
		    "spent");
		free(p);
		return;
	}
	r->left--;
	r->pending++;
	/* A name in the zone is asked of the zone's own servers; any other
	 * (a CNAME's target elsewhere, an include) of the recursive ones. */
	p->c = r->zone_name != NULL && dns_name_in_zone(name, r->zone_name) ?
	    &r->zone : &r->pub;
	qname = ares_name(name);
	ares_query(p->c->channel, qname, DNS_CLASS_IN, p->ans->type, on_answer,
	    p);
	free(qname);
}

/* What c-ares says when no usable answer came. */
static void
settle_error(struct resolve *r, const struct chan *c,
    struct resolve_answer *a, int status)
{
	struct buf	 b = BUF_INIT;

	switch (status) {
	case ARES_ETIMEOUT:
		buf_addf(&b, "no answer from %s after %d tr%s", c->servers,
		    r->tries, r->tries == 1 ? "y" : "ies");
		set_why(a, RESOLVE_TIMEOUT, buf_str(&b));
		break;
	case ARES_ESERVFAIL:
		buf_addf(&b, "SERVFAIL from %s", c->servers);
		set_why(a, RESOLVE_SERVFAIL, buf_str(&b));
		break;
	case ARES_EREFUSED:
		buf_addf(&b, "REFUSED by %s", c->servers);
		set_why(a, RESOLVE_REFUSED, buf_str(&b));
		break;
	case ARES_ECONNREFUSED:
		buf_addf(&b, "connection refused by %s", c->servers);
		set_why(a, RESOLVE_UNREACHABLE, buf_str(&b));
		break;
	default:
		buf_addf(&b, "%s (from %s)", ares_strerror(status),
		    c->servers);
		set_why(a, RESOLVE_GARBAGE, buf_str(&b));
		break;
	}
	buf_release(&b);
}

/* Moves the answer of one hop into a, the caller's. */
static void
merge(struct resolve_answer *a, struct resolve_answer *next)
{
	if (a->hops == 0) {
		a->cname = next->cname;
		next->cname = NULL;
	}
	a->hops += next->hops;
	free(a->target);
	a->target = next->target;
	next->target = NULL;
	a->status = next->status;
	free(a->why);
	a->why = next->why;
	next->why = NULL;
	a->rrs = next->rrs;
	a->nrrs = next->nrrs;
	next->rrs = NULL;
	next->nrrs = 0;
}

static void
on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct pending		*p = arg;
	struct resolve_answer	*a = p->ans, next;
	int			 alias;

	(void)timeouts;
	p->r->pending--;
	if (abuf == NULL || alen <= 0 || (status != ARES_SUCCESS &&
	    status != ARES_ENODATA && status != ARES_ENOTFOUND)) {
		settle_error(p->r, p->c, a, status);
		free(p);
		return;
	}
	memset(&next, 0, sizeof(next));
	resolve_answer_parse(abuf, (size_t)alen, a->type, &next);
	alias = next.hops > 0;
	merge(a, &next);
	resolve_answer_release(&next);
	/* An alias whose target's records the server did not send (it is
	 * not authoritative for the target, as a zone's own servers are
	 * not): ask for them. */
	if (a->status == RESOLVE_NODATA && a->type != RESOLVE_CNAME && alias) {
		if (a->hops >= RESOLVE_CNAME_MAX) {
			char	 why[64];

			snprintf(why, sizeof(why), "a chain of more than %d "
			    "CNAMEs", RESOLVE_CNAME_MAX);
			set_why(a, RESOLVE_GARBAGE, why);
			free(p);
			return;
		}
		send_query(p, a->target);
		return;
	}
	free(p);
}

void
resolve_query(struct resolve *r, const char *name, int type,
    struct resolve_answer *ans)
{
	struct pending	*p;

	memset(ans, 0, sizeof(*ans));
	ans->type = type;
	ans->name = canon(name);
	if (dns_name_length_check(name, NULL) == -1) {
		set_why(ans, RESOLVE_GARBAGE, "not a DNS name");
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->r = r;
	p->ans = ans;
	send_query(p, ans->name);
}

/* ares_getsock()'s bits, read without its macros, whose 1 << 31 for the
 * last socket is undefined behaviour on an int. */
#define READABLE(bits, i)	(((unsigned)(bits) >> (i)) & 1u)
#define WRITABLE(bits, i)	(((unsigned)(bits) >> ((i) + \
				    ARES_GETSOCK_MAXNUM)) & 1u)

/* Adds c's sockets to pfd (and which channel each is of to of). */
static int
chan_fds(struct chan *c, struct pollfd *pfd, struct chan **of, int n)
{
	ares_socket_t	 socks[ARES_GETSOCK_MAXNUM];
	int		 bits, i;

	if (c->channel == NULL)
		return n;
	bits = ares_getsock(c->channel, socks, ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		if (!READABLE(bits, i) && !WRITABLE(bits, i))
			continue;
		pfd[n].fd = socks[i];
		pfd[n].events = (short)((READABLE(bits, i) ? POLLIN : 0) |
		    (WRITABLE(bits, i) ? POLLOUT : 0));
		pfd[n].revents = 0;
		of[n++] = c;
	}
	return n;
}

/* The milliseconds till c's next timeout, at most max. */
static int
chan_ms(struct chan *c, int max)
{
	struct timeval	 tv, *tvp;
	int		 ms;

	if (c->channel == NULL ||
	    (tvp = ares_timeout(c->channel, NULL, &tv)) == NULL)
		return max;
	ms = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
	return ms < max ? ms : max;
}

void
resolve_wait(struct resolve *r)
{
	struct pollfd	 pfd[2 * ARES_GETSOCK_MAXNUM];
	struct chan	*of[2 * ARES_GETSOCK_MAXNUM];
	int		 i, n;

	while (r->pending > 0) {
		n = chan_fds(&r->zone, pfd, of, chan_fds(&r->pub, pfd, of, 0));
		if (poll(pfd, (nfds_t)n, chan_ms(&r->zone,
		    chan_ms(&r->pub, 1000))) <= 0) {
			/* Timeouts, on both channels. */
			ares_process_fd(r->pub.channel, ARES_SOCKET_BAD,
			    ARES_SOCKET_BAD);
			if (r->zone.channel != NULL)
				ares_process_fd(r->zone.channel,
				    ARES_SOCKET_BAD, ARES_SOCKET_BAD);
			continue;
		}
		for (i = 0; i < n; i++)
			if (pfd[i].revents != 0)
				ares_process_fd(of[i]->channel,
				    pfd[i].revents & (POLLIN | POLLERR |
				    POLLHUP) ? pfd[i].fd : ARES_SOCKET_BAD,
				    pfd[i].revents & POLLOUT ? pfd[i].fd :
				    ARES_SOCKET_BAD);
	}
}
