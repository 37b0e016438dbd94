/*
 * render.c - a summary as text (for a terminal), Markdown (for a pull
 * request or an issue), JSON (docs/report-json.md) and CSV (a row per
 * domain and source).  JSON and CSV are written to a stream as they are
 * made, a source at a time, so that memory holds the summary and not its
 * output (115,000 sources make 45 MiB of JSON).
 *
 * Everything shown comes from strangers' reports: control characters
 * (C0, C1, the bidirectional overrides) and bad UTF-8 are never written as
 * they are (text and Markdown: buf_add_printable()'s escapes; JSON:
 * cJSON's escapes; CSV: quoted), Markdown markup is escaped, and a CSV
 * cell that a spreadsheet would read as a formula starts with a quote.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/date.h"
#include "mailauth/dmarc.h"
#include "mailauth/report.h"
#include "internal.h"

#define JSON_FORMAT_VERSION	1
#define REPORTERS_SHOWN		10	/* per domain, in text and Markdown */
#define IP_SHOWN		64	/* bytes of a source IP in text */


/* --- shared --- */

/* s made printable, at most max bytes ("..." at the end of a cut). */
void
report_text_safe(struct buf *out, const char *s, size_t max)
{
	buf_add_printable(out, s, strlen(s), max);
}

static void
safe(struct buf *out, const char *s, size_t max)
{
	report_text_safe(out, s, max);
}

/* The width of the source IP column: the longest address as shown. */
static int
ip_width(const char *ip)
{
	struct buf	 t = BUF_INIT;
	int		 w;

	safe(&t, ip, IP_SHOWN);
	w = (int)t.len;
	buf_release(&t);
	return w;
}

void
report_text_rate(struct buf *out, uint64_t part, uint64_t whole)
{
	double	 r = report_rate(part, whole);

	if (r < 0)
		buf_adds(out, "-");
	else
		buf_addf(out, "%.2f%%", r);
}

static void
plural(struct buf *out, size_t n, const char *one, const char *many)
{
	buf_addf(out, "%zu %s", n, n == 1 ? one : many);
}

/* "14 reports read, 2 duplicates, 1 rejected" */
static void
read_line(struct buf *out, const struct report_stats *st)
{
	plural(out, st->read, "report", "reports");
	buf_addf(out, " read, ");
	plural(out, st->duplicates, "duplicate", "duplicates");
	buf_addf(out, " skipped, %zu rejected", st->nrejected);
	if (st->rows_rejected > 0)
		buf_addf(out, " (%zu record%s not counted)", st->rows_rejected,
		    st->rows_rejected == 1 ? "" : "s");
}

/* "2026-03-01 to 2026-03-14 (UTC days); 12 reports in it, 2 outside" */
static void
window_line(struct buf *out, const struct report_summary *s)
{
	char	 a[11], b[11];

	if (s->filter.since == -1 && s->filter.until == -1) {
		buf_adds(out, "every date; ");
		plural(out, s->in_window, "report", "reports");
		return;
	}
	if (s->filter.since != -1)
		date_format(s->filter.since, a);
	if (s->filter.until != -1)
		date_format(s->filter.until, b);
	if (s->filter.since == -1)
		buf_addf(out, "until %s", b);
	else if (s->filter.until == -1)
		buf_addf(out, "from %s", a);
	else
		buf_addf(out, "%s to %s", a, b);
	buf_adds(out, " (UTC days); ");
	plural(out, s->in_window, "report", "reports");
	buf_addf(out, " in it, %zu outside", s->outside);
}

static void
join(struct buf *out, char *const *v, size_t n, const char *sep, size_t max)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(out, sep);
		safe(out, v[i], max);
	}
}

/* 1 when a tally names something: not only reports without the value. */
static int
tally_shown(const struct report_tally *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i].name == NULL || *v[i].name != '\0')
			return 1;
	return 0;
}

/*
 * "psl (3 reports), (not given) (1 report)": a tally's values, made
 * printable by show (escaping as the output needs), with their reports,
 * or their messages when by_messages.
 */
