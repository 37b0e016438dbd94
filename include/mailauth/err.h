/*
 * err.h - errors handed from the layer that detects them to src/cli/, the
 * only code that prints.
 *
 * A struct err carries one message, written in mailauth's style: lower case,
 * no full stop, operands quoted.  Network layers also fill the HTTP status and
 * the AWS error code when they know them, so callers can act on them (retry a
 * throttle, treat NoSuchHostedZone specially) without parsing the message.
 * Messages never contain secrets, tokens or signatures.
 */
#ifndef MAILAUTH_ERR_H
#define MAILAUTH_ERR_H

struct err {
	char	msg[1024];
	long	http_status;		/* 0 when no HTTP exchange took place */
	char	aws_code[128];		/* "" unless AWS returned an error code */
};

void	err_clear(struct err *);
/* Formats the message and returns -1, so callers can write
 * "return err_set(err, ...);".  err may be NULL.  The message is made
 * printable (buf_add_printable_msg(): control characters and bad UTF-8
 * escaped, backslashes kept) and cut to fit, ending in "..." when cut;
 * quote input with buf_add_printable() where the message must be
 * unambiguous about backslashes. */
int	err_set(struct err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Prefixes the existing message with "PREFIX: ", keeping the rest; made
 * printable and cut as err_set() does. */
int	err_prefix(struct err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
