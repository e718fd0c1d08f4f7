/*
 * The login pages the auth role serves (REQ-SHARE-022, docs/portal.md):
 * GET/POST /login, POST /login/totp, POST /login/webauthn, GET/POST
 * /logout, GET / (to the areas), the portal's static assets, and GET/POST
 * /apply, the account application form (REQ-ACCT-001), which enters an
 * application as POST /api/v1/auth/applications does. Each
 * credential step is the login API's (dsgd_auth_page_step): the same
 * decisions, lockout, rate limit and records; every failure shows one
 * fixed message. Internal to the auth role: auth_http.c hands it the
 * exchanges of page paths.
 */
#ifndef DSGD_AUTH_PAGES_H
#define DSGD_AUTH_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "run/exchange.h"

/* The page routes, *n of them. @relation(REQ-SHARE-022, REQ-ACCT-001) */
const dsgd_route *dsgd_auth_pages_routes(size_t *n);

/* A fresh CSRF key for the logout form. 0, or -1 (no randomness).
 * @relation(REQ-SHARE-022) */
int dsgd_auth_pages_init(void);

/* A request for a page path: 0 when taken (its body and end follow), or
 * an HTTP status to answer at once (404: not a page route, 503: busy).
 * @relation(REQ-SHARE-022) */
int dsgd_auth_pages_request(const dsgd_xch_request *r);

/* A piece of the body of exchange id, or its end: 1 when the exchange is
 * a page's (handled), 0 when it is not. @relation(REQ-SHARE-022) */
int dsgd_auth_pages_body(uint32_t id, const uint8_t *p, size_t len);
/* @relation(REQ-SHARE-022) */
int dsgd_auth_pages_end(uint32_t id, int complete);

/* The portal went away: every page exchange is over.
 * @relation(REQ-SHARE-022) */
void dsgd_auth_pages_gone(void);

#endif
