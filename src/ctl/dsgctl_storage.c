/*
 * dsgctl storage: the share role's store of encrypted objects.
 *
 *   dsgctl storage decrypt --key KEKFILE [--store-key WRAPPEDFILE] OBJECT [--out FILE]
 *   dsgctl storage usage [--json] [--socket PATH]
 *
 * decrypt is offline (REQ-STOR-011): no daemon, no database, no socket; the
 * work is src/ctl/storage_decrypt.h's, its status the exit status. usage
 * asks the running dsgd (REQ-STOR-014).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ctl/dsgctl.h"
#include "ctl/key_escrow.h"
#include "ctl/storage_decrypt.h"

#define DECRYPT "storage decrypt"

static const char decrypt_help[] =
    "usage: dsgctl storage decrypt --key KEKFILE [--store-key WRAPPEDFILE] OBJECT\n"
    "                              [--out FILE]\n"
    "       dsgctl storage decrypt --escrow ESCROWFILE (--passphrase-file F |\n"
    "                              --escrow-key PRIVATE.pem) --store-key WRAPPEDFILE\n"
    "                              OBJECT [--out FILE]\n"
    "\n"
    "Decrypts and verifies one stored object offline: with dsgd stopped, without\n"
    "its databases or its control socket. The master's key-encryption key\n"
    "KEKFILE (var/keys/kek, 32 bytes) opens the share role's store key\n"
    "WRAPPEDFILE (40 bytes), which opens the data key in OBJECT's header.\n"
    "OBJECT is a file of the share role's store,\n"
    "var/share/objects/<ab>/<id>.<version>, under its own name: the name says\n"
    "which object and version the file must hold, so a renamed or swapped file\n"
    "is refused. The object is read one segment (64 KiB) at a time.\n"
    "\n"
    "options:\n"
    "  --key KEKFILE            the master's key-encryption key (required)\n"
    "  --store-key WRAPPEDFILE  the share role's wrapped store key; default: the\n"
    "                           file share/store.key.wrapped of the state\n"
    "                           directory KEKFILE lies in (the parent of its\n"
    "                           directory: --key var/keys/kek reads\n"
    "                           var/share/store.key.wrapped)\n"
    "  --escrow ESCROWFILE      take the KEK from an escrow file of `dsgctl key\n"
    "                           export` instead of --key, opened with the\n"
    "                           passphrase in the file F (--passphrase-file) or the\n"
    "                           operator's X25519 private key (--escrow-key);\n"
    "                           --store-key is then required, since an escrow file\n"
    "                           lies outside the state directory\n"
    "  --out FILE               write the plaintext to FILE, which must not exist\n"
    "                           (default: standard output). It is written as\n"
    "                           FILE.partial (mode 0600) and renamed to FILE only\n"
    "                           when the whole object has verified; on any failure\n"
    "                           FILE.partial is removed and no FILE is made. A run\n"
    "                           killed midway leaves FILE.partial: remove it.\n"
    "  -h, --help               show this help\n"
    "\n"
    "To standard output, each segment is written as soon as its tag has\n"
    "verified: when a later segment fails, the verified segments before it have\n"
    "been written already, and the exit status is 1 all the same. Use --out for\n"
    "all or nothing.\n"
    "\n"
    "exit status: 0 the whole object verified and was written; 1 stor.integrity:\n"
    "a segment or the header does not verify, or OBJECT holds another object or\n"
    "version than its name says (the message names the object, the version and\n"
    "the segment); 2 stor.key: KEKFILE does not open the store key, or the store\n"
    "key does not open the object's data key; 64 usage error, or a key file of\n"
    "the wrong length; 2 also when the escrow file does not open with that\n"
    "passphrase or key; 65 OBJECT is not a dsg object (stor.format) or names an\n"
    "unknown algorithm; 66 a key file or OBJECT cannot be read; 70 OpenSSL or\n"
    "the memory failed; 73 FILE exists or FILE.partial cannot be created; 74 a\n"
    "read or write error. Needs no daemon; run it as a user that can read the\n"
    "files (root for var/keys/kek).\n";

typedef struct decrypt_opts {
    const char *key, *store_key, *out, *object, *escrow, *pass, *escrow_key;
    int help;
} decrypt_opts;

/* "dsgctl storage decrypt: WHAT 'ARG'" and where the help is. */
static int decrypt_usage(const char *what, const char *arg)
{
    fprintf(stderr, "dsgctl " DECRYPT ": %s", what);
    if (arg != NULL) {
        fputs(" '", stderr);
        dsgctl_put_escaped_str(stderr, arg);
        fputc('\'', stderr);
    }
    fputs("\nTry 'dsgctl help storage decrypt'.\n", stderr);
    return EXIT_USAGE;
}

/* The option at argv[*i] that takes a value, into *slot. */
static int option_value(const char **slot, int argc, char **argv, int *i)
{
    const char *name = argv[*i];
    if (*slot != NULL)
        return decrypt_usage("option given twice:", name);
    if (*i + 1 >= argc)
        return decrypt_usage("option needs a value:", name);
    *slot = argv[++*i];
    if ((*slot)[0] == '\0')
        return decrypt_usage("empty value for", name);
    return 0;
}

