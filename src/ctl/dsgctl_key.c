/*
 * dsgctl key: the gateway's keys (docs/keys.md).
 *
 *   dsgctl key rotate kek [--socket PATH]
 *
 * The running dsgd's master, which alone opens the key-encryption key,
 * does the work (REQ-STOR-008); dsgctl only asks, with the administrator's
 * login, and prints the answer.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <string.h>

#include "ctl/dsgctl.h"

static const char rotate_help[] =
    "usage: dsgctl key rotate kek [--socket PATH]\n"
    "\n"
    "Replaces the key-encryption key var/keys/kek of the running dsgd with a new\n"
    "random one and re-wraps the two data keys it wraps\n"
    "(var/auth/totp.key.wrapped, var/share/store.key.wrapped) under it. No stored\n"
    "object or secret is rewritten, and no role is restarted. The master writes\n"
    "the new key as var/keys/kek.new, replaces each wrapped key, and only then\n"
    "renames kek.new over kek: a crash at any point leaves every key readable,\n"
    "and the next start (or rotation) finishes the rotation.\n"
    "\n"
    "Prints how many data keys were re-wrapped and the KEK IDs before and after\n"
    "(docs/keys.md); the audit trail records the same (event kek-rotated). Back\n"
    "up the new var/keys/kek: the old one opens nothing any more.\n"
    "\n"
    "options:\n"
    "  --socket PATH  the control socket (default " DSG_CTL_SOCKET_DEFAULT ")\n"
    "  -h, --help     show this help\n"
    "\n"
    "Exit status: 0 rotated; 1 the rotation failed (kek_rotation_failed: the\n"
    "message names the file; the keys stay readable); 64 usage error; 69 dsgd\n"
    "unreachable; 70 refused command; 75 the record was not stored; 76 protocol\n"
    "error; 77 not root and not in group dsgadm, or no administrator's login.\n";

/* dsgctl key rotate kek. @relation(REQ-STOR-008) */
static int cmd_key_rotate(int argc, char **argv)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *which = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(rotate_help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else if (argv[i][0] == '-' || which != NULL) {
            return dsgctl_group_usage("key", "rotate", "unexpected argument", argv[i]);
        } else {
            which = argv[i];
        }
    }
    if (which == NULL)
        return dsgctl_group_usage("key", "rotate", "no key given (kek)", NULL);
    if (strcmp(which, "kek") != 0)
        return dsgctl_group_usage("key", "rotate", "only the key-encryption key rotates: kek, not",
                                  which);
    return dsgctl_group_run("key", "rotate", "key rotate kek", socket);
}

const command dsgctl_key_commands[DSGCTL_KEY_COMMANDS] = {
    { "rotate", "replace the key-encryption key and re-wrap the data keys under it",
      rotate_help, cmd_key_rotate },
};
