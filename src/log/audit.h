/*
 * The audit store (REQ-LOG-001..006, docs/audit.md): logd's append-only,
 * chained record of events, and its offline verification.
 *
 * A directory (var/logd/, mode 0700) holds:
 *   audit.db     the records (SQLite, src/db/db.h): source, seq, type,
 *                recorded_at, the canonical encoding (src/log/audit_enc.h),
 *                the hash-chain value and the MAC-chain value
 *   chain.key    32 random bytes, the HMAC-SHA-256 key of the MAC chain (0600)
 *   sign.key     the Ed25519 checkpoint signing key, PKCS#8 PEM (0600)
 *   sign.pub     its public key, SubjectPublicKeyInfo PEM
 *   anchor.log   signed checkpoints, one line each (src/log/anchor.h)
 *
 * Per source, record n carries
 *   hash_n = SHA-256(hash_{n-1} || enc_n)                (public chain)
 *   mac_n  = HMAC-SHA-256(chain.key, mac_{n-1} || enc_n)  (keyed chain)
 * with hash_0 = mac_0 = 32 zero bytes; enc_n contains the source and n.
 * A checkpoint signs (source, n, hash_n, time). The public key alone
 * verifies every record up to the last checkpoint; the chain key also
 * verifies the records after it.
 *
 * No function here edits a record, and only dsg_audit_prune deletes any
 * (REQ-LOG-006, REQ-LOG-007); dsg_audit_restore puts an older copy of the
 * database in place and keeps the current one aside (REQ-LOG-015,
 * REQ-LOG-046).
 */
#ifndef DSG_AUDIT_H
#define DSG_AUDIT_H

#include <stddef.h>
#include <stdint.h>

/* Log types: the 別紙 numbers 1..23, and internal types from 100. */
#define DSG_AUDIT_TYPE_AUTH 14u            /* 別紙 #14 認証ログ(多要素認証) */
#define DSG_AUDIT_TYPE_ACCOUNT_OPS 15u     /* 別紙 #15 アカウント管理操作ログ */
#define DSG_AUDIT_TYPE_PORTAL_ACCESS 16u   /* 別紙 #16 ポータルサイトアクセスログ */
#define DSG_AUDIT_TYPE_MALWARE 17u         /* 別紙 #17 マルウェア検知ログ */
#define DSG_AUDIT_TYPE_SHARE_AUDIT 23u     /* 別紙 #23 監査ログ・カスタムレポート */
#define DSG_AUDIT_TYPE_CHECKPOINT 100u     /* export only: a signed checkpoint */
#define DSG_AUDIT_TYPE_SYSTEM 101u         /* logd started / stopped */
#define DSG_AUDIT_TYPE_CONTROL 102u        /* a command on the control socket */
#define DSG_AUDIT_TYPE_PRUNE 103u          /* records removed by retention pruning */
#define DSG_AUDIT_TYPE_RESTORE 104u        /* the chain continues after a restore */

#define DSG_AUDIT_SOURCES_MAX 64u
#define DSG_AUDIT_NAME_MAX 64u       /* bytes of a field name */
#define DSG_AUDIT_BREAKS_MAX 64u

struct sqlite3;
typedef struct dsg_audit dsg_audit;

typedef struct dsg_audit_field {
    const char *name;       /* NUL-terminated field key, e.g. "source_ip" */
    const uint8_t *value;
    size_t len;
} dsg_audit_field;

typedef struct dsg_audit_opts {
    uint32_t busy_timeout_ms;     /* db.busy_timeout */
    uint32_t checkpoint_records;  /* log.checkpoint_records: 0 = never by count */
    uint32_t max_field_bytes;     /* log.max_field_bytes (256..8192) */
} dsg_audit_opts;

/* The options from the embedded configuration defaults. @relation(REQ-LOG-004) */
void dsg_audit_opts_default(dsg_audit_opts *o);

