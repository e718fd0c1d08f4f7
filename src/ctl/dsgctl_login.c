/*
 * dsgctl login / logout: an administrator's own login (REQ-ACCT-012). The
 * steps are those of the login API (/api/v1/auth/..., docs/accounts.md),
 * sent over the control socket as "login ROUTE BODY" with BODY the
 * base64url of the step's JSON, and answered with the API's JSON. The
 * token of the completed login is kept in the caller's private token file
 * (dsg_ctl_token_path) and sent with every command after it.
 *
 * Secrets are read from the terminal without echo, or line by line from
 * standard input when it is not a terminal; they never appear on the
 * command line (the control record holds only "login ROUTE").
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "auth/acct_app.h"
#include "core/b64url.h"
#include "core/json_out.h"
#include "core/json_tok.h"
#include "ctl/dsgctl.h"

#define SECRET_MAX 1024u          /* bytes of a typed password or code */
#define ANSWER_MAX 8192u          /* bytes of a step's answer */
#define TRIES 3                   /* refusals the login survives before dsgctl gives up */

const char dsgctl_login_help[] =
    "usage: dsgctl login [--user ID] [--webauthn-helper CMD] [--socket PATH]\n"
    "\n"
    "Shows the logon notice (auth.logon_notice), then logs in as a DSG\n"
    "administrator: the password, then the second factor (TOTP, or WebAuthn\n"
    "through CMD), and shows the previous login and the failed attempts since\n"
    "it. The first login with an issued password\n"
    "changes it and enrols the factor with the enrolment code. Every\n"
    "administrative command needs the login; it lasts auth.admin_token_lifetime\n"
    "of inactivity and only for this Unix user. The token is kept in\n"
    "$DSGCTL_TOKEN_FILE, else $XDG_RUNTIME_DIR/dsgctl-token, else\n"
    "$HOME/.dsgctl-token (mode 0600).\n"
    "\n"
    "Secrets are read from the terminal without echo, or one a line from\n"
    "standard input.\n"
    "\n"
    "  --user ID              the administrator's user ID (else asked)\n"
    "  --webauthn-helper CMD  run by /bin/sh with the step's answer (JSON, the\n"
    "                         publicKey options in it) on standard input; writes\n"
    "                         the next step's JSON body (a registration or an\n"
    "                         assertion) on standard output\n"
    "  --socket PATH          the control socket (default " DSG_CTL_SOCKET_DEFAULT ")\n"
    "\n"
    "Exit status: 0 logged in; 1 refused; 64 usage error; 69 dsgd unreachable;\n"
    "74 the token file could not be written; 75 the record was not stored;\n"
    "76 protocol error; 77 not root and not in group dsgadm.\n";

const char dsgctl_logout_help[] =
    "usage: dsgctl logout [--socket PATH]\n"
    "\n"
    "Ends the administrator's login of dsgctl login and removes the token file.\n"
    "\n"
    "Exit status: 0 logged out; 69 dsgd unreachable; 77 no login to end.\n";

typedef struct login_opts {
    const char *user, *helper, *socket;
} login_opts;

typedef struct answer {
    char text[ANSWER_MAX];
    size_t len;
    int status;            /* the command's exit status: 0, 1 refused, 75 */
} answer;

static int usage(const char *cmd, const char *why, const char *arg)
{
    fprintf(stderr, "dsgctl: %s: %s%s", cmd, why, arg != NULL ? " '" : "");
    if (arg != NULL) {
        dsgctl_put_escaped_str(stderr, arg);
        fputc('\'', stderr);
    }
    fprintf(stderr, "\nTry 'dsgctl help %s'.\n", cmd);
    return EXIT_USAGE;
}

/* ---- input ----------------------------------------------------------------------- */

/* One line of input; on a terminal after prompt (on standard error), and
 * without echo when secret. 0, or -1 at the end of input or for a line
 * too long. */
