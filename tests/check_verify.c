/*
 * check_verify.c - unit tests for src/verify/ against a small DNS server
 * on loopback, run in a thread here, whose answers each test gives as a
 * function: the public delegation check, the SPF tree's budget of
 * queries (a spent budget is "could not check", never a finding), and the
 * checks of one domain built from desired records by hand.
 */
#include <check.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/desired.h"
#include "mailauth/err.h"
#include "mailauth/resolve.h"
#include "mailauth/verify.h"
#include "fake_dns.h"

Suite	*verify_suite(void);

#define RR_MAX	8

/* What the server answers to one question. */
struct reply {
	int	 rcode;
	int	 n;
	int	 type[RR_MAX];
	char	 data[RR_MAX][256];	/* TXT text, a name, an IPv4 address */
};

typedef void (*answer_fn)(const char *qname, int qtype, struct reply *);

struct server {
	int		 fd;
	int		 port;
	volatile int	 stop;
	answer_fn	 fn;
	pthread_t	 thread;
	int		 queries;
};

/* The question of a query: its name (dotted, lower case) and type; the
 * end of the question in *end.  -1 when it is not one. */
static int
question(const unsigned char *q, size_t len, char *name, size_t cap,
    int *type, size_t *end)
{
	size_t	 off = 12, o = 0, n, i;

	while (off < len && q[off] != 0) {
		n = q[off++];
		if (off + n > len || o + n + 2 > cap)
			return -1;
		for (i = 0; i < n; i++)
			name[o++] = (char)(q[off + i] >= 'A' && q[off + i] <= 'Z' ?
			    q[off + i] + 32 : q[off + i]);
		name[o++] = '.';
		off += n;
	}
	if (o > 0)
		o--;
	name[o] = '\0';
	if (off + 5 > len)
		return -1;
	*type = q[off + 1] << 8 | q[off + 2];
	*end = off + 5;
	return 0;
}

static void
respond(struct server *s, const unsigned char *q, size_t len,
    struct sockaddr_in *from, socklen_t fromlen)
{
	struct buf	 b = BUF_INIT, rd = BUF_INIT;
	struct reply	 r;
	struct in_addr	 a;
	char		 name[256];
	size_t		 end;
	int		 type, i;

	if (len < 12 || question(q, len, name, sizeof(name), &type,
	    &end) == -1)
		return;
	memset(&r, 0, sizeof(r));
	s->fn(name, type, &r);
	buf_add(&b, q, 2);
	fake_dns_put16(&b, 0x8180 | (unsigned)r.rcode);
	fake_dns_put16(&b, 1);
	fake_dns_put16(&b, (unsigned)r.n);
	fake_dns_put16(&b, 0);
	fake_dns_put16(&b, 0);
	buf_add(&b, q + 12, end - 12);
	for (i = 0; i < r.n; i++) {
		buf_reset(&rd);
		if (r.type[i] == RESOLVE_TXT) {
			buf_addc(&rd, (char)strlen(r.data[i]));
			buf_adds(&rd, r.data[i]);
		} else if (r.type[i] == RESOLVE_A) {
			inet_pton(AF_INET, r.data[i], &a);
			buf_add(&rd, &a, 4);
		} else {
			if (r.type[i] == RESOLVE_MX)
				fake_dns_put16(&rd, 10);
			fake_dns_put_name(&rd, r.data[i]);
		}
		buf_add(&b, "\xc0\x0c", 2);
		fake_dns_put16(&b, (unsigned)r.type[i]);
		fake_dns_put16(&b, 1);
		fake_dns_put16(&b, 0);
		fake_dns_put16(&b, 60);
		fake_dns_put16(&b, (unsigned)rd.len);
		buf_add(&b, rd.data, rd.len);
	}
	sendto(s->fd, b.data, b.len, 0, (struct sockaddr *)from, fromlen);
	buf_release(&b);
	buf_release(&rd);
}

