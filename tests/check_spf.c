/*
 * check_spf.c - unit tests for SPF records (src/dns/spf.c): render,
 * is_record, checks, equivalence, TXT encoding at term boundaries, and the
 * openspf RFC 7208 test suite as a corpus of valid and invalid records.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/spf.h"
#include "testutil.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

Suite	*spf_suite(void);

static char	*ip4s[] = { "192.0.2.0/24", "198.51.100.7", "192.0.2.0/24" };
static char	*ip6s[] = { "2001:db8::/32" };
static char	*incs[] = { "_spf.google.com", "spf.protection.outlook.com",
    "_SPF.google.com" };
static char	*inc1[] = { "amazonses.com" };

START_TEST(test_render)
{
	static const struct {
		int		 ip4, ip6, a, mx, inc;
		enum spf_all	 all;
		const char	*want;
	} cases[] = {
		{ 0, 0, 0, 0, 0, SPF_ALL_UNSET, "v=spf1" },
		{ 0, 0, 0, 0, 0, SPF_ALL_FAIL, "v=spf1 -all" },
		{ 0, 0, 0, 0, 0, SPF_ALL_SOFTFAIL, "v=spf1 ~all" },
		{ 0, 0, 0, 0, 0, SPF_ALL_NEUTRAL, "v=spf1 ?all" },
		{ 0, 0, 0, 1, 0, SPF_ALL_FAIL, "v=spf1 mx -all" },
		{ 0, 0, 1, 1, 2, SPF_ALL_SOFTFAIL,
		  "v=spf1 a mx include:amazonses.com ~all" },
		/* Every list in order, duplicates (any case) dropped, the
		 * fixed order ip4 ip6 a mx include whatever the YAML order. */
		{ 1, 1, 1, 1, 1, SPF_ALL_FAIL,
		  "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.7 ip6:2001:db8::/32 "
		  "a mx include:_spf.google.com "
		  "include:spf.protection.outlook.com -all" },
		{ 1, 0, 0, 0, 0, SPF_ALL_UNSET,
		  "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.7" },
	};
	struct spf_spec	 c;
	struct buf	 out = BUF_INIT;
	struct diags	 d = DIAGS_INIT;
	size_t		 i;

	for (i = 0; i < NELEM(cases); i++) {
		memset(&c, 0, sizeof(c));
		if (cases[i].ip4) {
			c.ip4 = ip4s;
			c.nip4 = NELEM(ip4s);
		}
		if (cases[i].ip6) {
			c.ip6 = ip6s;
			c.nip6 = NELEM(ip6s);
		}
		if (cases[i].inc == 1) {
			c.include = incs;
			c.ninclude = NELEM(incs);
		} else if (cases[i].inc == 2) {
			c.include = inc1;
			c.ninclude = 1;
		}
		c.a = cases[i].a;
		c.mx = cases[i].mx;
		c.all = cases[i].all;
		buf_reset(&out);
		spf_render(&c, &out);
		ck_assert_str_eq(buf_str(&out), cases[i].want);
		ck_assert_int_eq(spf_is_record(buf_str(&out)), 1);
		ck_assert_int_eq(spf_equivalent(buf_str(&out), cases[i].want),
		    1);
		/* What mailauth renders is always valid syntax. */
		spf_check_syntax(buf_str(&out), NULL, &d);
		ck_assert_msg(d.n == 0, "'%s': %s", buf_str(&out),
		    d.n ? d.v[0].msg : "");
	}
	/* A full config checks clean. */
	spf_check(cases[6].want, NULL, &d);
	ck_assert_uint_eq(d.n, 0);
	diags_release(&d);
	buf_release(&out);
}
END_TEST

/* Duplicates are found by sorting (render_list): the first of equal names
 * (any case) stays, in its place; the later ones go. */
START_TEST(test_render_duplicates)
{
	static char	*v[] = { "b.example", "A.example", "a.example",
	    "c.example", "B.example", "a.EXAMPLE", "d.example", "c.example" };
	struct spf_spec	 c;
	struct buf	 out = BUF_INIT;

	memset(&c, 0, sizeof(c));
	c.include = v;
	c.ninclude = NELEM(v);
	c.ip4 = ip4s;
	c.nip4 = NELEM(ip4s);
	spf_render(&c, &out);
	ck_assert_str_eq(buf_str(&out), "v=spf1 ip4:192.0.2.0/24 "
	    "ip4:198.51.100.7 include:b.example include:A.example "
	    "include:c.example include:d.example");
	buf_release(&out);
}
END_TEST

