/*
 * What the master hands a storage role that keeps secrets at exec on fd 5
 * (setup_pipe.h): the role's data key, which the master unwrapped with its
 * key-encryption key (docs/keys.md) -- the auth role's, that TOTP secrets
 * are sealed under (REQ-MFA-018), and the share role's, that stored
 * objects' data keys are wrapped under (REQ-STOR-007). Never on the
 * command line: a worker's arguments are visible in /proc.
 *
 * Pipe contents: a magic of the role ("DSGA" auth, "DSGS" share), version
 * 1, no settings, one blob: the data key (DSGD_ROLE_KEY_LEN bytes exactly).
 */
#ifndef DSGD_KEY_SETUP_H
#define DSGD_KEY_SETUP_H

#include <stddef.h>
#include <stdint.h>

#include "run/setup_pipe.h"

#define DSGD_ROLE_KEY_LEN 32u

/* Master: a pipe (close-on-exec both ends) holding role's data key
 * ("auth" or "share"); returns its read end with the write end closed, or
 * -1 after logging why. @relation(REQ-MFA-018, REQ-STOR-007) */
__attribute__((warn_unused_result))
int dsgd_key_setup_pipe(const char *role, const uint8_t key[DSGD_ROLE_KEY_LEN]);

/* The role: reads fd to EOF and copies its data key into key; the bytes
 * read are wiped. 0, or -1 with a message in err.
 * @relation(REQ-MFA-018, REQ-STOR-007) */
__attribute__((warn_unused_result))
int dsgd_key_setup_read(const char *role, int fd, uint8_t key[DSGD_ROLE_KEY_LEN], char *err,
                        size_t errsize);

/* Maps the key memory (src/stor/key_mem.h) of the process `who` is, logging
 * when it could not be locked: once, before the sandbox. 0, or -1 with a
 * message in err. @relation(REQ-STOR-010) */
__attribute__((warn_unused_result))
int dsgd_key_mem_open(const char *who, char *err, size_t errsize);

/* The role, before its sandbox: maps the key memory (src/stor/key_mem.h;
 * logs when it could not be locked) and reads its data key from fd into
 * it. The key (free it with dsg_key_mem_free), or NULL with a message in
 * err. @relation(REQ-STOR-010) */
uint8_t *dsgd_key_setup_take(const char *role, int fd, char *err, size_t errsize);

#endif
