/*
 * Unit tests of the encrypted object store (src/share/object_store.h):
 * round trips at the segment boundaries and of about 1 MiB pushed in odd
 * chunks and read back through small and large buffers; no plaintext in
 * any file under the store, during an upload or after; an abort and a
 * crash leave nothing visible and the sweep removes what a crash left; a
 * flipped byte, a truncated file and a file swapped between objects fail
 * with stor.integrity and none of the failing segment handed out; a bad
 * capability is refused before any file is opened. Each test works in its
 * own temporary directory.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "share/object_store.h"
#include "tests/obj_fixture.h"

Suite *suite_object_store(void);

#define MARKER "DSG-PLAINTEXT-MARKER-7f3a"

static const uint8_t KEK[DSG_OBJ_KEY_LEN] = "kek-kek-kek-kek-kek-kek-kek-kek!";
static const uint8_t OTHER_KEK[DSG_OBJ_KEY_LEN] = "another key-encryption key 32 b!";

static char dir[64];
static char objdir[96];
static dsg_obj_store *store;

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/dsg-objstore-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(objdir, sizeof objdir, "%s/objects", dir);
    ck_assert_int_eq(dsg_obj_store_open(objdir, KEK, &store), DSG_OBJ_OK);
    ck_assert_str_eq(dsg_obj_store_error(store), "");
}

static void teardown(void)
{
    obj_fixture_close(&store, dir);
}

/* n bytes of plaintext: the marker every 4 KiB, random bytes between. */
static uint8_t *plaintext(size_t n, unsigned seed)
{
    uint8_t *p = random_bytes(n, seed);
    for (size_t at = 0; at + sizeof MARKER - 1 <= n; at += 4096)
        memcpy(p + at, MARKER, sizeof MARKER - 1);
    return p;
}

/* Odd chunk sizes, around and across the segment size. */
static size_t chunk_at(size_t i)
{
    static const size_t sizes[] = { 1, 7, 4093, 65535, 2, 65537, 100003, 13, 65536, 333 };
    return sizes[i % (sizeof sizes / sizeof sizes[0])];
}

static void push_all(dsg_obj_put *put, const uint8_t *p, size_t n)
{
    for (size_t i = 0, at = 0; at < n; i++) {
        size_t take = chunk_at(i);
        if (take > n - at)
            take = n - at;
        ck_assert_int_eq(dsg_obj_put_push(put, p + at, take), DSG_OBJ_OK);
        at += take;
    }
}

/* Stores p[0 .. n) as (id, version); checks the size and SHA-256. */
static void put_all(const uint8_t *id, uint64_t version, const uint8_t *p, size_t n)
{
    dsg_cap c = cap_for(DSG_ACCESS_UPLOAD, id, version);
    dsg_obj_put *put = NULL;
    uint8_t sha[DSG_OBJ_SHA256_LEN], want[EVP_MAX_MD_SIZE];
    unsigned want_len = 0;
    uint64_t size = 99;
    ck_assert_int_eq(dsg_obj_put_begin(store, &c, &put), DSG_OBJ_OK);
    ck_assert_ptr_nonnull(put);
    push_all(put, p, n);
    ck_assert_msg(dsg_obj_put_commit(put, &size, sha) == DSG_OBJ_OK, "%s",
                  dsg_obj_store_error(store));
    ck_assert_uint_eq(size, n);
    ck_assert_int_eq(EVP_Digest(p, n, want, &want_len, EVP_sha256(), NULL), 1);
    ck_assert_uint_eq(want_len, DSG_OBJ_SHA256_LEN);
    ck_assert_mem_eq(sha, want, DSG_OBJ_SHA256_LEN);
}

typedef struct got {
    dsg_obj_status st;
    uint8_t *p;
    size_t len;
    size_t max_read;   /* the most one read handed out */
} got;