START_TEST(test_is_record)
{
	static const struct {
		const char	*text;
		int		 is;
	} cases[] = {
		{ "v=spf1", 1 },
		{ "v=spf1 -all", 1 },
		{ "V=SPF1 -all", 1 },
		{ "v=SpF1 ~all", 1 },
		{ "v=spf1  a  -all", 1 },
		{ "v=spf1 ", 1 },
		{ "", 0 },
		{ "v=spf", 0 },
		{ "v=spf10", 0 },
		{ "v=spf1mx", 0 },		/* strings joined with no space */
		{ "v=spf1\t-all", 0 },
		{ "v=spf1;-all", 0 },
		{ " v=spf1 -all", 0 },
		{ "v = spf1 -all", 0 },
		{ "spf2.0/pra -all", 0 },
		{ "v=DMARC1; p=none", 0 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(cases); i++)
		ck_assert_msg(spf_is_record(cases[i].text) == cases[i].is,
		    "'%s'", cases[i].text);
}
END_TEST

/* Each rule of spf_check(): exact error and warning counts, and a piece
 * of the first message. */
static const struct {
	const char	*text;
	size_t		 nerrors;
	size_t		 nwarnings;
	const char	*first;		/* NULL: no finding */
} check_cases[] = {
	/* Clean records. */
	{ "v=spf1 -all", 0, 0, NULL },
	{ "v=spf1 ip4:192.0.2.1 ip4:192.0.2.0/24 ip6:2001:db8::1 "
	  "ip6:2001:db8::/32 ip6:::ffff:192.0.2.1 -all", 0, 0, NULL },
	{ "v=spf1 a mx a:mail.example.com mx:example.com/24 a//64 "
	  "a:example.com/24//64 ~all", 0, 0, NULL },
	{ "v=spf1 include:_spf.google.com ?all", 0, 0, NULL },
	{ "v=spf1 redirect=_spf.example.com", 0, 0, NULL },
	{ "v=spf1 -all exp=explain.%{d}", 0, 0, NULL },
	{ "V=SPF1 MX INCLUDE:Example.COM -ALL", 0, 0, NULL },
	{ "v=spf1  mx   -all  ", 0, 0, NULL },
	{ "v=spf1 exists:%{i}._spf.%{d} -all", 0, 0, NULL },
	{ "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d2} -all", 0, 0, NULL },
	{ "v=spf1 a:macro%%percent%_%-.example.com -all", 0, 0, NULL },
	{ "v=spf1 include:example.com. -all", 0, 0, NULL },
	{ "v=spf1 a:foo.example.xn--zckzah -all", 0, 0, NULL },
	{ "v=spf1 a:foo:bar/baz.example.com -all", 0, 0, NULL },
	{ "v=spf1 moo.cow-far_out=man:dog/cat -all", 0, 0, NULL },
	{ "v=spf1 default=+ -all", 0, 0, NULL },
	{ "v=spf1 -all foo=", 0, 0, NULL },

	/* Syntax: §4.5, §4.6.1, §3. */
	{ "", 1, 0, "not an SPF record" },
	{ "v=spf10 -all", 1, 0, "(RFC 7208 §4.5)" },
	{ "v=spf1 a\tmx -all", 1, 0, "control character 0x09 at offset 8" },
	{ "v=spf1 a:ctrl.example.com\rptr -all", 1, 0, "§4.6.1" },
	{ "v=spf1 a:\xc3\xa9.example.com -all", 1, 0,
	  "byte 0xc3 at offset 9: an SPF record is US-ASCII (RFC 7208 §3)" },
	{ "v=spf1 =all", 1, 1, "a modifier name starts with a letter" },
	{ "v=spf1 1up=foo -all", 1, 0, "(RFC 7208 §4.6.1)" },
	{ "v=spf1 - -all", 1, 0, "is not a mechanism or a modifier" },
	/* §5: unknown mechanisms and bad arguments. */
	{ "v=spf1 ip4:192.0.2.1 -all moo", 1, 0, "unknown mechanism 'moo'" },
	{ "v=spf1 redirect:example.com", 1, 1, "(RFC 7208 §5)" },
	{ "v=spf1 moo.cow/far_out=man:dog/cat -all", 1, 0,
	  "unknown mechanism 'moo'" },
	{ "v=spf1 -all.", 1, 0, "'all' takes no argument (RFC 7208 §5.1)" },
	{ "v=spf1 -all:foo", 1, 0, "§5.1" },
	{ "v=spf1 -all/8", 1, 0, "§5.1" },
	{ "v=spf1 include -all", 1, 0, "expected 'include:DOMAIN' "
	  "(RFC 7208 §5.2)" },
	{ "v=spf1 include: -all", 1, 0, "the domain is empty (RFC 7208 §5.2)" },
	{ "v=spf1 include:example.com/24 -all", 1, 0, "is not a domain" },
	{ "v=spf1 exists -all", 1, 0, "§5.7" },
	{ "v=spf1 exists:mail.example.com/24 -all", 1, 0, "§7.1" },
	{ "v=spf1 a/33 -all", 1, 0, "'/33' is not an IPv4 prefix length" },
	{ "v=spf1 a//129 -all", 1, 0, "'//129' is not an IPv6 prefix" },
	{ "v=spf1 a/24/64 -all", 1, 0, "'/64' is not an IPv4 prefix" },
	{ "v=spf1 mx/032 -all", 1, 0, "(RFC 7208 §5.4)" },
	{ "v=spf1 a: -all", 1, 0, "the domain is empty (RFC 7208 §5.3)" },
	{ "v=spf1 mx:example.com:8080 -all", 1, 0, "is not a domain" },
	{ "v=spf1 a:111.222.33.44 -all", 1, 0, "top-level label" },
	{ "v=spf1 a:example.-com -all", 1, 0, "top-level label" },
	{ "v=spf1 a:museum -all", 1, 0, "top-level label" },
	{ "v=spf1 a:museum. -all", 1, 0, "top-level label" },
	{ "v=spf1 a:%{d}. -all", 1, 0, "top-level label" },
	{ "v=spf1 ptr/0 -all", 1, 1, "expected 'ptr' or 'ptr:DOMAIN'" },
	{ "v=spf1 ip4 -all", 1, 0, "expected 'ip4:192.0.2.0/24' "
	  "(RFC 7208 §5.6)" },
	{ "v=spf1 ip4:1.2.3 -all", 1, 0, "'1.2.3' is not an IPv4 address" },
	{ "v=spf1 ip4:1.2.3.4:8080 -all", 1, 0, "not an IPv4 address" },
	{ "v=spf1 ip4:192.0.2.01 -all", 1, 0, "not an IPv4 address" },
	{ "v=spf1 ip4:256.0.0.1 -all", 1, 0, "not an IPv4 address" },
	{ "v=spf1 ip4:1.2.3.4/33 -all", 1, 0, "'/33' is not a prefix length "
	  "(/0 to /32" },
	{ "v=spf1 ip4:1.2.3.4/032 -all", 1, 0, "not a prefix length" },
	{ "v=spf1 ip4:1.2.3.4//32 -all", 1, 0, "not a prefix length" },
	{ "v=spf1 ip6 -all", 1, 0, "expected 'ip6:2001:db8::/32'" },
	{ "v=spf1 ip6::CAFE::BABE -all", 1, 0, "not an IPv6 address" },
	{ "v=spf1 ip6:2001:db8::/129 -all", 1, 0, "(/0 to /128" },
	{ "v=spf1 ip6:::1.1.1.1//33 -all", 1, 0, "not a prefix length" },
	/* §6: modifiers. */
	{ "v=spf1 redirect=", 1, 0, "the domain is empty (RFC 7208 §6.1)" },
	{ "v=spf1 redirect=-all ?all", 1, 1, "is not a domain" },
	{ "v=spf1 exp= -all", 1, 0, "the domain is empty (RFC 7208 §6.2)" },
	{ "v=spf1 exp=-all", 1, 1, "is not a domain" },
	{ "v=spf1 redirect=a.example redirect=b.example", 1, 0,
	  "the redirect modifier is given more than once (RFC 7208 §6)" },
	{ "v=spf1 -all exp=a.example EXP=b.example", 1, 0,
	  "the EXP modifier is given more than once" },
	/* §7: macros. */
	{ "v=spf1 -all foo=%abc", 1, 0, "'%' must be followed by" },
	{ "v=spf1 -exists:%(ir).sbl.example.com ?all", 1, 0, "§7.1" },
	{ "v=spf1 exists:foo%.sbl.example.com ?all", 1, 0, "§7.1" },
	{ "v=spf1 a:%{a}.example.com -all", 1, 0, "unknown macro letter" },
	{ "v=spf1 -all exp=%{r}.example.com", 1, 0,
	  "allowed only in exp text, not in a domain (RFC 7208 §7.2)" },
	{ "v=spf1 a:%{d0}.example.com -all", 1, 0, "must not be zero" },
	{ "v=spf1 a:%{d2r.example.com -all", 1, 0, "bad macro" },
	{ "v=spf1 a:%{d -all", 1, 0, "bad macro" },
	{ "v=spf1 a:x% -all", 1, 0, "'%' must be followed by" },
	/* Macro letters c, r, t are fine in an unknown modifier. */
	{ "v=spf1 -all note=%{c}%{r}%{t}", 0, 0, NULL },

	/* Policy: the §4.6.4 limit; exp does not count. */
	{ "v=spf1 a mx a mx a mx a mx -all", 0, 0, NULL },
	{ "v=spf1 a mx a mx a mx a mx include:x.example -all", 0, 1,
	  "9 terms query DNS" },
	{ "v=spf1 a mx a mx a mx a mx exists:x.example "
	  "redirect=y.example", 0, 1,
	  "10 terms query DNS (include, a, mx, ptr, exists, redirect) of the "
	  "10 allowed, and those in included records count too "
	  "(RFC 7208 §4.6.4)" },
	{ "v=spf1 a mx a mx a mx a mx a ptr a ip4:1.2.3.4 -all", 1, 1,
	  "'ptr': do not use ptr" },
	{ "v=spf1 include:a.example include:b.example include:c.example "
	  "include:d.example include:e.example include:f.example "
	  "include:g.example include:h.example include:i.example "
	  "include:j.example include:k.example -all exp=x.example", 1, 0,
	  "11 terms query DNS (include, a, mx, ptr, exists, redirect), over "
	  "the limit of 10; receivers return permerror (RFC 7208 §4.6.4)" },
	/* ptr, +all, no all, after all. */
	{ "v=spf1 ptr -all", 0, 1, "(RFC 7208 §5.5)" },
	{ "v=spf1 ptr:example.com -all", 0, 1, "do not use ptr" },
	{ "v=spf1 +all", 1, 0, "'+all' lets every host on the internet" },
	{ "v=spf1 all", 1, 0, "'all' lets every host" },
	{ "v=spf1 mx", 0, 1, "no 'all' and no 'redirect=': mail from any "
	  "other host gets neutral; end with -all or ~all (RFC 7208 §4.7)" },
	{ "v=spf1", 0, 1, "no 'all'" },
	{ "v=spf1 -all mx", 0, 1, "'mx': mechanisms after 'all' are never "
	  "evaluated (RFC 7208 §5.1)" },
	{ "v=spf1 all -all", 1, 1, "lets every host" },
	{ "v=spf1 mx ~all redirect=x.example", 0, 1,
	  "'redirect=' is ignored because the record has 'all'" },
	/* The whole address space with pass is +all (RFC 7208 §5.1, §5.6):
	 * one rule, an error; any other qualifier, or /1, is not. */
	{ "v=spf1 ip4:0.0.0.0/0 -all", 1, 0, "'ip4:0.0.0.0/0' lets every "
	  "IPv4 host on the internet send mail as the domain: receivers pass "
	  "mail from any of them, forged or not; list only your senders and "
	  "end with -all or ~all (RFC 7208 §5.6)" },
	{ "v=spf1 +ip4:192.0.2.1/0 -all", 1, 0, "every IPv4 host" },
	{ "v=spf1 ip6:::/0 -all", 1, 0, "'ip6:::/0' lets every IPv6 host" },
	{ "v=spf1 +ip6:2001:db8::/0 ~all", 1, 0, "every IPv6 host" },
	{ "v=spf1 a/0 -all", 1, 0, "'a/0' lets every IPv4 host" },
	{ "v=spf1 mx//0 -all", 1, 0, "'mx//0' lets every IPv6 host" },
	{ "v=spf1 a:mail.example.com/0//0 -all", 1, 0,
	  "every IPv4 and IPv6 host on the internet" },
	{ "v=spf1 -ip4:0.0.0.0/0 ~ip6:::/0 ?a/0 -all", 0, 0, NULL },
	{ "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 ip6:::/1 a/1 -all", 0, 0,
	  NULL },
	{ "v=spf1 ip4:0.0.0.0/00 -all", 1, 0, "not a prefix length" },

	/* An include or redirect that evaluates the record itself: %{d} is
	 * the current domain, %{o} the sender's, where the evaluation began
	 * (RFC 7208 §7.3): a loop, permerror at the lookup limit. */
	{ "v=spf1 include:%{d} -all", 1, 0, "'include:%{d}' includes this "
	  "record itself: the evaluation loops until the DNS lookup limit and "
	  "receivers return permerror for every message that reaches it "
	  "(RFC 7208 §5.2, §4.6.4)" },
	{ "v=spf1 ip4:192.0.2.1 include:%{O} -all", 1, 0,
	  "includes this record itself" },
	{ "v=spf1 redirect=%{d}", 1, 0, "'redirect=%{d}' redirects to this "
	  "record itself: the evaluation loops until the DNS lookup limit and "
	  "receivers return permerror for every message that reaches it "
	  "(RFC 7208 §6.1, §4.6.4)" },
	{ "v=spf1 mx REDIRECT=%{o}", 1, 0, "redirects to this record" },
	/* With all, receivers ignore redirect (§5.1): only that warning. */
	{ "v=spf1 redirect=%{d} -all", 0, 1, "'redirect=' is ignored" },
	/* Other macros of d are other names. */
	{ "v=spf1 include:%{d2} include:_spf.%{d} redirect=%{d1r}", 0, 0,
	  NULL },

	/* Names that DNS cannot hold: include and redirect give permerror
	 * (§4.3: check_host returns none, §5.2, §6.1), other terms never
	 * match (§4.8), as the suite's invalid-domain tests expect. */
	{ "v=spf1 include:mail.example..com -all", 1, 0, "'include:mail."
	  "example..com': the name has an empty label; receivers cannot look "
	  "it up and return permerror for every message that reaches it "
	  "(RFC 7208 §4.3, §5.2)" },
	{ "v=spf1 include:a123456789012345678901234567890123456789012345678901"
	  "234567890123.example.com -all", 1, 0, "has a label over 63 bytes" },
	{ "v=spf1 redirect=.example.com", 1, 0, "'redirect=.example.com': the "
	  "name has an empty label; receivers cannot look it up and return "
	  "permerror for every message that reaches it (RFC 7208 §4.3, "
	  "§6.1)" },
	{ "v=spf1 redirect=a..example.com ~all", 0, 1, "is ignored" },
	{ "v=spf1 include:%{l}..example.com -all", 0, 0, NULL },
	{ "v=spf1 exists:a..example.com -all", 0, 1, "never matches" },
	{ "v=spf1 mx:a..example.com -all", 0, 1, "never matches" },
	{ "v=spf1 ptr:a..example.com -all", 0, 2, "never matches" },
	{ "v=spf1 -all exp=a..example.com", 0, 1, "never matches" },
	{ "v=spf1 a:mail.example...com -all", 0, 1, "has an empty label" },
	{ "v=spf1 a:a123456789012345678901234567890123456789012345678901234567"
	  "890123.example.com -all", 0, 1, "has a label over 63 bytes" },
	{ "v=spf1 a:%{H}.bar -all", 0, 0, NULL },

	/* %{p} is ptr's lookup in a macro: the same advice (§5.5, §7.3). */
	{ "v=spf1 exists:%{p}.x.example -all", 0, 1, "'exists:%{p}.x.example':"
	  " do not use the %{p} macro: like ptr it is slow and unreliable, "
	  "and receivers expand it to 'unknown' when the lookups fail "
	  "(RFC 7208 §5.5, §7.3)" },
	{ "v=spf1 a:%{P}.example.com include:%{p2r}.x.example -all", 0, 2,
	  "the %{p} macro" },
	{ "v=spf1 ptr:%{p} -all", 0, 2, "the %{p} macro" },
	{ "v=spf1 -all exp=%{p}.x.example", 0, 1, "the %{p} macro" },
	{ "v=spf1 redirect=%{p}.x.example", 0, 1, "the %{p} macro" },
	/* Unknown modifiers are never expanded. */
	{ "v=spf1 -all note=%{p}", 0, 0, NULL },
};

START_TEST(test_check)
{
	struct diags	 d = DIAGS_INIT;
	size_t		 i, j;

	for (i = 0; i < NELEM(check_cases); i++) {
		spf_check(check_cases[i].text, "example.com", &d);
		ck_assert_msg(d.nerrors == check_cases[i].nerrors &&
		    d.nwarnings == check_cases[i].nwarnings,
		    "'%s': %zu errors %zu warnings, want %zu %zu; first '%s'",
		    check_cases[i].text, d.nerrors, d.nwarnings,
		    check_cases[i].nerrors, check_cases[i].nwarnings,
		    d.n > 0 ? d.v[0].msg : "");
		if (check_cases[i].first != NULL)
			ck_assert_msg(strstr(d.v[0].msg,
			    check_cases[i].first) != NULL, "'%s': '%s' lacks "
			    "'%s'", check_cases[i].text, d.v[0].msg,
			    check_cases[i].first);
		for (j = 0; j < d.n; j++) {
			ck_assert_msg(strncmp(d.v[j].msg, "example.com: ",
			    13) == 0, "'%s'", d.v[j].msg);
			ck_assert_msg(strstr(d.v[j].msg, "(RFC 7208 §") !=
			    NULL, "no RFC section: '%s'", d.v[j].msg);
			ck_assert_ptr_null(d.v[j].file);
		}
		diags_release(&d);
	}
}
END_TEST

/* Whole messages, and the split between syntax and policy findings. */
START_TEST(test_check_messages)
{
	struct diags	 d = DIAGS_INIT;

	spf_check("v=spf1 ip4:1.2.3 +all", NULL, &d);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.v[0].msg, "SPF record: 'ip4:1.2.3': '1.2.3' is "
	    "not an IPv4 address (four numbers 0-255, no leading zeros, no "
	    "port) (RFC 7208 §5.6)");
	ck_assert_int_eq(d.v[0].level, DIAG_ERROR);
	ck_assert_str_eq(d.v[1].msg, "SPF record: '+all' lets every host on "
	    "the internet send mail as the domain: receivers pass mail from "
	    "any of them, forged or not; list only your senders and end with "
	    "-all or ~all (RFC 7208 §5.1)");
	diags_release(&d);

	/* Syntax only: +all, ptr, the limit, no all are not syntax. */
	spf_check_syntax("v=spf1 ip4:1.2.3 +all", "x", &d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].msg, "x: 'ip4:1.2.3': '1.2.3' is not an IPv4 "
	    "address (four numbers 0-255, no leading zeros, no port) "
	    "(RFC 7208 §5.6)");
	diags_release(&d);
	spf_check_syntax("v=spf1 a mx a mx a mx a mx a ptr a", "x", &d);
	ck_assert_uint_eq(d.n, 0);
	spf_check_bytes("v=spf1 ptr +all", 15, "x", SPF_CHECK_POLICY, &d);
	ck_assert_uint_eq(d.nerrors, 1);
	ck_assert_uint_eq(d.nwarnings, 1);
	diags_release(&d);

	/* A repeated modifier is syntax: receivers return permerror. */
	spf_check_syntax("v=spf1 redirect=a.example redirect=b.example", "x",
	    &d);
	ck_assert_uint_eq(d.nerrors, 1);
	diags_release(&d);

	/* A NUL byte, as a TXT value may decode to, is seen with the length. */
	spf_check_bytes("v=spf1 a:foo.example.com\0", 25, "x",
	    SPF_CHECK_SYNTAX, &d);
	ck_assert_uint_eq(d.nerrors, 1);
	ck_assert_str_eq(d.v[0].msg, "x: NUL byte at offset 24: receivers "
	    "return permerror, or cut the record there and read only what "
	    "comes before it (RFC 7208 §4.6.1, §7.1)");
	diags_release(&d);

	/* The record: a NUL does not cut it, so the +all after it
	 * is seen; the term holding the NUL is not checked further. */
	spf_check_bytes("v=spf1 -all\0 +all", 17, "x", SPF_CHECK_ALL, &d);
	ck_assert_uint_eq(d.nerrors, 2);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "NUL byte at offset 11"));
	ck_assert_ptr_nonnull(strstr(d.v[1].msg, "'+all' lets every host"));
	diags_release(&d);
}
END_TEST

