/*
 * internal.h - what the files of src/config/ share, and nothing else sees.
 *
 *   yaml.c     the YAML reader (libyaml events -> a tree of nodes that keep
 *              their line and column; the only <yaml.h> user), located
 *              diagnostics
 *   values.c   checks of single values and mappings: strings, bools,
 *              integers, enums, lists, names, duplicate names
 *   schema.c   the spf, dkim, dmarc, ses, mta_sts and bimi keys of a
 *              domain
 *   rollout.c  dmarc.rollout stages, templates and the gate
 *   accounts.c the accounts: map and a domain's account: key
 *   config.c   the root, domains and zones; cfg_load*() and cfg_release()
 *
 * Every problem becomes a diagnostic that starts with the key path and
 * names the line and column of the node at fault; they are collected in the
 * ctx while the whole file is checked, then handed to the caller sorted by
 * position.  Only a YAML syntax error stops the reading.
 */
#ifndef MAILAUTH_CONFIG_INTERNAL_H
#define MAILAUTH_CONFIG_INTERNAL_H

#include <stddef.h>

#include "mailauth/config.h"
#include "mailauth/diag.h"

struct buf;
struct err;
struct yaml_parser_s;

#define CFG_MAX_SIZE	(1024 * 1024)	/* bytes of a config or template */

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

enum node_type {
	NODE_SCALAR,
	NODE_SEQ,
	NODE_MAP,
	NODE_ALIAS		/* reported when read; the checks skip it */
};

/* One YAML node.  A mapping keeps its pairs as key, value, key, ... */
struct node {
	enum node_type	  type;
	char		 *str;		/* scalar text, NUL-terminated */
	size_t		  len;		/* > strlen(str) after a "\0" */
	int		  plain;	/* an unquoted scalar */
	int		  line;		/* 1-based */
	int		  col;
	struct node	**kids;
	size_t		  nkids;
};

/* A rollout template, read once per load however many domains use it. */
struct tmpl {
	char			*name;
	char			*path;		/* the file it was read from */
	int			 ok;		/* read without errors */
	struct cfg_stage	*stages;	/* from: days after the start */
	size_t			 nstages;
	struct diags		 d;		/* its own, in file order */
};

/* One load of a config or of a template. */
struct ctx {
	const char	*file;		/* for diagnostics, or NULL */
	const char	*text;
	size_t		 len;
	struct yaml_parser_s *parser;	/* cfg_read_tree()'s, while it reads */
	struct diags	 d;		/* moved, sorted, to the caller's */
	/* What an empty file lacks, for "the file is empty; ...". */
	const char	*empty_hint;
	const struct cfg_load_opts *opts;	/* may be NULL */
	struct tmpl	*tmpls;		/* the templates read so far */
	size_t		 ntmpls;
};

/* --- yaml.c: reading --- */

/* Reads the one document of c->text; NULL when there is nothing to check
 * (reported).  The caller frees the tree with cfg_node_free(). */
struct node *cfg_read_tree(struct ctx *c);
void	cfg_node_free(struct node *);

/* --- yaml.c: located diagnostics --- */

