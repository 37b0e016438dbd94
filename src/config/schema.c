/*
 * schema.c - the spf, dkim, dmarc, ses, tls_rpt, mta_sts and bimi keys of a
 * domain (schema version 1, docs/configuration.md), with the checks of the
 * values they hold: addresses, report URIs, selectors, public keys,
 * regions, MX patterns, BIMI URLs.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/bimi.h"
#include "mailauth/buf.h"
#include "mailauth/date.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/tlsrpt.h"
#include "internal.h"

#define RI_MAX		2147483647L

static const char *const spf_keys[] = {
	"include", "ip4", "ip6", "a", "mx", "all"
};
static const char *const spf_all_names[] = { "fail", "softfail", "neutral" };
static const char *const dkim_keys[] = {
	"public_key_file", "public_key", "cname", "state", "from", "retire"
};
/* In the order of enum dkim_state. */
static const char *const dkim_states[] = { "absent", "present" };
static const char *const ses_keys[] = {
	"region", "identity", "mail_from", "prune_stale_tokens"
};
static const char *const dmarc_keys[] = {
	"policy", "subdomain_policy", "nonexistent_subdomain_policy",
	"testing", "pct", "rua", "ruf", "adkim", "aspf", "fo", "ri", "rollout",
	"gate"
};
/* In the order of enum dmarc_align, after UNSET. */
static const char *const align_names[] = { "relaxed", "strict" };
static const char *const fo_names[] = { "0", "1", "d", "s" };

enum { E_REGION, E_IDENTITY, E_MAIL_FROM, E_PRUNE };
enum { S_INCLUDE, S_IP4, S_IP6, S_A, S_MX, S_ALL };
enum { K_FILE, K_KEY, K_CNAME, K_STATE, K_FROM, K_RETIRE };
enum dkim_state { STATE_ABSENT, STATE_PRESENT };
enum {
	M_POLICY, M_SP, M_NP, M_TESTING, M_PCT, M_RUA, M_RUF, M_ADKIM,
	M_ASPF, M_FO, M_RI, M_ROLLOUT, M_GATE
};

/* An address of family af, or a network "address/prefix". */
static int
check_ip(const char *s, int af, struct err *err)
{
	unsigned char	 addr[16];
	char		 host[64];
	const char	*slash = strchr(s, '/'), *p;
	const char	*fam = af == AF_INET ? "IPv4" : "IPv6";
	const char	*eg = af == AF_INET ? "192.0.2.0/24" : "2001:db8::/32";
	size_t		 n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	int		 max = af == AF_INET ? 32 : 128, bits = 0;

	if (n >= sizeof(host))
		n = sizeof(host) - 1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(af, host, addr) != 1)
		return err_set(err, "'%s' is not an %s address or network "
		    "(e.g. %s)", s, fam, eg);
	if (slash == NULL)
		return 0;
	p = slash + 1;
	if (*p == '\0' || strlen(p) > 3)
		return err_set(err, "'%s': the prefix length must be 0 to %d",
		    s, max);
	for (; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return err_set(err, "'%s': the prefix length must be "
			    "0 to %d", s, max);
		bits = bits * 10 + (*p - '0');
	}
	if (bits > max)
		return err_set(err, "'%s': the prefix length must be 0 to %d",
		    s, max);
	return 0;
}

static int
check_ip4(const char *s, struct err *err)
{
	return check_ip(s, AF_INET, err);
}

static int
check_ip6(const char *s, struct err *err)
{
	return check_ip(s, AF_INET6, err);
}

/*
 * A DMARC report URI: mailto:ADDRESS with an '@' and a valid domain, and
 * optionally the size limit "!<digits>[kmgt]" of RFC 7489 7.1.  ',' and ';'
 * would split the tag, white space would be dropped by receivers.
 */