static void
tally_line(struct buf *out, const struct report_tally *v, size_t n,
    int by_messages, void (*show)(struct buf *, const char *))
{
	size_t	 i;

	for (i = 0; i < n && i < REPORTERS_SHOWN; i++) {
		if (i > 0)
			buf_adds(out, ", ");
		show(out, v[i].name == NULL ? "(others)" :
		    *v[i].name == '\0' ? "(not given)" : v[i].name);
		if (by_messages)
			buf_addf(out, " (%" PRIu64 " message%s)", v[i].messages,
			    v[i].messages == 1 ? "" : "s");
		else
			buf_addf(out, " (%zu report%s)", v[i].reports,
			    v[i].reports == 1 ? "" : "s");
	}
	if (n > REPORTERS_SHOWN)
		buf_addf(out, " and %zu more", n - REPORTERS_SHOWN);
}

static void
text_show(struct buf *out, const char *s)
{
	safe(out, s, 80);
}

/* A line's start: "  label         " in text, "\nLabel: " in Markdown. */
static void
label(struct buf *out, const char *text, const char *md, int markdown)
{
	if (markdown)
		buf_addf(out, "\n%s: ", md);
	else
		buf_addf(out, "  %-13s ", text);
}

/* RFC 9990's fields, each line only when reports gave it; show makes a
 * value printable (and escapes Markdown). */
static void
rfc9990_lines(struct buf *out, const struct report_domain *d, int markdown,
    void (*show)(struct buf *, const char *))
{
	const char	*end = markdown ? ".\n" : "\n";

	if (d->testing_reports > 0) {
		label(out, "testing (t=y)", "Testing (t=y)", markdown);
		buf_addf(out, "%zu report%s, %" PRIu64 " message%s (the policy "
		    "was not applied)%s", d->testing_reports,
		    d->testing_reports == 1 ? "" : "s", d->testing_messages,
		    d->testing_messages == 1 ? "" : "s", end);
	}
	if (tally_shown(d->methods, d->nmethods)) {
		label(out, "discovery", "Discovery", markdown);
		tally_line(out, d->methods, d->nmethods, 0, show);
		buf_adds(out, end);
	}
	if (tally_shown(d->generators, d->ngenerators)) {
		label(out, "generators", "Generators", markdown);
		tally_line(out, d->generators, d->ngenerators, 0, show);
		buf_adds(out, end);
	}
	if (d->nenvelope_to > 0) {
		label(out, "envelope_to", "Envelope to", markdown);
		tally_line(out, d->envelope_to, d->nenvelope_to, 1, show);
		buf_adds(out, end);
	}
}

/* --- text --- */

