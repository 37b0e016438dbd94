/*
 * check_cred_formats.c - what the credentials layer reads: the shared
 * config and credentials files in the AWS CLI's INI dialect
 * (src/creds/profile.c), AWS times (src/aws/creds.c), and credentials as
 * JSON from a credential_process or a metadata service
 * (src/creds/source.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailauth/chain.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/profile.h"

Suite	*cred_formats_suite(void);

#define NOW		1700000000	/* 2023-11-14T22:13:20Z */

/* ---- the shared files --------------------------------------------------- */

START_TEST(test_ini_dialect)
{
	struct aws_profiles		 ps = AWS_PROFILES_INIT;
	const struct aws_profile	*p;
	struct err			 err;
	static const char		 cfg[] =
	    "\xef\xbb\xbf# a comment\n"
	    "; another comment\n"
	    "[default]\n"
	    "region=eu-west-1\r\n"
	    "  # indented comment\n"
	    "[profile dev]\n"
	    "REGION  =   us-west-2   \n"
	    "output: json\n"
	    "role_arn = arn:aws:iam::1:role/x # not a comment\n"
	    "s3 =\n"
	    "    addressing_style = path\n"
	    "    max_concurrent_requests = 20\n"
	    "credential_process = a\n"
	    "\tb\n"
	    "[profile   \"with space\"]\n"
	    "region = ap-south-1\n"
	    "[profile 'quoted']\n"
	    "region = sa-east-1\n"
	    "[notaprofile]\n"
	    "region = xx\n"
	    "[sso-session corp]\n"
	    "sso_region = us-east-1\n"
	    "[profile a b]\n"
	    "region = yy\n"
	    "[profile dev]   ; a trailing comment\n"
	    "output = text\n"
	    "[profile default]\n"
	    "cli_pager =\n";

	err_clear(&err);
	ck_assert_int_eq(aws_profiles_parse(&ps, cfg, strlen(cfg), "config",
	    AWS_FILE_CONFIG, &err), 0);
	p = aws_profiles_find(&ps, "default");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(aws_profile_get(p, "region"), "eu-west-1");
	ck_assert_ptr_null(aws_profile_get(p, "cli_pager"));	/* "" */
	p = aws_profiles_find(&ps, "dev");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(aws_profile_get(p, "region"), "us-west-2");
	ck_assert_str_eq(aws_profile_get(p, "output"), "text");
	ck_assert_str_eq(aws_profile_get(p, "role_arn"),
	    "arn:aws:iam::1:role/x # not a comment");
	/* Nested settings stay inside their parent. */
	ck_assert_ptr_null(aws_profile_get(p, "addressing_style"));
	ck_assert_str_eq(aws_profile_get(p, "s3"),
	    "\naddressing_style = path\nmax_concurrent_requests = 20");
	ck_assert_str_eq(aws_profile_get(p, "credential_process"), "a\nb");
	p = aws_profiles_find(&ps, "with space");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(aws_profile_get(p, "region"), "ap-south-1");
	ck_assert_ptr_nonnull(aws_profiles_find(&ps, "quoted"));
	ck_assert_ptr_null(aws_profiles_find(&ps, "notaprofile"));
	ck_assert_ptr_null(aws_profiles_find(&ps, "corp"));
	ck_assert_ptr_null(aws_profiles_find(&ps, "a"));
	ck_assert_ptr_null(aws_profiles_find(&ps, "a b"));
	ck_assert_ptr_null(aws_profiles_find(&ps, "Default"));
	aws_profiles_release(&ps);
}
END_TEST

START_TEST(test_ini_credentials_file)
{
	struct aws_profiles		 ps = AWS_PROFILES_INIT;
	const struct aws_profile	*p;
	struct err			 err;
	static const char		 cfg[] =
	    "[profile dev]\n"
	    "aws_access_key_id = FROMCONFIG\n"
	    "region = eu-north-1\n";
	static const char		 cr[] =
	    "[dev]\n"
	    "aws_access_key_id = FROMCREDS\n"
	    "aws_access_key_id = LATER\n"
	    "[profile prod]\n"
	    "aws_access_key_id = P\n"
	    "[ default ]\n"
	    "aws_access_key_id = D\n";

	err_clear(&err);
	ck_assert_int_eq(aws_profiles_parse(&ps, cfg, strlen(cfg), "config",
	    AWS_FILE_CONFIG, &err), 0);
	ck_assert_int_eq(aws_profiles_parse(&ps, cr, strlen(cr), "credentials",
	    AWS_FILE_CREDENTIALS, &err), 0);
	p = aws_profiles_find(&ps, "dev");
	/* The credentials file wins, a key given twice takes the later. */
	ck_assert_str_eq(aws_profile_get(p, "aws_access_key_id"), "LATER");
	ck_assert_str_eq(aws_profile_get_in(p, AWS_FILE_CONFIG,
	    "aws_access_key_id"), "FROMCONFIG");
	ck_assert_str_eq(aws_profile_get(p, "region"), "eu-north-1");
	/* No "profile " prefix in the credentials file. */
	ck_assert_ptr_nonnull(aws_profiles_find(&ps, "profile prod"));
	ck_assert_ptr_null(aws_profiles_find(&ps, "prod"));
	ck_assert_ptr_nonnull(aws_profiles_find(&ps, " default "));
	ck_assert_ptr_null(aws_profiles_find(&ps, "default"));
	aws_profiles_release(&ps);
}
END_TEST

