/*
 * check_xml.c - the one safe XML parse (src/core/xml.c): what it refuses,
 * finding children by local name, text exactly as written, and freeing a
 * document with its text wiped.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "mailauth/err.h"
#include "mailauth/xml.h"

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

Suite *
xml_suite(void)
{
	Suite	*s = suite_create("xml");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_children_and_text);
	suite_add_tcase(s, tc);
	return s;
}