/* Reads (id, version) to its end or first error, max bytes a read. */
static got get_all(const uint8_t *id, uint64_t version, size_t max)
{
    dsg_cap c = cap_for(DSG_ACCESS_READ, id, version);
    dsg_obj_get *get = NULL;
    uint8_t *buf = malloc(max);
    got g = { 0 };
    size_t n = 0, cap = 0;
    ck_assert_ptr_nonnull(buf);
    g.st = dsg_obj_get_open(store, &c, &get);
    while (g.st == DSG_OBJ_OK) {
        g.st = dsg_obj_get_read(get, buf, max, &n);
        if (g.st != DSG_OBJ_OK) {
            ck_assert_uint_eq(n, 0);
            size_t again = 1;
            ck_assert_int_eq(dsg_obj_get_read(get, buf, max, &again), g.st);   /* it stays */
            ck_assert_uint_eq(again, 0);
            break;
        }
        if (n == 0)
            break;
        ck_assert_uint_le(n, max);
        if (g.len + n > cap) {
            cap = 2 * (g.len + n);
            g.p = realloc(g.p, cap);
            ck_assert_ptr_nonnull(g.p);
        }
        memcpy(g.p + g.len, buf, n);
        g.len += n;
        if (n > g.max_read)
            g.max_read = n;
    }
    dsg_obj_get_close(get);
    free(buf);
    return g;
}

static void final_path(char *out, size_t cap, const uint8_t *id, uint64_t version)
{
    object_path(out, cap, objdir, id, version);
}

/* The number of entries of path, "." and ".." aside. */
static int entries(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int n = 0;
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static int tmp_entries(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/tmp", objdir);
    return entries(path);
}

/* The bytes of the files in DIR/tmp/. */
static uint64_t tmp_bytes(void)
{
    char path[128], file[400];
    struct dirent *e;
    struct stat st;
    uint64_t total = 0;
    snprintf(path, sizeof path, "%s/tmp", objdir);
    DIR *d = opendir(path);
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        ck_assert_int_eq(stat(file, &st), 0);
        total += (uint64_t)st.st_size;
    }
    closedir(d);
    return total;
}

static int marker_files, scanned_files;

static int scan_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type != FTW_F)
        return 0;
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    uint8_t *p = malloc((size_t)sb->st_size + 1);
    ck_assert_ptr_nonnull(p);
    size_t n = fread(p, 1, (size_t)sb->st_size, f);
    fclose(f);
    ck_assert_uint_eq(n, (size_t)sb->st_size);
    scanned_files++;
    if (memmem(p, n, MARKER, sizeof MARKER - 1) != NULL)
        marker_files++;
    free(p);
    return 0;
}

/* How many files under the store hold the marker; *files: how many were read. */
static int files_with_marker(int *files)
{
    marker_files = scanned_files = 0;
    ck_assert_int_eq(nftw(dir, scan_one, 16, FTW_PHYS), 0);
    *files = scanned_files;
    return marker_files;
}

/* Every size at and around the segment boundaries, and about 1 MiB, pushed
 * in odd chunks, reads back the same through 1-byte to 1 MiB buffers, with
 * no read handing out more than one segment; the files are where the
 * layout says, 0600, and DIR/tmp/ is left empty.
 * @relation(REQ-STOR-003, REQ-STOR-012, REQ-STOR-013) */
