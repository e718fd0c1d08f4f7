/*
 * A backup directory (REQ-BKUP-003..006, docs/backup.md): writing one,
 * verifying one, decrypting one into a fresh directory.
 *
 *   DEST/ID/manifest        the manifest (src/core/bkup_manifest.h), 0600
 *   DEST/ID/manifest.sig    its Ed25519 signature (src/bkup/bk_sign.h), 0600
 *   DEST/ID/ROLE/NAME       each member, encrypted (src/bkup/bk_member.h), 0600;
 *                           directories 0700
 *
 * The writer builds DEST/ID.partial (refusing one that exists), adds the
 * members, each encrypted as it is read and recorded with its size and
 * the SHA-256 of its bytes as stored, writes the manifest with the proved
 * writer, signs its exact bytes, syncs every file and directory and
 * renames ID.partial to ID (refusing an existing ID), then syncs DEST.
 *
 * Verification checks the signature over the manifest's exact bytes
 * before the manifest is parsed; then, in the manifest's order, that each
 * member is a regular file of its size and SHA-256; then that the
 * directory holds no file the manifest does not list; with the recipient's
 * private key, it decrypts every member and runs PRAGMA integrity_check on
 * each that is an SQLite database (decrypted to a temporary file under
 * $TMPDIR, removed at once). It writes nothing else, and names the first
 * member that fails.
 *
 * Not pure (files, OpenSSL, SQLite); in the library. dsgd's online backup
 * will call the writer; dsgctl backup calls the rest.
 */
#ifndef DSG_BKUP_BK_BACKUP_H
#define DSG_BKUP_BK_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "bkup/bk_member.h"
#include "bkup/bk_sign.h"
#include "core/bkup_manifest.h"

#define DSG_BK_DSG_MAJOR 0u      /* the dsg version a manifest names */
#define DSG_BK_DSG_MINOR 1u
#define DSG_BK_DSG_PATCH 0u
#define DSG_BK_TIME_LEN 24u      /* YYYY-MM-DDTHH:MM:SS.mmmZ */

typedef struct dsg_bk_writer dsg_bk_writer;

/* Progress of a long run (REQ-BKUP-015): the member in progress (role and
 * name; NULL name once all are done), members and bytes done of the total. */
typedef struct dsg_bk_progress {
    const char *phase;          /* "checking", "decrypting", "restoring" */
    const char *role, *name;
    uint64_t members_done, members_total;
    uint64_t bytes_done, bytes_total;
} dsg_bk_progress;
typedef void (*dsg_bk_progress_fn)(void *ctx, const dsg_bk_progress *p);

/* A writer of backup id (YYYYMMDDTHHMMSSZ) made at created (a TIME; NULL:
 * now) in dest, its members encrypted to the raw X25519 public key
 * recipient: DEST/ID.partial made (0700). EXISTS when DEST/ID.partial or
 * DEST/ID exists, ARGS or IO with the reason in err. *out is NULL unless
 * OK. @relation(REQ-BKUP-003, REQ-BKUP-004) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_writer_new(const char *dest, const char *id, const char *created,
                                const uint8_t recipient[DSG_X25519_LEN], dsg_bk_writer **out,
                                char *err, size_t n);

/* The role line of role: the time of its snapshot (a TIME) and its schema
 * version. A role's line must come before its members. @relation(REQ-BKUP-004) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_writer_role(dsg_bk_writer *w, unsigned role, const char *snapshot,
                                 uint32_t schema, char *err, size_t n);

/* The member (role, name) with the content read from fd to its end,
 * encrypted into ID.partial/ROLE/NAME. ARGS for a role without its line or
 * a name the manifest refuses (docs/backup.md, "Member names"), EXISTS for
 * a member given twice. @relation(REQ-BKUP-003) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_writer_add(dsg_bk_writer *w, unsigned role, const char *name, int fd,
                                char *err, size_t n);

/* The same with exactly len bytes read from fd (UINT64_MAX: to its end),
 * for a stream that carries several members: IO when fd ends before.
 * @relation(REQ-BKUP-002, REQ-BKUP-003) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_writer_add_n(dsg_bk_writer *w, unsigned role, const char *name, int fd,
                                  uint64_t len, char *err, size_t n);

/* The manifest, its signature under the signing key, the syncs and the
 * rename to DEST/ID. After it (whatever it returns) only free is left.
 * @relation(REQ-BKUP-004) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_writer_commit(dsg_bk_writer *w, const uint8_t key[DSG_BK_SIGN_KEY_LEN],
                                   char *err, size_t n);

/* Frees w; a backup not committed leaves DEST/ID.partial, which the caller
 * may remove. @relation(REQ-BKUP-003) */
void dsg_bk_writer_free(dsg_bk_writer *w);

/* The head of the manifest in dir (its ID, the backups it depends on, its
 * roles and their times), its signature verified under pub first. OK, or
 * the failure in err. @relation(REQ-BKUP-006) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_manifest_head(const char *dir, const uint8_t pub[DSG_BK_SIGN_KEY_LEN],
                                  dsg_bkm_head *head, char *err, size_t n);

/* Verifies the backup in dir against the signing public key pub and, with
 * priv non-NULL, decrypts every member with that raw X25519 private key
 * (above). OK, or the first failure with its member ("auth auth.db: ...")
 * in err. progress may be NULL. @relation(REQ-BKUP-004, REQ-BKUP-005) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_verify(const char *dir, const uint8_t pub[DSG_BK_SIGN_KEY_LEN],
                            const uint8_t *priv, dsg_bk_progress_fn progress, void *ctx,
                            char *err, size_t n);

/* Verifies the backup in dir without the key, then decrypts each member
 * into to/ROLE/NAME (files 0600, directories 0700, each written as
 * NAME.partial and renamed once it verified) and checks each database's
 * integrity there. to must not exist or be an empty directory (EXISTS).
 * The first failure names its member; what was restored before it stays.
 * @relation(REQ-BKUP-006) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_decrypt(const char *dir, const uint8_t pub[DSG_BK_SIGN_KEY_LEN],
                             const uint8_t priv[DSG_X25519_LEN], const char *to,
                             dsg_bk_progress_fn progress, void *ctx, char *err, size_t n);

#endif