/* Adds "PATH: MESSAGE" (just the message without a path) at line:col. */
void	cfg_report(struct ctx *c, enum diag_level level, int line, int col,
	    const char *path, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
/* An error at n. */
void	cfg_error_at(struct ctx *c, const struct node *n, const char *path,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* "expected WHAT, got ..." at n; typed: WHAT is a number or a bool,
 * which quoting turns into a string. */
void	cfg_expect(struct ctx *c, const struct node *n, const char *path,
	    const char *what, int typed);
/* What a node is, for "got ...". */
void	cfg_describe(struct buf *b, const struct node *n, int typed);
/* Appends the n names as "a, b, c". */
void	cfg_join_names(struct buf *b, const char *const *names, size_t n);
/* The key path of key below path; control characters become '?' so the
 * message stays on one line.  The caller frees it. */
char	*cfg_join(const char *path, const char *key);
/* Moves the collected diagnostics to d in file order. */
void	cfg_flush(struct ctx *c, struct diags *d);
/* 1 when a is written before b. */
int	cfg_before(const struct node *a, const struct node *b);
/* 1 when n is a YAML null: a plain ~, null, Null, NULL or nothing. */
int	cfg_is_null(const struct node *n);

/* --- values.c: checks of single values and mappings --- */

/* A key the checks can use: a scalar without NUL. */
int	cfg_key_ok(struct ctx *c, const struct node *key, const char *path);
/*
 * Checks that n is a mapping whose keys are among names, each once, and
 * sets keys[i] and vals[i] to the key names[i] and its value (NULL when
 * absent).  Returns -1 when n is not a mapping (reported unless an alias).
 */
int	cfg_map_fields(struct ctx *c, const struct node *n, const char *path,
	    const char *const *names, size_t nnames, const struct node **keys,
	    const struct node **vals);
/* A required key is missing: reported at where, the key (or the start)
 * of the mapping that should hold it. */
void	cfg_missing(struct ctx *c, const struct node *where, const char *path,
	    const char *key, const char *hint);
/* The values below return -1 (NULL) after reporting what is wrong, or
 * quietly for an alias, already reported. */
const char *cfg_get_str(struct ctx *c, const struct node *n,
	    const char *path);
int	cfg_get_bool(struct ctx *c, const struct node *n, const char *path,
	    int *out);
int	cfg_get_int(struct ctx *c, const struct node *n, const char *path,
	    long min, long max, long *out);
/* Sets *idx to the index of the value in names. */
int	cfg_get_enum(struct ctx *c, const struct node *n, const char *path,
	    const char *const *names, size_t nnames, size_t *idx);
/* 0 when n is a sequence. */
int	cfg_get_list(struct ctx *c, const struct node *n, const char *path);
/* Checks every string item of the list n with check (may be NULL) and
 * appends those that pass to the array *out of *nout strings. */
void	cfg_str_list(struct ctx *c, const struct node *n, const char *path,
	    int (*check)(const char *, struct err *), char ***out,
	    size_t *nout);
/* Appends a copy of s to the array *v of *n strings. */
void	cfg_strlist_add(char ***v, size_t *n, const char *s);
/* Frees the array *v of *n strings and empties it. */
void	cfg_strlist_release(char ***v, size_t *n);
/* Lower case, without the trailing dot; the caller frees it. */
char	*cfg_name_norm(const char *s);
/* The domain, zone or MAIL FROM name s (the value of n) in A-labels, as
 * DNS holds it (dns_name_to_ascii()): an ASCII name as it is.  NULL after
 * reporting at n that it is not valid IDNA.  The caller frees it. */
char	*cfg_name_ascii(struct ctx *c, const struct node *n, const char *path,
	    const char *s);
/* How a message quotes the name written as s, whose A-label form is ascii:
 * s itself when it is ASCII, else both forms, "bücher.example
 * (xn--bcher-kva.example)".  The caller frees it. */
char	*cfg_name_shown(const char *s, const char *ascii);
/* The key path of the name key below path: key as written when it is
 * ASCII, else ascii, its A-label form (the name the records get).  The
 * caller frees it. */
char	*cfg_join_name(const char *path, const char *key, const char *ascii);
/* s made printable (buf_add_printable(): UTF-8 kept, controls, bidi
 * controls and invalid bytes escaped), for a message that quotes bytes
 * that did not make a name.  The caller frees it. */
char	*cfg_printable(const char *s);
struct cfg_pos cfg_pos_of(const struct node *n);
/* The warning for pct and ri, tags that RFC 9989 removed. */
void	cfg_legacy(struct ctx *c, const struct node *key, const char *path);
/* The policy named by the value of n (key below path): none, quarantine
 * or reject, written in lower case.  Returns -1, *out untouched, when the
 * value is refused (reported, or an alias reported when read). */
int	cfg_load_policy(struct ctx *c, const struct node *n, const char *path,
	    const char *key, enum dmarc_policy *out);

/* A name that must be unique among its siblings, as a DNS name is. */
struct named {
	const struct node	*key;
	const char		*name;		/* normalised */
};

/* Reports every name of v that an earlier one already took; sorting
 * first keeps a file with many names fast. */
void	cfg_report_dups(struct ctx *c, struct named *v, size_t n,
	    const char *path, const char *what);

/* --- schema.c: the keys of a domain --- */

void	cfg_load_spf(struct ctx *c, struct cfg_spf *spf,
	    const struct node *key, const struct node *n, const char *path);
void	cfg_load_dkim(struct ctx *c, struct cfg_domain *dom,
	    const struct node *n, const char *path);
void	cfg_load_dmarc(struct ctx *c, struct cfg_dmarc *dm,
	    const struct node *key, const struct node *n, const char *path);
void	cfg_load_ses(struct ctx *c, struct cfg_domain *dom,
	    const struct node *key, const struct node *n, const char *path);
void	cfg_load_tls_rpt(struct ctx *c, struct cfg_tls_rpt *t,
	    const struct node *key, const struct node *n, const char *path);
/* mta_sts: { mode, mx, max_age } and bimi: { logo, authority } */
void	cfg_load_mta_sts(struct ctx *c, struct cfg_domain *dom,
	    const struct node *key, const struct node *n, const char *path);
void	cfg_load_bimi(struct ctx *c, struct cfg_domain *dom,
	    const struct node *key, const struct node *n, const char *path);

/* --- accounts.c: accounts: and a domain's account: --- */

/* accounts: { NAME: { role_arn, external_id, session_name, duration } or
 * { profile } }, into cfg->accounts. */
void	cfg_load_accounts(struct ctx *c, struct cfg *cfg,
	    const struct node *n);
/* A domain's account: value n, which must name one of cfg->accounts. */
void	cfg_load_account_ref(struct ctx *c, const struct cfg *cfg,
	    struct cfg_domain *dom, const struct node *n, const char *path);
void	cfg_accounts_release(struct cfg *cfg);

/* --- rollout.c: dmarc.rollout and dmarc.gate --- */

/* A date value, plain or quoted, written YYYY-MM-DD, into *day; -1 after
 * reporting at n.  Also a DKIM selector's from and retire. */
int	cfg_get_date(struct ctx *c, const struct node *n, const char *path,
	    long *day);

void	cfg_load_rollout(struct ctx *c, struct cfg_rollout *ro,
	    const struct node *key, const struct node *n, const char *path);
/* gate: { min_pass_rate: 98.0, window_days: 14, min_messages: 500 } */
void	cfg_load_gate(struct ctx *c, struct cfg_gate *g,
	    const struct node *key, const struct node *n, const char *path);
/* Frees the templates c read. */
void	cfg_tmpls_release(struct ctx *c);

#endif
