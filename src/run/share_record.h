/*
 * What the share role records and answers for its commands (share.c:
 * areas, share_rights.c: rights): 監査ログ・カスタムレポート (別紙 #23,
 * docs/events.md) of an administrator's action, with the answer waiting
 * for it (REQ-LOG-008), and the refusals with their stable codes.
 */
#ifndef DSGD_SHARE_RECORD_H
#define DSGD_SHARE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "run/role_args.h"
#include "share/area_app.h"

#define DSGD_SHARE_EX_REFUSED 1    /* the operation was refused: the code says why */
#define DSGD_SHARE_EX_USAGE 64
#define DSGD_SHARE_EX_SOFTWARE 70

/* What one record says besides who and when. */
typedef struct dsgd_share_record {
    char site_id[24];            /* the area, "-" before it exists */
    char item_id[24];
    const char *item_type;       /* area, application, grant */
    char location[DSG_AREA_TEXT_MAX + 2];   /* the path in the area, "-" for none */
    const char *event;           /* Create, SecurityChange, Custom */
    const char *custom;          /* the custom event name (docs/events.md) */
    char data[640];              /* the event's data */
} dsgd_share_record;

/* Queues r's record by w and makes the command's answer wait for it.
 * @relation(REQ-LOG-038, REQ-LOG-008) */
void dsgd_share_record_add(const dsgd_who *w, const dsgd_share_record *r);

/* Queues r's record (別紙 #23) as the share role's own action (user
 * `system:share`, event source and app ID `dsgd`). @relation(REQ-SHARE-012) */
void dsgd_share_record_system(const dsgd_share_record *r);

/* Queues r's record of a portal request by the account user from the
 * client address addr (event source "api"), and returns its ticket for
 * dsgd_role_http_answer_recorded (0: dropped, the answer becomes 503).
 * @relation(REQ-SHARE-016, REQ-LOG-038, REQ-SHARE-019) */
uint32_t dsgd_share_record_request(const char *user, const char *addr,
                                   const dsgd_share_record *r);

/* Reads the host's name (the computer name of control-socket actions),
 * before the sandbox. 0, or -1 with a message. @relation(REQ-ACCT-018) */
int dsgd_share_record_init(char *err, size_t n);

/* What an upload the scanner found infected was (REQ-SHARE-014). */
typedef struct dsgd_share_detection {
    const char *client_address;  /* the device the file came from */
    const char *user;            /* the account that uploaded it */
    const char *file_name;
    const char *location;        /* the folder's path in its area */
    const char *sha256;          /* hex */
    uint64_t size;
    const char *detection;       /* the engine's name for what it found */
    const char *engine;          /* the engine that found it (dsg_scan_result) */
} dsgd_share_detection;

/* Queues d's マルウェア検知ログ record (別紙 #17, REQ-LOG-032), its action
 * "quarantined": its ticket, 0 when it was dropped.
 * @relation(REQ-SHARE-014, REQ-LOG-032) */
uint32_t dsgd_share_detection_record(const dsgd_share_detection *d);

/* Queues, beside the change's 監査ログ・カスタムレポート, its アカウント管理操作ログ
 * record (別紙 #15, REQ-ACCT-018): event_id (docs/events.md), the account
 * or organisation acted upon as `subject`, the area concerned as share
 * name. @relation(REQ-ACCT-018) */
void dsgd_share_account_op(const dsgd_who *w, unsigned event_id, const char *subject,
                           const char *share_name, const char *detail);

/* A refused change (custom event name `custom`, of application app when
 * above 0) is on record too, and ends the command with its code. 0.
 * @relation(REQ-LOG-038, REQ-SHARE-006, REQ-ACCT-009) */
int dsgd_share_refused(const dsgd_who *w, const char *custom, const char *what, int64_t app,
                       const dsg_acct_problem *p);

/* Ends the command with a storage error. 0. @relation(REQ-SHARE-006) */
int dsgd_share_storage_error(const char *message);

/* UTC RFC 3339 of a time in seconds into buf ("-" for 0). @relation(REQ-SHARE-006) */
const char *dsgd_share_when(int64_t t, char buf[32]);

#endif
