/*
 * json.h - what the saved-plan writer (json_write.c) and reader
 * (json_read.c) share; private to src/plan/.
 */
#ifndef MAILAUTH_PLAN_JSON_H
#define MAILAUTH_PLAN_JSON_H

#include "mailauth/plan.h"

/*
 * Makes cJSON allocate through xmalloc(), which exits when memory runs out
 * as the rest of mailauth does, so that no cJSON call of the writer or the
 * reader returns NULL for lack of memory.  Called by each before cJSON.
 */
void	 plan_json_hooks(void);
/* The "action" of a change: "none", "create", "update" or "delete". */
const char *plan_json_op_name(enum plan_op);
/* The set a change is shown by: the new one, or the old one it deletes. */
const struct rrset *plan_json_shown(const struct plan_change *);

#endif
