/*
 * common.c - the steps plan, apply and validate share: loading the config,
 * opening the AWS side from the options and the environment, and making a
 * plan.  Everything printed here goes to stderr but the plan itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "cli.h"

void
cli_diags(const struct diags *d)
{
	struct buf	 line = BUF_INIT;
	size_t		 i;

	for (i = 0; i < d->n; i++) {
		buf_reset(&line);
		diag_format(&d->v[i], &line);
		fprintf(stderr, "%s\n", buf_str(&line));
	}
	buf_release(&line);
}

int
cli_color(const struct cli_opts *o, FILE *f)
{
	const char	*term = getenv("TERM");

	if (o->no_color || getenv("NO_COLOR") != NULL)
		return 0;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fileno(f));
}

int
cli_load_config(const struct cli_opts *o, struct cfg *cfg)
{
	struct diags	 d = DIAGS_INIT;
	int		 rc;

	rc = cfg_load(cfg, o->config, &d);
	cli_diags(&d);
	if (rc == -1)
		cli_error("%zu error%s in '%s'; nothing was sent to AWS",
		    d.nerrors, d.nerrors == 1 ? "" : "s", o->config);
	diags_release(&d);
	return rc;
}

int
cli_plan_make(const struct cli_opts *o, struct cli_aws *aws,
    struct cli_plan *p)
{
	struct diags	 d = DIAGS_INIT;
	struct err	 err;
	int		 rc = -1;

	memset(p, 0, sizeof(*p));
	memset(aws, 0, sizeof(*aws));
	err_clear(&err);
	p->cfg = xcalloc(1, sizeof(*p->cfg));
	p->live = xcalloc(1, sizeof(*p->live));
	p->plan = xcalloc(1, sizeof(*p->plan));
	if (cli_load_config(o, p->cfg) == -1) {
		free(p->cfg);
		p->cfg = NULL;
		goto out;
	}
	if (desired_build(p->cfg, &p->desired, &p->ndesired, &d) == -1) {
		cli_diags(&d);
		cli_error("%zu error%s in the records '%s' produces; nothing "
		    "was sent to AWS", d.nerrors, d.nerrors == 1 ? "" : "s",
		    o->config);
		goto out;
	}
	if (cli_aws_open(o, aws) == -1)
		goto out;
	if (live_read(&aws->r53, p->cfg, p->desired, p->ndesired, p->live,
	    &d, &err) == -1) {
		cli_diags(&d);
		if (err.msg[0] != '\0')
			cli_error("%s", err.msg);
		else
			cli_error("%zu error%s; nothing was changed", d.nerrors,
			    d.nerrors == 1 ? "" : "s");
		goto out;
	}
	if (plan_diff(p->live, p->plan, &d) == -1) {
		cli_diags(&d);
		cli_error("%zu error%s; nothing was changed", d.nerrors,
		    d.nerrors == 1 ? "" : "s");
		goto out;
	}
	if (plan_batches(p->plan, &p->batches, &p->nbatches, &d) == -1) {
		cli_diags(&d);
		cli_error("%zu error%s; nothing was changed", d.nerrors,
		    d.nerrors == 1 ? "" : "s");
		goto out;
	}
	cli_diags(&d);
	rc = 0;
out:
	diags_release(&d);
	return rc;
}

size_t
cli_plan_weakens(const struct plan *plan, struct buf *out, int markdown)
{
	size_t	 i, n = 0;
	char	*why;

	for (i = 0; i < plan->nchanges; i++) {
		const struct plan_change	*c = &plan->changes[i];
		char				*name;

		if (c->op == PLAN_NONE || (why = plan_change_weakens(c)) == NULL)
			continue;
		if (n++ == 0)
			buf_adds(out, markdown ? "\n#### Weakens protection\n\n"
			    "Apply refuses these unless `--allow-weaken` is "
			    "given.\n\n" : "Weakens protection (apply refuses "
			    "these unless --allow-weaken is given):\n");
		name = dns_name_display(c->op == PLAN_CREATE ? c->after.name :
		    c->before.name);
		buf_addf(out, markdown ? "- `%s`: %s\n" : "  ! %s: %s\n", name,
		    why);
		free(name);
		free(why);
	}
	if (n > 0 && !markdown)
		buf_addc(out, '\n');
	return n;
}

void
cli_plan_print(const struct cli_opts *o, const struct plan *plan,
    const struct plan_meta *meta)
{
	struct buf	 text = BUF_INIT;
	const char	*format = o->format != NULL ? o->format : "text";

	if (strcmp(format, "json") == 0)
		plan_to_json(plan, meta, &text);
	else if (strcmp(format, "markdown") == 0) {
		plan_render_markdown(plan, &text);
		cli_plan_weakens(plan, &text, 1);
	} else {
		plan_render_text(plan, cli_color(o, stdout), &text);
		cli_plan_weakens(plan, &text, 0);
		if (!plan_has_changes(plan))
			buf_addf(&text, "No changes. Route 53 matches %s.\n",
			    meta->config_path);
	}
	fputs(buf_str(&text), stdout);
	fflush(stdout);
	buf_release(&text);
}

int
cli_file_sha256(const char *path, char hex[65])
{
	unsigned char	 md[EVP_MAX_MD_SIZE], chunk[65536];
	EVP_MD_CTX	*ctx = NULL;
	FILE		*f;
	unsigned int	 mdlen = 0, i;
	size_t		 n;
	int		 rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		cli_error("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (EVP_DigestUpdate(ctx, chunk, n) != 1)
			goto out;
	if (ferror(f)) {
		cli_error("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		goto out;
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	rc = 0;
out:
	if (rc == -1 && !ferror(f))
		cli_error("cannot hash '%s' with OpenSSL", path);
	EVP_MD_CTX_free(ctx);
	fclose(f);
	return rc;
}

int
cli_plan_meta(const struct cli_opts *o, struct plan_meta *meta)
{
	char		 when[32];
	time_t		 t = time(NULL);
	struct tm	 tm;

	memset(meta, 0, sizeof(*meta));
	meta->format_version = PLAN_FORMAT_VERSION;
	if (cli_file_sha256(o->config, meta->config_sha256) == -1)
		return -1;
	meta->mailauth_version = xstrdup(MAILAUTH_VERSION);
	meta->config_path = xstrdup(o->config);
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	meta->created = xstrdup(when);
	return 0;
}

void
cli_plan_release(struct cli_plan *p)
{
	plan_batches_release(p->batches, p->nbatches);
	if (p->plan != NULL)
		plan_release(p->plan);
	if (p->live != NULL)
		live_release(p->live);
	desired_release(p->desired, p->ndesired);
	if (p->cfg != NULL)
		cfg_release(p->cfg);
	free(p->plan);
	free(p->live);
	free(p->cfg);
	memset(p, 0, sizeof(*p));
}