START_TEST(test_obj_round_trip)
{
    static const size_t sizes[] = { 0, 1, SEG, SEG + 1, 1048576 + 12345 };
    static const size_t maxes[] = { 1, 7, 4096, 1048576 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = plaintext(sizes[i], (unsigned)i + 1);
        put_all(ID_A, i + 1, p, sizes[i]);
        for (size_t m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
            if (maxes[m] == 1 && sizes[i] > 2 * SEG)
                continue;   /* a million calls prove nothing more */
            got g = get_all(ID_A, i + 1, maxes[m]);
            ck_assert_msg(g.st == DSG_OBJ_OK, "%s", dsg_obj_store_error(store));
            ck_assert_uint_eq(g.len, sizes[i]);
            if (sizes[i] > 0)
                ck_assert_mem_eq(g.p, p, sizes[i]);
            ck_assert_uint_le(g.max_read, SEG);
            free(g.p);
        }
        char path[256];
        struct stat st;
        final_path(path, sizeof path, ID_A, i + 1);
        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert_uint_eq(st.st_mode & 0777u, 0600u);
        size_t segments = sizes[i] == 0 ? 1 : (sizes[i] + SEG - 1) / SEG;
        ck_assert_uint_eq((uint64_t)st.st_size, HDR + sizes[i] + segments * DSG_SEG_TAG_LEN);
        free(p);
    }
    ck_assert_int_eq(tmp_entries(), 0);
    struct stat st;
    ck_assert_int_eq(stat(objdir, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777u, 0700u);
}
END_TEST

/* No file under the store holds the plaintext's marker: not the
 * temporary file of an upload in progress, not the committed objects.
 * @relation(REQ-STOR-001, REQ-STOR-002) */
START_TEST(test_obj_no_plaintext_on_disk)
{
    size_t n = 6 * SEG + 999;
    uint8_t *p = plaintext(n, 5);
    dsg_cap c = cap_for(DSG_ACCESS_NEW_VERSION, ID_B, 2);
    dsg_obj_put *put = NULL;
    uint8_t sha[DSG_OBJ_SHA256_LEN];
    uint64_t size = 0;
    int files = 0;

    ck_assert_ptr_nonnull(memmem(p, n, MARKER, sizeof MARKER - 1));
    ck_assert_int_eq(dsg_obj_put_begin(store, &c, &put), DSG_OBJ_OK);
    push_all(put, p, 5 * SEG + 5);
    ck_assert_int_eq(files_with_marker(&files), 0);
    ck_assert_int_eq(files, 1);   /* the temporary file, with ciphertext */
    ck_assert_uint_ge(tmp_bytes(), HDR + 3 * STORED);   /* written, not only buffered */
    ck_assert_int_eq(dsg_obj_put_push(put, p + 5 * SEG + 5, n - 5 * SEG - 5), DSG_OBJ_OK);
    ck_assert_int_eq(dsg_obj_put_commit(put, &size, sha), DSG_OBJ_OK);
    put_all(ID_A, 1, p, n);   /* the same content again: other ciphertext */
    ck_assert_int_eq(files_with_marker(&files), 0);
    ck_assert_int_eq(files, 2);

    char pa[256], pb[256];
    final_path(pa, sizeof pa, ID_A, 1);
    final_path(pb, sizeof pb, ID_B, 2);
    FILE *fa = fopen(pa, "rb"), *fb = fopen(pb, "rb");
    uint8_t a[HDR + 64], b[HDR + 64];
    ck_assert_ptr_nonnull(fa);
    ck_assert_ptr_nonnull(fb);
    ck_assert_uint_eq(fread(a, 1, sizeof a, fa), sizeof a);
    ck_assert_uint_eq(fread(b, 1, sizeof b, fb), sizeof b);
    fclose(fa);
    fclose(fb);
    ck_assert(memcmp(a + DSG_SEG_OFF_WRAPPED, b + DSG_SEG_OFF_WRAPPED, DSG_SEG_WRAPPED_LEN) != 0);
    ck_assert(memcmp(a + HDR, b + HDR, 64) != 0);
    free(p);
}
END_TEST

/* An aborted upload leaves nothing: DIR/tmp/ empty, no shard, nothing to
 * read; a committed version is not written again; one version is not
 * written twice at once. @relation(REQ-STOR-012) */
START_TEST(test_obj_abort_and_exists)
{
    uint8_t *p = plaintext(SEG + 10, 9);
    dsg_cap c = cap_for(DSG_ACCESS_UPLOAD, ID_A, 1);
    dsg_obj_put *put = NULL, *second = NULL;

    ck_assert_int_eq(dsg_obj_put_begin(store, &c, &put), DSG_OBJ_OK);
    ck_assert_int_eq(tmp_entries(), 1);
    ck_assert_int_eq(dsg_obj_put_begin(store, &c, &second), DSG_OBJ_ERR_EXISTS);
    ck_assert_ptr_null(second);
    ck_assert_str_eq(dsg_obj_status_token(DSG_OBJ_ERR_EXISTS), "stor.exists");
    push_all(put, p, SEG + 10);
    dsg_obj_put_abort(put);
    dsg_obj_put_abort(NULL);
    ck_assert_int_eq(tmp_entries(), 0);
    ck_assert_int_eq(entries(objdir), 1);   /* tmp only */
    got g = get_all(ID_A, 1, 4096);
    ck_assert_int_eq(g.st, DSG_OBJ_ERR_NOT_FOUND);
    ck_assert_uint_eq(g.len, 0);

    put_all(ID_A, 1, p, SEG + 10);
    ck_assert_int_eq(dsg_obj_put_begin(store, &c, &put), DSG_OBJ_ERR_EXISTS);
    ck_assert_ptr_null(put);
    ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(store), "stor.exists: "));
    ck_assert_int_eq(tmp_entries(), 0);
    g = get_all(ID_A, 1, 4096);
    ck_assert_int_eq(g.st, DSG_OBJ_OK);
    ck_assert_uint_eq(g.len, SEG + 10);
    free(g.p);
    free(p);
}
END_TEST

