/*
 * Test hooks: make a worker misbehave after it is sandboxed. Compiled only
 * with -DDSG_TEST_HOOKS (build/test/dsgd); tests/check-symbols.sh --hooks
 * proves with nm that the release dsgd has none of these symbols.
 */
#ifndef DSGD_TEST_HOOKS_H
#define DSGD_TEST_HOOKS_H
#ifdef DSG_TEST_HOOKS

#include "run/channel.h"

/* From DSG_TEST_HOOK="role:hook" in the master's environment: the hook for
 * role, or NULL. @relation(REQ-RUN-033) */
const char *dsgd_test_hook_for(const char *role);

/* Runs hook in a sandboxed, READY worker (no-pong is the worker loop's own).
 * Returns 0 when the hook is known.
 * @relation(REQ-RUN-033) */
int dsgd_test_hook_run(const char *hook, dsgd_chan *c, int max_known);

#endif
#endif