static void *
serve(void *arg)
{
	struct server		*s = arg;
	struct pollfd		 p;
	struct sockaddr_in	 from;
	socklen_t		 fromlen;
	unsigned char		 q[512];
	ssize_t			 n;

	while (!s->stop) {
		p.fd = s->fd;
		p.events = POLLIN;
		if (poll(&p, 1, 50) <= 0)
			continue;
		fromlen = sizeof(from);
		n = recvfrom(s->fd, q, sizeof(q), 0, (struct sockaddr *)&from,
		    &fromlen);
		if (n > 0) {
			s->queries++;
			respond(s, q, (size_t)n, &from, fromlen);
		}
	}
	return NULL;
}

static void
server_start(struct server *s, answer_fn fn)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	memset(s, 0, sizeof(*s));
	s->fn = fn;
	s->fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(s->fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&sin, &len), 0);
	s->port = ntohs(sin.sin_port);
	ck_assert_int_eq(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void
server_stop(struct server *s)
{
	s->stop = 1;
	pthread_join(s->thread, NULL);
	close(s->fd);
}

static struct resolve *
channel(const struct server *s, long budget)
{
	char			 spec[32];
	const char		*servers[] = { spec };
	struct resolve_opts	 o = { .servers = servers, .nservers = 1,
				    .timeout_ms = 1000, .tries = 2, .budget = budget };
	struct resolve		*r;
	struct err		 err;

	snprintf(spec, sizeof(spec), "127.0.0.1:%d", s->port);
	ck_assert_msg(resolve_open(&r, &o, &err) == 0, "%s", err.msg);
	return r;
}

static void
add(struct reply *r, int type, const char *data)
{
	r->type[r->n] = type;
	snprintf(r->data[r->n++], sizeof(r->data[0]), "%s", data);
}

/* --- delegation --- */

static void
zones(const char *qname, int qtype, struct reply *r)
{
	if (qtype != RESOLVE_NS)
		return;
	if (strcmp(qname, "a.test") == 0) {
		add(r, RESOLVE_NS, "NS-1.awsdns.test");
		add(r, RESOLVE_NS, "ns-2.awsdns.test");
	} else if (strcmp(qname, "b.test") == 0)
		add(r, RESOLVE_NS, "ns1.registrar.test");
	else if (strcmp(qname, "broken.test") == 0)
		r->rcode = 2;
	else
		r->rcode = 3;
}

START_TEST(test_delegation)
{
	static char		*own[] = { "ns-2.awsdns.test.", "ns-1.awsdns.test." };
	static char		*one[] = { "ns-1.awsdns.test." };
	struct server		 s;
	struct resolve		*r;
	struct verify_report	 rep;

	server_start(&s, zones);
	r = channel(&s, 0);
	/* The same set, in another order and case: no finding. */
	memset(&rep, 0, sizeof(rep));
	verify_delegation(r, "a.test.", own, 2, &rep);
	ck_assert_uint_eq(rep.n, 0);
	verify_report_release(&rep);
	/* A subset is not the set. */
	verify_delegation(r, "a.test.", one, 1, &rep);
	ck_assert_uint_eq(rep.nfindings, 1);
	ck_assert_str_eq(rep.v[0].check, "delegation");
	ck_assert_str_eq(rep.v[0].name, "a.test");
	verify_report_release(&rep);
	verify_delegation(r, "b.test.", own, 2, &rep);
	ck_assert_uint_eq(rep.nfindings, 1);
	ck_assert_str_eq(rep.v[0].message, "'b.test' is not delegated to this "
	    "hosted zone: the public DNS names 'ns1.registrar.test', the hosted "
	    "zone's name servers are 'ns-2.awsdns.test, ns-1.awsdns.test'");
	verify_report_release(&rep);
	verify_delegation(r, "gone.test.", own, 2, &rep);
	ck_assert_uint_eq(rep.nfindings, 1);
	ck_assert_ptr_nonnull(strstr(rep.v[0].message, "names no name server"));
	verify_report_release(&rep);
	/* SERVFAIL: could not check, no finding. */
	verify_delegation(r, "broken.test.", own, 2, &rep);
	ck_assert_uint_eq(rep.nfindings, 0);
	ck_assert_uint_eq(rep.nunchecked, 1);
	ck_assert_str_eq(rep.v[0].check, VERIFY_UNCHECKED);
	ck_assert_msg(strstr(rep.v[0].message, "could not check the "
	    "NS records at 'broken.test': SERVFAIL from 127.0.0.1:") != NULL, "%s", rep.v[0].message);
	verify_report_release(&rep);
	resolve_close(r);
	server_stop(&s);
}
END_TEST

/* --- one domain --- */

/* a.test's SPF includes i0.a.test, which includes i1.a.test, ... each
 * with an a: and an mx: term whose targets exist: a chain as long as the
 * walk goes, costing 4 queries a level. */
static void
chain(const char *qname, int qtype, struct reply *r)
{
	char	 text[200];
	int	 i;

	if (strcmp(qname, "a.test") == 0 && qtype == RESOLVE_TXT)
		add(r, RESOLVE_TXT, "v=spf1 include:i0.a.test -all");
	else if (sscanf(qname, "i%d.a.test", &i) == 1 && qtype == RESOLVE_TXT) {
		snprintf(text, sizeof(text), "v=spf1 a:h%d.a.test mx:h%d.a.test "
		    "include:i%d.a.test -all", i, i, i + 1);
		add(r, RESOLVE_TXT, text);
	} else if (qname[0] == 'h' && qtype == RESOLVE_A)
		add(r, RESOLVE_A, "192.0.2.1");
	else if (qname[0] == 'h' && qtype == RESOLVE_MX)
		add(r, RESOLVE_MX, "mx.a.test");
	else if (qname[0] != 'h')
		r->rcode = 3;
}

static struct desired
spf_desired(const struct cfg_domain *dom, const char *text)
{
	struct desired	 w;

	memset(&w, 0, sizeof(w));
	w.domain = dom;
	w.kind = RECORD_SPF;
	w.name = xstrdup("a.test.");
	w.type = xstrdup("TXT");
	w.text = xstrdup(text);
	return w;
}

/* desired_release() without freeing the array, which is on the stack. */
static void
w_release(struct desired *w, size_t n)
{
	struct desired	*copy = xcalloc(n, sizeof(*copy));

	memcpy(copy, w, n * sizeof(*copy));
	desired_release(copy, n);
}

START_TEST(test_budget_spent_is_unchecked)
{
	struct cfg_domain	 dom;
	struct desired		 w;
	struct server		 s;
	struct resolve		*r;
	struct verify_report	 rep;
	size_t			 i, budget = 0;

	memset(&dom, 0, sizeof(dom));
	dom.name = "a.test";
	w = spf_desired(&dom, "v=spf1 include:i0.a.test -all");
	server_start(&s, chain);
	r = channel(&s, 0);
	memset(&rep, 0, sizeof(rep));
	verify_domain(r, &dom, &w, 1, &rep);
	/* The tree is over the limit, and the walk stopped at the budget
	 * of the domain: no query past it. */
	ck_assert_int_eq(s.queries, RESOLVE_BUDGET_DEFAULT);
	ck_assert_uint_eq(rep.queries, RESOLVE_BUDGET_DEFAULT);
	for (i = 0; i < rep.n; i++)
		if (rep.v[i].unchecked) {
			ck_assert_msg(strstr(rep.v[i].message, "the budget "
			    "of queries is spent") != NULL, "%s",
			    rep.v[i].message);
			budget++;
		}
	ck_assert_uint_ge(budget, 1);
	/* The count found is a finding even so ("at least"). */
	for (i = 0; i < rep.n; i++)
		if (strcmp(rep.v[i].check, "spf-lookups") == 0)
			break;
	ck_assert_uint_lt(i, rep.n);
	ck_assert_ptr_nonnull(strstr(rep.v[i].message, "needs at least "));
	verify_report_release(&rep);
	resolve_close(r);
	server_stop(&s);
	w_release(&w, 1);
}
END_TEST

/* The live record differs from the config only in spacing and case. */
static void
equivalent(const char *qname, int qtype, struct reply *r)
{
	if (strcmp(qname, "a.test") == 0 && qtype == RESOLVE_TXT) {
		add(r, RESOLVE_TXT, "google-site-verification=x");
		add(r, RESOLVE_TXT, "V=SPF1  IP4:192.0.2.0/24   -ALL");
	} else
		r->rcode = 3;
}

START_TEST(test_equivalent_and_other_values)
{
	struct cfg_domain	 dom, other;
	struct desired		 w[2];
	struct server		 s;
	struct resolve		*r;
	struct verify_report	 rep;

	memset(&dom, 0, sizeof(dom));
	memset(&other, 0, sizeof(other));
	dom.name = "a.test";
	other.name = "b.test";
	w[0] = spf_desired(&dom, "v=spf1 ip4:192.0.2.0/24 -all");
	/* Another domain's record is not asked for. */
	w[1] = spf_desired(&other, "v=spf1 -all");
	server_start(&s, equivalent);
	r = channel(&s, 0);
	memset(&rep, 0, sizeof(rep));
	verify_domain(r, &dom, w, 2, &rep);
	ck_assert_uint_eq(rep.n, 0);
	ck_assert_int_eq(s.queries, 1);
	ck_assert_str_eq(rep.domain, "a.test");
	verify_report_release(&rep);
	resolve_close(r);
	server_stop(&s);
	w_release(w, 2);
}
END_TEST

/* --- the DNS-querying terms of a record --- */

START_TEST(test_spf_lookups)
{
	static const struct {
		const char	*text;
		const char	*want;	/* kind:target each, "" for none */
	} cases[] = {
		{ "v=spf1 -all", "" },
		{ "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 exp=x.test -all",
		  "" },
		{ "v=spf1 include:A.test ~include:b.test -all",
		  "include:a.test. include:b.test." },
		{ "v=spf1 a mx a/24 mx:m.test/24//64 a:h.test ptr ptr:p.test -all",
		  "a:- mx:- a:- mx:m.test. a:h.test. ptr:- ptr:-" },
		{ "v=spf1 exists:%{i}.x.test include:%{d}.y.test -all",
		  "exists:macro include:macro" },
		/* redirect is applied only without all; last whatever its
		 * place. */
		{ "v=spf1 redirect=r.test a", "a:- redirect:r.test." },
		{ "v=spf1 redirect=r.test -all", "" },
		{ "v=spf1 REDIRECT=r.test INCLUDE:i.test",
		  "include:i.test. redirect:r.test." },
		{ "v=spf1 include: include:a..test exists", "include:invalid "
		  "include:invalid exists:invalid" },
		{ "v=spf1   include:a.test    ", "include:a.test." },
	};
	static const char *const kinds[] = { "include", "a", "mx", "ptr",
	    "exists", "redirect" };
	struct verify_spf_lookup	*v;
	struct buf			 got = BUF_INIT;
	size_t				 i, k, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = verify_spf_lookups(cases[i].text, strlen(cases[i].text),
		    &v);
		buf_reset(&got);
		for (k = 0; k < n; k++)
			buf_addf(&got, "%s%s:%s", k > 0 ? " " : "",
			    kinds[v[k].kind], v[k].macro ? "macro" :
			    v[k].invalid ? "invalid" : v[k].target != NULL ?
			    v[k].target : "-");
		ck_assert_msg(strcmp(buf_str(&got), cases[i].want) == 0,
		    "%s: got '%s'", cases[i].text, buf_str(&got));
		verify_spf_lookups_release(v, n);
	}
	/* A NUL byte is a byte of its term: "a\0a" is no a mechanism, and
	 * the terms after it are still read. */
	n = verify_spf_lookups("v=spf1 a\0a include:x.test", 26, &v);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].target, "x.test.");
	verify_spf_lookups_release(v, n);
	/* Nor is a NUL a qualifier. */
	n = verify_spf_lookups("v=spf1 \0a", 9, &v);
	ck_assert_uint_eq(n, 0);
	verify_spf_lookups_release(v, n);
	buf_release(&got);
}
END_TEST