static void
text_source(struct buf *out, const struct report_source *src, int ipw,
    int dkw)
{
	struct buf	 cell = BUF_INIT;
	size_t		 start;

	start = out->len;
	buf_adds(out, "    ");
	safe(out, src->ip, IP_SHOWN);
	buf_addf(out, "%*s", (int)(ipw - (int)(out->len - start - 4)), "");
	buf_addf(out, " %10" PRIu64, src->n.messages);
	buf_reset(&cell);
	report_text_rate(&cell, src->n.dmarc_pass, src->n.messages);
	buf_addf(out, " %8s", buf_str(&cell));
	buf_reset(&cell);
	report_text_rate(&cell, src->n.dkim_pass, src->n.messages);
	buf_addf(out, " %8s", buf_str(&cell));
	buf_reset(&cell);
	report_text_rate(&cell, src->n.spf_pass, src->n.messages);
	buf_addf(out, " %8s  ", buf_str(&cell));
	buf_reset(&cell);
	if (src->ndkim == 0)
		buf_adds(&cell, "-");
	join(&cell, src->dkim_domains, src->ndkim, ",", 80);
	buf_addf(out, "%-*s  ", dkw, buf_str(&cell));
	if (src->nspf == 0)
		buf_adds(out, "-");
	join(out, src->spf_domains, src->nspf, ",", 80);
	/* No trailing blanks. */
	while (out->len > 0 && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
	buf_addc(out, '\n');
	buf_release(&cell);
}

static void
text_sources(struct buf *out, const struct report_domain *d)
{
	struct buf	 cell = BUF_INIT;
	size_t		 i, n = d->nsources;
	int		 ipw = 9, dkw = 7;

	if (n > REPORT_TEXT_SOURCES)
		n = REPORT_TEXT_SOURCES;
	for (i = 0; i < n; i++) {
		if (ip_width(d->sources[i].ip) > ipw)
			ipw = ip_width(d->sources[i].ip);
		buf_reset(&cell);
		join(&cell, d->sources[i].dkim_domains, d->sources[i].ndkim,
		    ",", 80);
		if ((int)cell.len > dkw)
			dkw = cell.len > 40 ? 40 : (int)cell.len;
	}
	buf_release(&cell);
	buf_addf(out, "  sources, worst first:\n    %-*s %10s %8s %8s %8s  "
	    "%-*s  %s\n", ipw, "source IP", "messages", "DMARC", "DKIM",
	    "SPF", dkw, "DKIM d=", "SPF domain");
	for (i = 0; i < n; i++)
		text_source(out, &d->sources[i], ipw, dkw);
	if (d->nsources > n)
		buf_addf(out, "    ... and %zu more (--format json or csv "
		    "lists every source)\n", d->nsources - n);
}

static void
text_rate_line(struct buf *out, const char *label, uint64_t part,
    uint64_t whole)
{
	struct buf	 cell = BUF_INIT;

	report_text_rate(&cell, part, whole);
	buf_addf(out, "  %-13s %7s  %" PRIu64 "\n", label, buf_str(&cell), part);
	buf_release(&cell);
}

static void
text_domain(struct buf *out, const struct report_domain *d)
{
	size_t	 i;

	buf_addc(out, '\n');
	safe(out, d->name, 255);
	buf_addf(out, ": %" PRIu64 " message%s in ", d->n.messages,
	    d->n.messages == 1 ? "" : "s");
	plural(out, d->reports, "report", "reports");
	buf_adds(out, " from ");
	plural(out, d->nreporters, "reporter", "reporters");
	buf_addc(out, '\n');
	text_rate_line(out, "DMARC pass", d->n.dmarc_pass, d->n.messages);
	text_rate_line(out, "DKIM aligned", d->n.dkim_pass, d->n.messages);
	text_rate_line(out, "SPF aligned", d->n.spf_pass, d->n.messages);
	buf_addf(out, "  %-13s none %" PRIu64 ", quarantine %" PRIu64
	    ", reject %" PRIu64 "\n  %-13s ", "disposition",
	    d->n.disposition[REPORT_DISP_NONE],
	    d->n.disposition[REPORT_DISP_QUARANTINE],
	    d->n.disposition[REPORT_DISP_REJECT], "reporters");
	for (i = 0; i < d->nreporters && i < REPORTERS_SHOWN; i++) {
		if (i > 0)
			buf_adds(out, ", ");
		safe(out, *d->reporters[i].org_name != '\0' ?
		    d->reporters[i].org_name : "(no org_name)", 80);
		buf_addf(out, " (%zu report%s, %" PRIu64 " message%s)",
		    d->reporters[i].reports,
		    d->reporters[i].reports == 1 ? "" : "s",
		    d->reporters[i].messages,
		    d->reporters[i].messages == 1 ? "" : "s");
	}
	if (d->nreporters > REPORTERS_SHOWN)
		buf_addf(out, " and %zu more", d->nreporters - REPORTERS_SHOWN);
	buf_addc(out, '\n');
	rfc9990_lines(out, d, 0, text_show);
	text_sources(out, d);
}

void
report_render_text(const struct report_summary *s,
    const struct report_stats *st, struct buf *out)
{
	size_t	 i;

	buf_adds(out, "DMARC aggregate reports: ");
	read_line(out, st);
	buf_adds(out, "\nwindow: ");
	window_line(out, s);
	buf_addc(out, '\n');
	if (s->filter.domain != NULL) {
		buf_adds(out, "domains: ");
		safe(out, s->filter.domain, 255);
		buf_adds(out, " and the names under it\n");
	}
	if (s->ndomains == 0)
		buf_adds(out, "\nNo messages in the window.\n");
	for (i = 0; i < s->ndomains; i++)
		text_domain(out, &s->domains[i]);
	if (st->nrejected > 0)
		buf_addf(out, "\nrejected:\n");
	for (i = 0; i < st->nrejected; i++) {
		buf_adds(out, "  ");
		safe(out, st->rejected[i].file, 4096);
		buf_adds(out, ": ");
		/* A message: what it quotes is escaped already. */
		buf_add_printable_msg(out, st->rejected[i].reason,
		    strlen(st->rejected[i].reason), 4096);
		buf_addc(out, '\n');
	}
}

/* --- Markdown --- */

/* What Markdown (GitHub's) could read as markup in plain text. */
#define MD_SPECIAL	"\\`*_[]<>|~&#!$:@()"

/* s made printable (at most 4096 bytes), with markup escaped; msg: s is a
 * message, whose backslashes are escapes already. */
static void
md_text(struct buf *out, const char *s, int msg)
{
	struct buf	 t = BUF_INIT;
	size_t		 i;

	if (msg)
		buf_add_printable_msg(&t, s, strlen(s), 4096);
	else
		safe(&t, s, 4096);
	for (i = 0; i < t.len; i++) {
		if (strchr(MD_SPECIAL, t.data[i]) != NULL)
			buf_addc(out, '\\');
		buf_addc(out, t.data[i]);
	}
	buf_release(&t);
}

/*
 * s made printable (at most 4096 bytes) as a code span in a table cell:
 * backticks in s lengthen the fence, a space pads it when s starts or
 * ends with a backtick or a space (CommonMark strips one from each side),
 * '|' is escaped (GitHub undoes that before reading the span).
 */
static void
md_code(struct buf *out, const char *raw)
{
	struct buf	 t = BUF_INIT;
	const char	*s;
	size_t		 i, run = 0, longest = 0, n;
	int		 pad;

	safe(&t, raw, 4096);
	s = buf_str(&t);
	if ((n = t.len) == 0)
		goto out;
	for (i = 0; i < n; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = s[0] == '`' || s[0] == ' ' || s[n - 1] == '`' || s[n - 1] == ' ';
	for (i = 0; i <= longest; i++)
		buf_addc(out, '`');
	if (pad)
		buf_addc(out, ' ');
	for (i = 0; i < n; i++) {
		if (s[i] == '|')
			buf_adds(out, "\\|");
		else
			buf_addc(out, s[i]);
	}
	if (pad)
		buf_addc(out, ' ');
	for (i = 0; i <= longest; i++)
		buf_addc(out, '`');
out:
	buf_release(&t);
}

static void
md_show(struct buf *out, const char *s)
{
	md_text(out, s, 0);
}

static void
md_codes(struct buf *out, char *const *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(out, ", ");
		md_code(out, v[i]);
	}
}

static void
md_counts_cells(struct buf *out, const struct report_counts *c)
{
	buf_addf(out, " %" PRIu64 " | ", c->messages);
	report_text_rate(out, c->dmarc_pass, c->messages);
	buf_adds(out, " | ");
	report_text_rate(out, c->dkim_pass, c->messages);
	buf_adds(out, " | ");
	report_text_rate(out, c->spf_pass, c->messages);
	buf_addf(out, " | %" PRIu64 " | %" PRIu64 " | %" PRIu64 " |",
	    c->disposition[REPORT_DISP_NONE],
	    c->disposition[REPORT_DISP_QUARANTINE],
	    c->disposition[REPORT_DISP_REJECT]);
}

static void
md_domain(struct buf *out, const struct report_domain *d)
{
	const struct report_source	*src;
	size_t				 i, n = d->nsources;

	buf_adds(out, "\n#### ");
	md_text(out, d->name, 0);
	buf_adds(out, "\n\nReporters: ");
	for (i = 0; i < d->nreporters && i < REPORTERS_SHOWN; i++) {
		if (i > 0)
			buf_adds(out, ", ");
		md_text(out, *d->reporters[i].org_name != '\0' ?
		    d->reporters[i].org_name : "(no org_name)", 0);
		buf_addf(out, " (%zu report%s, %" PRIu64 " message%s)",
		    d->reporters[i].reports,
		    d->reporters[i].reports == 1 ? "" : "s",
		    d->reporters[i].messages,
		    d->reporters[i].messages == 1 ? "" : "s");
	}
	if (d->nreporters > REPORTERS_SHOWN)
		buf_addf(out, " and %zu more", d->nreporters - REPORTERS_SHOWN);
	buf_adds(out, ".\n");
	rfc9990_lines(out, d, 1, md_show);
	buf_adds(out, "\n| source IP | messages | DMARC pass | DKIM aligned "
	    "| SPF aligned | none | quarantine | reject | DKIM d= | "
	    "SPF domains |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
	if (n > REPORT_TEXT_SOURCES)
		n = REPORT_TEXT_SOURCES;
	for (i = 0; i < n; i++) {
		src = &d->sources[i];
		buf_adds(out, "| ");
		md_code(out, src->ip);
		buf_adds(out, " |");
		md_counts_cells(out, &src->n);
		buf_adds(out, " ");
		md_codes(out, src->dkim_domains, src->ndkim);
		buf_adds(out, " | ");
		md_codes(out, src->spf_domains, src->nspf);
		buf_adds(out, " |\n");
	}
	if (d->nsources > n)
		buf_addf(out, "\n%zu more sources: `--format json` or `--format "
		    "csv` lists every one.\n", d->nsources - n);
}

void
report_render_markdown(const struct report_summary *s,
    const struct report_stats *st, struct buf *out)
{
	size_t	 i;

	buf_adds(out, "### DMARC aggregate reports\n\n");
	read_line(out, st);
	buf_adds(out, ". Window: ");
	window_line(out, s);
	buf_adds(out, ".");
	if (s->filter.domain != NULL) {
		buf_adds(out, " Domains: ");
		md_code(out, s->filter.domain);
		buf_adds(out, " and the names under it.");
	}
	buf_adds(out, "\n");
	if (s->ndomains == 0)
		buf_adds(out, "\nNo messages in the window.\n");
	else
		buf_adds(out, "\n| domain | messages | DMARC pass | DKIM aligned "
		    "| SPF aligned | none | quarantine | reject |\n"
		    "|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < s->ndomains; i++) {
		buf_adds(out, "| ");
		md_code(out, s->domains[i].name);
		buf_adds(out, " |");
		md_counts_cells(out, &s->domains[i].n);
		buf_addc(out, '\n');
	}
	for (i = 0; i < s->ndomains; i++)
		md_domain(out, &s->domains[i]);
	if (st->nrejected == 0)
		return;
	buf_adds(out, "\n#### Rejected files\n\n| file | reason |\n|---|---|\n");
	for (i = 0; i < st->nrejected; i++) {
		buf_adds(out, "| ");
		md_code(out, st->rejected[i].file);
		buf_adds(out, " | ");
		md_text(out, st->rejected[i].reason, 1);
		buf_adds(out, " |\n");
	}
}

/* --- JSON --- */

/* Counts as exact integers: a double holds only 53 bits. */
void
report_json_u64(cJSON *o, const char *key, uint64_t v)
{
	char	 num[24];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	cJSON_AddRawToObject(o, key, num);
}

static void
add_rate(cJSON *o, const char *key, uint64_t part, uint64_t whole)
{
	double	 r = report_rate(part, whole);

	if (r < 0)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, r);
}

static void
add_counts(cJSON *o, const struct report_counts *c)
{
	cJSON	*disp;
	int	 i;

	report_json_u64(o, "messages", c->messages);
	report_json_u64(o, "dmarc_pass", c->dmarc_pass);
	report_json_u64(o, "dkim_aligned_pass", c->dkim_pass);
	report_json_u64(o, "spf_aligned_pass", c->spf_pass);
	add_rate(o, "dmarc_pass_rate", c->dmarc_pass, c->messages);
	add_rate(o, "dkim_aligned_rate", c->dkim_pass, c->messages);
	add_rate(o, "spf_aligned_rate", c->spf_pass, c->messages);
	disp = cJSON_AddObjectToObject(o, "disposition");
	for (i = 0; i < REPORT_DISP_COUNT; i++)
		report_json_u64(disp, dmarc_policy_name((enum dmarc_policy)
		    (DMARC_POLICY_NONE + i)), c->disposition[i]);
}

static void
add_strings(cJSON *o, const char *key, char *const *v, size_t n)
{
	cJSON	*a = cJSON_AddArrayToObject(o, key);
	size_t	 i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
}

static void
add_day(cJSON *o, const char *key, long day)
{
	char	 d[11];

	if (day == -1)
		cJSON_AddNullToObject(o, key);
	else {
		date_format(day, d);
		cJSON_AddStringToObject(o, key, d);
	}
}

/* o printed by cJSON with its layout (tabs, one member a line). */
static char *
print(const cJSON *o)
{
	char	*text;

	/* cJSON fails only for want of memory, where buf.h stops too. */
	if ((text = cJSON_Print(o)) == NULL)
		abort();
	return text;
}

/*
 * len bytes of text with n more tabs after each newline: what cJSON's
 * layout makes of an element printed alone once it sits n levels deeper
 * (strings are escaped, so every newline in text is layout).
 */
static void
put_nested(FILE *f, const char *text, size_t len, int n)
{
	const char	*nl;
	size_t		 k;
	int		 i;

	while (len > 0) {
		nl = memchr(text, '\n', len);
		k = nl != NULL ? (size_t)(nl - text) + 1 : len;
		fwrite(text, 1, k, f);
		for (i = 0; nl != NULL && i < n; i++)
			fputc('\t', f);
		text += k;
		len -= k;
	}
}

static void
add_tally(cJSON *o, const char *key, const char *name_key,
    const struct report_tally *v, size_t n, int reports)
{
	cJSON	*a = cJSON_AddArrayToObject(o, key), *x;
	size_t	 i;

	for (i = 0; i < n; i++) {
		x = cJSON_CreateObject();
		if (v[i].name != NULL)
			cJSON_AddStringToObject(x, name_key, v[i].name);
		else
			cJSON_AddNullToObject(x, name_key);
		if (reports)
			report_json_u64(x, "reports", v[i].reports);
		report_json_u64(x, "messages", v[i].messages);
		cJSON_AddItemToArray(a, x);
	}
}

static void
json_rfc9990(cJSON *o, const struct report_domain *d)
{
	cJSON	*t = cJSON_AddObjectToObject(o, "testing");

	report_json_u64(t, "reports", d->testing_reports);
	report_json_u64(t, "messages", d->testing_messages);
	add_tally(o, "discovery_methods", "method", d->methods, d->nmethods,
	    1);
	add_tally(o, "generators", "generator", d->generators,
	    d->ngenerators, 1);
	add_tally(o, "envelope_to", "domain", d->envelope_to,
	    d->nenvelope_to, 0);
}

/* A domain without its sources: "sources" is its last member, empty. */
static cJSON *
json_domain(const struct report_domain *d)
{
	cJSON	*o = cJSON_CreateObject(), *a, *x;
	size_t	 i;

	cJSON_AddStringToObject(o, "domain", d->name);
	add_counts(o, &d->n);
	report_json_u64(o, "reports", d->reports);
	a = cJSON_AddArrayToObject(o, "reporters");
	for (i = 0; i < d->nreporters; i++) {
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "org_name",
		    d->reporters[i].org_name);
		report_json_u64(x, "reports", d->reporters[i].reports);
		report_json_u64(x, "messages", d->reporters[i].messages);
		cJSON_AddItemToArray(a, x);
	}
	json_rfc9990(o, d);
	cJSON_AddArrayToObject(o, "sources");
	return o;
}

