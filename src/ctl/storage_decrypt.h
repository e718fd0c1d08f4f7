/*
 * The offline decryptor of stored objects (spec/stor.md REQ-STOR-011):
 * the core of `dsgctl storage decrypt`. With dsgd stopped and no database,
 * it opens one object file of the share role's store
 * (src/share/object_store.h) from the key files alone (docs/keys.md): the
 * master's key-encryption key (var/keys/kek, 32 bytes) unwraps the share
 * role's store key (var/share/store.key.wrapped, 40 bytes, AES-256 key
 * wrap with padding), which unwraps the data key in the object's header.
 * The object is streamed through the codec's reader (src/stor/objcrypt.h)
 * one segment at a time, with the object ID and version its file name
 * <32 hex digits>.<version> gives as the ones expected: a renamed or
 * swapped file is refused (stor.integrity).
 *
 * To a file FILE: the plaintext is written to FILE.partial (created
 * exclusively, never through a link, 0600), synced, and put in place as
 * FILE only when the whole object has verified; FILE is never replaced. On
 * any failure FILE.partial is removed: nothing is left behind. To
 * standard output: each segment's plaintext is written once its tag has
 * verified, so a later segment that fails leaves the earlier ones written.
 *
 * Not pure (files, OpenSSL, the heap); in the library, used by dsgctl.
 */
#ifndef DSG_CTL_STORAGE_DECRYPT_H
#define DSG_CTL_STORAGE_DECRYPT_H

#include <stddef.h>
#include <stdint.h>

#include "stor/segment.h"

#define DSG_SD_KEK_LEN 32u                        /* var/keys/kek */
#define DSG_SD_STORE_KEY_LEN DSG_SEG_WRAPPED_LEN  /* var/share/store.key.wrapped */
#define DSG_SD_STORE_KEY_FILE "share/store.key.wrapped"

/* What a decryption ended with: dsgctl's exit status (sysexits(3) for
 * the failures that are not the object's). */
typedef enum dsg_sd_status {
    DSG_SD_OK = 0,            /* the whole object verified and was written */
    DSG_SD_INTEGRITY = 1,     /* "stor.integrity": a tag failed, the file is not the one named */
    DSG_SD_KEY = 2,           /* "stor.key": the KEK does not open the store key, or the store
                               * key the object's data key */
    DSG_SD_USAGE = 64,        /* a bad argument; a key file of the wrong length */
    DSG_SD_DATAERR = 65,      /* "stor.format", "stor.unknown_algorithm": not a dsg object */
    DSG_SD_NOINPUT = 66,      /* a key file or the object cannot be read */
    DSG_SD_SOFTWARE = 70,     /* OpenSSL or the memory failed */
    DSG_SD_CANTCREAT = 73,    /* FILE exists, or FILE.partial cannot be created */
    DSG_SD_IOERR = 74         /* reading the object or writing the plaintext failed */
} dsg_sd_status;

/* The object ID and version of an object file's name (the part of path
 * after its last '/'): 32 lowercase hex digits, a dot, the version in
 * decimal without leading zeros, as the store names its files. 0, or -1
 * (id and *version untouched). @relation(REQ-STOR-011) */
__attribute__((warn_unused_result))
int dsg_sd_object_name(const char *path, uint8_t id[DSG_SEG_OBJECT_ID_LEN], uint64_t *version);

/* The default of the wrapped store key for the KEK file kek_path: the
 * file share/store.key.wrapped of the state directory the KEK lies in
 * (the parent of kek_path's directory: var/keys/kek gives
 * var/share/store.key.wrapped). 0, or -1 when it does not fit out[cap].
 * @relation(REQ-STOR-011) */
__attribute__((warn_unused_result))
int dsg_sd_default_store_key(const char *kek_path, char *out, size_t cap);

/* Decrypts and verifies the object file object_path into out_path (NULL:
 * standard output), with the KEK file kek_path and the wrapped store key
 * store_key_path (NULL: dsg_sd_default_store_key). Checked first: the
 * object file's name (DSG_SD_USAGE), that out_path does not exist
 * (DSG_SD_CANTCREAT), the key files' lengths (DSG_SD_USAGE) and that they
 * can be read (DSG_SD_NOINPUT). Every key is wiped (OPENSSL_cleanse)
 * before it returns. *plain_bytes (NULL: not asked) is the number of
 * bytes written. A failure's message in err[n] names the file, and for
 * stor.integrity the object, version and segment.
 * @relation(REQ-STOR-011) */
__attribute__((warn_unused_result))
dsg_sd_status dsg_storage_decrypt(const char *kek_path, const char *store_key_path,
                                  const char *object_path, const char *out_path,
                                  uint64_t *plain_bytes, char *err, size_t n);

/* The same with the KEK given, kek[0 .. DSG_SD_KEK_LEN) (from an escrow
 * file, REQ-STOR-009), kek_name naming it in messages; store_key_path is
 * required. kek is not wiped here: the caller's.
 * @relation(REQ-STOR-011) */
__attribute__((warn_unused_result))
dsg_sd_status dsg_storage_decrypt_kek(const uint8_t kek[DSG_SD_KEK_LEN], const char *kek_name,
                                      const char *store_key_path, const char *object_path,
                                      const char *out_path, uint64_t *plain_bytes, char *err,
                                      size_t n);

/* The same as dsg_storage_decrypt_kek, the plaintext written nowhere:
 * the whole object read and every segment's tag checked (a restore's
 * check of every object, REQ-BKUP-006). *plain_bytes is the plaintext's
 * length. @relation(REQ-STOR-011, REQ-BKUP-006) */
__attribute__((warn_unused_result))
dsg_sd_status dsg_storage_verify_kek(const uint8_t kek[DSG_SD_KEK_LEN], const char *kek_name,
                                     const char *store_key_path, const char *object_path,
                                     uint64_t *plain_bytes, char *err, size_t n);

#endif
