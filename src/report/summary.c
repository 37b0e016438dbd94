/*
 * summary.c - reports added up per domain (header_from) over a window of
 * days: messages, DMARC, DKIM and SPF passes, dispositions, the reporters
 * and the sending sources.
 *
 * Counting is exact: each row's count is added once, to its domain's
 * source, its domain and the summary's totals, so that every total is the
 * sum of the figures below it.  De-duplication is the reader's
 * (source.c): a summary counts every report it is given.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "internal.h"

char *
report_name_folded(const char *s)
{
	char	*d = xstrdup(s);
	size_t	 n;

	for (n = 0; d[n] != '\0'; n++)
		if (d[n] >= 'A' && d[n] <= 'Z')
			d[n] = (char)(d[n] - 'A' + 'a');
	if (n > 1 && d[n - 1] == '.')
		d[n - 1] = '\0';
	return d;
}

void
report_summary_init(struct report_summary *s, const struct report_filter *f)
{
	memset(s, 0, sizeof(*s));
	s->filter.since = s->filter.until = -1;
	if (f == NULL)
		return;
	s->filter.since = f->since;
	s->filter.until = f->until;
	if (f->domain != NULL)
		s->filter.domain = report_name_folded(f->domain);
}

int
report_filter_wants(const struct report_filter *filter, const char *d)
{
	const char	*f = filter->domain;
	size_t		 fl, dl;

	if (f == NULL)
		return 1;
	fl = strlen(f);
	dl = strlen(d);
	if (dl == fl)
		return strcmp(d, f) == 0;
	return dl > fl && d[dl - fl - 1] == '.' && strcmp(d + dl - fl, f) == 0;
}

void
report_counts_add(struct report_counts *c, const struct report_row *w)
{
	c->messages += w->count;
	if (w->dkim_pass || w->spf_pass)
		c->dmarc_pass += w->count;
	if (w->dkim_pass)
		c->dkim_pass += w->count;
	if (w->spf_pass)
		c->spf_pass += w->count;
	c->disposition[w->disposition] += w->count;
}

static size_t
domain_get(struct report_summary *s, const char *name)
{
	struct buf		 key = BUF_INIT;
	struct report_domain	*d;
	size_t			 i;
	int			 added;

	buf_addc(&key, 'D');
	buf_adds(&key, name);
	i = report_map_get(&s->index, key.data, key.len, s->ndomains, &added);
	buf_release(&key);
	if (added) {
		d = xappend(&s->domains, &s->ndomains, sizeof(*s->domains));
		d->name = xstrdup(name);
		s->last = xrealloc(s->last, s->ndomains * sizeof(*s->last));
		s->last[i] = 0;
	}
	return i;
}

static struct report_source *
source_get(struct report_summary *s, size_t dom, const char *ip)
{
	struct report_domain	*d = &s->domains[dom];
	struct report_source	*src;
	struct buf		 key = BUF_INIT;
	size_t			 i;
	int			 added;

	buf_addc(&key, 'S');
	buf_adds(&key, d->name);
	buf_addc(&key, '\0');
	buf_adds(&key, ip);
	i = report_map_get(&s->index, key.data, key.len, d->nsources, &added);
	buf_release(&key);
	if (!added)
		return &d->sources[i];
	src = xappend(&d->sources, &d->nsources, sizeof(*d->sources));
	src->ip = xstrdup(ip);
	return src;
}

static void
add_domains(char ***list, size_t *n, char *const *add, size_t nadd)
{
	size_t	 i, j;

	for (i = 0; i < nadd && *n < REPORT_DOMAINS_MAX; i++) {
		for (j = 0; j < *n; j++)
			if (strcmp((*list)[j], add[i]) == 0)
				break;
		if (j == *n)
			*(char **)xappend(list, n, sizeof(**list)) =
			    xstrdup(add[i]);
	}
}

static void
reporter_add(struct report_domain *d, const char *org, int new_report,
    uint64_t messages)
{
	struct report_reporter	*rp = NULL;
	size_t			 i;

	for (i = 0; i < d->nreporters; i++)
		if (strcmp(d->reporters[i].org_name, org) == 0) {
			rp = &d->reporters[i];
			break;
		}
	if (rp == NULL) {
		rp = xappend(&d->reporters, &d->nreporters,
		    sizeof(*d->reporters));
		rp->org_name = xstrdup(org);
	}
	if (new_report)
		rp->reports++;
	rp->messages += messages;
}

/* Adds to the value name of a tally list (see REPORT_TALLY_MAX). */
static void
tally_add(struct report_tally **v, size_t *n, const char *name,
    int new_report, uint64_t messages)
{
	struct report_tally	*t = NULL;
	size_t			 i;

	for (i = 0; i < *n && t == NULL; i++)
		if ((*v)[i].name != NULL && strcmp((*v)[i].name, name) == 0)
			t = &(*v)[i];
	if (t == NULL && *n >= REPORT_TALLY_MAX)
		t = &(*v)[*n - 1];
	if (t == NULL) {
		t = xappend(v, n, sizeof(**v));
		/* The last place is the others'. */
		t->name = *n == REPORT_TALLY_MAX ? NULL : xstrdup(name);
	}
	if (new_report)
		t->reports++;
	t->messages += messages;
}

static void
rfc9990_add(struct report_domain *d, const struct report *r,
    const struct report_row *w, int first)
{
	if (r->testing == 1) {
		d->testing_reports += (size_t)first;
		d->testing_messages += w->count;
	}
	tally_add(&d->methods, &d->nmethods, r->discovery_method != NULL ?
	    r->discovery_method : "", first, w->count);
	tally_add(&d->generators, &d->ngenerators, r->generator != NULL ?
	    r->generator : "", first, w->count);
	if (w->envelope_to != NULL)
		tally_add(&d->envelope_to, &d->nenvelope_to, w->envelope_to, 0,
		    w->count);
}

