/*
 * profile.c - the AWS shared config and credentials files: where they are,
 * and the INI dialect the AWS CLI accepts, turned into profiles (rules in
 * profile.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/chain.h"
#include "mailauth/err.h"
#include "mailauth/file.h"
#include "mailauth/profile.h"

/* Where the parser stands: the profile being filled, if any. */
struct parser {
	struct aws_profiles	*ps;
	const char		*path;
	enum aws_file		 file;
	size_t			 lineno;
	int			 in_section;	/* a header was seen */
	size_t			 profile;	/* index in ps, or SIZE_MAX */
	size_t			 setting;	/* the last setting, or SIZE_MAX */
	int			 has_key;	/* a continuation may follow */
	size_t			 key_indent;
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

static struct aws_profile *
find(const struct aws_profiles *ps, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++)
		if (strlen(ps->v[i].name) == len &&
		    memcmp(ps->v[i].name, name, len) == 0)
			return &ps->v[i];
	return NULL;
}

const struct aws_profile *
aws_profiles_find(const struct aws_profiles *ps, const char *name)
{
	return name != NULL ? find(ps, name, strlen(name)) : NULL;
}

/* The profile's index, made when new. */
static size_t
profile_open(struct aws_profiles *ps, const char *name, size_t len)
{
	struct aws_profile	*p;

	if ((p = find(ps, name, len)) != NULL)
		return (size_t)(p - ps->v);
	p = xappend(&ps->v, &ps->n, sizeof(*ps->v));
	p->name = xstrndup(name, len);
	return ps->n - 1;
}

/*
 * The profile a config-file section names, as botocore reads it: "default",
 * or "profile" and one more word (split as a shell would, so the name may
 * be quoted).  Returns 0 and the name (malloc'd) in *out, or -1 when the
 * section is not a profile.
 */
static int
config_section(const char *s, size_t len, char **out)
{
	struct buf	 word = BUF_INIT, name = BUF_INIT;
	size_t		 i = 0, nwords = 0;
	char		 q;

	*out = NULL;
	if (len == 7 && memcmp(s, "default", 7) == 0) {
		*out = xstrdup("default");
		return 0;
	}
	while (i < len) {
		while (i < len && is_blank(s[i]))
			i++;
		if (i == len)
			break;
		buf_reset(&word);
		while (i < len && !is_blank(s[i])) {
			if (s[i] == '"' || s[i] == '\'') {
				q = s[i++];
				while (i < len && s[i] != q) {
					if (q == '"' && s[i] == '\\' &&
					    i + 1 < len)
						i++;
					buf_addc(&word, s[i++]);
				}
				if (i == len) {		/* unbalanced quote */
					nwords = 0;
					goto out;
				}
				i++;
			} else
				buf_addc(&word, s[i++]);
		}
		if (++nwords == 1 && strcmp(buf_str(&word), "profile") != 0)
			goto out;
		if (nwords == 2)
			buf_adds(&name, buf_str(&word));
	}
out:
	if (nwords == 2)
		*out = buf_detach(&name);
	buf_release(&word);
	buf_release(&name);
	return *out != NULL ? 0 : -1;
}

static int
header(struct parser *p, const char *s, size_t len, struct err *err)
{
	const char	*close = NULL;
	char		*name;
	size_t		 i;

	for (i = 1; i < len; i++)
		if (s[i] == ']')
			close = s + i;
	if (close == NULL)
		return err_set(err, "%s:%zu: a section header needs a closing "
		    "']'", p->path, p->lineno);
	if (close == s + 1)
		return err_set(err, "%s:%zu: empty section name", p->path,
		    p->lineno);
	p->in_section = 1;
	p->has_key = 0;
	p->setting = SIZE_MAX;
	p->profile = SIZE_MAX;
	/* As configparser: the name is everything between the first '[' and
	 * the last ']', untrimmed; what follows the ']' is ignored. */
	if (p->file == AWS_FILE_CREDENTIALS)
		p->profile = profile_open(p->ps, s + 1, (size_t)(close - s - 1));
	else if (config_section(s + 1, (size_t)(close - s - 1), &name) == 0) {
		p->profile = profile_open(p->ps, name, strlen(name));
		free(name);
	}
	return 0;
}