static int decrypt_parse(decrypt_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int rc = 0;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            o->help = 1;
        else if (strcmp(a, "--key") == 0)
            rc = option_value(&o->key, argc, argv, &i);
        else if (strcmp(a, "--store-key") == 0)
            rc = option_value(&o->store_key, argc, argv, &i);
        else if (strcmp(a, "--out") == 0)
            rc = option_value(&o->out, argc, argv, &i);
        else if (strcmp(a, "--escrow") == 0)
            rc = option_value(&o->escrow, argc, argv, &i);
        else if (strcmp(a, "--passphrase-file") == 0)
            rc = option_value(&o->pass, argc, argv, &i);
        else if (strcmp(a, "--escrow-key") == 0)
            rc = option_value(&o->escrow_key, argc, argv, &i);
        else if (a[0] == '-')
            return decrypt_usage("unknown option", a);
        else if (o->object != NULL)
            return decrypt_usage("more than one object:", a);
        else
            o->object = a;
        if (rc != 0)
            return rc;
    }
    if (o->help)
        return 0;
    if ((o->key == NULL) == (o->escrow == NULL))
        return decrypt_usage("one of --key KEKFILE (the master's var/keys/kek) and --escrow "
                             "ESCROWFILE is required", NULL);
    if (o->escrow != NULL && (o->pass == NULL) == (o->escrow_key == NULL))
        return decrypt_usage("--escrow needs one of --passphrase-file F and --escrow-key "
                             "PRIVATE.pem", NULL);
    if (o->escrow == NULL && (o->pass != NULL || o->escrow_key != NULL))
        return decrypt_usage("--passphrase-file and --escrow-key go with --escrow", NULL);
    if (o->escrow != NULL && o->store_key == NULL)
        return decrypt_usage("--escrow needs --store-key WRAPPEDFILE (the share role's "
                             "share/store.key.wrapped)", NULL);
    if (o->object == NULL)
        return decrypt_usage("no object given (a file var/share/objects/<ab>/<id>.<version>)",
                             NULL);
    return 0;
}

/* The KEK of o's escrow file (REQ-STOR-009), then the object with it; a
 * file that does not open with the passphrase or key is stor.key (2), as
 * a wrong KEK is. */
static dsg_sd_status decrypt_escrowed(const decrypt_opts *o, uint64_t *bytes, char *err,
                                      size_t n)
{
    static uint8_t in[DSG_ESCROW_MAX + 1];
    char why[600];
    size_t len = 0;
    dsg_escrow_keys k;
    dsg_ke_status ks = dsg_ke_read(o->escrow, in, sizeof in, &len, why, sizeof why);
    if (ks == DSG_KE_OK)
        ks = dsg_ke_open(in, len, o->pass, o->escrow_key, &k, why, sizeof why);
    OPENSSL_cleanse(in, sizeof in);
    if (ks != DSG_KE_OK) {
        snprintf(err, n, "%s%s: %s", ks == DSG_KE_DENIED ? "stor.key: " : "", o->escrow, why);
        return ks == DSG_KE_DENIED ? DSG_SD_KEY : (dsg_sd_status)ks;
    }
    dsg_sd_status st = dsg_storage_decrypt_kek(k.kek, o->escrow, o->store_key, o->object, o->out,
                                               bytes, err, n);
    OPENSSL_cleanse(&k, sizeof k);
    return st;
}

/* dsgctl storage decrypt (REQ-STOR-011). @relation(REQ-STOR-011) */
static int cmd_storage_decrypt(int argc, char **argv)
{
    decrypt_opts o;
    char err[1024];
    uint64_t bytes = 0;
    int rc = decrypt_parse(&o, argc, argv);
    if (rc != 0)
        return rc;
    if (o.help) {
        fputs(decrypt_help, stdout);
        return dsgctl_finish_stdout(0);
    }
    dsg_sd_status st = o.escrow != NULL
                           ? decrypt_escrowed(&o, &bytes, err, sizeof err)
                           : dsg_storage_decrypt(o.key, o.store_key, o.object, o.out, &bytes,
                                                 err, sizeof err);
    if (st != DSG_SD_OK) {
        fputs("dsgctl " DECRYPT ": ", stderr);
        dsgctl_put_escaped_str(stderr, err);
        fputc('\n', stderr);
        return (int)st;
    }
    if (o.out == NULL)
        return 0;
    fputs("decrypted ", stdout);
    dsgctl_put_escaped_str(stdout, o.object);
    printf(": %llu bytes, every segment verified, written to ", (unsigned long long)bytes);
    dsgctl_put_escaped_str(stdout, o.out);
    fputc('\n', stdout);
    return dsgctl_finish_stdout(0);
}

static const char usage_help[] =
    "usage: dsgctl storage usage [--json] [--socket PATH]\n"
    "\n"
    "The gateway's storage areas, each a directory of its own owner: the\n"
    "protected information (the share role's encrypted objects), the share\n"
    "databases, the accounts, the audit trail, the keys and the backups\n"
    "(bkup.dest). For each: its owner, the regular files in it and the space\n"
    "they occupy (counted for at most 2 s in all: \"+\" marks an area not\n"
    "counted to its end), and the free space and size of its file system. Needs an\n"
    "administrator's login (dsgctl login).\n"
    "\n"
    "options:\n"
    "  --json         {\"areas\": [{\"area\", \"directory\", \"measured\", \"complete\",\n"
    "                 \"why\",\n"
    "                 \"owner\", \"files\", \"used_bytes\", \"free_bytes\",\n"
    "                 \"filesystem_bytes\"}]}\n"
    "  --socket PATH  the control socket (default " DSG_CTL_SOCKET_DEFAULT ")\n";

/* dsgctl storage usage [--json] @relation(REQ-STOR-014) */
static int cmd_storage_usage(int argc, char **argv)
{
    static const char *const flags[] = { "--json" };
    static const dsgctl_listing l = { "usage", usage_help, flags, 1, NULL, NULL };
    return dsgctl_group_listing("storage", &l, argc, argv);
}

const command dsgctl_storage_commands[DSGCTL_STORAGE_COMMANDS] = {
    { "decrypt", "decrypt and verify one stored object with the key files alone (offline)",
      decrypt_help, cmd_storage_decrypt },
    { "usage", "the storage areas: their files and free space", usage_help, cmd_storage_usage },
};
