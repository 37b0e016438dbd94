/*
 * cli.h - the command line: options, the command table, and the steps the
 * commands share.  src/cli/ is the only code that prints, reads the
 * environment or the clock.
 */
#ifndef MAILAUTH_CLI_H
#define MAILAUTH_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "mailauth/call.h"
#include "mailauth/creds.h"
#include "mailauth/http.h"
#include "mailauth/plan.h"
#include "mailauth/route53.h"
#include "mailauth/sts.h"

struct cfg;
struct diags;

/* Exit statuses, as Terraform's plan -detailed-exitcode has them. */
#define EXIT_OK		0
#define EXIT_ERROR	1
#define EXIT_CHANGES	2

#define DEFAULT_CONFIG	"mailauth.yaml"
#define DEFAULT_WAIT_S	300

struct cli_shard;

/* The options every command takes, anywhere on the line (cli.c). */
struct cli_global {
	const char	*config;		/* -c, --config; DEFAULT_CONFIG
						 * when not given */
	int		 config_given;		/* -c was on the command line */
	const char	*endpoint_url;		/* --endpoint-url: of every
						 * service a command calls
						 * (not the credentials
						 * chain's STS) */
	const char	*profile;		/* --profile */
	double		 max_rps;		/* --max-rps; 0 unset */
	long		 connect_timeout;	/* --connect-timeout; 0 unset */
	long		 timeout;		/* --timeout; 0 unset */
	int		 allow_insecure;	/* --allow-insecure-endpoint */
	const char	*color;			/* --color: "auto", "always",
						 * "never" (--no-color); NULL
						 * when not given: auto */
	int		 no_color;		/* --no-color was given */
	int		 debug;			/* --debug */
	int		 help;			/* -h, --help: cli_main() shows
						 * the help instead */
	int		 version;		/* --version: the command is
						 * "version" when none is given */
	const char	*policies;		/* --policies DIR */
	const char	*argv0;			/* to find the built-in templates */
	/* Not an option: a command with --domain and --zone sets it in its
	 * copy, and the config is loaded as that shard (shard.c). */
	const struct cli_shard *shard;
};

/*
 * A command's own options: each cmd-*.c declares a struct with a field per
 * option, a table of cli_option entries that names them (the CLI_OPT_*
 * macros below), and the struct's value before the line is read; its
 * cmd_entry points at both.  One parser (cli.c) reads every command's
 * line with them, so adding an option is a change to the command's file.
 * The kind of an option says what its value is and the type of its field.
 */
enum cli_opt_kind {
	CLI_FLAG,	/* int: 1 when given; takes no value */
	CLI_STRING,	/* const char *: the last value given */
	CLI_WORD,	/* const char *: the last value given, which must be
			 * one of the words of arg ("text|json") */
	CLI_STRINGS,	/* struct cli_strings: every value given, in order */
	CLI_NUMBER,	/* long: an integer from min to max */
	CLI_REAL,	/* double: a number from min to max */
	CLI_DATE,	/* long: a day, YYYY-MM-DD as date_parse() has it */
	CLI_SIZE,	/* unsigned long long: 1K to 16G bytes ("64M") */
};

/* The values of a CLI_STRINGS option; the array is the parser's. */
struct cli_strings {
	const char	**v;
	size_t		  n;
};

struct cli_option {
	const char		*name;	/* the long name, after "--"; NULL
					 * ends a table */
	char			 shrt;	/* the one-letter name, or 0 */
	enum cli_opt_kind	 kind;
	size_t			 offset; /* of its field in the struct */
	const char		*arg;	/* the value, in help ("FILE") */
	const char		*unit;	/* CLI_NUMBER, CLI_REAL: what the
					 * number counts, in messages */
	double			 min, max; /* CLI_NUMBER, CLI_REAL */
	const char		*help;
};

/* offsetof(type, field), refused by the compiler unless field is a ctype. */
#define CLI_FIELD(type, field, ctype)					\
	(offsetof(type, field) + 0 * sizeof((ctype *)0 == &((type *)0)->field))

#define CLI_OPT_FLAG(name, type, field, help)				\
	{ name, 0, CLI_FLAG, CLI_FIELD(type, field, int), NULL, NULL,	\
	  0, 0, help }
#define CLI_OPT_STRING(name, type, field, arg, help)			\
	{ name, 0, CLI_STRING, CLI_FIELD(type, field, const char *),	\
	  arg, NULL, 0, 0, help }
