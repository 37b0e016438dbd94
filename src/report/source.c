/*
 * source.c - where reports come from: files, folders walked in name
 * order, and objects already in memory (what an S3 listing hands over);
 * and the reader's bookkeeping: reports met once by (org_name, report_id),
 * duplicates counted, rejected files listed with their reason.
 *
 * A source is a stream of named objects: report_read_path() makes one of
 * a folder, report_read_mem() takes one object at a time.  Each object
 * goes to container.c, which finds what it holds from its content and
 * hands back each report and each refusal through a struct report_found:
 * the calls go from here to there only.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "internal.h"

#define WALK_DEPTH_MAX	64

struct report_seen {
	struct report_map	*map;
};

void
report_reader_init(struct report_reader *rd, const struct report_limits *l,
    report_sink_fn sink, void *arg)
{
	memset(rd, 0, sizeof(*rd));
	rd->limits.max_size = REPORT_MAX_SIZE_DEFAULT;
	rd->limits.max_members = REPORT_MAX_MEMBERS;
	if (l != NULL && l->max_size != 0)
		rd->limits.max_size = l->max_size;
	if (l != NULL && l->max_members != 0)
		rd->limits.max_members = l->max_members;
	rd->sink = sink;
	rd->arg = arg;
	rd->seen = xcalloc(1, sizeof(*rd->seen));
	report_container_init();
}

void
report_reader_release(struct report_reader *rd)
{
	size_t	 i;

	for (i = 0; i < rd->stats.nrejected; i++) {
		free(rd->stats.rejected[i].file);
		free(rd->stats.rejected[i].reason);
	}
	free(rd->stats.rejected);
	if (rd->seen != NULL)
		report_map_free(rd->seen->map);
	free(rd->seen);
	memset(rd, 0, sizeof(*rd));
}

void
report_reject(struct report_reader *rd, const char *name, const char *fmt,
    ...)
{
	struct report_rejected	*rj;
	struct buf		 b = BUF_INIT;
	va_list			 ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	rj = xappend(&rd->stats.rejected, &rd->stats.nrejected,
	    sizeof(*rd->stats.rejected));
	rj->file = xstrdup(name);
	rj->reason = buf_detach(&b);
}

/*
 * The records of a report read that were not counted: each listed with
 * its reason, under the report's name, so that none is dropped unsaid; a
 * duplicate's are not, as its rows are not counted either.
 */
static void
rows_rejected(struct report_reader *rd, const char *name,
    const struct report *r)
{
	struct buf	 which = BUF_INIT;
	size_t		 i;

	if (r->rows_rejected == 0)
		return;
	rd->stats.rows_rejected += r->rows_rejected;
	/* Quoted input made printable here: the reason is a message. */
	buf_adds(&which, "report '");
	buf_add_printable(&which, r->report_id, strlen(r->report_id), 128);
	buf_adds(&which, "' of '");
	buf_add_printable(&which, r->org_name, strlen(r->org_name), 128);
	buf_adds(&which, "'");
	for (i = 0; i < r->nrow_rejects; i++)
		report_reject(rd, name, "%s: %s", buf_str(&which),
		    r->row_rejects[i]);
	if (r->rows_rejected > r->nrow_rejects)
		report_reject(rd, name, "%s: %zu more records not counted (the "
		    "first %d are listed)", buf_str(&which),
		    r->rows_rejected - r->nrow_rejects, REPORT_ROW_REJECTS_MAX);
	buf_release(&which);
}

/* One parsed report: to the sink unless it was met before. */
static void
take(void *arg, const char *name, const struct report *r)
{
	struct report_reader	*rd = arg;
	struct buf		 key = BUF_INIT;
	int			 added;

	/* org_name, a NUL, report_id: no two pairs give the same key. */
	buf_adds(&key, r->org_name);
	buf_addc(&key, '\0');
	buf_adds(&key, r->report_id);
	report_map_get(&rd->seen->map, key.data, key.len, 0, &added);
	buf_release(&key);
	if (!added) {
		rd->stats.duplicates++;
		return;
	}
	rd->stats.read++;
	if (rd->sink != NULL)
		rd->sink(rd->arg, name, r);
	rows_rejected(rd, name, r);
}

static void
rejected(void *arg, const char *name, const char *reason)
{
	report_reject(arg, name, "%s", reason);
}

/* One object, read by container.c for the reader. */
static void
read_object(struct report_reader *rd, const char *name, struct rstream *in,
    int64_t size)
{
	struct report_found	 found;

	found.limits = &rd->limits;
	found.report = take;
	found.reject = rejected;
	found.arg = rd;
	report_container_read(&found, name, in, size);
}

/* --- memory --- */

void
report_read_mem(struct report_reader *rd, const char *name, const void *data,
    size_t len)
{
	struct rstream	 s;
	struct rmem	 m;

	rstream_mem(&s, &m, data, len);
	read_object(rd, name, &s, (int64_t)len);
}

/* --- files --- */

static ssize_t
fd_fill(void *arg, unsigned char *buf, size_t len, struct err *err)
{
	int	*fd = arg;
	ssize_t	 n;

	do
		n = read(*fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return err_set(err, "cannot read: %s", strerror(errno));
	return n;
}

static void
read_file(struct report_reader *rd, const char *path, int fd,
    const struct stat *st)
{
	struct rstream	 s;

	rstream_init(&s, fd_fill, &fd);
	read_object(rd, path, &s, (int64_t)st->st_size);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void	walk(struct report_reader *, const char *, int);

/* Every entry of a folder not starting with '.', in byte order. */
static void
read_dir(struct report_reader *rd, const char *path, DIR *d, int depth)
{
	struct dirent	 *e;
	char		**names = NULL, *sub;
	size_t		  n = 0, i;

	errno = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		*(char **)xappend(&names, &n, sizeof(*names)) =
		    xstrdup(e->d_name);
	}
	if (errno != 0)
		report_reject(rd, path, "cannot read the folder: %s",
		    strerror(errno));
	/* qsort() wants an array even when there is nothing to sort. */
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		sub = xasprintf("%s%s%s", path,
		    path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
		walk(rd, sub, depth + 1);
		free(sub);
		free(names[i]);
	}
	free(names);
}

static void
walk(struct report_reader *rd, const char *path, int depth)
{
	struct stat	 lst, st;
	int		 fd;
	DIR		*d;

	if (lstat(path, &lst) == -1) {
		report_reject(rd, path, "cannot read: %s", strerror(errno));
		return;
	}
	/* Below the top, a link to a folder is not followed: no loops. */
	if (depth > 0 && S_ISLNK(lst.st_mode) && stat(path, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		report_reject(rd, path, "cannot read: %s", strerror(errno));
		return;
	}
	if (fstat(fd, &st) == -1) {
		report_reject(rd, path, "cannot read: %s", strerror(errno));
		close(fd);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (depth >= WALK_DEPTH_MAX)
			report_reject(rd, path, "folders nested more than %d "
			    "deep are not read", WALK_DEPTH_MAX);
		else if ((d = fdopendir(fd)) == NULL)
			report_reject(rd, path, "cannot read the folder: %s",
			    strerror(errno));
		else {
			read_dir(rd, path, d, depth);
			closedir(d);	/* closes fd */
			return;
		}
	} else if (!S_ISREG(st.st_mode))
		report_reject(rd, path, "not a regular file or a folder");
	else
		read_file(rd, path, fd, &st);
	close(fd);
}

void
report_read_path(struct report_reader *rd, const char *path)
{
	walk(rd, path, 0);
}