static int
check_uri(const char *s, struct err *err)
{
	const char	*p, *bang, *at, *addr;
	char		*domain;
	struct err	 e;
	int		 rc;

	if (strncasecmp(s, "mailto:", strlen("mailto:")) != 0)
		return err_set(err, "'%s' is not a mailto: URI; reports go to "
		    "addresses written mailto:user@example.com", s);
	addr = s + strlen("mailto:");
	for (p = s; *p != '\0'; p++) {
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return err_set(err, "'%s' contains white space or a "
			    "control character", s);
		if (*p == ',')
			return err_set(err, "'%s' contains ',', which "
			    "separates URIs in the record; give each address "
			    "as its own list item", s);
		if (*p == ';')
			return err_set(err, "'%s' contains ';', which would "
			    "end the DMARC tag", s);
	}
	if ((bang = strchr(addr, '!')) != NULL) {
		p = bang + 1;
		if (!isdigit((unsigned char)*p))
			goto badbang;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p != '\0' && strchr("kmgtKMGT", *p) != NULL)
			p++;
		if (*p != '\0')
			goto badbang;
	} else
		bang = addr + strlen(addr);
	at = NULL;
	for (p = addr; p < bang; p++)
		if (*p == '@')
			at = p;
	if (at == NULL || at == addr || at + 1 == bang)
		return err_set(err, "'%s' has no address; expected "
		    "mailto:user@example.com", s);
	domain = xstrndup(at + 1, (size_t)(bang - at - 1));
	rc = dns_hostname_check(domain, &e);
	free(domain);
	if (rc == -1) {
		/* s has no white space or control characters by now: only a
		 * byte outside ASCII changes when made printable. */
		domain = cfg_printable(s);
		err_set(err, "'%s': %s", domain, e.msg);
		free(domain);
		return -1;
	}
	return 0;
badbang:
	return err_set(err, "'%s': '!' may only introduce a size limit at "
	    "the end, such as '!10m'", s);
}

/* A host name that may be written in Unicode: valid IDNA, and a host name
 * in A-labels (an ASCII name is checked as it is). */
static int
check_host(const char *s, struct err *err)
{
	char	*ascii;
	int	 rc;

	if ((ascii = dns_name_to_ascii(s, err)) == NULL)
		return -1;
	rc = dns_hostname_check(ascii, err);
	free(ascii);
	return rc;
}

/* Puts the n names of v, which check_host() passed, in A-labels. */
static void
names_to_ascii(char **v, size_t n)
{
	size_t	 i;
	char	*ascii;

	for (i = 0; i < n; i++)
		if ((ascii = dns_name_to_ascii(v[i], NULL)) != NULL) {
			free(v[i]);
			v[i] = ascii;
		}
}

/* A DKIM selector: labels of letters, digits, '-' and '_' joined by dots,
 * short enough that SELECTOR._domainkey.DOMAIN is a DNS name. */
static int
check_selector(const char *sel, const char *domain, struct err *err)
{
	const char	*p, *label = sel;
	size_t		 n;

	for (p = sel; ; p++) {
		if (*p != '\0' && *p != '.') {
			unsigned char	ch = (unsigned char)*p;

			if (!isalnum(ch) && ch != '-' && ch != '_')
				return err_set(err, "'%s': '%c' is not allowed "
				    "in a selector (letters, digits, '-', '_', "
				    "and '.' between labels)", sel, ch);
			continue;
		}
		n = (size_t)(p - label);
		if (n == 0)
			return err_set(err, "'%s': empty label in a selector",
			    sel);
		if (n > 63)
			return err_set(err, "'%s': label longer than 63 "
			    "characters", sel);
		if (label[0] == '-' || label[n - 1] == '-')
			return err_set(err, "'%s': a label cannot start or "
			    "end with '-'", sel);
		if (*p == '\0')
			break;
		label = p + 1;
	}
	if (strlen(sel) + strlen("._domainkey.") + strlen(domain) > 253)
		return err_set(err, "'%s._domainkey.%s' is longer than 253 "
		    "characters", sel, domain);
	return 0;
}

/* Base64 of a DER key: white space (a pasted block) is dropped from out,
 * then only the base64 alphabet with '=' padding at the end is allowed. */
static int
check_base64(const char *s, char **out, struct err *err)
{
	struct buf	 b = BUF_INIT;
	const char	*p;
	size_t		 i, pad = 0, first_pad = 0;

	*out = NULL;
	if (strstr(s, "-----BEGIN") != NULL) {
		return err_set(err, "a PEM block; give only the base64 text "
		    "between the BEGIN and END lines, or use public_key_file");
	}
	for (p = s; *p != '\0'; p++)
		if (!isspace((unsigned char)*p))
			buf_addc(&b, *p);
	if (b.len == 0) {
		buf_release(&b);
		return err_set(err, "empty key");
	}
	for (i = 0; i < b.len; i++) {
		unsigned char	ch = (unsigned char)b.data[i];

		if (ch == '=') {
			if (pad++ == 0)
				first_pad = i + 1;
			continue;
		}
		if (pad > 0)
			err_set(err, "not base64: '=' at character %zu is "
			    "padding, which may only end the key", first_pad);
		else if (!(isalnum(ch) || ch == '+' || ch == '/'))
			err_set(err, "not base64: '%c' at character %zu", ch,
			    i + 1);
		else
			continue;
		buf_release(&b);
		return -1;
	}
	if (pad > 2 || b.len % 4 != 0) {
		err_set(err, "not base64: %zu characters with %zu '=', where "
		    "a multiple of 4 with at most two '=' at the end is "
		    "expected", b.len, pad);
		buf_release(&b);
		return -1;
	}
	*out = buf_detach(&b);
	return 0;
}

