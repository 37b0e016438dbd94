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

static const char *
env_lookup(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static void
sleep_s(unsigned int s)
{
	sleep(s);
}

static time_t
now(void)
{
	return time(NULL);
}

/* --endpoint-url, then the AWS SDKs' variables, then Route 53 itself. */
static const char *
endpoint(const struct cli_opts *o)
{
	const char	*v, *ignore = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

	if (o->endpoint_url != NULL)
		return o->endpoint_url;
	if (ignore == NULL || strcmp(ignore, "true") != 0) {
		if ((v = getenv("AWS_ENDPOINT_URL_ROUTE_53")) != NULL && *v)
			return v;
		if ((v = getenv("AWS_ENDPOINT_URL")) != NULL && *v)
			return v;
	}
	return R53_DEFAULT_ENDPOINT;
}

int
cli_aws_open(const struct cli_opts *o, struct cli_aws *a)
{
	struct err	 err;
	const char	*ep = endpoint(o);
	size_t		 len;

	memset(a, 0, sizeof(*a));
	err_clear(&err);
	if (strncmp(ep, "https://", 8) != 0 && strncmp(ep, "http://", 7) != 0) {
		cli_error("endpoint '%s' is not an http:// or https:// URL", ep);
		return -1;
	}
	a->endpoint = xstrdup(ep);
	len = strlen(a->endpoint);
	while (len > 0 && a->endpoint[len - 1] == '/')
		a->endpoint[--len] = '\0';
	if (aws_creds_from_env(&a->creds, env_lookup, NULL, &err) == -1) {
		cli_error("%s", err.msg);
		free(a->endpoint);
		a->endpoint = NULL;
		return -1;
	}
	if (http_curl_global_init(&err) == -1) {
		cli_error("%s", err.msg);
		aws_creds_release(&a->creds);
		free(a->endpoint);
		a->endpoint = NULL;
		return -1;
	}
	a->curl.timeout_s = 60;
	a->curl.debug = o->debug ? stderr : NULL;
	a->http.send = http_curl_send;
	a->http.ctx = &a->curl;
	a->r53.http = &a->http;
	a->r53.endpoint = a->endpoint;
	a->r53.creds = &a->creds;
	a->r53.clock = now;
	a->r53.sleep = sleep_s;
	return 0;
}

void
cli_aws_close(struct cli_aws *a)
{
	if (a->endpoint == NULL)
		return;
	aws_creds_release(&a->creds);
	free(a->endpoint);
	http_curl_global_cleanup();
	memset(a, 0, sizeof(*a));
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
