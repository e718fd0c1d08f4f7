/*
 * The master's keys (REQ-MFA-018, REQ-STOR-007, docs/keys.md): the
 * key-encryption key STATE/keys/kek, which the master alone reads, and the
 * data keys of the auth and share roles, stored only wrapped under it in
 * STATE/auth/totp.key.wrapped and STATE/share/store.key.wrapped (AES-256
 * key wrap with padding, RFC 5649). Both are created on the first start,
 * when neither exists: 32 random bytes each, written as *.new, fsync'ed
 * and renamed, mode 0600, in directories of mode 0700; the KEK and its
 * directory are the master's, the wrapped key the auth role's user's (it
 * lies in that user's directory).
 *
 * Refused, naming the file and what fixes it: a key file or the keys
 * directory that is not a regular file (directory) of its owner's uid or
 * that has any group or other permission; a key file of the wrong length;
 * a KEK that is missing while the wrapped data key exists (the TOTP
 * secrets sealed under that data key could not be opened again); a
 * wrapped data key that does not unwrap under the KEK.
 *
 * Rotating the KEK (REQ-STOR-008) re-wraps the two data keys under a new
 * KEK and touches no other file: the new KEK is written as STATE/keys/kek.new,
 * each wrapped key is replaced (W.new, fsync, rename, directory fsync) by
 * the same data key wrapped under it, and only then kek.new is renamed over
 * kek. Which KEK wraps a file is found by trying (a key wrap does not open
 * under another KEK), so a crash at any point leaves every data key
 * readable under kek or kek.new, and the next start (or rotation) finishes
 * the rotation.
 *
 * Not pure (files, OpenSSL); master code.
 */
#ifndef DSGD_KEYS_H
#define DSGD_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stor/escrow.h"

#define DSGD_KEK_LEN 32u
#define DSGD_DATA_KEY_LEN 32u
#define DSGD_WRAPPED_LEN (DSGD_DATA_KEY_LEN + 8u)   /* RFC 5649: one 8-byte block more */
#define DSGD_KEK_ID_LEN 8u   /* docs/keys.md: the first 8 bytes of HMAC-SHA-256(KEK, "dsg KEK ID") */

/* Who owns the wrapped data key: the auth role's user and group. */
typedef struct dsgd_keys_owner {
    uid_t uid;
    gid_t gid;
} dsgd_keys_owner;

/* The data key of role into key, unwrapped with the KEK (both created
 * when neither exists) under the state directory statedir: the auth
 * role's (auth/totp.key.wrapped, TOTP secrets, REQ-MFA-018) or the share
 * role's (share/store.key.wrapped, the data keys of stored objects,
 * REQ-STOR-007), owned by the role's user. A missing KEK while any role's
 * wrapped key exists is refused. A wrapped key that does not open under
 * the KEK is tried under keys/kek.new, when a rotation left one. 0, or -1 with a message in err.
 * @relation(REQ-MFA-018, REQ-STOR-007, REQ-STOR-008) */
__attribute__((warn_unused_result))
int dsgd_keys_role_key(const char *statedir, const char *role, const dsgd_keys_owner *owner,
                       uint8_t key[DSGD_DATA_KEY_LEN], char *err, size_t n);

/* What a rotation did: the wrapped data keys now under the new KEK, and
 * the KEK IDs before and after. */
typedef struct dsgd_kek_rotation {
    unsigned rewrapped;
    int resumed;   /* it finished a rotation a crash or an error had left */
    uint8_t old_id[DSGD_KEK_ID_LEN], new_id[DSGD_KEK_ID_LEN];
} dsgd_kek_rotation;

/* The KEK ID (docs/keys.md) of statedir/keys/kek, read with the checks of
 * dsgd_keys_role_key, the key wiped after: 1 with id filled, 0 when there
 * is no KEK, -1 with a message in err. @relation(REQ-STOR-007, REQ-STOR-015) */
__attribute__((warn_unused_result))
int dsgd_keys_kek_id(const char *statedir, uint8_t id[DSGD_KEK_ID_LEN], char *err, size_t n);

/* `dsgctl key rotate kek`: a new KEK under statedir, every wrapped data key
 * there re-wrapped under it (each written as owner), then the KEK
 * replaced; a kek.new left by an unfinished rotation is taken as the new
 * KEK. Both KEKs are wiped from memory. 0 with out filled, or -1 with a
 * message in err (the keys are then readable as they were; a kek.new left
 * behind is finished by the next rotation or start).
 * @relation(REQ-STOR-008) */
__attribute__((warn_unused_result))
int dsgd_keys_rotate_kek(const char *statedir, const dsgd_keys_owner *owner,
                         dsgd_kek_rotation *out, char *err, size_t n);

/* At start, before any data key is read: when STATE/keys/kek.new exists, a
 * rotation was interrupted: it is finished as above. 0 when there was none,
 * 1 when one was finished (out filled), -1 with a message in err.
 * @relation(REQ-STOR-008) */
__attribute__((warn_unused_result))
int dsgd_keys_finish_rotation(const char *statedir, const dsgd_keys_owner *owner,
                              dsgd_kek_rotation *out, char *err, size_t n);