/* A public_key_file as given, made relative to the config's folder. */
static char *
resolve(const char *config, const char *file)
{
	const char	*slash;

	if (file[0] == '/' || config == NULL ||
	    (slash = strrchr(config, '/')) == NULL)
		return xstrdup(file);
	if (slash == config)
		return xasprintf("/%s", file);
	return xasprintf("%.*s/%s", (int)(slash - config), config, file);
}

void
cfg_load_spf(struct ctx *c, struct cfg_spf *spf, const struct node *key,
    const struct node *n, const char *path)
{
	const struct node	*k[nitems(spf_keys)], *v[nitems(spf_keys)];
	size_t			 idx;
	char			*p;

	spf->present = 1;
	spf->pos = cfg_pos_of(key);
	if (cfg_map_fields(c, n, path, spf_keys, nitems(spf_keys), k, v) == -1)
		return;
	if (v[S_INCLUDE] != NULL) {
		p = cfg_join(path, "include");
		cfg_str_list(c, v[S_INCLUDE], p, check_host,
		    &spf->spec.include, &spf->spec.ninclude);
		names_to_ascii(spf->spec.include, spf->spec.ninclude);
		free(p);
	}
	if (v[S_IP4] != NULL) {
		p = cfg_join(path, "ip4");
		cfg_str_list(c, v[S_IP4], p, check_ip4, &spf->spec.ip4,
		    &spf->spec.nip4);
		free(p);
	}
	if (v[S_IP6] != NULL) {
		p = cfg_join(path, "ip6");
		cfg_str_list(c, v[S_IP6], p, check_ip6, &spf->spec.ip6,
		    &spf->spec.nip6);
		free(p);
	}
	if (v[S_A] != NULL) {
		p = cfg_join(path, "a");
		cfg_get_bool(c, v[S_A], p, &spf->spec.a);
		free(p);
	}
	if (v[S_MX] != NULL) {
		p = cfg_join(path, "mx");
		cfg_get_bool(c, v[S_MX], p, &spf->spec.mx);
		free(p);
	}
	if (v[S_ALL] != NULL) {
		p = cfg_join(path, "all");
		if (cfg_get_enum(c, v[S_ALL], p, spf_all_names,
		    nitems(spf_all_names), &idx) == 0)
			spf->spec.all = (enum spf_all)(SPF_ALL_FAIL + idx);
		free(p);
	}
}

/*
 * A selector's from and retire (docs/rotation.md): dates, retire after
 * from, neither with state: absent, no retire for a CNAME (the key is at
 * its target, which mailauth cannot revoke).
 */
static void
load_dates(struct ctx *c, struct cfg_dkim *dk, const struct node **k,
    const struct node **v, const char *path, int absent)
{
	char	 date[11], *p;
	size_t	 i;

	for (i = K_FROM; i <= K_RETIRE; i++) {
		if (k[i] == NULL)
			continue;
		p = cfg_join(path, dkim_keys[i]);
		if (absent)
			cfg_error_at(c, k[i], p, "cannot be combined with "
			    "\"state: absent\"; remove one of them");
		else if (i == K_RETIRE && k[K_CNAME] != NULL)
			cfg_error_at(c, k[i], p, "cannot be combined with "
			    "cname: the key is at the CNAME's target, which "
			    "mailauth cannot revoke; delete the CNAME with "
			    "\"state: absent\" once no signer uses it");
		else
			cfg_get_date(c, v[i], p, i == K_FROM ? &dk->from :
			    &dk->retire);
		free(p);
	}
	/* Both keys were given when both dates are set. */
	if (k[K_FROM] != NULL && k[K_RETIRE] != NULL && dk->from >= 0 &&
	    dk->retire >= 0 && dk->retire <= dk->from) {
		date_format(dk->from, date);
		p = cfg_join(path, "retire");
		cfg_error_at(c, v[K_RETIRE], p, "'%s' is not after from, "
		    "'%s' (line %d): a selector is retired after the day it "
		    "is first published", v[K_RETIRE]->str, date,
		    k[K_FROM]->line);
		free(p);
	}
}