static const struct {
	const char	*text;
	const char	*msg;
} ini_bad[] = {
	{ "aws_secret_access_key = s3cr3tVALUE\n",
	  "f:1: 'aws_secret_access_key' is set before any [section] header" },
	{ "[default]\nthis line has no delimiter s3cr3tVALUE\n",
	  "f:2: expected 'name = value', a [section] header or a comment" },
	{ "[default]\n= s3cr3tVALUE\n", "f:2: a setting without a name" },
	{ "# x\n[default\nx = 1\n", "f:2: a section header needs a closing "
	  "']'" },
	{ "[]\n", "f:1: empty section name" },
};

START_TEST(test_ini_errors)
{
	struct aws_profiles	 ps = AWS_PROFILES_INIT;
	struct err		 err;

	err_clear(&err);
	ck_assert_int_eq(aws_profiles_parse(&ps, ini_bad[_i].text,
	    strlen(ini_bad[_i].text), "f", AWS_FILE_CONFIG, &err), -1);
	ck_assert_str_eq(err.msg, ini_bad[_i].msg);
	ck_assert_ptr_null(strstr(err.msg, "s3cr3tVALUE"));
	aws_profiles_release(&ps);
}
END_TEST

START_TEST(test_ini_load)
{
	struct aws_profiles	 ps = AWS_PROFILES_INIT;
	struct err		 err;
	char			 dir[] = "/tmp/mailauth-ini-XXXXXX";
	char			 path[64];
	FILE			*f;
	int			 found = 1;

	err_clear(&err);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/none", dir);
	ck_assert_int_eq(aws_profiles_load(&ps, path, AWS_FILE_CONFIG, &found,
	    &err), 0);
	ck_assert_int_eq(found, 0);
	ck_assert_int_eq(aws_profiles_load(&ps, dir, AWS_FILE_CONFIG, &found,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot read"));
	snprintf(path, sizeof(path), "%s/c", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("[default]\nregion = x\n", f);
	fclose(f);
	ck_assert_int_eq(aws_profiles_load(&ps, path, AWS_FILE_CONFIG, &found,
	    &err), 0);
	ck_assert_int_eq(found, 1);
	ck_assert_str_eq(aws_profile_get(aws_profiles_find(&ps, "default"),
	    "region"), "x");
	aws_profiles_release(&ps);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* ---- times and JSON ----------------------------------------------------- */

START_TEST(test_time_parse)
{
	time_t	 t;
	char	 s[21];

	ck_assert_int_eq(aws_time_parse("2023-11-14T22:13:20Z", &t), 0);
	ck_assert_int_eq(t, NOW);
	ck_assert_int_eq(aws_time_parse("2023-11-14T22:13:20.123456Z", &t), 0);
	ck_assert_int_eq(t, NOW);
	ck_assert_int_eq(aws_time_parse("2023-11-15T00:13:20+02:00", &t), 0);
	ck_assert_int_eq(t, NOW);
	ck_assert_int_eq(aws_time_parse("2023-11-14T21:13:20-0100", &t), 0);
	ck_assert_int_eq(t, NOW);
	ck_assert_int_eq(aws_time_parse("2023-11-14 22:13:20Z", &t), 0);
	ck_assert_int_eq(aws_time_parse("2023-11-14T22:13:20", &t), -1);
	ck_assert_int_eq(aws_time_parse("2023-13-14T22:13:20Z", &t), -1);
	ck_assert_int_eq(aws_time_parse("2023-11-14T22:13:20Zjunk", &t), -1);
	ck_assert_int_eq(aws_time_parse("tomorrow", &t), -1);
	aws_time_format(NOW, s);
	ck_assert_str_eq(s, "2023-11-14T22:13:20Z");
}
END_TEST

static const struct {
	enum aws_json_form	 form;
	const char		*json;
	const char		*msg;		/* NULL: parses */
} json_cases[] = {
	{ AWS_JSON_PROCESS, "{\"Version\": 1, \"AccessKeyId\": \"A\", "
	  "\"SecretAccessKey\": \"procsecret\"}", NULL },
	{ AWS_JSON_PROCESS, "{\"Version\": 1, \"AccessKeyId\": \"A\", "
	  "\"SecretAccessKey\": \"procsecret\", \"SessionToken\": \"T\", "
	  "\"Expiration\": \"2023-11-14T23:13:20Z\"}", NULL },
	{ AWS_JSON_PROCESS, "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": "
	  "\"procsecret\"}", "\"Version\" is missing (it must be 1)" },
	{ AWS_JSON_PROCESS, "{\"Version\": 2, \"AccessKeyId\": \"A\", "
	  "\"SecretAccessKey\": \"procsecret\"}", "\"Version\" must be 1" },
	{ AWS_JSON_PROCESS, "{\"Version\": 1, \"AccessKeyId\": \"A\"}",
	  "\"SecretAccessKey\" is missing" },
	{ AWS_JSON_PROCESS, "{\"Version\": 1, \"AccessKeyId\": 5, "
	  "\"SecretAccessKey\": \"procsecret\"}",
	  "\"AccessKeyId\" is not a string" },
	{ AWS_JSON_PROCESS, "{\"Version\": 1, \"AccessKeyId\": \"\", "
	  "\"SecretAccessKey\": \"procsecret\"}", "\"AccessKeyId\" is empty" },
	{ AWS_JSON_PROCESS, "{\"Version\": 1, \"AccessKeyId\": \"A\", "
	  "\"SecretAccessKey\": \"procsecret\", \"Expiration\": \"soon\"}",
	  "\"Expiration\" 'soon' is not an ISO 8601 time" },
	{ AWS_JSON_PROCESS, "{\"Version\": 1, \"SecretAccessKey\": "
	  "\"procsecret\"", "not valid JSON" },
	{ AWS_JSON_PROCESS, "[1]", "not a JSON object" },
	{ AWS_JSON_METADATA, "{\"Code\": \"Success\", \"AccessKeyId\": \"A\","
	  " \"SecretAccessKey\": \"procsecret\", \"Token\": \"T\", "
	  "\"Expiration\": \"2023-11-14T23:13:20Z\"}", NULL },
	{ AWS_JSON_METADATA, "{\"Code\": \"Failure\", \"AccessKeyId\": \"A\","
	  " \"SecretAccessKey\": \"procsecret\", \"Token\": \"T\", "
	  "\"Expiration\": \"2023-11-14T23:13:20Z\"}",
	  "\"Code\" is not \"Success\"" },
	{ AWS_JSON_METADATA, "{\"AccessKeyId\": \"A\", \"SecretAccessKey\": "
	  "\"procsecret\", \"Token\": \"T\"}", "\"Expiration\" is missing" },
};

START_TEST(test_json)
{
	struct aws_creds	 c;
	struct err		 err;
	time_t			 exp = 1;
	int			 rc;

	err_clear(&err);
	rc = aws_creds_parse_json(json_cases[_i].json,
	    strlen(json_cases[_i].json), json_cases[_i].form, &c, &exp, &err);
	if (json_cases[_i].msg == NULL) {
		ck_assert_msg(rc == 0, "%s", err.msg);
		ck_assert_str_eq(c.access_key_id, "A");
		ck_assert_str_eq(c.secret_access_key, "procsecret");
		ck_assert_int_eq(exp, strstr(json_cases[_i].json,
		    "Expiration") != NULL ? NOW + 3600 : 0);
		ck_assert_int_eq(c.session_token != NULL,
		    strstr(json_cases[_i].json, "\"T\"") != NULL);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err.msg, json_cases[_i].msg);
		ck_assert_ptr_null(c.access_key_id);
	}
	/* The only secret of these documents. */
	ck_assert_ptr_null(strstr(err.msg, "procsecret"));
	aws_creds_release(&c);
}
END_TEST

Suite *
cred_formats_suite(void)
{
	Suite	*s = suite_create("cred_formats");
	TCase	*tc;

	tc = tcase_create("files");
	tcase_add_test(tc, test_ini_dialect);
	tcase_add_test(tc, test_ini_credentials_file);
	tcase_add_loop_test(tc, test_ini_errors, 0,
	    sizeof(ini_bad) / sizeof(ini_bad[0]));
	tcase_add_test(tc, test_ini_load);
	tcase_add_test(tc, test_time_parse);
	tcase_add_loop_test(tc, test_json, 0,
	    sizeof(json_cases) / sizeof(json_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