#define CLI_OPT_WORD(name, type, field, words, help)			\
	{ name, 0, CLI_WORD, CLI_FIELD(type, field, const char *),	\
	  words, NULL, 0, 0, help }
#define CLI_OPT_NUMBER(name, type, field, arg, min, max, unit, help)	\
	{ name, 0, CLI_NUMBER, CLI_FIELD(type, field, long), arg, unit,	\
	  min, max, help }
#define CLI_OPT_DATE(name, type, field, help)				\
	{ name, 0, CLI_DATE, CLI_FIELD(type, field, long), "YYYY-MM-DD",	\
	  NULL, 0, 0, help }
#define CLI_OPT_END	{ NULL, 0, CLI_FLAG, 0, NULL, NULL, 0, 0, NULL }

/* Options several commands take, declared once. */
#define CLI_OPT_AT(type, field)						\
	CLI_OPT_DATE("at", type, field, "use the DMARC rollout stages and "	\
	    "DKIM selector dates of this day (default: today, UTC)")
#define CLI_OPT_MAX_REPORT_SIZE(type, field)				\
	{ "max-report-size", 0, CLI_SIZE,				\
	  CLI_FIELD(type, field, unsigned long long), "SIZE", NULL, 0, 0,	\
	  "refuse a report larger than this once decompressed (default "	\
	  "64M; K, M or G)" }

/* The DNS servers verify and apply --verify ask (cmd-verify.c). */
#define CLI_OPT_RESOLVER(type, field)					\
	{ "resolver", 0, CLI_STRINGS,					\
	  CLI_FIELD(type, field, struct cli_strings), "HOST[:PORT]", NULL,	\
	  0, 0, "ask this DNS server instead of each hosted zone's own name "	\
	  "servers; give it once per server" }

/* The rollout gate's reports: plan, apply and rollout take them. */
struct cli_gate_opts {
	unsigned long long	 max_report_size; /* --max-report-size; 0 unset */
	struct cli_strings	 reports;	/* --reports SOURCE, in order */
	int			 ignore;	/* --ignore-gate (plan, apply) */
};

#define CLI_OPT_IGNORE_GATE(type, field)				\
	CLI_OPT_FLAG("ignore-gate", type, field.ignore, "take each DMARC "	\
	    "rollout stage on its date, without checking dmarc.gate")

#define CLI_OPT_GATE(type, field)					\
	CLI_OPT_MAX_REPORT_SIZE(type, field.max_report_size),		\
	{ "reports", 0, CLI_STRINGS,					\
	  CLI_FIELD(type, field.reports, struct cli_strings), "SOURCE",	\
	  NULL, 0, 0, "DMARC aggregate reports for the rollout gate: a "	\
	  "file, a folder or s3://BUCKET/PREFIX; give it once per source" }

/* --domain and --zone: plan, apply, rollout, iam-policy and verify take
 * them (src/cli/shard.c). */
struct cli_shard {
	struct cli_strings	 domains;	/* --domain NAME, globs */
	struct cli_strings	 zones;		/* --zone NAME|ID, globs */
};

#define CLI_OPT_SHARD(type, field)					\
	{ "domain", 0, CLI_STRINGS,					\
	  CLI_FIELD(type, field.domains, struct cli_strings), "NAME",	\
	  NULL, 0, 0, "only the domains NAME matches (a glob, "		\
	  "'*.example.com'); give it once per pattern" },		\
	{ "zone", 0, CLI_STRINGS,					\
	  CLI_FIELD(type, field.zones, struct cli_strings), "ZONE",	\
	  NULL, 0, 0, "only the domains of the hosted zone ZONE, a name or "	\
	  "an id (a glob); give it once per pattern" }

struct plan;
struct plan_meta;

/* 1 when sh holds a --domain or --zone pattern. */
int	 cli_shard_given(const struct cli_shard *sh);
/* Drops the domains of cfg outside o->shard (a domain without zone: is
 * in a --zone shard when its name or a parent name matches); -1 after
 * printing when none is left. */
int	 cli_shard_filter(const struct cli_global *o, struct cfg *cfg);
/* 1 when sh (may be NULL) has no --zone pattern or one matches the
 * hosted zone id or name (either may be NULL). */
int	 cli_shard_has_zone(const struct cli_shard *sh, const char *id,
	    const char *name);
