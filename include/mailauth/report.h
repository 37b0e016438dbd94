/*
 * report.h - DMARC aggregate reports (rua): read them, summarise them.
 *
 *   SOURCE --report_read_path (src/report/source.c)----> named objects
 *          --container.c: by content: XML, gzip, zip,
 *                         e-mail (MIME) attachments-----> XML streams
 *          --parse.c: libxml2's streaming reader--------> struct report
 *          --de-duplicated by (org_name, report_id)-----> a sink
 *          --summary.c: per domain over a date window---> struct report_summary
 *          --render.c-----------------------------------> text, JSON, Markdown, CSV
 *
 * Reports come from strangers and are read as hostile: no DTD, no external
 * entity and no network access; every report and every file is bounded in
 * size once decompressed, every zip in members.  Reading never stops on a
 * bad report: each is recorded as rejected, with a reason, and the rest
 * are read.  One report is in memory at a time; a summary grows with the
 * number of distinct domains and sending sources, not of reports.
 *
 * Both schemas are read: RFC 7489 appendix C (no namespace, or the draft
 * ones seen in the wild) and RFC 9990 (urn:ietf:params:xml:ns:dmarc-2.0).
 * Elements are matched by local name.
 */
#ifndef MAILAUTH_REPORT_H
#define MAILAUTH_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct err;

struct buf;

/* --- one report (src/report/parse.c) --- */

enum report_schema {
	REPORT_RFC7489,		/* RFC 7489 appendix C and its drafts */
	REPORT_RFC9990		/* the dmarc-2.0 namespace, or version 2.0,
				 * np, testing or discovery_method */
};

/* policy_evaluated/disposition; RFC 9990's "pass" is counted as none. */
enum report_disposition {
	REPORT_DISP_NONE,
	REPORT_DISP_QUARANTINE,
	REPORT_DISP_REJECT,
	REPORT_DISP_COUNT
};

/* At most this many DKIM or SPF domains are kept per row and per source. */
#define REPORT_DOMAINS_MAX	32

/*
 * auth_results/dkim/result and auth_results/spf/result (RFC 7489's
 * DKIMResultType and SPFResultType, RFC 9990's): a word not among them,
 * or none given, is REPORT_AUTH_OTHER, which is no pass.
 */
enum report_auth_result {
	REPORT_AUTH_NONE,
	REPORT_AUTH_PASS,
	REPORT_AUTH_FAIL,
	REPORT_AUTH_SOFTFAIL,
	REPORT_AUTH_NEUTRAL,
	REPORT_AUTH_POLICY,
	REPORT_AUTH_TEMPERROR,
	REPORT_AUTH_PERMERROR,
	REPORT_AUTH_OTHER
};

/* "none", "pass", ... "other". */
const char *report_auth_result_name(enum report_auth_result);

/* One auth_results/dkim (a signature) or auth_results/spf (a check). */
struct report_auth {
	char			*domain;	/* d= or the SPF domain: lower
						 * case, no trailing dot; ""
						 * when not given */
	char			*selector;	/* DKIM s=, lower case; NULL
						 * when not given, and for SPF */
	char			*scope;		/* SPF: "mfrom", "helo", as given
						 * in lower case; NULL when not
						 * given, and for DKIM */
	enum report_auth_result	 result;
};

