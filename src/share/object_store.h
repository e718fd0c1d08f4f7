/*
 * The share role's encrypted object store (spec/stor.md REQ-STOR-001,
 * 002, 003, 005, 012, 013, 014; spec/share.md REQ-SHARE-008): object
 * versions as files of the format of src/stor/segment.h, written and read
 * through the streaming codec src/stor/objcrypt.h, one segment at a time.
 *
 * Layout, under the directory the store is opened on (the share role
 * passes "objects", relative to its chroot var/share/):
 *
 *   DIR/                  0700, made at open
 *   DIR/tmp/              0700, made at open: uploads being written
 *   DIR/ab/               0700, made at the first commit into it: the
 *                         shard of the IDs whose hex starts with "ab"
 *   DIR/ab/<id>.<ver>     a committed object version: the 32 hex digits
 *                         of its 16-byte ID, a dot, its version in decimal
 *
 * Protocol (REQ-STOR-012): a put writes DIR/tmp/<id>.<ver> (created
 * O_EXCL|O_NOFOLLOW, 0600), only ever ciphertext; commit seals the last
 * segment, fsyncs the file, renames it to its shard and fsyncs both
 * directories, so that a committed version is whole on disk before the
 * caller records it in its database. A crash before the rename leaves a
 * file in DIR/tmp/ that dsg_obj_sweep_tmp removes at the next start; a
 * crash after it leaves a file the database does not know, which the
 * role's startup sweep removes with dsg_obj_remove. A committed version
 * is never replaced (stor.exists).
 *
 * Access (REQ-SHARE-008): a put needs a capability (src/share/cap.h)
 * minted for DSG_ACCESS_UPLOAD or DSG_ACCESS_NEW_VERSION, a get one for
 * DSG_ACCESS_READ, each for the object ID and version it names and not
 * expired; anything else is refused with access_denied before a file is
 * opened. dsg_obj_remove and dsg_obj_sweep_tmp take none: they serve the
 * startup sweep of what no record names.
 *
 * Errors: every function returns a dsg_obj_status; the codec's own
 * statuses (stor.integrity, stor.key, stor.format, ...) pass through with
 * their dsg_oc_status values. dsg_obj_store_error gives the message of the
 * store's last error, naming the object and version (and, for
 * stor.integrity, the segment: the codec's message). A store is used by
 * one thread at a time; the message is the store's, not one put's or
 * get's.
 *
 * Not pure (files, OpenSSL, the heap). Linked into the library and the
 * unit tests. The share role's seccomp filter must allow, besides what it
 * has, mkdir, getdents64 and fstatfs.
 */
#ifndef DSG_SHARE_OBJECT_STORE_H
#define DSG_SHARE_OBJECT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "share/cap.h"
#include "stor/objcrypt.h"

#define DSG_OBJ_KEY_LEN DSG_OC_KEK_LEN   /* the wrapping key (KEK) */
#define DSG_OBJ_SHA256_LEN 32u
#define DSG_OBJ_MSG_CAP 320u

typedef enum dsg_obj_status {
    DSG_OBJ_OK = DSG_OC_OK,
    DSG_OBJ_ERR_INTEGRITY = DSG_OC_ERR_INTEGRITY,   /* "stor.integrity" */
    /* 2 .. 8: the other dsg_oc_status values, as the codec gives them, e.g. */
    DSG_OBJ_ERR_CRYPTO = DSG_OC_ERR_CRYPTO,         /* "stor.crypto": OpenSSL failed */
    DSG_OBJ_ERR_STATE = DSG_OC_ERR_STATE,           /* "stor.state": after an error */
    DSG_OBJ_ERR_ACCESS = 16,       /* "access_denied": no capability for this */
    DSG_OBJ_ERR_IO = 17,           /* "stor.io": a file operation failed */
    DSG_OBJ_ERR_NO_SPACE = 18,     /* "stor.no_space": the disk is full (REQ-STOR-014) */
    DSG_OBJ_ERR_NOT_FOUND = 19,    /* "stor.not_found": no such object version */
    DSG_OBJ_ERR_EXISTS = 20,       /* "stor.exists": that version is committed already */
    DSG_OBJ_ERR_ARGS = 21,         /* "stor.args": a bad directory name, a NULL */
    DSG_OBJ_ERR_MEMORY = 22        /* "stor.memory": out of memory */
} dsg_obj_status;

typedef struct dsg_obj_store dsg_obj_store;
typedef struct dsg_obj_put dsg_obj_put;
typedef struct dsg_obj_get dsg_obj_get;

/* Opens the store on dir (made 0700 when missing, with dir/tmp/; a
 * symbolic link is refused), holding a copy of wrapping_key. *out is the
 * store whatever happens (NULL only when out of memory): read the error,
 * then close it. @relation(REQ-STOR-012, REQ-STOR-014) */