static void
load_selector(struct ctx *c, struct cfg_dkim *dk, const struct node *key,
    const struct node *n, const char *path)
{
	const struct node	*k[nitems(dkim_keys)], *v[nitems(dkim_keys)];
	const struct node	*first = NULL;
	const char		*s;
	struct err		 err;
	size_t			 i, state = STATE_PRESENT;
	int			 nvalues = 0;
	char			*p;

	if (cfg_map_fields(c, n, path, dkim_keys, nitems(dkim_keys), k,
	    v) == -1)
		return;
	if (v[K_STATE] != NULL) {
		p = cfg_join(path, "state");
		if (cfg_get_enum(c, v[K_STATE], p, dkim_states,
		    nitems(dkim_states), &state) == -1)
			state = STATE_PRESENT;
		free(p);
	}
	for (i = K_FILE; i <= K_CNAME; i++)
		if (k[i] != NULL && (first == NULL || cfg_before(k[i], first)))
			first = k[i];
	for (i = K_FILE; i <= K_CNAME; i++) {
		if (k[i] == NULL)
			continue;
		nvalues++;
		p = cfg_join(path, dkim_keys[i]);
		if (state == STATE_ABSENT)
			cfg_error_at(c, k[i], p, "cannot be combined with "
			    "\"state: absent\"; remove one of them");
		else if (k[i] != first)
			cfg_error_at(c, k[i], p,
			    "cannot be combined with %s; give "
			    "exactly one of public_key_file, public_key, "
			    "cname", first->str);
		free(p);
	}
	load_dates(c, dk, k, v, path, state == STATE_ABSENT);
	if (state == STATE_ABSENT) {
		dk->kind = DKIM_ABSENT;
		return;
	}
	if (nvalues == 0) {
		cfg_error_at(c, key, path, "expected one of public_key_file, "
		    "public_key, cname, or \"state: absent\" to delete the "
		    "record");
		return;
	}
	for (i = K_FILE; i <= K_CNAME; i++)
		if (k[i] == first)
			break;
	p = cfg_join(path, dkim_keys[i]);
	if ((s = cfg_get_str(c, v[i], p)) == NULL)
		goto out;
	err_clear(&err);
	switch (i) {
	case K_FILE:
		dk->kind = DKIM_PUBLIC_KEY_FILE;
		dk->value = resolve(c->file, s);
		break;
	case K_KEY:
		dk->kind = DKIM_PUBLIC_KEY;
		if (check_base64(s, &dk->value, &err) == -1)
			cfg_error_at(c, v[i], p, "%s", err.msg);
		break;
	case K_CNAME:
		dk->kind = DKIM_CNAME;
		if (check_host(s, &err) == -1)
			cfg_error_at(c, v[i], p, "%s", err.msg);
		else
			dk->value = dns_name_to_ascii(s, NULL);
		break;
	}
out:
	free(p);
}

void
cfg_load_dkim(struct ctx *c, struct cfg_domain *dom, const struct node *n,
    const char *path)
{
	const struct node	*key;
	struct cfg_dkim		*dk;
	struct named		*names = NULL, *nm;
	struct err		 err;
	size_t			 i, nnames = 0;
	char			*kpath;

	if (n->type == NODE_ALIAS)
		return;
	if (n->type != NODE_MAP) {
		cfg_expect(c, n, path, "a mapping of selectors", 0);
		return;
	}
	if (n->nkids == 0) {
		cfg_error_at(c, n, path, "expected at least one selector");
		return;
	}
	for (i = 0; i + 1 < n->nkids; i += 2) {
		key = n->kids[i];
		if (!cfg_key_ok(c, key, path))
			continue;
		kpath = cfg_join(path, key->str);
		dk = xappend(&dom->dkim, &dom->ndkim, sizeof(*dk));
		dk->selector = cfg_name_norm(key->str);
		dk->from = dk->retire = -1;
		dk->pos = cfg_pos_of(key);
		err_clear(&err);
		if (check_selector(key->str, dom->name, &err) == -1)
			cfg_error_at(c, key, kpath, "%s", err.msg);
		else {
			nm = xappend(&names, &nnames, sizeof(*names));
			nm->key = key;
			nm->name = dk->selector;
		}
		load_selector(c, dk, key, n->kids[i + 1], kpath);
		free(kpath);
	}
	cfg_report_dups(c, names, nnames, path, "selector");
	free(names);
}

