/*
 * internal.h - what the files of src/report/ share, and nothing else uses:
 * byte streams, a string map, and the steps between them.
 */
#ifndef MAILAUTH_REPORT_INTERNAL_H
#define MAILAUTH_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mailauth/err.h"
#include "mailauth/report.h"

/* --- byte streams --- */

#define RSTREAM_PEEK	512

/*
 * Bytes read in order from somewhere: a file, memory, the gunzip of
 * another stream, a zip member.  fill reads up to len bytes into buf and
 * returns how many, 0 at the end, -1 with err set.
 */
struct rstream {
	ssize_t		(*fill)(void *arg, unsigned char *buf, size_t len,
			    struct err *err);
	void		 *arg;
	unsigned char	  peek[RSTREAM_PEEK];	/* read ahead, not yet given */
	size_t		  npeek;
	size_t		  off;
	int		  eof;
};

void	rstream_init(struct rstream *,
	    ssize_t (*)(void *, unsigned char *, size_t, struct err *),
	    void *arg);
/* Up to len bytes, peeked ones first: as fill. */
ssize_t	rstream_read(struct rstream *, void *buf, size_t len, struct err *);
/* Makes up to RSTREAM_PEEK bytes available in s->peek without consuming
 * them (fewer only at the end); sets *len to how many; -1 on error. */
int	rstream_peek(struct rstream *, const unsigned char **p, size_t *len,
	    struct err *);

/* A stream over memory; m must outlive the stream. */
struct rmem {
	const unsigned char	*data;
	size_t			 len;
	size_t			 pos;
};
void	rstream_mem(struct rstream *, struct rmem *m, const void *data,
	    size_t len);

/* --- a map from strings to indexes (map.c) --- */

/* Returns the value of key, or adds it with value *value_if_new and
 * returns that; *added says which. */
size_t	report_map_get(struct report_map **, const char *key, size_t keylen,
	    size_t value_if_new, int *added);
/* Sets the value of key, adding it when missing. */
void	report_map_set(struct report_map **, const char *key, size_t keylen,
	    size_t value);
/* 1 with *value when key is in the map (which it leaves as it is); else
 * 0. */
int	report_map_find(const struct report_map *, const char *key,
	    size_t keylen, size_t *value);
void	report_map_free(struct report_map *);

/* --- shared by summaries and senders (summary.c, render.c) --- */

/* s as domains are compared: ASCII lower case, no trailing dot;
 * malloc'd. */
char	*report_name_folded(const char *s);
/* 1 when d is the filter's domain or a name under it (no domain: 1). */
int	 report_filter_wants(const struct report_filter *, const char *d);
/* Adds a row's messages to c: each total once. */
void	 report_counts_add(struct report_counts *c, const struct report_row *);

struct buf;
struct cJSON;
/* s made printable, at most max bytes. */
void	 report_text_safe(struct buf *out, const char *s, size_t max);
/* part of whole as "12.34%", "-" when whole is 0. */
void	 report_text_rate(struct buf *out, uint64_t part, uint64_t whole);
/* An exact integer member: a double holds only 53 bits. */
void	 report_json_u64(struct cJSON *o, const char *key, uint64_t v);

/* --- parsing (parse.c) --- */

/*
 * Reads one report from the XML in in.  Returns 0 with out filled (free
 * with report_release()), or -1 with err saying why, in words fit to show
 * after the file name.  Reading stops at the end of <feedback>; the rest
 * of the stream is read (to check a gzip's trailer) but not parsed.
 */
int	report_parse(struct rstream *in, struct report *out, struct err *err);

/* --- containers (container.c) --- */

/*
 * What container.c reads under and where it hands what it finds: it knows
 * nothing of sources or of the reader (source.c), which calls it and never
 * the other way round.  report is called with each report parsed (freed
 * when it returns), reject with each refusal and its reason ("member 'x':
 * ..." for a part of an archive or a message); name is the object's.
 */
struct report_found {
	const struct report_limits	 *limits;
	void	(*report)(void *arg, const char *name, const struct report *);
	void	(*reject)(void *arg, const char *name, const char *reason);
	void	 *arg;
};

/* GMime's tables, set up by report_reader_init(): GMime counts the calls,
 * only the first does anything.  They are never torn down: GMime cannot be
 * started again once shut down, so its memory stays reachable to the end. */
void	report_container_init(void);

/*
 * Reads every report in one object: in its bytes, size its size when
 * known (-1 when not), name its name for found's callbacks.
 */
void	report_container_read(const struct report_found *, const char *name,
	    struct rstream *in, int64_t size);

/* The mailauth version container.c was built for: load.c refuses a
 * shared object of another. */
extern const char report_container_version[];

#endif