/* One <record>. */
struct report_row {
	char		 *source_ip;	/* canonical text of the address */
	uint64_t	  count;	/* 0 to REPORT_COUNT_MAX */
	enum report_disposition disposition;
	int		  dkim_pass;	/* policy_evaluated/dkim is "pass":
					 * DKIM passed and aligned */
	int		  spf_pass;	/* the same for SPF */
	char		 *header_from;	/* lower case, no trailing dot */
	char		**dkim_domains;	/* auth_results/dkim/domain (d=), lower
					 * case, each once, in order seen */
	size_t		  ndkim;
	char		**spf_domains;	/* auth_results/spf/domain */
	size_t		  nspf;
	/* Added for senders (src/report/senders.c) and RFC 9990: */
	struct report_auth *dkim_auth;	/* each auth_results/dkim in order,
					 * at most REPORT_DOMAINS_MAX */
	size_t		  ndkim_auth;
	struct report_auth *spf_auth;	/* each auth_results/spf, the same */
	size_t		  nspf_auth;
	int		  auth_results;	/* the record has <auth_results> */
	char		 *envelope_from; /* identifiers/envelope_from, lower
					 * case; NULL when absent or empty */
	char		 *envelope_to;	/* identifiers/envelope_to, the same */
};

/* A <record> a report holds that is not counted, and why ("record 3:
 * <count> is '-1', not a number of messages from 0 to 4294967295"). */
#define REPORT_ROW_REJECTS_MAX	16	/* reasons kept per report */

#define REPORT_COUNT_MAX	4294967295u

struct report {
	enum report_schema  schema;
	char		   *org_name;	/* "" when the report has none */
	char		   *report_id;	/* never empty */
	int64_t		    begin;	/* date_range, seconds since the epoch */
	int64_t		    end;	/* begin <= end */
	char		   *domain;	/* policy_published/domain; NULL when
					 * absent */
	struct report_row  *rows;
	size_t		    nrows;
	/* RFC 9990: */
	int		    testing;	/* policy_published/testing: 1 "y",
					 * 0 "n", -1 absent or another word */
	char		   *discovery_method; /* policy_published/
					 * discovery_method, lower case
					 * ("psl", "treewalk"); NULL: absent */
	char		   *generator;	/* report_metadata/generator; NULL:
					 * absent */
	/*
	 * Records not counted, each with its reason: a row whose values
	 * cannot be counted soundly (a count that is no number from 0 to
	 * REPORT_COUNT_MAX, an unknown disposition or policy_evaluated
	 * verdict, a missing source_ip, count, disposition or header_from,
	 * a header_from whose organisational domain is not that of
	 * policy_published/domain).  The other rows are counted.  Reasons
	 * are kept for the first REPORT_ROW_REJECTS_MAX; rows_rejected
	 * counts them all.
	 */
	char		  **row_rejects;
	size_t		    nrow_rejects;
	size_t		    rows_rejected;
};

void	report_release(struct report *);

/*
 * The UTC day (days since 1970-01-01) a report counts on: the day that
 * holds the middle of its date_range, (begin + end) / 2.  A report that
 * spans midnight counts on exactly one day, so adjacent windows never
 * share or both lose a report.
 */
long	report_day(const struct report *);

/* --- reading (source.c, container.c) --- */

#define REPORT_MAX_SIZE_DEFAULT	(64ull << 20)
#define REPORT_MAX_MEMBERS	256

struct report_limits {
	/*
	 * The most bytes of XML one report may decompress to, and the most
	 * all the reports of one file (or object) together may.  A plain
	 * XML, gzip or zip file larger than this is refused unread; an
	 * e-mail message may be twice as large (base64 grows what it
	 * carries by a third).
	 */
	uint64_t	max_size;
	size_t		max_members;	/* zip members, directories included */
};

struct report_rejected {
	char	*file;		/* the path or object name given */
	char	*reason;	/* why, in mailauth's style; "member 'x': ..."
				 * for a part of an archive or a message */
};

/*
 * What reading found.  read counts the reports handed to the sink, each
 * (org_name, report_id) once; duplicates those seen again and skipped.
 */
struct report_stats {
	size_t			 read;
	size_t			 duplicates;
	size_t			 rows_rejected;	/* records not counted in the
						 * reports read (each listed in
						 * rejected, up to
						 * REPORT_ROW_REJECTS_MAX per
						 * report) */
	struct report_rejected	*rejected;	/* in the order met */
	size_t			 nrejected;
};

/* Called with each report read, once per (org_name, report_id); the
 * report is freed when it returns.  file is where it came from. */
