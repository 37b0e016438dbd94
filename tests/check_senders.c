/*
 * check_senders.c - "report --senders" (src/report/senders.c) on rows
 * built by hand: each verdict and what makes it (a DKIM pass of an
 * unaligned domain, an SPF pass of an unaligned one, an aligned selector
 * declared or not, strict and relaxed alignment, SPF managed or not), a
 * sender's verdict from most of its mail, the suggestions at their
 * thresholds and past them, the bounds, and the JSON.
 */
#include <cJSON.h>
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/report.h"

Suite	*senders_suite(void);

/* --- rows by hand --- */

struct auth {
	const char		*domain;
	const char		*selector;
	enum report_auth_result	 result;
};

/* A row: the auth lists borrow the tables given (the senders copy). */
static struct report_row
row(const char *ip, uint64_t count, const char *from, int dkim_pass,
    int spf_pass, struct report_auth *dkim, size_t ndkim,
    struct report_auth *spf, size_t nspf)
{
	struct report_row	 w;

	memset(&w, 0, sizeof(w));
	w.source_ip = (char *)ip;
	w.count = count;
	w.header_from = (char *)from;
	w.dkim_pass = dkim_pass;
	w.spf_pass = spf_pass;
	w.dkim_auth = dkim;
	w.ndkim_auth = ndkim;
	w.spf_auth = spf;
	w.nspf_auth = nspf;
	w.auth_results = 1;
	return w;
}

static struct report_auth
sig(const char *d, const char *s, enum report_auth_result r)
{
	struct report_auth	 a;

	memset(&a, 0, sizeof(a));
	a.domain = (char *)d;
	a.selector = (char *)s;
	a.result = r;
	return a;
}

static void
add_rows(struct report_senders *s, struct report_row *rows, size_t n)
{
	struct report	 r;

	memset(&r, 0, sizeof(r));
	r.report_id = (char *)"id";
	r.org_name = (char *)"org";
	r.rows = rows;
	r.nrows = n;
	r.testing = -1;
	report_senders_add(s, &r);
}

static const char *const sel_s1[] = { "s1" };
static const char *const inc[] = { "amazonses.com", "_spf.google.com" };

/* example.com: selector s1, SPF managed, relaxed; strict.example: strict
 * DKIM and SPF, selector s1; mail.example.com: selector m1. */
static const char *const sel_m1[] = { "m1" };
static const struct report_declared config[] = {
	{ "example.com", 0, 0, 1, sel_s1, 1, inc, 2 },
	{ "strict.example", 1, 1, 1, sel_s1, 1, NULL, 0 },
	{ "mail.example.com", 0, 0, 0, sel_m1, 1, NULL, 0 },
	{ "nospf.example", 0, 0, 0, sel_s1, 1, NULL, 0 },
};

#define NCONFIG	(sizeof(config) / sizeof(config[0]))

/* --- verdicts of single rows --- */