/* spf_check_bytes reads only its len bytes: each case is copied into a
 * buffer of exactly that size, with no NUL after it, for ASan to watch. */
START_TEST(test_check_bounds)
{
	static const struct {
		const char	*text;
		size_t		 nerrors;
	} cases[] = {
		/* A macro's digits running to the end of the buffer. */
		{ "v=spf1 a:%{d00", 1 },
		{ "v=spf1 a:%{d0", 1 },
		{ "v=spf1 a:%{d12", 1 },
		{ "v=spf1 exists:%{i0", 1 },
		{ "v=spf1 redirect=%{d00", 1 },
		{ "v=spf1 a:%", 1 },
		{ "v=spf1 a:%{", 1 },
		{ "v=spf1 ip4:1.2.3.4/", 1 },
		{ "v=spf1 a/2", 0 },
	};
	struct diags	 d = DIAGS_INIT;
	size_t		 i, len;
	char		*b;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = strlen(cases[i].text);
		b = xmalloc(len);
		memcpy(b, cases[i].text, len);
		spf_check_bytes(b, len, "x", SPF_CHECK_SYNTAX, &d);
		ck_assert_msg(d.nerrors == cases[i].nerrors, "'%s': %zu errors",
		    cases[i].text, d.nerrors);
		diags_release(&d);
		free(b);
	}
}
END_TEST