/* Refuses (-1 after printing) a plan with a change in a zone outside
 * sh's --zone patterns: a domain without zone: found in another zone. */
int	 cli_shard_check_plan(const struct cli_shard *sh, const struct plan *);
/* Records sh's patterns in the saved plan's meta. */
void	 cli_shard_meta(const struct cli_shard *sh, struct plan_meta *);
/* 0 when sh (NULL: none) has the patterns of the plan saved at path, in
 * any order; else -1 after printing both. */
int	 cli_shard_same(const struct cli_shard *sh, const struct plan_meta *,
	    const char *path);

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* after "mailauth NAME " */
	const char	*summary;	/* one line, for "mailauth help" */
	const char	*help;		/* the rest of "mailauth help NAME" */
	const struct cli_option *options; /* its own, in help's order; NULL
					 * when it takes none */
	const void	*defaults;	/* its options before the line */
	size_t		 size;		/* of its options struct */
	int		 max_args;
	/* opts is the command's options struct, NULL when it has none;
	 * args are the operands after the command's name. */
	int		(*exec)(const struct cli_global *, const void *opts,
			    int nargs, char **args);
};

/* A cmd_entry's options, defaults and size, from the table and the
 * defaults (a struct of the command's options type). */
#define CLI_OPTIONS(table, defaults)	table, &(defaults), sizeof(defaults)
#define CLI_NO_OPTIONS			NULL, NULL, 0

extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_apply_entry;
extern const struct cmd_entry cmd_verify_entry;
extern const struct cmd_entry cmd_validate_entry;
extern const struct cmd_entry cmd_rollout_entry;
extern const struct cmd_entry cmd_lint_entry;
extern const struct cmd_entry cmd_dkim_entry;
extern const struct cmd_entry cmd_whoami_entry;
extern const struct cmd_entry cmd_iam_entry;
extern const struct cmd_entry cmd_ses_entry;
extern const struct cmd_entry cmd_mta_sts_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_version_entry;

/* The command table, NULL-terminated, in the order "help" lists it. */
extern const struct cmd_entry *const cmd_table[];

/* What "rollout status" and "dkim status" print for each domain on a day
 * (cli_status_print(), cmd-rollout.c). */
struct buf;
struct cJSON;
struct cfg_domain;
struct cli_status {
	const char	*title;		/* "DMARC rollouts": "TITLE on DATE (FILE)" */
	int		 format_version;	/* of the JSON document */
	void		(*text)(const struct cfg_domain *, long day, struct buf *);
	struct cJSON	*(*json)(const struct cfg_domain *, long day);
};
/* Prints st for every domain of cfg on day: with json, one document
 * {format_version, date, config, domains: [...]}; else the title line,
 * then each domain's text after an empty line.  EXIT_OK, or EXIT_ERROR
 * after printing. */
int	 cli_status_print(const struct cli_global *, const struct cfg *,
	    long day, int json, const struct cli_status *st);

/* The options every command takes, CLI_OPT_END-terminated (cli.c). */
extern const struct cli_option cli_global_options[];

int	 cli_main(int argc, char **argv);

/* An option word as the parser reads it: its entry and the value it
 * holds. */
struct cli_word {
	const struct cli_option	*def;	/* NULL: unknown */
	const char		*val;	/* "--out=F", "-cF": F; else NULL */
	size_t			 len;	/* of the word up to any '=' */
	int			 bad;	/* a flag with a value after it */
};

/*
 * Reads the option word a (it starts with '-' and is not "-" or "--")
 * against the global options, cmd's (NULL: none known yet) and table's:
 * "--NAME[=V]", "-NAME[=V]" when NAME is a whole long name of two or more
 * characters (Terraform's habit), else "-X[V]" with X a one-letter name.
 */
void	 cli_word_read(const struct cmd_entry *const *table,
	    const struct cmd_entry *cmd, const char *a, struct cli_word *w);

/*
 * "mailauth __complete WORD... CURRENT" (complete.c), which the bash, zsh
 * and fish completions in completions/ call: what may stand at CURRENT
 * after the words before it, read as the parser reads them, one per line
 * on out: a candidate that starts with CURRENT, with a tab and its
 * description when it has one ("plan\tshow what apply would change"), or
 * one directive for the shell to complete file names itself: ":files",
 * ":dirs" or ":yaml" (YAML files and folders), the value being what
 * follows any "--NAME=" in CURRENT.  Hidden: no help lists it.  Returns
 * EXIT_OK.
 */
