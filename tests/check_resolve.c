/*
 * check_resolve.c - unit tests for src/resolve/: DNS answers built here
 * byte by byte and read through resolve_answer_parse() (c-ares' parsers
 * and the CNAME chain), the answer size limit at and past it, the budget
 * of queries, and the servers as HOST[:PORT].
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/resolve.h"
#include "fake_dns.h"

Suite	*resolve_suite(void);

/* --- building answers --- */

/* The header and the question: ancount records follow. */
static void
head(struct buf *b, int rcode, unsigned ancount, const char *qname, int qtype)
{
	fake_dns_put16(b, 0x1234);
	fake_dns_put16(b, 0x8180 | (unsigned)rcode);
	fake_dns_put16(b, 1);
	fake_dns_put16(b, ancount);
	fake_dns_put16(b, 0);
	fake_dns_put16(b, 0);
	fake_dns_put_name(b, qname);
	fake_dns_put16(b, (unsigned)qtype);
	fake_dns_put16(b, 1);
}

static void
rr(struct buf *b, const char *owner, int type, const void *rdata, size_t n)
{
	fake_dns_put_name(b, owner);
	fake_dns_put16(b, (unsigned)type);
	fake_dns_put16(b, 1);
	fake_dns_put16(b, 0);
	fake_dns_put16(b, 300);
	fake_dns_put16(b, (unsigned)n);
	buf_add(b, rdata, n);
}

static void
rr_cname(struct buf *b, const char *owner, const char *target)
{
	struct buf	 t = BUF_INIT;

	fake_dns_put_name(&t, target);
	rr(b, owner, RESOLVE_CNAME, t.data, t.len);
	buf_release(&t);
}

/* A TXT record of the strings in s, separated by '|'. */
static void
rr_txt(struct buf *b, const char *owner, const char *s)
{
	struct buf	 t = BUF_INIT;
	const char	*bar;
	size_t		 n;

	for (;;) {
		bar = strchr(s, '|');
		n = bar != NULL ? (size_t)(bar - s) : strlen(s);
		buf_addc(&t, (char)n);
		buf_add(&t, s, n);
		if (bar == NULL)
			break;
		s = bar + 1;
	}
	rr(b, owner, RESOLVE_TXT, t.data, t.len);
	buf_release(&t);
}

static void
parse(const struct buf *b, int type, struct resolve_answer *a)
{
	memset(a, 0, sizeof(*a));
	resolve_answer_parse((const unsigned char *)b->data, b->len, type, a);
}

/* --- answers --- */

START_TEST(test_txt_joined)
{
	struct buf		 b = BUF_INIT;
	struct resolve_answer	 a;

	head(&b, 0, 3, "a.test", RESOLVE_TXT);
	rr_txt(&b, "a.test", "v=spf1 include:x.test |-all");
	rr_txt(&b, "a.test", "other");
	/* A NUL byte stays: the length says where the record ends. */
	rr_txt(&b, "a.test", "v=spf1 -all");
	b.data[b.len - 5] = '\0';
	parse(&b, RESOLVE_TXT, &a);
	ck_assert_int_eq(a.status, RESOLVE_OK);
	ck_assert_uint_eq(a.nrrs, 3);
	ck_assert_str_eq(a.rrs[0].data, "v=spf1 include:x.test -all");
	ck_assert_uint_eq(a.rrs[0].len, 26);
	ck_assert_str_eq(a.rrs[1].data, "other");
	ck_assert_uint_eq(a.rrs[2].len, 11);
	ck_assert(memcmp(a.rrs[2].data, "v=spf1\0-all", 11) == 0);
	ck_assert_ptr_null(a.cname);
	ck_assert_str_eq(a.target, "a.test.");
	ck_assert_int_eq(a.hops, 0);
	resolve_answer_release(&a);
	buf_release(&b);
}
END_TEST

