/*
 * check_live.c - reading live state: Route 53's order of names
 * (dns_name_cmp), and live_read() against a fake Route 53 that serves
 * zones from memory in that order, counting the requests: page following,
 * the restart rule, the choice of a full listing, and that every managed
 * name gets exactly what r53_rrsets_at() gives; and the zone lookups,
 * shared by the domains of a zone through the listing of its subtree,
 * against Route 53's order of zones, moto's answers and another order.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/creds.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/plan.h"
#include "mailauth/route53.h"
#include "mailauth/zoneref.h"
#include "fake_route53.h"

#define PAGE_SLACK	40	/* as in src/live/live.c */

Suite	*live_suite(void);

/* ---- Route 53's order ------------------------------------------------- */

/* Names in Route 53's order, each below the next. */
static const char *const ordered[] = {
	"com.",
	"a.com.",
	"example-a.com.",	/* '-' (45) sorts before the end of "example" */
	"x.example-a.com.",
	"example.com.",		/* an ancestor before its descendants */
	"\\052.example.com.",	/* '*' (42) */
	"-.example.com.",
	"0.example.com.",
	"9z.example.com.",
	"_acme-challenge.example.com.",
	"_dmarc.example.com.",
	"x._dmarc.example.com.",
	"zz999._dmarc.example.com.",
	"_domainkey.example.com.",
	"s1-old._domainkey.example.com.",
	"s1._domainkey.example.com.",
	"x.s1._domainkey.example.com.",
	"s10._domainkey.example.com.",
	"s2._domainkey.example.com.",
	"a-b.example.com.",
	"a.example.com.",
	"x.a.example.com.",
	"a\\056b.example.com.",	/* an escaped dot: after the shorter "a" */
	"a0.example.com.",
	"www.example.com.",
	"\\303\\251t\\303\\251.example.com.",	/* bytes over 127 last */
	"examplf.com.",
	"example.net.",
};

START_TEST(test_cmp_table)
{
	size_t	 n = sizeof(ordered) / sizeof(ordered[0]), i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			int	 c = dns_name_cmp(ordered[i], ordered[j]);

			ck_assert_msg(i < j ? c < 0 : i > j ? c > 0 : c == 0,
			    "'%s' vs '%s': %d", ordered[i], ordered[j], c);
		}
	/* Escapes compare as the bytes they stand for. */
	ck_assert_int_lt(dns_name_cmp("\\052.example.com.", "+.example.com."),
	    0);
	ck_assert_int_eq(dns_name_cmp("example.com.", "example.com."), 0);
}
END_TEST

static unsigned long	 rng_state;

static unsigned long
rng(void)
{
	rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
	return rng_state >> 33;
}

static void
random_name(char *out, size_t size)
{
	static const char	 alpha[] = "ab-_0z9";
	size_t			 labels = 1 + rng() % 4, i, j, len, n = 0;

	for (i = 0; i < labels; i++) {
		len = 1 + rng() % 3;
		for (j = 0; j < len; j++)
			out[n++] = alpha[rng() % (sizeof(alpha) - 1)];
		out[n++] = '.';
	}
	memcpy(out + n, "example.com.", 13);
	ck_assert_uint_lt(n + 13, size);
}

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

START_TEST(test_cmp_matches_aws_description)
{
	char	 a[128], b[128], ra[128], rb[128];
	size_t	 i;

	rng_state = 42;
	for (i = 0; i < 20000; i++) {
		random_name(a, sizeof(a));
		random_name(b, sizeof(b));
		fake_reversed(a, ra, sizeof(ra));
		fake_reversed(b, rb, sizeof(rb));
		ck_assert_msg(sign(dns_name_cmp(a, b)) == sign(strcmp(ra, rb)),
		    "'%s' vs '%s'", a, b);
	}
}
END_TEST

/* ---- a zone named by id or by name ------------------------------------ */

START_TEST(test_zone_ref)
{
	static const struct {
		const char		*in;
		enum zone_ref_kind	 kind;
		const char		*value;
	} cases[] = {
		{ "Z0123456789ABC", ZONE_REF_ID, "Z0123456789ABC" },
		{ "/hostedzone/Z1EXAMPLE", ZONE_REF_ID, "Z1EXAMPLE" },
		{ "ABC123", ZONE_REF_ID, "ABC123" },	/* moto's ids */
		{ "Z12345678901234567890123456789012", ZONE_REF_NAME,
		  "Z12345678901234567890123456789012" },	/* 33 */
		{ "example.com", ZONE_REF_NAME, "example.com" },
		{ "zexample", ZONE_REF_NAME, "zexample" },
		{ "z1example", ZONE_REF_NAME, "z1example" },
		{ "/hostedzone/", ZONE_REF_NAME, "/hostedzone/" },
		{ "/hostedzone/z1", ZONE_REF_NAME, "/hostedzone/z1" },
		{ "", ZONE_REF_NAME, "" },
	};
	struct zone_ref	 ref;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		zone_ref_parse(cases[i].in, &ref);
		ck_assert_msg(ref.kind == cases[i].kind, "'%s'", cases[i].in);
		ck_assert_str_eq(ref.value, cases[i].value);
	}
	/* The bare form alone, as Route 53 returns ids. */
	ck_assert_int_eq(zone_ref_is_id("Z1EXAMPLE"), 1);
	ck_assert_int_eq(zone_ref_is_id("/hostedzone/Z1EXAMPLE"), 0);
	ck_assert_int_eq(zone_ref_is_id("Z1/../x"), 0);
	ck_assert_int_eq(zone_ref_is_id(""), 0);
}
END_TEST

/* ---- a config, by hand ------------------------------------------------ */

struct world {
	struct fake		 fake;
	struct http_transport	 http;
	struct aws_creds	 creds;
	struct r53_client	 client;
	struct cfg		 cfg;
	struct desired		*want;
	size_t			 nwant;
	struct live_state	 ls;
	struct diags		 d;
	struct err		 err;
};

static void
world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	fake_open(&w->fake, &w->http, &w->creds, &w->client);
}

static void
want_name(struct world *w, enum record_kind kind, const char *name)
{
	struct desired	*d = xappend(&w->want, &w->nwant, sizeof(*w->want));
	struct err	 err;

	d->kind = kind;
	d->name = dns_name_canon(name, &err);
	ck_assert_ptr_nonnull(d->name);
	d->type = xstrdup("TXT");
}

/* A domain with SPF, DMARC and the DKIM selectors given (NULL-ended). */
static void
domain(struct world *w, const char *name, const char *zone, ...)
{
	struct cfg_domain	*dom;
	const char		*sel;
	char			*n;
	va_list			 ap;

	dom = xappend(&w->cfg.domains, &w->cfg.ndomains,
	    sizeof(*w->cfg.domains));
	dom->name = xstrdup(name);
	dom->zone = zone != NULL ? xstrdup(zone) : NULL;
	want_name(w, RECORD_SPF, name);
	n = xasprintf("_dmarc.%s", name);
	want_name(w, RECORD_DMARC, n);
	free(n);
	va_start(ap, zone);
	while ((sel = va_arg(ap, const char *)) != NULL) {
		n = xasprintf("%s._domainkey.%s", sel, name);
		want_name(w, RECORD_DKIM, n);
		free(n);
	}
	va_end(ap);
}