int	 cli_complete(const struct cmd_entry *const *table, int nwords,
	    char **words, FILE *out);

/*
 * One command line, read by cli_line_read(): the global options, the
 * command, its options struct (NULL when it takes none) and its operands.
 */
struct cli_given;
struct cli_line {
	struct cli_global	 g;
	const struct cmd_entry	*cmd;
	void			*opts;
	int			 nargs;
	char			**args;
	char			**operands;	/* the command, then args */
	int			 noperands;
	struct cli_given	*given;		/* the command's options as
						 * read, till it is known */
	size_t			 ngiven;
};

/*
 * Reads argv against table (cmd_table, or a test's, which must hold
 * "help" and "version"): every value is checked, the global options
 * stored in l->g and the command's in l->opts.  With no command, --version
 * makes it "version" and --help "help".  With l->g.help set, the command's
 * options are not checked: its help is wanted.  -1 after printing the
 * problem and the usage line.  Release l with cli_line_release() either
 * way.
 */
int	 cli_line_read(struct cli_line *l, const struct cmd_entry *const *table,
	    int argc, char **argv);
void	 cli_line_release(struct cli_line *);
const struct cmd_entry *cli_find_command(const char *name);
/* The command of table named name, or NULL. */
const struct cmd_entry *cli_command_in(const struct cmd_entry *const *table,
	    const char *name);
/* Prints "unknown command 'NAME'", with the closest command's name when
 * one is close ("; did you mean 'plan'?"). */
void	 cli_unknown_command(const char *name);
void	 cli_usage(FILE *, const struct cmd_entry *);
void	 cli_help(FILE *, const struct cmd_entry *);

/* Printing: errors and warnings go to stderr as "mailauth: ...", made
 * printable (buf_add_printable_msg()). */
void	 cli_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 cli_diags(const struct diags *);
int	 cli_color(const struct cli_global *, FILE *);

/* Loads and checks the config, printing every diagnostic; -1 on errors.
 * Rollout templates are looked up in --policies DIR and the built-in
 * folder (cli_templates_dir()). */
int	 cli_load_config(const struct cli_global *, struct cfg *);
/*
 * The built-in DMARC rollout templates (malloc'd), the first folder that
 * exists of: ../policies/dmarc beside the binary (a build from a
 * checkout, build/mailauth), ../share/mailauth/policies/dmarc beside it (an
 * installed PREFIX/bin/mailauth), and MAILAUTH_DATADIR/policies/dmarc
 * (compiled in; default /usr/local/share/mailauth).  NULL when none does.
 */
char	*cli_templates_dir(const struct cli_global *);
/* The day whose rollout stage is used: at (a command's --at), else today
 * in UTC when at is -1. */
long	 cli_day(long at);

struct aws_partition;

/* Everything a Route 53 call needs, built from the options and the
 * environment (src/cli/aws.c). */
struct cli_aws {
	struct aws_creds	creds;
	struct http_curl	curl;
	struct http_transport	http;		/* Route 53's, paced */
	/* STS's, for the credentials: paced apart from Route 53's, and
	 * used by one thread at a time (the credentials provider's lock). */
	struct http_transport	sts_http;
	/* An account's role: the chain's STS client through sts_http. */
	struct sts_client	role_sts;
	char			*endpoint;
	struct r53_client	r53;
	/* AWS_REGION, AWS_DEFAULT_REGION or the profile's region, as the
	 * credentials chain reads it (NULL: none), and its partition,
	 * which Route 53's endpoint and signing region follow. */
	char			*region;
	const struct aws_partition *partition;
	/* The config's account this reaches (borrowed), NULL: the default
	 * credentials chain's. */
	const char		*account;
};

/*
 * Opens the AWS side (the transport, the credentials chain, the Route 53
 * client of the region's partition); -1 after printing.
 */
int	 cli_aws_open(const struct cli_global *, struct cli_aws *);
/*
 * The partition of the region, taken as cli_aws_open() takes it, without
 * opening anything or sending any request (iam-policy --offline).  NULL
 * after printing.
 */