static int ask(const char *prompt, int secret, char *out, size_t cap)
{
    struct termios old, quiet;
    int tty = isatty(0) && tcgetattr(0, &old) == 0;
    if (tty) {   /* piped input gets no prompts */
        fputs(prompt, stderr);
        fflush(stderr);
    }
    if (tty && secret) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        (void)tcsetattr(0, TCSAFLUSH, &quiet);
    }
    char *got = fgets(out, (int)cap, stdin);
    if (tty && secret) {
        (void)tcsetattr(0, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (got == NULL)
        return -1;
    size_t n = strcspn(out, "\n");
    if (out[n] != '\n' && !feof(stdin))
        return -1;   /* longer than cap */
    out[n] = '\0';
    return 0;
}

/* ---- the answer ------------------------------------------------------------------- */

static dsg_json_tok toks[512];   /* the tokens of the last answer read */

/* The value token of member name of the object token obj of a's JSON (a
 * tokenized by tokenize), or 0 when there is none. */
static size_t value_of(const answer *a, size_t obj, const char *name)
{
    char key[32];
    size_t vlen = 0;
    if (toks[obj].type != DSG_JSON_OBJECT)
        return 0;
    for (size_t i = obj + 1; i + 1 < toks[obj].next; i = toks[i + 1].next) {
        if (dsg_json_string_value((const uint8_t *)a->text, a->len, &toks[i], (uint8_t *)key,
                                  sizeof key - 1, &vlen) == DSG_JSON_OK &&
            vlen == strlen(name) && memcmp(key, name, vlen) == 0)
            return i + 1;
    }
    return 0;
}

/* The string token v of a's JSON into out: 0, or -1. */
static int string_of(const answer *a, size_t v, char *out, size_t cap)
{
    size_t vlen = 0;
    out[0] = '\0';
    if (v == 0 || toks[v].type != DSG_JSON_STRING ||
        dsg_json_string_value((const uint8_t *)a->text, a->len, &toks[v], (uint8_t *)out,
                              cap - 1, &vlen) != DSG_JSON_OK ||
        memchr(out, '\0', vlen) != NULL)
        return -1;
    out[vlen] = '\0';
    return 0;
}

/* The answer's JSON into toks: 0, or -1 when it is not a JSON object. */
static int tokenize(const answer *a)
{
    size_t nt = 0, at = 0;
    return dsg_json_tokenize((const uint8_t *)a->text, a->len, 8, toks, 512, &nt, &at) ==
                   DSG_JSON_OK && nt > 0 && toks[0].type == DSG_JSON_OBJECT
               ? 0 : -1;
}

/* The string member name of the answer's top object into out: 0, or -1
 * when there is none (or it does not fit). */
static int member(const answer *a, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    return tokenize(a) == 0 ? string_of(a, value_of(a, 0, name), out, cap) : -1;
}

/* ---- steps ---------------------------------------------------------------------- */

/* Sends the step ROUTE with the JSON body; the answer into *a. 0, or the
 * exit status of a control-socket failure. */
static int send_step(const login_opts *o, const char *route, const uint8_t *body, size_t len,
                     answer *a)
{
    static char line[DSG_CTL_LINE_MAX];
    char err[512];
    size_t n = 0;
    int k = snprintf(line, sizeof line, "login %s ", route);
    if (k < 0 || dsg_b64url_encode(body, len, line + k, sizeof line - (size_t)k - 1, &n) !=
                     DSG_B64URL_OK) {
        fprintf(stderr, "dsgctl: login: the %s step is too long\n", route);
        return EXIT_USAGE;
    }
    line[(size_t)k + n] = '\0';
    dsg_ctl_result r = dsg_ctl_call(o->socket, line, 30000, a->text, sizeof a->text, &a->len,
                                    &a->status, err, sizeof err);
    OPENSSL_cleanse(line, sizeof line);
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl: login: %s\n", err);
        return dsgctl_ctl_status(r);
    }
    while (a->len > 0 && a->text[a->len - 1] == '\n')
        a->text[--a->len] = '\0';
    return 0;
}

