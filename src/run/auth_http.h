/*
 * The auth role's login API (docs/accounts.md, "The login API";
 * REQ-MFA-001, REQ-ACCT-014): the routes /api/v1/auth/... that the auth
 * role serves through the portal, each a step of src/auth/login_svc.h
 * (WebAuthn: docs/accounts.md, "WebAuthn enrolment and login"),
 * each step recorded as 認証ログ(多要素認証) (別紙 #14, REQ-LOG-029) before
 * its answer leaves (REQ-LOG-008).
 */
#ifndef DSGD_AUTH_HTTP_H
#define DSGD_AUTH_HTTP_H

#include <stdint.h>

#include <openssl/x509.h>

#include "run/bus.h"
#include "run/settings.h"

struct sqlite3;

/* Starts the login service over db with the settings a (borrowed), and
 * reads auth.ministry_networks and auth.webauthn_aaguid_allowlist; roots
 * (borrowed, NULL: none) are the attestation trust anchors. 0, or -1 with
 * a message. @relation(REQ-MFA-021, REQ-MFA-002, REQ-MFA-022) */
int dsgd_auth_http_init(const struct dsgd_auth_settings *a, X509_STORE *roots,
                        struct sqlite3 *db, char *err, size_t n);

/* Registers the routes on chan (the worker's bus_open). 0, or -1.
 * @relation(REQ-MFA-021) */
int dsgd_auth_http_start(dsgd_chan *chan);

/* An exchange message of the portal's (role_http.h): 0 when handled, -1
 * when not one; a complete request is one login step, recorded as
 * 認証ログ before its answer. @relation(REQ-MFA-021, REQ-LOG-029, REQ-MFA-017) */
int dsgd_auth_http_message(const dsgd_msg *m);

/* Queues a 認証ログ record (an administrator's unlock or forced logout,
 * recorded by the control commands of auth.c): its ticket, 0 when it was
 * dropped. @relation(REQ-MFA-017, REQ-LOG-029) */
uint32_t dsgd_auth_record(const char *user_id, const char *computer, const char *event,
                          const char *detail);

#endif