const struct aws_partition *cli_aws_partition(const struct cli_global *);
/*
 * Where the requests of service go for region: --endpoint-url, else the
 * service's AWS_ENDPOINT_URL_* variable, else AWS_ENDPOINT_URL, else AWS's
 * own (aws_endpoint_resolve()), refused when it is plain http:// off
 * loopback without --allow-insecure-endpoint.  -1 after printing; release
 * ep with aws_endpoint_release().
 */
int	 cli_aws_endpoint(const struct cli_global *, enum aws_service service,
	    const char *region, struct aws_endpoint *ep);
void	 cli_aws_close(struct cli_aws *);

struct cfg_account;

/*
 * Opens the AWS side of an account of the config's accounts: (src/cli/
 * aws.c): its own transport and pacer (its own --max-rps budget and
 * back-off), and its credentials: with profile, that profile's chain;
 * with role_arn, STS AssumeRole signed with base's credentials through
 * base's STS client (base, the default chain's, is opened first when it
 * is not open yet, and must outlive a).  -1 after printing.
 */
int	 cli_aws_open_account(const struct cli_global *, struct cli_aws *base,
	    const struct cfg_account *, struct cli_aws *a);

/* The AWS sides of the accounts a run reaches, each opened on first use
 * (cli_accounts_get()); def is the default chain's, the caller's. */
struct cli_accounts {
	struct cli_aws		*def;
	const struct cfg	*cfg;		/* its accounts: */
	struct cli_aws		*v;		/* parallel to cfg->accounts */
	size_t			 n;
};

void	 cli_accounts_init(struct cli_accounts *, struct cli_aws *def,
	    const struct cfg *);
/* The open AWS side of the account named name (NULL: def, opened by
 * cli_aws_open() when it is not open yet); NULL after printing, also
 * when cfg has no such account (a saved plan of another config).  From
 * the main thread only, before the accounts' threads start (opening
 * initialises libcurl, and may run a credential_process at the
 * terminal); each account's thread then uses its struct cli_aws alone. */
struct cli_aws *cli_accounts_get(const struct cli_global *,
	    struct cli_accounts *, const char *name);
/* Closes every account's AWS side but def's. */
void	 cli_accounts_close(struct cli_accounts *);

struct report_reader;

/* 1 when a source is s3://...: reading it needs cli_aws_open() first. */
int	 cli_reports_need_aws(const char *const *sources, size_t n);
/*
 * Reads every source into rd (src/cli/reports.c): a file or a folder, or
 * s3://BUCKET/PREFIX, every object under the prefix through aws (NULL
 * when no source needs it).  A file or object that is no report is
 * recorded in rd's stats.  A listing that fails (NoSuchBucket,
 * AccessDenied) is recorded as rejected under the source's name, or
 * with strict printed and -1 returned: a gate must not be decided on
 * part of the reports.
 */
int	 cli_reports_read(const struct cli_global *, struct cli_aws *aws,
	    const char *const *sources, size_t n, struct report_reader *rd,
	    int strict);

struct cfg_domain;
struct gate_verdict;
struct replay_tally;

/*
 * The rollout gate's verdict for every domain of cfg on day
 * (src/cli/gate.c): *out is an array parallel to cfg->domains (free with
 * cli_gate_free()).  Without --reports the gate fails closed: a domain
 * with a gated stage due is held (GATE_NO_DATA, no_reports).  With
 * --ignore-gate no report is read and each such stage is taken on its
 * date (GATE_IGNORED), after a warning per domain.  The reports are read
 * once, with aws (opened here when an s3:// source needs it and it is not
 * open yet; the caller closes it).  Every warning printed is also added
 * to warned (may be NULL).  With tally (may be NULL) and --reports, the
 * reports are read even when no gate needs them (with --ignore-gate too),
 * and each row is added to *tally for the policy replay of plan; when
 * no report at all could be read, *tally is freed and set to NULL, after
 * a warning.  -1 after printing when a source cannot be read.
 */
int	 cli_gate_eval(const struct cli_global *, const struct cli_gate_opts *,
	    const struct cfg *, long day, struct cli_aws *aws,
	    struct gate_verdict **out, struct replay_tally **tally,
	    struct diags *warned);
void	 cli_gate_free(struct gate_verdict *, size_t n);

/*
 * Amazon SES (src/cli/ses.c).  The SESv2 endpoint of region (malloc'd),
 * as cli_aws_endpoint() finds it: --endpoint-url, else
 * AWS_ENDPOINT_URL_SESV2, else AWS_ENDPOINT_URL (neither when
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), else
 * https://email.REGION.amazonaws.com; NULL after printing when it may not
 * be used.
 */