START_TEST(test_cname_chain)
{
	struct buf		 b = BUF_INIT;
	struct resolve_answer	 a;

	head(&b, 0, 3, "s1._domainkey.a.test", RESOLVE_TXT);
	/* Out of order: the chain is followed by name, not by place. */
	rr_txt(&b, "k.c.test", "v=DKIM1; p=abc");
	rr_cname(&b, "t.b.test", "k.c.test");
	rr_cname(&b, "S1._domainkey.A.test", "t.b.test");
	parse(&b, RESOLVE_TXT, &a);
	ck_assert_int_eq(a.status, RESOLVE_OK);
	ck_assert_str_eq(a.cname, "t.b.test.");
	ck_assert_str_eq(a.target, "k.c.test.");
	ck_assert_int_eq(a.hops, 2);
	ck_assert_uint_eq(a.nrrs, 1);
	ck_assert_str_eq(a.rrs[0].data, "v=DKIM1; p=abc");
	resolve_answer_release(&a);
	buf_release(&b);

	/* Only the alias (an authoritative server of another zone). */
	head(&b, 0, 1, "s1._domainkey.a.test", RESOLVE_TXT);
	rr_cname(&b, "s1._domainkey.a.test", "tok.dkim.other.test");
	parse(&b, RESOLVE_TXT, &a);
	ck_assert_int_eq(a.status, RESOLVE_NODATA);
	ck_assert_str_eq(a.cname, "tok.dkim.other.test.");
	ck_assert_int_eq(a.hops, 1);
	resolve_answer_release(&a);
	buf_release(&b);

	/* A dangling alias through a recursive server: NXDOMAIN, and the
	 * alias is still known. */
	head(&b, 3, 1, "s1._domainkey.a.test", RESOLVE_TXT);
	rr_cname(&b, "s1._domainkey.a.test", "gone.test");
	parse(&b, RESOLVE_TXT, &a);
	ck_assert_int_eq(a.status, RESOLVE_NXDOMAIN);
	ck_assert_str_eq(a.cname, "gone.test.");
	resolve_answer_release(&a);
	buf_release(&b);
}
END_TEST

START_TEST(test_cname_loop_and_length)
{
	struct buf		 b = BUF_INIT;
	struct resolve_answer	 a;
	char			 from[32], to[32];
	int			 i, len;

	head(&b, 0, 2, "x.test", RESOLVE_TXT);
	rr_cname(&b, "x.test", "y.test");
	rr_cname(&b, "y.test", "x.test");
	parse(&b, RESOLVE_TXT, &a);
	ck_assert_int_eq(a.status, RESOLVE_GARBAGE);
	ck_assert_ptr_nonnull(strstr(a.why, "loop"));
	resolve_answer_release(&a);
	buf_release(&b);

	/* RESOLVE_CNAME_MAX CNAMEs are followed; one more is refused. */
	for (len = RESOLVE_CNAME_MAX; len <= RESOLVE_CNAME_MAX + 1; len++) {
		head(&b, 0, (unsigned)len, "c0.test", RESOLVE_TXT);
		for (i = 0; i < len; i++) {
			snprintf(from, sizeof(from), "c%d.test", i);
			snprintf(to, sizeof(to), "c%d.test", i + 1);
			rr_cname(&b, from, to);
		}
		parse(&b, RESOLVE_TXT, &a);
		if (len == RESOLVE_CNAME_MAX) {
			ck_assert_int_eq(a.status, RESOLVE_NODATA);
			ck_assert_int_eq(a.hops, RESOLVE_CNAME_MAX);
		} else
			ck_assert_int_eq(a.status, RESOLVE_GARBAGE);
		resolve_answer_release(&a);
		buf_release(&b);
	}
}
END_TEST

START_TEST(test_rcodes_and_garbage)
{
	static const struct {
		int			 rcode;
		enum resolve_status	 want;
	} cases[] = {
		{ 0, RESOLVE_NODATA }, { 2, RESOLVE_SERVFAIL },
		{ 3, RESOLVE_NXDOMAIN }, { 5, RESOLVE_REFUSED },
		{ 1, RESOLVE_GARBAGE }, { 4, RESOLVE_GARBAGE },
	};
	struct buf		 b = BUF_INIT;
	struct resolve_answer	 a;
	size_t			 i, cut;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		head(&b, cases[i].rcode, 0, "a.test", RESOLVE_TXT);
		parse(&b, RESOLVE_TXT, &a);
		ck_assert_msg(a.status == cases[i].want, "rcode %d: %d",
		    cases[i].rcode, a.status);
		resolve_answer_release(&a);
		buf_release(&b);
	}
	/* Every cut of an answer is refused or read, never over-read
	 * (ASan watches). */
	head(&b, 0, 2, "a.test", RESOLVE_TXT);
	rr_cname(&b, "a.test", "b.test");
	rr_txt(&b, "b.test", "v=spf1 -all");
	for (cut = 0; cut < b.len; cut++) {
		char	*copy = malloc(cut + 1);

		memcpy(copy, b.data, cut);
		memset(&a, 0, sizeof(a));
		resolve_answer_parse((unsigned char *)copy, cut, RESOLVE_TXT,
		    &a);
		ck_assert_msg(a.status == RESOLVE_GARBAGE, "cut at %zu: %d",
		    cut, a.status);
		resolve_answer_release(&a);
		free(copy);
	}
	buf_release(&b);
	/* Two questions. */
	head(&b, 0, 0, "a.test", RESOLVE_TXT);
	b.data[5] = 2;
	parse(&b, RESOLVE_TXT, &a);
	ck_assert_int_eq(a.status, RESOLVE_GARBAGE);
	resolve_answer_release(&a);
	buf_release(&b);
}
END_TEST

