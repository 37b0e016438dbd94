/*
 * check_dns.c - unit tests for the record model: DNS names (name.c), record
 * sets (rrset.c) and TXT values (txt.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "testutil.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

Suite	*dns_suite(void);

/* A string of n copies of c (n < 1024). */
static const char *
rep(char c, size_t n)
{
	static char	 s[4][1024];
	static int	 which;
	char		*p = s[which++ % 4];

	ck_assert_uint_lt(n, sizeof(s[0]));
	memset(p, c, n);
	p[n] = '\0';
	return p;
}

/* Names: in -> canonical form, or NULL with an error containing msg. */
static const struct {
	const char	*in;
	const char	*out;
	const char	*msg;
} canon_cases[] = {
	{ "example.com", "example.com.", NULL },
	{ "example.com.", "example.com.", NULL },
	{ "Example.COM", "example.com.", NULL },
	{ "WWW.Example.Com.", "www.example.com.", NULL },
	{ "_dmarc.example.com", "_dmarc.example.com.", NULL },
	{ "sel-1._domainkey.example.com", "sel-1._domainkey.example.com.",
	    NULL },
	{ "*.example.com", "\\052.example.com.", NULL },
	{ "\\052.example.com", "\\052.example.com.", NULL },
	{ "\\052.Example.com.", "\\052.example.com.", NULL },
	{ "a b.example.com", "a\\040b.example.com.", NULL },
	{ "a\\ b.example.com", "a\\040b.example.com.", NULL },
	{ "a\\.b.example.com", "a\\056b.example.com.", NULL },
	{ "a\\056b.example.com", "a\\056b.example.com.", NULL },
	{ "\\101bc.com", "abc.com.", NULL },		/* \101 is 'A' */
	{ "caf\xc3\xa9.com", "caf\\303\\251.com.", NULL },
	{ "a/b.com", "a\\057b.com.", NULL },
	{ "com", "com.", NULL },
	{ "", NULL, "empty DNS name" },
	{ ".", NULL, "empty DNS name" },
	{ "a..com", NULL, "empty label" },
	{ ".example.com", NULL, "empty label" },
	{ "example.com..", NULL, "empty label" },
	{ "abc\\", NULL, "bad escape" },
	{ "\\400.com", NULL, "bad escape" },
	{ "\\08a.com", NULL, "bad escape" },
};

START_TEST(test_name_canon)
{
	size_t	 i;

	for (i = 0; i < NELEM(canon_cases); i++) {
		struct err	 err;
		char		*got;

		err_clear(&err);
		got = dns_name_canon(canon_cases[i].in, &err);
		if (canon_cases[i].out == NULL) {
			ck_assert_msg(got == NULL, "'%s' gave '%s'",
			    canon_cases[i].in, got);
			ck_assert_msg(strstr(err.msg, canon_cases[i].msg) !=
			    NULL, "'%s': message '%s'", canon_cases[i].in,
			    err.msg);
			continue;
		}
		ck_assert_msg(got != NULL, "'%s': %s", canon_cases[i].in,
		    err.msg);
		ck_assert_str_eq(got, canon_cases[i].out);
		free(got);
	}
}
END_TEST

START_TEST(test_name_canon_limits)
{
	struct err	 err;
	char		*got, *name;

	/* A label of 63 bytes is allowed, 64 is not. */
	name = xasprintf("%s.com", rep('a', 63));
	got = dns_name_canon(name, &err);
	ck_assert_ptr_nonnull(got);
	free(got);
	free(name);
	name = xasprintf("%s.com", rep('a', 64));
	err_clear(&err);
	ck_assert_ptr_null(dns_name_canon(name, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "label longer than 63"));
	free(name);
	/* An escape counts as the one byte it stands for. */
	name = xasprintf("%s\\052.com", rep('a', 62));
	got = dns_name_canon(name, &err);
	ck_assert_ptr_nonnull(got);
	free(got);
	free(name);

	/* 3 * (1 + 63) + (1 + 61) + 1 = 255 bytes on the wire. */
	name = xasprintf("%s.%s.%s.%s", rep('a', 63), rep('b', 63),
	    rep('c', 63), rep('d', 61));
	got = dns_name_canon(name, &err);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(strlen(got), 254);
	free(got);
	free(name);
	name = xasprintf("%s.%s.%s.%s.", rep('a', 63), rep('b', 63),
	    rep('c', 63), rep('d', 62));
	err_clear(&err);
	ck_assert_ptr_null(dns_name_canon(name, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "longer than 255"));
	free(name);
	/* Escapes do not count towards the limit as their text. */
	name = xasprintf("%s.%s.%s.\\052%s", rep('a', 63), rep('b', 63),
	    rep('c', 63), rep('d', 60));
	got = dns_name_canon(name, &err);
	ck_assert_ptr_nonnull(got);
	free(got);
	free(name);
	/* err may be NULL. */
	ck_assert_ptr_null(dns_name_canon("a..b", NULL));
}
END_TEST