/* Overwrites len bytes at off of the file of (id, version). */
static void patch(const uint8_t *id, uint64_t version, long off, const void *bytes, size_t len)
{
    char path[256];
    final_path(path, sizeof path, id, version);
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, off, SEEK_SET), 0);
    ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* Flips the lowest bit of the stored byte at off: always a change, whatever
 * the byte was. */
static void flip(const uint8_t *id, uint64_t version, long off)
{
    char path[256];
    uint8_t byte;
    final_path(path, sizeof path, id, version);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, off, SEEK_SET), 0);
    ck_assert_uint_eq(fread(&byte, 1, 1, f), 1);
    fclose(f);
    byte ^= 0x01u;
    patch(id, version, off, &byte, 1);
}

/* One byte of segment 1 flipped: segment 0 is handed out, then
 * stor.integrity naming the object, version and segment 1, and not one
 * byte of segment 1 or after, whatever the buffer.
 * @relation(REQ-STOR-003, REQ-STOR-005) */
START_TEST(test_obj_flipped_byte)
{
    size_t n = 3 * SEG - 100;
    uint8_t *p = plaintext(n, 11);
    put_all(ID_A, 4, p, n);
    flip(ID_A, 4, (long)(HDR + STORED + 1000));

    static const size_t maxes[] = { 1000, 1048576 };
    for (size_t m = 0; m < 2; m++) {
        got g = get_all(ID_A, 4, maxes[m]);
        ck_assert_int_eq(g.st, DSG_OBJ_ERR_INTEGRITY);
        ck_assert_int_eq(g.st, DSG_OC_ERR_INTEGRITY);
        ck_assert_uint_eq(g.len, SEG);   /* segment 0, verified, and nothing else */
        ck_assert_mem_eq(g.p, p, SEG);
        const char *msg = dsg_obj_store_error(store);
        ck_assert_ptr_nonnull(strstr(msg, "stor.integrity"));
        ck_assert_ptr_nonnull(strstr(msg, HEX_A));
        ck_assert_ptr_nonnull(strstr(msg, "version 4"));
        ck_assert_ptr_nonnull(strstr(msg, "segment 1"));
        free(g.p);
    }
    ck_assert_str_eq(dsg_obj_status_token(DSG_OBJ_ERR_INTEGRITY), "stor.integrity");
    /* a flipped byte in segment 0: nothing at all */
    flip(ID_A, 4, (long)(HDR + STORED + 1000));   /* segment 1 as it was */
    flip(ID_A, 4, (long)(HDR + 5));
    got g = get_all(ID_A, 4, 1048576);
    ck_assert_int_eq(g.st, DSG_OBJ_ERR_INTEGRITY);
    ck_assert_uint_eq(g.len, 0);
    ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(store), "segment 0"));
    free(p);
}
END_TEST

