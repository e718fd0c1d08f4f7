/*
 * What the command groups that talk to a storage role share (dsgctl
 * account, dsgctl area): usage errors, sending a line and printing the
 * answer, and the decisions on applications.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth/acct_app.h"
#include "auth/acct_json.h"
#include "ctl/dsgctl.h"
#include "ctl/key_escrow.h"

int dsgctl_group_usage(const char *group, const char *cmd, const char *what, const char *arg)
{
    fprintf(stderr, "dsgctl: %s %s: %s", group, cmd, what);
    if (arg != NULL) {
        fputs(" '", stderr);
        dsgctl_put_escaped_str(stderr, arg);
        fputc('\'', stderr);
    }
    fprintf(stderr, "\nTry 'dsgctl help %s %s'.\n", group, cmd);
    return EXIT_USAGE;
}

int dsgctl_group_run(const char *group, const char *cmd, const char *line, const char *socket)
{
    char err[4200];
    int status = 0;
    if (fflush(stdout) != 0)
        return EXIT_IOERR;
    dsg_ctl_result r = dsg_ctl_stream(socket, line, 15000, 1, &status, err, sizeof err);
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl: %s %s: %s\n", group, cmd, err);
        return dsgctl_ctl_status(r);
    }
    if (status != 0)
        fprintf(stderr, "dsgctl: %s %s: %s%s", group, cmd, err,
                err[0] && err[strlen(err) - 1] == '\n' ? "" : "\n");
    return dsgctl_finish_stdout(status);
}

int dsgctl_state_dir(const char *group, const char *cmd, const char *socket, char *dir,
                     size_t cap)
{
    static char answer[65536];
    char err[4200];
    size_t len = 0;
    int status = 0;
    dsg_ctl_result r = dsg_ctl_call(socket, "config show", 15000, answer, sizeof answer, &len,
                                    &status, err, sizeof err);
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl: %s %s: %s\n", group, cmd, err);
        return dsgctl_ctl_status(r);
    }
    if (status != 0 || dsg_ke_state_dir_of(answer, len, dir, cap) != 0) {
        fprintf(stderr, "dsgctl: %s %s: config show did not name the state directory\n", group,
                cmd);
        return EXIT_PROTOCOL;
    }
    return 0;
}

int dsgctl_group_decision(const char *group, const char *cmd, const char *help, int argc,
                          char **argv)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *id = NULL, *reason = NULL;
    char line[DSG_CTL_LINE_MAX], what[96];
    int reject = strcmp(cmd, "reject") == 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else if (reject && strcmp(argv[i], "--reason") == 0 && i + 1 < argc) {
            reason = argv[++i];
        } else if (argv[i][0] == '-' || id != NULL) {
            return dsgctl_group_usage(group, cmd, "unexpected argument", argv[i]);
        } else {
            id = argv[i];
        }
    }
    snprintf(what, sizeof what, "ID is an application number (dsgctl %s applications), not",
             group);
    if (id == NULL || strspn(id, "0123456789") != strlen(id) || id[0] < '1' || strlen(id) > 18)
        return dsgctl_group_usage(group, cmd, what, id != NULL ? id : "");
    if (!reject) {
        snprintf(line, sizeof line, "%s approve %s", group, id);
        return dsgctl_group_run(group, cmd, line, socket);
    }
    uint8_t json[DSG_ACCT_JSON_MAX];
    size_t n;
    if (reason == NULL || reason[0] == '\0')
        return dsgctl_group_usage(group, cmd, "--reason TEXT is required", NULL);
    if (strlen(reason) > DSG_ACCT_REASON_MAX)
        return dsgctl_group_usage(group, cmd, "--reason is longer than 256 bytes", NULL);
    if (dsg_acct_reason_to_json(reason, json, sizeof json, &n) != 0)
        return dsgctl_group_usage(group, cmd, "--reason cannot be sent", NULL);
    snprintf(line, sizeof line, "%s reject %s %.*s", group, id, (int)n, (const char *)json);
    return dsgctl_group_run(group, cmd, line, socket);
}

int dsgctl_group_listing(const char *group, const dsgctl_listing *l, int argc, char **argv)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *id = NULL;
    char line[256], arg[80] = "";
    int set[4] = { 0, 0, 0, 0 };
    for (int i = 0; i < argc; i++) {
        int f = 0;
        while (f < l->nflags && strcmp(argv[i], l->flags[f]) != 0)
            f++;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(l->help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else if (f < l->nflags) {
            set[f] = 1;
        } else if (l->id_ok != NULL && id == NULL && argv[i][0] != '-') {
            id = argv[i];
        } else {
            return dsgctl_group_usage(group, l->cmd, "unexpected argument", argv[i]);
        }
    }
    if (l->id_ok != NULL && (id == NULL || l->id_ok(id, arg) != 0))
        return dsgctl_group_usage(group, l->cmd, l->id_what, id != NULL ? id : "");
    int n = snprintf(line, sizeof line, "%s %s%s%s", group, l->cmd, arg[0] ? " " : "", arg);
    for (int f = 0; f < l->nflags; f++)
        if (set[f])
            n += snprintf(line + n, sizeof line - (size_t)n, " %s", l->flags[f]);
    return dsgctl_group_run(group, l->cmd, line, socket);
}
