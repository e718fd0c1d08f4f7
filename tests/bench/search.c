/*
 * tests/bench/search.c — the search index at BENCH_FILES files (make
 * bench; default 100,000): the time to index them (a name each, and a text
 * of about 1 KiB for every fourth, as text-like files get), the size of the
 * index, then the latency of queries of one, two and three characters, two
 * words, a word in no file and an empty query, each BENCH_ROUNDS times
 * (default 50) through dsg_search_find with at most 1,000 files named, as
 * the share role asks (src/run/share_http.c). Not a test: it prints figures
 * (mean, p50 and p99 in ms, and how many files each query named) and fails
 * only when it cannot run. The names and texts are drawn from a fixed
 * vocabulary of Japanese and ASCII words with a fixed seed.
 *
 * The figure left out is the share role's own work per result (the file
 * store and the access decision for each file named, at most 1,000).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "share/search_index.h"

static const char *const words[] = {
    "設計", "仕様書", "議事録", "防衛", "装備", "試験", "報告", "計画", "調達", "契約",
    "会議", "資料", "図面", "検査", "品質", "管理", "手順", "評価", "改訂", "承認",
    "report", "design", "draft", "final", "review", "notes", "plan", "spec", "test", "memo",
    "通信", "電子", "部品", "航空", "艦艇", "車両", "整備", "訓練", "保守", "運用",
};
#define WORDS (sizeof words / sizeof words[0])

static uint64_t rng = 20261127u;

static unsigned pick(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, const char *err)
{
    fprintf(stderr, "bench-search: %s: %s\n", what, err);
    exit(1);
}

/* A text of about len bytes of words and punctuation. */
static size_t make_text(char *out, size_t len)
{
    size_t k = 0;
    while (k + 32 < len) {
        const char *w = words[pick(WORDS)];
        size_t n = strlen(w);
        memcpy(out + k, w, n);
        k += n;
        const char *sep = pick(4) == 0 ? "。" : pick(2) ? "の" : " ";
        memcpy(out + k, sep, strlen(sep));
        k += strlen(sep);
    }
    out[k] = '\0';
    return k;
}

static void build(dsg_search_index *ix, long files)
{
    char name[128], text[1200], err[256];
    double t0 = now_ms();
    for (long f = 1; f <= files; f++) {
        snprintf(name, sizeof name, "%s_%s_%ld.%s", words[pick(WORDS)], words[pick(WORDS)], f,
                 f % 4 == 0 ? "txt" : "pdf");
        if (dsg_search_put_name(ix, 1, f, name, err, sizeof err) != 0)
            die("put_name", err);
        if (f % 4 == 0) {
            size_t n = make_text(text, 1024);
            if (dsg_search_put_text(ix, 1, f, 1, (const uint8_t *)text, n, err, sizeof err) != 0)
                die("put_text", err);
        }
    }
    double ms = now_ms() - t0;
    printf("index\t%ld files (%ld texts) in %.1f s: %.0f files/s\n", files, files / 4, ms / 1e3,
           (double)files / (ms / 1e3));
}

static int count(int64_t file, void *ctx)
{
    (void)file;
    (*(long *)ctx)++;
    return 0;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void query(dsg_search_index *ix, const char *q, int rounds)
{
    double *t = calloc((size_t)rounds, sizeof *t), sum = 0;
    long named = 0;
    char err[256];
    int more = 0;
    if (t == NULL)
        die("query", "out of memory");
    for (int i = 0; i < rounds; i++) {
        named = 0;
        double t0 = now_ms();
        if (dsg_search_find(ix, 1, q, DSG_SEARCH_ALL, 1000, count, &named, &more, err,
                            sizeof err) != DSG_SEARCH_OK)
            die(q, err);
        t[i] = now_ms() - t0;
        sum += t[i];
    }
    qsort(t, (size_t)rounds, sizeof *t, by_value);
    printf("query\t\"%s\"\t%ld named%s\tmean %.2f ms\tp50 %.2f ms\tp99 %.2f ms\n", q, named,
           more ? " (1,000 and more)" : "", sum / rounds, t[rounds / 2],
           t[(rounds * 99) / 100 < rounds ? (rounds * 99) / 100 : rounds - 1]);
    free(t);
}

int main(void)
{
    static const uint8_t key[DSG_STOK_KEY_LEN] = { 7 };
    const char *e = getenv("BENCH_FILES");
    long files = e != NULL ? atol(e) : 100000;
    e = getenv("BENCH_ROUNDS");
    int rounds = e != NULL ? atoi(e) : 50;
    char dir[] = "/tmp/dsg-bench-search-XXXXXX", path[64], err[256], cmd[128];
    dsg_search_index *ix;
    if (files < 1 || rounds < 1 || mkdtemp(dir) == NULL)
        die("setup", "BENCH_FILES and BENCH_ROUNDS must be positive; /tmp must be writable");
    snprintf(path, sizeof path, "%s/search.db", dir);
    if (dsg_search_open(path, 5000, key, &ix, err, sizeof err) != 0)
        die("open", err);
    build(ix, files);
    snprintf(cmd, sizeof cmd, "du -k %s/search.db* | awk '{ s += $1 } END { print s }'", dir);
    FILE *du = popen(cmd, "r");
    long kib = 0;
    if (du != NULL && fscanf(du, "%ld", &kib) == 1)
        printf("size\t%.1f MiB on disk (database and WAL)\n", (double)kib / 1024);
    if (du != NULL)
        pclose(du);
    static const char *const queries[] = { "設", "設計", "仕様書", "防衛 試験", "report",
                                           "review 改訂", "存在しない", "" };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
        query(ix, queries[i], rounds);
    dsg_search_close(ix);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