/* Points each desired at its domain; the domains array no longer moves. */
static void
link_domains(struct world *w)
{
	size_t	 i, j;

	for (i = 0; i < w->nwant; i++)
		for (j = 0; j < w->cfg.ndomains; j++) {
			char	*apex = dns_name_canon(w->cfg.domains[j].name,
				    NULL);

			if (dns_name_in_zone(w->want[i].name, apex) &&
			    (w->want[i].domain == NULL ||
			    strlen(w->want[i].domain->name) <
			    strlen(w->cfg.domains[j].name)))
				w->want[i].domain = &w->cfg.domains[j];
			free(apex);
		}
}

static int
read_live(struct world *w)
{
	link_domains(w);
	return live_read(&w->client, &w->cfg, w->want, w->nwant, NULL,
	    &w->ls, &w->d, &w->err);
}

static void
world_release(struct world *w)
{
	size_t	 i;

	live_release(&w->ls);
	for (i = 0; i < w->nwant; i++) {
		free(w->want[i].name);
		free(w->want[i].type);
	}
	free(w->want);
	for (i = 0; i < w->cfg.ndomains; i++) {
		free(w->cfg.domains[i].name);
		free(w->cfg.domains[i].zone);
	}
	free(w->cfg.domains);
	diags_release(&w->d);
	fake_release(&w->fake);
}

/*
 * Every live holds exactly what r53_rrsets_at() gives at its name, asked
 * of the same server afterwards (its requests are not counted).
 */
static void
assert_same_as_rrsets_at(struct world *w)
{
	struct rrset	*sets;
	size_t		 i, j, n, saved = w->fake.rrsets;
	struct err	 err;

	ck_assert_uint_eq(w->ls.nlives, w->nwant);
	for (i = 0; i < w->ls.nlives; i++) {
		const struct live	*l = &w->ls.lives[i];

		ck_assert_msg(r53_rrsets_at(&w->client, l->zone->id,
		    l->desired->name, &sets, &n, &err) == 0, "%s", err.msg);
		ck_assert_msg(n == l->nsets, "'%s': %zu sets, r53_rrsets_at "
		    "%zu", l->desired->name, l->nsets, n);
		for (j = 0; j < n; j++)
			ck_assert_msg(rrset_equal(&sets[j], &l->sets[j]),
			    "'%s': set %zu differs", l->desired->name, j);
		r53_rrsets_release(sets, n);
	}
	w->fake.rrsets = saved;
}

/* The usual records at a domain's apex and beside its mail names. */
static void
seed_domain(struct fzone *z, const char *d, int dmarc)
{
	char	*n;

	fake_add(z, d, "MX", "10 mx.example.net.");
	fake_add(z, d, "TXT", "\"v=spf1 -all\"");
	fake_add(z, d, "A", "192.0.2.1");
	if (dmarc) {
		n = xasprintf("_dmarc.%s", d);
		fake_add(z, n, "TXT", "\"v=DMARC1; p=none\"");
		free(n);
	}
	n = xasprintf("s1._domainkey.%s", d);
	fake_add(z, n, "CNAME", "s1.dkim.example.net.");
	free(n);
}

/* n unrelated A records named fmt % i. */
static void
seed_many(struct fzone *z, const char *fmt, size_t n)
{
	char	 name[128];
	size_t	 i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), fmt, i);
		fake_add(z, name, "A", "192.0.2.9");
	}
}

/* ---- live_read -------------------------------------------------------- */

/* 1 when the last set added has the name and type of an earlier one. */
static int
duplicate(const struct fzone *z)
{
	const struct fset	*last = &z->sets[z->nsets - 1];
	size_t			 i;

	for (i = 0; i + 1 < z->nsets; i++)
		if (strcmp(z->sets[i].name, last->name) == 0 &&
		    strcmp(z->sets[i].type, last->type) == 0 &&
		    z->sets[i].ident == NULL)
			return 1;
	return 0;
}

/* One domain in a big zone: one lookup, one page. */
START_TEST(test_one_page_per_domain)
{
	struct world	 w;
	struct fzone	*z;

	world_init(&w);
	z = fake_zone(&w.fake, "ZBIG", "example.com.");
	fake_add(z, "example.com.", "NS", "ns-1.awsdns-00.com.");
	fake_add(z, "example.com.", "SOA", "ns-1.awsdns-00.com. x 1 2 3 4 5");
	seed_domain(z, "example.com", 1);
	fake_add(z, "_acme-challenge.example.com", "TXT", "\"token\"");
	seed_many(z, "host%04zu.example.com", 5000);
	domain(&w, "example.com", NULL, "s1", "s2", NULL);
	ck_assert_int_eq(read_live(&w), 0);
	ck_assert_uint_eq(w.fake.by_name, 1);
	ck_assert_uint_eq(w.fake.rrsets, 1);
	ck_assert_uint_eq(w.ls.lives[0].nsets, 5);	/* the apex */
	ck_assert_uint_eq(w.ls.lives[1].nsets, 1);	/* _dmarc */
	ck_assert_str_eq(w.ls.lives[2].sets[0].type, "CNAME");
	ck_assert_uint_eq(w.ls.lives[3].nsets, 0);	/* s2: nothing */
	assert_same_as_rrsets_at(&w);
	world_release(&w);
}
END_TEST

/*
 * Unrelated records between the managed names: each page that ends in
 * them is not followed, the next starts at the next managed name.  The
 * count stays the same however many such records there are.
 */
START_TEST(test_restart_at_next_name)
{
	size_t	 extra[] = { 100, 3000 }, i;

	for (i = 0; i < 2; i++) {
		struct world	 w;
		struct fzone	*z;

		world_init(&w);
		z = fake_zone(&w.fake, "ZBIG", "example.com.");
		seed_domain(z, "example.com", 1);
		/* Between the apex and _dmarc, _dmarc and _domainkey, and
		 * _domainkey's selectors; then after everything. */
		seed_many(z, "1h%04zu.example.com", extra[i]);
		seed_many(z, "r%04zu._report._dmarc.example.com", extra[i]);
		seed_many(z, "a%04zu._domainkey.example.com", extra[i]);
		seed_many(z, "www%04zu.example.com", extra[i]);
		domain(&w, "example.com", NULL, "s1", "s2", NULL);
		ck_assert_int_eq(read_live(&w), 0);
		/* apex, _dmarc, _domainkey (where an NS set would delegate
		 * the selectors), then s1 and s2 in one page */
		ck_assert_uint_eq(w.fake.rrsets, 4);
		assert_same_as_rrsets_at(&w);
		world_release(&w);
	}
}
END_TEST

/* A name with more record sets than a page holds: its pages are
 * followed, identifier included, and no more. */
