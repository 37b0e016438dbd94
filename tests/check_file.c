/*
 * check_file.c - src/core/file.c: reading only regular files without
 * blocking on a FIFO, replacing through a temporary from mkstemp, creating
 * exclusively, making a folder, and asking git whether a path is exposed.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/file.h"
#include "testutil.h"

static char	dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/mailauth-file-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char	*cmd = xasprintf("rm -rf '%s'", dir);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* dir/name, overwritten by the next call. */
static const char *
at(const char *name)
{
	static char	path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void
put(const char *name, const char *text)
{
	FILE	*f = fopen(at(name), "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void
expect_text(const char *path, const char *want)
{
	struct buf	 b = BUF_INIT;

	ck_assert_int_eq(test_slurp(path, &b), 0);
	ck_assert_str_eq(buf_str(&b), want);
	buf_release(&b);
}

/* The number of entries in dir, "." and ".." aside. */
static int
entries(void)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	int		 n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

START_TEST(kinds_named)
{
	ck_assert_str_eq(file_kind(S_IFREG), "a regular file");
	ck_assert_str_eq(file_kind(S_IFLNK), "a symbolic link");
	ck_assert_str_eq(file_kind(S_IFIFO), "a FIFO");
	ck_assert_str_eq(file_kind(S_IFCHR), "a device");
	ck_assert_str_eq(file_kind(S_IFBLK), "a device");
	ck_assert_str_eq(file_kind(S_IFDIR), "a folder");
	ck_assert_str_eq(file_kind(S_IFSOCK), "a socket");
}
END_TEST

START_TEST(read_regular_and_link)
{
	struct err	 err;
	char		 got[16];
	int		 fd;

	err_clear(&err);
	put("a", "hello");
	ck_assert_int_eq(symlink("a", at("link")), 0);
	fd = file_open_read(at("link"), &err);
	ck_assert_int_ge(fd, 0);
	/* Blocking again, and close-on-exec. */
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_eq(read(fd, got, sizeof(got)), 5);
	close(fd);
}
END_TEST

START_TEST(read_refuses_other_kinds)
{
	struct err	 err;
	char		*want;

	/* A FIFO with no writer: the old fopen() waited here forever. */
	ck_assert_int_eq(mkfifo(at("fifo"), 0600), 0);
	err_clear(&err);
	ck_assert_int_eq(file_open_read(at("fifo"), &err), -1);
	want = xasprintf("cannot read '%s': it is a FIFO, not a regular file",
	    at("fifo"));
	ck_assert_str_eq(err.msg, want);
	free(want);

	ck_assert_int_eq(file_open_read(dir, &err), -1);
	want = xasprintf("cannot read '%s': it is a folder, not a regular "
	    "file", dir);
	ck_assert_str_eq(err.msg, want);
	free(want);

	ck_assert_int_eq(file_open_read("/dev/null", &err), -1);
	ck_assert_str_eq(err.msg, "cannot read '/dev/null': it is a device, "
	    "not a regular file");

	ck_assert_int_eq(file_open_read(at("missing"), &err), -1);
	want = xasprintf("cannot read '%s': No such file or directory",
	    at("missing"));
	ck_assert_str_eq(err.msg, want);
	free(want);
}
END_TEST

/* The whole file, at most max bytes, exactly; other kinds refused at once,
 * named with their role when one is given; errno says a file is missing. */
START_TEST(read_all_bounded)
{
	struct buf	 b = BUF_INIT;
	struct err	 err;
	char		*want;
	size_t		 i;

	err_clear(&err);
	put("a", "");
	ck_assert_int_eq(file_read_all(at("a"), NULL, 0, &b, &err), 0);
	ck_assert_uint_eq(b.len, 0);
	for (i = 0; i < 10000; i++)
		buf_addc(&b, (char)('a' + i % 26));
	put("a", buf_str(&b));
	buf_reset(&b);
	ck_assert_int_eq(file_read_all(at("a"), NULL, 10000, &b, &err), 0);
	ck_assert_uint_eq(b.len, 10000);
	ck_assert_int_eq(b.data[9999], 'a' + 9999 % 26);
	buf_reset(&b);
	ck_assert_int_eq(file_read_all(at("a"), NULL, 9999, &b, &err), -1);
	ck_assert_int_eq(errno, EFBIG);
	want = xasprintf("'%s' is larger than 9999 bytes", at("a"));
	ck_assert_str_eq(err.msg, want);
	free(want);
	buf_reset(&b);
	ck_assert_int_eq(file_read_all(at("a"), "ROLE", 8192, &b, &err), -1);
	want = xasprintf("'%s' (ROLE) is larger than 8 KiB", at("a"));
	ck_assert_str_eq(err.msg, want);
	free(want);
	ck_assert_int_eq(mkfifo(at("fifo"), 0600), 0);
	ck_assert_int_eq(file_read_all(at("fifo"), "ROLE", 1 << 20, &b, &err),
	    -1);
	want = xasprintf("cannot read '%s' (ROLE): it is a FIFO, not a "
	    "regular file", at("fifo"));
	ck_assert_str_eq(err.msg, want);
	free(want);
	ck_assert_int_eq(file_read_all(at("missing"), NULL, 1, &b, &err), -1);
	ck_assert_int_eq(errno, ENOENT);
	want = xasprintf("cannot read '%s': No such file or directory",
	    at("missing"));
	ck_assert_str_eq(err.msg, want);
	free(want);
	buf_release(&b);
}
END_TEST

START_TEST(replace_writes_and_replaces)
{
	struct err	 err;
	struct stat	 st;
	mode_t		 old = umask(022);

	err_clear(&err);
	ck_assert_int_eq(file_replace(at("p.json"), "one", 3, &err), 0);
	expect_text(at("p.json"), "one");
	ck_assert_int_eq(stat(at("p.json"), &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	/* A leftover of the old fixed name is neither used nor removed. */
	ck_assert_int_eq(mkfifo(at("p.json.tmp"), 0600), 0);
	ck_assert_int_eq(file_replace(at("p.json"), "two", 3, &err), 0);
	expect_text(at("p.json"), "two");
	ck_assert_int_eq(lstat(at("p.json.tmp"), &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	/* No temporary is left behind: p.json and p.json.tmp only. */
	ck_assert_int_eq(entries(), 2);
	umask(old);
}
END_TEST

/* The folder is synced after the rename: a relative name's too; a folder
 * that cannot be opened as one is an error. */
START_TEST(replace_syncs_folder)
{
	struct err	 err;
	char		 cwd[512], *want;

	err_clear(&err);
	ck_assert_int_eq(file_dir_sync(dir, &err), 0);
	ck_assert_int_eq(file_dir_sync("/", &err), 0);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(file_replace("rel.json", "r", 1, &err), 0);
	ck_assert_int_eq(chdir(cwd), 0);
	expect_text(at("rel.json"), "r");
	ck_assert_int_eq(file_dir_sync(at("rel.json"), &err), -1);
	want = xasprintf("cannot sync the folder '%s': Not a directory",
	    at("rel.json"));
	ck_assert_str_eq(err.msg, want);
	free(want);
	ck_assert_int_eq(file_dir_sync(at("gone"), &err), -1);
	want = xasprintf("cannot sync the folder '%s': No such file or "
	    "directory", at("gone"));
	ck_assert_str_eq(err.msg, want);
	free(want);
}
END_TEST

START_TEST(replace_refuses_non_regular)
{
	struct err	 err;
	struct stat	 st;
	char		*want;

	err_clear(&err);
	put("target", "keep");
	ck_assert_int_eq(symlink("target", at("link")), 0);
	ck_assert_int_eq(file_replace(at("link"), "new", 3, &err), -1);
	want = xasprintf("'%s' is a symbolic link: mailauth writes only a "
	    "regular file there and leaves this one as it is", at("link"));
	ck_assert_str_eq(err.msg, want);
	free(want);
	expect_text(at("target"), "keep");
	ck_assert_int_eq(lstat(at("link"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));

	ck_assert_int_eq(mkfifo(at("fifo"), 0600), 0);
	ck_assert_int_eq(file_replace(at("fifo"), "new", 3, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "is a FIFO:"));
	ck_assert_int_eq(lstat(at("fifo"), &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));

	ck_assert_int_eq(mkdir(at("sub"), 0700), 0);
	ck_assert_int_eq(file_replace(at("sub"), "new", 3, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "is a folder:"));

	ck_assert_int_eq(file_replace("/dev/null", "new", 3, &err), -1);
	ck_assert_str_eq(err.msg, "'/dev/null' is a device: mailauth writes "
	    "only a regular file there and leaves this one as it is");
	/* target, link, fifo, sub: no temporary left. */
	ck_assert_int_eq(entries(), 4);

	ck_assert_int_eq(file_replace(at("none/p.json"), "x", 1, &err), -1);
	want = xasprintf("cannot write '%s': No such file or directory",
	    at("none/p.json"));
	ck_assert_str_eq(err.msg, want);
	free(want);
}
END_TEST

START_TEST(create_is_exclusive)
{
	struct err	 err;
	struct stat	 st;
	mode_t		 old = umask(077);
	char		*want;

	err_clear(&err);
	ck_assert_int_eq(file_create(at("k.pem"), 0644, "key", 3, &err), 0);
	ck_assert_int_eq(stat(at("k.pem"), &st), 0);
	/* The mode asked for, whatever the umask. */
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	expect_text(at("k.pem"), "key");
	ck_assert_int_eq(file_create(at("k.pem"), 0600, "new", 3, &err), -1);
	want = xasprintf("'%s' already exists; mailauth never overwrites a "
	    "key", at("k.pem"));
	ck_assert_str_eq(err.msg, want);
	free(want);
	expect_text(at("k.pem"), "key");

	/* A dangling link is not followed to create its target. */
	ck_assert_int_eq(symlink("elsewhere", at("link.pem")), 0);
	ck_assert_int_eq(file_create(at("link.pem"), 0600, "k", 1, &err), -1);
	ck_assert_int_eq(lstat(at("elsewhere"), &st), -1);

	ck_assert_int_eq(file_create(at("p.pem"), 0600, "p", 1, &err), 0);
	ck_assert_int_eq(stat(at("p.pem"), &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	umask(old);
}
END_TEST

START_TEST(dir_made_when_missing)
{
	struct err	 err;
	struct stat	 st;
	mode_t		 old = umask(0);
	int		 made;
	char		*want;

	err_clear(&err);
	ck_assert_int_eq(file_dir_ensure(at("keys"), &made, &err), 0);
	ck_assert_int_eq(made, 1);
	ck_assert_int_eq(stat(at("keys"), &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0700);
	ck_assert_int_eq(file_dir_ensure(at("keys"), &made, &err), 0);
	ck_assert_int_eq(made, 0);

	put("file", "x");
	ck_assert_int_eq(file_dir_ensure(at("file"), &made, &err), -1);
	want = xasprintf("'%s' is not a folder (it is a regular file)",
	    at("file"));
	ck_assert_str_eq(err.msg, want);
	free(want);

	ck_assert_int_eq(file_dir_ensure(at("a/b"), &made, &err), -1);
	want = xasprintf("cannot create '%s': No such file or directory",
	    at("a/b"));
	ck_assert_str_eq(err.msg, want);
	free(want);
	umask(old);
}
END_TEST

/* Runs "git ARGS" in dir, quietly; its exit status. */
static int
git(const char *args)
{
	char	*cmd = xasprintf("git -C '%s' %s >/dev/null 2>&1", dir, args);
	int	 st = system(cmd);

	free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(git_exposure)
{
	/* Outside any work tree (a fresh folder under /tmp). */
	ck_assert_int_eq(file_git_exposed(dir, "s.private.pem"), 0);
	ck_assert_int_eq(git("init -q"), 0);
	ck_assert_int_eq(mkdir(at("keys"), 0700), 0);
	ck_assert_int_eq(file_git_exposed(at("keys"), "s.private.pem"), 1);
	ck_assert_int_eq(file_git_exposed(dir, "s.private.pem"), 1);
	put(".gitignore", "*.private.pem\n");
	ck_assert_int_eq(file_git_exposed(at("keys"), "s.private.pem"), 0);
	ck_assert_int_eq(file_git_exposed(at("keys"), "s.public.pem"), 1);
}
END_TEST

Suite *
file_suite(void)
{
	Suite	*s = suite_create("file");
	TCase	*tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, kinds_named);
	tcase_add_test(tc, read_regular_and_link);
	tcase_add_test(tc, read_refuses_other_kinds);
	tcase_add_test(tc, read_all_bounded);
	tcase_add_test(tc, replace_writes_and_replaces);
	tcase_add_test(tc, replace_syncs_folder);
	tcase_add_test(tc, replace_refuses_non_regular);
	tcase_add_test(tc, create_is_exclusive);
	tcase_add_test(tc, dir_made_when_missing);
	tcase_add_test(tc, git_exposure);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
