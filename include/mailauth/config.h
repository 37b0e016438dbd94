/*
 * config.h - mailauth.yaml, parsed into the desired state.
 *
 * src/config/yaml.c is the only code that includes <yaml.h>.  The loader
 * checks the whole schema (docs/configuration.md): unknown keys, duplicate
 * keys, wrong types and out-of-range values are errors, and every error is
 * collected before cfg_load() gives up, each naming file:line:column and the
 * key path.  Warnings (legacy DMARC tags) are collected the same way.
 *
 * Record text is not built here: src/dns/ renders records from the spec
 * structures of spf.h and dmarc.h, which the config embeds.  Values kept
 * as strings are kept as written, except names: domain names, zone names
 * and DKIM selectors are lower-cased without a trailing dot, and a DKIM
 * public_key loses its white space.  Domain, zone, SES identity and MAIL
 * FROM names, SPF includes and DKIM CNAME targets written in Unicode are
 * kept in A-labels (IDNA2008, dns_name_to_ascii()).
 *
 * Positions are 1-based; a key's position is where the key is written.
 */
#ifndef MAILAUTH_CONFIG_H
#define MAILAUTH_CONFIG_H

#include <stddef.h>

#include "mailauth/date.h"
#include "mailauth/dmarc.h"
#include "mailauth/mtasts.h"
#include "mailauth/spf.h"

struct buf;
struct diags;
struct err;

#define CFG_DEFAULT_TTL	3600

/* Where a key or value was written, for later diagnostics. */
struct cfg_pos {
	int	line;
	int	col;
};

/* The SPF record of a domain: spec is what spf_render() renders; the
 * config owns its lists. */
struct cfg_spf {
	int			present;	/* the domain has an spf key */
	struct spf_spec		spec;
	struct cfg_pos		pos;		/* of the spf key */
};

enum dkim_kind {
	DKIM_PUBLIC_KEY_FILE,	/* value: path, resolved against the config's folder */
	DKIM_PUBLIC_KEY,	/* value: base64 DER SubjectPublicKeyInfo */
	DKIM_CNAME,		/* value: target host name */
	DKIM_ABSENT		/* state: absent; value NULL */
};

struct cfg_dkim {
	char		*selector;	/* lower case, may be dotted */
	enum dkim_kind	 kind;
	char		*value;
	long		 from;		/* first day published (date.h); -1:
					 * always */
	long		 retire;	/* first day published revoked; -1:
					 * never; after from, not with
					 * DKIM_CNAME or DKIM_ABSENT */
	struct cfg_pos	 pos;		/* of the selector key */
};

/*
 * Where a selector stands on a day (docs/rotation.md): before from,
 * pending (nothing is published, whatever is there is left alone); from
 * retire on, retired (its key record is published revoked, "v=DKIM1;
 * k=TYPE; p="); state: absent, absent (deleted) whatever the day.
 */
enum cfg_dkim_state {
	CFG_DKIM_PENDING,
	CFG_DKIM_ACTIVE,
	CFG_DKIM_RETIRED,
	CFG_DKIM_ABSENT
};

enum cfg_dkim_state cfg_dkim_at(const struct cfg_dkim *, long day);
/* The first day after day on which the selector's state changes, or -1
 * when it stays as it is. */
long	cfg_dkim_next(const struct cfg_dkim *, long day);
struct cfg_domain;
/* How many selectors of the domain's dkim: are active on day. */
size_t	cfg_dkim_active(const struct cfg_domain *, long day);

/*
 * One stage of a DMARC rollout (dmarc.rollout, docs/configuration.md): from
 * its day until the next stage's, it supplies p, t, pct, sp and np.
 */
struct cfg_stage {
	enum dmarc_policy	policy;		/* p=, never UNSET */
	int			testing;	/* 1: t=y with pct=0; else 0 */
	int			pct;		/* -1 unset, else 0..100 (not
						 * with testing) */
	enum dmarc_policy	subdomain_policy;		/* sp=, or UNSET */
	enum dmarc_policy	nonexistent_subdomain_policy;	/* np=, or UNSET */
	long			from;		/* the first day of the stage
						 * (date.h) */
	int			rollback;	/* weaker than the stage before,
						 * on purpose */
	struct cfg_pos		pos;		/* of the stage; for a template,
						 * of its template key */
};

/*
 * A rollout: at least one stage, in strictly increasing date order, each
 * never weaker than the one before unless it is a rollback (the loader
 * checks both).  From a template, the stages are its offsets added to
 * start.
 */
struct cfg_rollout {
	struct cfg_stage	*stages;
	size_t			 nstages;	/* 0: the domain has no rollout */
	char			*template;	/* its name, or NULL for a list */
	char			*template_path;	/* the file it was read from */
	long			 start;		/* the template's start day */
	struct cfg_pos		 pos;		/* of the rollout key */
};

