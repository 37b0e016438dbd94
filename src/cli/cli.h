/*
 * cli.h - the command line: options, the command table, and the steps the
 * commands share.  src/cli/ is the only code that prints, reads the
 * environment or the clock.
 */
#ifndef MAILAUTH_CLI_H
#define MAILAUTH_CLI_H

#include <stdio.h>

#include "mailauth/creds.h"
#include "mailauth/http.h"
#include "mailauth/plan.h"
#include "mailauth/route53.h"

struct cfg;
struct diags;

/* Exit statuses, as Terraform's plan -detailed-exitcode has them. */
#define EXIT_OK		0
#define EXIT_ERROR	1
#define EXIT_CHANGES	2

#define DEFAULT_CONFIG	"mailauth.yaml"
#define DEFAULT_WAIT_S	300

/* Every option of every command, parsed once; each command reads its own. */
struct cli_opts {
	const char	 *config;		/* -c, --config */
	int		  config_given;		/* -c was on the command line */
	const char	 *endpoint_url;		/* --endpoint-url */
	const char	 *profile;		/* --profile */
	double		  max_rps;		/* --max-rps; 0 unset */
	long		  connect_timeout;	/* --connect-timeout; 0 unset */
	long		  timeout;		/* --timeout; 0 unset */
	int		  allow_insecure;	/* --allow-insecure-endpoint */
	int		  no_color;		/* --no-color */
	int		  debug;		/* --debug */
	int		  help;			/* -h, --help */
	int		  version;		/* --version */
	int		  detailed_exitcode;	/* plan --detailed-exitcode */
	int		  auto_approve;		/* apply --auto-approve */
	int		  offline;		/* iam-policy --offline */
	const char	 *selector;		/* dkim keygen --selector */
	const char	 *key_type;		/* dkim keygen --type */
	long		  bits;			/* dkim keygen --bits; 0 unset */
	const char	 *out;			/* dkim keygen --out DIR,
						 * plan --out FILE */
	const char	 *format;		/* plan --format; NULL: text */
	int		  allow_weaken;		/* apply --allow-weaken */
	int		  no_wait;		/* apply --no-wait */
	long		  wait_timeout;		/* apply --wait-timeout; -1 unset */
	long		  at;			/* --at, as a day (see
						 * date_parse); -1 unset */
	const char	 *policies;		/* --policies DIR */
	const char	 *argv0;		/* to find the built-in templates */
	long		  since;		/* report --since, a day; -1 unset */
	long		  until;		/* report --until, a day; -1 unset */
	const char	 *domain;		/* report --domain */
	unsigned long long max_report_size;	/* report --max-report-size;
						 * 0 unset */
	const char	**reports;		/* --reports SOURCE, once per
						 * use, in order; owned array */
	size_t		  nreports;
	char		**args;			/* operands after the command */
	int		  nargs;
	char		**operands;		/* owned: the command, then args */
};

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* after "mailauth NAME " */
	const char	*summary;	/* one line, for "mailauth help" */
	const char	*help;		/* the rest of "mailauth help NAME" */
	unsigned int	 options;	/* OPT_* bits the command takes */
	int		 max_args;
	int		(*exec)(const struct cli_opts *);
};

/* Command-specific options; the global ones are taken by every command. */
#define OPT_DETAILED_EXITCODE	0x01u
#define OPT_AUTO_APPROVE	0x02u
#define OPT_KEYGEN		0x04u
#define OPT_PLAN_OUTPUT		0x08u	/* plan --out, --format */
#define OPT_APPLY		0x10u	/* apply --allow-weaken, --no-wait, ... */
#define OPT_AT			0x20u	/* plan, apply, validate, rollout --at */
#define OPT_STATUS_FORMAT	0x40u	/* rollout status --format */
#define OPT_REPORT		0x80u	/* report --format, --since, ... */
#define OPT_REPORTS		0x200u	/* plan, apply, rollout --reports */
#define OPT_OFFLINE		0x100u	/* iam-policy --offline */

extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_apply_entry;
extern const struct cmd_entry cmd_validate_entry;
extern const struct cmd_entry cmd_rollout_entry;
extern const struct cmd_entry cmd_lint_entry;
extern const struct cmd_entry cmd_dkim_entry;
extern const struct cmd_entry cmd_whoami_entry;
extern const struct cmd_entry cmd_iam_entry;
extern const struct cmd_entry cmd_ses_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_version_entry;

/* The command table, NULL-terminated, in the order "help" lists it. */
extern const struct cmd_entry *const cmd_table[];

int	 cli_main(int argc, char **argv);
const struct cmd_entry *cli_find_command(const char *name);
void	 cli_usage(FILE *, const struct cmd_entry *);
void	 cli_help(FILE *, const struct cmd_entry *);