/* Numbers too long for an int are refused before they are summed (UBSan
 * watches the sums). */
START_TEST(test_check_long_numbers)
{
	struct diags	 d = DIAGS_INIT;

	spf_check_syntax("v=spf1 ip4:1.2.3.99999999999 -all", "x", &d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].msg, "x: 'ip4:1.2.3.99999999999': "
	    "'1.2.3.99999999999' is not an IPv4 address (four numbers 0-255, "
	    "no leading zeros, no port) (RFC 7208 §5.6)");
	diags_release(&d);
	spf_check_syntax("v=spf1 ip4:99999999999.1.2.3 -all", "x", &d);
	ck_assert_uint_eq(d.nerrors, 1);
	diags_release(&d);
	spf_check_syntax("v=spf1 ip4:1.2.3.4/99999999999 -all", "x", &d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].msg, "x: 'ip4:1.2.3.4/99999999999': "
	    "'/99999999999' is not a prefix length (/0 to /32, no leading "
	    "zero) (RFC 7208 §5.6)");
	diags_release(&d);
	spf_check_syntax("v=spf1 a/99999999999 mx//99999999999 -all", "x", &d);
	ck_assert_uint_eq(d.nerrors, 2);
	diags_release(&d);
	spf_check_syntax("v=spf1 a:%{d99999999999999999999}.example -all",
	    "x", &d);
	ck_assert_uint_eq(d.nerrors, 0);
	diags_release(&d);
}
END_TEST