/* A step whose body is a JSON object of string members names[i] = values[i]. */
static int step(const login_opts *o, const char *route, const char *const *names,
                const char *const *values, size_t n, answer *a)
{
    uint8_t body[2 * SECRET_MAX + 256];
    size_t len = 0;
    dsg_json_out w;
    dsg_json_out_init(&w, body, sizeof body);
    (void)dsg_json_out_object_begin(&w);
    for (size_t i = 0; i < n; i++) {
        (void)dsg_json_out_key(&w, (const uint8_t *)names[i], strlen(names[i]));
        (void)dsg_json_out_string(&w, (const uint8_t *)values[i], strlen(values[i]));
    }
    (void)dsg_json_out_object_end(&w);
    int rc = dsg_json_out_finish(&w, &len) == 0 ? send_step(o, route, body, len, a) : EXIT_USAGE;
    OPENSSL_cleanse(body, sizeof body);
    return rc;
}

/* A step of the login ID and one typed value (a password or a code). */
static int typed_step(const login_opts *o, const char *route, const char *login,
                      const char *field, const char *prompt, answer *a)
{
    char value[SECRET_MAX];
    if (ask(prompt, 1, value, sizeof value) != 0) {
        fprintf(stderr, "dsgctl: login: no %s given\n", field);
        return EXIT_USAGE;
    }
    const char *names[] = { "login", field }, *values[] = { login, value };
    int rc = step(o, route, names, values, 2, a);
    OPENSSL_cleanse(value, sizeof value);
    return rc;
}

/* A new password, typed twice. */
static int change_step(const login_opts *o, const char *login, answer *a)
{
    char first[SECRET_MAX], again[SECRET_MAX];
    int rc = EXIT_USAGE;
    fputs("The password must be changed.\n", stderr);
    if (ask("New password: ", 1, first, sizeof first) != 0 ||
        ask("New password again: ", 1, again, sizeof again) != 0)
        fprintf(stderr, "dsgctl: login: no new password given\n");
    else if (strcmp(first, again) != 0)
        fprintf(stderr, "dsgctl: login: the two new passwords differ\n");
    else {
        const char *names[] = { "login", "password" }, *values[] = { login, first };
        rc = step(o, "password", names, values, 2, a);
    }
    OPENSSL_cleanse(first, sizeof first);
    OPENSSL_cleanse(again, sizeof again);
    return rc;
}

/* The WebAuthn ceremony of the answer a (its publicKey options) through
 * the helper: its output is the body of route. */
static int helper_step(const login_opts *o, const char *route, answer *a)
{
    static uint8_t body[DSG_CTL_LINE_MAX];
    int in[2], outp[2], status = 0;
    size_t len = 0;
    if (o->helper == NULL) {
        fprintf(stderr, "dsgctl: login: this account's second factor is WebAuthn: give "
                        "--webauthn-helper CMD (dsgctl help login)\n");
        return EXIT_USAGE;
    }
    if (pipe(in) != 0 || pipe(outp) != 0)
        return EXIT_SOFTWARE;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(outp[1], 1);
        close(in[0]), close(in[1]), close(outp[0]), close(outp[1]);
        execl("/bin/sh", "sh", "-c", o->helper, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    int wrote = pid > 0 && write(in[1], a->text, a->len) == (ssize_t)a->len;
    close(in[1]);
    for (ssize_t r = 1; pid > 0 && r > 0 && len < sizeof body;) {
        r = read(outp[0], body + len, sizeof body - len);
        if (r > 0)
            len += (size_t)r;
        else if (r < 0 && errno == EINTR)
            r = 1;
    }
    close(outp[0]);
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0 || !wrote || len == 0 || len == sizeof body) {
        fprintf(stderr, "dsgctl: login: the WebAuthn helper failed\n");
        return EXIT_SOFTWARE;
    }
    return send_step(o, route, body, len, a);
}