/* --- a zone's own servers beside the recursive ones --- */

/* The zone's server: authoritative for a.test only, so a CNAME out of
 * the zone comes without its target's records, and a name outside is
 * refused. */
static void
zone_only(const char *qname, int qtype, struct reply *r)
{
	(void)qtype;
	if (strcmp(qname, "s1._domainkey.a.test") == 0)
		add(r, RESOLVE_CNAME, "tok.dkim.other.test");
	else if (strcmp(qname, "_dmarc.a.test") == 0)
		add(r, RESOLVE_TXT, "v=DMARC1; p=reject");
	else
		r->rcode = 5;
}

/* The recursive server: the rest of the world, but a stale copy of the
 * zone (a cache verify must not be fooled by). */
static void
world(const char *qname, int qtype, struct reply *r)
{
	(void)qtype;
	if (strcmp(qname, "tok.dkim.other.test") == 0)
		add(r, RESOLVE_TXT, "v=DKIM1; k=ed25519; p=1fA0z6fTK1A7i/BKdDtU"
		    "dx3aht/a0YvL4IRqoGgeY/M=");
	else if (strcmp(qname, "_dmarc.a.test") == 0)
		add(r, RESOLVE_TXT, "v=DMARC1; p=none");
	else
		r->rcode = 3;
}