__attribute__((warn_unused_result))
dsg_obj_status dsg_obj_store_open(const char *dir, const uint8_t wrapping_key[DSG_OBJ_KEY_LEN],
                                  dsg_obj_store **out);

/* Wipes the key (OPENSSL_cleanse), closes and frees the store (NULL:
 * nothing). Every put and get on it must be ended first.
 * @relation(REQ-STOR-013) */
void dsg_obj_store_close(dsg_obj_store *store);

/* The message of the store's last error ("" when none): its token, the
 * object and version, what failed. @relation(REQ-STOR-003) */
const char *dsg_obj_store_error(const dsg_obj_store *store);

/* The error's name, e.g. "stor.integrity", "access_denied".
 * @relation(REQ-STOR-003, REQ-STOR-014) */
const char *dsg_obj_status_token(dsg_obj_status status);

/* OK when an object of `bytes` bytes of plaintext, stored, fits in the
 * free space of the store's file system (fstatvfs, the blocks available
 * to an unprivileged user); DSG_OBJ_ERR_NO_SPACE when it does not,
 * DSG_OBJ_ERR_IO when the space cannot be read. Ask before the first
 * byte of an upload is taken. @relation(REQ-STOR-014) */
__attribute__((warn_unused_result))
dsg_obj_status dsg_obj_store_room(dsg_obj_store *store, uint64_t bytes);

/* Starts writing the version of the object cap names: cap must check (now
 * being the clock's) for DSG_ACCESS_UPLOAD or DSG_ACCESS_NEW_VERSION.
 * Refused with stor.exists when that version is committed, stor.io when
 * its temporary file exists. *out is the put on OK, else NULL.
 * @relation(REQ-SHARE-008, REQ-STOR-002, REQ-STOR-012) */
__attribute__((warn_unused_result))
dsg_obj_status dsg_obj_put_begin(dsg_obj_store *store, const dsg_cap *cap, dsg_obj_put **out);

/* The next n bytes of plaintext (n == 0: nothing). Encrypted as they come;
 * only ciphertext reaches the file. After an error the put accepts
 * nothing more (stor.state): abort it. @relation(REQ-STOR-001, REQ-STOR-013) */
__attribute__((warn_unused_result))
dsg_obj_status dsg_obj_put_push(dsg_obj_put *put, const uint8_t *p, size_t n);

/* Seals the last segment, syncs the file, moves it into its shard and
 * syncs both directories; *size and sha256 are the plaintext's length and
 * SHA-256. Frees put whatever happens; on an error nothing is left in
 * DIR/tmp/ and the version is not committed. @relation(REQ-STOR-012) */
__attribute__((warn_unused_result))
dsg_obj_status dsg_obj_put_commit(dsg_obj_put *put, uint64_t *size,
                                  uint8_t sha256[DSG_OBJ_SHA256_LEN]);

/* Removes the temporary file and frees put (NULL: nothing).
 * @relation(REQ-STOR-012) */
void dsg_obj_put_abort(dsg_obj_put *put);

/* Opens the version of the object cap names for reading: cap must check
 * for DSG_ACCESS_READ. stor.not_found when that version is not there.
 * *out is the get on OK, else NULL. @relation(REQ-SHARE-008, REQ-STOR-005) */
__attribute__((warn_unused_result))
dsg_obj_status dsg_obj_get_open(dsg_obj_store *store, const dsg_cap *cap, dsg_obj_get **out);

/* Up to max (above 0) bytes of verified plaintext into out, their number
 * in *n; at the end of a whole, verified object *n == 0 with OK. Reads the file
 * only when the plaintext of the segment held is all handed out, and
 * holds one segment at most. When a segment fails: stor.integrity (the
 * message names the object, version and segment), *n == 0, and no byte of
 * that segment or after it is ever handed out; every later call answers
 * the same error. @relation(REQ-STOR-003, REQ-STOR-005, REQ-STOR-013) */
__attribute__((warn_unused_result))
dsg_obj_status dsg_obj_get_read(dsg_obj_get *get, uint8_t *out, size_t max, size_t *n);

/* Closes the file, wipes what is held, frees get (NULL: nothing).
 * @relation(REQ-STOR-013) */
void dsg_obj_get_close(dsg_obj_get *get);

/* Removes the committed version `version` of object_id (an orphan found
 * by the startup sweep) and syncs its shard. stor.not_found when it is
 * not there. @relation(REQ-STOR-012) */
__attribute__((warn_unused_result))
dsg_obj_status dsg_obj_remove(dsg_obj_store *store,
                              const uint8_t object_id[DSG_CAP_OBJECT_ID_LEN], uint64_t version);

/* Removes every file in DIR/tmp/ (what uploads cut short by a crash left)
 * and syncs it: how many were removed, or -1 (the store's error says
 * why; those it could remove are gone). @relation(REQ-STOR-012) */
__attribute__((warn_unused_result))
long dsg_obj_sweep_tmp(dsg_obj_store *store);

#endif