enum cfg_dkim_state
cfg_dkim_at(const struct cfg_dkim *dk, long day)
{
	if (dk->kind == DKIM_ABSENT)
		return CFG_DKIM_ABSENT;
	if (dk->from >= 0 && day < dk->from)
		return CFG_DKIM_PENDING;
	if (dk->retire >= 0 && day >= dk->retire)
		return CFG_DKIM_RETIRED;
	return CFG_DKIM_ACTIVE;
}

long
cfg_dkim_next(const struct cfg_dkim *dk, long day)
{
	if (dk->kind == DKIM_ABSENT)
		return -1;
	if (dk->from > day)
		return dk->from;
	return dk->retire > day ? dk->retire : -1;
}

size_t
cfg_dkim_active(const struct cfg_domain *dom, long day)
{
	size_t	 i, n = 0;

	for (i = 0; i < dom->ndkim; i++)
		n += cfg_dkim_at(&dom->dkim[i], day) == CFG_DKIM_ACTIVE;
	return n;
}

static void
load_align(struct ctx *c, const struct node *n, const char *path,
    const char *key, enum dmarc_align *out)
{
	char	*p = cfg_join(path, key);
	size_t	 idx;

	if (cfg_get_enum(c, n, p, align_names, nitems(align_names), &idx) == 0)
		*out = (enum dmarc_align)(DMARC_ALIGN_RELAXED + idx);
	free(p);
}

void
cfg_load_dmarc(struct ctx *c, struct cfg_dmarc *dm, const struct node *key,
    const struct node *n, const char *path)
{
	const struct node	*k[nitems(dmarc_keys)], *v[nitems(dmarc_keys)];
	const struct node	*it;
	size_t			 i, idx;
	long			 l;
	char			*p, *ip;

	dm->present = 1;
	dm->pos = cfg_pos_of(key);
	if (cfg_map_fields(c, n, path, dmarc_keys, nitems(dmarc_keys), k,
	    v) == -1)
		return;
	if (v[M_ROLLOUT] != NULL) {
		p = cfg_join(path, "rollout");
		cfg_load_rollout(c, &dm->rollout, k[M_ROLLOUT], v[M_ROLLOUT],
		    p);
		free(p);
		/* The stages supply these; the record's other keys apply to
		 * every stage. */
		for (i = M_POLICY; i <= M_PCT; i++) {
			if (k[i] == NULL)
				continue;
			p = cfg_join(path, dmarc_keys[i]);
			cfg_error_at(c, k[i], p,
			    "cannot be combined with rollout, "
			    "whose stages set policy, testing, pct, "
			    "subdomain_policy and nonexistent_subdomain_policy; "
			    "give it in the stages");
			free(p);
			v[i] = NULL;
		}
	} else if (v[M_POLICY] == NULL)
		cfg_missing(c, key, path, "policy", "one of none, quarantine, "
		    "reject, or a rollout");
	if (v[M_POLICY] != NULL)
		cfg_load_policy(c, v[M_POLICY], path, "policy",
		    &dm->spec.policy);
	if (v[M_SP] != NULL)
		cfg_load_policy(c, v[M_SP], path, "subdomain_policy",
		    &dm->spec.subdomain_policy);
	if (v[M_NP] != NULL)
		cfg_load_policy(c, v[M_NP], path,
		    "nonexistent_subdomain_policy",
		    &dm->spec.nonexistent_subdomain_policy);
	if (v[M_TESTING] != NULL) {
		p = cfg_join(path, "testing");
		cfg_get_bool(c, v[M_TESTING], p, &dm->spec.testing);
		free(p);
	}
	if (v[M_PCT] != NULL) {
		p = cfg_join(path, "pct");
		if (cfg_get_int(c, v[M_PCT], p, 0, 100, &l) == 0) {
			dm->spec.pct = (int)l;
			cfg_legacy(c, k[M_PCT], p);
		}
		free(p);
	}
	if (v[M_RUA] != NULL) {
		p = cfg_join(path, "rua");
		cfg_str_list(c, v[M_RUA], p, check_uri, &dm->spec.rua,
		    &dm->spec.nrua);
		free(p);
	}
	if (v[M_RUF] != NULL) {
		p = cfg_join(path, "ruf");
		cfg_str_list(c, v[M_RUF], p, check_uri, &dm->spec.ruf,
		    &dm->spec.nruf);
		free(p);
	}
	if (v[M_ADKIM] != NULL)
		load_align(c, v[M_ADKIM], path, "adkim", &dm->spec.adkim);
	if (v[M_ASPF] != NULL)
		load_align(c, v[M_ASPF], path, "aspf", &dm->spec.aspf);
	if (v[M_FO] != NULL) {
		p = cfg_join(path, "fo");
		if (cfg_get_list(c, v[M_FO], p) == 0) {
			for (i = 0; i < v[M_FO]->nkids; i++) {
				it = v[M_FO]->kids[i];
				ip = xasprintf("%s[%zu]", p, i);
				if (cfg_get_enum(c, it, ip, fo_names,
				    nitems(fo_names), &idx) == 0)
					cfg_strlist_add(&dm->spec.fo,
					    &dm->spec.nfo, fo_names[idx]);
				free(ip);
			}
		}
		free(p);
	}
	if (v[M_RI] != NULL) {
		p = cfg_join(path, "ri");
		if (cfg_get_int(c, v[M_RI], p, 1, RI_MAX, &l) == 0) {
			dm->spec.ri = l;
			cfg_legacy(c, k[M_RI], p);
		}
		free(p);
	}
	if (v[M_GATE] != NULL) {
		p = cfg_join(path, "gate");
		cfg_load_gate(c, &dm->gate, k[M_GATE], v[M_GATE], p);
		if (v[M_ROLLOUT] == NULL)
			cfg_error_at(c, k[M_GATE], p,
			    "a gate holds the stages of a "
			    "rollout: add a rollout, or remove the gate");
		free(p);
	}
}