START_TEST(verdict_rows)
{
	struct report_senders	 s;
	struct report_auth	 d_ok = sig("example.com", "s1", REPORT_AUTH_PASS);
	struct report_auth	 d_undecl = sig("example.com", "google",
				    REPORT_AUTH_PASS);
	struct report_auth	 d_esp = sig("esp.example.net", "s1",
				    REPORT_AUTH_PASS);
	struct report_auth	 d_fail = sig("example.com", "s1",
				    REPORT_AUTH_FAIL);
	struct report_auth	 d_sub = sig("mail.example.com", "m1",
				    REPORT_AUTH_PASS);
	struct report_auth	 d_strict = sig("strict.example", "s1",
				    REPORT_AUTH_PASS);
	struct report_auth	 d_strict_sub = sig("a.strict.example", "s1",
				    REPORT_AUTH_PASS);
	struct report_auth	 d_nosel = sig("example.com", NULL,
				    REPORT_AUTH_PASS);
	struct report_auth	 p_own = sig("example.com", NULL,
				    REPORT_AUTH_PASS);
	struct report_auth	 p_ses = sig("amazonses.com", NULL,
				    REPORT_AUTH_PASS);
	struct report_auth	 p_bounce = sig("bounce.example.com", NULL,
				    REPORT_AUTH_PASS);
	struct report_auth	 p_nospf = sig("nospf.example", NULL,
				    REPORT_AUTH_PASS);
	struct report_auth	 p_strict_sub = sig("b.strict.example", NULL,
				    REPORT_AUTH_PASS);
	struct report_row	 w;

	report_senders_init(&s, NULL, config, NCONFIG);
	/* Aligned, passing, declared selector. */
	w = row("192.0.2.1", 1, "example.com", 1, 0, &d_ok, 1, NULL, 0);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_CONFIGURED);
	/* Aligned and passing, selector not declared. */
	w = row("192.0.2.1", 1, "example.com", 1, 0, &d_undecl, 1, NULL, 0);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_UNDECLARED);
	/* No selector given: it cannot be known declared. */
	w = row("192.0.2.1", 1, "example.com", 1, 0, &d_nosel, 1, NULL, 0);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_UNDECLARED);
	/* DKIM passes for an unaligned domain: DMARC fails... */
	w = row("192.0.2.1", 1, "example.com", 0, 0, &d_esp, 1, NULL, 0);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_FAILING);
	/* ... and where the receiver says it passed, it did so through
	 * nothing declared here. */
	w = row("192.0.2.1", 1, "example.com", 1, 0, &d_esp, 1, NULL, 0);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_UNDECLARED);
	/* A declared selector that failed is no pass. */
	w = row("192.0.2.1", 1, "example.com", 1, 0, &d_fail, 1, NULL, 0);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_UNDECLARED);
	/* SPF passes for SES's own domain, unaligned: fails alone... */
	w = row("192.0.2.1", 1, "example.com", 0, 0, NULL, 0, &p_ses, 1);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_FAILING);
	/* ... configured through the declared DKIM beside it. */
	w = row("192.0.2.1", 1, "example.com", 1, 0, &d_ok, 1, &p_ses, 1);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_CONFIGURED);
	/* The domain's own SPF, aligned and managed. */
	w = row("192.0.2.1", 1, "example.com", 0, 1, NULL, 0, &p_own, 1);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_CONFIGURED);
	/* Aligned (relaxed) SPF of a name whose SPF nothing manages. */
	w = row("192.0.2.1", 1, "example.com", 0, 1, NULL, 0, &p_bounce, 1);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_UNDECLARED);
	/* A domain in the config without spf: its SPF is not managed. */
	w = row("192.0.2.1", 1, "nospf.example", 0, 1, NULL, 0, &p_nospf, 1);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_UNDECLARED);
	/* Relaxed: d=mail.example.com aligns with example.com, and its
	 * selector is declared under mail.example.com. */
	w = row("192.0.2.1", 1, "example.com", 1, 0, &d_sub, 1, NULL, 0);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_CONFIGURED);
	/* Strict: only the same name aligns. */
	w = row("192.0.2.1", 1, "strict.example", 1, 0, &d_strict, 1, NULL, 0);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_CONFIGURED);
	w = row("192.0.2.1", 1, "strict.example", 1, 0, &d_strict_sub, 1,
	    NULL, 0);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_UNDECLARED);
	w = row("192.0.2.1", 1, "strict.example", 0, 1, NULL, 0,
	    &p_strict_sub, 1);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_UNDECLARED);
	/* A subdomain's mail under a strict parent: the parent's rule. */
	w = row("192.0.2.1", 1, "x.strict.example", 1, 0, &d_strict, 1, NULL,
	    0);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_UNDECLARED);
	report_senders_release(&s);
	/* Without a config, nothing is declared. */
	report_senders_init(&s, NULL, NULL, 0);
	w = row("192.0.2.1", 1, "example.com", 1, 0, &d_ok, 1, NULL, 0);
	ck_assert_int_eq(report_row_verdict(&s, &w), REPORT_UNDECLARED);
	report_senders_release(&s);
}
END_TEST

