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

#include "auth/acct_app.h"
#include "run/bus.h"
#include "run/settings.h"

struct sqlite3;
struct dsg_lsvc_result;
struct dsgd_xch_cookie;

/* Starts the login service over db with the settings a (borrowed), and
 * reads auth.ministry_networks and auth.webauthn_aaguid_allowlist; roots
 * (borrowed, NULL: none) are the attestation trust anchors; totp_key
 * (borrowed) the data key TOTP secrets are sealed under. 0, or -1 with a
 * message. @relation(REQ-MFA-021, REQ-MFA-002, REQ-MFA-022, REQ-MFA-018) */
int dsgd_auth_http_init(const struct dsgd_auth_settings *a, X509_STORE *roots,
                        const uint8_t *totp_key, struct sqlite3 *db, char *err, size_t n);

/* Registers the routes on chan (the worker's bus_open). 0, or -1.
 * @relation(REQ-MFA-021) */
int dsgd_auth_http_start(dsgd_chan *chan);

/* An exchange message of the portal's (role_http.h): 0 when handled, -1
 * when not one; a complete request is one login step, recorded as
 * 認証ログ before its answer. @relation(REQ-MFA-021, REQ-LOG-029, REQ-MFA-017) */
int dsgd_auth_http_message(const dsgd_msg *m);

struct dsg_acct_row;

/* The account of the live portal session token presented from addr with
 * the client certificate cert_fp (NULL: none), for the application page
 * (auth_pages.c): the same checks as POST /api/v1/auth/applications
 * (the account's networks, the session alive, touched); the computer name
 * of its records (the registered terminal, else addr) into computer[0 ..
 * cap). 200 and *row; 401 (no session), 403 (outside the account's
 * networks, recorded) or 503. @relation(REQ-ACCT-001, REQ-ACCT-016) */
int dsgd_auth_page_account(const char *token, const char *addr, const uint8_t *cert_fp,
                           struct dsg_acct_row *row, char *computer, size_t cap);

/* A step of a login page (auth_pages.c, REQ-SHARE-022): route is the
 * login API path after /api/v1/auth/ (not the terminal logon) and json its
 * request body, from the client at addr presenting session token ("") and
 * the client certificate of SHA-256 cert_fp the portal verified (NULL:
 * none; DSGD_XCH_CERT_FP_LEN bytes), run exactly as the API runs it -- the
 * terminal the certificate names, the source's rate limit, the service,
 * the failure count, the records -- with *res its result, *cookie what it
 * does to the session cookie and *ticket the record to wait for (0: none).
 * 0; 429 when the source is rate limited (recorded); 400 when json is not
 * the step's body; -1 for an unknown route or an argument too long.
 * @relation(REQ-SHARE-022, REQ-MFA-013, REQ-LOG-008, REQ-MFA-002) */
int dsgd_auth_page_step(const char *route, const uint8_t *json, size_t len, const char *addr,
                        const char *token, const uint8_t *cert_fp, struct dsg_lsvc_result *res,
                        struct dsgd_xch_cookie *cookie, uint32_t *ticket);

/* The PublicKeyCredentialRequestOptions of a result whose next step is
 * ASSERT_WEBAUTHN, as JSON (the API's "publicKey"), into out: its length,
 * 0 when it does not fit. @relation(REQ-SHARE-022, REQ-MFA-002) */
size_t dsgd_auth_assert_options(const struct dsg_lsvc_result *res, uint8_t *out, size_t cap);

/* A step of `dsgctl login` (channel CONTROL, REQ-ACCT-012): route is the
 * login API path after /api/v1/auth/ (login, password, totp/enrol, totp,
 * webauthn/options, webauthn/register, webauthn/assert) and body its JSON
 * request, as on the portal; computer names the peer in 認証ログ and bound
 * ("uid:U") is the only caller that may use the token it yields. The
 * answer's JSON (the token in it) goes to out[0 .. *out_len) and the
 * record's ticket to *ticket; returns the HTTP status the portal would
 * answer, or -1 for a route that is not a credential step or a body that
 * is not its JSON object. @relation(REQ-ACCT-012, REQ-MFA-017) */
int dsgd_auth_ctl_step(const char *route, const uint8_t *body, size_t len, const char *computer,
                       const char *bound, uint8_t *out, size_t cap, size_t *out_len,
                       uint32_t *ticket);

/* An administrator's token presented on the control socket by bound:
 * 200 with the account in user_id and *fresh set when both factors were
 * verified within auth.reauth_max_age (the token's idle time starts
 * again), or 401 (recorded, *ticket its record).
 * @relation(REQ-ACCT-012, REQ-MFA-015) */
int dsgd_auth_admin_check(const char *token, const char *computer, const char *bound,
                          char user_id[DSG_ACCT_USER_ID_MAX + 1], int *fresh, uint32_t *ticket);

/* `dsgctl logout`: ends the administrator's token presented by bound.
 * 200, or 401; recorded (*ticket). @relation(REQ-ACCT-012) */
int dsgd_auth_admin_logout(const char *token, const char *computer, const char *bound,
                           uint32_t *ticket);

/* Queues a 認証ログ record (an administrator's unlock or forced logout,
 * recorded by the control commands of auth.c): its ticket, 0 when it was
 * dropped. @relation(REQ-MFA-017, REQ-LOG-029) */
uint32_t dsgd_auth_record(const char *user_id, const char *computer, const char *event,
                          const char *detail);

/* The same with the Windows account name a terminal reported (REQ-MFA-016;
 * "" for none). @relation(REQ-MFA-017, REQ-MFA-016) */
uint32_t dsgd_auth_record_windows(const char *user_id, const char *computer,
                                  const char *windows, const char *event, const char *detail);

#endif
