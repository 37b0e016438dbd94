/*
 * profile.h - the AWS shared config and credentials files, read as the AWS
 * CLI reads them (Python's configparser, then botocore's profile map):
 *
 * - a line is a "[section]" header, a "key = value" or "key: value"
 *   setting (spaces around the delimiter and at both ends are dropped; the
 *   first '=' or ':' splits), a comment (its first non-blank character is
 *   '#' or ';'), blank, or a continuation: a line indented deeper than the
 *   setting above it, whose text is appended to that value after a newline
 *   (how nested settings such as "s3 =" are written);
 * - a '#' or ';' after a value is part of the value, as in the CLI;
 * - keys are compared without case, section names with case;
 * - in the config file, profiles are "[profile NAME]" (one or more spaces,
 *   NAME optionally in double or single quotes) and "[default]"; other
 *   sections ("[sso-session x]", "[services x]", "[x]") are not profiles
 *   and are skipped; in the credentials file every "[NAME]" is the profile
 *   NAME;
 * - a section or key given twice is merged, the later value winning;
 * - a UTF-8 byte order mark at the start is skipped.
 *
 * A line that is none of these, or a setting before any section, is an
 * error "PATH:LINE: ...".  Messages never quote a line's text, which may
 * hold a secret.  Every value is wiped when released.
 */
#ifndef MAILAUTH_PROFILE_H
#define MAILAUTH_PROFILE_H

#include <stddef.h>

#include "mailauth/chain.h"

struct buf;
struct err;

enum aws_file {
	AWS_FILE_CONFIG,
	AWS_FILE_CREDENTIALS
};

struct aws_setting {
	char		*key;		/* lower case */
	char		*value;
	enum aws_file	 file;
	size_t		 line;
};

struct aws_profile {
	char			*name;
	struct aws_setting	*v;
	size_t			 n;
};

struct aws_profiles {
	struct aws_profile	*v;
	size_t			 n;
};

#define AWS_PROFILES_INIT	{ NULL, 0 }
/* A shared file larger than this is refused. */
#define AWS_FILE_MAX		(1024L * 1024)

/*
 * Adds the profiles of one file's text (len bytes, NUL not needed) to ps;
 * path is only used in messages.  Returns -1 with err "PATH:LINE: ...",
 * ps then holding what came before that line.
 */
int	aws_profiles_parse(struct aws_profiles *, const char *text, size_t len,
	    const char *path, enum aws_file, struct err *);
/*
 * Reads and parses a file, opened as file_read_all() does: a FIFO, a
 * folder or a device there is an error at once ("cannot read 'PATH': it
 * is a FIFO, not a regular file"), never a wait.  A file that does not
 * exist is no error: *found is then 0 and nothing is added.  Other
 * failures: "cannot read 'PATH': REASON", "'PATH' is larger than 1 MiB",
 * or a parse error.
 */
int	aws_profiles_load(struct aws_profiles *, const char *path,
	    enum aws_file, int *found, struct err *);
/* The profile of that exact name, or NULL. */
const struct aws_profile *aws_profiles_find(const struct aws_profiles *,
	    const char *name);
/*
 * The value of key in the profile, or NULL when it is not set or set to
 * "": the credentials file's value over the config file's, as the AWS CLI
 * merges them.  p may be NULL.
 */
const char *aws_profile_get(const struct aws_profile *, const char *key);
/* The same, from one file only. */
const char *aws_profile_get_in(const struct aws_profile *, enum aws_file,
	    const char *key);
/* Wipes every value and frees everything; leaves ps empty. */
void	aws_profiles_release(struct aws_profiles *);

/* The two shared files of a run: where they are, and their profiles. */
struct aws_shared_files {
	struct aws_profiles	 profiles;
	char			*config_path;	/* NULL: no HOME to find it */
	char			*creds_path;	/* NULL: no HOME to find it */
};

/*
 * Finds the shared files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE,
 * "~" expanded, else HOME/.aws/config and HOME/.aws/credentials) and reads
 * them, the config file first; files (not initialised) is filled.  A file
 * that does not exist is empty.  -1 with err as aws_profiles_load(); files
 * then holds what was read before; release it either way.
 */
int	aws_shared_files_load(struct aws_shared_files *files, env_lookup_fn,
	    void *env_ctx, struct err *);
/* Why a profile is in neither file, for messages: "not in 'CONFIG' or
 * 'CREDENTIALS'" or "no shared files (HOME is not set)", added to b. */
void	aws_shared_files_where(const struct aws_shared_files *, struct buf *b);
/* Releases the profiles and paths; leaves files zeroed. */
void	aws_shared_files_release(struct aws_shared_files *files);

#endif