/* key[0 .. DSGD_DATA_KEY_LEN) wrapped under kek into out (DSGD_WRAPPED_LEN
 * bytes): 0, or -1 (OpenSSL). @relation(REQ-MFA-018) */
__attribute__((warn_unused_result))
int dsgd_keys_wrap(const uint8_t kek[DSGD_KEK_LEN], const uint8_t key[DSGD_DATA_KEY_LEN],
                   uint8_t out[DSGD_WRAPPED_LEN]);

/* The other way: wrapped unwrapped under kek into out. 0, or -1 (out
 * wiped). @relation(REQ-MFA-018) */
__attribute__((warn_unused_result))
int dsgd_keys_unwrap(const uint8_t kek[DSGD_KEK_LEN], const uint8_t wrapped[DSGD_WRAPPED_LEN],
                     uint8_t out[DSGD_DATA_KEY_LEN]);

/* What `dsgctl key export` asks for (REQ-STOR-009): the escrow file's
 * mode, and for a passphrase its scrypt parameters and the AES key dsgctl
 * derived from it (the passphrase never leaves dsgctl), for a public key
 * the recipient's X25519 public key. */
typedef struct dsgd_escrow_req {
    int mode;   /* DSG_ESCROW_PASSPHRASE or DSG_ESCROW_PUBLIC_KEY */
    dsg_escrow_scrypt scrypt;
    uint8_t key[DSG_ESCROW_KEY_LEN];
    uint8_t recipient[DSG_ESCROW_PUB_LEN];
} dsgd_escrow_req;

/* The escrow file (src/stor/escrow.h) of the KEK of statedir and of logd's
 * chain.key and sign.key (STATE/logd, owned by logd_owner, read under its
 * filesystem IDs), as q asks, into out[0..cap), its length in *len. Refused
 * while a rotation is unfinished (keys/kek.new). The keys are wiped from
 * memory. 0, or -1 with a message in err. @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
int dsgd_keys_escrow(const char *statedir, const dsgd_keys_owner *logd_owner,
                     const dsgd_escrow_req *q, uint8_t *out, size_t cap, size_t *len, char *err,
                     size_t n);

/* The marker `dsgctl key import` leaves (STATE/keys/imported: the
 * master's, no group or other permission, at most 1 KiB of printable
 * lines) as one line into detail ("; " between its lines): 1, 0 when there
 * is none, -1 with a message in err (a marker of the wrong owner, mode or
 * content). @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
int dsgd_keys_import_marker(const char *statedir, char *detail, size_t cap, char *err, size_t n);

/* The marker removed, its directory synced, once the master has recorded
 * it. 0, or -1 with a message in err. @relation(REQ-STOR-009) */
__attribute__((warn_unused_result))
int dsgd_keys_import_marker_done(const char *statedir, char *err, size_t n);

/* The markers `dsgctl backup restore` leaves (src/ctl/bk_restore.h), read
 * as the import's: STATE/keys/restore-partial, a restore that has not
 * finished its verification (dsgd refuses to start while it is there),
 * and STATE/keys/restored, a verified restore the master records once as
 * the audit trail's continuation. 1 with detail, 0 when there is none, -1
 * with a message in err. @relation(REQ-BKUP-006) */
__attribute__((warn_unused_result))
int dsgd_keys_restore_unfinished(const char *statedir, char *detail, size_t cap, char *err,
                                 size_t n);

/* The restored marker, read as above. @relation(REQ-BKUP-006) */
__attribute__((warn_unused_result))
int dsgd_keys_restore_marker(const char *statedir, char *detail, size_t cap, char *err, size_t n);

/* The restored marker removed once recorded. 0, or -1 with a message.
 * @relation(REQ-BKUP-006) */
__attribute__((warn_unused_result))
int dsgd_keys_restore_marker_done(const char *statedir, char *err, size_t n);

/* Key events the master notes before logd runs, for a start to record
 * (REQ-STOR-015): the KEK generated (keys/generated), a start refused for
 * its keys (keys/open-failed). */
typedef enum dsgd_keys_note_kind {
    DSGD_KEYS_NOTE_GENERATED = 0,
    DSGD_KEYS_NOTE_FAILED = 1
} dsgd_keys_note_kind;

/* "TIME what" appended as a line of printable ASCII to the note file of
 * kind (0600), while the file stays within 1 KiB; best effort, since the
 * keys directory may be the problem. @relation(REQ-STOR-015) */
void dsgd_keys_note(const char *statedir, dsgd_keys_note_kind kind, const char *what);

/* The notes of kind, one per line (each but the first after "\n "), read
 * as dsgd_keys_import_marker reads the import's: 1 with detail, 0 when
 * there are none, -1. @relation(REQ-STOR-015) */
__attribute__((warn_unused_result))
int dsgd_keys_notes(const char *statedir, dsgd_keys_note_kind kind, char *detail, size_t cap,
                    char *err, size_t n);

/* The note file of kind removed once recorded. 0, or -1.
 * @relation(REQ-STOR-015) */
__attribute__((warn_unused_result))
int dsgd_keys_notes_done(const char *statedir, dsgd_keys_note_kind kind, char *err, size_t n);

#endif