/* A file cut short, at a segment boundary (the final segment missing) or
 * inside a segment, fails with stor.integrity after handing out only the
 * segments before the cut that verified. @relation(REQ-STOR-003, REQ-STOR-005) */
START_TEST(test_obj_truncated)
{
    size_t n = 3 * SEG - 100;
    uint8_t *p = plaintext(n, 13);
    char path[256];
    final_path(path, sizeof path, ID_A, 1);

    put_all(ID_A, 1, p, n);
    ck_assert_int_eq(truncate(path, (off_t)(HDR + 2 * STORED)), 0);   /* the final one gone */
    got g = get_all(ID_A, 1, 1048576);
    ck_assert_int_eq(g.st, DSG_OBJ_ERR_INTEGRITY);
    ck_assert_uint_eq(g.len, SEG);   /* segment 1 cannot pass for the last one */
    ck_assert_mem_eq(g.p, p, SEG);
    ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(store), "segment 1"));
    free(g.p);

    ck_assert_int_eq(dsg_obj_remove(store, ID_A, 1), DSG_OBJ_OK);
    put_all(ID_A, 1, p, n);
    ck_assert_int_eq(truncate(path, (off_t)(HDR + 2 * STORED + 500)), 0);   /* inside the last */
    g = get_all(ID_A, 1, 4096);
    ck_assert_int_eq(g.st, DSG_OBJ_ERR_INTEGRITY);
    ck_assert_uint_eq(g.len, 2 * SEG);
    ck_assert_mem_eq(g.p, p, 2 * SEG);
    ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(store), "segment 2"));
    free(g.p);

    ck_assert_int_eq(truncate(path, 10), 0);   /* not even a header */
    g = get_all(ID_A, 1, 4096);
    ck_assert_int_eq(g.st, DSG_OC_ERR_FORMAT);
    ck_assert_uint_eq(g.len, 0);
    free(p);
}
END_TEST

/* Object B's file in object A's place, or version 1's in version 2's, is
 * refused with stor.integrity before any byte is handed out.
 * @relation(REQ-STOR-003, REQ-STOR-005) */
START_TEST(test_obj_swapped)
{
    size_t n = SEG + 77;
    uint8_t *pa = plaintext(n, 21), *pb = plaintext(n, 22);
    char a1[256], b1[256], a2[256];
    put_all(ID_A, 1, pa, n);
    put_all(ID_B, 1, pb, n);
    put_all(ID_A, 2, pb, n);
    final_path(a1, sizeof a1, ID_A, 1);
    final_path(b1, sizeof b1, ID_B, 1);
    final_path(a2, sizeof a2, ID_A, 2);

    ck_assert_int_eq(rename(b1, a1), 0);   /* B's file where A's was */
    got g = get_all(ID_A, 1, 1048576);
    ck_assert_int_eq(g.st, DSG_OBJ_ERR_INTEGRITY);
    ck_assert_uint_eq(g.len, 0);
    ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(store), "instead (a file moved or swapped)"));

    ck_assert_int_eq(unlink(a2), 0);
    ck_assert_int_eq(link(a1, a2), 0);   /* version 1's file (B's now) as A's version 2 */
    g = get_all(ID_A, 2, 1048576);
    ck_assert_int_eq(g.st, DSG_OBJ_ERR_INTEGRITY);
    ck_assert_uint_eq(g.len, 0);
    free(pa);
    free(pb);
}
END_TEST

/* No store file or directory but tmp/ exists. */
static void assert_untouched(void)
{
    ck_assert_int_eq(entries(objdir), 1);
    ck_assert_int_eq(tmp_entries(), 0);
}

/* Every bad token is refused with access_denied before a file is made or
 * opened: a token built by hand, one changed after minting (version,
 * object, operation), an expired one, and one of another operation
 * (read for a put, upload or delete for a get). A get of a version that
 * does not exist answers access_denied, not stor.not_found, with a bad
 * token: the check comes before the file. @relation(REQ-SHARE-008) */
