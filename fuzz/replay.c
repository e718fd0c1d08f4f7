/*
 * Feeds files through a libFuzzer entry point without libFuzzer, so the
 * committed corpus is a regression test in any build (gcc, sanitizers).
 * usage: replay FILE... ; exits non-zero if no file was given or read.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (1u << 20)

static int replay_file(const char *path, uint8_t *buf)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    size_t n = fread(buf, 1, REPLAY_MAX_INPUT, f);
    int failed = ferror(f) || !feof(f);
    fclose(f);
    if (failed) {
        fprintf(stderr, "%s: unreadable or larger than %u bytes\n", path, REPLAY_MAX_INPUT);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, n);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    uint8_t *buf = malloc(REPLAY_MAX_INPUT);
    if (buf == NULL)
        return 1;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (replay_file(argv[i], buf) != 0)
            status = 1;
    }
    free(buf);
    printf("replayed %d file(s)\n", argc - 1);
    return status;
}