static const struct {
	const char	*canon;
	const char	*display;
} display_cases[] = {
	{ "example.com.", "example.com" },
	{ "\\052.example.com.", "*.example.com" },
	{ "_dmarc.example.com.", "_dmarc.example.com" },
	{ "a\\040b.example.com.", "a\\040b.example.com" },
	{ "a\\056b.example.com.", "a\\056b.example.com" },
	{ "caf\\303\\251.com.", "caf\\303\\251.com" },
	{ "a\\057b.com.", "a/b.com" },
	{ "", "" },
};

START_TEST(test_name_display)
{
	size_t	 i;

	for (i = 0; i < NELEM(display_cases); i++) {
		char	*got = dns_name_display(display_cases[i].canon);

		ck_assert_str_eq(got, display_cases[i].display);
		free(got);
	}
}
END_TEST

/* Display then canonicalise gives the name back. */
START_TEST(test_name_display_round_trip)
{
	size_t	 i;

	for (i = 0; i < NELEM(canon_cases); i++) {
		char	*shown, *back;

		if (canon_cases[i].out == NULL)
			continue;
		shown = dns_name_display(canon_cases[i].out);
		back = dns_name_canon(shown, NULL);
		ck_assert_msg(back != NULL, "'%s'", shown);
		ck_assert_str_eq(back, canon_cases[i].out);
		free(shown);
		free(back);
	}
}
END_TEST

static const struct {
	const char	*name;
	const char	*zone;
	int		 in;
} zone_cases[] = {
	{ "example.com.", "example.com.", 1 },
	{ "www.example.com.", "example.com.", 1 },
	{ "_dmarc.example.com.", "example.com.", 1 },
	{ "a.b.example.com.", "example.com.", 1 },
	{ "\\052.example.com.", "example.com.", 1 },
	{ "xexample.com.", "example.com.", 0 },
	{ "example.com.", "www.example.com.", 0 },
	{ "com.", "example.com.", 0 },
	{ "example.org.", "example.com.", 0 },
	{ "example.com.", "com.", 1 },
	{ "a\\056example.com.", "example.com.", 0 },
};

START_TEST(test_name_in_zone)
{
	size_t	 i;

	for (i = 0; i < NELEM(zone_cases); i++)
		ck_assert_msg(dns_name_in_zone(zone_cases[i].name,
		    zone_cases[i].zone) == zone_cases[i].in, "'%s' in '%s'",
		    zone_cases[i].name, zone_cases[i].zone);
}
END_TEST

static const struct {
	const char	*name;
	const char	*msg;	/* NULL when valid */
} host_cases[] = {
	{ "example.com", NULL },
	{ "example.com.", NULL },
	{ "Example.COM", NULL },
	{ "mail.example.co.uk", NULL },
	{ "_dmarc.example.com", NULL },
	{ "xn--bcher-kva.example", NULL },
	{ "a-b.example", NULL },
	{ "123.example", NULL },
	{ "", "empty domain name" },
	{ ".", "empty domain name" },
	{ "localhost", "at least two labels" },
	{ "-a.com", "cannot start or end with '-'" },
	{ "a-.com", "cannot start or end with '-'" },
	{ "a..com", "empty label" },
	{ ".a.com", "empty label" },
	{ "example.com..", "empty label" },
	{ "a b.com", "' ' is not allowed" },
	{ "*.example.com", "'*' is not allowed" },
	/* Never the raw bytes: an IDN here is to be written in A-labels. */
	{ "caf\xc3\xa9.com", "'caf\xc3\xa9.com': characters outside ASCII; write "
	    "an internationalized name in A-labels (xn--...)" },
};