START_TEST(test_obj_bad_cap_refused)
{
    dsg_cap bad[6];
    dsg_obj_put *put = (dsg_obj_put *)&bad;   /* must be set to NULL */
    dsg_obj_get *get = (dsg_obj_get *)&bad;
    int64_t now = now_ms();

    memset(&bad[0], 0, sizeof bad[0]);
    bad[0].account = 42;
    bad[0].op = DSG_ACCESS_UPLOAD;
    memcpy(bad[0].object_id, ID_A, sizeof ID_A);
    bad[0].version = 1;
    bad[0].expiry = now + HOUR;
    bad[1] = cap_for(DSG_ACCESS_UPLOAD, ID_A, 1);
    bad[1].version = 2;
    bad[2] = cap_for(DSG_ACCESS_UPLOAD, ID_A, 1);
    memcpy(bad[2].object_id, ID_B, sizeof ID_B);
    bad[3] = cap_for(DSG_ACCESS_READ, ID_A, 1);
    bad[4] = cap_at(DSG_ACCESS_UPLOAD, ID_A, 1, now - 2 * DSG_CAP_LIFETIME_MS);
    bad[5] = cap_for(DSG_ACCESS_UPLOAD, ID_A, 1);
    bad[5].op = DSG_ACCESS_NEW_VERSION;
    for (size_t i = 0; i < 6; i++) {
        ck_assert_int_eq(dsg_obj_put_begin(store, &bad[i], &put), DSG_OBJ_ERR_ACCESS);
        ck_assert_ptr_null(put);
        ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(store), "access_denied: "));
        assert_untouched();
        put = (dsg_obj_put *)&bad;
    }
    ck_assert_str_eq(dsg_obj_status_token(DSG_OBJ_ERR_ACCESS), "access_denied");

    dsg_cap rbad[5];
    rbad[0] = cap_for(DSG_ACCESS_UPLOAD, ID_A, 1);
    rbad[1] = cap_for(DSG_ACCESS_DELETE, ID_A, 1);
    rbad[2] = cap_at(DSG_ACCESS_READ, ID_A, 1, now - 2 * DSG_CAP_LIFETIME_MS);
    rbad[3] = cap_for(DSG_ACCESS_READ, ID_B, 1);
    memcpy(rbad[3].object_id, ID_A, sizeof ID_A);
    rbad[4] = rbad[0];
    rbad[4].op = DSG_ACCESS_READ;
    for (size_t i = 0; i < 5; i++) {
        ck_assert_int_eq(dsg_obj_get_open(store, &rbad[i], &get), DSG_OBJ_ERR_ACCESS);
        ck_assert_ptr_null(get);
        get = (dsg_obj_get *)&bad;
    }
    /* with the object there, the same tokens still open nothing */
    uint8_t *p = plaintext(100, 3);
    put_all(ID_A, 1, p, 100);
    for (size_t i = 0; i < 5; i++) {
        ck_assert_int_eq(dsg_obj_get_open(store, &rbad[i], &get), DSG_OBJ_ERR_ACCESS);
        ck_assert_ptr_null(get);
    }
    got g = get_all(ID_A, 1, 64);   /* a good token does */
    ck_assert_int_eq(g.st, DSG_OBJ_OK);
    ck_assert_uint_eq(g.len, 100);
    free(g.p);
    free(p);
}
END_TEST

/* Uploads cut short by a crash (a child killed in the middle of three)
 * leave files only in DIR/tmp/, never visible; the sweep removes them and
 * says how many, and leaves committed versions alone; dsg_obj_remove takes
 * an orphaned version away. @relation(REQ-STOR-012) */