/*
 * The rollout gate (dmarc.gate, docs/rollout.md): a stage due by date is
 * only taken when the aggregate reports of the window_days days ending on
 * the day show at least min_messages messages from the domain, of which at
 * least min_pass_rate percent passed DMARC.
 */
#define CFG_GATE_RATE_DEFAULT		98.0
#define CFG_GATE_WINDOW_DEFAULT		14
#define CFG_GATE_MESSAGES_DEFAULT	500
#define CFG_GATE_WINDOW_MAX		366
#define CFG_GATE_MESSAGES_MAX		1000000000L

struct cfg_gate {
	int			present;	/* the dmarc has a gate key */
	double			min_pass_rate;	/* 0 to 100 */
	long			window_days;	/* 1 to CFG_GATE_WINDOW_MAX */
	long			min_messages;	/* 0 to CFG_GATE_MESSAGES_MAX */
	struct cfg_pos		pos;		/* of the gate key */
};

/* The DMARC record of a domain: spec is what dmarc_render() renders
 * without a rollout; the config owns its lists.  With a rollout,
 * spec.policy, spec.subdomain_policy, spec.nonexistent_subdomain_policy,
 * spec.testing and spec.pct are UNSET (-1): the active stage supplies them
 * (cfg_dmarc_at()). */
struct cfg_dmarc {
	int			present;	/* the domain has a dmarc key */
	struct dmarc_spec	spec;		/* policy required without
						 * rollout; fo items each "0",
						 * "1", "d" or "s" */
	struct cfg_rollout	rollout;
	struct cfg_gate		gate;		/* only with a rollout */
	struct cfg_pos		pos;		/* of the dmarc key */
};

/*
 * Amazon SES (docs/ses.md): the SES identity whose Easy DKIM tokens and
 * custom MAIL FROM domain the domain publishes.
 */
struct cfg_ses {
	int		 present;		/* the domain has a ses key */
	char		*region;		/* required: e.g. "eu-west-1" */
	char		*identity;		/* resolved: the domain when not
						 * given; lower case, no dot */
	char		*mail_from;		/* NULL, or a name below the
						 * domain; lower case, no dot */
	int		 prune_stale_tokens;	/* bool, default 0 */
	struct cfg_pos	 pos;			/* of the ses key */
	struct cfg_pos	 mail_from_pos;		/* of mail_from, when given */
};

/*
 * Posture records (docs/configuration.md): TLS-RPT (RFC 8460) at
 * _smtp._tls.<domain>; parked, a domain that sends and receives no mail
 * (apex SPF "-all", a null MX, DMARC p=reject, every DKIM key revoked),
 * which the loader allows beside zone, account and ttl only.
 */
struct cfg_tls_rpt {
	int		 present;	/* the domain has a tls_rpt key */
	char		**rua;		/* at least one, tlsrpt_uri_check() */
	size_t		 nrua;
	struct cfg_pos	 pos;		/* of the tls_rpt key */
};

/*
 * MTA-STS (mta_sts:, docs/configuration.md): the policy whose id the
 * _mta-sts TXT record carries; spec.mx is the config's.  BIMI (bimi:):
 * the URLs of default._bimi's l= and a= (authority NULL: none).
 */
struct cfg_mta_sts {
	int			present;	/* the domain has an mta_sts key */
	struct mtasts_spec	spec;		/* max_age defaults to
						 * MTASTS_MAX_AGE_DEFAULT */
	struct cfg_pos		pos;		/* of the mta_sts key */
};

struct cfg_bimi {
	int		 present;		/* the domain has a bimi key */
	char		*logo;			/* https URL, as written */
	char		*authority;		/* https URL, or NULL */
	struct cfg_pos	 pos;			/* of the bimi key */
};

struct cfg_domain {
	char			*name;		/* as written, lower-cased, no trailing dot */
	/* NULL: the default credentials chain; else the name of one of
	 * cfg.accounts (the loader checks it is one) */
	char			*account;
	/* NULL, a zone id "Z..." as written, or a zone name (lower-cased, no
	 * trailing dot) that equals the domain or is a parent of it */
	char			*zone;
	long			 ttl;		/* resolved: the domain's ttl or defaults.ttl */
	struct cfg_spf		 spf;
	struct cfg_dkim		*dkim;
	size_t			 ndkim;
	struct cfg_dmarc	 dmarc;
	struct cfg_ses		 ses;
	struct cfg_tls_rpt	 tls_rpt;
	int			 parked;	/* parked: true */
	struct cfg_pos		 parked_pos;	/* of the parked key */
	struct cfg_mta_sts	 mta_sts;
	struct cfg_bimi		 bimi;
	struct cfg_pos		 pos;		/* of the domain key */
};