static void
set(struct parser *p, const char *key, size_t klen, const char *value,
    size_t vlen)
{
	struct aws_profile	*pr = &p->ps->v[p->profile];
	struct aws_setting	*st;
	size_t			 i;

	for (i = 0; i < pr->n; i++) {
		st = &pr->v[i];
		if (st->file == p->file && strlen(st->key) == klen &&
		    memcmp(st->key, key, klen) == 0) {
			aws_secret_free(st->value);
			st->value = xstrndup(value, vlen);
			st->line = p->lineno;
			p->setting = i;
			return;
		}
	}
	st = xappend(&pr->v, &pr->n, sizeof(*pr->v));
	st->key = xstrndup(key, klen);
	for (i = 0; i < klen; i++)
		if (st->key[i] >= 'A' && st->key[i] <= 'Z')
			st->key[i] = (char)(st->key[i] - 'A' + 'a');
	st->value = xstrndup(value, vlen);
	st->file = p->file;
	st->line = p->lineno;
	p->setting = pr->n - 1;
}

static int
setting(struct parser *p, const char *s, size_t len, size_t indent,
    struct err *err)
{
	size_t	 i, klen, v;

	for (i = 0; i < len && s[i] != '=' && s[i] != ':'; i++)
		;
	if (i == len)
		return err_set(err, "%s:%zu: expected 'name = value', a "
		    "[section] header or a comment", p->path, p->lineno);
	for (klen = i; klen > 0 && is_blank(s[klen - 1]); klen--)
		;
	if (klen == 0)
		return err_set(err, "%s:%zu: a setting without a name",
		    p->path, p->lineno);
	if (!p->in_section)
		return err_set(err, "%s:%zu: '%.*s' is set before any [section] "
		    "header", p->path, p->lineno, (int)(klen > 64 ? 64 : klen),
		    s);
	for (v = i + 1; v < len && is_blank(s[v]); v++)
		;
	p->has_key = 1;
	p->key_indent = indent;
	if (p->profile != SIZE_MAX)
		set(p, s, klen, s + v, len - v);
	return 0;
}

/* A line indented deeper than its setting: configparser appends it. */
static void
continuation(struct parser *p, const char *s, size_t len)
{
	struct aws_setting	*st;
	struct buf		 b = BUF_INIT;

	if (p->profile == SIZE_MAX || p->setting == SIZE_MAX)
		return;
	st = &p->ps->v[p->profile].v[p->setting];
	buf_adds(&b, st->value);
	buf_addc(&b, '\n');
	buf_add(&b, s, len);
	aws_secret_free(st->value);
	st->value = buf_detach(&b);
}

static int
line(struct parser *p, const char *s, size_t len, struct err *err)
{
	size_t	 indent = 0;

	while (indent < len && is_blank(s[indent]))
		indent++;
	s += indent;
	len -= indent;
	while (len > 0 && is_blank(s[len - 1]))
		len--;
	if (len == 0 || s[0] == '#' || s[0] == ';')
		return 0;
	if (p->has_key && indent > p->key_indent) {
		continuation(p, s, len);
		return 0;
	}
	if (s[0] == '[')
		return header(p, s, len, err);
	return setting(p, s, len, indent, err);
}

int
aws_profiles_parse(struct aws_profiles *ps, const char *text, size_t len,
    const char *path, enum aws_file file, struct err *err)
{
	struct parser	 p;
	size_t		 i = 0, start;

	memset(&p, 0, sizeof(p));
	p.ps = ps;
	p.path = path;
	p.file = file;
	p.profile = p.setting = SIZE_MAX;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		start = i;
		while (i < len && text[i] != '\n' && text[i] != '\r')
			i++;
		p.lineno++;
		if (memchr(text + start, '\0', i - start) != NULL)
			return err_set(err, "%s:%zu: a NUL byte in the line",
			    path, p.lineno);
		if (line(&p, text + start, i - start, err) == -1)
			return -1;
		if (i < len && text[i] == '\r' && i + 1 < len &&
		    text[i + 1] == '\n')
			i++;
		i++;
	}
	return 0;
}

