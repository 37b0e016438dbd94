/*
 * check_diag.c - diagnostics stay bounded whatever the input: struct diags
 * keeps the first DIAGS_MAX and counts the rest, long keys are cut in key
 * paths, and a config with 10,000 bad keys keeps no more than that.
 */
#include <check.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"

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
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