/* Opens the store in dir: creates the keys on first use (only while the
 * database holds no record), refuses a key file that is not a regular file
 * owned by this uid with mode 0600 or stricter, opens and migrates
 * audit.db. When a source's last record lies before its last checkpoint,
 * the database is older than anchor.log: with the marker of
 * dsg_audit_restore, every such source gets a restore record (numbered
 * after the checkpoint, chained to the restored head) in one transaction,
 * then a checkpoint, then the marker goes; without the marker the open is
 * refused (records were lost outside a restore). 0, or -1 with a message.
 * @relation(REQ-LOG-004, REQ-LOG-006, REQ-LOG-041, REQ-RUN-020, REQ-LOG-046) */
__attribute__((warn_unused_result))
int dsg_audit_open(const char *dir, const dsg_audit_opts *opts, dsg_audit **out, char *err,
                   size_t errsize);

/* Closes the store (NULL allowed); writes nothing. @relation(REQ-LOG-041) */
void dsg_audit_close(dsg_audit *a);

/* Appends a record of `type` from `source` with the given fields: checks
 * them against the type's schema (an unknown, duplicate or missing
 * required field is refused naming it), cuts a value over
 * max_field_bytes and lists it in the field `truncated` as NAME:LENGTH,
 * puts the fields in the schema's order, assigns the next sequence number
 * of the source, encodes, chains and commits the record in one
 * transaction; then, every checkpoint_records records of the source,
 * writes a checkpoint. Returns 0 with *seq set once the record is durably
 * committed; -1 with a message otherwise (nothing stored).
 * @relation(REQ-LOG-001, REQ-LOG-013, REQ-LOG-031, REQ-LOG-041) */
__attribute__((warn_unused_result))
int dsg_audit_append(dsg_audit *a, const char *source, uint32_t type,
                     const dsg_audit_field *fields, size_t nfields, uint64_t *seq, char *err,
                     size_t errsize);

/* A batch: the appends until dsg_audit_batch_commit are one transaction
 * (one fsync), and are all stored or none. A record refused for its content
 * leaves the batch open; a failed insert or commit is to be followed by
 * dsg_audit_batch_abort (commit does it itself). Checkpoints due by count
 * are written after the commit. 0, or -1 with a message.
 * @relation(REQ-LOG-043, REQ-LOG-041) */
__attribute__((warn_unused_result))
int dsg_audit_batch_begin(dsg_audit *a, char *err, size_t errsize);

/* @relation(REQ-LOG-043, REQ-LOG-041) */
__attribute__((warn_unused_result))
int dsg_audit_batch_commit(dsg_audit *a, char *err, size_t errsize);

/* Drops the batch's records: the store is as it was before it began.
 * @relation(REQ-LOG-043) */
void dsg_audit_batch_abort(dsg_audit *a);

/* Writes a signed checkpoint to anchor.log for every source with records
 * after its last checkpoint (logd at intervals and at shutdown). 0, or -1.
 * @relation(REQ-LOG-004, REQ-LOG-041) */
__attribute__((warn_unused_result))
int dsg_audit_checkpoint(dsg_audit *a, char *err, size_t errsize);

/* Records since the last checkpoint, over all sources. @relation(REQ-LOG-004) */
uint64_t dsg_audit_unanchored(const dsg_audit *a);

/* The store's connection, for a backup's online copy (src/db/snapshot.h).
 * @relation(REQ-BKUP-009) */
struct sqlite3 *dsg_audit_db(dsg_audit *a);

/* Whether dsg_audit_open made the store's keys (an empty store): 1 with
 * detail naming them by key ID (the signing key by the first 8 bytes of
 * the SHA-256 of its public key, the chain key by the first 8 bytes of
 * HMAC-SHA-256(chain key, "dsg chain key ID"); never key bytes), 0 when it
 * found them, -1 when detail cannot be written. @relation(REQ-STOR-015) */
int dsg_audit_keys_made(const dsg_audit *a, char *detail, size_t cap);

/* The restore records dsg_audit_open appended (0: no restore was pending
 * or nothing was lost). @relation(REQ-LOG-046) */
uint32_t dsg_audit_restored_sources(const dsg_audit *a);

/* The public key (PEM) of the store in dir, from its signing key, into
 * out (NUL-terminated). 0, or -1 with a message. @relation(REQ-LOG-004, REQ-LOG-041) */
