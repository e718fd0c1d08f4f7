/*
 * The sink role, in test builds only (-DDSG_TEST_HOOKS; started when
 * dsgd.roles names it): serves POST and PUT /api/v1/test/sink as an upload
 * route and POST /api/v1/test/json as a JSON route, and answers each
 * request with its body's length and SHA-256,
 * so that tests can stream bodies of any size through the portal and check
 * that every byte arrived, in order, with both processes' memory flat.
 * POST /api/v1/test/audited, a JSON route too, also records a system event
 * `test-audited` (its detail: the request's query) and answers only once
 * that record is stored, or 503 `audit-unavailable` (REQ-LOG-008).
 * POST /api/v1/test/session answers {"token":"<the session token the
 * request carried>"} and sets the session cookie when the query asks for
 * it ("set=TOKEN&max_age=N", or "clear=1"; anything else malformed is 400
 * `refused`), so that tests can follow the credential both ways
 * (REQ-ACCT-014).
 */
#ifndef DSGD_SINK_H
#define DSGD_SINK_H
#ifdef DSG_TEST_HOOKS

#include "run/bus.h"

/* Before the sandbox: OpenSSL's digest, ready. 0, or -1. @relation(REQ-RUN-013) */
int dsgd_sink_prepare(void);

/* Once WELCOMEd: registers the route. 0, or -1. @relation(REQ-RUN-013) */
int dsgd_sink_start(dsgd_chan *chan);

/* A message from the master: 0 when handled. @relation(REQ-RUN-013) */
int dsgd_sink_message(const dsgd_msg *m);

#endif
#endif