START_TEST(test_hostname_check)
{
	size_t	 i;

	for (i = 0; i < NELEM(host_cases); i++) {
		struct err	 err;
		int		 rc;

		err_clear(&err);
		rc = dns_hostname_check(host_cases[i].name, &err);
		if (host_cases[i].msg == NULL) {
			ck_assert_msg(rc == 0, "'%s': %s", host_cases[i].name,
			    err.msg);
			continue;
		}
		ck_assert_msg(rc == -1, "'%s' passed", host_cases[i].name);
		ck_assert_msg(strstr(err.msg, host_cases[i].msg) != NULL,
		    "'%s': message '%s'", host_cases[i].name, err.msg);
	}
}
END_TEST

START_TEST(test_hostname_limits)
{
	struct err	 err;
	char		*name;

	name = xasprintf("%s.com", rep('a', 63));
	ck_assert_int_eq(dns_hostname_check(name, &err), 0);
	free(name);
	name = xasprintf("%s.com", rep('a', 64));
	ck_assert_int_eq(dns_hostname_check(name, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "label longer than 63"));
	free(name);
	/* 253 characters, and with a trailing dot; 254 is too long. */
	name = xasprintf("%s.%s.%s.%s", rep('a', 63), rep('b', 63),
	    rep('c', 63), rep('d', 61));
	ck_assert_uint_eq(strlen(name), 253);
	ck_assert_int_eq(dns_hostname_check(name, &err), 0);
	free(name);
	name = xasprintf("%s.%s.%s.%s.", rep('a', 63), rep('b', 63),
	    rep('c', 63), rep('d', 61));
	ck_assert_int_eq(dns_hostname_check(name, &err), 0);
	free(name);
	name = xasprintf("%s.%s.%s.%s", rep('a', 63), rep('b', 63),
	    rep('c', 63), rep('d', 62));
	ck_assert_int_eq(dns_hostname_check(name, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "longer than 253"));
	free(name);
}
END_TEST

START_TEST(test_rrset)
{
	struct rrset	 a, b;

	rrset_init(&a, "_dmarc.example.com.", "TXT", 300);
	rrset_value_add(&a, "\"v=DMARC1; p=none\"");
	rrset_value_add(&a, "\"other\"");
	ck_assert_uint_eq(a.nvalues, 2);
	ck_assert_ptr_null(a.alias_target);

	rrset_copy(&b, &a);
	ck_assert_int_eq(rrset_equal(&a, &b), 1);
	/* A deep copy: the strings are not shared. */
	ck_assert_ptr_ne(a.values[0], b.values[0]);
	ck_assert_ptr_ne(a.name, b.name);

	b.ttl = 3600;
	ck_assert_int_eq(rrset_equal(&a, &b), 0);
	b.ttl = 300;
	/* Same values in another order differ. */
	free(b.values[0]);
	free(b.values[1]);
	b.values[0] = xstrdup("\"other\"");
	b.values[1] = xstrdup("\"v=DMARC1; p=none\"");
	ck_assert_int_eq(rrset_equal(&a, &b), 0);
	rrset_release(&b);
	ck_assert_ptr_null(b.values);
	ck_assert_uint_eq(b.nvalues, 0);

	rrset_copy(&b, &a);
	rrset_value_add(&b, "\"third\"");
	ck_assert_int_eq(rrset_equal(&a, &b), 0);
	rrset_release(&b);

	rrset_init(&b, "_dmarc.example.com.", "SPF", 300);
	rrset_value_add(&b, "\"v=DMARC1; p=none\"");
	rrset_value_add(&b, "\"other\"");
	ck_assert_int_eq(rrset_equal(&a, &b), 0);
	rrset_release(&b);

	rrset_init(&b, "www.example.com.", "TXT", 300);
	rrset_value_add(&b, "\"v=DMARC1; p=none\"");
	rrset_value_add(&b, "\"other\"");
	ck_assert_int_eq(rrset_equal(&a, &b), 0);
	rrset_release(&b);
	rrset_release(&a);

	/* Alias records: the target is copied and compared. */
	rrset_init(&a, "example.com.", "A", -1);
	a.alias_target = xstrdup("d111.cloudfront.net.");
	rrset_copy(&b, &a);
	ck_assert_str_eq(b.alias_target, "d111.cloudfront.net.");
	ck_assert_int_eq(b.ttl, -1);
	ck_assert_int_eq(rrset_equal(&a, &b), 1);
	free(b.alias_target);
	b.alias_target = NULL;
	ck_assert_int_eq(rrset_equal(&a, &b), 0);
	ck_assert_int_eq(rrset_equal(&b, &a), 0);
	rrset_release(&b);
	rrset_release(&a);
}
END_TEST

