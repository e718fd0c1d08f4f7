/*
 * dsgctl key: the gateway's keys (docs/keys.md).
 *
 *   dsgctl key rotate kek [--socket PATH]
 *   dsgctl key export --to FILE (--passphrase-file F | --recipient PUB) [--scrypt-n N]
 *   dsgctl key import FILE (--passphrase-file F | --key PRIV) [--state-dir DIR]
 *
 * The running dsgd's master, which alone opens the key-encryption key,
 * rotates it (REQ-STOR-008) and builds the escrow file (REQ-STOR-009);
 * dsgctl only asks, with the administrator's login, and prints the answer
 * or writes the file. The import runs in dsgctl alone, as root, on a
 * stopped or fresh installation (src/ctl/key_escrow.h).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ctl/dsgctl.h"
#include "ctl/key_escrow.h"
#include "stor/escrow.h"

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

static const char export_help[] =
    "usage: dsgctl key export --to FILE (--passphrase-file F | --recipient PUB)\n"
    "                         [--scrypt-n N] [--socket PATH]\n"
    "\n"
    "Writes an escrow file of the running dsgd's keys: the key-encryption key\n"
    "var/keys/kek and logd's audit keys chain.key and sign.key, encrypted with\n"
    "AES-256-GCM under a key that either\n"
    "  --passphrase-file F  scrypt (RFC 7914) derives from the passphrase in F\n"
    "                       (16 to 1024 bytes; one final newline is not part of\n"
    "                       it), here in dsgctl: the passphrase never leaves it, or\n"
    "  --recipient PUB      an X25519 key agreement with the public key in the PEM\n"
    "                       file PUB gives (openssl genpkey -algorithm X25519 makes\n"
    "                       the private key; openssl pkey -pubout its public key).\n"
    "The master, which alone opens the KEK, builds the file; dsgctl writes it to\n"
    "FILE, mode 0600, synced. FILE must not exist and must not lie in dsgd's state\n"
    "directory. Import it with dsgctl key import (docs/keys.md, \"Escrowing the\n"
    "keys\"). The audit trail records key-exported with the mode and the file's\n"
    "SHA-256, never a key.\n"
    "\n"
    "options:\n"
    "  --scrypt-n N   scrypt's cost, a power of two from 16384 to 1048576 (default\n"
    "                 1048576: 1 GiB of memory for some seconds; r = 8, p = 1)\n"
    "  --socket PATH  the control socket (default " DSG_CTL_SOCKET_DEFAULT ")\n"
    "  -h, --help     show this help\n"
    "\n"
    "Exit status: 0 written; 1 the export failed (key_export_failed); 64 usage\n"
    "error (a short passphrase, a bad key file); 66 a file cannot be read; 69\n"
    "dsgd unreachable; 73 FILE exists or lies in the state directory; 74 FILE\n"
    "cannot be written; 75 the record was not stored; 76 protocol error; 77 no\n"
    "administrator's login.\n";

static const char import_help[] =
    "usage: dsgctl key import FILE (--passphrase-file F | --key PRIV)\n"
    "                         [--state-dir DIR] [--user NAME] [--socket PATH]\n"
    "\n"
    "Restores the keys of the escrow file FILE (dsgctl key export) into the\n"
    "state directory DIR (default var, dsgd.state_dir's default; /var/lib/dsg\n"
    "when installed) of a stopped or fresh installation, as root:\n"
    "var/keys/kek, var/logd/chain.key and var/logd/sign.key. Before it replaces\n"
    "anything it checks that dsgd is not running (its pid file DIR/dsgd.pid is\n"
    "not locked, its control socket, PATH or DIR/run/dsgctl.sock, does not\n"
    "answer), that no rotation of the KEK is unfinished, that the KEK opens\n"
    "every wrapped data key there is (var/auth/totp.key.wrapped,\n"
    "var/share/store.key.wrapped), and that logd's keys verify its audit trail\n"
    "(every checkpoint's signature, every record's MAC) and match its sign.pub;\n"
    "otherwise it changes nothing. Each key is written as NAME.new, synced and\n"
    "renamed: the KEK root's, logd's keys the owner of DIR/logd's (made for the\n"
    "user NAME, default dsg, when missing), all 0600. dsgd records the import\n"
    "(keys-imported) at its next start.\n"
    "\n"
    "options:\n"
    "  --passphrase-file F  the passphrase of a passphrase file\n"
    "  --key PRIV           the X25519 private key (PEM) of a public-key file\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 imported; 1 refused (dsgd runs, a rotation is unfinished, or\n"
    "the keys do not match the installation: nothing changed); 2 the file does\n"
    "not open (the wrong passphrase or key, or a changed byte); 64 usage error;\n"
    "65 not an escrow file, or cut short; 66 a file cannot be read; 74 a write\n"
    "failed (run the import again); 77 not root.\n";

/* The bytes of hex (2 * len lowercase digits) into out: 0, or -1. */
static int unhex(const char *hex, size_t hlen, uint8_t *out, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    if (hlen != 2 * len)
        return -1;
    for (size_t i = 0; i < hlen; i++) {
        const char *d = hex[i] != '\0' ? strchr(digits, hex[i]) : NULL;
        if (d == NULL)
            return -1;
        out[i / 2] = (uint8_t)(i % 2 == 0 ? (d - digits) << 4 : out[i / 2] | (d - digits));
    }
    return 0;
}

