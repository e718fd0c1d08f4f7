/*
 * dsgctl storage: the share role's store of encrypted objects.
 *
 *   dsgctl storage decrypt --key KEKFILE [--store-key WRAPPEDFILE] OBJECT [--out FILE]
 *
 * Offline (REQ-STOR-011): no daemon, no database, no socket; the work is
 * src/ctl/storage_decrypt.h's, its status the exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/dsgctl.h"
#include "ctl/storage_decrypt.h"

#define DECRYPT "storage decrypt"

static const char decrypt_help[] =
    "usage: dsgctl storage decrypt --key KEKFILE [--store-key WRAPPEDFILE] OBJECT\n"
    "                              [--out FILE]\n"
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
    "the wrong length; 65 OBJECT is not a dsg object (stor.format) or names an\n"
    "unknown algorithm; 66 a key file or OBJECT cannot be read; 70 OpenSSL or\n"
    "the memory failed; 73 FILE exists or FILE.partial cannot be created; 74 a\n"
    "read or write error. Needs no daemon; run it as a user that can read the\n"
    "files (root for var/keys/kek).\n";

typedef struct decrypt_opts {
    const char *key, *store_key, *out, *object;
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
    if (o->key == NULL)
        return decrypt_usage("--key KEKFILE is required (the master's var/keys/kek)", NULL);
    if (o->object == NULL)
        return decrypt_usage("no object given (a file var/share/objects/<ab>/<id>.<version>)",
                             NULL);
    return 0;
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
    dsg_sd_status st = dsg_storage_decrypt(o.key, o.store_key, o.object, o.out, &bytes, err,
                                           sizeof err);
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

const command dsgctl_storage_commands[DSGCTL_STORAGE_COMMANDS] = {
    { "decrypt", "decrypt and verify one stored object with the key files alone (offline)",
      decrypt_help, cmd_storage_decrypt },
};
