/*
 * The client end of dsgd's control socket (REQ-RUN-023): one command line
 * out, one answer back (see src/run/ctl.h for the protocol). Used by dsgctl
 * for every command that needs the running daemon.
 */
#ifndef DSG_CTL_CLIENT_H
#define DSG_CTL_CLIENT_H

#include <stddef.h>

#define DSG_CTL_LINE_MAX 4096u   /* bytes of a command line (the ctl worker's DSGD_CTL_LINE_MAX) */
#define DSG_CTL_SOCKET_DEFAULT "var/run/dsgctl.sock"   /* ctl.socket's default */
#define DSG_CTL_TOKEN_LEN 22u    /* an administrator's token (the ctl worker's DSGD_CTL_TOKEN_LEN) */

typedef enum dsg_ctl_result {
    DSG_CTL_OK = 0,            /* out holds the output */
    DSG_CTL_UNREACHABLE = 1,   /* no daemon at the socket (or it did not answer) */
    DSG_CTL_DENIED = 2,        /* the socket or the ctl worker refused this user */
    DSG_CTL_REFUSED = 3,       /* the daemon answered with an error (code, message in err) */
    DSG_CTL_PROTOCOL = 4,      /* an answer that is not of the protocol, or too long */
    DSG_CTL_AUDIT = 5,         /* error audit-unavailable: logd did not store the command's
                                * record within log.ack_timeout (REQ-LOG-008) */
    DSG_CTL_BAD_ARGUMENT = 6,  /* error unknown-role (and other bad arguments) */
    DSG_CTL_LOGIN_REQUIRED = 7 /* error admin_login_required: no valid administrator login
                                * (REQ-ACCT-012), or a token file that is not private */
} dsg_ctl_result;

/* The file that keeps the administrator's token of `dsgctl login`:
 * $DSGCTL_TOKEN_FILE, else $XDG_RUNTIME_DIR/dsgctl-token, else
 * $HOME/.dsgctl-token. Every command sends the token it holds (a file that
 * is not the user's own mode-0600 file is refused). 0, or -1 when none of
 * them is set. @relation(REQ-ACCT-012) */
int dsg_ctl_token_path(char *out, size_t cap);

/* Sends `line` (without its newline) to the control socket at path and
 * reads the answer: on DSG_CTL_OK the output is out[0 .. *len) and
 * NUL-terminated, and *status the exit status the command asks for (0
 * unless the answer was "ok N"); otherwise err says why. Waits at most
 * timeout_ms for the whole answer. @relation(REQ-RUN-023) */
dsg_ctl_result dsg_ctl_call(const char *path, const char *line, int timeout_ms, char *out,
                            size_t cap, size_t *len, int *status, char *err, size_t errsize);

/* As dsg_ctl_call, for a command whose answer may be streamed (`log
 * export`): "ok stream", then pieces "data LEN" and LEN bytes, each
 * written to out_fd as it comes, then "end N" and a message. Waits at most
 * idle_ms for each piece. On DSG_CTL_OK, *status is the exit status the
 * command gives (74 when out_fd could not be written); when it is not 0,
 * err holds the daemon's message. An answer that is not streamed ("ok",
 * "ok N", "error ...") is taken as dsg_ctl_call takes it, its output
 * written to out_fd when the status is 0. @relation(REQ-LOG-045, REQ-RUN-023) */
dsg_ctl_result dsg_ctl_stream(const char *path, const char *line, int idle_ms, int out_fd,
                              int *status, char *err, size_t errsize);

#endif