/* --- senders and domains --- */

static const struct report_sender *
find_sender(const struct report_sender_domain *d, const char *ip)
{
	size_t	 i;

	for (i = 0; i < d->nsenders; i++)
		if (strcmp(d->senders[i].ip, ip) == 0)
			return &d->senders[i];
	return NULL;
}

static const struct report_suggestion *
find_suggestion(const struct report_sender_domain *d, const char *kind)
{
	size_t	 i;

	for (i = 0; i < d->nsuggestions; i++)
		if (strcmp(d->suggestions[i].kind, kind) == 0)
			return &d->suggestions[i];
	return NULL;
}

/*
 * 1000 messages for example.com: 840 configured (192.0.2.1), 150 through
 * selector google from 192.0.2.7 (undeclared), 10 failing from
 * 203.0.113.5 and .6 (1%, the threshold), and 9 more messages elsewhere
 * (198.51.100.9) would not reach it alone.
 */
START_TEST(senders_domain)
{
	struct report_senders		 s;
	struct report_auth		 ok = sig("example.com", "s1",
					    REPORT_AUTH_PASS);
	struct report_auth		 g = sig("example.com", "google",
					    REPORT_AUTH_PASS);
	struct report_auth		 ses = sig("amazonses.com", NULL,
					    REPORT_AUTH_PASS);
	struct report_auth		 fail = sig("example.com", NULL,
					    REPORT_AUTH_FAIL);
	struct report_row		 rows[5];
	const struct report_sender_domain *d;
	const struct report_sender	*x;
	const struct report_suggestion	*sg;

	report_senders_init(&s, NULL, config, NCONFIG);
	rows[0] = row("192.0.2.1", 840, "example.com", 1, 0, &ok, 1, &ses, 1);
	rows[1] = row("192.0.2.7", 150, "example.com", 1, 0, &g, 1, NULL, 0);
	rows[2] = row("203.0.113.5", 6, "example.com", 0, 0, NULL, 0, &fail,
	    1);
	rows[3] = row("203.0.113.6", 4, "example.com", 0, 0, NULL, 0, &fail,
	    1);
	rows[4] = row("192.0.2.7", 1, "example.com", 0, 0, NULL, 0, &fail, 1);
	add_rows(&s, rows, 5);
	report_senders_finish(&s);
	ck_assert_uint_eq(s.ndomains, 1);
	d = &s.domains[0];
	ck_assert_ptr_eq(d->declared, &config[0]);
	ck_assert_uint_eq(d->n.messages, 1001);
	ck_assert_uint_eq(d->verdicts[REPORT_CONFIGURED], 840);
	ck_assert_uint_eq(d->verdicts[REPORT_UNDECLARED], 150);
	ck_assert_uint_eq(d->verdicts[REPORT_FAILING], 11);
	/* Failing first, then undeclared, then configured. */
	ck_assert_str_eq(d->senders[0].ip, "203.0.113.5");
	ck_assert_int_eq(d->senders[0].verdict, REPORT_FAILING);
	ck_assert_str_eq(d->senders[1].ip, "203.0.113.6");
	ck_assert_str_eq(d->senders[2].ip, "192.0.2.7");
	ck_assert_int_eq(d->senders[2].verdict, REPORT_UNDECLARED);
	ck_assert_str_eq(d->senders[3].ip, "192.0.2.1");
	x = find_sender(d, "192.0.2.7");
	ck_assert_uint_eq(x->verdicts[REPORT_FAILING], 1);
	ck_assert_uint_eq(x->ndkim, 1);
	ck_assert_str_eq(x->dkim[0].selector, "google");
	ck_assert_uint_eq(x->dkim[0].pass, 150);
	ck_assert_int_eq(x->dkim[0].aligned, 1);
	ck_assert_int_eq(x->dkim[0].declared, 0);
	x = find_sender(d, "192.0.2.1");
	ck_assert_int_eq(x->spf[0].aligned, 0);
	ck_assert_int_eq(x->dkim[0].declared, 1);
	/* The suggestions, most messages first. */
	ck_assert_ptr_nonnull(sg = find_suggestion(d, "declare-selector"));
	ck_assert_ptr_eq(sg, &d->suggestions[0]);
	ck_assert_str_eq(sg->message, "DKIM selector 'google' of "
	    "'example.com' passes for 150 messages (14.98%) from 192.0.2.7: "
	    "declare it under dkim: of 'example.com', or it breaks unseen when "
	    "the key is rotated or removed");
	ck_assert_str_eq(sg->config, "google: { public_key: ... }");
	ck_assert_str_eq(sg->source, "192.0.2.7");
	/* 10 of 1001 from 203.0.113.0/24 is under 1%: not named. */
	ck_assert_ptr_null(find_suggestion(d, "identify-source"));
	/* SPF passed aligned for none of 1001 messages: each include is a
	 * fact to check. */
	ck_assert_ptr_nonnull(sg = find_suggestion(d, "spf-include-unseen"));
	ck_assert_ptr_null(sg->config);
	ck_assert_uint_eq(d->nsuggestions, 3);
	report_senders_release(&s);

	/* At 1% exactly the network is named. */
	report_senders_init(&s, NULL, config, NCONFIG);
	rows[4] = row("192.0.2.7", 0, "example.com", 0, 0, NULL, 0, &fail, 1);
	add_rows(&s, rows, 5);
	report_senders_finish(&s);
	d = &s.domains[0];
	ck_assert_uint_eq(d->n.messages, 1000);
	ck_assert_ptr_nonnull(sg = find_suggestion(d, "identify-source"));
	ck_assert_str_eq(sg->message, "203.0.113.0/24 sends 10 messages "
	    "(1.00% of the mail) that fail DMARC: identify it before "
	    "enforcing");
	ck_assert_str_eq(sg->source, "203.0.113.0/24");
	ck_assert_uint_eq(sg->messages, 10);
	report_senders_release(&s);
}
END_TEST