/* An AWS region name: lower-case labels of letters and digits joined by
 * '-', the first starting with a letter ("eu-west-1", "us-gov-west-1"). */
static int
region_ok(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n < 4 || n > 32 || !islower((unsigned char)s[0]) ||
	    strchr(s, '-') == NULL || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) &&
		    (s[i] != '-' || s[i + 1] == '-'))
			return 0;
	return 1;
}

/* 1 when name (normalised) is strictly below dom (normalised). */
static int
name_below(const char *name, const char *dom)
{
	size_t	 nl = strlen(name), dl = strlen(dom);

	return nl > dl + 1 && strcmp(name + nl - dl, dom) == 0 &&
	    name[nl - dl - 1] == '.';
}

void
cfg_load_ses(struct ctx *c, struct cfg_domain *dom, const struct node *key,
    const struct node *n, const char *path)
{
	const struct node	*k[nitems(ses_keys)], *v[nitems(ses_keys)];
	struct cfg_ses		*ses = &dom->ses;
	const char		*s;
	struct err		 err;
	char			*p, *name, *ascii = NULL, *shown, *dshown;

	ses->present = 1;
	ses->pos = cfg_pos_of(key);
	if (cfg_map_fields(c, n, path, ses_keys, nitems(ses_keys), k, v) == -1)
		return;
	if (v[E_REGION] == NULL)
		cfg_missing(c, key, path, "region", "the SES region of the "
		    "identity, e.g. \"region: eu-west-1\"");
	else {
		p = cfg_join(path, "region");
		if ((s = cfg_get_str(c, v[E_REGION], p)) != NULL) {
			if (region_ok(s))
				ses->region = xstrdup(s);
			else
				cfg_error_at(c, v[E_REGION], p,
				    "'%s' is not an "
				    "AWS region name (e.g. eu-west-1)", s);
		}
		free(p);
	}
	if (v[E_IDENTITY] != NULL) {
		p = cfg_join(path, "identity");
		err_clear(&err);
		if ((s = cfg_get_str(c, v[E_IDENTITY], p)) == NULL)
			;
		else if (strchr(s, '@') != NULL)
			cfg_error_at(c, v[E_IDENTITY], p,
			    "'%s' is an email address "
			    "identity, which publishes no DNS records; give "
			    "a domain identity", s);
		else if ((ascii = cfg_name_ascii(c, v[E_IDENTITY], p,
		    s)) == NULL)
			;
		else if (dns_hostname_check(ascii, &err) == -1)
			cfg_error_at(c, v[E_IDENTITY], p, "%s", err.msg);
		else
			ses->identity = cfg_name_norm(ascii);
		free(ascii);
		free(p);
	}
	if (ses->identity == NULL)
		ses->identity = xstrdup(dom->name);
	if (v[E_MAIL_FROM] != NULL) {
		p = cfg_join(path, "mail_from");
		err_clear(&err);
		ses->mail_from_pos = cfg_pos_of(k[E_MAIL_FROM]);
		ascii = NULL;
		if ((s = cfg_get_str(c, v[E_MAIL_FROM], p)) == NULL)
			;
		else if ((ascii = cfg_name_ascii(c, v[E_MAIL_FROM], p,
		    s)) == NULL)
			;
		else if (dns_hostname_check(ascii, &err) == -1)
			cfg_error_at(c, v[E_MAIL_FROM], p, "%s", err.msg);
		else {
			name = cfg_name_norm(ascii);
			if (name_below(name, dom->name))
				ses->mail_from = name;
			else {
				shown = cfg_name_shown(s, name);
				dshown = dns_name_both(dom->name);
				cfg_error_at(c, v[E_MAIL_FROM], p,
				    "'%s' is not "
				    "below '%s'; the MAIL FROM domain must be "
				    "a subdomain of the domain, e.g. "
				    "bounce.%s", shown, dshown, dom->name);
				free(dshown);
				free(shown);
				free(name);
			}
		}
		free(ascii);
		free(p);
	}
	if (v[E_PRUNE] != NULL) {
		p = cfg_join(path, "prune_stale_tokens");
		cfg_get_bool(c, v[E_PRUNE], p, &ses->prune_stale_tokens);
		free(p);
	}
}