/* With the domain known (validate, plan), an include or a redirect of the
 * domain itself is the loop of include:%{d} (RFC 7208 §5.2, §6.1). */
START_TEST(test_check_at_domain)
{
	static const struct {
		const char	*domain, *text;
		size_t		 nerrors;
		const char	*first;
	} cases[] = {
		{ "example.com", "v=spf1 include:example.com -all", 1,
		  "d: 'include:example.com' includes this record itself" },
		{ "example.com", "v=spf1 include:EXAMPLE.Com. -all", 1,
		  "includes this record itself" },
		{ "example.com.", "v=spf1 mx redirect=Example.COM", 1,
		  "d: 'redirect=Example.COM' redirects to this record itself" },
		/* The suite's redirect-loop record, at its own name. */
		{ "e1.example.com", "v=spf1 ip4:1.1.1.1 redirect=e1.example.com",
		  1, "redirects to this record itself" },
		/* Ignored beside all; other names, and a, are fine. */
		{ "example.com", "v=spf1 redirect=example.com -all", 0, NULL },
		{ "example.com", "v=spf1 a:example.com mx:example.com "
		  "include:_spf.example.com include:example.co -all", 0, NULL },
		{ "example.com", "v=spf1 include:xexample.com "
		  "include:example.com.x -all", 0, NULL },
		{ NULL, "v=spf1 include:example.com -all", 0, NULL },
	};
	struct diags	 d = DIAGS_INIT;
	size_t		 i;

	for (i = 0; i < NELEM(cases); i++) {
		spf_check_at(cases[i].domain, cases[i].text,
		    strlen(cases[i].text), "d", SPF_CHECK_ALL, &d);
		ck_assert_msg(d.nerrors == cases[i].nerrors, "'%s' at %s: %zu "
		    "errors, first '%s'", cases[i].text, cases[i].domain,
		    d.nerrors, d.n > 0 ? d.v[0].msg : "");
		if (cases[i].first != NULL)
			ck_assert_msg(strstr(d.v[0].msg, cases[i].first) !=
			    NULL, "'%s' lacks '%s'", d.v[0].msg,
			    cases[i].first);
		diags_release(&d);
	}
	/* Only the policy set holds it: the syntax is fine. */
	spf_check_at("example.com", "v=spf1 include:example.com -all", 31,
	    "d", SPF_CHECK_SYNTAX, &d);
	ck_assert_uint_eq(d.n, 0);
	diags_release(&d);
}
END_TEST

/* The limits of a name an include may target, exactly at and past them:
 * a label of 63 bytes and a name of 253 (a final '.' not counted). */
START_TEST(test_check_name_limits)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 b = BUF_INIT;
	size_t		 i;

	for (i = 63; i <= 64; i++) {
		buf_reset(&b);
		buf_adds(&b, "v=spf1 include:");
		while (b.len < 15 + i)
			buf_addc(&b, 'a');
		buf_adds(&b, ".example -all");
		spf_check(buf_str(&b), NULL, &d);
		ck_assert_msg(d.nerrors == (i == 64), "label of %zu", i);
		if (i == 64)
			ck_assert_ptr_nonnull(strstr(d.v[0].msg,
			    "has a label over 63 bytes"));
		diags_release(&d);
	}
	for (i = 253; i <= 254; i++) {
		buf_reset(&b);
		buf_adds(&b, "v=spf1 include:");
		while (b.len < 15 + i - 7)
			buf_adds(&b, b.len % 2 ? "a" : ".");
		buf_adds(&b, "example");
		ck_assert_uint_eq(b.len, 15 + i);
		/* A final '.' is the root, not part of the 253. */
		if (i == 253)
			buf_addc(&b, '.');
		buf_adds(&b, " -all");
		spf_check(buf_str(&b), NULL, &d);
		ck_assert_msg(d.nerrors == (i == 254), "name of %zu: %s", i,
		    d.n > 0 ? d.v[0].msg : "");
		if (i == 254)
			ck_assert_ptr_nonnull(strstr(d.v[0].msg,
			    "is over 253 bytes"));
		diags_release(&d);
	}
	buf_release(&b);
}
END_TEST

START_TEST(test_check_size)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 b = BUF_INIT;

	buf_adds(&b, "v=spf1");
	while (b.len + 17 + 5 <= SPF_SIZE_WARN)
		buf_adds(&b, " ip4:192.0.2.1/32");
	buf_adds(&b, " -all");
	ck_assert_uint_le(b.len, SPF_SIZE_WARN);
	spf_check(buf_str(&b), NULL, &d);
	ck_assert_uint_eq(d.n, 0);
	buf_adds(&b, " ip4:192.0.2.2 ip4:192.0.2.3");
	ck_assert_uint_gt(b.len, SPF_SIZE_WARN);
	spf_check(buf_str(&b), NULL, &d);
	ck_assert_uint_eq(d.nerrors, 0);
	/* The size, and mechanisms after all. */
	ck_assert_uint_eq(d.nwarnings, 2);
	ck_assert_ptr_nonnull(strstr(d.v[1].msg, "over 450"));
	ck_assert_ptr_nonnull(strstr(d.v[1].msg, "(RFC 7208 §3.4)"));
	diags_release(&d);
	buf_release(&b);
}
END_TEST