/* SPF includes unseen: only from 100 messages in the window. */
START_TEST(includes_threshold)
{
	struct report_senders		 s;
	struct report_auth		 ok = sig("example.com", "s1",
					    REPORT_AUTH_PASS);
	struct report_row		 w;
	uint64_t			 n;

	for (n = 99; n <= 100; n++) {
		report_senders_init(&s, NULL, config, NCONFIG);
		w = row("192.0.2.1", n, "example.com", 1, 0, &ok, 1, NULL, 0);
		add_rows(&s, &w, 1);
		report_senders_finish(&s);
		ck_assert_uint_eq(s.domains[0].nsuggestions, n == 99 ? 0 : 2);
		if (n == 100)
			ck_assert_str_eq(s.domains[0].suggestions[0].message,
			    "SPF include '_spf.google.com' is declared but no "
			    "message passed SPF aligned with 'example.com' in "
			    "the window (100 messages): check that a sender "
			    "still needs it");
		report_senders_release(&s);
	}
}
END_TEST

/* Unaligned passes of failing senders name the fix; a sender's verdict
 * is that of most of its mail, a tie going to the worse. */
START_TEST(unaligned_and_ties)
{
	struct report_senders		 s;
	struct report_auth		 esp = sig("esp.example.net", "k1",
					    REPORT_AUTH_PASS);
	struct report_auth		 ses = sig("amazonses.com", NULL,
					    REPORT_AUTH_PASS);
	struct report_auth		 own = sig("example.com", NULL,
					    REPORT_AUTH_PASS);
	struct report_row		 rows[4];
	const struct report_sender_domain *d;
	const struct report_suggestion	*sg;

	report_senders_init(&s, NULL, config, NCONFIG);
	rows[0] = row("192.0.2.10", 50, "example.com", 0, 0, &esp, 1, NULL,
	    0);
	rows[1] = row("192.0.2.20", 40, "example.com", 0, 0, NULL, 0, &ses,
	    1);
	rows[2] = row("192.0.2.30", 5, "example.com", 0, 0, NULL, 0, NULL, 0);
	rows[3] = row("192.0.2.30", 5, "example.com", 0, 1, NULL, 0, &own, 1);
	add_rows(&s, rows, 4);
	report_senders_finish(&s);
	d = &s.domains[0];
	ck_assert_ptr_nonnull(sg = find_suggestion(d, "dkim-unaligned"));
	ck_assert_str_eq(sg->message, "192.0.2.10 fails DMARC for 50 messages "
	    "while its DKIM signature of 'esp.example.net' passes, not "
	    "aligned: have it sign as 'example.com'");
	ck_assert_ptr_nonnull(sg = find_suggestion(d, "spf-unaligned"));
	ck_assert_str_eq(sg->message, "192.0.2.20 fails DMARC for 40 messages "
	    "while SPF passes for 'amazonses.com', not aligned: give it a MAIL "
	    "FROM under 'example.com' or have it sign with DKIM");
	/* 5 configured, 5 failing: failing. */
	ck_assert_int_eq(find_sender(d, "192.0.2.30")->verdict,
	    REPORT_FAILING);
	report_senders_release(&s);
}
END_TEST