/* --- tls_rpt --- */

static const char *const tls_rpt_keys[] = { "rua" };

static int
check_tlsrpt_uri(const char *s, struct err *err)
{
	return tlsrpt_uri_check(s, strlen(s), err);
}

void
cfg_load_tls_rpt(struct ctx *c, struct cfg_tls_rpt *t, const struct node *key,
    const struct node *n, const char *path)
{
	const struct node	*k[nitems(tls_rpt_keys)];
	const struct node	*v[nitems(tls_rpt_keys)];
	char			*p;

	t->present = 1;
	t->pos = cfg_pos_of(key);
	if (cfg_map_fields(c, n, path, tls_rpt_keys, nitems(tls_rpt_keys), k,
	    v) == -1)
		return;
	if (v[0] == NULL) {
		cfg_missing(c, key, path, "rua", "where TLS reports go, e.g. "
		    "\"rua: [mailto:tlsrpt@example.com]\"");
		return;
	}
	p = cfg_join(path, "rua");
	if (cfg_get_list(c, v[0], p) == 0) {
		if (v[0]->nkids == 0)
			cfg_error_at(c, v[0], p, "expected at least one report "
			    "URI");
		else
			cfg_str_list(c, v[0], p, check_tlsrpt_uri, &t->rua,
			    &t->nrua);
	}
	free(p);
}

/* --- mta_sts and bimi --- */

static const char *const mta_sts_keys[] = { "mode", "mx", "max_age" };
/* In the order of enum mtasts_mode. */
static const char *const mta_sts_modes[] = { "none", "testing", "enforce" };
static const char *const bimi_keys[] = { "logo", "authority" };
enum { T_MODE, T_MX, T_MAX_AGE };
enum { B_LOGO, B_AUTHORITY };

/* An MX pattern as written (n, below path) in A-labels and lower case,
 * "*." kept; NULL after reporting at n. */
static char *
mx_pattern(struct ctx *c, const struct node *n, const char *path)
{
	const char	*s, *host;
	struct err	 err;
	char		*ascii, *norm, *out = NULL;

	if ((s = cfg_get_str(c, n, path)) == NULL)
		return NULL;
	host = strncmp(s, "*.", 2) == 0 ? s + 2 : s;
	err_clear(&err);
	if (strchr(host, '*') != NULL || *host == '\0') {
		mtasts_mx_check(s, &err);
		cfg_error_at(c, n, path, "%s", err.msg);
		return NULL;
	}
	if ((ascii = cfg_name_ascii(c, n, path, host)) == NULL)
		return NULL;
	norm = cfg_name_norm(ascii);
	free(ascii);
	out = xasprintf("%s%s", host != s ? "*." : "", norm);
	free(norm);
	if (mtasts_mx_check(out, &err) == -1) {
		cfg_error_at(c, n, path, "%s", err.msg);
		free(out);
		return NULL;
	}
	return out;
}

