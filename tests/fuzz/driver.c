/*
 * driver.c - runs a harness without libFuzzer: every regular file of each
 * folder given, in byte order of the names, through LLVMFuzzerTestOneInput()
 * once.  `make fuzz-seeds` (part of `make check`) links it with each
 * harness under ASan+UBSan, so that the seed corpora run on every check.
 * A folder that cannot be read or holds no file fails: a harness whose
 * corpus went missing would otherwise pass by testing nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mailauth/buf.h"

#include "fuzz.h"

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole of path into b; -1 with a message on stderr. */
static int
read_all(const char *path, struct buf *b)
{
	FILE	*f;
	char	 chunk[65536];
	size_t	 n;
	int	 rc = 0;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "fuzz: cannot read '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	if (ferror(f)) {
		fprintf(stderr, "fuzz: cannot read '%s'\n", path);
		rc = -1;
	}
	fclose(f);
	return rc;
}

/* Runs every file of dir; the number run, or -1. */
static long
run_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	struct buf	 b = BUF_INIT;
	char		**names = NULL, *path;
	size_t		 n = 0, i;
	long		 ran = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "fuzz: cannot read '%s': %s\n", dir,
		    strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		*(char **)xappend(&names, &n, sizeof(*names)) =
		    xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			buf_reset(&b);
			if (read_all(path, &b) == -1)
				ran = -1;
			else if (ran >= 0) {
				/* A copy of exactly its size, so that ASan
				 * sees a read past the end. */
				uint8_t	*copy = xmalloc(b.len > 0 ? b.len : 1);

				if (b.len > 0)
					memcpy(copy, b.data, b.len);
				LLVMFuzzerTestOneInput(copy, b.len);
				free(copy);
				ran++;
			}
		}
		free(path);
		free(names[i]);
	}
	free(names);
	buf_release(&b);
	if (ran == 0) {
		fprintf(stderr, "fuzz: '%s' holds no input\n", dir);
		return -1;
	}
	return ran;
}

int
main(int argc, char **argv)
{
	long	 n;
	int	 i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if ((n = run_dir(argv[i])) < 0)
			rc = 1;
		else
			printf("%s: %ld inputs\n", argv[i], n);
	}
	return rc;
}