START_TEST(test_equivalent)
{
	static const struct {
		const char	*a, *b;
		int		 same;
	} cases[] = {
		{ "v=spf1 -all", "v=spf1 -all", 1 },
		{ "v=spf1 mx -all", "v=spf1  mx   -all ", 1 },
		{ "v=spf1 mx -all", "V=SPF1 MX -ALL", 1 },
		{ "v=spf1 mx include:a.example -all",
		  "v=spf1 MX Include:a.example -All", 1 },
		{ "v=spf1 mx -all", "v=spf1 +mx -all", 1 },
		{ "v=spf1 redirect=x.example", "v=spf1 REDIRECT=x.example", 1 },
		{ "v=spf1 ip4:192.0.2.1", "v=spf1 IP4:192.0.2.1", 1 },
		{ "v=spf1 mx -all", "v=spf1 mx ~all", 0 },
		{ "v=spf1 mx -all", "v=spf1 -all mx", 0 },
		{ "v=spf1 mx a -all", "v=spf1 a mx -all", 0 },
		{ "v=spf1 mx -all", "v=spf1 mx mx -all", 0 },
		{ "v=spf1 mx -all", "v=spf1 mx", 0 },
		{ "v=spf1 include:A.example -all",
		  "v=spf1 include:a.example -all", 0 },
		{ "v=spf1 a:%{D}.x.example", "v=spf1 a:%{d}.x.example", 0 },
		{ "v=spf1 mx -all", "v=spf1 mx-all", 0 },
		{ "v=spf1 -all", "v=DMARC1; p=none", 0 },
		{ "v=spf1 -all", " v=spf1 -all", 0 },
		{ "", "", 0 },
		{ "v=spf1", "v=spf1 ", 1 },
		/* Unknown terms are compared as written. */
		{ "v=spf1 Moo -all", "v=spf1 moo -all", 0 },
	};
	size_t	 i;

	for (i = 0; i < NELEM(cases); i++) {
		ck_assert_msg(spf_equivalent(cases[i].a, cases[i].b) ==
		    cases[i].same, "'%s' vs '%s'", cases[i].a, cases[i].b);
		ck_assert_msg(spf_equivalent(cases[i].b, cases[i].a) ==
		    cases[i].same, "'%s' vs '%s'", cases[i].b, cases[i].a);
	}
}
END_TEST

/* Splits value into its character-strings (no escapes in these tests). */
static size_t
strings_of(const char *value, char parts[][TXT_STRING_MAX + 1], size_t max)
{
	const char	*p = value, *e;
	size_t		 n = 0;

	while (*p == '"' && n < max) {
		e = strchr(p + 1, '"');
		ck_assert_ptr_nonnull(e);
		ck_assert_uint_le((size_t)(e - p - 1), TXT_STRING_MAX);
		memcpy(parts[n], p + 1, (size_t)(e - p - 1));
		parts[n][e - p - 1] = '\0';
		n++;
		p = e + 1;
		if (*p == ' ')
			p++;
	}
	ck_assert_int_eq(*p, '\0');
	return n;
}

START_TEST(test_txt_encode)
{
	char		 parts[8][TXT_STRING_MAX + 1];
	struct buf	 text = BUF_INIT, enc = BUF_INIT, dec = BUF_INIT;
	struct err	 err;
	size_t		 n, i;
	unsigned int	 k;

	buf_adds(&text, "v=spf1");
	for (k = 0; text.len < 590; k++)
		buf_addf(&text, " ip4:198.51.%u.%u/32", k / 200, k % 200);
	buf_adds(&text, " -all");
	ck_assert_uint_ge(text.len, 600);
	spf_txt_encode(buf_str(&text), &enc);
	n = strings_of(buf_str(&enc), parts, NELEM(parts));
	ck_assert_uint_eq(n, 3);
	ck_assert_ptr_nonnull(strstr(parts[0], "v=spf1 ip4:"));
	for (i = 0; i < n; i++) {
		ck_assert_uint_le(strlen(parts[i]), TXT_STRING_MAX);
		if (i > 0)
			ck_assert_int_eq(parts[i][0], ' ');
		/* Whole terms: never ends in a space, nor inside a term. */
		ck_assert_int_ne(parts[i][strlen(parts[i]) - 1], ' ');
		if (i + 1 < n)
			ck_assert_int_eq(parts[i + 1][1], 'i');
	}
	ck_assert_int_eq(txt_decode(buf_str(&enc), &dec, &err), 0);
	ck_assert_str_eq(buf_str(&dec), buf_str(&text));
	ck_assert_int_eq(spf_equivalent(buf_str(&dec), buf_str(&text)), 1);

	/* The example of the issue, and short records as one string. */
	buf_reset(&enc);
	spf_txt_encode("v=spf1 -all", &enc);
	ck_assert_str_eq(buf_str(&enc), "\"v=spf1 -all\"");

	/* txt_encode keeps filling strings for other text. */
	buf_reset(&enc);
	txt_encode(buf_str(&text), &enc);
	n = strings_of(buf_str(&enc), parts, NELEM(parts));
	ck_assert_uint_eq(strlen(parts[0]), TXT_STRING_MAX);
	ck_assert_uint_eq(strlen(parts[1]), TXT_STRING_MAX);

	/* A term over 255 bytes is cut inside, and still round-trips. */
	buf_reset(&text);
	buf_adds(&text, "v=spf1 include:");
	for (k = 0; k < 30; k++)
		buf_adds(&text, "abcdefghi.");
	buf_adds(&text, "example -all");
	buf_reset(&enc);
	spf_txt_encode(buf_str(&text), &enc);
	n = strings_of(buf_str(&enc), parts, NELEM(parts));
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(parts[0], "v=spf1");
	ck_assert_uint_eq(strlen(parts[1]), TXT_STRING_MAX);
	ck_assert_str_eq(parts[2] + strlen(parts[2]) - 12, "example -all");
	buf_reset(&dec);
	ck_assert_int_eq(txt_decode(buf_str(&enc), &dec, &err), 0);
	ck_assert_str_eq(buf_str(&dec), buf_str(&text));

	/* A space and a term of 254 bytes fill the second string. */
	buf_reset(&text);
	buf_adds(&text, "v=spf1 exists:");
	while (text.len < 7 + 250)
		buf_adds(&text, "a.");
	buf_adds(&text, "b.c");
	ck_assert_uint_eq(text.len, 7 + 254);
	buf_reset(&enc);
	spf_txt_encode(buf_str(&text), &enc);
	n = strings_of(buf_str(&enc), parts, NELEM(parts));
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(parts[0], "v=spf1");
	ck_assert_uint_eq(strlen(parts[1]), TXT_STRING_MAX);
	buf_reset(&dec);
	ck_assert_int_eq(txt_decode(buf_str(&enc), &dec, &err), 0);
	ck_assert_str_eq(buf_str(&dec), buf_str(&text));

	buf_release(&text);
	buf_release(&enc);
	buf_release(&dec);
}
END_TEST

/*
 * The corpus: the openspf RFC 7208 test suite.  Each YAML document has
 * zonedata (records per name) and tests (a sender, the expected result).
 *
 * The rule: a test whose result is permerror fails because of the syntax
 * of the record at the sender's domain (mailfrom's, or helo's when
 * mailfrom is empty), unless the table below says otherwise after reading
 * the test's description and zone.  Such records must have a syntax error;
 * every other SPF record in the suite (each TXT or SPF value, strings
 * joined, that starts with v=spf1) must have none.
 */
enum cause {
	C_OTHER,	/* permerror for a reason outside the record's text */
	C_LIMIT,	/* the record's own terms exceed §4.6.4: policy */
	C_SELF,		/* the record redirects to its own name: policy,
			 * found when the domain is known */
	C_GRAMMAR	/* [fail, permerror]; the grammar accepts it */
};