static cJSON *
json_source(const struct report_source *src)
{
	cJSON	*x = cJSON_CreateObject();

	cJSON_AddStringToObject(x, "source_ip", src->ip);
	add_counts(x, &src->n);
	add_strings(x, "dkim_domains", src->dkim_domains, src->ndkim);
	add_strings(x, "spf_domains", src->spf_domains, src->nspf);
	add_strings(x, "envelope_from", src->envelope_from,
	    src->nenvelope_from);
	return x;
}

/*
 * The JSON of one domain, at the depth of the "domains" array: its own
 * members as one small tree, then its sources one at a time, each printed
 * by cJSON and freed before the next, so that memory holds one source's
 * JSON whatever the domain holds.  The bytes are those of the whole tree
 * printed at once, as the renderer did before it streamed.
 */
static void
write_domain(FILE *f, const struct report_domain *d)
{
	cJSON	*o = json_domain(d), *x;
	char	*text, *open, *t;
	size_t	 i;

	text = print(o);
	cJSON_Delete(o);
	/* The last '[' opens "sources": after it, "]" and the closing brace. */
	open = strrchr(text, '[');
	put_nested(f, text, (size_t)(open - text) + 1, 2);
	for (i = 0; i < d->nsources; i++) {
		if (i > 0)
			fputs(", ", f);
		x = json_source(&d->sources[i]);
		t = print(x);
		cJSON_Delete(x);
		put_nested(f, t, strlen(t), 4);
		cJSON_free(t);
	}
	put_nested(f, open + 1, strlen(open + 1), 2);
	cJSON_free(text);
}