START_TEST(test_follow_pages_of_one_name)
{
	struct world	 w;
	struct fzone	*z;
	struct fset	*s;
	char		 ident[16];
	size_t		 i;

	world_init(&w);
	z = fake_zone(&w.fake, "ZBIG", "example.com.");
	seed_domain(z, "example.com", 0);
	for (i = 0; i < 100; i++) {
		snprintf(ident, sizeof(ident), "w%03zu", i);
		s = fake_add(z, "example.com", "AAAA", "2001:db8::1");
		s->ident = xstrdup(ident);
	}
	s = fake_add(z, "example.com", "CAA", "");
	s->alias = xstrdup("d111111abcdef8.cloudfront.net.");
	seed_many(z, "host%04zu.example.com", 2000);
	domain(&w, "example.com", NULL, "s1", NULL);
	ck_assert_int_eq(read_live(&w), 0);
	/* 104 sets at the apex, pages of PAGE_SLACK + 3: the apex takes
	 * three pages, the last of which reaches past s1. */
	ck_assert_uint_eq(w.ls.lives[0].nsets, 104);
	ck_assert_uint_eq(w.fake.rrsets, 3);
	assert_same_as_rrsets_at(&w);
	world_release(&w);
}
END_TEST

/* Many domains in a small zone: one listing of the whole zone. */
START_TEST(test_full_listing_when_cheaper)
{
	struct world	 w;
	struct fzone	*z;
	char		 name[64];
	size_t		 i;

	world_init(&w);
	z = fake_zone(&w.fake, "ZSMALL", "example.com.");
	fake_add(z, "example.com.", "NS", "ns-1.awsdns-00.com.");
	seed_many(z, "www%zu.example.com", 100);
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "d%02zu.example.com", i);
		seed_domain(z, name, i % 2);
		domain(&w, name, NULL, "s1", NULL);
	}
	/* 101 + 50 * 4 + 25 = 326 sets: two pages, fewer than 50. */
	ck_assert_int_eq(read_live(&w), 0);
	ck_assert_uint_eq(w.fake.rrsets, 2);
	ck_assert_uint_eq(w.fake.last_maxitems, 300);
	/* example.com., first in Route 53's order of the names looked up
	 * (the account's only zone, so its listing shows nothing after
	 * it), then the account's first page, which holds every zone: the
	 * 50 domains ask nothing more. */
	ck_assert_uint_eq(w.fake.by_name, 2);
	ck_assert_str_eq(w.fake.queries[0], "example.com.");
	ck_assert_str_eq(w.fake.queries[1], "");
	assert_same_as_rrsets_at(&w);
	world_release(&w);
}
END_TEST

/*
 * The choice at its edge: ceil(count / 300) pages against one request per
 * domain.  At 600 record sets two domains list the zone (two pages); at
 * 601 (three pages) they read their own names (two requests).  A zone
 * whose count is not given is read name by name.
 */
START_TEST(test_full_listing_threshold)
{
	static const struct {
		size_t	 unrelated;
		int	 hide_count;
		size_t	 requests;
		size_t	 maxitems;
	} cases[] = {
		/* A domain's names: apex, _dmarc, _domainkey, s1. */
		{ 600 - 8, 0, 2, 300 },
		{ 601 - 8, 0, 2, PAGE_SLACK + 4 },
		{ 100, 1, 2, PAGE_SLACK + 4 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct world	 w;
		struct fzone	*z;

		world_init(&w);
		z = fake_zone(&w.fake, "ZMID", "example.com.");
		z->hide_count = cases[i].hide_count;
		seed_domain(z, "a.example.com", 0);
		seed_domain(z, "b.example.com", 0);
		/* between a's names and b's */
		seed_many(z, "a%04zu.example.com", cases[i].unrelated);
		domain(&w, "a.example.com", "example.com", "s1", NULL);
		domain(&w, "b.example.com", "example.com", "s1", NULL);
		ck_assert_int_eq(read_live(&w), 0);
		ck_assert_msg(w.fake.rrsets == cases[i].requests,
		    "case %zu: %zu requests", i, w.fake.rrsets);
		ck_assert_uint_eq(w.fake.last_maxitems, cases[i].maxitems);
		assert_same_as_rrsets_at(&w);
		world_release(&w);
	}
}
END_TEST

/* Each lookup is made once, however many domains need it. */
START_TEST(test_zone_lookup_shared)
{
	struct world	 w;
	struct fzone	*z;
	size_t		 i, j;

	world_init(&w);
	z = fake_zone(&w.fake, "ZONE1", "example.com.");
	seed_domain(z, "example.com", 1);
	fake_zone(&w.fake, "ZONE2", "example.org.");
	domain(&w, "a.example.com", NULL, NULL);
	domain(&w, "b.example.com", NULL, NULL);
	domain(&w, "example.com", NULL, "s1", NULL);
	domain(&w, "c.example.com", "example.com", NULL);
	domain(&w, "example.org", "ZONE2", NULL);
	domain(&w, "www.example.org", "ZONE2", NULL);
	ck_assert_int_eq(read_live(&w), 0);
	/* example.com., first in Route 53's order, whose page goes on past
	 * its subtree (to example.org.): every domain of it, and
	 * c.example.com (which names its zone), is answered from it. */
	ck_assert_uint_eq(w.fake.by_name, 1);
	ck_assert_str_eq(w.fake.queries[0], "example.com.");
	for (i = 0; i < w.fake.by_name; i++)
		for (j = 0; j < i; j++)
			ck_assert_str_ne(w.fake.queries[i], w.fake.queries[j]);
	ck_assert_uint_eq(w.fake.get_zone, 1);
	ck_assert_uint_eq(w.ls.nzones, 2);
	ck_assert_str_eq(w.ls.lives[0].zone->id, "ZONE1");
	ck_assert_str_eq(w.ls.lives[w.nwant - 1].zone->id, "ZONE2");
	assert_same_as_rrsets_at(&w);
	world_release(&w);
}
END_TEST

/* A missing zone id is asked for once and reported for each domain. */
START_TEST(test_missing_zone_id_once)
{
	struct world	 w;

	world_init(&w);
	fake_zone(&w.fake, "ZONE1", "example.com.");
	domain(&w, "a.example.com", "ZGONE", NULL);
	domain(&w, "b.example.com", "ZGONE", NULL);
	ck_assert_int_eq(read_live(&w), -1);
	ck_assert_uint_eq(w.fake.get_zone, 1);
	ck_assert_uint_eq(w.fake.rrsets, 0);
	ck_assert_uint_eq(w.d.nerrors, 2);
	ck_assert_ptr_nonnull(strstr(w.d.v[1].msg, "domains.b.example.com."
	    "zone: no hosted zone with id 'ZGONE' (Route 53 GetHostedZone: "
	    "NoSuchHostedZone"));
	world_release(&w);
}
END_TEST

/* The zone of the live at name (any form). */
static const char *
zone_at(const struct world *w, const char *name)
{
	char	*canon = dns_name_canon(name, NULL);
	size_t	 i;

	ck_assert_ptr_nonnull(canon);
	for (i = 0; i < w->ls.nlives; i++)
		if (strcmp(w->ls.lives[i].desired->name, canon) == 0) {
			free(canon);
			return w->ls.lives[i].zone->id;
		}
	ck_abort_msg("no live at '%s'", name);
	return NULL;
}

/* n zones named fmt % i, with ids idfmt % i. */
static void
zones_many(struct fake *f, const char *idfmt, const char *fmt, size_t n,
    int private_zone)
{
	char	 id[16], name[64];
	size_t	 i;

	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), idfmt, i);
		snprintf(name, sizeof(name), fmt, i);
		fake_zone(f, id, name)->private_zone = private_zone;
	}
}

