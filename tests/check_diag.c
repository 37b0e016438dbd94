/*
 * check_diag.c - diagnostics stay bounded whatever the input: struct diags
 * keeps the first DIAGS_MAX and counts the rest, long keys are cut in key
 * paths, and a config with 10,000 bad keys keeps no more than that.
 * Whatever input a message quotes, no control character is in it: errors,
 * diagnostics, their rendering and key paths all go through the one
 * printable-text function, without escaping twice.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"

START_TEST(diags_capped)
{
	struct diags	 d = DIAGS_INIT;
	size_t		 i;

	for (i = 0; i < 10000; i++)
		diags_add(&d, DIAG_ERROR, "f.yaml", (int)i + 1, 1,
		    "k%zu: unknown key", i);
	diags_add(&d, DIAG_WARNING, NULL, 0, 0, "late warning");
	ck_assert_uint_eq(d.n, DIAGS_MAX);
	ck_assert_uint_eq(d.nerrors, 10000);
	ck_assert_uint_eq(d.nwarnings, 1);
	/* The first ones are kept, in order. */
	ck_assert_str_eq(d.v[0].msg, "k0: unknown key");
	ck_assert_str_eq(d.v[DIAGS_MAX - 1].msg, "k99: unknown key");
	diags_release(&d);
}
END_TEST

START_TEST(diags_dropped_counted)
{
	struct diags	 from = DIAGS_INIT, to = DIAGS_INIT;
	size_t		 i;

	for (i = 0; i < DIAGS_MAX + 7; i++)
		diags_add(&from, DIAG_WARNING, NULL, 0, 0, "w%zu", i);
	for (i = 0; i < 3; i++)
		diags_add(&from, DIAG_ERROR, NULL, 0, 0, "e%zu", i);
	/* Copy the kept ones one by one, as cfg_flush() does. */
	for (i = 0; i < from.n; i++)
		diags_add(&to, from.v[i].level, NULL, 0, 0, "%s",
		    from.v[i].msg);
	diags_count_dropped(&to, &from);
	ck_assert_uint_eq(to.n, DIAGS_MAX);
	ck_assert_uint_eq(to.nwarnings, DIAGS_MAX + 7);
	ck_assert_uint_eq(to.nerrors, 3);
	diags_release(&from);
	diags_release(&to);
}
END_TEST

START_TEST(diag_key_cut)
{
	struct buf	 b = BUF_INIT;
	char		 key[400];

	diag_add_key(&b, "example.com");
	ck_assert_str_eq(buf_str(&b), "example.com");
	/* A DNS name of 253 bytes is shown whole. */
	memset(key, 'a', 253);
	key[253] = '\0';
	buf_reset(&b);
	diag_add_key(&b, key);
	ck_assert_str_eq(buf_str(&b), key);
	memset(key, 'a', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	buf_reset(&b);
	diag_add_key(&b, key);
	ck_assert_uint_eq(b.len, DIAG_KEY_MAX);
	ck_assert_str_eq(buf_str(&b) + DIAG_KEY_MAX - 3, "...");
	/* Never inside a UTF-8 character: "é" (2 bytes) across the cut. */
	memset(key, 'a', sizeof(key) - 1);
	key[DIAG_KEY_MAX - 4] = (char)0xc3;
	key[DIAG_KEY_MAX - 3] = (char)0xa9;
	buf_reset(&b);
	diag_add_key(&b, key);
	ck_assert_uint_eq(b.len, DIAG_KEY_MAX - 1);
	ck_assert_str_eq(buf_str(&b) + DIAG_KEY_MAX - 4, "...");
	buf_release(&b);
}
END_TEST

START_TEST(config_many_bad_keys)
{
	struct buf	 text = BUF_INIT;
	struct diags	 d = DIAGS_INIT;
	struct cfg	 cfg;
	size_t		 i;

	memset(&cfg, 0, sizeof(cfg));
	buf_adds(&text, "version: 1\ndomains:\n  example.com:\n"
	    "    dmarc: {policy: none}\n");
	for (i = 0; i < 10000; i++)
		buf_addf(&text, "    bad%zu: 1\n", i);
	ck_assert_int_eq(cfg_load_string(&cfg, "big.yaml", text.data,
	    text.len, &d), -1);
	ck_assert_uint_le(d.n, DIAGS_MAX);
	ck_assert_uint_eq(d.nerrors, 10000);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "domains.example.com.bad0: "
	    "unknown key"));
	diags_release(&d);
	buf_release(&text);
}
END_TEST

/* No byte under 0x20 but none at all, no DEL, no raw C1 or bidi. */
static void
assert_printable(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;

	for (; *u != '\0'; u++) {
		ck_assert_msg(*u >= 0x20 && *u != 0x7f, "raw %02x in %s", *u,
		    s);
		ck_assert_msg(!(u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f),
		    "raw C1 in %s", s);
		ck_assert_msg(!(u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0xaa &&
		    u[2] <= 0xae), "raw bidi in %s", s);
	}
}