static const struct {
	const char	*test;
	enum cause	 cause;
	const char	*why;
} corpus_rules[] = {
	{ "multitxt1", C_OTHER, "several SPF records at one name (§4.5)" },
	{ "multitxt2", C_OTHER, "several SPF records at one name (§4.5)" },
	{ "multispf1", C_OTHER, "two identical records at one name (§4.5)" },
	{ "include-permerror", C_OTHER,
	  "the included record has the syntax error" },
	{ "include-none", C_OTHER, "the included name has no SPF record" },
	{ "redirect-none", C_OTHER, "the redirect target has no SPF record" },
	{ "redirect-loop", C_SELF,
	  "e1.example.com redirects to e1.example.com: spf_check_at() with "
	  "the domain reports the loop as a policy error" },
	{ "include-loop", C_OTHER,
	  "e2 and e3 include each other: a loop across two records, which "
	  "the check of one record cannot see" },
	{ "mx-limit", C_OTHER, "more than 10 MX names in DNS (§4.6.4)" },
	{ "include-over-limit", C_OTHER,
	  "11 lookups across the record and the one it includes" },
	{ "void-over-limit", C_OTHER, "three lookups with no answer" },
	{ "mech-over-limit", C_LIMIT,
	  "11 DNS terms in the record itself, counted as evaluated: "
	  "spf_check reports it as a policy error" },
	{ "invalid-domain-empty-label", C_GRAMMAR,
	  "a:a..b is a valid domain-spec; spf_check warns it never matches "
	  "(an include or redirect of such a name is a policy error)" },
	{ "invalid-domain-long", C_GRAMMAR,
	  "a:, with a 64-byte label, is a valid domain-spec; spf_check warns" },
	{ "invalid-domain-long-via-macro", C_GRAMMAR,
	  "only the expansion of %{H} is too long" },
};

struct corpus_rec {
	size_t	 doc;
	char	*name;		/* lower case */
	char	*text;
	size_t	 len;
	int	 invalid;	/* a test says its own syntax is wrong */
	size_t	 ntests;	/* the permerror tests that blame its syntax */
	int	 limit;
	int	 self;
};

struct corpus {
	struct corpus_rec	*v;
	size_t			 n;
	size_t			 used[NELEM(corpus_rules)];
	size_t			 ninvalid;
	size_t			 nsyntax_tests;
	size_t			 nlimit_tests;
};

