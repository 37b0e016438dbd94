/*
 * desired.c - config -> desired records: what mailauth wants each domain to
 * publish, and which live values each kind of record owns.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/dmarc.h"
#include "mailauth/plan.h"

const char *
record_kind_name(enum record_kind kind)
{
	switch (kind) {
	case RECORD_DMARC:
		return "DMARC";
	}
	return "?";
}

int
record_kind_owns(enum record_kind kind, const char *text)
{
	switch (kind) {
	case RECORD_DMARC:
		return dmarc_is_record(text);
	}
	return 0;
}

static void
add(struct desired **v, size_t *n, const struct cfg_domain *dom,
    enum record_kind kind, const char *prefix, const char *type,
    struct buf *text)
{
	struct desired	*d = xappend(v, n, sizeof(**v));
	char		*name = xasprintf("%s%s", prefix, dom->name);

	d->domain = dom;
	d->kind = kind;
	/* The loader checked the domain name, so it canonicalises. */
	d->name = dns_name_canon(name, NULL);
	if (d->name == NULL)
		d->name = xstrdup(name);
	d->type = xstrdup(type);
	d->ttl = dom->ttl;
	d->text = buf_detach(text);
	free(name);
}

void
desired_build(const struct cfg *cfg, struct desired **out, size_t *nout)
{
	struct buf	 text = BUF_INIT;
	size_t		 i;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain	*dom = &cfg->domains[i];

		if (dom->dmarc.present) {
			dmarc_render(&dom->dmarc, &text);
			add(out, nout, dom, RECORD_DMARC, "_dmarc.", "TXT",
			    &text);
		}
	}
}

void
desired_release(struct desired *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].type);
		free(v[i].text);
	}
	free(v);
}