/* The step the answer asks for next, into *a. 0, or an exit status. */
static int next_step(const login_opts *o, const char *next, const char *login, answer *a)
{
    if (strcmp(next, "password-change") == 0)
        return change_step(o, login, a);
    if (strcmp(next, "enrol-totp") == 0)
        return typed_step(o, "totp/enrol", login, "code", "Enrolment code: ", a);
    if (strcmp(next, "totp") == 0)
        return typed_step(o, "totp", login, "code", "TOTP code: ", a);
    if (strcmp(next, "confirm-totp") == 0) {
        char uri[512];
        if (member(a, "otpauth", uri, sizeof uri) != 0)
            return EXIT_PROTOCOL;
        printf("Add this key to your authenticator app, then give its code:\n%s\n", uri);
        fflush(stdout);
        return typed_step(o, "totp", login, "code", "TOTP code: ", a);
    }
    if (strcmp(next, "enrol-webauthn") == 0)
        return typed_step(o, "webauthn/options", login, "code", "Enrolment code: ", a);
    if (strcmp(next, "webauthn") == 0) {
        const char *names[] = { "login" }, *values[] = { login };
        return step(o, "webauthn/options", names, values, 1, a);
    }
    if (strcmp(next, "register-webauthn") == 0)
        return helper_step(o, "webauthn/register", a);
    if (strcmp(next, "assert-webauthn") == 0)
        return helper_step(o, "webauthn/assert", a);
    fprintf(stderr, "dsgctl: login: an unknown next step '%s'\n", next);
    return EXIT_PROTOCOL;
}

/* ---- the logon notice and the previous login (REQ-MFA-014) --------------------- */

/* Shows auth.logon_notice, before any credential is asked for. 0, or an
 * exit status. */
static int show_notice(const login_opts *o, answer *a)
{
    static char notice[2048];
    int rc = send_step(o, "notice", (const uint8_t *)"{}", 2, a);
    if (rc != 0)
        return rc;
    if (a->status != 0 || member(a, "notice", notice, sizeof notice) != 0) {
        fprintf(stderr, "dsgctl: login: no logon notice in the answer\n");
        return EXIT_PROTOCOL;
    }
    dsgctl_put_escaped_str(stdout, notice);   /* configured text: no terminal controls */
    fputc('\n', stdout);
    fflush(stdout);
    return 0;
}

/* The previous successful login and the failed attempts since, from the
 * answer that opened the session. */
static void show_previous(const answer *a)
{
    char when[40], where[80];
    if (tokenize(a) != 0)
        return;
    size_t prev = value_of(a, 0, "previous_login"), fails = value_of(a, 0, "failures_since");
    if (prev != 0 && toks[prev].type == DSG_JSON_OBJECT &&
        string_of(a, value_of(a, prev, "time"), when, sizeof when) == 0 &&
        string_of(a, value_of(a, prev, "computer"), where, sizeof where) == 0) {
        printf("previous login: %s from ", when);
        dsgctl_put_escaped_str(stdout, where);
        fputc('\n', stdout);
    } else if (prev != 0 && toks[prev].type == DSG_JSON_NULL) {
        printf("previous login: none\n");
    }
    if (fails != 0 && toks[fails].type == DSG_JSON_NUMBER)
        printf("failed attempts since: %.*s\n", (int)toks[fails].len, a->text + toks[fails].start);
}

/* ---- the token file ---------------------------------------------------------------- */

/* Writes token to the token file, mode 0600, replacing it whole. 0, or 74. */
static int save_token(const char *token)
{
    char path[4096], tmp[4200];
    if (dsg_ctl_token_path(path, sizeof path) != 0) {
        fprintf(stderr, "dsgctl: login: set DSGCTL_TOKEN_FILE, XDG_RUNTIME_DIR or HOME\n");
        return EXIT_IOERR;
    }
    snprintf(tmp, sizeof tmp, "%s.new", path);
    (void)unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    size_t n = strlen(token);
    int ok = fd >= 0 && write(fd, token, n) == (ssize_t)n && write(fd, "\n", 1) == 1 &&
             fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "dsgctl: login: %s: %s\n", path, strerror(errno));
        (void)unlink(tmp);
        return EXIT_IOERR;
    }
    return 0;
}

/* ---- the commands ------------------------------------------------------------------- */

static int login_parse(login_opts *o, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(dsgctl_login_help, stdout);
            return -1;
        } else if (strcmp(argv[i], "--user") == 0 && v != NULL) {
            o->user = argv[++i];
        } else if (strcmp(argv[i], "--webauthn-helper") == 0 && v != NULL) {
            o->helper = argv[++i];
        } else if (strcmp(argv[i], "--socket") == 0 && v != NULL) {
            o->socket = argv[++i];
        } else {
            (void)usage("login", "unexpected argument", argv[i]);
            return 1;
        }
    }
    return 0;
}

