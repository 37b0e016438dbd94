/*
 * config.c - mailauth.yaml -> struct cfg: the root keys, the domains and
 * their zones, the entry points and the release.  The other files of
 * src/config/ (internal.h lists them) read the YAML and check the rest.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/tlsrpt.h"
#include "mailauth/zoneref.h"
#include "internal.h"

#define TTL_MIN		60
#define TTL_MAX		172800
#define NAME_MAX_TEXT	253	/* a DNS name, no final dot */
#define SES_TOKEN_LEN	32	/* an Easy DKIM token */

static const char *const root_keys[] = {
	"version", "defaults", "accounts", "domains"
};
static const char *const defaults_keys[] = { "ttl" };
static const char *const domain_keys[] = {
	"zone", "account", "ttl", "spf", "dkim", "dmarc", "ses",
	"parked", "tls_rpt", "mta_sts", "bimi"
};

enum { R_VERSION, R_DEFAULTS, R_ACCOUNTS, R_DOMAINS };
enum {
	D_ZONE, D_ACCOUNT, D_TTL, D_SPF, D_DKIM, D_DMARC, D_SES,
	D_PARKED, D_TLS_RPT, D_MTA_STS, D_BIMI
};

/* 1 for a domain key that publishes records; zone, account and ttl only
 * say where and how, and parked publishes a fixed set of its own. */
static int
publishes(size_t i)
{
	return i != D_ZONE && i != D_ACCOUNT && i != D_TTL && i != D_PARKED;
}

static void
load_zone(struct ctx *c, struct cfg_domain *dom, const struct node *n,
    const char *path, int name_ok)
{
	const char	*s;
	struct zone_ref	 ref;
	struct err	 err;
	char		*zone, *ascii, *shown, *dshown;
	size_t		 dl, zl;

	if ((s = cfg_get_str(c, n, path)) == NULL)
		return;
	/* An id is kept bare, the way Route 53's URLs and ARNs take it. */
	zone_ref_parse(s, &ref);
	if (ref.kind == ZONE_REF_ID) {
		dom->zone = xstrdup(ref.value);
		return;
	}
	if ((ascii = cfg_name_ascii(c, n, path, s)) == NULL)
		return;
	err_clear(&err);
	if (dns_hostname_check(ascii, &err) == -1) {
		cfg_error_at(c, n, path, "%s; expected a zone name or a hosted "
		    "zone id (1 to 32 capital letters or digits, "
		    "optionally after /hostedzone/)",
		    err.msg);
		free(ascii);
		return;
	}
	zone = cfg_name_norm(ascii);
	dl = strlen(dom->name);
	zl = strlen(zone);
	if (name_ok && !(strcmp(dom->name, zone) == 0 || (dl > zl &&
	    strcmp(dom->name + dl - zl, zone) == 0 &&
	    dom->name[dl - zl - 1] == '.'))) {
		shown = cfg_name_shown(s, zone);
		dshown = dns_name_both(dom->name);
		cfg_error_at(c, n, path, "'%s' does not contain '%s'; the zone "
		    "must be the domain or a parent of it", shown, dshown);
		free(dshown);
		free(shown);
		free(zone);
		zone = NULL;
	}
	free(ascii);
	dom->zone = zone;
}

/*
 * The key path of the domain written as key, whose A-label form is ascii
 * (NULL: not valid IDNA): as written when it is ASCII, else in A-labels,
 * the name the records get, or in printable ASCII when it has none.
 */
static char *
domain_path(const char *key, const char *ascii)
{
	char	*s, *p;

	if (ascii == NULL) {
		s = cfg_printable(key);
		p = cfg_join("domains", s);
		free(s);
		return p;
	}
	return cfg_join_name("domains", key, ascii);
}

/*
 * Checks that every name the domain's records get fits in DNS: _dmarc.D
 * (at the dmarc key) and the Easy DKIM names TOKEN._domainkey.D of an SES
 * identity of the domain (at the ses key; SES tokens are 32 characters).
 * The DKIM selectors check their own names, the MAIL FROM name is checked
 * as a host name.
 */