/*
 * Many domains in one zone: the zone's name (their common parent, first
 * in Route 53's order), whatever their number.  When the zone is the
 * account's last (here its only one), its listing cannot show its end,
 * and the account's first page, which holds every zone, is read too: one
 * more.
 */
START_TEST(test_lookups_constant_per_zone)
{
	static const size_t	 sizes[] = { 20, 200 };
	size_t			 i, k, only;

	for (only = 0; only < 2; only++)
		for (k = 0; k < 2; k++) {
			struct world	 w;
			char		 name[64];

			world_init(&w);
			if (!only) {
				fake_zone(&w.fake, "ZA", "a.com.");
				fake_zone(&w.fake, "ZNET", "example.net.");
			}
			fake_zone(&w.fake, "ZEX", "example.com.");
			for (i = 0; i < sizes[k]; i++) {
				snprintf(name, sizeof(name),
				    "d%03zu.example.com", i);
				domain(&w, name, NULL, NULL);
			}
			ck_assert_int_eq(read_live(&w), 0);
			ck_assert_msg(w.fake.by_name == 1 + only,
			    "%zu domains: %zu lookups", sizes[k],
			    w.fake.by_name);
			ck_assert_str_eq(w.fake.queries[0], "example.com.");
			if (only)
				ck_assert_str_eq(w.fake.queries[1], "");
			ck_assert_uint_eq(w.ls.nzones, 1);
			for (i = 0; i < w.ls.nlives; i++)
				ck_assert_str_eq(w.ls.lives[i].zone->id, "ZEX");
			world_release(&w);
		}
}
END_TEST

/*
 * A public zone below the zone wins for the domains in it, however the
 * domains are ordered, and the count does not grow with more domains of
 * either zone.
 */
START_TEST(test_subzone_wins)
{
	size_t	 order, more, i;

	for (order = 0; order < 2; order++)
		for (more = 0; more < 2; more++) {
			struct world	 w;
			char		 name[64];

			world_init(&w);
			fake_zone(&w.fake, "ZPARENT", "example.com.");
			fake_zone(&w.fake, "ZSUB", "sub.example.com.");
			fake_zone(&w.fake, "ZNET", "example.net.");
			if (order == 0)
				domain(&w, "a.example.com", NULL, NULL);
			domain(&w, "x.sub.example.com", NULL, NULL);
			if (order == 1)
				domain(&w, "a.example.com", NULL, NULL);
			domain(&w, "sub.example.com", NULL, NULL);
			domain(&w, "b.example.com", NULL, NULL);
			domain(&w, "y.sub.example.com", NULL, NULL);
			domain(&w, "example.com", NULL, NULL);
			for (i = 0; more && i < 100; i++) {
				snprintf(name, sizeof(name), "m%02zu.%s", i,
				    i % 2 ? "example.com" : "sub.example.com");
				domain(&w, name, NULL, NULL);
			}
			ck_assert_int_eq(read_live(&w), 0);
			/* example.com., first in Route 53's order whatever
			 * the config's: its page reaches example.net., so it
			 * holds the subzone and every domain. */
			ck_assert_msg(w.fake.by_name == 1,
			    "order %zu, more %zu: %zu lookups", order, more,
			    w.fake.by_name);
			ck_assert_str_eq(zone_at(&w, "a.example.com"),
			    "ZPARENT");
			ck_assert_str_eq(zone_at(&w, "b.example.com"),
			    "ZPARENT");
			ck_assert_str_eq(zone_at(&w, "example.com"), "ZPARENT");
			ck_assert_str_eq(zone_at(&w, "sub.example.com"),
			    "ZSUB");
			ck_assert_str_eq(zone_at(&w, "x.sub.example.com"),
			    "ZSUB");
			ck_assert_str_eq(zone_at(&w, "_dmarc.y.sub.example.com"),
			    "ZSUB");
			if (more) {
				ck_assert_str_eq(zone_at(&w, "m00.sub.example.com"),
				    "ZSUB");
				ck_assert_str_eq(zone_at(&w, "m01.example.com"),
				    "ZPARENT");
			}
			world_release(&w);
		}
}
END_TEST

/*
 * A private zone below the zone, or of the zone's own name, loses to the
 * public zone unless zone: names it (test_private_zone_refused); named
 * by the public zone's name, the public one is answered from the listing
 * already made.
 */
START_TEST(test_private_subzone_loses)
{
	struct world	 w;

	world_init(&w);
	fake_zone(&w.fake, "ZPUB", "example.com.");
	fake_zone(&w.fake, "ZAPRIV", "example.com.")->private_zone = 1;
	fake_zone(&w.fake, "ZPRIV", "priv.example.com.")->private_zone = 1;
	domain(&w, "a.priv.example.com", NULL, NULL);
	domain(&w, "priv.example.com", NULL, NULL);
	domain(&w, "d.example.com", NULL, NULL);
	domain(&w, "e.example.com", "example.com", NULL);
	ck_assert_int_eq(read_live(&w), 0);
	/* example.com.: its listing ends after priv.example.com., a zone
	 * below it, so it holds every name from example.com. on. */
	ck_assert_uint_eq(w.fake.by_name, 1);
	ck_assert_uint_eq(w.d.n, 0);
	ck_assert_str_eq(zone_at(&w, "a.priv.example.com"), "ZPUB");
	ck_assert_str_eq(zone_at(&w, "priv.example.com"), "ZPUB");
	ck_assert_str_eq(zone_at(&w, "d.example.com"), "ZPUB");
	ck_assert_str_eq(zone_at(&w, "e.example.com"), "ZPUB");
	world_release(&w);
}
END_TEST

/*
 * zone: naming a private zone, by name (no public zone of that name) or
 * by id, is refused: receivers never see it.  Nothing is read.
 */
START_TEST(test_private_zone_refused)
{
	struct world	 w;

	world_init(&w);
	fake_zone(&w.fake, "ZPUB", "example.com.");
	fake_zone(&w.fake, "ZAPRIV", "example.com.")->private_zone = 1;
	fake_zone(&w.fake, "ZPRIV", "priv.example.com.")->private_zone = 1;
	domain(&w, "b.priv.example.com", "priv.example.com", NULL);
	domain(&w, "c.example.com", "ZAPRIV", NULL);
	domain(&w, "d.example.com", "ZPUB", NULL);
	ck_assert_int_eq(read_live(&w), -1);
	ck_assert_uint_eq(w.d.nerrors, 2);
	ck_assert_str_eq(w.d.v[0].msg, "domains.b.priv.example.com.zone: "
	    "hosted zone 'priv.example.com' is private: mail authentication "
	    "records must be public, and receivers never see a private zone; "
	    "set zone: to the id of the public hosted zone of "
	    "'b.priv.example.com', or remove zone: to use the longest public "
	    "one");
	ck_assert_ptr_nonnull(strstr(w.d.v[1].msg, "domains.c.example.com."
	    "zone: hosted zone 'ZAPRIV' is private: "));
	ck_assert_uint_eq(w.fake.rrsets, 0);
	world_release(&w);
}
END_TEST

