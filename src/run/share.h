/*
 * The share role (docs/sharing.md): owns var/share/share.db, the areas
 * (サイトコンテンツ) of protected-information sharing and the applications
 * that create them (src/share/area_store.h), and runs the `dsgctl area ...`
 * commands the master passes on (DSGD_MSG_ROLE_COMMAND). A storage role:
 * chrooted into var/share/, no network.
 *
 * Commands (one line each; ctl appends "[ --admin NAME] --uid U --pid P"):
 *   area apply JSON                    an application (src/share/area_app.h)
 *   area approve ID                    creates the area and its folders
 *   area reject ID JSON                {"reason": "..."}
 *   area list [--json]                 the areas
 *   area show ID [--json]              one area and its folders
 *   area applications [--pending] [--json]
 * Each change, and each refused one, is recorded as 監査ログ・カスタムレポート
 * (別紙 #23) and its answer waits until logd has stored that record
 * (REQ-LOG-008).
 */
#ifndef DSGD_SHARE_H
#define DSGD_SHARE_H

#include <stddef.h>

#include "run/bus.h"

/* Before the sandbox: takes the settings the master passed (-L,
 * dsgd_settings_share_arg; NULL: the defaults). 0, or -1 with a message.
 * @relation(REQ-SHARE-006) */
int dsgd_share_prepare(const char *settings, char *err, size_t n);

/* Sandboxed: opens (creating and migrating) dir/share.db. 0, or -1 with a
 * message. @relation(REQ-SHARE-006, REQ-RUN-020) */
int dsgd_share_start(const char *dir, char *err, size_t n);

/* WELCOMEd: registers the file API's routes (src/run/share_http.h).
 * @relation(REQ-SHARE-008) */
int dsgd_share_bus_open(dsgd_chan *chan);

/* A bus message from the master: a command (see above). 0, or -1 for a
 * message the role does not take. @relation(REQ-SHARE-006, REQ-LOG-038) */
int dsgd_share_message(const dsgd_msg *m, dsgd_chan *chan);

/* An audit acknowledgement came in: a report waiting for its record goes
 * out. @relation(REQ-LOG-038, REQ-LOG-008) */
void dsgd_share_audited(dsgd_chan *chan);

/* After every poll: the next piece of a long answer. @relation(REQ-SHARE-006) */
void dsgd_share_tick(void);

/* 0 when an answer can go on, else -1 (no timer of its own).
 * @relation(REQ-SHARE-006) */
int dsgd_share_poll_timeout(void);

/* SHUTDOWN: closes the database. @relation(REQ-SHARE-006) */
void dsgd_share_stop(void);

struct dsgd_backup_source;

/* What a backup copies (run/role_backup.h): share.db, search.db and the
 * object files as stored. @relation(REQ-BKUP-002) */
int dsgd_share_backup(struct dsgd_backup_source *src);

#endif