__attribute__((warn_unused_result))
int dsg_audit_pubkey_pem(const char *dir, char *out, size_t cap, char *err, size_t errsize);

/* ---- time --------------------------------------------------------------- */

/* Parses an RFC 3339 UTC date-time, YYYY-MM-DDTHH:MM:SS[.fraction]Z (the
 * fraction cut to milliseconds), into seconds since the epoch and, when
 * canon is not NULL, its canonical form YYYY-MM-DDTHH:MM:SS.mmmZ (the form
 * of recorded_at, so that the two compare as text). 0, or -1 with a
 * message naming what is wrong. @relation(REQ-LOG-007, REQ-LOG-010, REQ-LOG-044, REQ-LOG-045) */
__attribute__((warn_unused_result))
int dsg_audit_time_parse(const char *text, int64_t *sec, char canon[32], char *err,
                         size_t errsize);

/* ---- retention pruning (REQ-LOG-007) ------------------------------------ */

typedef struct dsg_audit_prune_req {
    const char *before;        /* the cut, RFC 3339 UTC: records recorded before it go */
    int64_t now;               /* seconds since the epoch the cut is judged against */
    uint32_t retention_days;   /* log.retention_days */
    const char *trigger;       /* "retention" (logd itself) or "dsgctl" */
    const char *uid, *pid;     /* who asked (the control socket's peer), or NULL */
    const char *admin;         /* the administrator whose dsgctl login it ran under, or NULL */
} dsg_audit_prune_req;

typedef struct dsg_audit_prune_result {
    uint32_t sources;          /* sources that lost records */
    uint64_t removed;          /* records removed */
    char before[32];           /* the cut, canonical */
} dsg_audit_prune_result;

/* Removes, per source, the records recorded before q->before, up to the
 * first record that is not (so a source keeps one unbroken run). Refuses
 * a cut that does not parse, lies in the future or is younger than
 * q->retention_days before q->now (nothing removed). Otherwise: writes a
 * checkpoint of every source first, then in one transaction removes the
 * records and appends to every source that lost records a `prune` record
 * (pruned_to N, head and mac: the chain values of record N, the cut, the
 * count, the trigger and who), and one to "logd" in any case; then
 * checkpoints those. Verification starts each source at its prune
 * record's N + 1. 0; 1 with a message for a cut refused (nothing done);
 * -1 with a message on failure (nothing removed).
 * @relation(REQ-LOG-007, REQ-LOG-044, REQ-LOG-006) */
__attribute__((warn_unused_result))
int dsg_audit_prune(dsg_audit *a, const dsg_audit_prune_req *q, dsg_audit_prune_result *r,
                    char *err, size_t errsize);

/* dsg_audit_prune's checks of q->before alone (it parses, it is not in
 * the future, not younger than the retention): 0 with its canonical form
 * in before, or -1 with a message. @relation(REQ-LOG-007, REQ-LOG-044) */
__attribute__((warn_unused_result))
int dsg_audit_prune_check(const dsg_audit_prune_req *q, char before[32], char *err, size_t n);

/* 1 when some record was recorded before the canonical time `before`
 * (something for pruning to do), 0 otherwise or on error. @relation(REQ-LOG-007, REQ-LOG-044) */
int dsg_audit_has_older(dsg_audit *a, const char *before);

/* The number of records recorded at or after the canonical time from (""
 * from the first) and before to: what a cut at from instead of to keeps.
 * 0 on error too. @relation(REQ-BKUP-010) */
uint64_t dsg_audit_count_between(dsg_audit *a, const char *from, const char *to);

/* ---- restore (REQ-LOG-015) ---------------------------------------------- */

#define DSG_AUDIT_RESTORE_MARKER "restore.pending"

typedef struct dsg_audit_restore_req {
    const char *dir;           /* logd's state directory (dsgd stopped) */
    const char *copy;          /* a copy of an older audit.db */
    const char *uid, *pid;     /* who restores */
} dsg_audit_restore_req;

typedef struct dsg_audit_restore_result {
    uint32_t sources;          /* sources that lose records */
    uint64_t lost;             /* records lost: signed, not in the copy */
    char set_aside[80];        /* the name in dir the current database now has ("none": there was none) */
} dsg_audit_restore_result;