/*
 * An NS record set below the apex, at or above a managed name, hands the
 * name to other name servers: the domain is refused, once, naming the
 * delegation nearest the apex and its name servers.  The apex's own NS
 * set and NS sets elsewhere do not count.  The names between a domain
 * and the apex are read in the same pages when they are close.
 */
START_TEST(test_delegated_refused)
{
	struct world	 w;
	struct fzone	*z;

	world_init(&w);
	z = fake_zone(&w.fake, "ZEX", "example.com.");
	fake_add(z, "example.com", "NS", "ns-1.awsdns-00.com.");
	seed_domain(z, "example.com", 1);
	fake_add(z, "mail.example.com", "NS",
	    "ns1.elsewhere.net.\nns2.elsewhere.net.");
	fake_add(z, "mail.example.com", "TXT", "\"v=spf1 -all\"");
	fake_add(z, "b.example.com", "NS", "ns.b.example.org.");
	fake_add(z, "x.a.b.example.com", "NS", "ns.deeper.example.org.");
	fake_add(z, "_domainkey.c.example.com", "NS", "ns.dkim.example.org.");
	fake_add(z, "other.example.com", "NS", "ns.other.example.org.");
	domain(&w, "example.com", NULL, "s1", NULL);
	domain(&w, "mail.example.com", NULL, "s1", NULL);
	domain(&w, "a.b.example.com", NULL, NULL);
	domain(&w, "x.a.b.example.com", NULL, NULL);
	domain(&w, "c.example.com", NULL, "s1", NULL);
	domain(&w, "ok.example.com", NULL, "s1", NULL);
	ck_assert_int_eq(read_live(&w), -1);
	ck_assert_uint_eq(w.d.nerrors, 4);
	ck_assert_str_eq(w.d.v[0].msg, "domains.mail.example.com: "
	    "'mail.example.com' is delegated to other name servers "
	    "(ns1.elsewhere.net., ns2.elsewhere.net.) by an NS record set in "
	    "hosted zone 'example.com.', so records written there are never "
	    "queried; manage 'mail.example.com' in the hosted zone those name "
	    "servers serve, or remove the delegation");
	ck_assert_ptr_nonnull(strstr(w.d.v[1].msg, "domains.a.b.example.com: "
	    "'b.example.com' is delegated to other name servers "
	    "(ns.b.example.org.)"));
	ck_assert_ptr_nonnull(strstr(w.d.v[2].msg, "domains.x.a.b.example.com:"
	    " 'b.example.com' is delegated"));
	ck_assert_ptr_nonnull(strstr(w.d.v[3].msg, "domains.c.example.com: "
	    "'_domainkey.c.example.com' is delegated to other name servers "
	    "(ns.dkim.example.org.)"));
	/* One zone of 13 record sets, six domains: one whole listing. */
	ck_assert_uint_eq(w.fake.rrsets, 1);
	world_release(&w);
}
END_TEST

/* The same in a zone read in targeted pages: the names between a domain
 * and the apex cost nothing when they are close. */
START_TEST(test_delegated_targeted)
{
	struct world	 w;
	struct fzone	*z;

	world_init(&w);
	z = fake_zone(&w.fake, "ZEX", "example.com.");
	z->hide_count = 1;
	seed_domain(z, "a.b.example.com", 1);
	fake_add(z, "b.example.com", "NS", "ns.b.example.org.");
	seed_many(z, "host%04zu.example.com", 2000);
	domain(&w, "a.b.example.com", NULL, "s1", NULL);
	ck_assert_int_eq(read_live(&w), -1);
	ck_assert_uint_eq(w.d.nerrors, 1);
	ck_assert_ptr_nonnull(strstr(w.d.v[0].msg, "'b.example.com' is "
	    "delegated"));
	/* b.example.com.'s page holds a.b and its names. */
	ck_assert_uint_eq(w.fake.rrsets, 1);
	world_release(&w);
}
END_TEST

/*
 * A hosted subzone whose parent zone, also in the account, holds no NS
 * set at it, or one naming other servers than the subzone's
 * (GetHostedZone's DelegationSet), is warned about; the plan goes on.
 * One GetHostedZone and one ListResourceRecordSets per subzone.
 */
START_TEST(test_subzone_not_delegated)
{
	/* None, another server, the subzone's own (any case, any dot) */
	static const char *const ns[] = { NULL, "ns.elsewhere.net.",
	    "ns-1.ZSUB.test.\nns-2.zsub.test" };
	size_t	 i;

	for (i = 0; i < 3; i++) {
		struct world	 w;
		struct fzone	*z;

		world_init(&w);
		z = fake_zone(&w.fake, "ZPARENT", "example.com.");
		fake_zone(&w.fake, "ZSUB", "mail.example.com.");
		fake_zone(&w.fake, "ZNET", "example.net.");
		if (ns[i] != NULL)
			fake_add(z, "mail.example.com", "NS", ns[i]);
		domain(&w, "mail.example.com", NULL, "s1", NULL);
		ck_assert_int_eq(read_live(&w), 0);
		ck_assert_str_eq(zone_at(&w, "mail.example.com"), "ZSUB");
		ck_assert_uint_eq(w.d.nerrors, 0);
		ck_assert_uint_eq(w.fake.get_zone, 1);
		/* mail.example.com.'s one page, then the parent's NS */
		ck_assert_uint_eq(w.fake.rrsets, 2);
		if (i == 2) {
			ck_assert_uint_eq(w.d.n, 0);
			world_release(&w);
			continue;
		}
		ck_assert_uint_eq(w.d.nwarnings, 1);
		ck_assert_int_eq(w.d.v[0].level, DIAG_WARNING);
		ck_assert_str_eq(w.d.v[0].msg, i == 0 ?
		    "domains.mail.example.com: hosted zone 'mail.example.com.' "
		    "is not delegated from its parent zone 'example.com.' (no NS "
		    "record set there): receivers see what 'example.com.' holds "
		    "at these names, not these records; set the NS record set at "
		    "'mail.example.com.' in 'example.com.' to the zone's name "
		    "servers (ns-1.zsub.test., ns-2.zsub.test.)" :
		    "domains.mail.example.com: hosted zone 'mail.example.com.' "
		    "is not delegated from its parent zone 'example.com.' (its "
		    "NS record set there names ns.elsewhere.net., not this "
		    "zone's name servers): receivers see what 'example.com.' "
		    "holds at these names, not these records; set the NS record "
		    "set at 'mail.example.com.' in 'example.com.' to the zone's "
		    "name servers (ns-1.zsub.test., ns-2.zsub.test.)");
		world_release(&w);
	}
}
END_TEST

/*
 * Route 53 sorts zones by their escaped names ("\344" as the text it is,
 * before "a"), not by the bytes escapes stand for as record sets are
 * sorted: such a listing is in order, and trusted.
 */