START_TEST(test_obj_crash_and_sweep)
{
    uint8_t *p = plaintext(2 * SEG + 3, 31);
    put_all(ID_B, 9, p, 2 * SEG + 3);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        for (uint64_t v = 1; v <= 3; v++) {
            dsg_cap c = cap_for(DSG_ACCESS_UPLOAD, ID_A, v);
            dsg_obj_put *put = NULL;
            if (dsg_obj_put_begin(store, &c, &put) != DSG_OBJ_OK ||
                dsg_obj_put_push(put, p, 2 * SEG + 3) != DSG_OBJ_OK)
                _exit(1);
        }
        kill(getpid(), SIGKILL);
        _exit(2);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    ck_assert_int_eq(tmp_entries(), 3);
    for (uint64_t v = 1; v <= 3; v++) {
        got g = get_all(ID_A, v, 4096);
        ck_assert_int_eq(g.st, DSG_OBJ_ERR_NOT_FOUND);
        ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(store), "stor.not_found"));
    }
    ck_assert_int_eq(dsg_obj_sweep_tmp(store), 3);
    ck_assert_int_eq(tmp_entries(), 0);
    ck_assert_int_eq(dsg_obj_sweep_tmp(store), 0);
    got g = get_all(ID_B, 9, 4096);
    ck_assert_int_eq(g.st, DSG_OBJ_OK);
    ck_assert_uint_eq(g.len, 2 * SEG + 3);
    free(g.p);

    /* an orphan: committed, but no record names it */
    ck_assert_int_eq(dsg_obj_remove(store, ID_B, 9), DSG_OBJ_OK);
    g = get_all(ID_B, 9, 4096);
    ck_assert_int_eq(g.st, DSG_OBJ_ERR_NOT_FOUND);
    ck_assert_int_eq(dsg_obj_remove(store, ID_B, 9), DSG_OBJ_ERR_NOT_FOUND);
    free(p);
}
END_TEST

/* A write that fails (the file-size limit here) stops the upload with
 * stor.io naming the file; the put then takes nothing more, its commit
 * fails and leaves nothing in DIR/tmp/ and nothing to read.
 * @relation(REQ-STOR-012) */
START_TEST(test_obj_write_fails)
{
    size_t n = 6 * SEG;
    uint8_t *p = plaintext(n, 51);
    struct rlimit lim = { 100000, 100000 };
    dsg_cap c = cap_for(DSG_ACCESS_UPLOAD, ID_A, 1);
    dsg_obj_put *put = NULL;
    uint8_t sha[DSG_OBJ_SHA256_LEN];
    uint64_t size = 0;

    signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    ck_assert_int_eq(dsg_obj_put_begin(store, &c, &put), DSG_OBJ_OK);
    ck_assert_int_eq(dsg_obj_put_push(put, p, n), DSG_OBJ_ERR_IO);
    ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(store), "stor.io: cannot write "));
    ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(store), HEX_A ".1"));
    ck_assert_int_eq(dsg_obj_put_push(put, p, 1), DSG_OBJ_ERR_STATE);
    ck_assert_int_eq(dsg_obj_put_commit(put, &size, sha), DSG_OBJ_ERR_STATE);
    ck_assert_int_eq(tmp_entries(), 0);
    got g = get_all(ID_A, 1, 4096);
    ck_assert_int_eq(g.st, DSG_OBJ_ERR_NOT_FOUND);
    free(p);
}
END_TEST

/* The free-space check: a small object fits, one larger than any disk
 * does not (stor.no_space). @relation(REQ-STOR-014) */
START_TEST(test_obj_room)
{
    ck_assert_int_eq(dsg_obj_store_room(store, 0), DSG_OBJ_OK);
    ck_assert_int_eq(dsg_obj_store_room(store, 1048576), DSG_OBJ_OK);
    ck_assert_int_eq(dsg_obj_store_room(store, UINT64_C(1) << 62), DSG_OBJ_ERR_NO_SPACE);
    ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(store), "stor.no_space: "));
    ck_assert_int_eq(dsg_obj_store_room(store, UINT64_MAX), DSG_OBJ_ERR_NO_SPACE);
    ck_assert_str_eq(dsg_obj_status_token(DSG_OBJ_ERR_NO_SPACE), "stor.no_space");
    ck_assert_str_eq(dsg_obj_status_token(DSG_OBJ_ERR_IO), "stor.io");
}
END_TEST

