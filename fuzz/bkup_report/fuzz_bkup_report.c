/*
 * libFuzzer harness for the master's reading of dsgctl's backup reports
 * (src/run/bkup_report.h: "backup drill|verify ID passed|failed ...",
 * which ctl passes on from an administrator's client).
 * @relation(REQ-BKUP-005, REQ-BKUP-007)
 *
 * The input is the line, any bytes, read as each verb's report. Checked,
 * with abort() on any failure: the line is read from a heap copy of
 * exactly its length (ASan sees any byte past it); an accepted report
 * starts with its verb and a blank, its ID is 16 bytes of the form
 * YYYYMMDDTHHMMSSZ and NUL-terminated, the result is 0 or 1 and the word
 * the line has, and the tail lies within the line right after it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "run/bkup_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int id_form(const char *id)
{
    for (int i = 0; i < 16; i++) {
        char c = id[i];
        if (i == 8 ? c != 'T' : i == 15 ? c != 'Z' : (c < '0' || c > '9'))
            return 0;
    }
    return id[16] == '\0';
}

static void one(const char *line, size_t size, const char *verb)
{
    char id[17];
    int passed = -1;
    const char *tail = NULL;
    size_t v = strlen(verb);
    if (dsgd_bkup_report_parse(line, size, verb, id, &passed, &tail) != 0)
        return;
    if (size < v + 1 + 16 + 7 || memcmp(line, verb, v) != 0 || line[v] != ' ')
        abort();
    if (!id_form(id) || memcmp(id, line + v + 1, 16) != 0)
        abort();
    const char *word = line + v + 1 + 16;
    if ((passed != 0 && passed != 1) ||
        memcmp(word, passed ? " passed" : " failed", 7) != 0 || tail != word + 7)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *line = malloc(size > 0 ? size : 1);
    if (line == NULL)
        return 0;
    memcpy(line, data, size);
    one(line, size, "backup drill");
    one(line, size, "backup verify");
    free(line);
    return 0;
}
