/*
 * confdoc: prints the key registry of dsgd.conf (dsg_config_keys in
 * src/conf/config.c) for the build, so that the manual page and the example
 * configuration list exactly the keys dsgd knows, with the defaults, ranges
 * and sources it uses (REQ-RUN-018, REQ-RUN-024). Built and run by the
 * GNUmakefile; never installed.
 *
 *   confdoc man       the key list of dsgd.conf(5), in roff (man(7) macros)
 *   confdoc example   dsgd.conf.example: every key commented out, with its
 *                     default, type, range and meaning
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conf/config.h"
#include "core/utf8.h"

static const char *type_name(dsg_config_type t)
{
    switch (t) {
    case DSG_CONFIG_TEXT: return "text";
    case DSG_CONFIG_UINT: return "integer";
    case DSG_CONFIG_BOOL: return "boolean";
    case DSG_CONFIG_DURATION: return "duration";
    case DSG_CONFIG_SIZE: return "size";
    case DSG_CONFIG_EXTLIST: return "extension list";
    }
    return "unknown";
}

/* The range as docs/config.md writes it: "1..255 bytes", "1000..3600000 ms". */
static void put_range(FILE *out, const dsg_config_key *k)
{
    static const char *const unit[] = {
        [DSG_CONFIG_TEXT] = " bytes", [DSG_CONFIG_UINT] = "", [DSG_CONFIG_BOOL] = "",
        [DSG_CONFIG_DURATION] = " ms", [DSG_CONFIG_SIZE] = " bytes",
        [DSG_CONFIG_EXTLIST] = " bytes",
    };
    if (k->type == DSG_CONFIG_BOOL) {
        fputs("true or false", out);
        return;
    }
    fprintf(out, "%llu..%llu%s", (unsigned long long)k->min, (unsigned long long)k->max,
            unit[k->type]);
}

/* Writes s as roff text: a backslash as \e, non-ASCII code points as
 * \[uXXXX] (the page source stays ASCII), a leading '.' or '\'' guarded by
 * \&; in code (a value, a key) '-' is \- so that it copies as a minus, and
 * ':' and ',' are followed by \: so that a long list can break there. */
static void put_roff(FILE *out, const char *s, int code)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t len = strlen(s), i = 0;
    if (p[0] == '.' || p[0] == '\'')
        fputs("\\&", out);
    while (i < len) {
        uint32_t cp = 0;
        size_t step = dsg_utf8_decode(p, len, i, &cp);
        if (step == 0) { /* the registry is UTF-8; keep a stray byte visible */
            fputs("\\[uFFFD]", out);
            i++;
            continue;
        }
        if (cp >= 0x80)
            fprintf(out, "\\[u%04X]", (unsigned)cp);
        else if (cp == '\\')
            fputs("\\e", out);
        else if (cp == '-' && code)
            fputs("\\-", out);
        else if ((cp == ':' || cp == ',') && code)
            fprintf(out, "%c\\:", (int)cp); /* a long cipher list may break here */
        else
            fputc((int)cp, out);
        i += step;
    }
}

/* One key: a tagged paragraph with its meaning, type, range, default and
 * the source of the default. */
static void man_key(FILE *out, const dsg_config_key *k)
{
    fputs(".TP\n.B ", out);
    put_roff(out, k->name, 1);
    fputs("\n", out);
    put_roff(out, k->doc, 0);
    fputs(".\n.br\nType: ", out);
    fputs(type_name(k->type), out);
    fputs("; range: ", out);
    put_range(out, k);
    fputs("; default: \\fB", out);
    put_roff(out, k->def, 1);
    fputs("\\fR.\n.br\nSource of the default: ", out);
    put_roff(out, k->source, 0);
    fprintf(out, " (%s).\n", k->req);
}

static void man_keys(FILE *out)
{
    fputs(".\\\" Generated from the key registry (src/conf/config.c) by dist/confdoc.c.\n",
          out);
    /* left-adjusted: a long default (the cipher list) leaves too few spaces
     * to justify its lines */
    fputs(".ad l\n", out);
    for (size_t i = 0; i < DSG_CFG_COUNT; i++)
        man_key(out, &dsg_config_keys[i]);
    fputs(".ad\n", out);
}

static void example(FILE *out)
{
    fputs("# dsgd.conf: the configuration of dsgd, the DSG gateway daemon.\n"
          "#\n"
          "# Every key dsgd knows is listed below, commented out, with its\n"
          "# embedded default: a key left out keeps that default. Remove the '#'\n"
          "# before a key to set it. Syntax, types and ranges: dsgd.conf(5).\n"
          "# Check a file with: dsgd -n -f FILE\n"
          "#\n"
          "# Installed with the systemd unit, dsgd runs with -s /var/lib/dsg and\n"
          "# -p /run/dsg/dsgd.pid on its command line, which override\n"
          "# dsgd.state_dir and dsgd.pidfile below.\n"
          "#\n"
          "# Generated from the key registry (src/conf/config.c).\n",
          out);
    for (size_t i = 0; i < DSG_CFG_COUNT; i++) {
        const dsg_config_key *k = &dsg_config_keys[i];
        fprintf(out, "\n# %s\n# %s, ", k->doc, type_name(k->type));
        put_range(out, k);
        fprintf(out, "\n#%s = %s\n", k->name, k->def);
    }
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "man") == 0)
        man_keys(stdout);
    else if (argc == 2 && strcmp(argv[1], "example") == 0)
        example(stdout);
    else {
        fputs("usage: confdoc man|example\n", stderr);
        return 2;
    }
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