/* Value -> decoded text (len bytes, may hold NUL), or NULL: an error. */
static const struct {
	const char	*value;
	const char	*text;
	size_t		 len;
	const char	*msg;
} decode_cases[] = {
	{ "\"v=DMARC1; p=none\"", "v=DMARC1; p=none", 16, NULL },
	{ "\"part one\" \"part two\"", "part onepart two", 16, NULL },
	{ "\"a\"\t\"b\"  \"c\"", "abc", 3, NULL },
	{ "\"a\"\"b\"", "ab", 2, NULL },
	{ "  \"x\"  ", "x", 1, NULL },
	{ "\"\"", "", 0, NULL },
	{ "\"say \\\"hi\\\"\"", "say \"hi\"", 8, NULL },
	{ "\"back\\\\slash\"", "back\\slash", 10, NULL },
	{ "\"caf\\303\\251\"", "caf\xc3\xa9", 5, NULL },
	{ "\"\\052\"", "*", 1, NULL },
	{ "\"a\\;b\"", "a;b", 3, NULL },
	{ "\"nul\\000byte\"", "nul\0byte", 8, NULL },
	{ "\"\\377\"", "\xff", 1, NULL },
	{ "word", "word", 4, NULL },
	{ "v=spf1", "v=spf1", 6, NULL },
	{ "a\\040b", "a b", 3, NULL },
	{ "", NULL, 0, "empty TXT value" },
	{ "   ", NULL, 0, "empty TXT value" },
	{ "\"abc", NULL, 0, "unterminated" },
	{ "\"a\\\"", NULL, 0, "unterminated" },
	{ "\"a\\", NULL, 0, "ends inside an escape" },
	{ "\"abc\" def", NULL, 0, "text outside quotes" },
	{ "\"abc\"def", NULL, 0, "text outside quotes" },
	{ "abc \"def\"", NULL, 0, "text outside quotes" },
	{ "two words", NULL, 0, "text outside quotes" },
	{ "ab\"c", NULL, 0, "text outside quotes" },
	{ "\"\\400\"", NULL, 0, "over 255" },
	{ "\"\\9ab\"", NULL, 0, "bad escape" },
	{ "\"\\12\"", NULL, 0, "bad escape" },
};

START_TEST(test_txt_decode)
{
	size_t	 i;

	for (i = 0; i < NELEM(decode_cases); i++) {
		struct buf	 out = BUF_INIT;
		struct err	 err;
		int		 rc;

		/* Decoding appends; a failure leaves out as it was. */
		buf_adds(&out, "pre:");
		err_clear(&err);
		rc = txt_decode(decode_cases[i].value, &out, &err);
		if (decode_cases[i].text == NULL) {
			ck_assert_msg(rc == -1, "'%s' decoded",
			    decode_cases[i].value);
			ck_assert_msg(strstr(err.msg, decode_cases[i].msg) !=
			    NULL, "'%s': message '%s'", decode_cases[i].value,
			    err.msg);
			ck_assert_str_eq(buf_str(&out), "pre:");
			ck_assert_uint_eq(out.len, 4);
		} else {
			ck_assert_msg(rc == 0, "'%s': %s",
			    decode_cases[i].value, err.msg);
			ck_assert_uint_eq(out.len, 4 + decode_cases[i].len);
			ck_assert_msg(memcmp(out.data + 4, decode_cases[i].text,
			    decode_cases[i].len) == 0, "'%s'",
			    decode_cases[i].value);
		}
		buf_release(&out);
	}
	/* err may be NULL. */
	{
		struct buf	 out = BUF_INIT;

		ck_assert_int_eq(txt_decode("\"x", &out, NULL), -1);
		ck_assert_uint_eq(out.len, 0);
		buf_release(&out);
	}
}
END_TEST

