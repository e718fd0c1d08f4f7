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
 * Not pure (files, OpenSSL); master code.
 */
#ifndef DSGD_KEYS_H
#define DSGD_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DSGD_KEK_LEN 32u
#define DSGD_DATA_KEY_LEN 32u
#define DSGD_WRAPPED_LEN (DSGD_DATA_KEY_LEN + 8u)   /* RFC 5649: one 8-byte block more */

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
 * wrapped key exists is refused. 0, or -1 with a message in err.
 * @relation(REQ-MFA-018, REQ-STOR-007) */
__attribute__((warn_unused_result))
int dsgd_keys_role_key(const char *statedir, const char *role, const dsgd_keys_owner *owner,
                       uint8_t key[DSGD_DATA_KEY_LEN], char *err, size_t n);

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

#endif