static void
check_lengths(struct ctx *c, const struct cfg_domain *dom,
    const struct node *dmarc, const struct node *ses, const char *path)
{
	struct err	 err;
	size_t		 n;
	char		*name, *p;

	if (dmarc != NULL) {
		name = xasprintf("_dmarc.%s", dom->name);
		err_clear(&err);
		if (dns_name_length_check(name, &err) == -1) {
			p = cfg_join(path, "dmarc");
			cfg_error_at(c, dmarc, p, "the DMARC record's name %s",
			    err.msg);
			free(p);
		}
		free(name);
	}
	n = SES_TOKEN_LEN + strlen("._domainkey.") + strlen(dom->name);
	if (ses != NULL && n > NAME_MAX_TEXT) {
		p = cfg_join(path, "ses");
		cfg_error_at(c, ses, p, "the Easy DKIM records' names "
		    "TOKEN._domainkey.%s (a token is %d characters) would be "
		    "%zu characters long; a DNS name holds at most %d",
		    dom->name, SES_TOKEN_LEN, n, NAME_MAX_TEXT);
		free(p);
	}
}

/* "nothing to manage" at key: the keys that publish records, from the
 * table, so that a new one is named as soon as it exists. */
static void
nothing_to_manage(struct ctx *c, const struct node *key, const char *path)
{
	struct buf	 keys = BUF_INIT;
	size_t		 i;

	for (i = 0; i < nitems(domain_keys); i++)
		if (publishes(i))
			buf_addf(&keys, "%s, ", domain_keys[i]);
	cfg_error_at(c, key, path, "nothing to manage: add one of %s"
	    "or \"parked: true\"", buf_str(&keys));
	buf_release(&keys);
}

/* An error at key (below path) when prefix + the domain is too long for
 * DNS: what names the record that key makes. */
static void
name_fits(struct ctx *c, const struct cfg_domain *dom, const char *prefix,
    const struct node *key, const char *path, const char *what)
{
	struct err	 err;
	char		*name = xasprintf("%s%s", prefix, dom->name), *p;

	err_clear(&err);
	if (dns_name_length_check(name, &err) == -1) {
		p = cfg_join(path, key->str);
		cfg_error_at(c, key, p, "%s %s", what, err.msg);
		free(p);
	}
	free(name);
}

/*
 * parked: true (already in dom->parked) and what goes with it: a parked
 * domain publishes its own records, so a key that publishes others is an
 * error at that key; its names must fit in DNS.
 */
static void
load_parked(struct ctx *c, const struct cfg_domain *dom,
    const struct node *const *k, const char *path)
{
	size_t	 i;
	char	*p;

	for (i = 0; i < nitems(domain_keys); i++) {
		if (k[i] == NULL || !publishes(i))
			continue;
		p = cfg_join(path, domain_keys[i]);
		cfg_error_at(c, k[i], p, "cannot be combined with \"parked: "
		    "true\", which publishes the records of a domain that "
		    "sends and receives no mail; remove one of them");
		free(p);
	}
	name_fits(c, dom, "*._domainkey.", k[D_PARKED], path, "the revoked "
	    "DKIM wildcard's name");
}