/* Printing: errors and warnings go to stderr as "mailauth: ...". */
void	 cli_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 cli_diags(const struct diags *);
int	 cli_color(const struct cli_opts *, FILE *);

/* Loads and checks the config, printing every diagnostic; -1 on errors.
 * Rollout templates are looked up in --policies DIR and the built-in
 * folder (cli_templates_dir()). */
int	 cli_load_config(const struct cli_opts *, struct cfg *);
/*
 * The built-in DMARC rollout templates (malloc'd), the first folder that
 * exists of: ../policies/dmarc beside the binary (a build from a
 * checkout, build/mailauth), ../share/mailauth/policies/dmarc beside it (an
 * installed PREFIX/bin/mailauth), and MAILAUTH_DATADIR/policies/dmarc
 * (compiled in; default /usr/local/share/mailauth).  NULL when none does.
 */
char	*cli_templates_dir(const struct cli_opts *);
/* The day whose rollout stage is used: --at, else today in UTC. */
long	 cli_day(const struct cli_opts *);

/* Everything a Route 53 call needs, built from the options and the
 * environment. */
struct cli_aws {
	struct aws_creds	creds;
	struct http_curl	curl;
	struct http_transport	http;
	char			*endpoint;
	struct r53_client	r53;
};

int	 cli_aws_open(const struct cli_opts *, struct cli_aws *);
void	 cli_aws_close(struct cli_aws *);

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
int	 cli_reports_read(const struct cli_opts *, struct cli_aws *aws,
	    const char *const *sources, size_t n, struct report_reader *rd,
	    int strict);

struct cfg_domain;
struct gate_verdict;

/*
 * The rollout gate's verdict for every domain of cfg on day
 * (src/cli/gate.c): *out is an array parallel to cfg->domains (free with
 * cli_gate_free()), or NULL when --reports was not given, after a warning
 * for each domain with a gated stage due, which then advances on dates.
 * The reports are read once, with aws (opened here when an s3:// source
 * needs it and it is not open yet; the caller closes it).  -1 after
 * printing when a source cannot be read.
 */
int	 cli_gate_eval(const struct cli_opts *, const struct cfg *, long day,
	    struct cli_aws *aws, struct gate_verdict **out);
void	 cli_gate_free(struct gate_verdict *, size_t n);
/* Appends why dom, held by verdict v, stays at stage stays: one line,
 * without a newline. */
void	 cli_gate_why(const struct cfg_domain *, const struct gate_verdict *v,
	    size_t stays, struct buf *out);

/*
 * Amazon SES (src/cli/ses.c).  The SESv2 endpoint of region (malloc'd):
 * AWS_ENDPOINT_URL_SESV2, else AWS_ENDPOINT_URL (neither when
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), else
 * https://email.REGION.amazonaws.com; NULL after printing when it may not
 * be used.
 */
struct cfg_domain;
struct ses_identity;
char	*cli_ses_endpoint(const struct cli_opts *, const char *region);
/* 1 when a domain of cfg has ses:. */
int	 cli_ses_has(const struct cfg *);
/* GetEmailIdentity of dom's ses identity through aws; -1 after printing
 * ("domains.D.ses: ..."). */
int	 cli_ses_get(const struct cli_opts *, struct cli_aws *,
	    const struct cfg_domain *, struct ses_identity *);
/* The identity of every domain with ses: into *ids (cfg->ndomains
 * entries, zeroed for the others; release with cli_ses_release()); -1
 * after printing every failure, *ids then NULL. */
int	 cli_ses_identities(const struct cli_opts *, struct cli_aws *,
	    const struct cfg *, struct ses_identity **);
void	 cli_ses_release(struct ses_identity *, size_t);

/* The shared front half of plan and apply: the config read once, hashed
 * and parsed, the clock read once, the gate's verdicts and the SES
 * identities gathered, then plan_build() (mailauth/plan.h).  Prints
 * diagnostics, not the plan; returns -1 after printing why it could not
 * make one. */
struct cli_plan {
	struct cfg		*cfg;
	struct ses_identity	*ses;		/* parallel to cfg->domains,
						 * or NULL without ses: */
	struct plan_built	 built;		/* plan, batches, meta */
};

int	 cli_plan_make(const struct cli_opts *, struct cli_aws *,
	    struct cli_plan *);
void	 cli_plan_release(struct cli_plan *);
/* Prints the plan to stdout in o->format, with its weakening section. */
void	 cli_plan_print(const struct cli_opts *, const struct plan *,
	    const struct plan_meta *);
/* Appends the changes that weaken protection, as text or Markdown;
 * returns how many. */
size_t	 cli_plan_weakens(const struct plan *, struct buf *, int markdown);
/* Lower-case hex SHA-256 of the config file at path, read as
 * cli_load_config() reads it; -1 after printing. */
int	 cli_config_sha256(const char *path, char hex[65]);

#endif