/* Puts the copy q->copy in place of q->dir's audit.db, with dsgd stopped.
 * Refuses (nothing changed) a pending restore, a directory whose store
 * has a write-ahead log or records after its last checkpoint (dsgd
 * running or not stopped cleanly), a copy that is missing, has a
 * non-empty write-ahead log, is not an audit store, does not verify
 * under dir's keys and anchor.log (only a truncation is allowed), holds
 * records no checkpoint signs (newer than the signed history), or whose
 * head differs from the current store's record of the same number
 * (diverging). Otherwise: copies it into dir, renames the current
 * database to audit.db.before-restore-TIME (never deletes it), renames
 * the copy to audit.db and writes the marker DSG_AUDIT_RESTORE_MARKER
 * (who, when) that dsg_audit_open completes. 0; 1 with a message for a
 * refusal; -1 with a message when a file cannot be read or written.
 * @relation(REQ-LOG-046, REQ-LOG-015, REQ-LOG-006) */
__attribute__((warn_unused_result))
int dsg_audit_restore(const dsg_audit_restore_req *q, dsg_audit_restore_result *r, char *err,
                      size_t errsize);

/* ---- verification (REQ-LOG-005) ---------------------------------------- */

typedef enum dsg_audit_break_kind {
    DSG_AUDIT_EDITED = 0,
    DSG_AUDIT_DELETED,
    DSG_AUDIT_INSERTED,
    DSG_AUDIT_REORDERED,
    DSG_AUDIT_TRUNCATED,
    DSG_AUDIT_BAD_SIGNATURE
} dsg_audit_break_kind;

typedef struct dsg_audit_break {
    char source[65];
    uint64_t seq;                 /* the first bad sequence number */
    dsg_audit_break_kind kind;
    uint64_t checkpoint;          /* TRUNCATED, BAD_SIGNATURE: the checkpoint's seq */
    char detail[200];
} dsg_audit_break;

/* Records lost by a restore, accepted because a checkpoint covers the
 * restore record that names them (REQ-LOG-046). */
typedef struct dsg_audit_gap {
    char source[65];
    uint64_t first, last;         /* the lost records */
    uint64_t at;                  /* the restore record's seq */
    char restored_on[32];         /* its recorded_at */
    char from[32], to[32];        /* the time of the restored head ("" none) and of checkpoint `last` */
} dsg_audit_gap;

#define DSG_AUDIT_GAPS_MAX 64u

typedef struct dsg_audit_report {
    uint32_t sources;
    uint64_t records;
    uint32_t checkpoints;
    uint64_t unanchored;          /* records after the last checkpoint of their source */
    int tail_checked;             /* the chain key verified those records */
    uint32_t nbreaks;             /* may exceed DSG_AUDIT_BREAKS_MAX; the first ones are kept */
    dsg_audit_break breaks[DSG_AUDIT_BREAKS_MAX];
    uint32_t ngaps;               /* may exceed DSG_AUDIT_GAPS_MAX; the first ones are kept */
    dsg_audit_gap gaps[DSG_AUDIT_GAPS_MAX];
} dsg_audit_report;

/* Verifies the copy in dir (audit.db and anchor.log, opened read-only)
 * against the public key PEM pub[0..publen) and, when chain_key is not
 * NULL, the 32-byte chain key. Returns 0 when it could read everything
 * (then r->nbreaks says whether it is intact), -1 with a message
 * otherwise. @relation(REQ-LOG-005, REQ-LOG-040) */
__attribute__((warn_unused_result))
int dsg_audit_verify(const char *dir, const char *pub, size_t publen, const uint8_t *chain_key,
                     dsg_audit_report *r, char *err, size_t errsize);

/* Verifies the open store as dsg_audit_verify does, with its own public
 * key and chain key, so the records after the last checkpoint are checked
 * too (`dsgctl log verify` through the running logd). Not inside a batch.
 * @relation(REQ-LOG-005) */
__attribute__((warn_unused_result))
int dsg_audit_verify_own(dsg_audit *a, dsg_audit_report *r, char *err, size_t errsize);