/*
 * One suggestion per selector and per unmanaged SPF domain, summed over
 * every sender, naming the one that sent most ("and others"); 20,000
 * senders make no more suggestions than one does.
 */
START_TEST(suggestions_summed)
{
	struct report_senders		 s;
	struct report_auth		 g = sig("example.com", "google",
					    REPORT_AUTH_PASS);
	struct report_auth		 b = sig("bounce.example.com", NULL,
					    REPORT_AUTH_PASS);
	struct report_row		*rows;
	const struct report_sender_domain *d;
	const struct report_suggestion	*sg;
	char				 (*ip)[16];
	size_t				 i, n = 20000;

	rows = calloc(n, sizeof(*rows));
	ip = calloc(n, sizeof(*ip));
	ck_assert_ptr_nonnull(rows);
	ck_assert_ptr_nonnull(ip);
	for (i = 0; i < n; i++) {
		snprintf(ip[i], sizeof(ip[i]), "10.%zu.%zu.%zu", i >> 16,
		    (i >> 8) & 255, i & 255);
		rows[i] = row(ip[i], i == 7 ? 50 : 1, "example.com", 1, 1, &g,
		    1, &b, 1);
	}
	report_senders_init(&s, NULL, config, NCONFIG);
	add_rows(&s, rows, n);
	report_senders_finish(&s);
	d = &s.domains[0];
	ck_assert_uint_eq(d->nsenders, n);
	ck_assert_uint_eq(d->nsuggestions, 2);
	ck_assert_ptr_nonnull(sg = find_suggestion(d, "declare-selector"));
	ck_assert_uint_eq(sg->messages, n + 49);
	ck_assert_str_eq(sg->source, "10.0.0.7");
	ck_assert_ptr_nonnull(strstr(sg->message, "from 10.0.0.7 and others: "));
	ck_assert_ptr_nonnull(sg = find_suggestion(d, "manage-spf"));
	ck_assert_str_eq(sg->message, "SPF of 'bounce.example.com' passes "
	    "aligned for 20049 messages from 10.0.0.7 and others, but the config "
	    "does not manage it: add spf: to 'bounce.example.com'");
	report_senders_release(&s);
	free(rows);
	free(ip);
}
END_TEST