static void put_hex(char *out, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* The line that asks the master: the passphrase's key (derived here) or
 * the recipient's public key; *s the scrypt parameters sent. */
static int export_line(const char *pass_file, const char *recipient, uint32_t n, char *line,
                       size_t cap, dsg_escrow_scrypt *s)
{
    uint8_t pass[DSG_ESCROW_PASS_MAX + 2], key[DSG_ESCROW_KEY_LEN];
    char err[600], salt_hex[2 * DSG_ESCROW_SALT_LEN + 1], key_hex[2 * DSG_ESCROW_KEY_LEN + 1];
    size_t plen = 0;
    dsg_ke_status st;
    if (recipient != NULL) {
        uint8_t pub[DSG_ESCROW_PUB_LEN];
        char pub_hex[2 * DSG_ESCROW_PUB_LEN + 1];
        if ((st = dsg_ke_x25519(recipient, 0, pub, err, sizeof err)) != DSG_KE_OK) {
            fprintf(stderr, "dsgctl: key export: %s\n", err);
            return st == DSG_KE_DATAERR ? EXIT_USAGE : (int)st;
        }
        put_hex(pub_hex, pub, sizeof pub);
        snprintf(line, cap, "key export public %s", pub_hex);
        return 0;
    }
    if ((st = dsg_ke_passphrase(pass_file, pass, &plen, err, sizeof err)) != DSG_KE_OK) {
        fprintf(stderr, "dsgctl: key export: %s\n", err);
        return (int)st;
    }
    *s = (dsg_escrow_scrypt){ n, 8, 1, { 0 } };
    int ok = RAND_bytes(s->salt, sizeof s->salt) == 1 &&
             dsg_escrow_derive(pass, plen, s, key) == DSG_ESCROW_OK;
    OPENSSL_cleanse(pass, sizeof pass);
    if (!ok) {
        fputs("dsgctl: key export: scrypt failed (out of memory?)\n", stderr);
        return EXIT_SOFTWARE;
    }
    put_hex(salt_hex, s->salt, sizeof s->salt);
    put_hex(key_hex, key, sizeof key);
    snprintf(line, cap, "key export passphrase %u %u %u %s %s", s->n, s->r, s->p, salt_hex,
             key_hex);
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(key_hex, sizeof key_hex);
    return 0;
}

/* The master's answer "escrow HEX\nsha256 D\n" into file: its length, or 0. */
static size_t export_answer(const char *a, size_t len, uint8_t *file, size_t cap)
{
    const char *nl = memchr(a, '\n', len);
    if (len < 7 || memcmp(a, "escrow ", 7) != 0 || nl == NULL)
        return 0;
    size_t hlen = (size_t)(nl - a) - 7;
    if (hlen % 2 != 0 || hlen / 2 > cap || unhex(a + 7, hlen, file, hlen / 2) != 0)
        return 0;
    return hlen / 2;
}

/* Sends the line, checks the file the master built and writes it. */
static int export_run(const char *socket, char *line, const char *dest, int mode,
                      const dsg_escrow_scrypt *s)
{
    static char answer[8192];
    uint8_t file[DSG_ESCROW_MAX];
    char err[4200];
    size_t len = 0, flen;
    int status = 0;
    dsg_escrow_scrypt got;
    dsg_ctl_result r = dsg_ctl_call(socket, line, 30000, answer, sizeof answer, &len, &status,
                                    err, sizeof err);
    OPENSSL_cleanse(line, strlen(line));
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl: key export: %s\n", err);
        return dsgctl_ctl_status(r);
    }
    if (status != 0) {
        fprintf(stderr, "dsgctl: key export: %s%s", answer,
                len > 0 && answer[len - 1] == '\n' ? "" : "\n");
        return status;
    }
    flen = export_answer(answer, len, file, sizeof file);
    if (flen == 0 || dsg_escrow_mode(file, flen) != mode ||
        (mode == DSG_ESCROW_PASSPHRASE &&
         (dsg_escrow_params(file, flen, &got) != DSG_ESCROW_OK || got.n != s->n ||
          got.r != s->r || got.p != s->p || memcmp(got.salt, s->salt, sizeof got.salt) != 0))) {
        fputs("dsgctl: key export: the answer is not the escrow file asked for\n", stderr);
        return EXIT_PROTOCOL;
    }
    dsg_ke_status st = dsg_ke_write(dest, file, flen, err, sizeof err);
    if (st != DSG_KE_OK) {
        fprintf(stderr, "dsgctl: key export: %s\n", err);
        return (int)st;
    }
    const char *sha = strstr(answer, "\nsha256 ");
    printf("wrote the escrow file %s: %s, %zu bytes, SHA-256 %.64s\n", dest,
           mode == DSG_ESCROW_PASSPHRASE ? "passphrase (scrypt)" : "public key (X25519)", flen,
           sha != NULL ? sha + 8 : "-");
    return dsgctl_finish_stdout(0);
}

