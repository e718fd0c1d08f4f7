/*
 * The backup-signing key and the manifest's signature (REQ-BKUP-004,
 * docs/backup.md "The signature", docs/keys.md).
 *
 * The key is an Ed25519 private key (RFC 8032), its file the 32 raw bytes
 * of the private key: created exclusively with mode 0600 from OpenSSL's
 * private generator, synced, its directory synced; loaded only from a
 * regular file (not a link) owned by the caller's effective uid, with no
 * group or other permission, of exactly 32 bytes. Its public key is
 * handed out in PEM (SubjectPublicKeyInfo), the form `openssl pkey -pubin`
 * reads.
 *
 * manifest.sig is the 64 raw bytes of the Ed25519 signature over the
 * manifest file's exact bytes: `openssl pkeyutl -verify -pubin -inkey
 * PUB -rawin -in manifest -sigfile manifest.sig` checks it too.
 *
 * Not pure (OpenSSL, files); in the library.
 */
#ifndef DSG_BKUP_BK_SIGN_H
#define DSG_BKUP_BK_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "bkup/bk_member.h"

#define DSG_BK_SIGN_KEY_LEN 32u
#define DSG_BK_SIG_LEN 64u
#define DSG_BK_PUB_PEM_MAX 256u

/* A new signing key written to path (which must not exist). ARGS or IO
 * with the reason in err. @relation(REQ-BKUP-004) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_signkey_create(const char *path, char *err, size_t n);

/* The signing key of path into key, checked as above: ARGS (owner, mode,
 * length, not a regular file) or IO with the reason. @relation(REQ-BKUP-004) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_signkey_load(const char *path, uint8_t key[DSG_BK_SIGN_KEY_LEN], char *err,
                                  size_t n);

/* The public key of key in PEM into out[0 .. cap), NUL-terminated.
 * @relation(REQ-BKUP-004) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_signkey_public_pem(const uint8_t key[DSG_BK_SIGN_KEY_LEN], char *out,
                                        size_t cap);

/* The raw Ed25519 public key of the PEM file path: ARGS when it is not
 * one, IO when it cannot be read, with the reason. @relation(REQ-BKUP-005) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_signkey_read_public(const char *path, uint8_t pub[DSG_BK_SIGN_KEY_LEN],
                                         char *err, size_t n);

/* The same from the PEM text pem[0 .. len) (`dsgctl backup pubkey`'s
 * answer): OK, or ARGS. @relation(REQ-BKUP-005) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_signkey_public_of(const char *pem, size_t len,
                                       uint8_t pub[DSG_BK_SIGN_KEY_LEN]);

/* The signature of msg[0 .. len) under key. @relation(REQ-BKUP-004) */
__attribute__((warn_unused_result))
dsg_bk_status dsg_bk_sign(const uint8_t key[DSG_BK_SIGN_KEY_LEN], const uint8_t *msg, size_t len,
                          uint8_t sig[DSG_BK_SIG_LEN]);

/* Whether sig is pub's signature of msg[0 .. len): 1 or 0.
 * @relation(REQ-BKUP-004, REQ-BKUP-005) */
int dsg_bk_sig_ok(const uint8_t pub[DSG_BK_SIGN_KEY_LEN], const uint8_t *msg, size_t len,
                  const uint8_t sig[DSG_BK_SIG_LEN]);

#endif