void
report_summary_add(struct report_summary *s, const struct report *r)
{
	const struct report_row	*w;
	struct report_source	*src;
	struct report_domain	*d;
	long			 day = report_day(r);
	size_t			 i, dom;
	int			 first;

	if (s->finished)
		return;
	if ((s->filter.since != -1 && day < s->filter.since) ||
	    (s->filter.until != -1 && day > s->filter.until)) {
		s->outside++;
		return;
	}
	s->in_window++;
	s->serial++;
	for (i = 0; i < r->nrows; i++) {
		w = &r->rows[i];
		if (!report_filter_wants(&s->filter, w->header_from))
			continue;
		dom = domain_get(s, w->header_from);
		src = source_get(s, dom, w->source_ip);
		d = &s->domains[dom];
		first = s->last[dom] != s->serial;
		s->last[dom] = s->serial;
		if (first)
			d->reports++;
		reporter_add(d, r->org_name, first, w->count);
		report_counts_add(&src->n, w);
		report_counts_add(&d->n, w);
		report_counts_add(&s->n, w);
		add_domains(&src->dkim_domains, &src->ndkim, w->dkim_domains,
		    w->ndkim);
		add_domains(&src->spf_domains, &src->nspf, w->spf_domains,
		    w->nspf);
		if (w->envelope_from != NULL)
			add_domains(&src->envelope_from, &src->nenvelope_from,
			    &w->envelope_from, 1);
		rfc9990_add(d, r, w, first);
	}
}

void
report_summary_sink(void *summary, const char *file, const struct report *r)
{
	(void)file;
	report_summary_add(summary, r);
}

static int
by_domain(const void *a, const void *b)
{
	return strcmp(((const struct report_domain *)a)->name,
	    ((const struct report_domain *)b)->name);
}

static int
worst_first(const void *a, const void *b)
{
	const struct report_source	*x = a, *y = b;
	uint64_t			 fx, fy;

	fx = x->n.messages - x->n.dmarc_pass;
	fy = y->n.messages - y->n.dmarc_pass;
	if (fx != fy)
		return fx > fy ? -1 : 1;
	if (x->n.messages != y->n.messages)
		return x->n.messages > y->n.messages ? -1 : 1;
	return strcmp(x->ip, y->ip);
}

static int
most_messages(const void *a, const void *b)
{
	const struct report_reporter	*x = a, *y = b;

	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	return strcmp(x->org_name, y->org_name);
}

static int
tally_order(const void *a, const void *b)
{
	const struct report_tally	*x = a, *y = b;

	/* The others last. */
	if ((x->name == NULL) != (y->name == NULL))
		return x->name == NULL ? 1 : -1;
	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	if (x->name == NULL)
		return 0;
	return strcmp(x->name, y->name);
}

static void
tally_sort(struct report_tally *v, size_t n)
{
	if (n > 0)
		qsort(v, n, sizeof(*v), tally_order);
}

void
report_summary_finish(struct report_summary *s)
{
	struct report_domain	*d;
	size_t			 i;

	if (s->finished)
		return;
	s->finished = 1;
	/* The index's positions are of the order of arrival. */
	report_map_free(s->index);
	s->index = NULL;
	free(s->last);
	s->last = NULL;
	if (s->ndomains > 0)
		qsort(s->domains, s->ndomains, sizeof(*s->domains), by_domain);
	for (i = 0; i < s->ndomains; i++) {
		d = &s->domains[i];
		if (d->nsources > 0)
			qsort(d->sources, d->nsources, sizeof(*d->sources),
			    worst_first);
		if (d->nreporters > 0)
			qsort(d->reporters, d->nreporters,
			    sizeof(*d->reporters), most_messages);
		tally_sort(d->methods, d->nmethods);
		tally_sort(d->generators, d->ngenerators);
		tally_sort(d->envelope_to, d->nenvelope_to);
	}
}

const struct report_domain *
report_summary_find(const struct report_summary *s, const char *domain)
{
	size_t	 i;

	for (i = 0; i < s->ndomains; i++)
		if (strcmp(s->domains[i].name, domain) == 0)
			return &s->domains[i];
	return NULL;
}

static void
strings_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
tally_free(struct report_tally *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

void
report_summary_release(struct report_summary *s)
{
	struct report_domain	*d;
	size_t			 i, j;

	for (i = 0; i < s->ndomains; i++) {
		d = &s->domains[i];
		free(d->name);
		for (j = 0; j < d->nsources; j++) {
			free(d->sources[j].ip);
			strings_free(d->sources[j].dkim_domains,
			    d->sources[j].ndkim);
			strings_free(d->sources[j].spf_domains,
			    d->sources[j].nspf);
			strings_free(d->sources[j].envelope_from,
			    d->sources[j].nenvelope_from);
		}
		tally_free(d->methods, d->nmethods);
		tally_free(d->generators, d->ngenerators);
		tally_free(d->envelope_to, d->nenvelope_to);
		free(d->sources);
		for (j = 0; j < d->nreporters; j++)
			free(d->reporters[j].org_name);
		free(d->reporters);
	}
	free(s->domains);
	free((char *)s->filter.domain);
	report_map_free(s->index);
	free(s->last);
	memset(s, 0, sizeof(*s));
}

double
report_rate(uint64_t part, uint64_t whole)
{
	uint64_t	 hundredths;

	if (whole == 0)
		return -1;
	if (part >= whole)
		return 100;
	/* Truncated, so rounded down; a double near 1 may round up. */
	hundredths = (uint64_t)((double)part * 10000.0 / (double)whole);
	if (hundredths > 9999)
		hundredths = 9999;
	return (double)hundredths / 100.0;
}