/* RFC 1035 §3.3.14: a character-string is a length byte and that many
 * bytes: 255 decoded bytes is the most one quoted string can hold. */
START_TEST(test_txt_decode_string_limit)
{
	struct buf	 v = BUF_INIT, out = BUF_INIT;
	struct err	 err;
	size_t		 i;

	/* 255 bytes, one of them an escape: fine. */
	buf_adds(&v, "\"\\000");
	for (i = 1; i < TXT_STRING_MAX; i++)
		buf_addc(&v, 'a');
	buf_adds(&v, "\"");
	ck_assert_int_eq(txt_decode(buf_str(&v), &out, NULL), 0);
	ck_assert_uint_eq(out.len, TXT_STRING_MAX);
	buf_reset(&out);
	/* Two strings of 255: fine too, joined. */
	{
		char	*one = xstrdup(buf_str(&v));

		buf_addf(&v, " %s", one);
		free(one);
	}
	ck_assert_int_eq(txt_decode(buf_str(&v), &out, NULL), 0);
	ck_assert_uint_eq(out.len, 2 * TXT_STRING_MAX);
	buf_reset(&out);
	/* 256 bytes in the second string: refused, out as it was. */
	buf_reset(&v);
	buf_adds(&v, "\"v=spf1\" \"");
	for (i = 0; i < TXT_STRING_MAX + 1; i++)
		buf_addc(&v, 'a');
	buf_adds(&v, "\"");
	err_clear(&err);
	ck_assert_int_eq(txt_decode(buf_str(&v), &out, &err), -1);
	ck_assert_str_eq(err.msg, "character-string 2 of the TXT value is 256 "
	    "bytes; a DNS character-string holds at most 255, so split the "
	    "text into several quoted strings (RFC 1035 §3.3.14)");
	ck_assert_uint_eq(out.len, 0);
	buf_release(&v);
	buf_release(&out);
}
END_TEST