int
aws_profiles_load(struct aws_profiles *ps, const char *path,
    enum aws_file file, int *found, struct err *err)
{
	struct buf	 b = BUF_INIT;
	int		 rc = -1;

	*found = 0;
	/* Read as any file named by the user is: a FIFO or a device there
	 * is an error naming it, never a wait (a missing file is no file). */
	if (file_read_all(path, NULL, (size_t)AWS_FILE_MAX, &b, err) == -1) {
		if (errno == ENOENT || errno == ENOTDIR) {
			err_clear(err);
			rc = 0;
		} else
			*found = 1;
		goto out;
	}
	*found = 1;
	rc = aws_profiles_parse(ps, b.data != NULL ? b.data : "", b.len, path,
	    file, err);
out:
	buf_release_wiped(&b);
	return rc;
}

const char *
aws_profile_get_in(const struct aws_profile *p, enum aws_file file,
    const char *key)
{
	size_t	 i;

	if (p == NULL)
		return NULL;
	for (i = 0; i < p->n; i++)
		if (p->v[i].file == file && strcmp(p->v[i].key, key) == 0)
			return *p->v[i].value != '\0' ? p->v[i].value : NULL;
	return NULL;
}

const char *
aws_profile_get(const struct aws_profile *p, const char *key)
{
	const char	*v;

	if ((v = aws_profile_get_in(p, AWS_FILE_CREDENTIALS, key)) != NULL)
		return v;
	return aws_profile_get_in(p, AWS_FILE_CONFIG, key);
}

void
aws_profiles_release(struct aws_profiles *ps)
{
	size_t	 i, j;

	for (i = 0; i < ps->n; i++) {
		for (j = 0; j < ps->v[i].n; j++) {
			free(ps->v[i].v[j].key);
			aws_secret_free(ps->v[i].v[j].value);
		}
		free(ps->v[i].v);
		free(ps->v[i].name);
	}
	free(ps->v);
	ps->v = NULL;
	ps->n = 0;
}

/* ---- the two files of a run ------------------------------------------------ */

/* The file named by var ("~" expanded), else HOME/.aws/name; NULL when
 * that needs a HOME there is not. */
static char *
locate(env_lookup_fn env, void *ctx, const char *var, const char *name)
{
	const char	*v;

	if ((v = aws_env_get(env, ctx, var)) != NULL)
		return aws_path_expand_home(env, ctx, v);
	if ((v = aws_env_get(env, ctx, "HOME")) != NULL)
		return xasprintf("%s/.aws/%s", v, name);
	return NULL;
}

int
aws_shared_files_load(struct aws_shared_files *files, env_lookup_fn env,
    void *env_ctx, struct err *err)
{
	int	 found;

	memset(files, 0, sizeof(*files));
	files->config_path = locate(env, env_ctx, "AWS_CONFIG_FILE", "config");
	files->creds_path = locate(env, env_ctx, "AWS_SHARED_CREDENTIALS_FILE",
	    "credentials");
	if (files->config_path != NULL && aws_profiles_load(&files->profiles,
	    files->config_path, AWS_FILE_CONFIG, &found, err) == -1)
		return -1;
	if (files->creds_path != NULL && aws_profiles_load(&files->profiles,
	    files->creds_path, AWS_FILE_CREDENTIALS, &found, err) == -1)
		return -1;
	return 0;
}

void
aws_shared_files_where(const struct aws_shared_files *files, struct buf *b)
{
	if (files->config_path == NULL && files->creds_path == NULL) {
		buf_adds(b, "no shared files (HOME is not set)");
		return;
	}
	buf_adds(b, "not in ");
	if (files->config_path != NULL)
		buf_addf(b, "'%s'", files->config_path);
	if (files->config_path != NULL && files->creds_path != NULL)
		buf_adds(b, " or ");
	if (files->creds_path != NULL)
		buf_addf(b, "'%s'", files->creds_path);
}

void
aws_shared_files_release(struct aws_shared_files *files)
{
	aws_profiles_release(&files->profiles);
	free(files->config_path);
	free(files->creds_path);
	memset(files, 0, sizeof(*files));
}