struct cfg_domain;
struct ses_identity;
char	*cli_ses_endpoint(const struct cli_global *, const char *region);
/* 1 when a domain of cfg has ses:. */
int	 cli_ses_has(const struct cfg *);
/* GetEmailIdentity of dom's ses identity through aws; -1 after printing
 * ("domains.D.ses: ..."). */
int	 cli_ses_get(const struct cli_global *, struct cli_aws *,
	    const struct cfg_domain *, struct ses_identity *);
/* The identity of every domain with ses: into *ids (cfg->ndomains
 * entries, zeroed for the others; release with cli_ses_release()); -1
 * after printing every failure, *ids then NULL. */
int	 cli_ses_identities(const struct cli_global *, struct cli_aws *,
	    const struct cfg *, struct ses_identity **);
void	 cli_ses_release(struct ses_identity *, size_t);

/* The shared front half of plan and apply: the config read once, hashed
 * and parsed, the clock read once, the gate's verdicts and the SES
 * identities gathered, then plan_build() (mailauth/plan.h).  Prints
 * diagnostics, not the plan; returns -1 after printing why it could not
 * make one. */
struct gate_verdict;

/* With accounts:, the plan of one account's domains, made with its own
 * Route 53 client; its plan is moved into the cli_plan's. */
struct cli_plan_part {
	const char		*account;	/* borrowed; NULL: default */
	struct cfg		 sub;		/* the account's domains (copies
						 * that borrow: only the
						 * array is owned) */
	struct gate_verdict	*gates;		/* parallel to sub.domains,
						 * borrowing, or NULL */
	struct ses_identity	*ses;		/* parallel to sub.domains */
	struct plan_built	 built;		/* all but the plan */
};

struct cli_plan {
	struct cfg		*cfg;
	struct ses_identity	*ses;		/* parallel to cfg->domains,
						 * or NULL without ses: (or
						 * with accounts: parts) */
	struct plan_built	 built;		/* plan, batches, meta (with
						 * accounts: only these) */
	struct cli_accounts	 accounts;	/* def: the caller's aws */
	struct cli_plan_part	*parts;		/* with a domain's account:
						 * one per account, in the
						 * order of their first
						 * domain; else NULL */
	size_t			 nparts;
};

/*
 * The domains of cfg grouped by account (cfg_domain.account), in the
 * order of each account's first domain; returns how many groups.
 * (*subs)[k] is cfg with only group k's domains (copies that borrow from
 * cfg: free only each (*subs)[k].domains, then the arrays), (*names)[k]
 * its account (NULL: the default chain's), (*idx)[i] the index of
 * cfg->domains[i] in its group.
 */
size_t	 cli_cfg_split(const struct cfg *, struct cfg **subs,
	    const char ***names, size_t **idx);

int	 cli_plan_make(const struct cli_global *, long at,
	    const struct cli_gate_opts *, struct cli_aws *, struct cli_plan *);
void	 cli_plan_release(struct cli_plan *);
/* Prints the plan to stdout in format (NULL: text), with its weakening
 * section. */
void	 cli_plan_print(const struct cli_global *, const char *format,
	    const struct plan *, const struct plan_meta *);
/* Appends the changes that weaken protection, as text or Markdown;
 * returns how many. */
size_t	 cli_plan_weakens(const struct plan *, struct buf *, int markdown);
/* Lower-case hex SHA-256 of the config file at path, read as
 * cli_load_config() reads it; -1 after printing. */
int	 cli_config_sha256(const char *path, char hex[65]);

/*
 * apply --verify (cmd-verify.c): waits, at most wait_s seconds, until DNS
 * (resolvers, else each zone's own name servers) answers every record
 * set plan changed with its new value, then runs verify's checks for the
 * domains plan changed, printing them.  Returns verify's exit status (0,
 * 3 with findings, 1 when a name could not be checked), or 1 after
 * printing when a new value did not appear in time.  Each zone is asked
 * of Route 53 with its account's client from acc (opened on first use).
 */
int	 cli_verify_applied(const struct cli_global *, struct cli_accounts *acc,
	    const struct plan *, const struct cli_strings *resolvers, long at,
	    unsigned int wait_s);

#endif