/* The refusal of a step: said, and whether the login goes on. */
static int refusal(const answer *a, int *tries)
{
    char error[64], next[32];
    if (member(a, "error", error, sizeof error) != 0) {
        fprintf(stderr, "dsgctl: login: %s\n", a->len > 0 ? a->text : "refused");
        return 0;
    }
    int goes_on = member(a, "next", next, sizeof next) == 0 && ++*tries < TRIES;
    fprintf(stderr, "dsgctl: login: refused (%s)%s\n", error,
            strcmp(error, "weak_password") == 0 ? ": see the password rules in "
                                                  "docs/accounts.md" : "");
    return goes_on;
}

/* dsgctl login [--user ID] [--webauthn-helper CMD] [--socket PATH] @relation(REQ-ACCT-012) */
int dsgctl_cmd_login(int argc, char **argv)
{
    static answer a;
    login_opts o = { NULL, NULL, DSG_CTL_SOCKET_DEFAULT };
    char user[DSG_ACCT_USER_ID_MAX + 2], password[SECRET_MAX], next[32], login[64];
    char token[DSG_CTL_TOKEN_LEN + 1];
    int rc = login_parse(&o, argc, argv), tries = 0;
    if (rc != 0)
        return rc < 0 ? dsgctl_finish_stdout(0) : EXIT_USAGE;
    if (o.user != NULL && strlen(o.user) >= sizeof user)
        return usage("login", "--user is too long", o.user);
    if ((rc = show_notice(&o, &a)) != 0)
        return rc;
    if (o.user != NULL)
        snprintf(user, sizeof user, "%s", o.user);
    else if (ask("User ID: ", 0, user, sizeof user) != 0 || user[0] == '\0')
        return usage("login", "no user ID given", NULL);
    if (ask("Password: ", 1, password, sizeof password) != 0)
        return usage("login", "no password given", NULL);
    const char *names[] = { "user_id", "password" }, *values[] = { user, password };
    rc = step(&o, "login", names, values, 2, &a);
    OPENSSL_cleanse(password, sizeof password);
    while (rc == 0) {
        if (a.status != 0 && !refusal(&a, &tries))
            return a.status == 75 ? EXIT_TEMPFAIL : EXIT_REFUSED;
        if (member(&a, "next", next, sizeof next) == 0 && strcmp(next, "session") == 0)
            break;
        if (next[0] == '\0' || member(&a, "login", login, sizeof login) != 0) {
            fprintf(stderr, "dsgctl: login: an answer without its next step\n");
            return EXIT_PROTOCOL;
        }
        rc = next_step(&o, next, login, &a);
    }
    if (rc != 0)
        return rc;
    if (member(&a, "token", token, sizeof token) != 0 || strlen(token) != DSG_CTL_TOKEN_LEN) {
        fprintf(stderr, "dsgctl: login: the answer holds no token\n");
        return EXIT_PROTOCOL;
    }
    rc = save_token(token);
    OPENSSL_cleanse(token, sizeof token);
    if (rc != 0) {
        OPENSSL_cleanse(&a, sizeof a);
        return rc;
    }
    printf("logged in as %s\n", user);
    show_previous(&a);
    OPENSSL_cleanse(&a, sizeof a);
    return dsgctl_finish_stdout(0);
}

/* dsgctl logout [--socket PATH] @relation(REQ-ACCT-012) */
int dsgctl_cmd_logout(int argc, char **argv)
{
    static char out[4096];
    const char *socket = DSG_CTL_SOCKET_DEFAULT;
    char err[512], path[4096];
    size_t len = 0;
    int status = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(dsgctl_logout_help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else {
            return usage("logout", "unexpected argument", argv[i]);
        }
    }
    dsg_ctl_result r = dsg_ctl_call(socket, "logout", 15000, out, sizeof out, &len, &status, err,
                                    sizeof err);
    /* the local token goes whatever the daemon says: it is no use any more */
    if (r != DSG_CTL_UNREACHABLE && dsg_ctl_token_path(path, sizeof path) == 0)
        (void)unlink(path);
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl: logout: %s\n", err);
        return dsgctl_ctl_status(r);
    }
    fwrite(out, 1, len, stdout);
    return dsgctl_finish_stdout(status);
}