int
report_write_json(const struct report_summary *s,
    const struct report_stats *st, FILE *f)
{
	cJSON	*root = cJSON_CreateObject(), *o, *a, *x;
	char	*text, *open;
	size_t	 i;

	cJSON_AddNumberToObject(root, "format_version", JSON_FORMAT_VERSION);
	o = cJSON_AddObjectToObject(root, "window");
	add_day(o, "since", s->filter.since);
	add_day(o, "until", s->filter.until);
	if (s->filter.domain != NULL)
		cJSON_AddStringToObject(o, "domain", s->filter.domain);
	else
		cJSON_AddNullToObject(o, "domain");
	o = cJSON_AddObjectToObject(root, "reports");
	report_json_u64(o, "read", st->read);
	report_json_u64(o, "duplicates", st->duplicates);
	report_json_u64(o, "records_rejected", st->rows_rejected);
	report_json_u64(o, "in_window", s->in_window);
	report_json_u64(o, "outside_window", s->outside);
	a = cJSON_AddArrayToObject(o, "rejected");
	for (i = 0; i < st->nrejected; i++) {
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "file", st->rejected[i].file);
		cJSON_AddStringToObject(x, "reason", st->rejected[i].reason);
		cJSON_AddItemToArray(a, x);
	}
	o = cJSON_AddObjectToObject(root, "totals");
	add_counts(o, &s->n);
	/* Empty and last: the domains are written into it one at a time. */
	cJSON_AddArrayToObject(root, "domains");
	text = print(root);
	cJSON_Delete(root);
	open = strrchr(text, '[');
	fwrite(text, 1, (size_t)(open - text) + 1, f);
	for (i = 0; i < s->ndomains; i++) {
		if (i > 0)
			fputs(", ", f);
		write_domain(f, &s->domains[i]);
	}
	fputs(open + 1, f);
	fputc('\n', f);
	cJSON_free(text);
	return ferror(f) ? -1 : 0;
}

