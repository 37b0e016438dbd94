/*
 * check_config.c - the configuration loader: every fixture under
 * tests/fixtures/config/ (each good/NAME.yaml loads, with exactly the
 * warnings of good/NAME.err when there is one; each bad/NAME.yaml fails
 * with exactly the diagnostics of bad/NAME.err, one per line), the
 * values parsed from the full example, the shipped examples, and what no
 * fixture file can show: unreadable and oversized files, NUL bytes, paths
 * of public_key_file.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "testutil.h"

Suite	*config_suite(void);

#define GOOD	FIXTURES "/config/good"
#define BAD	FIXTURES "/config/bad"

/* Every diagnostic formatted, one per line. */
static void
format_all(const struct diags *d, struct buf *out)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		diag_format(&d->v[i], out);
		buf_addc(out, '\n');
	}
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The .yaml files of dir, sorted, so failures read in a stable order. */
static char **
list_yaml(const char *dir, size_t *n)
{
	DIR		*dp;
	struct dirent	*de;
	char		**v = NULL, **slot, *t;
	size_t		 i, j;

	*n = 0;
	dp = opendir(dir);
	ck_assert_msg(dp != NULL, "cannot open '%s'", dir);
	while ((de = readdir(dp)) != NULL) {
		if (!has_suffix(de->d_name, ".yaml"))
			continue;
		slot = xappend(&v, n, sizeof(*v));
		*slot = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(dp);
	for (i = 1; i < *n; i++)
		for (j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

static void
free_list(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * Loads path and compares the diagnostics with the golden file beside it
 * (NAME.err; when missing, must_golden decides whether that is a failure or
 * means "no diagnostics").  Mismatches are appended to fail.
 */
static void
check_fixture(const char *path, int want_rc, int must_golden,
    struct buf *fail)
{
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;
	struct buf	 got = BUF_INIT, want = BUF_INIT;
	char		*golden;
	int		 rc;

	golden = xasprintf("%.*s.err", (int)(strlen(path) - 5), path);
	if (test_slurp(golden, &want) == -1 && must_golden)
		buf_addf(fail, "%s: golden file '%s' is missing\n", path,
		    golden);
	rc = cfg_load(&cfg, path, &d);
	format_all(&d, &got);
	if (rc != want_rc)
		buf_addf(fail, "%s: returned %d, wanted %d\n", path, rc,
		    want_rc);
	if (strcmp(buf_str(&got), buf_str(&want)) != 0)
		buf_addf(fail, "%s: diagnostics differ\n--- wanted\n%s"
		    "--- got\n%s", path, buf_str(&want), buf_str(&got));
	if (rc == -1 && (cfg.ndomains != 0 || cfg.domains != NULL ||
	    cfg.path != NULL))
		buf_addf(fail, "%s: cfg not empty after a failure\n", path);
	if (rc == 0) {
		if (cfg.version != 1 || cfg.ndomains == 0 ||
		    strcmp(cfg.path, path) != 0)
			buf_addf(fail, "%s: loaded without domains\n", path);
		cfg_release(&cfg);
	}
	diags_release(&d);
	buf_release(&got);
	buf_release(&want);
	free(golden);
}

START_TEST(fixtures_good)
{
	struct buf	 fail = BUF_INIT;
	char		**v;
	size_t		 n, i;

	v = list_yaml(GOOD, &n);
	for (i = 0; i < n; i++)
		check_fixture(v[i], 0, 0, &fail);
	printf("config: %zu good fixtures\n", n);
	ck_assert_msg(n >= 5, "only %zu good fixtures", n);
	ck_assert_msg(fail.len == 0, "%s", buf_str(&fail));
	free_list(v, n);
	buf_release(&fail);
}
END_TEST

START_TEST(fixtures_bad)
{
	struct buf	 fail = BUF_INIT;
	char		**v;
	size_t		 n, i;

	v = list_yaml(BAD, &n);
	for (i = 0; i < n; i++)
		check_fixture(v[i], -1, 1, &fail);
	printf("config: %zu bad fixtures\n", n);
	ck_assert_msg(n >= 25, "only %zu bad fixtures", n);
	ck_assert_msg(fail.len == 0, "%s", buf_str(&fail));
	free_list(v, n);
	buf_release(&fail);
}
END_TEST

static void
assert_list(char *const *v, size_t nv, const char *const *want, size_t n)
{
	size_t	 i;

	ck_assert_uint_eq(nv, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(v[i], want[i]);
}

START_TEST(full_example)
{
	static const char *const include[] = {
		"amazonses.com", "_spf.google.com"
	};
	static const char *const ip4[] = { "192.0.2.10", "198.51.100.0/24" };
	static const char *const ip6[] = { "2001:db8::/32" };
	static const char *const rua[] = {
		"mailto:dmarc@example.com",
		"MAILTO:reports@dmarc.example.net!10m"
	};
	static const char *const ruf[] = { "mailto:forensic@example.com" };
	static const char *const fo[] = { "1", "d", "0", "s" };
	struct cfg		 cfg;
	struct diags		 d = DIAGS_INIT;
	const struct cfg_domain	*dom;
	const struct cfg_dkim	*k;

	ck_assert_int_eq(cfg_load(&cfg, GOOD "/full.yaml", &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_str_eq(cfg.path, GOOD "/full.yaml");
	ck_assert_int_eq(cfg.version, 1);
	ck_assert_int_eq(cfg.default_ttl, 3600);
	ck_assert_uint_eq(cfg.ndomains, 2);

	dom = &cfg.domains[0];
	ck_assert_str_eq(dom->name, "example.com");	/* "Example.COM." */
	ck_assert_int_eq(dom->pos.line, 6);
	ck_assert_int_eq(dom->pos.col, 3);
	ck_assert_str_eq(dom->zone, "example.com");
	ck_assert_int_eq(dom->ttl, 300);

	ck_assert_int_eq(dom->spf.present, 1);
	ck_assert_int_eq(dom->spf.pos.line, 9);
	assert_list(dom->spf.spec.include, dom->spf.spec.ninclude, include, 2);
	assert_list(dom->spf.spec.ip4, dom->spf.spec.nip4, ip4, 2);
	assert_list(dom->spf.spec.ip6, dom->spf.spec.nip6, ip6, 1);
	ck_assert_int_eq(dom->spf.spec.a, 1);
	ck_assert_int_eq(dom->spf.spec.mx, 1);
	ck_assert_int_eq(dom->spf.spec.all, SPF_ALL_FAIL);

	ck_assert_uint_eq(dom->ndkim, 5);
	k = dom->dkim;
	ck_assert_str_eq(k[0].selector, "s2026");
	ck_assert_int_eq(k[0].kind, DKIM_PUBLIC_KEY_FILE);
	ck_assert_str_eq(k[0].value, GOOD "/keys/s2026.pem");
	ck_assert_int_eq(k[0].pos.line, 17);
	ck_assert_int_eq(k[0].pos.col, 7);
	ck_assert_str_eq(k[1].selector, "legacy");
	ck_assert_int_eq(k[1].kind, DKIM_PUBLIC_KEY);
	ck_assert_str_eq(k[1].value,
	    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA");
	ck_assert_str_eq(k[2].selector, "ses1");
	ck_assert_int_eq(k[2].kind, DKIM_CNAME);
	ck_assert_str_eq(k[2].value, "abcd1234.dkim.amazonses.com");
	ck_assert_str_eq(k[3].selector, "old2024");
	ck_assert_int_eq(k[3].kind, DKIM_ABSENT);
	ck_assert_ptr_null(k[3].value);
	ck_assert_str_eq(k[4].selector, "mail.2025");
	ck_assert_int_eq(k[4].kind, DKIM_CNAME);
	ck_assert_str_eq(k[4].value, "sel.dkim.example.net");

	ck_assert_int_eq(dom->dmarc.present, 1);
	ck_assert_int_eq(dom->dmarc.pos.line, 23);
	ck_assert_int_eq(dom->dmarc.pos.col, 5);
	ck_assert_int_eq(dom->dmarc.spec.policy, DMARC_POLICY_QUARANTINE);
	ck_assert_int_eq(dom->dmarc.spec.subdomain_policy, DMARC_POLICY_REJECT);
	ck_assert_int_eq(dom->dmarc.spec.nonexistent_subdomain_policy,
	    DMARC_POLICY_REJECT);
	ck_assert_int_eq(dom->dmarc.spec.testing, 0);
	ck_assert_int_eq(dom->dmarc.spec.pct, -1);
	ck_assert_int_eq(dom->dmarc.spec.ri, -1);
	assert_list(dom->dmarc.spec.rua, dom->dmarc.spec.nrua, rua, 2);
	assert_list(dom->dmarc.spec.ruf, dom->dmarc.spec.nruf, ruf, 1);
	ck_assert_int_eq(dom->dmarc.spec.adkim, DMARC_ALIGN_STRICT);
	ck_assert_int_eq(dom->dmarc.spec.aspf, DMARC_ALIGN_RELAXED);
	assert_list(dom->dmarc.spec.fo, dom->dmarc.spec.nfo, fo, 4);

	dom = &cfg.domains[1];
	ck_assert_str_eq(dom->name, "mail.example.com");
	ck_assert_str_eq(dom->zone, "Z0123456789ABCDEFGHIJ");
	ck_assert_int_eq(dom->ttl, 3600);	/* defaults.ttl */
	ck_assert_int_eq(dom->spf.present, 1);
	ck_assert_int_eq(dom->spf.spec.all, SPF_ALL_SOFTFAIL);
	ck_assert_int_eq(dom->spf.spec.a, 0);
	ck_assert_uint_eq(dom->spf.spec.ninclude, 0);
	ck_assert_uint_eq(dom->ndkim, 0);
	ck_assert_int_eq(dom->dmarc.present, 0);
	ck_assert_int_eq(dom->dmarc.spec.policy, DMARC_POLICY_UNSET);
	ck_assert_int_eq(dom->dmarc.spec.testing, -1);

	cfg_release(&cfg);
	ck_assert_uint_eq(cfg.ndomains, 0);
	ck_assert_ptr_null(cfg.path);
	diags_release(&d);
}
END_TEST

/* The other good fixtures: values that only they set. */
START_TEST(other_good_values)
{
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;

	ck_assert_int_eq(cfg_load(&cfg, GOOD "/flow.yaml", &d), 0);
	ck_assert_int_eq(cfg.default_ttl, 60);
	ck_assert_uint_eq(cfg.ndomains, 2);
	ck_assert_str_eq(cfg.domains[0].name, "example.org");
	ck_assert_int_eq(cfg.domains[0].ttl, 172800);
	ck_assert_int_eq(cfg.domains[0].dmarc.spec.policy, DMARC_POLICY_REJECT);
	ck_assert_uint_eq(cfg.domains[0].dmarc.spec.nrua, 0);
	ck_assert_int_eq(cfg.domains[1].ttl, 60);
	ck_assert_int_eq(cfg.domains[1].spf.spec.all, SPF_ALL_NEUTRAL);
	cfg_release(&cfg);

	ck_assert_int_eq(cfg_load(&cfg, GOOD "/block-styles.yaml", &d), 0);
	ck_assert_uint_eq(cfg.domains[0].spf.spec.nip4, 2);
	ck_assert_str_eq(cfg.domains[0].spf.spec.ip4[0], "192.0.2.1");
	ck_assert_str_eq(cfg.domains[0].spf.spec.ip6[0], "::1");
	ck_assert_int_eq(cfg.domains[0].spf.spec.a, 0);
	ck_assert_int_eq(cfg.domains[0].spf.spec.all, SPF_ALL_UNSET);
	/* A literal block: its line breaks are dropped. */
	ck_assert_str_eq(cfg.domains[0].dkim[0].value,
	    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA");
	ck_assert_str_eq(cfg.domains[0].dkim[0].selector, "selector-1");
	ck_assert_int_eq(cfg.domains[0].dmarc.spec.testing, 1);
	ck_assert_str_eq(cfg.domains[0].dmarc.spec.fo[0], "1");
	cfg_release(&cfg);

	/* accounts: and each domain's account (NULL: the default chain). */
	ck_assert_int_eq(cfg_load(&cfg, GOOD "/accounts.yaml", &d), 0);
	ck_assert_uint_eq(cfg.naccounts, 2);
	ck_assert_str_eq(cfg.accounts[0].name, "prod");
	ck_assert_str_eq(cfg.accounts[0].role_arn,
	    "arn:aws:iam::222222222222:role/mailauth");
	ck_assert_str_eq(cfg.accounts[0].external_id, "ci-123");
	ck_assert_str_eq(cfg.accounts[0].session_name, "mailauth-ci");
	ck_assert_int_eq(cfg.accounts[0].duration, 900);
	ck_assert_ptr_null(cfg.accounts[0].profile);
	ck_assert_str_eq(cfg.accounts[1].name, "legacy-2");
	ck_assert_str_eq(cfg.accounts[1].profile, "legacy");
	ck_assert_ptr_null(cfg.accounts[1].role_arn);
	ck_assert_int_eq(cfg.accounts[1].duration, 0);
	ck_assert_str_eq(cfg.domains[0].account, "prod");
	ck_assert_str_eq(cfg.domains[1].account, "legacy-2");
	ck_assert_ptr_null(cfg.domains[2].account);
	ck_assert_ptr_eq(cfg_account_find(&cfg, "legacy-2"), &cfg.accounts[1]);
	ck_assert_ptr_null(cfg_account_find(&cfg, "Prod"));
	ck_assert_ptr_null(cfg_account_find(&cfg, NULL));
	cfg_release(&cfg);

	/* Warnings alone do not fail the load. */
	ck_assert_int_eq(cfg_load(&cfg, GOOD "/legacy-tags.yaml", &d), 0);
	ck_assert_uint_eq(d.nwarnings, 2);
	ck_assert_uint_eq(d.nerrors, 0);
	ck_assert_int_eq(cfg.domains[0].dmarc.spec.pct, 0);
	ck_assert_int_eq(cfg.domains[0].dmarc.spec.ri, 3600);
	cfg_release(&cfg);
	diags_release(&d);
}
END_TEST

/* posture: parked and tls_rpt (their errors: bad/posture-*.yaml). */
START_TEST(posture_values)
{
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;

	ck_assert_int_eq(cfg_load(&cfg, GOOD "/posture.yaml", &d), 0);
	ck_assert_int_eq(cfg.domains[0].parked, 1);
	ck_assert_int_eq(cfg.domains[0].parked_pos.line, 4);
	ck_assert_int_eq(cfg.domains[0].parked_pos.col, 5);
	ck_assert_int_eq(cfg.domains[0].tls_rpt.present, 0);
	ck_assert_uint_eq(cfg.domains[1].tls_rpt.nrua, 2);
	ck_assert_str_eq(cfg.domains[1].tls_rpt.rua[1],
	    "https://reports.example.net:8443/v1?x=1");
	ck_assert_int_eq(cfg.domains[1].tls_rpt.pos.line, 9);
	ck_assert_int_eq(cfg.domains[2].parked, 0);
	ck_assert_str_eq(cfg.domains[2].tls_rpt.rua[0],
	    "MAILTO:tls@also.example");
	cfg_release(&cfg);
	diags_release(&d);
}
END_TEST

/* Unicode names are kept in A-labels, as DNS holds them. */
START_TEST(idn_names)
{
	struct cfg		 cfg;
	struct diags		 d = DIAGS_INIT;
	const struct cfg_domain	*dom;

	ck_assert_int_eq(cfg_load(&cfg, GOOD "/idna.yaml", &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(cfg.ndomains, 2);
	dom = &cfg.domains[0];
	ck_assert_str_eq(dom->name, "xn--bcher-kva.example");
	ck_assert_str_eq(dom->zone, "xn--bcher-kva.example");
	ck_assert_str_eq(dom->ses.identity, "xn--bcher-kva.example");
	ck_assert_str_eq(dom->ses.mail_from, "post.xn--bcher-kva.example");
	ck_assert_str_eq(dom->dkim[0].selector, "mail");
	ck_assert_str_eq(dom->dkim[0].value, "mail.dkim.example.net");
	ck_assert_str_eq(dom->dkim[1].value, "post.dkim.xn--bcher-kva.example");
	ck_assert_uint_eq(dom->spf.spec.ninclude, 2);
	ck_assert_str_eq(dom->spf.spec.include[0], "_spf.xn--bcher-kva.example");
	ck_assert_str_eq(dom->spf.spec.include[1], "_spf.example.net");
	dom = &cfg.domains[1];
	ck_assert_str_eq(dom->name, "www.xn--mller-kva.example");
	ck_assert_str_eq(dom->zone, "xn--mller-kva.example");
	cfg_release(&cfg);
	diags_release(&d);
}
END_TEST

/* The shipped examples load without a single diagnostic. */
START_TEST(examples)
{
	static const char *const files[] = {
		"examples/mailauth.yaml", "examples/full.yaml"
	};
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;
	struct buf	 got = BUF_INIT;
	size_t		 i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ck_assert_int_eq(cfg_load(&cfg, files[i], &d), 0);
		format_all(&d, &got);
		ck_assert_msg(d.n == 0, "%s: %s", files[i], buf_str(&got));
		cfg_release(&cfg);
	}
	/* make demo relies on this: SPF, two DKIM selectors, DMARC none. */
	ck_assert_int_eq(cfg_load(&cfg, "examples/mailauth.yaml", &d), 0);
	ck_assert_uint_eq(cfg.ndomains, 1);
	ck_assert_str_eq(cfg.domains[0].name, "example.com");
	ck_assert_int_eq(cfg.domains[0].spf.present, 1);
	ck_assert_uint_eq(cfg.domains[0].ndkim, 2);
	ck_assert_str_eq(cfg.domains[0].dkim[0].value, "examples/keys/s2026.pem");
	ck_assert_int_eq(cfg.domains[0].dmarc.spec.policy, DMARC_POLICY_NONE);
	ck_assert_str_eq(cfg.domains[0].dmarc.spec.rua[0],
	    "mailto:dmarc-reports@example.com");
	cfg_release(&cfg);
	diags_release(&d);
	buf_release(&got);
}
END_TEST

/* cfg_load_string of text, its diagnostics formatted into got. */
static int
load_text(struct cfg *cfg, const char *path, const char *text, size_t len,
    struct buf *got)
{
	struct diags	 d = DIAGS_INIT;
	int		 rc;

	buf_reset(got);
	rc = cfg_load_string(cfg, path, text, len, &d);
	format_all(&d, got);
	diags_release(&d);
	return rc;
}

#define T(s)	(s), sizeof(s) - 1

START_TEST(in_memory)
{
	static const struct {
		const char	*path;
		const char	*text;
		size_t		 len;
		int		 rc;
		const char	*want;
	} cases[] = {
		/* A raw NUL byte is a YAML error, located. */
		{ "m.yaml", T("version: 1\ndomains:\n  a.example: {dmarc: "
		    "{policy: none}}\n\0\n"), -1,
		    "m.yaml:4:1: invalid YAML: control characters are not "
		    "allowed (0x00)\n" },
		/* No path: diagnostics without a file (nor a position). */
		{ NULL, T("version: 1\ndomains:\n  a.example: {dmarc: "
		    "{policy: nne}}\n"), -1,
		    "domains.a.example.dmarc.policy: expected one of "
		    "none, quarantine, reject, got \"nne\"\n" },
		{ NULL, T(""), -1, "the file is empty; it needs at least "
		    "\"version: 1\" and \"domains:\"\n" },
		/* Long values are cut in messages; escapes stay escaped. */
		{ "m.yaml", T("version: 1\ndomains:\n  a.example: {dmarc: "
		    "{policy: \"0123456789012345678901234567890123456789"
		    "012345678901234567890123\\t\"}}\n"), -1,
		    "m.yaml:3:31: domains.a.example.dmarc.policy: expected one "
		    "of none, quarantine, reject, got \"01234567890123456789"
		    "0123456789012345678901234567890123456789...\"\n" },
		{ "m.yaml", T("version: 1\ndomains:\n  a.example: {dmarc: "
		    "{policy: \"a\\tb\\\"\"}}\n"), -1,
		    "m.yaml:3:31: domains.a.example.dmarc.policy: expected one "
		    "of none, quarantine, reject, got \"a\\tb\\\"\"\n" },
		/* A key with a line break stays on one line. */
		{ "m.yaml", T("version: 1\n\"a\\nb\": 1\ndomains:\n  "
		    "a.example: {dmarc: {policy: none}}\n"), -1,
		    "m.yaml:2:1: a\\nb: unknown key; expected one of version, "
		    "defaults, accounts, domains\n" },
		/* A Windows file. */
		{ "m.yaml", T("version: 1\r\ndomains:\r\n  a.example:\r\n"
		    "    dmarc: {policy: none}\r\n"), 0, "" },
		/* A zone id as the AWS CLI prints it is taken bare. */
		{ "m.yaml", T("version: 1\ndomains:\n  a.example:\n"
		    "    zone: /hostedzone/Z0123ABC\n"
		    "    dmarc: {policy: none}\n"), 0, "" },
		/* UTF-8 with a byte order mark. */
		{ "m.yaml", T("\xef\xbb\xbfversion: 1\ndomains:\n  a.example: "
		    "{dmarc: {policy: none}}\n"), 0, "" },
	};
	struct cfg	 cfg;
	struct buf	 got = BUF_INIT;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = load_text(&cfg, cases[i].path, cases[i].text,
		    cases[i].len, &got);
		ck_assert_msg(rc == cases[i].rc, "case %zu: rc %d", i, rc);
		ck_assert_msg(strcmp(buf_str(&got), cases[i].want) == 0,
		    "case %zu: got\n%s", i, buf_str(&got));
		if (rc == 0 && strstr(cases[i].text, "zone:") != NULL)
			ck_assert_str_eq(cfg.domains[0].zone, "Z0123ABC");
		if (rc == 0)
			cfg_release(&cfg);
	}
	buf_release(&got);
}
END_TEST

START_TEST(key_file_paths)
{
	static const struct {
		const char	*config;
		const char	*file;
		const char	*want;
	} cases[] = {
		{ "mailauth.yaml", "keys/a.pem", "keys/a.pem" },
		{ "conf/mailauth.yaml", "keys/a.pem", "conf/keys/a.pem" },
		{ "/etc/mailauth/m.yaml", "a.pem", "/etc/mailauth/a.pem" },
		{ "/m.yaml", "a.pem", "/a.pem" },
		{ "conf/m.yaml", "/abs/a.pem", "/abs/a.pem" },
		{ "conf/m.yaml", "../a.pem", "conf/../a.pem" },
		{ NULL, "keys/a.pem", "keys/a.pem" },
	};
	struct cfg	 cfg;
	struct buf	 got = BUF_INIT;
	char		*text;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		text = xasprintf("version: 1\ndomains:\n  example.com:\n"
		    "    dkim:\n      s1: { public_key_file: \"%s\" }\n",
		    cases[i].file);
		ck_assert_msg(load_text(&cfg, cases[i].config, text,
		    strlen(text), &got) == 0, "case %zu: %s", i,
		    buf_str(&got));
		ck_assert_str_eq(cfg.domains[0].dkim[0].value, cases[i].want);
		cfg_release(&cfg);
		free(text);
	}
	buf_release(&got);
}
END_TEST

START_TEST(read_errors)
{
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;
	struct buf	 got = BUF_INIT;
	char		 tmp[] = "/tmp/check_config.XXXXXX";
	char		*big;
	FILE		*f;
	int		 fd;

	ck_assert_int_eq(cfg_load(&cfg, FIXTURES "/config/nonexistent.yaml",
	    &d), -1);
	ck_assert_uint_eq(cfg.ndomains, 0);
	ck_assert_ptr_null(cfg.path);
	format_all(&d, &got);
	ck_assert_str_eq(buf_str(&got), "cannot read '" FIXTURES
	    "/config/nonexistent.yaml': No such file or directory\n");
	ck_assert_ptr_null(d.v[0].file);
	ck_assert_int_eq(d.v[0].line, 0);
	diags_release(&d);

	buf_reset(&got);
	ck_assert_int_eq(cfg_load(&cfg, FIXTURES "/config", &d), -1);
	format_all(&d, &got);
	ck_assert_str_eq(buf_str(&got), "cannot read '" FIXTURES
	    "/config': it is a folder, not a regular file\n");
	diags_release(&d);

	/* Over 1 MiB: refused before parsing, from memory and from a file. */
	big = xmalloc(1024 * 1024 + 1);
	memset(big, '#', 1024 * 1024 + 1);
	ck_assert_int_eq(load_text(&cfg, "big.yaml", big, 1024 * 1024 + 1,
	    &got), -1);
	ck_assert_str_eq(buf_str(&got), "big.yaml: larger than 1 MiB, the "
	    "limit for a configuration file\n");
	/* Exactly 1 MiB of comments is read, and is empty. */
	ck_assert_int_eq(load_text(&cfg, "big.yaml", big, 1024 * 1024,
	    &got), -1);
	ck_assert_str_eq(buf_str(&got), "big.yaml: the file is empty; it "
	    "needs at least \"version: 1\" and \"domains:\"\n");

	fd = mkstemp(tmp);
	ck_assert_int_ne(fd, -1);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(big, 1, 1024 * 1024 + 1, f), 1024 * 1024 + 1);
	fclose(f);
	buf_reset(&got);
	ck_assert_int_eq(cfg_load(&cfg, tmp, &d), -1);
	unlink(tmp);
	format_all(&d, &got);
	ck_assert_uint_eq(d.nerrors, 1);
	ck_assert_ptr_nonnull(strstr(buf_str(&got), "': larger than 1 MiB"));
	diags_release(&d);
	free(big);
	buf_release(&got);
}
END_TEST

START_TEST(policy_names)
{
	ck_assert_ptr_null(dmarc_policy_name(DMARC_POLICY_UNSET));
	ck_assert_str_eq(dmarc_policy_name(DMARC_POLICY_NONE), "none");
	ck_assert_str_eq(dmarc_policy_name(DMARC_POLICY_QUARANTINE),
	    "quarantine");
	ck_assert_str_eq(dmarc_policy_name(DMARC_POLICY_REJECT), "reject");
}
END_TEST

Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc;

	tc = tcase_create("fixtures");
	tcase_add_test(tc, fixtures_good);
	tcase_add_test(tc, fixtures_bad);
	tcase_add_test(tc, full_example);
	tcase_add_test(tc, other_good_values);
	tcase_add_test(tc, idn_names);
	tcase_add_test(tc, posture_values);
	tcase_add_test(tc, examples);
	suite_add_tcase(s, tc);

	tc = tcase_create("loader");
	tcase_add_test(tc, in_memory);
	tcase_add_test(tc, key_file_paths);
	tcase_add_test(tc, read_errors);
	tcase_add_test(tc, policy_names);
	suite_add_tcase(s, tc);
	return s;
}