/* Returns 1 when the domain name is valid (for the duplicate check). */
static int
load_domain(struct ctx *c, struct cfg *cfg, const struct node *key,
    const struct node *n)
{
	const struct node	*k[nitems(domain_keys)];
	const struct node	*v[nitems(domain_keys)];
	struct cfg_domain	*dom;
	struct err		 err;
	long			 l;
	size_t			 i;
	int			 name_ok = 1, records = 0;
	char			*path, *p, *ascii;

	err_clear(&err);
	ascii = dns_name_to_ascii(key->str, &err);
	path = domain_path(key->str, ascii);
	dom = xappend(&cfg->domains, &cfg->ndomains, sizeof(*dom));
	dom->ttl = cfg->default_ttl;
	dom->pos = cfg_pos_of(key);
	dom->dmarc.spec.testing = -1;
	dom->dmarc.spec.pct = -1;
	dom->dmarc.spec.ri = -1;
	if (ascii == NULL) {
		cfg_error_at(c, key, path, "%s", err.msg);
		p = cfg_printable(key->str);
		dom->name = cfg_name_norm(p);
		free(p);
		name_ok = 0;
	} else {
		dom->name = cfg_name_norm(ascii);
		if (dns_hostname_check(ascii, &err) == -1) {
			cfg_error_at(c, key, path, "%s", err.msg);
			name_ok = 0;
		}
		free(ascii);
	}
	if (cfg_is_null(n)) {
		nothing_to_manage(c, key, path);
		goto out;
	}
	if (cfg_map_fields(c, n, path, domain_keys, nitems(domain_keys), k,
	    v) == -1)
		goto out;
	if (v[D_ZONE] != NULL) {
		p = cfg_join(path, "zone");
		load_zone(c, dom, v[D_ZONE], p, name_ok);
		free(p);
	}
	if (v[D_ACCOUNT] != NULL) {
		p = cfg_join(path, "account");
		cfg_load_account_ref(c, cfg, dom, v[D_ACCOUNT], p);
		free(p);
	}
	if (v[D_TTL] != NULL) {
		p = cfg_join(path, "ttl");
		if (cfg_get_int(c, v[D_TTL], p, TTL_MIN, TTL_MAX, &l) == 0)
			dom->ttl = l;
		free(p);
	}
	if (v[D_SPF] != NULL) {
		p = cfg_join(path, "spf");
		cfg_load_spf(c, &dom->spf, k[D_SPF], v[D_SPF], p);
		free(p);
	}
	if (v[D_DKIM] != NULL) {
		p = cfg_join(path, "dkim");
		cfg_load_dkim(c, dom, v[D_DKIM], p);
		free(p);
	}
	if (v[D_DMARC] != NULL) {
		p = cfg_join(path, "dmarc");
		cfg_load_dmarc(c, &dom->dmarc, k[D_DMARC], v[D_DMARC], p);
		free(p);
	}
	if (v[D_SES] != NULL) {
		p = cfg_join(path, "ses");
		cfg_load_ses(c, dom, k[D_SES], v[D_SES], p);
		free(p);
	}
	if (v[D_TLS_RPT] != NULL) {
		p = cfg_join(path, "tls_rpt");
		cfg_load_tls_rpt(c, &dom->tls_rpt, k[D_TLS_RPT], v[D_TLS_RPT],
		    p);
		free(p);
		if (name_ok)
			name_fits(c, dom, TLSRPT_NAME_PREFIX, k[D_TLS_RPT],
			    path, "the TLS-RPT record's name");
	}
	if (v[D_MTA_STS] != NULL) {
		p = cfg_join(path, "mta_sts");
		cfg_load_mta_sts(c, dom, k[D_MTA_STS], v[D_MTA_STS], p);
		free(p);
		if (name_ok)
			name_fits(c, dom, "_mta-sts.", k[D_MTA_STS], path,
			    "the MTA-STS record's name");
	}
	if (v[D_BIMI] != NULL) {
		p = cfg_join(path, "bimi");
		cfg_load_bimi(c, dom, k[D_BIMI], v[D_BIMI], p);
		free(p);
		if (name_ok)
			name_fits(c, dom, "default._bimi.", k[D_BIMI], path,
			    "the BIMI record's name");
	}
	if (v[D_PARKED] != NULL) {
		p = cfg_join(path, "parked");
		dom->parked_pos = cfg_pos_of(k[D_PARKED]);
		if (cfg_get_bool(c, v[D_PARKED], p, &dom->parked) == 0 &&
		    dom->parked && name_ok)
			load_parked(c, dom, k, path);
		free(p);
	}
	for (i = 0; i < nitems(domain_keys); i++)
		records |= v[i] != NULL && publishes(i);
	if (!records && !dom->parked)
		nothing_to_manage(c, key, path);
	if (name_ok)
		check_lengths(c, dom, k[D_DMARC], k[D_SES], path);
out:
	free(path);
	return name_ok;
}