static yaml_node_t *
map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t	*p;
	yaml_node_t		*k;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(doc, p->key);
		if (k->type == YAML_SCALAR_NODE &&
		    strcmp((char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static char *
lower(const char *s)
{
	char	*l = xstrdup(s), *p;

	for (p = l; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return l;
}

/* Adds the SPF records among the TXT and SPF values of one name. */
static void
zone_records(struct corpus *c, size_t ndoc, yaml_document_t *doc,
    const char *name, yaml_node_t *list)
{
	yaml_node_item_t	*it, *s;
	yaml_node_pair_t	*p;
	yaml_node_t		*e, *k, *v, *str;
	struct corpus_rec	*r;
	struct buf		 text = BUF_INIT;

	ck_assert_int_eq(list->type, YAML_SEQUENCE_NODE);
	for (it = list->data.sequence.items.start;
	    it < list->data.sequence.items.top; it++) {
		e = yaml_document_get_node(doc, *it);
		if (e->type != YAML_MAPPING_NODE)
			continue;	/* TIMEOUT */
		p = e->data.mapping.pairs.start;
		k = yaml_document_get_node(doc, p->key);
		v = yaml_document_get_node(doc, p->value);
		if (strcmp((char *)k->data.scalar.value, "SPF") != 0 &&
		    strcmp((char *)k->data.scalar.value, "TXT") != 0)
			continue;
		buf_reset(&text);
		if (v->type == YAML_SCALAR_NODE)
			buf_add(&text, v->data.scalar.value,
			    v->data.scalar.length);
		else
			for (s = v->data.sequence.items.start;
			    s < v->data.sequence.items.top; s++) {
				str = yaml_document_get_node(doc, *s);
				buf_add(&text, str->data.scalar.value,
				    str->data.scalar.length);
			}
		if (!spf_is_record(buf_str(&text)))
			continue;
		r = xappend(&c->v, &c->n, sizeof(*c->v));
		r->doc = ndoc;
		r->name = lower(name);
		r->len = text.len;
		r->text = buf_detach(&text);
	}
	buf_release(&text);
}

static size_t
rule_of(const char *test)
{
	size_t	 i;

	for (i = 0; i < NELEM(corpus_rules); i++)
		if (strcmp(corpus_rules[i].test, test) == 0)
			return i;
	return NELEM(corpus_rules);
}

static int
is_permerror(yaml_node_t *result, yaml_document_t *doc)
{
	yaml_node_item_t	*it;
	yaml_node_t		*e;

	if (result->type == YAML_SCALAR_NODE)
		return strcmp((char *)result->data.scalar.value,
		    "permerror") == 0;
	for (it = result->data.sequence.items.start;
	    it < result->data.sequence.items.top; it++) {
		e = yaml_document_get_node(doc, *it);
		if (strcmp((char *)e->data.scalar.value, "permerror") == 0)
			return 1;
	}
	return 0;
}

/* Marks the records that the permerror tests of one document blame. */
static void
doc_tests(struct corpus *c, size_t ndoc, yaml_document_t *doc,
    yaml_node_t *tests)
{
	yaml_node_pair_t	*p;
	yaml_node_t		*t, *mf, *res;
	const char		*tname, *dom;
	char			*ldom;
	size_t			 rule, i, found;

	for (p = tests->data.mapping.pairs.start;
	    p < tests->data.mapping.pairs.top; p++) {
		tname = (char *)yaml_document_get_node(doc,
		    p->key)->data.scalar.value;
		t = yaml_document_get_node(doc, p->value);
		res = map_get(doc, t, "result");
		ck_assert_ptr_nonnull(res);
		if (!is_permerror(res, doc))
			continue;
		rule = rule_of(tname);
		if (rule < NELEM(corpus_rules))
			c->used[rule]++;
		if (rule < NELEM(corpus_rules) &&
		    corpus_rules[rule].cause != C_LIMIT &&
		    corpus_rules[rule].cause != C_SELF)
			continue;
		if (rule == NELEM(corpus_rules))
			c->nsyntax_tests++;
		else if (corpus_rules[rule].cause == C_LIMIT)
			c->nlimit_tests++;
		mf = map_get(doc, t, "mailfrom");
		dom = (char *)mf->data.scalar.value;
		if (*dom == '\0')
			dom = (char *)map_get(doc, t,
			    "helo")->data.scalar.value;
		else if (strrchr(dom, '@') != NULL)
			dom = strrchr(dom, '@') + 1;
		ldom = lower(dom);
		for (i = 0, found = 0; i < c->n; i++)
			if (c->v[i].doc == ndoc &&
			    strcmp(c->v[i].name, ldom) == 0) {
				if (rule < NELEM(corpus_rules) &&
				    corpus_rules[rule].cause == C_LIMIT)
					c->v[i].limit = 1;
				else if (rule < NELEM(corpus_rules))
					c->v[i].self = 1;
				else {
					c->v[i].ntests++;
					if (!c->v[i].invalid) {
						c->v[i].invalid = 1;
						c->ninvalid++;
					}
				}
				found++;
			}
		ck_assert_msg(found == 1, "test '%s': %zu SPF records at '%s'",
		    tname, found, ldom);
		free(ldom);
	}
}

/* Appends len bytes of text as one Route 53 TXT value: quoted strings of
 * at most TXT_STRING_MAX bytes, with '"', '\\' and bytes outside printable
 * ASCII as three octal digits, as Route 53 shows them. */
static void
presentation(const char *text, size_t len, struct buf *out)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		unsigned char	 b = (unsigned char)text[i];

		if (i % TXT_STRING_MAX == 0)
			buf_adds(out, i == 0 ? "\"" : "\" \"");
		if (b < 0x20 || b > 0x7e || b == '"' || b == '\\')
			buf_addf(out, "\\%03o", b);
		else
			buf_addc(out, (char)b);
	}
	buf_adds(out, len == 0 ? "\"\"" : "\"");
}

START_TEST(test_rfc7208_suite)
{
	const char		*path = test_corpus("spf/rfc7208-tests.yml");
	struct corpus		 c;
	struct diags		 d = DIAGS_INIT;
	yaml_parser_t		 parser;
	yaml_document_t		 doc;
	yaml_node_t		*root, *zone, *tests;
	yaml_node_pair_t	*p;
	FILE			*fp;
	struct buf		 value = BUF_INIT, text = BUF_INIT;
	struct err		 err;
	size_t			 ndoc, i, j, nvalid = 0, nrejected = 0;

	memset(&c, 0, sizeof(c));
	ck_assert_ptr_nonnull(fp = fopen(path, "rb"));
	ck_assert_int_eq(yaml_parser_initialize(&parser), 1);
	yaml_parser_set_input_file(&parser, fp);
	for (ndoc = 0;; ndoc++) {
		ck_assert_msg(yaml_parser_load(&parser, &doc) == 1,
		    "YAML error: %s", parser.problem);
		if ((root = yaml_document_get_root_node(&doc)) == NULL) {
			yaml_document_delete(&doc);
			break;
		}
		zone = map_get(&doc, root, "zonedata");
		ck_assert_ptr_nonnull(zone);
		for (p = zone->data.mapping.pairs.start;
		    p < zone->data.mapping.pairs.top; p++)
			zone_records(&c, ndoc, &doc,
			    (char *)yaml_document_get_node(&doc,
			    p->key)->data.scalar.value,
			    yaml_document_get_node(&doc, p->value));
		tests = map_get(&doc, root, "tests");
		ck_assert_ptr_nonnull(tests);
		doc_tests(&c, ndoc, &doc, tests);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(fp);

	for (i = 0; i < NELEM(corpus_rules); i++)
		ck_assert_msg(c.used[i] == 1, "rule '%s' matched %zu tests",
		    corpus_rules[i].test, c.used[i]);
	for (i = 0; i < c.n; i++) {
		/* As lint and plan read it: a Route 53 TXT value, decoded. */
		buf_reset(&value);
		buf_reset(&text);
		presentation(c.v[i].text, c.v[i].len, &value);
		ck_assert_int_eq(txt_decode(buf_str(&value), &text, &err), 0);
		ck_assert_msg(text.len == c.v[i].len && memcmp(buf_str(&text),
		    c.v[i].text, text.len) == 0, "'%s' at %s: changed by the "
		    "TXT round trip", buf_str(&value), c.v[i].name);
		spf_check_bytes(buf_str(&text), text.len, c.v[i].name,
		    SPF_CHECK_SYNTAX, &d);
		if (c.v[i].invalid) {
			ck_assert_msg(d.nerrors > 0, "'%s' at %s: no syntax "
			    "error", buf_str(&value), c.v[i].name);
			nrejected += c.v[i].ntests;
		} else {
			ck_assert_msg(d.n == 0, "'%s' at %s: %s",
			    buf_str(&value), c.v[i].name, d.n > 0 ?
			    d.v[0].msg : "");
			nvalid++;
		}
		diags_release(&d);
		if (c.v[i].limit) {
			spf_check_bytes(buf_str(&text), text.len, c.v[i].name,
			    SPF_CHECK_ALL, &d);
			ck_assert_uint_eq(d.nerrors, 1);
			nrejected++;
			for (j = 0; j < d.n; j++)
				if (d.v[j].level == DIAG_ERROR)
					ck_assert_ptr_nonnull(strstr(d.v[j].msg,
					    "11 terms query DNS"));
			diags_release(&d);
		}
		if (c.v[i].self) {
			spf_check_at(c.v[i].name, buf_str(&text), text.len,
			    c.v[i].name, SPF_CHECK_ALL, &d);
			ck_assert_uint_eq(d.nerrors, 1);
			ck_assert_ptr_nonnull(strstr(d.v[0].msg,
			    "redirects to this record itself"));
			diags_release(&d);
		}
		free(c.v[i].name);
		free(c.v[i].text);
	}
	free(c.v);
	buf_release(&value);
	buf_release(&text);
	/* What lint does with each record, read as a TXT value: the
	 * permerror tests whose cause is the record's own text (its syntax,
	 * or its own terms over the lookup limit) all get an error. */
	printf("spf rfc7208-tests: %zu records read as TXT values; lint "
	    "rejects %zu of the %zu permerror tests caused by the record's "
	    "own text (%zu of syntax, in %zu records; %zu over the lookup "
	    "limit), the syntax of the %zu other records passes; %zu "
	    "permerror tests with another cause are listed in check_spf.c\n",
	    c.n, nrejected, c.nsyntax_tests + c.nlimit_tests,
	    c.nsyntax_tests, c.ninvalid, c.nlimit_tests, nvalid,
	    NELEM(corpus_rules) - c.nlimit_tests);
	ck_assert_uint_eq(c.ninvalid + nvalid, c.n);
	/* 100%, and the counts of this copy of the suite: a test or record
	 * lost from the file must show. */
	ck_assert_uint_eq(nrejected, c.nsyntax_tests + c.nlimit_tests);
	ck_assert_uint_eq(c.nsyntax_tests + c.nlimit_tests, 64);
	ck_assert_uint_eq(c.ninvalid, 63);
	ck_assert_uint_eq(c.n, 197);
}
END_TEST

Suite *
spf_suite(void)
{
	Suite	*s = suite_create("spf");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_render);
	tcase_add_test(tc, test_render_duplicates);
	tcase_add_test(tc, test_is_record);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_check_messages);
	tcase_add_test(tc, test_check_bounds);
	tcase_add_test(tc, test_check_long_numbers);
	tcase_add_test(tc, test_check_size);
	tcase_add_test(tc, test_check_at_domain);
	tcase_add_test(tc, test_check_name_limits);
	tcase_add_test(tc, test_equivalent);
	tcase_add_test(tc, test_txt_encode);
	tcase_add_test(tc, test_rfc7208_suite);
	suite_add_tcase(s, tc);
	return s;
}