/* mx: a list of patterns, each once. */
static void
load_mx(struct ctx *c, struct mtasts_spec *spec, const struct node *n,
    const char *path)
{
	size_t	 i, j;
	char	*ip, *pat;
	int	*line = NULL;

	if (cfg_get_list(c, n, path) == -1)
		return;
	if (n->nkids == 0) {
		cfg_error_at(c, n, path, "expected at least one MX host "
		    "pattern, such as mail.example.com or *.example.net");
		return;
	}
	line = xcalloc(n->nkids, sizeof(*line));
	for (i = 0; i < n->nkids; i++) {
		ip = xasprintf("%s[%zu]", path, i);
		if ((pat = mx_pattern(c, n->kids[i], ip)) != NULL) {
			for (j = 0; j < spec->nmx; j++)
				if (strcmp(spec->mx[j], pat) == 0)
					break;
			if (j < spec->nmx)
				cfg_error_at(c, n->kids[i], ip, "'%s' is "
				    "listed twice (first at line %d)", pat,
				    line[j]);
			else {
				line[spec->nmx] = n->kids[i]->line;
				cfg_strlist_add(&spec->mx, &spec->nmx, pat);
			}
			free(pat);
		}
		free(ip);
	}
	free(line);
}

void
cfg_load_mta_sts(struct ctx *c, struct cfg_domain *dom,
    const struct node *key, const struct node *n, const char *path)
{
	const struct node	*k[nitems(mta_sts_keys)];
	const struct node	*v[nitems(mta_sts_keys)];
	struct cfg_mta_sts	*ms = &dom->mta_sts;
	size_t			 idx;
	long			 l;
	char			*p;

	ms->present = 1;
	ms->pos = cfg_pos_of(key);
	ms->spec.max_age = MTASTS_MAX_AGE_DEFAULT;
	if (cfg_map_fields(c, n, path, mta_sts_keys, nitems(mta_sts_keys), k,
	    v) == -1)
		return;
	ms->spec.mode = MTASTS_MODE_NONE;
	if (v[T_MODE] == NULL)
		cfg_missing(c, key, path, "mode", "one of enforce, testing, "
		    "none");
	else {
		p = cfg_join(path, "mode");
		if (cfg_get_enum(c, v[T_MODE], p, mta_sts_modes,
		    nitems(mta_sts_modes), &idx) == 0) {
			ms->spec.mode = (enum mtasts_mode)idx;
			if (idx != MTASTS_MODE_NONE && v[T_MX] == NULL)
				cfg_missing(c, key, path, "mx", "the MX hosts "
				    "senders may deliver to, as a list of "
				    "patterns such as mail.example.com or "
				    "*.example.net (RFC 8461 §3.2)");
		}
		free(p);
	}
	if (v[T_MX] != NULL) {
		p = cfg_join(path, "mx");
		load_mx(c, &ms->spec, v[T_MX], p);
		free(p);
	}
	if (v[T_MAX_AGE] != NULL) {
		p = cfg_join(path, "max_age");
		if (cfg_get_int(c, v[T_MAX_AGE], p, 0, MTASTS_MAX_AGE_MAX,
		    &l) == 0)
			ms->spec.max_age = l;
		free(p);
	}
}

/* A BIMI URL (n, below path); NULL after reporting at n. */
static char *
bimi_url(struct ctx *c, const struct node *n, const char *path)
{
	const char	*s;
	struct err	 err;

	if ((s = cfg_get_str(c, n, path)) == NULL)
		return NULL;
	err_clear(&err);
	if (bimi_url_check(s, strlen(s), &err) == -1) {
		cfg_error_at(c, n, path, "%s", err.msg);
		return NULL;
	}
	return xstrdup(s);
}

void
cfg_load_bimi(struct ctx *c, struct cfg_domain *dom, const struct node *key,
    const struct node *n, const char *path)
{
	const struct node	*k[nitems(bimi_keys)], *v[nitems(bimi_keys)];
	char			*p;

	dom->bimi.present = 1;
	dom->bimi.pos = cfg_pos_of(key);
	if (cfg_map_fields(c, n, path, bimi_keys, nitems(bimi_keys), k,
	    v) == -1)
		return;
	if (v[B_LOGO] == NULL)
		cfg_missing(c, key, path, "logo", "the https URL of the logo, "
		    "an SVG Tiny PS file");
	else {
		p = cfg_join(path, "logo");
		dom->bimi.logo = bimi_url(c, v[B_LOGO], p);
		free(p);
	}
	if (v[B_AUTHORITY] != NULL) {
		p = cfg_join(path, "authority");
		dom->bimi.authority = bimi_url(c, v[B_AUTHORITY], p);
		free(p);
	}
}
