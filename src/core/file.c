/*
 * file.c - files named by the user: read only when they are regular files,
 * written through a temporary from mkstemp or created exclusively, and the
 * check that a secret is not about to land in a git work tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/file.h"

extern char	**environ;

const char *
file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/* "'PATH'" or "'PATH' (WHAT)", for messages (malloc'd). */
static char *
named(const char *path, const char *what)
{
	return what != NULL ? xasprintf("'%s' (%s)", path, what) :
	    xasprintf("'%s'", path);
}

/* file_open_read(), naming the file "'PATH' (WHAT)" when what is set;
 * errno is open()'s when the open failed. */
static int
open_regular(const char *path, const char *what, struct err *err)
{
	struct stat	 st;
	char		*who;
	int		 fd, flags, saved;

	/* O_NONBLOCK: opening a FIFO would otherwise wait for a writer. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) ==
	    -1) {
		saved = errno;
		who = named(path, what);
		err_set(err, "cannot read %s: %s", who, strerror(saved));
		free(who);
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		who = named(path, what);
		err_set(err, "cannot read %s: it is %s, not a regular file",
		    who, file_kind(st.st_mode));
		free(who);
		errno = EINVAL;
		return -1;
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	who = named(path, what);
	err_set(err, "cannot read %s: %s", who, strerror(saved));
	free(who);
	errno = saved;
	return -1;
}

int
file_open_read(const char *path, struct err *err)
{
	return open_regular(path, NULL, err);
}

/* "1 MiB", "64 KiB", "100 bytes". */
static void
size_text(char *out, size_t outlen, size_t n)
{
	if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		snprintf(out, outlen, "%zu MiB", n / (1024 * 1024));
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(out, outlen, "%zu KiB", n / 1024);
	else
		snprintf(out, outlen, "%zu bytes", n);
}

int
file_read_all(const char *path, const char *what, size_t max,
    struct buf *out, struct err *err)
{
	char		 chunk[4096], limit[32], *who;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd, saved, rc = -1;

	if ((fd = open_regular(path, what, err)) == -1)
		return -1;
	for (;;) {
		if ((n = read(fd, chunk, sizeof(chunk))) == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			who = named(path, what);
			err_set(err, "cannot read %s: %s", who,
			    strerror(saved));
			free(who);
			errno = saved;
			goto out;
		}
		if (n == 0)
			break;
		if ((size_t)n > max - got) {
			size_text(limit, sizeof(limit), max);
			who = named(path, what);
			err_set(err, "%s is larger than %s", who, limit);
			free(who);
			errno = EFBIG;
			goto out;
		}
		buf_add(out, chunk, (size_t)n);
		got += (size_t)n;
	}
	rc = 0;
out:
	close(fd);
	/* The file may hold secrets (AWS credentials, tokens). */
	OPENSSL_cleanse(chunk, sizeof(chunk));
	return rc;
}

int
file_write_all(int fd, const void *buf, size_t n)
{
	const char	*p = buf;
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The mode a new file gets from open(..., 0666): 0666 less the umask. */
static mode_t
default_mode(void)
{
	mode_t	 mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

/* Holds the signals that end a run (SIGINT, SIGTERM, SIGHUP, SIGQUIT)
 * until sigprocmask(SIG_SETMASK, old): a file is then never left half
 * made by one. */
static int
hold_signals(sigset_t *old)
{
	sigset_t	 stop;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigaddset(&stop, SIGQUIT);
	return sigprocmask(SIG_BLOCK, &stop, old);
}

int
file_dir_sync(const char *dir, struct err *err)
{
	int	 fd, saved;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return err_set(err, "cannot sync the folder '%s': %s", dir,
		    strerror(errno));
	if (fsync(fd) == -1) {
		saved = errno;
		close(fd);
		return err_set(err, "cannot sync the folder '%s': %s", dir,
		    strerror(saved));
	}
	close(fd);
	return 0;
}

int
file_replace(const char *path, const void *p, size_t n, struct err *err)
{
	struct stat	 st;
	struct buf	 tmp = BUF_INIT;
	sigset_t	 old;
	const char	*slash;
	int		 fd = -1, rc = -1, saved, blocked = 0;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		err_set(err, "'%s' is %s: mailauth writes only a regular "
		    "file there and leaves this one as it is", path,
		    file_kind(st.st_mode));
		goto out;
	}
	if ((slash = strrchr(path, '/')) != NULL)
		buf_add(&tmp, path, (size_t)(slash - path) + 1);
	buf_adds(&tmp, ".mailauth-XXXXXX");
	/* A Ctrl-C while the temporary exists waits until it is renamed or
	 * removed: it never leaves one behind. */
	blocked = hold_signals(&old) == 0;
	if ((fd = mkstemp(tmp.data)) == -1) {
		err_set(err, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	if (fchmod(fd, default_mode()) == -1 ||
	    file_write_all(fd, p, n) == -1 || fsync(fd) == -1)
		goto fail;
	saved = close(fd);
	fd = -1;
	if (saved == -1 || rename(tmp.data, path) == -1)
		goto fail;
	/* The rename is durable once the folder's entry is on disk. */
	buf_reset(&tmp);
	if (slash != NULL)
		buf_add(&tmp, path, slash == path ? 1 : (size_t)(slash - path));
	else
		buf_addc(&tmp, '.');
	if (file_dir_sync(buf_str(&tmp), err) == -1) {
		err_prefix(err, "'%s' was replaced, but it may not survive a "
		    "crash", path);
		goto out;
	}
	rc = 0;
	goto out;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp.data);
	err_set(err, "cannot write '%s': %s", path, strerror(saved));
out:
	if (blocked)
		sigprocmask(SIG_SETMASK, &old, NULL);
	buf_release(&tmp);
	return rc;
}

int
file_create(const char *path, mode_t mode, const void *p, size_t n,
    struct err *err)
{
	sigset_t	 old;
	int		 fd, saved, blocked, rc = -1;

	/* Created whole or not at all, even if interrupted meanwhile: a
	 * part of a key would stop the next run ("already exists"). */
	blocked = hold_signals(&old) == 0;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode)) == -1) {
		if (errno == EEXIST)
			err_set(err, "'%s' already exists; mailauth never "
			    "overwrites a key", path);
		else
			err_set(err, "cannot create '%s': %s", path,
			    strerror(errno));
		goto out;
	}
	/* The umask may only take bits away; the owner must read it. */
	if (fchmod(fd, mode) == -1 || file_write_all(fd, p, n) == -1 ||
	    fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	rc = 0;
	goto out;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(path);
	err_set(err, "cannot write '%s': %s", path, strerror(saved));
out:
	if (blocked)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int
file_dir_ensure(const char *dir, int *made, struct err *err)
{
	struct stat	 st;

	*made = 0;
	if (mkdir(dir, 0700) == 0) {
		*made = 1;
		return 0;
	}
	if (errno != EEXIST)
		return err_set(err, "cannot create '%s': %s", dir,
		    strerror(errno));
	if (stat(dir, &st) == -1)
		return err_set(err, "cannot create '%s': %s", dir,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(err, "'%s' is not a folder (it is %s)", dir,
		    file_kind(st.st_mode));
	return 0;
}

int
file_git_exposed(const char *dir, const char *name)
{
	posix_spawn_file_actions_t	 fa;
	pid_t				 pid;
	char				*argv[] = { "git", "-C", NULL,
					    "check-ignore", "-q", "--", NULL,
					    NULL };
	int				 status, rc;

	argv[2] = (char *)dir;
	argv[6] = (char *)name;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return 0;
	/* git speaks only through its exit status here. */
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return 0;
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return 0;
	/* 0: ignored; 1: in a work tree, not ignored; 128: no work tree. */
	return WIFEXITED(status) && WEXITSTATUS(status) == 1;
}