/* A bad directory is refused with its reason; a store opened again on the
 * same directory reads what was stored, and one with another key is told
 * stor.key; a read of 0 bytes is refused. @relation(REQ-STOR-003, REQ-STOR-012) */
START_TEST(test_obj_open_and_keys)
{
    dsg_obj_store *s = NULL;
    char path[160];

    ck_assert_int_eq(dsg_obj_store_open("", KEK, &s), DSG_OBJ_ERR_ARGS);
    ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(s), "stor.args: "));
    dsg_obj_store_close(s);
    snprintf(path, sizeof path, "%s/link", dir);
    ck_assert_int_eq(symlink(objdir, path), 0);
    ck_assert_int_eq(dsg_obj_store_open(path, KEK, &s), DSG_OBJ_ERR_IO);
    ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(s), "not a directory"));
    dsg_obj_store_close(s);
    snprintf(path, sizeof path, "%s/file", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_eq(dsg_obj_store_open(path, KEK, &s), DSG_OBJ_ERR_IO);
    dsg_obj_store_close(s);
    snprintf(path, sizeof path, "%s/none/objects", dir);
    ck_assert_int_eq(dsg_obj_store_open(path, KEK, &s), DSG_OBJ_ERR_IO);
    ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(s), "cannot create directory"));
    dsg_obj_store_close(s);
    dsg_obj_store_close(NULL);

    uint8_t *p = plaintext(5000, 41);
    put_all(ID_A, 1, p, 5000);
    dsg_obj_store_close(store);
    ck_assert_int_eq(dsg_obj_store_open(objdir, KEK, &store), DSG_OBJ_OK);
    got g = get_all(ID_A, 1, 8192);
    ck_assert_int_eq(g.st, DSG_OBJ_OK);
    ck_assert_uint_eq(g.len, 5000);
    ck_assert_mem_eq(g.p, p, 5000);
    free(g.p);

    dsg_cap c = cap_for(DSG_ACCESS_READ, ID_A, 1);
    dsg_obj_get *get = NULL;
    uint8_t buf[16];
    size_t n = 7;
    ck_assert_int_eq(dsg_obj_get_open(store, &c, &get), DSG_OBJ_OK);
    ck_assert_int_eq(dsg_obj_get_read(get, buf, 0, &n), DSG_OBJ_ERR_ARGS);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(dsg_obj_get_read(get, buf, sizeof buf, &n), DSG_OBJ_OK);
    ck_assert_uint_eq(n, sizeof buf);
    ck_assert_mem_eq(buf, p, sizeof buf);
    dsg_obj_get_close(get);   /* before the end */
    dsg_obj_get_close(NULL);

    dsg_obj_store_close(store);
    ck_assert_int_eq(dsg_obj_store_open(objdir, OTHER_KEK, &store), DSG_OBJ_OK);
    g = get_all(ID_A, 1, 8192);
    ck_assert_int_eq(g.st, DSG_OC_ERR_KEY);
    ck_assert_uint_eq(g.len, 0);
    ck_assert_ptr_nonnull(strstr(dsg_obj_store_error(store), "stor.key"));
    free(p);
}
END_TEST

Suite *suite_object_store(void)
{
    Suite *s = suite_create("object_store");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_obj_round_trip);
    tcase_add_test(tc, test_obj_no_plaintext_on_disk);
    tcase_add_test(tc, test_obj_abort_and_exists);
    tcase_add_test(tc, test_obj_flipped_byte);
    tcase_add_test(tc, test_obj_truncated);
    tcase_add_test(tc, test_obj_swapped);
    tcase_add_test(tc, test_obj_bad_cap_refused);
    tcase_add_test(tc, test_obj_crash_and_sweep);
    tcase_add_test(tc, test_obj_write_fails);
    tcase_add_test(tc, test_obj_room);
    tcase_add_test(tc, test_obj_open_and_keys);
    suite_add_tcase(s, tc);
    return s;
}
