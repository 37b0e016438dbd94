/*
 * check_xml.c - the one safe XML parse (src/core/xml.c): what it refuses,
 * finding children by local name, text exactly as written, and freeing a
 * document with its text wiped; libxml2's error reports taken, so that
 * nothing reaches stderr, from the response parser and the report parser
 * (src/report/parse.c) alike.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/report.h"
#include "mailauth/xml.h"
#include "../src/report/internal.h"

Suite	*xml_suite(void);

#define T(s)	(s), sizeof(s) - 1

START_TEST(test_refused)
{
	static const struct {
		const char	*xml;
		size_t		 len;
		const char	*msg;
	} cases[] = {
		{ T("<a><b></a>"), "response is not well-formed XML" },
		{ T(""), "response is not well-formed XML" },
		{ T("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>"),
		  "unexpected DTD in response" },
	};
	struct err	 err;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err_clear(&err);
		ck_assert_ptr_null(xml_parse_untrusted(cases[i].xml,
		    cases[i].len, 0, &err));
		ck_assert_msg(strstr(err.msg, cases[i].msg) != NULL,
		    "case %zu: '%s'", i, err.msg);
	}
}
END_TEST

START_TEST(test_children_and_text)
{
	static const char	 xml[] = "<r xmlns=\"urn:x\"><!-- c --><a>1</a>"
	    "<p:b xmlns:p=\"urn:y\">  two &amp; <![CDATA[three]]>  </p:b>"
	    "<a>second</a><e/></r>";
	struct err		 err;
	xmlDoc			*doc;
	xmlNode			*r;
	char			*s;

	err_clear(&err);
	doc = xml_parse_untrusted(xml, sizeof(xml) - 1, XML_PARSE_NODICT,
	    &err);
	ck_assert_msg(doc != NULL, "%s", err.msg);
	r = xmlDocGetRootElement(doc);
	ck_assert_int_eq(xml_named(r, "r"), 1);
	ck_assert_int_eq(xml_named(r, "a"), 0);
	s = xml_text(xml_child(r, "a"));	/* the first one */
	ck_assert_str_eq(s, "1");
	free(s);
	/* By local name whatever the prefix; text exactly as written. */
	s = xml_text(xml_child(r, "b"));
	ck_assert_str_eq(s, "  two & three  ");
	free(s);
	s = xml_text(xml_child(r, "e"));
	ck_assert_str_eq(s, "");
	free(s);
	ck_assert_ptr_null(xml_child(r, "missing"));
	ck_assert_ptr_null(xml_text(xml_child(r, "missing")));
	ck_assert_ptr_null(xml_child(NULL, "a"));
	xml_free_wiped(doc);
	xml_free_wiped(NULL);
}
END_TEST

/* Bodies that make libxml2 2.9 print on stderr through its global
 * handlers, whatever XML_PARSE_NOERROR says. */
static const struct {
	const char	*xml;
	size_t		 len;
	const char	*report_msg;	/* of report_parse() */
} bad_encodings[] = {
	/* "encoding error : input conversion failed due to input error" and
	 * "I/O error : encoder error" */
	{ T("<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?>\n"
	    "<feedback><version>\x1b$B\xff\xff</version></feedback>\n"),
	  "malformed XML at line 1: input conversion failed due to input "
	  "error, bytes 0xFF 0xFF 0x3C 0x2F" },
	{ T("<?xml version=\"1.0\" encoding=\"EUC-JP\"?>\n<feedback>"
	    "<report_metadata><org_name>\x8f\xff\xff\xfe</org_name>"
	    "</report_metadata></feedback>\n"),
	  "malformed XML at line 1: input conversion failed due to input "
	  "error, bytes 0x8F 0xFF 0xFF 0xFE" },
	{ T("<?xml version=\"1.0\" encoding=\"bogus-x\"?><feedback/>"),
	  "malformed XML at line 1: unsupported encoding bogus-x" },
	{ T("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>"
	    "\xff\xfe\xe9</feedback>"),
	  "malformed XML at line 2: input is not proper UTF-8, indicate "
	  "encoding" },
};

static int	saved_stderr = -1;
static FILE	*captured;

/* Sends stderr (the descriptor, as libxml2 writes it) to a temporary
 * file until stderr_release(). */
static void
stderr_capture(void)
{
	fflush(stderr);
	ck_assert_ptr_nonnull(captured = tmpfile());
	ck_assert_int_ne(saved_stderr = dup(STDERR_FILENO), -1);
	ck_assert_int_ne(dup2(fileno(captured), STDERR_FILENO), -1);
}

/* Puts stderr back; what was written to it meanwhile, in out. */
static void
stderr_release(struct buf *out)
{
	char	 chunk[512];
	size_t	 n;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(captured);
	while ((n = fread(chunk, 1, sizeof(chunk), captured)) > 0)
		buf_add(out, chunk, n);
	fclose(captured);
}

START_TEST(test_bad_encoding_silent)
{
	struct buf	 got = BUF_INIT;
	struct err	 err;
	xmlDoc		*doc;

	err_clear(&err);
	stderr_capture();
	doc = xml_parse_untrusted(bad_encodings[_i].xml,
	    bad_encodings[_i].len, 0, &err);
	stderr_release(&got);
	ck_assert_ptr_null(doc);
	ck_assert_str_eq(err.msg, "response is not well-formed XML");
	ck_assert_msg(got.len == 0, "stderr: '%s'", buf_str(&got));
	buf_release(&got);
}
END_TEST