typedef void	(*report_sink_fn)(void *arg, const char *file,
		    const struct report *);

struct report_seen;

struct report_reader {
	struct report_limits	 limits;
	report_sink_fn		 sink;
	void			*arg;
	struct report_stats	 stats;
	struct report_seen	*seen;		/* private: the reports met */
};

/* limits may be NULL, and its fields 0, for the defaults
 * (REPORT_MAX_SIZE_DEFAULT, REPORT_MAX_MEMBERS). */
/*
 * Makes reading containers possible (gzip, zip, e-mail: GMime and
 * libarchive).  In the mailauth binary they are a shared object,
 * mailauth-report.so, loaded here on first use so that no other command
 * maps those libraries (src/report/load.c); linked into a program, this
 * is 0 at once.  -1 with err saying which file is missing or why it could
 * not be loaded.  Until it succeeds, every object read is rejected with
 * that reason.
 */
int	report_reader_load(struct err *err);
void	report_reader_init(struct report_reader *,
	    const struct report_limits *, report_sink_fn, void *arg);
void	report_reader_release(struct report_reader *);

/*
 * Reads a file, or a folder and everything under it (in byte order of the
 * names; names starting with '.' are skipped, symbolic links to folders
 * are not followed).  Nothing is returned: each file either yields reports
 * or is recorded in stats.rejected.
 */
void	report_read_path(struct report_reader *, const char *path);
/*
 * Reads one object held in memory (an S3 object, say), named name in
 * messages.  The kind is found from the content, as for files.
 */
void	report_read_mem(struct report_reader *, const char *name,
	    const void *data, size_t len);
/* Records name as rejected, for a source that cannot even hand over the
 * bytes (a listing that failed, an object too large to fetch). */
