/*
 * check_plan_markdown.c - the plan as Markdown for a pull-request comment
 * (plan_render_markdown(), plan_render_review_markdown()): the tables and
 * their escaping, and what the reviewer reads beside the changes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/plan.h"
#include "fake_plan.h"

/* --- Markdown --- */

/* Every row of every table has the same number of cell separators. */
static void
assert_tables_whole(const char *md)
{
	const char	*line = md, *end, *p;
	size_t		 pipes, want = 0;

	for (; *line != '\0'; line = *end != '\0' ? end + 1 : end) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		if (*line != '|') {
			want = 0;
			continue;
		}
		pipes = 0;
		for (p = line; p < end; p++)
			if (*p == '|' && (p == line || p[-1] != '\\'))
				pipes++;
		if (want == 0)
			want = pipes;
		ck_assert_msg(pipes == want, "row with %zu cells, not %zu: "
		    "%.*s", pipes, want, (int)(end - line), line);
	}
}

START_TEST(markdown_small_plan)
{
	struct plan	 p;
	struct buf	 out = BUF_INIT;

	fx_plan(&p);
	plan_render_markdown(&p, &out);
	fx_assert_same_text(buf_str(&out),
	    "### example.com\n"
	    "\n"
	    "Zone `Z1EXAMPLE` (example.com)\n"
	    "\n"
	    "| Action | Name | Type | TTL | Before | After | Note |\n"
	    "|---|---|---|---|---|---|---|\n"
	    "| `+ create` | `_dmarc.example.com` | TXT | 3600 |  | "
	    "`\"v=DMARC1; p=none; rua=mailto:d@example.com\"` | stage 1 of "
	    "5\\: none since 2026-12-01; next stage on 2027-01-05 |\n"
	    "| `~ update` | `example.com` | TXT | 300 | "
	    "`\"google-site-verification=abc\"`<br>`\"v=spf1 ~all\"` | "
	    "`\"google-site-verification=abc\"`<br>`\"v=spf1 -all\"` |  |\n"
	    "| `~ update` | `s1._domainkey.example.com` | TXT -> CNAME | "
	    "3600 -> 1800 | `\"v=DKIM1; k=ed25519; "
	    "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"` | "
	    "`s1.dkim.example.net.` | the selector's key record is "
	    "replaced by its CNAME, in one batch |\n"
	    "\n"
	    "### example.org\n"
	    "\n"
	    "Zone `Z2OTHER` (example.org)\n"
	    "\n"
	    "| Action | Name | Type | TTL | Before | After | Note |\n"
	    "|---|---|---|---|---|---|---|\n"
	    "| **`- delete`** | `old._domainkey.example.org` | TXT | 600 | "
	    "`\"v=DKIM1; p=MFkwEwYHKoZIzj0CAQ\" \"YIKoZIzj0DAQcDQgAE\"` |  "
	    "|  |\n"
	    "| `= no change` | `example.org` | TXT | 900 | "
	    "`\"v=spf1  -all\"` | `\"v=spf1  -all\"` | the live SPF record "
	    "is equivalent (it differs only in spacing, case, order or "
	    "string splitting) and is left as it is |\n"
	    "| `= no change` | `tok1._domainkey.example.org` | CNAME | 1800 | "
	    "`tok1.dkim.amazonses.com` | `tok1.dkim.amazonses.com` | a stale "
	    "Easy DKIM token, kept\\: ses.prune\\_stale\\_tokens is not set |\n"
	    "| **`- delete`** | `tok2._domainkey.example.org` | CNAME | 300 | "
	    "`tok2.dkim.amazonses.com` |  |  |\n"
	    "\n"
	    "**Plan:** 1 to add, 2 to change, **2 to destroy**.\n");
	assert_tables_whole(buf_str(&out));
	buf_release(&out);
	plan_release(&p);
}
END_TEST

START_TEST(markdown_escapes)
{
	struct plan		 p;
	struct plan_change	*c;
	struct buf		 out = BUF_INIT, big = BUF_INIT;
	size_t			 i;

	fx_zones(&p, 1);
	c = fx_change(&p, 0, PLAN_CREATE, RECORD_SPF, "example.com",
	    "see *this* | `that` <b>@team :tada: $x$");
	fx_set(&c->after, "example.com.", "TXT", 300, "\"a|b`c\"",
	    "`x`` y ");
	c = fx_change(&p, 0, PLAN_CREATE, RECORD_DKIM, "example.com", NULL);
	/* A long value with pipes, backticks and a line break in it. */
	for (i = 0; i < 300; i++)
		buf_adds(&big, "ab|`\\");
	buf_adds(&big, "\n| x |");
	fx_set(&c->after, "\\052._domainkey.example.com.", "TXT", 300,
	    buf_str(&big), NULL);
	plan_count(&p);
	plan_render_markdown(&p, &out);
	ck_assert_msg(strstr(buf_str(&out),
	    "| `+ create` | `example.com` | TXT | 300 |  | "
	    "``\"a\\|b`c\"``<br>``` `x`` y  ``` | "
	    "see \\*this\\* \\| \\`that\\` \\<b\\>\\@team \\:tada\\: "
	    "\\$x\\$ |\n") != NULL, "%s", buf_str(&out));
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "| `*._domainkey."
	    "example.com` |"));
	/* The long value is whole, on its row, with its line break
	 * escaped. */
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "``ab\\|`\\ab\\|`\\"));
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "\\n\\| x \\|`` |"));
	assert_tables_whole(buf_str(&out));
	buf_release(&out);
	buf_release(&big);
	plan_release(&p);
}
END_TEST