static const struct {
	const char	*text;
	const char	*value;
} encode_cases[] = {
	{ "v=DMARC1; p=none", "\"v=DMARC1; p=none\"" },
	{ "", "\"\"" },
	{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
	{ "caf\xc3\xa9", "\"caf\\303\\251\"" },
	{ "tab\there\nnl", "\"tab\\011here\\012nl\"" },
	{ "del\x7f", "\"del\\177\"" },
	{ " ~", "\" ~\"" },
	{ "*", "\"*\"" },
};

START_TEST(test_txt_encode)
{
	size_t	 i;

	for (i = 0; i < NELEM(encode_cases); i++) {
		struct buf	 out = BUF_INIT;

		txt_encode(encode_cases[i].text, &out);
		ck_assert_str_eq(buf_str(&out), encode_cases[i].value);
		buf_release(&out);
	}
}
END_TEST

/*
 * Checks that value is a run of quoted strings separated by one space, each
 * of at most TXT_STRING_MAX decoded bytes, that it decodes to text, and
 * returns the number of strings and each one's decoded length in lens.
 */
static size_t
check_split(const char *value, const char *text, size_t *lens, size_t max)
{
	struct buf	 all = BUF_INIT, one = BUF_INIT;
	const char	*p = value, *q;
	size_t		 n = 0;
	char		*s;

	ck_assert_int_eq(txt_decode(value, &all, NULL), 0);
	ck_assert_str_eq(buf_str(&all), text);
	while (*p != '\0') {
		ck_assert_int_eq(*p, '"');
		for (q = p + 1; *q != '"'; q++)
			if (*q == '\\')
				q++;
		s = xstrndup(p, (size_t)(q - p + 1));
		buf_reset(&one);
		ck_assert_int_eq(txt_decode(s, &one, NULL), 0);
		ck_assert_uint_le(one.len, TXT_STRING_MAX);
		ck_assert_uint_lt(n, max);
		lens[n++] = one.len;
		free(s);
		p = q + 1;
		if (*p != '\0') {
			ck_assert_int_eq(*p, ' ');
			p++;
			ck_assert_int_eq(*p, '"');
		}
	}
	buf_release(&all);
	buf_release(&one);
	return n;
}

START_TEST(test_txt_split)
{
	struct buf	 out = BUF_INIT;
	size_t		 lens[8], n, i;
	char		 text[701];
	static const struct {
		size_t	 len;
		char	 c;
		size_t	 nstrings;
		size_t	 last;
	} cases[] = {
		{ 255, 'a', 1, 255 },
		{ 256, 'a', 2, 1 },
		{ 510, 'a', 2, 255 },
		{ 600, 'a', 3, 90 },
		/* Escaped bytes count once: 255 of them per string. */
		{ 600, '"', 3, 90 },
		{ 300, '\\', 2, 45 },
		{ 700, (char)0xff, 3, 190 },
	};

	for (i = 0; i < NELEM(cases); i++) {
		memset(text, cases[i].c, cases[i].len);
		text[cases[i].len] = '\0';
		buf_reset(&out);
		txt_encode(text, &out);
		n = check_split(buf_str(&out), text, lens, NELEM(lens));
		ck_assert_uint_eq(n, cases[i].nstrings);
		ck_assert_uint_eq(lens[n - 1], cases[i].last);
		if (n > 1)
			ck_assert_uint_eq(lens[0], TXT_STRING_MAX);
	}

	/* A realistic long record: a DKIM key. */
	for (i = 0; i < 400; i++)
		text[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789+/"[i % 64];
	text[400] = '\0';
	buf_reset(&out);
	txt_encode(text, &out);
	n = check_split(buf_str(&out), text, lens, NELEM(lens));
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(lens[0], 255);
	ck_assert_uint_eq(lens[1], 145);
	buf_release(&out);
}
END_TEST

/* decode(encode(text)) == text for every byte but NUL. */
START_TEST(test_txt_round_trip)
{
	struct buf	 enc = BUF_INIT, dec = BUF_INIT;
	char		 text[256];
	size_t		 i;

	for (i = 0; i < 255; i++)
		text[i] = (char)(i + 1);
	text[255] = '\0';
	txt_encode(text, &enc);
	ck_assert_int_eq(txt_decode(buf_str(&enc), &dec, NULL), 0);
	ck_assert_uint_eq(dec.len, 255);
	ck_assert_mem_eq(dec.data, text, 255);
	for (i = 0; i < NELEM(encode_cases); i++) {
		buf_reset(&enc);
		buf_reset(&dec);
		txt_encode(encode_cases[i].text, &enc);
		ck_assert_int_eq(txt_decode(buf_str(&enc), &dec, NULL), 0);
		ck_assert_str_eq(buf_str(&dec), encode_cases[i].text);
	}
	buf_release(&enc);
	buf_release(&dec);
}
END_TEST

START_TEST(test_name_to_ascii)
{
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: refused */
		const char	*msg;	/* part of the error */
	} cases[] = {
		{ "b\xc3\xbc" "cher.example", "xn--bcher-kva.example", NULL },
		/* UTS #46 lowers an upper-case letter first. */
		{ "B\xc3\x9c" "cher.Example", "xn--bcher-kva.example", NULL },
		{ "xn--bcher-kva.example", "xn--bcher-kva.example", NULL },
		{ "XN--BCHER-KVA.example", "xn--bcher-kva.example", NULL },
		/* Mixed labels: only the Unicode one changes. */
		{ "mail.b\xc3\xbc" "cher.example.", "mail.xn--bcher-kva.example.",
		    NULL },
		{ "_dmarc.b\xc3\xbc" "cher.example", "_dmarc.xn--bcher-kva.example",
		    NULL },
		{ "\xc3\x9f.de", "xn--zca.de", NULL },	/* not "ss" */
		/* ASCII names are not IDNA's to judge. */
		{ "example.com", "example.com", NULL },
		{ "Exa mple.com", "Exa mple.com", NULL },
		{ "-bad.example", "-bad.example", NULL },
		/* U+2665, a symbol, is disallowed. */
		{ "a\xe2\x99\xa5.example", NULL, "'a\xe2\x99\xa5.example' is not a valid "
		    "internationalized domain name (IDNA2008): " },
		/* A Latin letter in a right-to-left label breaks the bidi
		 * rule. */
		{ "a\xd8\xa8.example", NULL, "bi-directional" },
		{ "xn--zz.example", NULL, "punycode" },
		{ "xn--a.example", NULL, "'xn--a.example' is not a valid" },
		{ "b\xc3.example", NULL, "'b\\xc3.example'" },	/* not UTF-8 */
	};
	struct err	 err;
	size_t		 i;
	char		*out;

	for (i = 0; i < NELEM(cases); i++) {
		err_clear(&err);
		out = dns_name_to_ascii(cases[i].in, &err);
		if (cases[i].out == NULL) {
			ck_assert_msg(out == NULL, "%zu: accepted as %s", i,
			    out);
			ck_assert_msg(strstr(err.msg, cases[i].msg) != NULL,
			    "%zu: %s", i, err.msg);
			continue;
		}
		ck_assert_msg(out != NULL, "%zu: %s", i, err.msg);
		ck_assert_str_eq(out, cases[i].out);
		free(out);
	}
}
END_TEST

START_TEST(test_name_both)
{
	char	*s;

	s = dns_name_both("mail.xn--bcher-kva.example");
	ck_assert_str_eq(s, "mail.b\xc3\xbc" "cher.example "
	    "(mail.xn--bcher-kva.example)");
	free(s);
	s = dns_name_both("example.com");
	ck_assert_str_eq(s, "example.com");
	free(s);
	s = dns_name_both("xn--zz.example");	/* does not decode */
	ck_assert_str_eq(s, "xn--zz.example");
	free(s);
}
END_TEST

START_TEST(test_name_length_check)
{
	struct err	 err;
	char		 name[300];

	/* 253 octets in four labels of 63 with dots between, plus "a". */
	snprintf(name, sizeof(name), "%s.%s.%s.%s", rep('a', 63),
	    rep('b', 63), rep('c', 63), rep('d', 61));
	ck_assert_uint_eq(strlen(name), 253);
	ck_assert_int_eq(dns_name_length_check(name, &err), 0);
	strcat(name, ".");
	ck_assert_int_eq(dns_name_length_check(name, &err), 0);
	snprintf(name, sizeof(name), "%s.%s.%s.%s", rep('a', 63),
	    rep('b', 63), rep('c', 63), rep('d', 62));
	ck_assert_int_eq(dns_name_length_check(name, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "' is 254 characters long; a "
	    "DNS name holds at most 253"));
	snprintf(name, sizeof(name), "_dmarc.%s.example", rep('x', 63));
	ck_assert_int_eq(dns_name_length_check(name, &err), 0);
	snprintf(name, sizeof(name), "_dmarc.%s.example", rep('x', 64));
	ck_assert_int_eq(dns_name_length_check(name, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "' is 64 characters long; a "
	    "label holds at most 63"));
}
END_TEST

Suite *
dns_suite(void)
{
	Suite	*s = suite_create("dns");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_name_canon);
	tcase_add_test(tc, test_name_canon_limits);
	tcase_add_test(tc, test_name_display);
	tcase_add_test(tc, test_name_display_round_trip);
	tcase_add_test(tc, test_name_in_zone);
	tcase_add_test(tc, test_hostname_check);
	tcase_add_test(tc, test_hostname_limits);
	tcase_add_test(tc, test_name_to_ascii);
	tcase_add_test(tc, test_name_both);
	tcase_add_test(tc, test_name_length_check);
	tcase_add_test(tc, test_rrset);
	tcase_add_test(tc, test_txt_decode);
	tcase_add_test(tc, test_txt_decode_string_limit);
	tcase_add_test(tc, test_txt_encode);
	tcase_add_test(tc, test_txt_split);
	tcase_add_test(tc, test_txt_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
