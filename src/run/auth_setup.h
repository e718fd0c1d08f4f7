/*
 * What the master hands the auth role at exec on fd 5 (setup_pipe.h): the
 * data key the role seals TOTP secrets under (REQ-MFA-018, docs/keys.md),
 * which the master unwrapped with its key-encryption key. Never on the
 * command line: a worker's arguments are visible in /proc.
 *
 * Pipe contents: "DSGA", version 1, no settings, one blob: the data key
 * (DSGD_AUTH_DATA_KEY_LEN bytes exactly).
 */
#ifndef DSGD_AUTH_SETUP_H
#define DSGD_AUTH_SETUP_H

#include <stddef.h>
#include <stdint.h>

#include "run/setup_pipe.h"

#define DSGD_AUTH_DATA_KEY_LEN 32u

/* Master: a pipe (close-on-exec both ends) holding the data key; returns
 * its read end with the write end closed, or -1 after logging why.
 * @relation(REQ-MFA-018) */
__attribute__((warn_unused_result))
int dsgd_auth_setup_pipe(const uint8_t key[DSGD_AUTH_DATA_KEY_LEN]);

/* Auth role: reads fd to EOF and copies the data key into key; the bytes
 * read are wiped. 0, or -1 with a message in err. @relation(REQ-MFA-018) */
__attribute__((warn_unused_result))
int dsgd_auth_setup_read(int fd, uint8_t key[DSGD_AUTH_DATA_KEY_LEN], char *err, size_t errsize);

#endif
