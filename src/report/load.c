/*
 * load.c - the mailauth binary's side of container.c: the containers
 * (GMime for e-mail, libarchive for zip, with GLib, gpgme and their kin)
 * are the shared object mailauth-report.so, loaded with dlopen() the first
 * time reports are read, so that every other command starts without
 * mapping those libraries (docs/performance.md).  The unit tests and the
 * fuzz harnesses link container.c itself instead of this file.
 *
 * The object is looked for beside the binary, as BINARY-report.so (the
 * build tree: build/mailauth-report.so, build/mailauth-asan-report.so),
 * then as ../lib/mailauth/report.so from the binary's folder, then in
 * MAILAUTH_LIBDIR, compiled in (make install puts it there as report.so).  It must be of this binary's version.  It calls back into
 * the binary (buffers, errors, the XML parser), whose symbols the Makefile
 * exports for it (--dynamic-list).
 *
 * The handle is the one piece of process-wide state here: GMime cannot be
 * started twice, so the object stays loaded until the process ends.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "internal.h"

#ifndef MAILAUTH_LIBDIR
#define MAILAUTH_LIBDIR	"/usr/local/lib/mailauth"
#endif

struct loaded {
	void	 *handle;
	void	(*init)(void);
	void	(*read)(const struct report_found *, const char *,
		    struct rstream *, int64_t);
	int	  tried;
	char	 *why;		/* set when loading failed */
};

static struct loaded	 so;

/* The running binary's path, or NULL. */
static char *
binary_path(void)
{
	char	 path[PATH_MAX];
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", path, sizeof(path) - 1)) <= 0)
		return NULL;
	path[n] = '\0';
	return xstrdup(path);
}

static int
exists(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0;
}

/* Opens path and finds its entry points; -1 with so.why set. */
static int
open_object(const char *path)
{
	const char	*version;

	if ((so.handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		so.why = xasprintf("cannot load the report reader '%s': %s",
		    path, dlerror());
		return -1;
	}
	version = dlsym(so.handle, "report_container_version");
	*(void **)&so.init = dlsym(so.handle, "report_container_init");
	*(void **)&so.read = dlsym(so.handle, "report_container_read");
	if (version == NULL || so.init == NULL || so.read == NULL)
		so.why = xasprintf("cannot load the report reader '%s': it is "
		    "not mailauth's", path);
	else if (strcmp(version, MAILAUTH_VERSION) != 0)
		so.why = xasprintf("cannot load the report reader '%s': it is "
		    "from mailauth %.32s, this is %s", path, version,
		    MAILAUTH_VERSION);
	else
		return 0;
	so.init = NULL;
	so.read = NULL;
	return -1;
}

/*
 * The first of: BINARY-report.so, DIR/../lib/mailauth/report.so (DIR the
 * binary's folder: a tree installed or staged elsewhere than it was built
 * for, as the templates are found), MAILAUTH_LIBDIR/report.so.
 */
static void
load(void)
{
	char		*exe = binary_path(), *slash, *cand[3];
	size_t		 i, n = 0;

	if (exe != NULL) {
		cand[n++] = xasprintf("%s-report.so", exe);
		if ((slash = strrchr(exe, '/')) != NULL)
			cand[n++] = xasprintf("%.*s/../lib/mailauth/report.so",
			    (int)(slash - exe), exe);
	}
	cand[n++] = xstrdup(MAILAUTH_LIBDIR "/report.so");
	for (i = 0; i < n && !exists(cand[i]); i++)
		;
	if (i < n)
		open_object(cand[i]);
	else if (n == 3)
		so.why = xasprintf("the report reader is not installed: none "
		    "of '%s', '%s', '%s' exists (make install puts it in the "
		    "last)", cand[0], cand[1], cand[2]);
	else
		so.why = xasprintf("the report reader is not installed: '%s' "
		    "does not exist", cand[0]);
	if (so.why == NULL)
		so.init();
	for (i = 0; i < n; i++)
		free(cand[i]);
	free(exe);
}

int
report_reader_load(struct err *err)
{
	if (!so.tried) {
		so.tried = 1;
		load();
	}
	if (so.why != NULL)
		return err_set(err, "%s", so.why);
	return 0;
}

void
report_container_init(void)
{
	report_reader_load(NULL);
}

void
report_container_read(const struct report_found *to, const char *name,
    struct rstream *in, int64_t size)
{
	if (report_reader_load(NULL) == 0)
		so.read(to, name, in, size);
	else
		to->reject(to->arg, name, so.why);
}