START_TEST(test_zone_and_recursive)
{
	struct cfg_domain	 dom;
	struct desired		 w[2];
	struct server		 zs, ws;
	struct resolve		*r;
	struct resolve_opts	 o;
	struct verify_report	 rep;
	struct err		 err;
	char			 zspec[32], wspec[32];
	const char		*zv[] = { zspec }, *wv[] = { wspec };

	memset(&dom, 0, sizeof(dom));
	dom.name = "a.test";
	memset(w, 0, sizeof(w));
	w[0].domain = w[1].domain = &dom;
	w[0].kind = RECORD_DKIM;
	w[0].name = xstrdup("s1._domainkey.a.test.");
	w[0].type = xstrdup("CNAME");
	w[0].text = xstrdup("tok.dkim.other.test.");
	w[1].kind = RECORD_DMARC;
	w[1].name = xstrdup("_dmarc.a.test.");
	w[1].type = xstrdup("TXT");
	w[1].text = xstrdup("v=DMARC1; p=reject");
	server_start(&zs, zone_only);
	server_start(&ws, world);
	snprintf(zspec, sizeof(zspec), "127.0.0.1:%d", zs.port);
	snprintf(wspec, sizeof(wspec), "127.0.0.1:%d", ws.port);
	memset(&o, 0, sizeof(o));
	o.servers = wv;
	o.nservers = 1;
	o.zone = "a.test";
	o.zone_servers = zv;
	o.nzone_servers = 1;
	o.timeout_ms = 1000;
	ck_assert_msg(resolve_open(&r, &o, &err) == 0, "%s", err.msg);
	memset(&rep, 0, sizeof(rep));
	verify_domain(r, &dom, w, 2, &rep);
	/* _dmarc from the zone's server (p=reject, as configured), the
	 * CNAME's target from the recursive one. */
	ck_assert_msg(rep.n == 0, "%s", rep.n > 0 ? rep.v[0].message : "");
	ck_assert_int_eq(zs.queries, 2);
	ck_assert_int_eq(ws.queries, 1);
	verify_report_release(&rep);
	resolve_close(r);
	server_stop(&zs);
	server_stop(&ws);
	w_release(w, 2);
}
END_TEST

Suite *
verify_suite(void)
{
	Suite	*s = suite_create("verify");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_spf_lookups);
	tcase_add_test(tc, test_delegation);
	tcase_add_test(tc, test_zone_and_recursive);
	tcase_add_test(tc, test_budget_spent_is_unchecked);
	tcase_add_test(tc, test_equivalent_and_other_values);
	suite_add_tcase(s, tc);
	return s;
}