/* The report as dsgctl prints it: one "GAP source=S: records N..M lost by
 * a restore on DATE (from T1 to T2)" line per gap, one
 * "BREAK source=S seq=N kind=K: detail" line per break (bytes outside printable ASCII and backslashes as \xNN,
 * since a tampered store can hold anything), then one "OK: ..." or
 * "BROKEN: ..." summary line; break lines that do not fit are counted in
 * a "... and N more break(s)" line instead. Returns the length
 * (NUL-terminated), or 0 when cap is too small for the summary (400 bytes). @relation(REQ-LOG-005, REQ-LOG-040) */
size_t dsg_audit_report_text(const dsg_audit_report *r, char *out, size_t cap);

/* "edited", "deleted", ... @relation(REQ-LOG-005, REQ-LOG-040) */
const char *dsg_audit_break_token(dsg_audit_break_kind k);

/* ---- export (REQ-LOG-010) ---------------------------------------------- */

/* JSONL and RFC5424 carry each record with its chain values, then the
 * checkpoints; HISTORY is a view for people (REQ-SHARE-017): per record one
 * line of five tab-separated values of 監査ログ・カスタムレポート, occurred_gmt,
 * user_id, custom_event_name (else event), document_location, event_data
 * ("-" for a field the record lacks), shown as the other formats show text,
 * and no checkpoints. */
typedef enum dsg_audit_format {
    DSG_AUDIT_JSONL = 0,
    DSG_AUDIT_RFC5424 = 1,
    DSG_AUDIT_HISTORY = 2
} dsg_audit_format;

/* What an item selection names (dsg_audit_select_item). */
typedef enum dsg_audit_item_kind {
    DSG_AUDIT_ITEM_ANY = 0,
    DSG_AUDIT_ITEM_FOLDER,   /* item_type folder */
    DSG_AUDIT_ITEM_FILE      /* item_type file or version: a file and its versions */
} dsg_audit_item_kind;

/* Which records an export holds: all of them when every member is 0 or
 * empty. Times are canonical (dsg_audit_time_parse): since inclusive,
 * until exclusive, compared with recorded_at. site and item compare the
 * fields site_id and item_id of 監査ログ・カスタムレポート: a record without
 * the field is not selected. */
typedef struct dsg_audit_select {
    uint32_t type;             /* 0: any */
    char source[65];           /* "": any */
    char since[32], until[32]; /* "": unbounded */
    char site[21];             /* "": any; else an area ID in decimal */
    char item[21];             /* "": any; else the item ID, of item_kind */
    dsg_audit_item_kind item_kind;
} dsg_audit_select;

/* "--site AREA": sel->site from an area ID (decimal, 1..19 digits, no
 * leading zero). 0, or -1 with a message. @relation(REQ-SHARE-020) */
__attribute__((warn_unused_result))
int dsg_audit_select_site(dsg_audit_select *sel, const char *area, char *err, size_t errsize);

/* "--item KIND:ID" (REQ-SHARE-017): area:ID selects the records of an area
 * (as --site ID), folder:ID those of a folder itself, file:ID those of a
 * file and of its versions. 0, or -1 with a message.
 * @relation(REQ-SHARE-017) */
__attribute__((warn_unused_result))
int dsg_audit_select_item(dsg_audit_select *sel, const char *spec, char *err, size_t errsize);

typedef struct dsg_audit_exporter dsg_audit_exporter;

/* Starts an export of the copy (or live store) in dir, opened read-only:
 * the selected records by source and sequence, each with its sequence
 * number, its chain values (hash, prev: the hash before it, mac) and its
 * canonical encoding, then the checkpoints that cover them (per selected
 * source, those from its first selected record up to the first at or
 * after its last). sel NULL or empty: every record and every checkpoint.
 * 0, or -1 with a message.
 * @relation(REQ-LOG-010, REQ-LOG-045, REQ-LOG-042) */
__attribute__((warn_unused_result))
int dsg_audit_export_open(const char *dir, const dsg_audit_select *sel, dsg_audit_format fmt,
                          dsg_audit_exporter **out, char *err, size_t errsize);

/* A read that went through many rows and selected none of them (a
 * selection by site or item): call again. Between such calls logd goes on
 * storing records, so a history of a large trail never stalls it. */