START_TEST(markdown_no_changes)
{
	struct plan		 p;
	struct plan_change	*c;
	struct buf		 out = BUF_INIT;

	fx_zones(&p, 1);
	plan_render_markdown(&p, &out);
	ck_assert_str_eq(buf_str(&out), "No changes.\n");

	/* An unchanged set is listed only when it has a note. */
	c = fx_change(&p, 0, PLAN_NONE, RECORD_DMARC, "example.com", NULL);
	fx_set(&c->before, "_dmarc.example.com.", "TXT", 300, "\"v=DMARC1; "
	    "p=none\"", NULL);
	rrset_copy(&c->after, &c->before);
	plan_count(&p);
	buf_reset(&out);
	plan_render_markdown(&p, &out);
	ck_assert_str_eq(buf_str(&out), "No changes.\n");

	c->note = xstrdup("kept");
	buf_reset(&out);
	plan_render_markdown(&p, &out);
	fx_assert_same_text(buf_str(&out),
	    "### example.com\n"
	    "\n"
	    "Zone `Z1EXAMPLE` (example.com)\n"
	    "\n"
	    "| Action | Name | Type | TTL | Before | After | Note |\n"
	    "|---|---|---|---|---|---|---|\n"
	    "| `= no change` | `_dmarc.example.com` | TXT | 300 | "
	    "`\"v=DMARC1; p=none\"` | `\"v=DMARC1; p=none\"` | kept |\n"
	    "\n"
	    "No changes.\n");
	buf_release(&out);
	plan_release(&p);
}
END_TEST

START_TEST(markdown_destroy_zero_is_plain)
{
	struct plan		 p;
	struct plan_change	*c;
	struct buf		 out = BUF_INIT;

	fx_zones(&p, 1);
	c = fx_change(&p, 0, PLAN_CREATE, RECORD_DMARC, "example.com", NULL);
	fx_set(&c->after, "_dmarc.example.com.", "TXT", 300, "\"v=DMARC1; "
	    "p=none\"", NULL);
	plan_count(&p);
	plan_render_markdown(&p, &out);
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "\n\n**Plan:** 1 to add, "
	    "0 to change, 0 to destroy.\n"));
	buf_release(&out);
	plan_release(&p);
}
END_TEST

/* Markdown carries the gate's verdicts, the warnings, the notes and a
 * marker on each weakening change. */
START_TEST(markdown_review)
{
	struct plan		 p;
	struct plan_change	*c;
	struct buf		 out = BUF_INIT;
	const char		*s;

	fx_plan(&p);
	c = fx_change(&p, 0, PLAN_UPDATE, RECORD_SPF, "example.com", NULL);
	fx_set(&c->before, "www.example.com.", "TXT", 300, "\"v=spf1 -all\"",
	    NULL);
	fx_set(&c->after, "www.example.com.", "TXT", 300, "\"v=spf1 ~all\"",
	    NULL);
	plan_count(&p);
	plan_render_markdown(&p, &out);
	plan_render_review_markdown(&p, &out);
	s = buf_str(&out);
	ck_assert_msg(strstr(s, "**weakens:** SPF all -all -\\> \\~all |\n") !=
	    NULL, "%s", s);
	/* Only the weakening change is marked. */
	ck_assert_ptr_null(strstr(strstr(s, "**weakens:**") + 1,
	    "**weakens:**"));
	ck_assert_msg(strstr(s, "\n#### Rollout gate\n\n| Domain | Verdict | "
	    "Reason |\n|---|---|---|\n| example.com | **hold** | held\\: no "
	    "reports given\\: 'example.com' stays at stage 1 of 5") != NULL,
	    "%s", s);
	/* A domain the gate says nothing of has no row. */
	ck_assert_ptr_null(strstr(s, "| example.org | none"));
	ck_assert_msg(strstr(s, "\n#### Warnings\n\n- warning\\: live record\\: "
	    "\\_dmarc.example.com\\: 'ri=3600'\\: ri is not part of DMARC "
	    "since RFC 9989\n- warning\\: not read\\: 'r/x.xml'\\: not a "
	    "DMARC aggregate report\n") != NULL, "%s", s);
	ck_assert_msg(strstr(s, "\n#### Not managed\n\n- 'old.\\_domainkey."
	    "example.com' looks like a DKIM selector") != NULL, "%s", s);
	buf_release(&out);
	plan_release(&p);
}
END_TEST

Suite *
plan_markdown_suite(void)
{
	Suite	*s = suite_create("plan_markdown");
	TCase	*tc = tcase_create("markdown");

	tcase_add_test(tc, markdown_small_plan);
	tcase_add_test(tc, markdown_review);
	tcase_add_test(tc, markdown_escapes);
	tcase_add_test(tc, markdown_no_changes);
	tcase_add_test(tc, markdown_destroy_zero_is_plain);
	suite_add_tcase(s, tc);
	return s;
}