START_TEST(test_bad_encoding_report)
{
	struct buf	 got = BUF_INIT;
	struct report	 r;
	struct rstream	 in;
	struct rmem	 m;
	struct err	 err;

	err_clear(&err);
	rstream_mem(&in, &m, bad_encodings[_i].xml, bad_encodings[_i].len);
	stderr_capture();
	ck_assert_int_eq(report_parse(&in, &r, &err), -1);
	stderr_release(&got);
	ck_assert_msg(got.len == 0, "stderr: '%s'", buf_str(&got));
	/* libxml2's first line, without its " !" ending. */
	ck_assert_str_eq(err.msg, bad_encodings[_i].report_msg);
	buf_release(&got);
}
END_TEST

static void
prior_handler(void *arg, XML_ERROR_T *e)
{
	(void)e;
	(*(int *)arg)++;
}

/* The first error kept, printable and bounded; the handlers found are put
 * back by the end, nested captures included. */
START_TEST(test_errors_capture)
{
	struct xml_errors	 outer, inner;
	struct buf		 name = BUF_INIT, got = BUF_INIT;
	xmlDoc			*doc;
	int			 prior = 0;

	xmlSetStructuredErrorFunc(&prior, prior_handler);
	buf_adds(&name, "<");
	while (name.len < 301)
		buf_addc(&name, 'x');
	buf_adds(&name, "></b>");
	stderr_capture();
	xml_errors_begin(&outer);
	xml_errors_begin(&inner);
	/* What libxml2 writes through its generic channel (in pieces). */
	xmlGenericError(xmlGenericErrorContext, "%s", "Raw\x1b[31m  text !\n");
	xmlGenericError(xmlGenericErrorContext, "%s", "more\n");
	xml_errors_end(&inner);
	doc = xmlReadMemory(name.data, (int)name.len, NULL, NULL,
	    XML_PARSE_NONET);
	xml_errors_end(&outer);
	stderr_release(&got);
	ck_assert_ptr_null(doc);
	ck_assert_msg(got.len == 0, "stderr: '%s'", buf_str(&got));
	ck_assert_uint_eq(inner.count, 2);
	ck_assert_str_eq(inner.first, "raw [31m text");
	ck_assert_int_eq(inner.line, 0);
	ck_assert_uint_ge(outer.count, 1);
	ck_assert_uint_eq(strlen(outer.first), XML_ERRTEXT_MAX + 3);
	ck_assert_msg(strncmp(outer.first, "opening and ending tag mismatch: "
	    "xxx", 36) == 0, "%s", outer.first);
	ck_assert_str_eq(outer.first + XML_ERRTEXT_MAX, "...");
	ck_assert_int_eq(outer.line, 1);
	ck_assert_int_eq(prior, 0);
	/* Back to the handler there before. */
	doc = xmlReadMemory("<a>", 3, NULL, NULL, XML_PARSE_NONET);
	ck_assert_ptr_null(doc);
	ck_assert_int_ge(prior, 1);
	xmlSetStructuredErrorFunc(NULL, NULL);
	buf_release(&name);
	buf_release(&got);
}
END_TEST

/*
 * plan and apply parse in one thread per account: after xml_init(), each
 * thread's xml_errors_begin() gets its own parses' errors only (libxml2
 * keeps the handlers per thread), however the threads interleave.
 */
struct xml_thread {
	pthread_t	 thread;
	const char	*doc;
	const char	*want;		/* the start of its first error */
	int		 wrong;
};

static void *
xml_thread_run(void *arg)
{
	struct xml_thread	*t = arg;
	struct xml_errors	 xe;
	xmlDoc			*doc;
	int			 i;

	for (i = 0; i < 300; i++) {
		xml_errors_begin(&xe);
		doc = xmlReadMemory(t->doc, (int)strlen(t->doc), NULL, NULL,
		    XML_PARSE_NONET);
		xml_errors_end(&xe);
		xmlFreeDoc(doc);
		if (xe.count == 0 || strncmp(xe.first, t->want,
		    strlen(t->want)) != 0)
			t->wrong++;
	}
	return NULL;
}

START_TEST(test_errors_per_thread)
{
	struct xml_thread	 t[2] = {
		{ 0, "<a></b>", "opening and ending tag mismatch", 0 },
		{ 0, "<a>&nope;</a>", "entity 'nope' not defined", 0 }
	};
	struct buf		 got = BUF_INIT;
	size_t			 i;

	ck_assert_int_eq(xml_init(), 0);
	stderr_capture();
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i].thread, NULL,
		    xml_thread_run, &t[i]), 0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i].thread, NULL);
	stderr_release(&got);
	ck_assert_int_eq(t[0].wrong, 0);
	ck_assert_int_eq(t[1].wrong, 0);
	ck_assert_msg(got.len == 0, "stderr: '%s'", buf_str(&got));
	buf_release(&got);
}
END_TEST

Suite *
xml_suite(void)
{
	Suite	*s = suite_create("xml");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_children_and_text);
	tcase_add_loop_test(tc, test_bad_encoding_silent, 0,
	    sizeof(bad_encodings) / sizeof(bad_encodings[0]));
	tcase_add_loop_test(tc, test_bad_encoding_report, 0,
	    sizeof(bad_encodings) / sizeof(bad_encodings[0]));
	tcase_add_test(tc, test_errors_capture);
	tcase_add_test(tc, test_errors_per_thread);
	suite_add_tcase(s, tc);
	return s;
}