void	report_reject(struct report_reader *, const char *name,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --- summaries (summary.c) --- */

/*
 * Which reports and rows a summary counts: a report whose report_day() is
 * from since to until (inclusive; -1 for no bound), and of it the rows
 * whose header_from is domain or under it (NULL: every row).
 */
struct report_filter {
	long		 since;
	long		 until;
	const char	*domain;
};

struct report_counts {
	uint64_t	messages;
	uint64_t	dmarc_pass;	/* rows with DKIM or SPF passing and
					 * aligned (policy_evaluated) */
	uint64_t	dkim_pass;
	uint64_t	spf_pass;
	uint64_t	disposition[REPORT_DISP_COUNT];
};

/* One sending address for one domain. */
struct report_source {
	char			*ip;
	struct report_counts	 n;
	char			**dkim_domains;	/* each once, first seen first;
						 * at most REPORT_DOMAINS_MAX */
	size_t			 ndkim;
	char			**spf_domains;
	size_t			 nspf;
	char			**envelope_from; /* identifiers/envelope_from,
						 * as dkim_domains */
	size_t			 nenvelope_from;
};

/*
 * A value seen in reports and how often: a discovery_method, a generator,
 * an envelope_to.  A list holds at most REPORT_TALLY_MAX; values met once
 * it is full are added to one last entry whose name is NULL ("others").
 */
#define REPORT_TALLY_MAX	16

struct report_tally {
	char		*name;		/* "" when the report gives none;
					 * NULL: the others */
	size_t		 reports;
	uint64_t	 messages;
};

struct report_reporter {
	char		*org_name;	/* "" for reports without one */
	size_t		 reports;
	uint64_t	 messages;
};

struct report_domain {
	char			*name;		/* header_from */
	struct report_counts	 n;		/* the sum of its sources' */
	size_t			 reports;	/* reports with rows for it */
	struct report_reporter	*reporters;	/* most messages first */
	size_t			 nreporters;
	struct report_source	*sources;	/* worst first: see below */
	size_t			 nsources;
	/* RFC 9990 (absent from RFC 7489 reports): */
	size_t			 testing_reports; /* with testing "y" */
	uint64_t		 testing_messages;
	struct report_tally	*methods;	/* discovery_method; most
						 * messages first */
	size_t			 nmethods;
	struct report_tally	*generators;	/* report_metadata/generator */
	size_t			 ngenerators;
	struct report_tally	*envelope_to;	/* reports 0: not counted */
	size_t			 nenvelope_to;
};

struct report_map;

struct report_summary {
	struct report_filter	 filter;	/* domain owned */
	size_t			 in_window;	/* reports counted */
	size_t			 outside;	/* reports outside the dates */
	struct report_counts	 n;		/* over every domain */
	struct report_domain	*domains;	/* by name once finished */
	size_t			 ndomains;
	struct report_map	*index;		/* private: domains, sources */
	size_t			*last;		/* private: per domain, the
						 * last report counted */
	size_t			 serial;	/* private: reports added */
	int			 finished;
};

/* filter may be NULL: every report and row. */
void	report_summary_init(struct report_summary *,
	    const struct report_filter *);
/* Counts one report; usable as a report_sink_fn with the summary as
 * arg.  Not after report_summary_finish(). */
void	report_summary_add(struct report_summary *, const struct report *);
void	report_summary_sink(void *summary, const char *file,
	    const struct report *);
/*
 * Puts the summary in its final order: domains by name; each domain's
 * sources worst first (most messages failing DMARC, then most messages,
 * then address); reporters by messages, then name.
 */
void	report_summary_finish(struct report_summary *);
/* The domain named exactly (lower case), or NULL. */
const struct report_domain *report_summary_find(const struct report_summary *,
	    const char *domain);
void	report_summary_release(struct report_summary *);

/*
 * part of whole as a percentage rounded down to two decimals (so 100 only
 * when every message passed); -1 when whole is 0.
 */
double	report_rate(uint64_t part, uint64_t whole);

/* --- senders against the config (senders.c) --- */

/*
 * What the config declares for one domain, as senders need it: its own
 * small struct, filled by src/cli from the config, so that src/report
 * knows nothing of the config.  Borrowed for the senders' life.
 */
struct report_declared {
	const char		*domain;	/* lower case, no trailing dot */
	int			 strict_dkim;	/* dmarc adkim: strict */
	int			 strict_spf;	/* dmarc aspf: strict */
	int			 spf;		/* the config manages its SPF */
	const char *const	*selectors;	/* dkim: selectors published
						 * (not state: absent) */
	size_t			 nselectors;
	const char *const	*includes;	/* spf include: names */
	size_t			 nincludes;
};

enum report_verdict {
	REPORT_CONFIGURED,	/* passes DMARC through a declared selector
				 * or the domain's own SPF */
	REPORT_UNDECLARED,	/* passes only through what is not declared */
	REPORT_FAILING,		/* fails DMARC */
	REPORT_VERDICT_COUNT
};

/* "configured", "undeclared", "failing". */
const char *report_verdict_name(enum report_verdict);

/* A DKIM signature (domain, selector) or an SPF domain seen from a
 * source, with the messages for which it passed and did not. */
struct report_sender_auth {
	char		*domain;
	char		*selector;	/* NULL for SPF */
	uint64_t	 pass;
	uint64_t	 other;
	int		 aligned;	/* with the header_from, as the
					 * domain's adkim/aspf say */
	int		 declared;	/* the config declares it */
};

struct report_sender {
	char			*ip;
	char			*name;		/* PTR name (--resolve); NULL */
	struct report_counts	 n;
	uint64_t		 verdicts[REPORT_VERDICT_COUNT]; /* messages */
	enum report_verdict	 verdict;	/* that of most of its messages,
						 * ties to the worse */
	struct report_sender_auth *dkim;	/* at most REPORT_DOMAINS_MAX */
	size_t			 ndkim;
	struct report_sender_auth *spf;
	size_t			 nspf;
};

/*
 * A config line to add or a fact to check.  kind: "declare-selector",
 * "manage-spf", "spf-include-unseen", "dkim-unaligned",
 * "spf-unaligned", "identify-source".
 */
struct report_suggestion {
	const char	*kind;		/* static */
	char		*message;	/* in mailauth's style, input quoted */
	char		*config;	/* the line to add; NULL: a fact */
	char		*source;	/* an address or network; NULL */
	uint64_t	 messages;	/* the mail it concerns */
};

/* The most suggestions kept per domain, most messages first. */
#define REPORT_SUGGESTIONS_MAX	20
/* A failing network or an unaligned sender is suggested from this share
 * of the domain's messages, in hundredths of a percent (1%). */
#define REPORT_SUGGEST_SHARE	100
/* "declared but never seen passing" needs this many messages in the
 * window: fewer says nothing. */
#define REPORT_SUGGEST_MIN_MESSAGES	100

struct report_sender_domain {
	char				*name;		/* header_from */
	const struct report_declared	*declared;	/* NULL: not in the
							 * config */
	const struct report_declared	*rule;		/* whose adkim and
							 * aspf apply: its own,
							 * a parent's, NULL */
	struct report_counts		 n;
	uint64_t			 verdicts[REPORT_VERDICT_COUNT];
	struct report_sender		*senders;	/* by verdict, then most
							 * messages, then IP */
	size_t				 nsenders;
	struct report_suggestion	*suggestions;
	size_t				 nsuggestions;
};

struct report_senders {
	struct report_filter		 filter;	/* domain owned */
	const struct report_declared	*declared;	/* borrowed */
	size_t				 ndeclared;
	size_t				 in_window;
	size_t				 outside;
	struct report_sender_domain	*domains;	/* by name when
							 * finished */
	size_t				 ndomains;
	struct report_map		*index;		/* private */
	int				 finished;
};

/* filter may be NULL; declared (n of them) may be NULL with n 0. */
void	report_senders_init(struct report_senders *,
	    const struct report_filter *, const struct report_declared *,
	    size_t n);
void	report_senders_add(struct report_senders *, const struct report *);
void	report_senders_sink(void *senders, const char *file,
	    const struct report *);
/* Orders, gives each sender its verdict, makes the suggestions. */
void	report_senders_finish(struct report_senders *);
void	report_senders_release(struct report_senders *);
/* The verdict of one row, for domain (its header_from): exposed for the
 * tests. */
enum report_verdict report_row_verdict(struct report_senders *,
	    const struct report_row *);

/* Text grouped by verdict, and the JSON of docs/report-json.md
 * ("senders"), written to f as it is made; -1 when f has its error flag
 * set. */
void	report_senders_render_text(const struct report_senders *,
	    const struct report_stats *, struct buf *out);
int	report_senders_write_json(const struct report_senders *,
	    const struct report_stats *, FILE *f);

/* --- output (render.c): appended to out --- */

/* The most sources text and Markdown show per domain; JSON and CSV show
 * all. */
#define REPORT_TEXT_SOURCES	20

void	report_render_text(const struct report_summary *,
	    const struct report_stats *, struct buf *out);
void	report_render_markdown(const struct report_summary *,
	    const struct report_stats *, struct buf *out);
/* The JSON document of docs/report-json.md. */
void	report_render_json(const struct report_summary *,
	    const struct report_stats *, struct buf *out);
/* One line per domain and source, after a header line (RFC 4180). */
void	report_render_csv(const struct report_summary *, struct buf *out);
/*
 * The same bytes as report_render_json() and report_render_csv(), written
 * to f as they are made, one source at a time: memory holds the summary,
 * not the output.  0, or -1 when f has its error flag set (errno says
 * why); f is neither flushed nor closed.
 */
int	report_write_json(const struct report_summary *,
	    const struct report_stats *, FILE *f);
int	report_write_csv(const struct report_summary *, FILE *f);

#endif