START_TEST(test_escaped_zone_names)
{
	struct world	 w;

	world_init(&w);
	fake_zone(&w.fake, "ZEX", "example.com.");
	fake_zone(&w.fake, "ZESC", "\\344x.example.com.");
	fake_zone(&w.fake, "ZA", "a.example.com.");
	fake_zone(&w.fake, "ZNET", "example.net.");
	domain(&w, "www.example.com", NULL, NULL);
	domain(&w, "m.\\344x.example.com", NULL, NULL);
	domain(&w, "m.a.example.com", NULL, NULL);
	ck_assert_int_eq(read_live(&w), 0);
	ck_assert_str_eq(zone_at(&w, "www.example.com"), "ZEX");
	ck_assert_str_eq(zone_at(&w, "m.\\344x.example.com"), "ZESC");
	ck_assert_str_eq(zone_at(&w, "m.a.example.com"), "ZA");
	/* example.com. holds them all; no account page */
	ck_assert_uint_eq(w.fake.by_name, 1);
	world_release(&w);
}
END_TEST

/*
 * More subzones than a page: a page holds the names from where it starts
 * up to the next page's first zone (NextDNSName), and the first name after
 * that still to be looked up starts a listing of its own; the count
 * depends on the stretches of zones the names fall in, not on the
 * domains.
 */
START_TEST(test_subtree_pages)
{
	size_t	 more, i;

	for (more = 0; more < 2; more++) {
		struct world	 w;
		char		 name[64];

		world_init(&w);
		fake_zone(&w.fake, "ZEX", "example.com.");
		zones_many(&w.fake, "ZS%03zu", "s%03zu.example.com.", 250, 0);
		fake_zone(&w.fake, "ZNET", "example.net.");
		fake_zone(&w.fake, "ZORG", "example.org.");
		domain(&w, "www.example.com", NULL, NULL);
		domain(&w, "x.s000.example.com", NULL, NULL);
		domain(&w, "x.s123.example.com", NULL, NULL);
		domain(&w, "s249.example.com", NULL, NULL);
		domain(&w, "y.s249.example.com", NULL, NULL);
		domain(&w, "y.example.com", NULL, NULL);
		for (i = 0; more && i < 150; i++) {
			snprintf(name, sizeof(name), "m.s%03zu.example.com", i);
			domain(&w, name, NULL, NULL);
		}
		ck_assert_int_eq(read_live(&w), 0);
		/* example.com. (itself and s000..s098, then s099 next);
		 * from s123 (or s099 when m.s099 is a domain: to s198,
		 * past s149); from s249 (s249, example.net., example.org.,
		 * the end: www and y.example.com too). */
		ck_assert_uint_eq(w.fake.by_name, 3);
		ck_assert_str_eq(w.fake.queries[0], "example.com.");
		ck_assert_str_eq(w.fake.queries[1], more ?
		    "s099.example.com." : "s123.example.com.");
		ck_assert_str_eq(w.fake.queries[2], "s249.example.com.");
		for (i = 0; i < 3; i++)
			ck_assert_ptr_null(w.fake.query_ids[i]);
		ck_assert_str_eq(zone_at(&w, "www.example.com"), "ZEX");
		ck_assert_str_eq(zone_at(&w, "y.example.com"), "ZEX");
		ck_assert_str_eq(zone_at(&w, "x.s000.example.com"), "ZS000");
		ck_assert_str_eq(zone_at(&w, "x.s123.example.com"), "ZS123");
		ck_assert_str_eq(zone_at(&w, "s249.example.com"), "ZS249");
		ck_assert_str_eq(zone_at(&w, "y.s249.example.com"), "ZS249");
		if (more)
			ck_assert_str_eq(zone_at(&w, "m.s149.example.com"),
			    "ZS149");
		world_release(&w);
	}
}
END_TEST

/*
 * A fleet of domains each in its own zone, in any order in the config:
 * the zones are looked up in Route 53's order, and each page holds the
 * names up to the next page's first zone, so 300 domains cost the 3 pages
 * of the account's zones, not 300 lookups (the fake holds at most 300
 * zones; make bench measures 1,000).
 */
START_TEST(test_fleet_lookups)
{
	struct world	 w;
	char		 name[64], id[16];
	size_t		 i;

	world_init(&w);
	zones_many(&w.fake, "ZD%04zu", "d%04zu.com.", 300, 0);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "d%04zu.com", i * 7 % 300);
		domain(&w, name, NULL, NULL);
	}
	ck_assert_int_eq(read_live(&w), 0);
	ck_assert_uint_eq(w.fake.by_name, 3);
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "d%04zu.com.", i * 100);
		ck_assert_str_eq(w.fake.queries[i], name);
	}
	ck_assert_uint_eq(w.ls.nzones, 300);
	for (i = 0; i < 300; i += 37) {
		snprintf(name, sizeof(name), "d%04zu.com", i);
		snprintf(id, sizeof(id), "ZD%04zu", i);
		ck_assert_str_eq(zone_at(&w, name), id);
	}
	world_release(&w);
}
END_TEST

/*
 * A page holds the names before the next page's first zone, not that
 * zone's name: two public zones of one name across the end of a page
 * are both seen (an error), though the first is on the page.
 */
START_TEST(test_page_ends_before_next_name)
{
	struct world	 w;

	world_init(&w);
	zones_many(&w.fake, "ZA%02zu", "a%02zu.com.", 99, 0);
	fake_zone(&w.fake, "ZB1", "b.com.");
	fake_zone(&w.fake, "ZB2", "b.com.");
	domain(&w, "a00.com", NULL, NULL);
	domain(&w, "b.com", NULL, NULL);
	ck_assert_int_eq(read_live(&w), -1);
	/* a00.com. (a00..a98 and b.com. ZB1; next: b.com. ZB2), b.com. */
	ck_assert_uint_eq(w.fake.by_name, 2);
	ck_assert_str_eq(w.fake.queries[1], "b.com.");
	ck_assert_uint_eq(w.d.nerrors, 1);
	ck_assert_str_eq(w.d.v[0].msg, "domains.b.com: several public "
	    "hosted zones are named 'b.com.'; set zone: to the id of the one "
	    "to use");
	world_release(&w);
}
END_TEST

/* An API error on a further lookup (z.example.com., past example.com.'s
 * page) fails live_read with Route 53's message. */
START_TEST(test_subtree_page_error)
{
	struct world	 w;

	world_init(&w);
	w.fake.fail_by_name_at = 2;
	fake_zone(&w.fake, "ZEX", "example.com.");
	zones_many(&w.fake, "ZS%03zu", "s%03zu.example.com.", 150, 0);
	domain(&w, "a.example.com", NULL, NULL);
	domain(&w, "z.example.com", NULL, NULL);
	ck_assert_int_eq(read_live(&w), -1);
	ck_assert_str_eq(w.err.msg, "Route 53 ListHostedZonesByName: "
	    "Throttling: Rate exceeded");
	ck_assert_uint_eq(w.fake.rrsets, 0);
	world_release(&w);
}
END_TEST

/*
 * Domains outside every zone are still reported, all of them, and
 * nothing is read; so are several public zones of one name, for the
 * domains whose longest match they are.
 */
