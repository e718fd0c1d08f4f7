/*
 * The auth role (docs/accounts.md): owns var/auth/auth.db, the accounts
 * and the applications that change them (src/auth/acct_store.h), and runs
 * the `dsgctl account ...` commands the master passes on
 * (DSGD_MSG_ROLE_COMMAND). A storage role: chrooted into var/auth/, no
 * network.
 *
 * Commands (one line each; ctl appends " --uid U --pid P", the kernel's
 * credentials of the dsgctl that asked):
 *   account apply JSON                 an application (src/auth/acct_json.h)
 *   account approve ID
 *   account reject ID JSON             {"reason": "..."}
 *   account list [--all] [--json]      accounts; --all: deleted ones too
 *   account show USER_ID [--json]      one account and its history
 *   account applications [--pending] [--json]
 *   account credentials USER_ID --sheet password|code
 *                                      issues the initial password or the
 *                                      enrolment code, shown once
 * Each change is recorded as アカウント管理操作ログ (別紙 #15) and its
 * report waits until logd has stored that record (REQ-LOG-008).
 */
#ifndef DSGD_AUTH_H
#define DSGD_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "run/bus.h"

/* Before the sandbox: takes the settings the master passed (-L,
 * dsgd_settings_auth_arg; NULL: the defaults), reads the host's name (the
 * computer name of actions taken on the control socket) and the WebAuthn
 * attestation trust anchors (auth.webauthn_attestation_roots: a PEM file
 * of one or more certificates; the sandbox opens no file outside
 * var/auth). 0, or -1 with a message.
 * @relation(REQ-ACCT-018, REQ-MFA-022) */
int dsgd_auth_prepare(const char *settings, char *err, size_t n);

/* Sandboxed: opens (creating and migrating) dir/auth.db and starts the
 * login API with the settings prepared. 0, or -1 with a message.
 * @relation(REQ-ACCT-001, REQ-RUN-020) */
int dsgd_auth_start(const char *dir, char *err, size_t n);

/* A bus message from the master: a command (see above). 0, or -1 for a
 * message the role does not take.
 * @relation(REQ-ACCT-001, REQ-ACCT-002, REQ-ACCT-020, REQ-ACCT-018, REQ-LOG-030) */
int dsgd_auth_message(const dsgd_msg *m, dsgd_chan *chan);

/* An audit acknowledgement came in: a report waiting for its record goes
 * out. @relation(REQ-ACCT-018, REQ-LOG-008) */
void dsgd_auth_audited(dsgd_chan *chan);

/* After every poll: sends the next piece of a long answer when the bus
 * has room, and runs the expiry sweep when it is due: accounts past their
 * expiry become EXPIRED, each move recorded (event 4117).
 * @relation(REQ-ACCT-008, REQ-ACCT-023) */
void dsgd_auth_tick(void);

/* 0 when an answer can go on or the sweep is due, else the milliseconds
 * until the next sweep. @relation(REQ-ACCT-008, REQ-ACCT-023) */
int dsgd_auth_poll_timeout(void);

/* Queues the アカウント管理操作ログ record (event 4123, a warning by
 * system:auth) of a lock the lockout made at a login step; detail: the
 * step's. @relation(REQ-ACCT-018, REQ-MFA-025) */
void dsgd_auth_record_lock(const char *user_id, const char *detail);

struct dsg_acct_row;
struct dsg_app_row;
struct dsg_acct_app;
struct dsg_acct_problem;

/* An application entered at the portal (POST /api/v1/auth/applications,
 * the /apply page) by the live session's account me, from computer (its
 * registered terminal or address): refused when it names an applicant
 * (the applicant is me, never the body), then checked like every
 * application (dsg_acct_app_check), by the portal's rule
 * (src/auth/acct_portal.h) and stored like dsgctl's, pending, entered by
 * me's user ID; recorded as アカウント管理操作ログ 4100 (or 4190 for a
 * refusal) with source "dsgd/auth (portal)", the applicant as actor and
 * that computer name, the ticket in *ticket (0: none). 201 with the
 * number in *id; 400, 403 (other_organisation, admin_account), 409 (the
 * store's refusals: user_id_taken, application_pending, ...) with the
 * problem; 503 when the database failed.
 * @relation(REQ-ACCT-001, REQ-ACCT-018) */
int dsgd_auth_portal_apply(const struct dsg_acct_row *me, const char *computer,
                           struct dsg_acct_app *a, int64_t *id, struct dsg_acct_problem *p,
                           uint32_t *ticket);

/* Calls fn for each application user_id entered, newest first, until fn
 * returns non-zero. 0, or -1 on a database error (logged).
 * @relation(REQ-ACCT-001) */
int dsgd_auth_portal_each_app(const char *user_id,
                              int (*fn)(const struct dsg_app_row *r, void *ctx), void *ctx);

/* SHUTDOWN: closes the database. @relation(REQ-ACCT-001) */
void dsgd_auth_stop(void);

struct dsgd_backup_source;

/* What a backup copies (run/role_backup.h): auth.db. @relation(REQ-BKUP-002) */
int dsgd_auth_backup(struct dsgd_backup_source *src);

#endif