/* At most REPORT_DOMAINS_MAX signatures a sender; the --domain filter. */
START_TEST(bounds_and_filter)
{
	struct report_senders	 s;
	struct report_filter	 f = { -1, -1, "Example.COM." };
	struct report_auth	 sigs[REPORT_DOMAINS_MAX + 1];
	char			 sel[REPORT_DOMAINS_MAX + 1][8];
	struct report_row	 rows[2];
	size_t			 i;

	for (i = 0; i <= REPORT_DOMAINS_MAX; i++) {
		snprintf(sel[i], sizeof(sel[i]), "k%zu", i);
		sigs[i] = sig("example.com", sel[i], REPORT_AUTH_PASS);
	}
	report_senders_init(&s, &f, config, NCONFIG);
	rows[0] = row("192.0.2.1", 3, "a.example.com", 1, 0, sigs,
	    REPORT_DOMAINS_MAX + 1, NULL, 0);
	rows[1] = row("192.0.2.1", 3, "example.org", 1, 0, sigs, 1, NULL, 0);
	add_rows(&s, rows, 2);
	report_senders_finish(&s);
	ck_assert_uint_eq(s.ndomains, 1);
	ck_assert_str_eq(s.domains[0].name, "a.example.com");
	ck_assert_ptr_null(s.domains[0].declared);
	ck_assert_uint_eq(s.domains[0].senders[0].ndkim, REPORT_DOMAINS_MAX);
	ck_assert_uint_le(s.domains[0].nsuggestions, REPORT_SUGGESTIONS_MAX);
	report_senders_release(&s);
}
END_TEST

/* The JSON parses and says what the senders hold, field by field. */
START_TEST(json_fields)
{
	struct report_senders	 s;
	struct report_stats	 st;
	struct report_auth	 ok = sig("example.com", "s1", REPORT_AUTH_PASS);
	struct report_row	 w;
	cJSON			*root, *d, *x, *a;
	char			*data = NULL;
	size_t			 len = 0;
	FILE			*f;

	memset(&st, 0, sizeof(st));
	st.read = 1;
	report_senders_init(&s, NULL, config, NCONFIG);
	w = row("192.0.2.1", 4294967295u, "example.com", 1, 0, &ok, 1, NULL,
	    0);
	add_rows(&s, &w, 1);
	add_rows(&s, &w, 1);
	report_senders_finish(&s);
	s.domains[0].senders[0].name = strdup("mx.example.com");
	ck_assert_ptr_nonnull(f = open_memstream(&data, &len));
	ck_assert_int_eq(report_senders_write_json(&s, &st, f), 0);
	fclose(f);
	ck_assert_ptr_nonnull(root = cJSON_Parse(data));
	ck_assert_int_eq(cJSON_GetObjectItem(root, "format_version")->valueint,
	    1);
	ck_assert_str_eq(cJSON_GetObjectItem(root, "kind")->valuestring,
	    "senders");
	d = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "domains"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(d, "domain")->valuestring,
	    "example.com");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(d, "in_config")));
	ck_assert_str_eq(cJSON_GetObjectItem(d, "adkim")->valuestring,
	    "relaxed");
	/* 2 x (2^32 - 1), exact. */
	ck_assert_ptr_nonnull(strstr(data, "\"messages\":8589934590"));
	x = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "senders"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(x, "source_ip")->valuestring,
	    "192.0.2.1");
	ck_assert_str_eq(cJSON_GetObjectItem(x, "name")->valuestring,
	    "mx.example.com");
	ck_assert_str_eq(cJSON_GetObjectItem(x, "verdict")->valuestring,
	    "configured");
	a = cJSON_GetArrayItem(cJSON_GetObjectItem(x, "dkim"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(a, "selector")->valuestring,
	    "s1");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(a, "declared")));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(a, "aligned")));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(x, "spf")), 0);
	cJSON_Delete(root);
	free(data);
	report_senders_release(&s);
}
END_TEST

Suite *
senders_suite(void)
{
	Suite	*s = suite_create("senders");
	TCase	*tc = tcase_create("senders");

	tcase_add_test(tc, verdict_rows);
	tcase_add_test(tc, senders_domain);
	tcase_add_test(tc, includes_threshold);
	tcase_add_test(tc, unaligned_and_ties);
	tcase_add_test(tc, suggestions_summed);
	tcase_add_test(tc, bounds_and_filter);
	tcase_add_test(tc, json_fields);
	suite_add_tcase(s, tc);
	return s;
}