/* An answer of exactly len bytes: TXT records of 255-byte strings, the
 * last one shorter. */
static void
answer_of(struct buf *b, size_t len)
{
	char		 s[256];
	unsigned	 n = 0;
	size_t		 per, rest;

	memset(s, 'x', sizeof(s));
	/* header 12 + question (a.test: 8 + 4) = 24; a record: owner 8 +
	 * 10 + 1 + string. */
	per = 8 + 10 + 1 + 255;
	n = (unsigned)((len - 24) / per) + 1;
	rest = len - 24 - (size_t)(n - 1) * per;
	ck_assert(rest >= 19 && rest - 19 <= 255);
	head(b, 0, n, "a.test", RESOLVE_TXT);
	while (--n > 0) {
		s[255] = '\0';
		rr_txt(b, "a.test", s);
	}
	s[rest - 19] = '\0';
	rr_txt(b, "a.test", s);
	ck_assert_uint_eq(b->len, len);
}

START_TEST(test_answer_size_limit)
{
	struct buf		 b = BUF_INIT;
	struct resolve_answer	 a;

	answer_of(&b, RESOLVE_ANSWER_MAX);
	parse(&b, RESOLVE_TXT, &a);
	ck_assert_int_eq(a.status, RESOLVE_OK);
	resolve_answer_release(&a);
	buf_release(&b);
	answer_of(&b, RESOLVE_ANSWER_MAX + 1);
	parse(&b, RESOLVE_TXT, &a);
	ck_assert_int_eq(a.status, RESOLVE_GARBAGE);
	ck_assert_ptr_nonnull(strstr(a.why, "over the limit"));
	resolve_answer_release(&a);
	buf_release(&b);
}
END_TEST

START_TEST(test_mx_ns_cname_types)
{
	struct buf		 b = BUF_INIT, rd = BUF_INIT;
	struct resolve_answer	 a;

	head(&b, 0, 1, "mail.a.test", RESOLVE_MX);
	fake_dns_put16(&rd, 10);
	fake_dns_put_name(&rd, "Feedback-SMTP.eu-west-1.amazonses.com");
	rr(&b, "mail.a.test", RESOLVE_MX, rd.data, rd.len);
	parse(&b, RESOLVE_MX, &a);
	ck_assert_int_eq(a.status, RESOLVE_OK);
	ck_assert_uint_eq(a.nrrs, 1);
	ck_assert_int_eq(a.rrs[0].pref, 10);
	ck_assert_str_eq(a.rrs[0].data,
	    "feedback-smtp.eu-west-1.amazonses.com.");
	resolve_answer_release(&a);
	buf_release(&b);
	buf_release(&rd);

	head(&b, 0, 2, "a.test", RESOLVE_NS);
	fake_dns_put_name(&rd, "ns-1.awsdns-01.org");
	rr(&b, "a.test", RESOLVE_NS, rd.data, rd.len);
	buf_reset(&rd);
	fake_dns_put_name(&rd, "NS-2.awsdns-02.com");
	rr(&b, "a.test", RESOLVE_NS, rd.data, rd.len);
	parse(&b, RESOLVE_NS, &a);
	ck_assert_int_eq(a.status, RESOLVE_OK);
	ck_assert_uint_eq(a.nrrs, 2);
	ck_assert_str_eq(a.rrs[0].data, "ns-1.awsdns-01.org.");
	ck_assert_str_eq(a.rrs[1].data, "ns-2.awsdns-02.com.");
	resolve_answer_release(&a);
	buf_release(&b);
	buf_release(&rd);

	head(&b, 0, 1, "s.a.test", RESOLVE_CNAME);
	rr_cname(&b, "s.a.test", "t.b.test");
	parse(&b, RESOLVE_CNAME, &a);
	ck_assert_int_eq(a.status, RESOLVE_OK);
	ck_assert_str_eq(a.rrs[0].data, "t.b.test.");
	resolve_answer_release(&a);
	buf_release(&b);
}
END_TEST

/* --- the channel --- */

