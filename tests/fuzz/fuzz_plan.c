/*
 * fuzz_plan.c - saved plans (plan_from_json()); a plan that parses is
 * rendered as text and Markdown, written back as JSON, which must parse
 * again, and split into change batches.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan		 p, q;
	struct plan_meta	 meta, meta2;
	struct err		 err;
	struct buf		 out = BUF_INIT;

	memset(&p, 0, sizeof(p));
	memset(&meta, 0, sizeof(meta));
	if (plan_from_json((const char *)data, size, &p, &meta, &err) == -1)
		return 0;
	plan_render_text(&p, 0, &out);
	buf_reset(&out);
	plan_render_markdown(&p, &out);
	buf_reset(&out);
	plan_to_json(&p, &meta, &out);
	memset(&q, 0, sizeof(q));
	memset(&meta2, 0, sizeof(meta2));
	if (plan_from_json(out.data, out.len, &q, &meta2, &err) == -1)
		abort();
	plan_release(&q);
	plan_meta_release(&meta2);
	buf_release(&out);
	plan_release(&p);
	plan_meta_release(&meta);
	return 0;
}
