/*
 * check_buf.c - the one printable-text function: every class of character
 * at its boundaries, the cut, the message form that never escapes twice,
 * buf_add_clean() on the same classes, and the UTF-8 decoding checked
 * against GLib's on every two-byte sequence and the edges of the longer
 * ones.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "mailauth/buf.h"

#define S(x)	x, sizeof(x) - 1

static const struct {
	const char	*in;
	size_t		 len;
	const char	*want;
} printable_cases[] = {
	/* Printable ASCII is kept; a backslash is doubled. */
	{ S("example.com"), "example.com" },
	{ S(" ~!\"#$%&'()*+,-./:;<=>?@[]^_`{|}"), " ~!\"#$%&'()*+,-./:;<=>?@[]^_`{|}" },
	{ S("a\\b"), "a\\\\b" },
	{ S("\\x1b"), "\\\\x1b" },
	/* C0 controls, NUL included, and DEL. */
	{ S("a\x1b[31mb"), "a\\x1b[31mb" },
	{ S("\a"), "\\x07" },
	{ S("\t\n\r"), "\\t\\n\\r" },
	{ S("a\0b"), "a\\x00b" },
	{ S("\x01\x1f\x20"), "\\x01\\x1f " },
	{ S("\x7e\x7f"), "~\\x7f" },
	/* C1 controls, U+0080-U+009F; U+00A0 is printable. */
	{ S("\xc2\x80"), "\\u0080" },
	{ S("\xc2\x9b"), "\\u009b" },
	{ S("\xc2\x9f"), "\\u009f" },
	{ S("\xc2\xa0"), "\xc2\xa0" },
	/* Bidirectional controls, and their neighbours kept. */
	{ S("\xe2\x80\xa9"), "\xe2\x80\xa9" },		/* U+2029 */
	{ S("\xe2\x80\xaa"), "\\u202a" },
	{ S("abc\xe2\x80\xae" "cba"), "abc\\u202ecba" },
	{ S("\xe2\x80\xaf"), "\xe2\x80\xaf" },		/* U+202F */
	{ S("\xe2\x81\xa5"), "\xe2\x81\xa5" },		/* U+2065 */
	{ S("\xe2\x81\xa6"), "\\u2066" },
	{ S("\xe2\x81\xa9"), "\\u2069" },
	{ S("\xe2\x81\xaa"), "\xe2\x81\xaa" },		/* U+206A */
	{ S("\xe2\x80\x8d"), "\xe2\x80\x8d" },		/* U+200D */
	{ S("\xe2\x80\x8e\xe2\x80\x8f"), "\\u200e\\u200f" },
	{ S("\xd8\x9c"), "\\u061c" },
	/* Valid UTF-8 is kept: an IDN, an emoji (4 bytes), U+10FFFF. */
	{ S("b\xc3\xbc" "cher.example"), "b\xc3\xbc" "cher.example" },
	{ S("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80" },
	{ S("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf" },
	/* Bad UTF-8: byte by byte. */
	{ S("\xe2\x82"), "\\xe2\\x82" },		/* truncated */
	{ S("\xe2\x82" "a"), "\\xe2\\x82a" },
	{ S("\xc0\xaf"), "\\xc0\\xaf" },		/* overlong "/" */
	{ S("\xe0\x80\xaf"), "\\xe0\\x80\\xaf" },	/* overlong "/" */
	{ S("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf" },
	{ S("\xc1\xbf"), "\\xc1\\xbf" },
	{ S("\xed\xa0\x80"), "\\xed\\xa0\\x80" },	/* U+D800 */
	{ S("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80" }, /* U+110000 */
	{ S("\xf5\xff\x80"), "\\xf5\\xff\\x80" },
	{ S("\xc2\xc2\xa0"), "\\xc2\xc2\xa0" },
	{ S(""), "" },
};

START_TEST(printable_classes)
{
	struct buf	 b = BUF_INIT;

	buf_add_printable(&b, printable_cases[_i].in, printable_cases[_i].len,
	    0);
	ck_assert_msg(strcmp(buf_str(&b), printable_cases[_i].want) == 0,
	    "case %d: got \"%s\", want \"%s\"", _i, buf_str(&b),
	    printable_cases[_i].want);
	ck_assert_uint_eq(b.len, strlen(printable_cases[_i].want));
	buf_release(&b);
}
END_TEST

/* The message form: the same but backslashes, and a second pass over its
 * own result or over buf_add_printable()'s changes nothing. */
START_TEST(printable_msg_idempotent)
{
	struct buf	 once = BUF_INIT, twice = BUF_INIT, full = BUF_INIT;
	const char	*in = printable_cases[_i].in;
	size_t		 len = printable_cases[_i].len;

	buf_add_printable_msg(&once, in, len, 0);
	buf_add_printable(&full, in, len, 0);
	if (memchr(in, '\\', len) == NULL)
		ck_assert_str_eq(buf_str(&once), buf_str(&full));
	buf_add_printable_msg(&twice, once.data, once.len, 0);
	ck_assert_str_eq(buf_str(&twice), buf_str(&once));
	buf_reset(&twice);
	buf_add_printable_msg(&twice, full.data, full.len, 0);
	ck_assert_str_eq(buf_str(&twice), buf_str(&full));
	buf_release(&once);
	buf_release(&twice);
	buf_release(&full);
}
END_TEST

START_TEST(printable_msg_keeps_backslash)
{
	struct buf	 b = BUF_INIT;

	buf_add_printable_msg(&b, S("'\"a\\\"b\\052' \x1b"), 0);
	ck_assert_str_eq(buf_str(&b), "'\"a\\\"b\\052' \\x1b");
	buf_release(&b);
}
END_TEST

/* No byte of the result is a control character or starts bad UTF-8,
 * whatever the input: every byte value, alone and after each lead. */
START_TEST(printable_never_raw)
{
	struct buf	 b = BUF_INIT;
	char		 in[2];
	size_t		 i;
	int		 c, d;

	for (c = 0; c < 256; c++)
		for (d = 0; d < 256; d++) {
			in[0] = (char)c;
			in[1] = (char)d;
			buf_reset(&b);
			buf_add_printable(&b, in, 2, 0);
			for (i = 0; i < b.len; i++)
				ck_assert_msg((unsigned char)b.data[i] >= 0x20 &&
				    b.data[i] != 0x7f, "%02x %02x", c, d);
			ck_assert(g_utf8_validate(b.data, (gssize)b.len,
			    NULL));
			ck_assert(strstr(buf_str(&b), "\xc2\x80") == NULL);
		}
	buf_release(&b);
}
END_TEST

/* What GLib makes of s[0, len), in the scheme: the oracle. */
static void
glib_printable(struct buf *b, const unsigned char *s, size_t len)
{
	gunichar	 c;
	size_t		 i = 0, n;
	char		 e[16];

	while (i < len) {
		if (s[i] < 0x80) {
			if (s[i] == '\\')
				buf_adds(b, "\\\\");
			else if (s[i] == '\t')
				buf_adds(b, "\\t");
			else if (s[i] == '\n')
				buf_adds(b, "\\n");
			else if (s[i] == '\r')
				buf_adds(b, "\\r");
			else if (s[i] < 0x20 || s[i] == 0x7f)
				buf_addf(b, "\\x%02x", s[i]);
			else
				buf_addc(b, (char)s[i]);
			i++;
			continue;
		}
		c = g_utf8_get_char_validated((const char *)s + i,
		    (gssize)(len - i));
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			buf_addf(b, "\\x%02x", s[i++]);
			continue;
		}
		n = (size_t)g_unichar_to_utf8(c, e);
		if (c <= 0x9f || c == 0x61c || c == 0x200e || c == 0x200f ||
		    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
			buf_addf(b, "\\u%04x", (unsigned)c);
		else
			buf_add(b, s + i, n);
		i += n;
	}
}

START_TEST(printable_as_glib)
{
	static const unsigned char	 edges[] = { 0x00, 0x41, 0x80, 0x8f,
					     0x90, 0x9f, 0xa0, 0xbf, 0xc0 };
	struct buf			 got = BUF_INIT, want = BUF_INIT;
	unsigned char			 s[4];
	size_t				 k, m, n = 0;
	int				 a, c;

	/* Every lead byte, every second byte, the edges of the rest. */
	for (a = 0x80; a < 256; a++)
		for (c = 0; c < 256; c++)
			for (k = 0; k < sizeof(edges); k++)
				for (m = 0; m < sizeof(edges); m++) {
					s[0] = (unsigned char)a;
					s[1] = (unsigned char)c;
					s[2] = edges[k];
					s[3] = edges[m];
					buf_reset(&got);
					buf_reset(&want);
					buf_add_printable(&got,
					    (const char *)s, 4, 0);
					glib_printable(&want, s, 4);
					ck_assert_msg(strcmp(buf_str(&got),
					    buf_str(&want)) == 0, "%02x %02x "
					    "%02x %02x: %s, GLib %s", s[0],
					    s[1], s[2], s[3], buf_str(&got),
					    buf_str(&want));
					n++;
				}
	ck_assert_uint_eq(n, 128u * 256 * sizeof(edges) * sizeof(edges));
	buf_release(&got);
	buf_release(&want);
}
END_TEST

/* At most max bytes, cut between two characters or escapes. */
START_TEST(printable_cut)
{
	struct buf	 b = BUF_INIT;

	/* Exactly max: whole. */
	buf_add_printable(&b, S("abcdefgh"), 8);
	ck_assert_str_eq(buf_str(&b), "abcdefgh");
	buf_reset(&b);
	buf_add_printable(&b, S("abcdefghi"), 8);
	ck_assert_str_eq(buf_str(&b), "abcde...");
	/* An escape is never cut: "ab\x1b" would need 7 of the 5 left. */
	buf_reset(&b);
	buf_add_printable(&b, S("ab\x1b" "cdefgh"), 8);
	ck_assert_str_eq(buf_str(&b), "ab...");
	buf_reset(&b);
	buf_add_printable(&b, S("\x1b"), 4);
	ck_assert_str_eq(buf_str(&b), "\\x1b");
	/* Nor a character: the emoji does not fit in 6 - 3. */
	buf_reset(&b);
	buf_add_printable(&b, S("a\xf0\x9f\x98\x80" "bcd"), 6);
	ck_assert_str_eq(buf_str(&b), "a...");
	/* Appending keeps what was there. */
	buf_reset(&b);
	buf_adds(&b, "x: ");
	buf_add_printable(&b, S("\xe2\x80\xae" "0123456789"), 10);
	ck_assert_str_eq(buf_str(&b), "x: \\u202e0...");
	buf_release(&b);
}
END_TEST

/* buf_add_clean() stays ASCII, one '?' per byte outside it, and takes
 * the C1 and bidirectional controls for white space as C0 ones. */
START_TEST(clean_classes)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*want;
	} cases[] = {
		{ S("  a \t\n b\x1b\x7f "), "a b" },
		{ S("caf\xc3\xa9"), "caf??" },
		{ S("a\xc2\x85" "b"), "a b" },
		{ S("a\xe2\x80\xae" "b"), "a b" },
		{ S("a\xc2\xa0" "b"), "a??b" },
		{ S("\xc0\xaf"), "??" },
		{ S("a\\b"), "a\\b" },
	};
	struct buf	 b = BUF_INIT;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		buf_add_clean(&b, cases[i].in, cases[i].len, NULL, 0, 0);
		ck_assert_msg(strcmp(buf_str(&b), cases[i].want) == 0,
		    "case %zu: got \"%s\"", i, buf_str(&b));
	}
	buf_reset(&b);
	buf_add_clean(&b, S("abc\xc3\xa9"), NULL, 0, 4);
	ck_assert_str_eq(buf_str(&b), "abc?...");
	buf_release(&b);
}
END_TEST

Suite	*buf_suite(void);

Suite *
buf_suite(void)
{
	Suite	*s = suite_create("buf");
	TCase	*tc = tcase_create("printable");
	int	 n = (int)(sizeof(printable_cases) / sizeof(printable_cases[0]));

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, printable_classes, 0, n);
	tcase_add_loop_test(tc, printable_msg_idempotent, 0, n);
	tcase_add_test(tc, printable_msg_keeps_backslash);
	tcase_add_test(tc, printable_never_raw);
	tcase_add_test(tc, printable_as_glib);
	tcase_add_test(tc, printable_cut);
	tcase_add_test(tc, clean_classes);
	suite_add_tcase(s, tc);
	return s;
}
