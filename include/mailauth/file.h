/*
 * file.h - files named by the user, opened and written safely.
 *
 * Every path mailauth reads or writes on the user's word (a configuration,
 * a saved plan, a key) goes through here, so that a FIFO named by mistake
 * cannot hang a run, and a symbolic link or device node where a file is
 * to be written is refused instead of replaced.  Messages follow err.h.
 */
#ifndef MAILAUTH_FILE_H
#define MAILAUTH_FILE_H

#include <stddef.h>
#include <sys/types.h>

struct err;

/* What a file of this st_mode is, for messages: "a symbolic link",
 * "a FIFO", "a device", "a folder", "a socket", "a regular file". */
const char	*file_kind(mode_t);

/*
 * Opens path for reading without blocking on a FIFO or device: the file
 * must be a regular file (symbolic links to one are followed).  Returns
 * the descriptor (blocking again, close-on-exec; the caller closes it),
 * or -1 with err: "cannot read 'PATH': REASON", the reason being "it is a
 * FIFO, not a regular file" (or a folder, a device...) for any other kind.
 */
int	file_open_read(const char *path, struct err *);

struct buf;
/*
 * Appends the whole of path, opened as file_open_read() does (a FIFO, a
 * folder or a device is refused at once, never waited on), to out: at
 * most max bytes, refused past them without reading further.  what, when
 * not NULL, names the file's role in messages: "'PATH' (WHAT)".  The
 * read buffer is wiped (the file may hold secrets); what was appended
 * before a failure stays in out, for the caller to wipe and release.
 * Returns 0, or -1 with err and errno: "cannot read 'PATH': REASON"
 * (errno as open() left it, ENOENT when there is no such file), "cannot
 * read 'PATH': it is a FIFO, not a regular file" (EINVAL), "'PATH' is
 * larger than 1 MiB" (EFBIG; the limit as KiB or MiB when a whole number
 * of them).
 */
int	file_read_all(const char *path, const char *what, size_t max,
	    struct buf *out, struct err *);

/*
 * Replaces path with [p, p + n): written to a temporary file that mkstemp
 * makes in path's folder, synced, then renamed over path, so readers see
 * the old file or the new one, never a part, and two runs never share a
 * temporary; the folder is synced after the rename, so that the new name
 * survives a crash too.  A path that exists and is not a regular file
 * (checked with lstat: a symbolic link, a FIFO, a device, a folder) is
 * refused and left as it is.  The new file has mode 0666 less the umask.
 * SIGINT, SIGTERM, SIGHUP and SIGQUIT are held while the temporary exists,
 * so that an interrupt never leaves one behind.
 * Returns 0, or -1 with err ("cannot write 'PATH': REASON", "'PATH' is a
 * FIFO: ...", and once the file is in place "'PATH' was replaced, but it
 * may not survive a crash: cannot sync the folder 'DIR': REASON").
 */
int	file_replace(const char *path, const void *p, size_t n, struct err *);
/* fsync()s the folder dir, so that names made or renamed in it are on
 * disk.  Returns 0, or -1 with err "cannot sync the folder 'DIR': REASON". */
int	file_dir_sync(const char *dir, struct err *);
/* Writes all of [buf, buf + n) to fd, going on after EINTR and short
 * writes; 0, or -1 with errno. */
int	file_write_all(int fd, const void *buf, size_t n);

/*
 * Creates path, which must not exist (O_EXCL, never following a symbolic
 * link), with mode and the content [p, p + n), synced.  Returns 0, or -1
 * with err ("'PATH' already exists; mailauth never overwrites a key",
 * "cannot create 'PATH': REASON"); a part written is removed.  Signals
 * are held as by file_replace() until the file is whole (or removed).
 */
int	file_create(const char *path, mode_t mode, const void *p, size_t n,
	    struct err *);

/*
 * Makes sure dir is a folder: creates it with mode 0700 when it is
 * missing (its parent must exist).  *made is set to 1 when it was created
 * here, else 0.  Returns 0, or -1 with err ("cannot create 'DIR': REASON",
 * "'DIR' is not a folder (it is a regular file)").
 */
int	file_dir_ensure(const char *dir, int *made, struct err *);

/*
 * Whether name, in the existing folder dir, is a path that "git add -A"
 * would stage: 1 when dir is inside a git work tree and git does not
 * ignore dir/name, 0 when it is ignored, dir is in no work tree or git
 * cannot be run (git is asked: "git -C DIR check-ignore -q -- NAME",
 * through posix_spawnp, its output discarded).
 */
int	file_git_exposed(const char *dir, const char *name);

#endif