START_TEST(err_printable)
{
	struct err	 e;
	char		 big[600];
	size_t		 n;

	err_clear(&e);
	err_set(&e, "'%s': not a domain", "a\x1b]0;owned\a.example");
	ck_assert_str_eq(e.msg, "'a\\x1b]0;owned\\x07.example': not a domain");
	/* A backslash quoted already stays one (the message form). */
	err_set(&e, "'%s': bad escape", "a\\\\b\xe2\x80\xae");
	ck_assert_str_eq(e.msg, "'a\\\\b\\u202e': bad escape");
	err_prefix(&e, "domains.%s", "x\r");
	ck_assert_str_eq(e.msg, "domains.x\\r: 'a\\\\b\\u202e': bad escape");
	/* Nested: an err quoted in an err is not escaped twice. */
	err_set(&e, "outer: %s", e.msg);
	ck_assert_str_eq(e.msg, "outer: domains.x\\r: 'a\\\\b\\u202e': bad "
	    "escape");
	/* Cut to fit between two escapes, with "..." after. */
	memset(big, 0x1b, sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set(&e, "v%s", big);
	n = strlen(e.msg);
	ck_assert_uint_le(n, sizeof(e.msg) - 1);
	ck_assert_uint_ge(n, sizeof(e.msg) - 1 - 6);
	ck_assert_str_eq(e.msg + n - 7, "\\x1b...");
	ck_assert_uint_eq((n - 4) % 4, 0);
	assert_printable(e.msg);
}
END_TEST

START_TEST(diag_printable)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 b = BUF_INIT, key = BUF_INIT;

	diags_add(&d, DIAG_ERROR, "m\x1b.yaml", 2, 3, "%s: got \"%s\"",
	    "k", "\x1b[2J\xc2\x9b" "1m");
	ck_assert_str_eq(d.v[0].msg, "k: got \"\\x1b[2J\\u009b1m\"");
	diag_format(&d.v[0], &b);
	ck_assert_str_eq(buf_str(&b),
	    "m\\x1b.yaml:2:3: k: got \"\\x1b[2J\\u009b1m\"");
	/* diag_format() does it again, whoever filled the diagnostic. */
	free(d.v[0].msg);
	d.v[0].msg = xstrdup("raw \a\xe2\x81\xa6");
	buf_reset(&b);
	diag_format(&d.v[0], &b);
	ck_assert_str_eq(buf_str(&b), "m\\x1b.yaml:2:3: raw \\x07\\u2066");
	/* A key: every class, a backslash doubled, UTF-8 kept. */
	diag_add_key(&key, "b\xc3\xbc\\\x1b\xc2\x85\xe2\x80\xae");
	ck_assert_str_eq(buf_str(&key), "b\xc3\xbc\\\\\\x1b\\u0085\\u202e");
	diags_release(&d);
	buf_release(&b);
	buf_release(&key);
}
END_TEST

/* A key of control characters is cut by what it shows, not by its bytes,
 * and never inside an escape. */
START_TEST(diag_key_cut_escaped)
{
	struct buf	 b = BUF_INIT;
	char		 key[200];

	memset(key, 0x07, sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	diag_add_key(&b, key);
	ck_assert_uint_le(b.len, DIAG_KEY_MAX);
	ck_assert_str_eq(buf_str(&b) + b.len - 7, "\\x07...");
	ck_assert_uint_eq((b.len - 3) % 4, 0);
	buf_release(&b);
}
END_TEST

/* A config whose keys and values hold ESC and BEL: every message says
 * where, with them escaped. */
START_TEST(config_controls_escaped)
{
	static const char	 text[] = "version: 1\n"
	    "domains:\n"
	    "  \"ex\\eample.com\\a\":\n"
	    "    dmarc: {policy: \"no\\e]0;t\\ane\"}\n"
	    "  b.example:\n"
	    "    dmarc: {policy: \"\\u202Enone\"}\n"
	    "    \"x\\e[31m\": 1\n";
	struct diags	 d = DIAGS_INIT;
	struct buf	 line = BUF_INIT;
	struct cfg	 cfg;
	size_t		 i;

	memset(&cfg, 0, sizeof(cfg));
	ck_assert_int_eq(cfg_load_string(&cfg, "c.yaml", text,
	    sizeof(text) - 1, &d), -1);
	ck_assert_uint_ge(d.n, 3);
	for (i = 0; i < d.n; i++) {
		buf_reset(&line);
		diag_format(&d.v[i], &line);
		assert_printable(d.v[i].msg);
		assert_printable(buf_str(&line));
	}
	buf_reset(&line);
	for (i = 0; i < d.n; i++)
		buf_addf(&line, "%s\n", d.v[i].msg);
	ck_assert_msg(strstr(buf_str(&line), "b.example.x\\x1b[31m: unknown "
	    "key") != NULL, "%s", buf_str(&line));
	ck_assert_msg(strstr(buf_str(&line), "got \"no\\x1b]0;t\\x07ne\"") !=
	    NULL, "%s", buf_str(&line));
	ck_assert_msg(strstr(buf_str(&line), "got \"\\u202enone\"") != NULL,
	    "%s", buf_str(&line));
	diags_release(&d);
	buf_release(&line);
}
END_TEST

Suite	*diag_suite(void);

Suite *
diag_suite(void)
{
	Suite	*s = suite_create("diag");
	TCase	*tc = tcase_create("bounded");

	tcase_add_test(tc, diags_capped);
	tcase_add_test(tc, diags_dropped_counted);
	tcase_add_test(tc, diag_key_cut);
	tcase_add_test(tc, config_many_bad_keys);
	tcase_add_test(tc, err_printable);
	tcase_add_test(tc, diag_printable);
	tcase_add_test(tc, diag_key_cut_escaped);
	tcase_add_test(tc, config_controls_escaped);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
