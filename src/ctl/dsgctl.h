/*
 * What dsgctl's command files share (dsgctl.c holds main, the tables and
 * the common commands; dsgctl_account.c the account group, dsgctl_area.c
 * the area group, dsgctl_org.c the org group, dsgctl_storage.c the storage
 * group, dsgctl_backup.c the backup group, dsgctl_key.c the key group, dsgctl_group.c what the account and area groups share).
 */
#ifndef DSGCTL_H
#define DSGCTL_H

#include <stddef.h>
#include <stdio.h>

#include "ctl/ctl_client.h"

enum {
    EXIT_REFUSED = 1,      /* the daemon refused the operation itself (a stable code says why) */
    EXIT_USAGE = 64,       /* EX_USAGE */
    EXIT_DATAERR = 65,     /* EX_DATAERR: input refused (log restore: the copy) */
    EXIT_UNAVAILABLE = 69, /* EX_UNAVAILABLE: no daemon at the control socket */
    EXIT_SOFTWARE = 70,    /* EX_SOFTWARE: the daemon refused the command */
    EXIT_IOERR = 74,       /* EX_IOERR */
    EXIT_TEMPFAIL = 75,    /* EX_TEMPFAIL: logd did not store the command's record in time */
    EXIT_PROTOCOL = 76,    /* EX_PROTOCOL */
    EXIT_NOPERM = 77       /* EX_NOPERM: not root and not in group dsgadm, or no valid
                            * administrator's login (dsgctl login) */
};

/* One command of a group: its name, a summary line, its help text and
 * what runs it with the arguments after the command. */
typedef struct command {
    const char *name;
    const char *summary;
    const char *help;
    int (*run)(int argc, char **argv);
} command;

/* Writes s for a terminal: controls and invisible characters escaped.
 * @relation(REQ-RUN-023) */
void dsgctl_put_escaped_str(FILE *out, const char *s);

/* Flushes standard output: status, or 74 when it could not be written.
 * @relation(REQ-RUN-023) */
int dsgctl_finish_stdout(int status);

/* The exit status for a control-socket failure. @relation(REQ-RUN-023) */
int dsgctl_ctl_status(dsg_ctl_result r);

/* dsgctl login and logout (dsgctl_login.c), with their help texts. */
extern const char dsgctl_login_help[], dsgctl_logout_help[];
int dsgctl_cmd_login(int argc, char **argv);
int dsgctl_cmd_logout(int argc, char **argv);

/* What the groups that talk to a storage role share (dsgctl_group.c). */
/* "dsgctl: GROUP CMD: WHAT 'ARG'" and where the help is, on stderr:
 * EXIT_USAGE. @relation(REQ-ACCT-020) */
int dsgctl_group_usage(const char *group, const char *cmd, const char *what, const char *arg);
/* Sends line to the control socket and prints the answer; a refusal's
 * message goes to stderr. The exit status. @relation(REQ-ACCT-020) */
int dsgctl_group_run(const char *group, const char *cmd, const char *line, const char *socket);

/* The running dsgd's state directory (`config show`, with the login) into
 * dir: 0, or the exit status with the message printed.
 * @relation(REQ-STOR-009, REQ-BKUP-007) */
int dsgctl_state_dir(const char *group, const char *cmd, const char *socket, char *dir,
                     size_t cap);
/* `dsgctl GROUP approve ID` or `dsgctl GROUP reject ID --reason TEXT`
 * (cmd), with --socket and --help. @relation(REQ-ACCT-002, REQ-ACCT-020, REQ-SHARE-006) */
int dsgctl_group_decision(const char *group, const char *cmd, const char *help, int argc,
                          char **argv);

/* A listing: the command, its help, its flags (each at most once, at most
 * 4), and for one that takes an ID the check that writes it as sent
 * (out: 80 bytes; 0, or -1 with id_what the usage error). */
typedef struct dsgctl_listing {
    const char *cmd, *help;
    const char *const *flags;
    int nflags;
    int (*id_ok)(const char *id, char out[80]);
    const char *id_what;
} dsgctl_listing;
/* `dsgctl GROUP CMD [ID] [FLAGS]` with --socket and --help.
 * @relation(REQ-ACCT-020, REQ-SHARE-006) */
int dsgctl_group_listing(const char *group, const dsgctl_listing *l, int argc, char **argv);

/* The account group (dsgctl_account.c). */
#define DSGCTL_ACCOUNT_COMMANDS 14
extern const command dsgctl_account_commands[DSGCTL_ACCOUNT_COMMANDS];
/* dsgctl account review (dsgctl_review.c), with its help text.
 * @relation(REQ-ACCT-008) */
extern const char dsgctl_review_help[];
int dsgctl_account_review(int argc, char **argv);

/* The rights group (dsgctl_rights.c). */
#define DSGCTL_RIGHTS_COMMANDS 7
extern const command dsgctl_rights_commands[DSGCTL_RIGHTS_COMMANDS];
/* The grants of WHAT ("area", "account" or "org") NAME, revoked ones too
 * when all: `dsgctl rights list`, `dsgctl area rights`, `dsgctl account
 * rights` (cmd: the command's name for messages). The exit status.
 * @relation(REQ-ACCT-009) */
int dsgctl_rights_list(const char *cmd, const char *what, const char *name, int all,
                       const char *socket);

/* The area group (dsgctl_area.c). */
#define DSGCTL_AREA_COMMANDS 8
extern const command dsgctl_area_commands[DSGCTL_AREA_COMMANDS];

/* The org group (dsgctl_org.c): organisations' networks (REQ-ACCT-016). */
#define DSGCTL_ORG_COMMANDS 4
extern const command dsgctl_org_commands[DSGCTL_ORG_COMMANDS];

/* The terminal group (dsgctl_terminal.c): registered terminals by their
 * client certificates (REQ-MFA-016). */
#define DSGCTL_TERMINAL_COMMANDS 3
extern const command dsgctl_terminal_commands[DSGCTL_TERMINAL_COMMANDS];

/* The storage group (dsgctl_storage.c): the offline decryptor
 * (REQ-STOR-011). */
#define DSGCTL_STORAGE_COMMANDS 2
extern const command dsgctl_storage_commands[DSGCTL_STORAGE_COMMANDS];

/* The backup group (dsgctl_backup.c): offline verify, decrypt, keygen
 * (REQ-BKUP-003, REQ-BKUP-005, REQ-BKUP-006). */
#define DSGCTL_BACKUP_COMMANDS 8
extern const command dsgctl_backup_commands[DSGCTL_BACKUP_COMMANDS];

/* The key group (dsgctl_key.c): the KEK's rotation (REQ-STOR-008), key escrow
 * (REQ-STOR-009). */
#define DSGCTL_KEY_COMMANDS 3
extern const command dsgctl_key_commands[DSGCTL_KEY_COMMANDS];

/* dsgctl policy access-control (dsgctl_policy.c), with its help text.
 * @relation(REQ-ACCT-017) */
extern const char dsgctl_policy_access_control_help[];
int dsgctl_policy_access_control(int argc, char **argv);

#endif