/* dsgctl key export. @relation(REQ-STOR-009) */
static int cmd_key_export(int argc, char **argv)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *dest = NULL, *pass = NULL, *recipient = NULL;
    char statedir[4200], err[4400], line[512];
    unsigned long n = DSG_ESCROW_N_DEFAULT;
    dsg_escrow_scrypt s;
    int rc;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(export_help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc && dest == NULL) {
            dest = argv[++i];
        } else if (strcmp(argv[i], "--passphrase-file") == 0 && i + 1 < argc && pass == NULL) {
            pass = argv[++i];
        } else if (strcmp(argv[i], "--recipient") == 0 && i + 1 < argc && recipient == NULL) {
            recipient = argv[++i];
        } else if (strcmp(argv[i], "--scrypt-n") == 0 && i + 1 < argc) {
            char *end;
            n = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || n < 16384 || !dsg_escrow_scrypt_ok((uint32_t)n, 8, 1))
                return dsgctl_group_usage("key", "export", "--scrypt-n needs a power of two "
                                          "from 16384 to 1048576, not", argv[i]);
        } else {
            return dsgctl_group_usage("key", "export", "unexpected argument", argv[i]);
        }
    }
    if (dest == NULL)
        return dsgctl_group_usage("key", "export", "no destination (--to FILE)", NULL);
    if ((pass == NULL) == (recipient == NULL))
        return dsgctl_group_usage("key", "export", "one of --passphrase-file F and "
                                  "--recipient PUB is needed", NULL);
    if ((rc = dsgctl_state_dir("key", "export", socket, statedir, sizeof statedir)) != 0)
        return rc;
    if (dsg_ke_destination(dest, statedir, err, sizeof err) != DSG_KE_OK) {
        fprintf(stderr, "dsgctl: key export: %s\n", err);
        return DSG_KE_CANTCREAT;
    }
    if ((rc = export_line(pass, recipient, (uint32_t)n, line, sizeof line, &s)) != 0)
        return rc;
    return export_run(socket, line, dest, pass != NULL ? DSG_ESCROW_PASSPHRASE
                                                       : DSG_ESCROW_PUBLIC_KEY, &s);
}

/* dsgctl key import. @relation(REQ-STOR-009) */
static int cmd_key_import(int argc, char **argv)
{
    const char *file = NULL, *pass = NULL, *priv = NULL, *statedir = "var", *user = NULL,
               *socket = NULL;
    uint8_t in[DSG_ESCROW_MAX + 1];
    char msg[4400];
    size_t len = 0;
    dsg_escrow_keys k;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(import_help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--passphrase-file") == 0 && i + 1 < argc && pass == NULL) {
            pass = argv[++i];
        } else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc && priv == NULL) {
            priv = argv[++i];
        } else if (strcmp(argv[i], "--state-dir") == 0 && i + 1 < argc) {
            statedir = argv[++i];
        } else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc) {
            user = argv[++i];
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else if (argv[i][0] == '-' || file != NULL) {
            return dsgctl_group_usage("key", "import", "unexpected argument", argv[i]);
        } else {
            file = argv[i];
        }
    }
    if (file == NULL)
        return dsgctl_group_usage("key", "import", "no escrow file given", NULL);
    if ((pass == NULL) == (priv == NULL))
        return dsgctl_group_usage("key", "import", "one of --passphrase-file F and --key PRIV "
                                  "is needed", NULL);
    if (geteuid() != 0) {
        fputs("dsgctl: key import: only root imports keys (the KEK is root's)\n", stderr);
        return DSG_KE_NOPERM;
    }
    dsg_ke_status st = dsg_ke_read(file, in, sizeof in, &len, msg, sizeof msg);
    if (st == DSG_KE_OK)
        st = dsg_ke_open(in, len, pass, priv, &k, msg, sizeof msg);
    if (st != DSG_KE_OK) {
        fprintf(stderr, "dsgctl: key import: %s: %s; nothing was changed\n", file, msg);
        return (int)st;
    }
    const dsg_ke_origin o = { file, in, len, pass != NULL ? "passphrase" : "public key",
                              getuid(), user, socket };
    st = dsg_ke_import(statedir, &k, &o, msg, sizeof msg);
    OPENSSL_cleanse(&k, sizeof k);
    if (st != DSG_KE_OK) {
        fprintf(stderr, "dsgctl: key import: %s\n", msg);
        return (int)st;
    }
    printf("%s\n", msg);
    return dsgctl_finish_stdout(0);
}

const command dsgctl_key_commands[DSGCTL_KEY_COMMANDS] = {
    { "rotate", "replace the key-encryption key and re-wrap the data keys under it",
      rotate_help, cmd_key_rotate },
    { "export", "write an escrow file of the KEK and the audit-log keys", export_help,
      cmd_key_export },
    { "import", "restore escrowed keys onto a stopped or fresh installation", import_help,
      cmd_key_import },
};