static void
load_version(struct ctx *c, const struct node *n, struct cfg *cfg)
{
	size_t	 i;

	if (n->type == NODE_ALIAS)
		return;
	if (n->type == NODE_SCALAR && n->plain && strcmp(n->str, "1") == 0) {
		cfg->version = 1;
		return;
	}
	for (i = 0; n->type == NODE_SCALAR && n->plain && i < n->len; i++)
		if (!isdigit((unsigned char)n->str[i]))
			break;
	if (n->type == NODE_SCALAR && n->plain && n->len > 0 && i == n->len)
		cfg_error_at(c, n, "version", "unsupported version %s; this "
		    "mailauth reads version 1", n->str);
	else
		cfg_expect(c, n, "version", "1", 1);
}

static void
load_root(struct ctx *c, const struct node *root, struct cfg *cfg)
{
	const struct node	*k[nitems(root_keys)], *v[nitems(root_keys)];
	const struct node	*dk[nitems(defaults_keys)];
	const struct node	*dv[nitems(defaults_keys)];
	const struct node	*doms;
	struct named		*names = NULL, *nm;
	size_t			 i, nnames = 0;
	long			 l;

	if (cfg_is_null(root)) {
		cfg_report(c, DIAG_ERROR, 0, 0, NULL, "the file is empty; %s",
		    c->empty_hint);
		return;
	}
	if (cfg_map_fields(c, root, "", root_keys, nitems(root_keys), k,
	    v) == -1)
		return;
	if (v[R_VERSION] == NULL)
		cfg_missing(c, root, "", "version", "add \"version: 1\"");
	else
		load_version(c, v[R_VERSION], cfg);
	/* Before the domains, which inherit the default. */
	if (v[R_DEFAULTS] != NULL && cfg_map_fields(c, v[R_DEFAULTS],
	    "defaults", defaults_keys, nitems(defaults_keys), dk, dv) == 0 &&
	    dv[0] != NULL && cfg_get_int(c, dv[0], "defaults.ttl", TTL_MIN,
	    TTL_MAX, &l) == 0)
		cfg->default_ttl = l;
	/* Before the domains, which name them. */
	if (v[R_ACCOUNTS] != NULL)
		cfg_load_accounts(c, cfg, v[R_ACCOUNTS]);
	if ((doms = v[R_DOMAINS]) == NULL) {
		cfg_missing(c, root, "", "domains", "list the mail domains to "
		    "manage under it");
		return;
	}
	if (doms->type == NODE_ALIAS)
		return;
	if (doms->type != NODE_MAP) {
		cfg_expect(c, doms, "domains", "a mapping of domain names", 0);
		return;
	}
	if (doms->nkids == 0) {
		cfg_error_at(c, doms, "domains",
		    "expected at least one domain");
		return;
	}
	for (i = 0; i + 1 < doms->nkids; i += 2) {
		if (!cfg_key_ok(c, doms->kids[i], "domains") ||
		    !load_domain(c, cfg, doms->kids[i], doms->kids[i + 1]))
			continue;
		nm = xappend(&names, &nnames, sizeof(*names));
		nm->key = doms->kids[i];
		nm->name = cfg->domains[cfg->ndomains - 1].name;
	}
	cfg_report_dups(c, names, nnames, "domains", "domain");
	free(names);
}