START_TEST(test_budget)
{
	/* Port 9 (discard) on loopback: whatever comes back, the budget
	 * decides what is sent. */
	const char		*servers[] = { "127.0.0.1:9" };
	struct resolve_opts	 o = { .servers = servers, .nservers = 1,
				    .timeout_ms = 100, .tries = 1, .budget = 2 };
	struct resolve		*r;
	struct resolve_answer	 a[3];
	struct err		 err;
	int			 i;

	ck_assert_int_eq(resolve_open(&r, &o, &err), 0);
	ck_assert_int_eq(resolve_budget_left(r), 2);
	for (i = 0; i < 3; i++)
		resolve_query(r, i == 0 ? "a.test" : i == 1 ? "b.test" :
		    "c.test", RESOLVE_TXT, &a[i]);
	ck_assert_int_eq(resolve_budget_left(r), 0);
	/* Settled at once, nothing sent. */
	ck_assert_int_eq(a[2].status, RESOLVE_BUDGET);
	resolve_wait(r);
	for (i = 0; i < 2; i++) {
		ck_assert_int_ne(a[i].status, RESOLVE_BUDGET);
		ck_assert_int_ne(a[i].status, RESOLVE_OK);
		ck_assert_ptr_nonnull(a[i].why);
	}
	for (i = 0; i < 3; i++)
		resolve_answer_release(&a[i]);
	resolve_budget_reset(r, 5);
	ck_assert_int_eq(resolve_budget_left(r), 5);
	resolve_budget_reset(r, 0);
	ck_assert_int_eq(resolve_budget_left(r), RESOLVE_BUDGET_DEFAULT);
	resolve_close(r);
}
END_TEST

START_TEST(test_servers)
{
	static const struct {
		const char	*spec;
		const char	*shown;		/* NULL: refused */
	} cases[] = {
		{ "127.0.0.1", "127.0.0.1:53" },
		{ "127.0.0.1:5353", "127.0.0.1:5353" },
		{ "127.0.0.1:65535", "127.0.0.1:65535" },
		{ "::1", "[::1]:53" },
		{ "[::1]:5300", "[::1]:5300" },
		{ "127.0.0.1:0", NULL },
		{ "127.0.0.1:65536", NULL },
		{ "127.0.0.1:x", NULL },
		{ "127.0.0.1:", NULL },
		{ "[::1", NULL },
		{ "[::1]x", NULL },
		{ "[]:53", NULL },
		{ ":53", NULL },
	};
	struct resolve_opts	 o;
	struct resolve		*r;
	struct err		 err;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.servers = &cases[i].spec;
		o.nservers = 1;
		err_clear(&err);
		if (cases[i].shown == NULL) {
			ck_assert_msg(resolve_open(&r, &o, &err) == -1, "%s",
			    cases[i].spec);
			ck_assert_ptr_nonnull(strstr(err.msg, "HOST[:PORT]"));
			continue;
		}
		ck_assert_msg(resolve_open(&r, &o, &err) == 0, "%s: %s",
		    cases[i].spec, err.msg);
		ck_assert_str_eq(resolve_servers(r), cases[i].shown);
		resolve_close(r);
	}
}
END_TEST

/* A zone's name servers: one that cannot be used is skipped while
 * another is left; none left fails with the last reason.  The
 * recursive servers stay strict. */
START_TEST(test_zone_servers)
{
	const char		*two[] = { "127.0.0.1:x", "127.0.0.1:5300" };
	const char		*bad[] = { "127.0.0.1:x", "[::1" };
	const char		*pub[] = { "127.0.0.1:5301" };
	struct resolve_opts	 o;
	struct resolve		*r;
	struct err		 err;

	memset(&o, 0, sizeof(o));
	o.servers = two;
	o.nservers = 2;
	err_clear(&err);
	ck_assert_int_eq(resolve_open(&r, &o, &err), -1);
	o.servers = pub;
	o.nservers = 1;
	o.zone = "A.test";
	o.zone_servers = two;
	o.nzone_servers = 2;
	ck_assert_int_eq(resolve_open(&r, &o, &err), 0);
	ck_assert_str_eq(resolve_servers(r), "127.0.0.1:5301");
	ck_assert_str_eq(resolve_zone_servers(r), "127.0.0.1:5300");
	resolve_close(r);
	o.zone_servers = bad;
	err_clear(&err);
	ck_assert_int_eq(resolve_open(&r, &o, &err), -1);
	ck_assert_str_eq(err.msg, "'[::1' is not a DNS server as HOST[:PORT]");
}
END_TEST

Suite *
resolve_suite(void)
{
	Suite	*s = suite_create("resolve");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_txt_joined);
	tcase_add_test(tc, test_cname_chain);
	tcase_add_test(tc, test_cname_loop_and_length);
	tcase_add_test(tc, test_rcodes_and_garbage);
	tcase_add_test(tc, test_answer_size_limit);
	tcase_add_test(tc, test_mx_ns_cname_types);
	tcase_add_test(tc, test_budget);
	tcase_add_test(tc, test_servers);
	tcase_add_test(tc, test_zone_servers);
	suite_add_tcase(s, tc);
	return s;
}