/*
 * An AWS account the domains of which are reached with credentials of
 * their own (accounts:, docs/configuration.md): STS AssumeRole of role_arn
 * with the default chain's credentials, or the credentials chain of a
 * profile of the shared files.  Exactly one of role_arn and profile is
 * set; external_id, session_name and duration only go with role_arn.
 */
#define CFG_ROLE_DURATION_MIN	900
#define CFG_ROLE_DURATION_MAX	43200

struct cfg_account {
	char			*name;		/* as written: letters, digits,
						 * '-' and '_' */
	char			*role_arn;	/* arn:PARTITION:iam::ACCOUNT:
						 * role/NAME, or NULL */
	char			*external_id;	/* NULL: none */
	char			*session_name;	/* NULL: "mailauth-NOW" */
	long			 duration;	/* seconds; 0: STS's default */
	char			*profile;	/* NULL, or a profile name */
	struct cfg_pos		 pos;		/* of the account's key */
};

struct cfg {
	char			*path;		/* as given to cfg_load() */
	int			 version;	/* 1 */
	long			 default_ttl;
	struct cfg_account	*accounts;	/* in file order */
	size_t			 naccounts;
	struct cfg_domain	*domains;
	size_t			 ndomains;
};

/* The account of cfg named name, or NULL (name NULL: NULL). */
const struct cfg_account *cfg_account_find(const struct cfg *,
	    const char *name);

/*
 * Where dmarc.rollout templates (NAME.yaml) are found: the user's folder
 * (--policies) and the built-in one (policies/dmarc); either may be NULL.
 * A name found in both is an error, not a choice (docs/configuration.md).
 */
struct cfg_load_opts {
	const char	*user_templates;
	const char	*templates;
};

/*
 * Loads and checks path.  Diagnostics are appended to d (which the caller
 * owns and releases) in the order of their position in the file; each
 * names path as the file, except "cannot read 'PATH': ..." (file NULL,
 * the message names it).  Files over 1 MiB are refused.  Returns 0 when
 * there were no errors (warnings allowed) and -1 otherwise; on -1 cfg holds
 * nothing and needs no release.
 */
int	cfg_load(struct cfg *, const char *path, struct diags *d);
/* The same, from len bytes already in memory (NUL bytes allowed: they are
 * errors); path names the text in diagnostics and its folder is the base
 * for relative public_key_file paths; it may be NULL (no file name, paths
 * kept as written). */
int	cfg_load_string(struct cfg *, const char *path, const char *text,
	    size_t len, struct diags *d);
/*
 * The same as cfg_load() and cfg_load_string(), with templates looked up
 * as opts says (NULL: no folder, so every template reference is an
 * error).  A template is read with the same strict reader, and its own
 * diagnostics name its file; they follow the config's in d.
 */
int	cfg_load_with(struct cfg *, const char *path,
	    const struct cfg_load_opts *, struct diags *d);
int	cfg_load_string_with(struct cfg *, const char *path, const char *text,
	    size_t len, const struct cfg_load_opts *, struct diags *d);
/* The whole of path into text (appended), at most 1 MiB, as cfg_load()
 * reads it, for a caller that keeps the bytes (to hash the bytes it
 * parses with cfg_load_string_with()); -1 after adding why not to d
 * ("cannot read 'PATH': ..."). */
int	cfg_read_file(const char *path, struct buf *text, struct diags *d);
/*
 * Reads and checks one dmarc.rollout template from len bytes in memory
 * (what a NAME.yaml of policies/dmarc or --policies holds: description,
 * stages with day and policy), through the code that reads the template
 * files a config names; path names it in diagnostics (NULL: no file
 * name).  Diagnostics are appended to d in file order.  Returns the number
 * of stages (1 or more) when there were no errors, else -1.
 */
int	cfg_template_load_string(const char *path, const char *text,
	    size_t len, struct diags *d);
/* Frees everything cfg holds and leaves it zeroed. */
void	cfg_release(struct cfg *);
/* Keeps the domains i of cfg whose keep[i] is set, in their order, and
 * frees the others (a shard of the config). */
void	cfg_domains_keep(struct cfg *, const unsigned char *keep);

/* The stage active on day (the last one whose from is not after it), or
 * NULL when day is before the first stage or there is no rollout. */
const struct cfg_stage *cfg_rollout_at(const struct cfg_rollout *, long day);
/*
 * Fills out with dm's keys and the stage's p, t, pct, sp and np: what the
 * record published during the stage says (dmarc_render() renders it).  A
 * testing stage gives t=y and pct=0.  out borrows dm's lists: do not
 * release it.
 */
void	cfg_dmarc_at(const struct cfg_dmarc *dm, const struct cfg_stage *,
	    struct dmarc_spec *out);

#endif