int
cfg_load_string_with(struct cfg *cfg, const char *path, const char *text,
    size_t len, const struct cfg_load_opts *opts, struct diags *d)
{
	struct ctx	 c;
	struct cfg	 out;
	struct node	*root = NULL;
	size_t		 i, j;
	int		 rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	memset(&c, 0, sizeof(c));
	memset(&out, 0, sizeof(out));
	c.file = path;
	c.text = text;
	c.len = len;
	c.opts = opts;
	c.empty_hint = "it needs at least \"version: 1\" and \"domains:\"";
	out.path = path != NULL ? xstrdup(path) : NULL;
	out.default_ttl = CFG_DEFAULT_TTL;
	if (len > CFG_MAX_SIZE) {
		cfg_report(&c, DIAG_ERROR, 0, 0, NULL, "larger than 1 MiB, the "
		    "limit for a configuration file");
		goto out;
	}
	root = cfg_read_tree(&c);
	if (root != NULL) {
		load_root(&c, root, &out);
		if (c.d.nerrors == 0)
			rc = 0;
	}
out:
	cfg_flush(&c, d);
	/* Each template's own diagnostics, after the config's. */
	for (i = 0; i < c.ntmpls; i++)
		for (j = 0; j < c.tmpls[i].d.n; j++) {
			const struct diag	*g = &c.tmpls[i].d.v[j];

			diags_add(d, g->level, g->file, g->line, g->col, "%s",
			    g->msg);
		}
	for (i = 0; i < c.ntmpls; i++)
		diags_count_dropped(d, &c.tmpls[i].d);
	cfg_tmpls_release(&c);
	cfg_node_free(root);
	if (rc == 0)
		*cfg = out;
	else
		cfg_release(&out);
	return rc;
}

int
cfg_load_string(struct cfg *cfg, const char *path, const char *text,
    size_t len, struct diags *d)
{
	return cfg_load_string_with(cfg, path, text, len, NULL, d);
}

int
cfg_load_with(struct cfg *cfg, const char *path,
    const struct cfg_load_opts *opts, struct diags *d)
{
	struct buf	 text = BUF_INIT;
	int		 rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	if (cfg_read_file(path, &text, d) == 0)
		rc = cfg_load_string_with(cfg, path, buf_str(&text), text.len,
		    opts, d);
	buf_release(&text);
	return rc;
}

int
cfg_load(struct cfg *cfg, const char *path, struct diags *d)
{
	return cfg_load_with(cfg, path, NULL, d);
}

static void
domain_release(struct cfg_domain *dom)
{
	size_t	 j;

	free(dom->name);
	free(dom->account);
	free(dom->zone);
	cfg_strlist_release(&dom->spf.spec.include,
	    &dom->spf.spec.ninclude);
	cfg_strlist_release(&dom->spf.spec.ip4, &dom->spf.spec.nip4);
	cfg_strlist_release(&dom->spf.spec.ip6, &dom->spf.spec.nip6);
	for (j = 0; j < dom->ndkim; j++) {
		free(dom->dkim[j].selector);
		free(dom->dkim[j].value);
	}
	free(dom->dkim);
	cfg_strlist_release(&dom->dmarc.spec.rua,
	    &dom->dmarc.spec.nrua);
	cfg_strlist_release(&dom->dmarc.spec.ruf,
	    &dom->dmarc.spec.nruf);
	cfg_strlist_release(&dom->dmarc.spec.fo, &dom->dmarc.spec.nfo);
	free(dom->dmarc.rollout.stages);
	free(dom->dmarc.rollout.template);
	free(dom->dmarc.rollout.template_path);
	free(dom->ses.region);
	free(dom->ses.identity);
	free(dom->ses.mail_from);
	cfg_strlist_release(&dom->tls_rpt.rua, &dom->tls_rpt.nrua);
	cfg_strlist_release(&dom->mta_sts.spec.mx, &dom->mta_sts.spec.nmx);
	free(dom->bimi.logo);
	free(dom->bimi.authority);
}

void
cfg_domains_keep(struct cfg *cfg, const unsigned char *keep)
{
	size_t	 i, n = 0;

	for (i = 0; i < cfg->ndomains; i++)
		if (keep[i])
			cfg->domains[n++] = cfg->domains[i];
		else
			domain_release(&cfg->domains[i]);
	cfg->ndomains = n;
}

void
cfg_release(struct cfg *cfg)
{
	size_t	 i;

	for (i = 0; i < cfg->ndomains; i++)
		domain_release(&cfg->domains[i]);
	free(cfg->domains);
	cfg_accounts_release(cfg);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}