#define DSG_AUDIT_EXPORT_LATER (-2)

/* The next at most cap bytes of the export into buf (lines may be split
 * between two calls): the count, 0 at the end, DSG_AUDIT_EXPORT_LATER, or
 * -1 with a message.
 * @relation(REQ-LOG-010, REQ-LOG-045) */
__attribute__((warn_unused_result))
long dsg_audit_export_read(dsg_audit_exporter *x, uint8_t *buf, size_t cap, char *err,
                           size_t errsize);

/* NULL allowed. @relation(REQ-LOG-010, REQ-LOG-045) */
void dsg_audit_export_close(dsg_audit_exporter *x);

/* The whole export (dsg_audit_export_open) written to fd. 0, or -1 with a
 * message. @relation(REQ-LOG-010, REQ-LOG-045, REQ-LOG-042) */
__attribute__((warn_unused_result))
int dsg_audit_export(const char *dir, const dsg_audit_select *sel, dsg_audit_format fmt, int fd,
                     char *err, size_t errsize);

/* ---- forwarding (REQ-LOG-010, REQ-LOG-047) ------------------------------ */

/* The sources of the open store and the last seq of each, at most cap;
 * names point into the store (valid until it is closed). Returns the
 * count. @relation(REQ-LOG-047) */
size_t dsg_audit_heads(const dsg_audit *a, const char **names, uint64_t *seq, size_t cap);

/* Bytes of anchor.log: the checkpoints written so far. @relation(REQ-LOG-047) */
uint64_t dsg_audit_anchor_size(const dsg_audit *a);

/* The first record of source after seq `after` as one RFC 5424 message:
 * exactly the line `dsgctl log export --format rfc5424` writes for it,
 * without its LF. 1 with its seq and the message (valid until the next
 * call of a dsg_audit_fwd_ function); 0 when there is none; -1 with a
 * message (also when a batch is open: only committed records go out).
 * @relation(REQ-LOG-047, REQ-LOG-010) */
__attribute__((warn_unused_result))
int dsg_audit_fwd_record(dsg_audit *a, const char *source, uint64_t after, uint64_t *seq,
                         const uint8_t **msg, size_t *len, char *err, size_t errsize);

/* The checkpoint whose line starts at byte off of anchor.log, as the
 * export's `checkpoint` message: 1 with *next (the byte after the line),
 * its source and seq, and the message; a line that is not a checkpoint is
 * skipped: 1 with *len 0. 0 when no complete line starts at off; -1 with
 * a message. @relation(REQ-LOG-047, REQ-LOG-004) */
__attribute__((warn_unused_result))
int dsg_audit_fwd_checkpoint(dsg_audit *a, uint64_t off, uint64_t *next, char source[65],
                             uint64_t *seq, const uint8_t **msg, size_t *len, char *err,
                             size_t errsize);

typedef void (*dsg_audit_fwd_each)(void *arg, const char *source, uint64_t seq);

/* The forwarding cursor stored for collector: each(arg, source, seq) for
 * every source it names, and the bytes of anchor.log forwarded (0 for a
 * collector never acknowledged). 0, or -1 with a message. @relation(REQ-LOG-047) */
__attribute__((warn_unused_result))
int dsg_audit_fwd_load(dsg_audit *a, const char *collector, dsg_audit_fwd_each each, void *arg,
                       uint64_t *anchor, char *err, size_t errsize);

typedef struct dsg_audit_fwd_pos {
    const char *source;
    uint64_t seq;
} dsg_audit_fwd_pos;

/* Stores collector's cursor (those sources' seqs and the anchor.log
 * offset) in one transaction. 0, or -1 with a message (nothing changed).
 * @relation(REQ-LOG-047) */
__attribute__((warn_unused_result))
int dsg_audit_fwd_save(dsg_audit *a, const char *collector, const dsg_audit_fwd_pos *pos,
                       size_t npos, uint64_t anchor, char *err, size_t errsize);

/* The name of a log type ("portal_access", "system", ...), or NULL.
 * @relation(REQ-LOG-001) */
const char *dsg_audit_type_name(uint32_t type);

#endif
