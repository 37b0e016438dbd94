/*
 * orgdomain.c - the Organizational Domain of a name from the Public Suffix
 * List built into libpsl (mailauth/orgdomain.h says why the list and not
 * RFC 9989's DNS Tree Walk).
 */
#include <string.h>

#include <libpsl.h>

#include "mailauth/buf.h"
#include "mailauth/orgdomain.h"

#define NAME_MAX_LEN	253	/* octets, without the final dot */

/* name in lower case without its final dot into low (NAME_MAX_LEN + 1
 * bytes); -1 when org_domain() refuses it. */
static int
lower(const char *name, char *low)
{
	size_t	 i, n = strlen(name);

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > NAME_MAX_LEN || name[0] == '.')
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char	 c = (unsigned char)name[i];

		if (c <= ' ' || c >= 0x7f)
			return -1;
		if (c == '.' && name[i + 1] == '.')
			return -1;
		low[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') :
		    (char)c;
	}
	low[n] = '\0';
	return 0;
}

int
org_domain(const char *name, struct buf *out)
{
	const psl_ctx_t	*psl = psl_builtin();
	const char	*reg;
	char		 low[NAME_MAX_LEN + 1];

	if (psl == NULL || lower(name, low) == -1)
		return -1;
	/* NULL for a public suffix, and for a name under none (libpsl's
	 * "*" rule makes every single label a suffix). */
	if ((reg = psl_registrable_domain(psl, low)) == NULL) {
		buf_adds(out, low);
		return 1;
	}
	buf_adds(out, reg);
	return 0;
}

int
org_domain_same(const char *a, const char *b)
{
	struct buf	 oa = BUF_INIT, ob = BUF_INIT;
	int		 same;

	same = org_domain(a, &oa) != -1 && org_domain(b, &ob) != -1 &&
	    strcmp(buf_str(&oa), buf_str(&ob)) == 0;
	buf_release(&oa);
	buf_release(&ob);
	return same;
}