/* What a writer wrote to a stream in memory, appended to out. */
static void
captured(struct buf *out, FILE *f, char **data, size_t *len)
{
	if (f == NULL)
		abort();
	/* *data and *len are set by the close. */
	fclose(f);
	buf_add(out, *data, *len);
	free(*data);
}

void
report_render_json(const struct report_summary *s,
    const struct report_stats *st, struct buf *out)
{
	char	*data = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&data, &len);

	if (f != NULL)
		report_write_json(s, st, f);
	captured(out, f, &data, &len);
}

/* --- CSV --- */

static void
csv_cell(struct buf *out, const char *s)
{
	int	 formula = strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
	size_t	 i;

	if (!formula && strpbrk(s, ",\"\r\n") == NULL) {
		buf_adds(out, s);
		return;
	}
	buf_addc(out, '"');
	if (formula)
		buf_addc(out, '\'');
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '"')
			buf_addc(out, '"');
		buf_addc(out, s[i]);
	}
	buf_addc(out, '"');
}

int
report_write_csv(const struct report_summary *s, FILE *f)
{
	const struct report_domain	*d;
	const struct report_source	*src;
	struct buf			 list = BUF_INIT, row = BUF_INIT;
	size_t				 i, j, k;

	fputs("domain,source_ip,messages,dmarc_pass,"
	    "dkim_aligned_pass,spf_aligned_pass,none,quarantine,reject,"
	    "dkim_domains,spf_domains\r\n", f);
	for (i = 0; i < s->ndomains; i++) {
		d = &s->domains[i];
		for (j = 0; j < d->nsources; j++) {
			src = &d->sources[j];
			buf_reset(&row);
			csv_cell(&row, d->name);
			buf_addc(&row, ',');
			csv_cell(&row, src->ip);
			buf_addf(&row, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			    ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			    ",", src->n.messages, src->n.dmarc_pass,
			    src->n.dkim_pass, src->n.spf_pass,
			    src->n.disposition[REPORT_DISP_NONE],
			    src->n.disposition[REPORT_DISP_QUARANTINE],
			    src->n.disposition[REPORT_DISP_REJECT]);
			buf_reset(&list);
			for (k = 0; k < src->ndkim; k++)
				buf_addf(&list, "%s%s", k > 0 ? " " : "",
				    src->dkim_domains[k]);
			csv_cell(&row, buf_str(&list));
			buf_addc(&row, ',');
			buf_reset(&list);
			for (k = 0; k < src->nspf; k++)
				buf_addf(&list, "%s%s", k > 0 ? " " : "",
				    src->spf_domains[k]);
			csv_cell(&row, buf_str(&list));
			buf_adds(&row, "\r\n");
			fwrite(row.data, 1, row.len, f);
		}
	}
	buf_release(&list);
	buf_release(&row);
	return ferror(f) ? -1 : 0;
}

void
report_render_csv(const struct report_summary *s, struct buf *out)
{
	char	*data = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&data, &len);

	if (f != NULL)
		report_write_csv(s, f);
	captured(out, f, &data, &len);
}