START_TEST(test_no_zone_reported)
{
	int	 exact;

	for (exact = 0; exact < 2; exact++) {
		struct world	 w;

		world_init(&w);
		w.fake.exact_only = exact;
		fake_zone(&w.fake, "ZEX", "example.com.");
		fake_zone(&w.fake, "ZDUP1", "dup.example.com.");
		fake_zone(&w.fake, "ZDUP2", "dup.example.com.");
		fake_zone(&w.fake, "ZDEEP", "deep.dup.example.com.");
		domain(&w, "a.example.com", NULL, NULL);
		domain(&w, "mail.other.org", NULL, NULL);
		domain(&w, "b.example.com", NULL, NULL);
		domain(&w, "x.dup.example.com", NULL, NULL);
		domain(&w, "x.deep.dup.example.com", NULL, NULL);
		domain(&w, "x.y.nowhere.net", NULL, NULL);
		ck_assert_int_eq(read_live(&w), -1);
		ck_assert_uint_eq(w.d.nerrors, 3);
		ck_assert_str_eq(w.d.v[0].msg, "domains.mail.other.org: no "
		    "public hosted zone in this account contains "
		    "'mail.other.org'; create one, or set zone: to a hosted "
		    "zone id");
		ck_assert_str_eq(w.d.v[1].msg, "domains.x.dup.example.com: "
		    "several public hosted zones are named "
		    "'dup.example.com.'; set zone: to the id of the one to "
		    "use");
		ck_assert_ptr_nonnull(strstr(w.d.v[2].msg,
		    "domains.x.y.nowhere.net: no public hosted zone"));
		ck_assert_uint_eq(w.fake.rrsets, 0);
		world_release(&w);
	}
}
END_TEST

/*
 * A server that answers a name with the zones of that name alone (moto):
 * the listing from the zone shows nothing below it, which could be
 * Route 53 saying there is nothing after it, so it is not trusted; the
 * account's first page, whole, takes its place.  The subzone still wins.
 */
START_TEST(test_exact_only_server)
{
	struct world	 w;
	char		 name[64];
	size_t		 i;

	world_init(&w);
	w.fake.exact_only = 1;
	fake_zone(&w.fake, "ZEX", "example.com.");
	fake_zone(&w.fake, "ZSUB", "sub.example.com.");
	fake_zone(&w.fake, "ZNET", "example.net.");
	for (i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "d%02zu.example.com", i);
		domain(&w, name, NULL, NULL);
	}
	domain(&w, "x.sub.example.com", NULL, NULL);
	domain(&w, "sub.example.com", NULL, NULL);
	domain(&w, "www.example.net", NULL, NULL);
	ck_assert_int_eq(read_live(&w), 0);
	ck_assert_str_eq(zone_at(&w, "d29.example.com"), "ZEX");
	ck_assert_str_eq(zone_at(&w, "x.sub.example.com"), "ZSUB");
	ck_assert_str_eq(zone_at(&w, "sub.example.com"), "ZSUB");
	ck_assert_str_eq(zone_at(&w, "www.example.net"), "ZNET");
	/* example.com. (the zone of that name alone), the account's first
	 * page */
	ck_assert_uint_eq(w.fake.by_name, 2);
	ck_assert_str_eq(w.fake.queries[1], "");
	world_release(&w);
}
END_TEST

/*
 * A server listing zones in another order (the reversed name without
 * its trailing dot: example-a.com. between example.com. and its
 * subzones) is noticed.  The account's first page takes its place when
 * it holds every zone; when it does not (a big account), each name is
 * looked up on its own.  Either way the subzone wins.
 */
START_TEST(test_other_zone_order)
{
	size_t	 big;

	for (big = 2; big-- > 0; ) {
		struct world	 w;

		world_init(&w);
		w.fake.zone_order = fake_moto_order;
		fake_zone(&w.fake, "ZEX", "example.com.");
		fake_zone(&w.fake, "ZEXA", "example-a.com.");
		fake_zone(&w.fake, "ZA", "a.example.com.");
		/* big: more zones than a page between example.com. and
		 * a.example.com., so a.example.com. is not on its page. */
		if (big)
			zones_many(&w.fake, "ZG%03zu", "example-%03zu.com.",
			    120, 0);
		domain(&w, "www.example.com", NULL, NULL);
		domain(&w, "x.a.example.com", NULL, NULL);
		domain(&w, "y.example.com", NULL, NULL);
		ck_assert_int_eq(read_live(&w), 0);
		ck_assert_str_eq(zone_at(&w, "www.example.com"), "ZEX");
		ck_assert_str_eq(zone_at(&w, "x.a.example.com"), "ZA");
		ck_assert_str_eq(zone_at(&w, "y.example.com"), "ZEX");
		/* example.com., the account's first page; big: then
		 * a.example.com., x.a.example.com., www.example.com. and
		 * y.example.com. (example.com. is known). */
		ck_assert_msg(w.fake.by_name == (big ? 6 : 2),
		    "big %zu: %zu lookups", big, w.fake.by_name);
		ck_assert_str_eq(w.fake.queries[1], "");
		world_release(&w);
	}
}
END_TEST

/*
 * More zones of one name than a page holds: the pages are followed while
 * the name lasts, and the public zone after the private ones is found.
 * A server that does not go on from the zone id given is stopped.
 */
START_TEST(test_zones_of_one_name_paged)
{
	size_t	 stuck;

	for (stuck = 0; stuck < 2; stuck++) {
		struct world	 w;

		world_init(&w);
		w.fake.stuck = stuck;
		zones_many(&w.fake, "ZP%03zu", "example.com.", 150, 1);
		fake_zone(&w.fake, "ZZPUB", "example.com.");
		domain(&w, "example.com", NULL, NULL);
		if (stuck) {
			ck_assert_int_eq(read_live(&w), -1);
			ck_assert_str_eq(w.err.msg, "Route 53 "
			    "ListHostedZonesByName: the listing from "
			    "'example.com.' does not advance");
			ck_assert_uint_eq(w.fake.by_name, 2);
		} else {
			ck_assert_int_eq(read_live(&w), 0);
			ck_assert_uint_eq(w.fake.by_name, 2);
			ck_assert_str_eq(w.fake.query_ids[1], "ZP099");
			ck_assert_str_eq(zone_at(&w, "example.com"), "ZZPUB");
		}
		world_release(&w);
	}
}
END_TEST

/* r53_zones_page(): from the account's first zone, from a name and a
 * zone id (its prefix dropped), and an id without a name refused. */
START_TEST(test_zones_page_call)
{
	struct world	 w;
	struct r53_zone	*z;
	char		*next;
	size_t		 n;
	int		 truncated;

	world_init(&w);
	fake_zone(&w.fake, "ZB", "b.example.com.");
	fake_zone(&w.fake, "ZA", "a.example.com.");
	fake_zone(&w.fake, "ZC", "example.net.");
	ck_assert_int_eq(r53_zones_page(&w.client, NULL, NULL, 2, &z, &n,
	    &truncated, &next, &w.err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(truncated, 1);
	ck_assert_str_eq(next, "example.net.");
	free(next);
	ck_assert_str_eq(z[0].id, "ZA");
	ck_assert_str_eq(z[1].name, "b.example.com.");
	ck_assert_str_eq(w.fake.queries[0], "");
	r53_zones_release(z, n);
	free(z);
	ck_assert_int_eq(r53_zones_page(&w.client, "B.example.com",
	    "/hostedzone/ZB", 0, &z, &n, &truncated, &next, &w.err), 0);
	ck_assert_ptr_null(next);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(truncated, 0);
	ck_assert_str_eq(z[1].id, "ZC");
	ck_assert_str_eq(w.fake.queries[1], "b.example.com.");
	ck_assert_str_eq(w.fake.query_ids[1], "ZB");
	r53_zones_release(z, n);
	free(z);
	ck_assert_int_eq(r53_zones_page(&w.client, NULL, "ZB", 0, &z, &n,
	    &truncated, NULL, &w.err), -1);
	ck_assert_str_eq(w.err.msg, "Route 53 ListHostedZonesByName: a "
	    "hosted zone id needs a DNS name");
	ck_assert_int_eq(r53_zones_page(&w.client, "example.com", "Z/../x",
	    0, &z, &n, &truncated, NULL, &w.err), -1);
	ck_assert_ptr_nonnull(strstr(w.err.msg, "not a hosted zone id"));
	ck_assert_uint_eq(w.fake.by_name, 2);
	world_release(&w);
}
END_TEST

/* A server listing in another order (moto's) is noticed, and each name is
 * then read on its own: the result is still exact. */
START_TEST(test_other_order_falls_back)
{
	struct world	 w;
	struct fzone	*z;

	world_init(&w);
	w.fake.order = fake_moto_order;
	z = fake_zone(&w.fake, "ZBIG", "example.com.");
	seed_domain(z, "example.com", 1);
	fake_add(z, "s1-old._domainkey.example.com", "TXT", "\"v=DKIM1; p=\"");
	seed_many(z, "host%04zu.example.com", 1000);
	domain(&w, "example.com", NULL, "s1", "s1-old", NULL);
	ck_assert_int_eq(read_live(&w), 0);
	ck_assert_uint_eq(w.ls.lives[3].nsets, 1);
	/* The page from the apex, then the five names (_domainkey
	 * included) one by one. */
	ck_assert_uint_eq(w.fake.rrsets, 6);
	assert_same_as_rrsets_at(&w);
	world_release(&w);
}
END_TEST

/* An API error while reading fails live_read with Route 53's message. */
START_TEST(test_page_error)
{
	struct world	 w;
	struct fzone	*z;

	world_init(&w);
	w.fake.fail_rrsets_at = 2;
	z = fake_zone(&w.fake, "ZBIG", "example.com.");
	seed_domain(z, "example.com", 1);
	seed_many(z, "1h%04zu.example.com", 500);
	domain(&w, "example.com", NULL, NULL);
	ck_assert_int_eq(read_live(&w), -1);
	ck_assert_str_eq(w.err.msg, "Route 53 ListResourceRecordSets: "
	    "Throttling: Rate exceeded");
	ck_assert_str_eq(w.err.aws_code, "Throttling");
	world_release(&w);
}
END_TEST

/*
 * Random zones and configs, read both ways: every live is exactly what
 * r53_rrsets_at() gives, and the targeted reads never take more requests
 * than the managed names plus the extra pages of crowded names.
 */
START_TEST(test_random_zones)
{
	static const char *const labels[] = { "a", "a-b", "_dmarc", "0",
	    "_domainkey", "s1", "s1-x", "z", "\\052", "b" };
	static const char *const types[] = { "A", "TXT", "MX", "CNAME" };
	size_t	 round, i, nl = sizeof(labels) / sizeof(labels[0]);

	rng_state = 7;
	for (round = 0; round < 60; round++) {
		struct world	 w;
		struct fzone	*z;
		struct fset	*s;
		char		 name[256];
		size_t		 nsets = 1 + rng() % 800, ndom, nnames, full;

		world_init(&w);
		z = fake_zone(&w.fake, "ZRAND", "example.com.");
		z->hide_count = round % 2;	/* odd: targeted */
		for (i = 0; i < nsets; i++) {
			size_t	 depth = rng() % 4, j;

			name[0] = '\0';
			for (j = 0; j < depth; j++) {
				strcat(name, labels[rng() % nl]);
				strcat(name, ".");
			}
			strcat(name, "example.com.");
			s = fake_add(z, name, types[rng() % 4], "\"x\"");
			/* Route 53 holds one set of a name and type, unless
			 * each has an identifier (a routing policy). */
			if (rng() % 8 == 0 || duplicate(z)) {
				snprintf(name, sizeof(name), "id%zu", i);
				s->ident = xstrdup(name);
			}
		}
		ndom = 1 + rng() % 3;
		for (i = 0; i < ndom; i++) {
			const char	*d[] = { "example.com", "a.example.com",
					    "a-b.example.com", "_dmarc.example.com" };

			domain(&w, d[i], NULL, labels[rng() % nl],
			    labels[rng() % nl], NULL);
		}
		ck_assert_int_eq(read_live(&w), 0);
		assert_same_as_rrsets_at(&w);
		nnames = w.nwant;
		full = (nsets + 299) / 300;
		if (!z->hide_count && full <= ndom)
			ck_assert_uint_eq(w.fake.rrsets, full);
		else
			ck_assert_uint_le(w.fake.rrsets, nnames +
			    nsets / PAGE_SLACK);
		world_release(&w);
	}
}
END_TEST

Suite *
live_suite(void)
{
	Suite	*s = suite_create("live");
	TCase	*tc = tcase_create("live");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cmp_table);
	tcase_add_test(tc, test_zone_ref);
	tcase_add_test(tc, test_cmp_matches_aws_description);
	tcase_add_test(tc, test_one_page_per_domain);
	tcase_add_test(tc, test_restart_at_next_name);
	tcase_add_test(tc, test_follow_pages_of_one_name);
	tcase_add_test(tc, test_full_listing_when_cheaper);
	tcase_add_test(tc, test_full_listing_threshold);
	tcase_add_test(tc, test_zone_lookup_shared);
	tcase_add_test(tc, test_missing_zone_id_once);
	tcase_add_test(tc, test_lookups_constant_per_zone);
	tcase_add_test(tc, test_subzone_wins);
	tcase_add_test(tc, test_private_subzone_loses);
	tcase_add_test(tc, test_private_zone_refused);
	tcase_add_test(tc, test_delegated_refused);
	tcase_add_test(tc, test_delegated_targeted);
	tcase_add_test(tc, test_subzone_not_delegated);
	tcase_add_test(tc, test_escaped_zone_names);
	tcase_add_test(tc, test_subtree_pages);
	tcase_add_test(tc, test_subtree_page_error);
	tcase_add_test(tc, test_fleet_lookups);
	tcase_add_test(tc, test_page_ends_before_next_name);
	tcase_add_test(tc, test_no_zone_reported);
	tcase_add_test(tc, test_exact_only_server);
	tcase_add_test(tc, test_other_zone_order);
	tcase_add_test(tc, test_zones_of_one_name_paged);
	tcase_add_test(tc, test_zones_page_call);
	tcase_add_test(tc, test_other_order_falls_back);
	tcase_add_test(tc, test_page_error);
	tcase_add_test(tc, test_random_zones);
	suite_add_tcase(s, tc);
	return s;
}

