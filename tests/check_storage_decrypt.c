/*
 * Unit tests of the offline decryptor (src/ctl/storage_decrypt.h),
 * REQ-STOR-011. Each test lays out a state directory in a temporary
 * directory as dsgd does: keys/kek, share/store.key.wrapped (the store key
 * wrapped under the KEK by the master's own dsgd_keys_wrap) and objects
 * written by the share role's object store (src/share/object_store.h).
 * Round trips to a file and to standard output; a flipped byte, a
 * truncated file, a file under another object's or version's name, the
 * wrong KEK or store key, and key files of the wrong length, each with its
 * exit status and no output file left behind.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl/storage_decrypt.h"
#include "run/keys.h"
#include "share/object_store.h"
#include "stor/objcrypt.h"
#include "tests/obj_fixture.h"

Suite *suite_storage_decrypt(void);

static const uint8_t KEK[DSGD_KEK_LEN] = "the master's key-encryption key!";
static const uint8_t OTHER_KEK[DSGD_KEK_LEN] = "another key-encryption key 32 b!";
static const uint8_t STORE_KEY[DSGD_DATA_KEY_LEN] = "the share role's store key 32 b!";
static const uint8_t OTHER_STORE_KEY[DSGD_DATA_KEY_LEN] = "another store key of 32 bytes..!";

static char dir[64], objdir[96];
static char kek_path[96], wrapped_path[128], out_path[96];
static dsg_obj_store *store;
static char err[1024];
static uint64_t bytes;

static void write_file(const char *path, const void *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
    ck_assert_int_eq(close(fd), 0);
}

/* The whole file at path (NULL when it cannot be read), its size in *n. */
static uint8_t *read_file(const char *path, size_t *n)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    ck_assert_int_eq(fstat(fileno(f), &st), 0);
    uint8_t *p = malloc((size_t)st.st_size + 1);
    ck_assert_ptr_nonnull(p);
    *n = fread(p, 1, (size_t)st.st_size, f);
    ck_assert_uint_eq(*n, (size_t)st.st_size);
    fclose(f);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* store.key.wrapped: key wrapped under kek, as the master writes it. */
static void write_wrapped(const uint8_t *kek, const uint8_t *key)
{
    uint8_t w[DSGD_WRAPPED_LEN];
    ck_assert_int_eq(dsgd_keys_wrap(kek, key, w), 0);
    write_file(wrapped_path, w, sizeof w);
}

static void setup(void)
{
    char path[128];
    snprintf(dir, sizeof dir, "/tmp/dsg-decrypt-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/keys", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/share", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(kek_path, sizeof kek_path, "%s/keys/kek", dir);
    snprintf(wrapped_path, sizeof wrapped_path, "%s/share/store.key.wrapped", dir);
    snprintf(out_path, sizeof out_path, "%s/plain", dir);
    write_file(kek_path, KEK, sizeof KEK);
    write_wrapped(KEK, STORE_KEY);
    snprintf(objdir, sizeof objdir, "%s/share/objects", dir);
    ck_assert_int_eq(dsg_obj_store_open(objdir, STORE_KEY, &store), DSG_OBJ_OK);
    err[0] = '\0';
    bytes = 0;
}

static void teardown(void)
{
    obj_fixture_close(&store, dir);
}

/* p[0 .. n) stored as (id, version) by the share role's store; its file
 * into path[256]. */
static void put_object(const uint8_t *id, uint64_t version, const uint8_t *p, size_t n,
                       char *path)
{
    dsg_cap c = cap_for(DSG_ACCESS_UPLOAD, id, version);
    dsg_obj_put *put = NULL;
    uint8_t sha[DSG_OBJ_SHA256_LEN];
    uint64_t size = 0;
    ck_assert_int_eq(dsg_obj_put_begin(store, &c, &put), DSG_OBJ_OK);
    ck_assert_int_eq(dsg_obj_put_push(put, p, n), DSG_OBJ_OK);
    ck_assert_int_eq(dsg_obj_put_commit(put, &size, sha), DSG_OBJ_OK);
    object_path(path, 256, objdir, id, version);
    ck_assert(exists(path));
}

/* Flips one bit of the byte at off of path. */
static void flip(const char *path, long off)
{
    uint8_t b;
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, off, SEEK_SET), 0);
    ck_assert_uint_eq(fread(&b, 1, 1, f), 1);
    b ^= 0x10u;
    ck_assert_int_eq(fseek(f, off, SEEK_SET), 0);
    ck_assert_uint_eq(fwrite(&b, 1, 1, f), 1);
    ck_assert_int_eq(fclose(f), 0);
}

/* The object decrypted into out_path, the store key at its default place. */
static dsg_sd_status decrypt_to_file(const char *object)
{
    return dsg_storage_decrypt(kek_path, NULL, object, out_path, &bytes, err, sizeof err);
}

/* Neither out_path nor out_path.partial exists. */
static void assert_no_output(void)
{
    char partial[128];
    snprintf(partial, sizeof partial, "%s.partial", out_path);
    ck_assert_msg(!exists(out_path), "%s was left behind", out_path);
    ck_assert_msg(!exists(partial), "%s was left behind", partial);
}

/* Objects of every size at and around the segment boundaries decrypt to
 * a file of mode 0600 that holds the plaintext, with the store key found
 * beside the KEK's directory, and no FILE.partial left.
 * @relation(REQ-STOR-011) */
START_TEST(test_sd_round_trip)
{
    static const size_t sizes[] = { 0, 1, SEG, SEG + 1, 3 * SEG + 777 };
    char object[256], partial[128];
    struct stat st;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = random_bytes(sizes[i], (unsigned)i + 1), *got;
        size_t n = 0;
        put_object(ID_A, i + 1, p, sizes[i], object);
        snprintf(out_path, sizeof out_path, "%s/plain-%zu", dir, i);
        ck_assert_msg(decrypt_to_file(object) == DSG_SD_OK, "%s", err);
        ck_assert_str_eq(err, "");
        ck_assert_uint_eq(bytes, sizes[i]);
        got = read_file(out_path, &n);
        ck_assert_ptr_nonnull(got);
        ck_assert_uint_eq(n, sizes[i]);
        if (n > 0)
            ck_assert_mem_eq(got, p, n);
        ck_assert_int_eq(stat(out_path, &st), 0);
        ck_assert_uint_eq(st.st_mode & 0777u, 0600u);
        snprintf(partial, sizeof partial, "%s.partial", out_path);
        ck_assert(!exists(partial));
        free(got);
        free(p);
    }
}
END_TEST

/* The object decrypted to standard output (fd 1 redirected to to_path). */
static dsg_sd_status decrypt_to_stdout(const char *object, const char *to_path)
{
    int saved = dup(STDOUT_FILENO);
    int fd = open(to_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
    close(fd);
    dsg_sd_status rc = dsg_storage_decrypt(kek_path, NULL, object, NULL, &bytes, err, sizeof err);
    ck_assert_int_eq(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
    close(saved);
    return rc;
}

/* Without --out the plaintext goes to standard output; when a later
 * segment fails, the segments before it have been written (and only
 * they), and the status is stor.integrity all the same.
 * @relation(REQ-STOR-011) */
START_TEST(test_sd_stdout)
{
    size_t n = 2 * SEG + 5, len = 0;
    uint8_t *p = random_bytes(n, 3), *got;
    char object[256], to[128];
    snprintf(to, sizeof to, "%s/stdout", dir);
    put_object(ID_B, 2, p, n, object);
    ck_assert_msg(decrypt_to_stdout(object, to) == DSG_SD_OK, "%s", err);
    got = read_file(to, &len);
    ck_assert_uint_eq(len, n);
    ck_assert_mem_eq(got, p, n);
    free(got);

    flip(object, (long)(HDR + STORED + 3));   /* segment 1 */
    ck_assert_int_eq(decrypt_to_stdout(object, to), DSG_SD_INTEGRITY);
    ck_assert_ptr_nonnull(strstr(err, "segment 1"));
    got = read_file(to, &len);
    ck_assert_uint_eq(len, SEG);
    ck_assert_uint_eq(bytes, SEG);
    ck_assert_mem_eq(got, p, SEG);
    free(got);
    free(p);
}
END_TEST

/* A flipped byte in segment 1: exit 1, stor.integrity naming the object,
 * version and segment, and no output file (nor FILE.partial), though
 * segment 0 verified. A flipped byte in the header's object ID is another
 * object (1); in its wrapped data key, a key that does not open (2).
 * @relation(REQ-STOR-011) */
START_TEST(test_sd_flipped_byte)
{
    size_t n = 3 * SEG - 100;
    uint8_t *p = random_bytes(n, 5);
    char object[256];
    put_object(ID_A, 4, p, n, object);
    flip(object, (long)(HDR + STORED + 1000));
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_INTEGRITY);
    ck_assert_ptr_nonnull(strstr(err, "stor.integrity"));
    ck_assert_ptr_nonnull(strstr(err, HEX_A));
    ck_assert_ptr_nonnull(strstr(err, "version 4"));
    ck_assert_ptr_nonnull(strstr(err, "segment 1"));
    ck_assert_ptr_nonnull(strstr(err, object));
    assert_no_output();

    flip(object, (long)(HDR + STORED + 1000));   /* back: it verifies again */
    ck_assert_msg(decrypt_to_file(object) == DSG_SD_OK, "%s", err);
    ck_assert_int_eq(unlink(out_path), 0);

    flip(object, (long)DSG_SEG_OFF_OBJECT_ID + 3);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_INTEGRITY);
    ck_assert_ptr_nonnull(strstr(err, "instead (a file moved or swapped)"));
    assert_no_output();
    flip(object, (long)DSG_SEG_OFF_OBJECT_ID + 3);

    flip(object, (long)DSG_SEG_OFF_WRAPPED + 7);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_KEY);
    ck_assert_ptr_nonnull(strstr(err, "stor.key"));
    assert_no_output();
    free(p);
}
END_TEST

/* A file cut short: without its final segment, or inside it, exit 1
 * naming the segment; cut inside its header, or empty, not a dsg object
 * (65). No output file in any case. @relation(REQ-STOR-011) */
START_TEST(test_sd_truncated)
{
    size_t n = 3 * SEG - 100;
    uint8_t *p = random_bytes(n, 7);
    char object[256];
    put_object(ID_A, 1, p, n, object);

    ck_assert_int_eq(truncate(object, (off_t)(HDR + 2 * STORED + 500)), 0);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_INTEGRITY);
    ck_assert_ptr_nonnull(strstr(err, "segment 2"));
    assert_no_output();

    ck_assert_int_eq(truncate(object, (off_t)(HDR + 2 * STORED)), 0);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_INTEGRITY);
    ck_assert_ptr_nonnull(strstr(err, "segment 1"));
    assert_no_output();

    ck_assert_int_eq(truncate(object, (off_t)HDR), 0);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_INTEGRITY);
    ck_assert_ptr_nonnull(strstr(err, "segment 0"));
    assert_no_output();

    ck_assert_int_eq(truncate(object, 40), 0);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_DATAERR);
    ck_assert_ptr_nonnull(strstr(err, "stor.format"));
    assert_no_output();

    ck_assert_int_eq(truncate(object, 0), 0);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_DATAERR);
    assert_no_output();
    free(p);
}
END_TEST

/* Object B's file under object A's name, and version 1's file under
 * version 2's name: exit 1, nothing written. @relation(REQ-STOR-011) */
START_TEST(test_sd_swapped_name)
{
    size_t n = SEG + 77;
    uint8_t *pa = random_bytes(n, 11), *pb = random_bytes(n, 12);
    char a1[256], b1[256], a2[256];
    put_object(ID_A, 1, pa, n, a1);
    put_object(ID_B, 1, pb, n, b1);
    ck_assert_int_eq(rename(b1, a1), 0);
    ck_assert_int_eq(decrypt_to_file(a1), DSG_SD_INTEGRITY);
    ck_assert_ptr_nonnull(strstr(err, "stor.integrity"));
    ck_assert_ptr_nonnull(strstr(err, "instead (a file moved or swapped)"));
    assert_no_output();

    put_object(ID_A, 3, pa, n, a2);
    snprintf(a1, sizeof a1, "%.*s2", (int)(strlen(a2) - 1), a2);   /* A.3's file as A.2 */
    ck_assert_int_eq(rename(a2, a1), 0);
    ck_assert_int_eq(decrypt_to_file(a1), DSG_SD_INTEGRITY);
    ck_assert_ptr_nonnull(strstr(err, "instead (a file moved or swapped)"));
    assert_no_output();
    free(pa);
    free(pb);
}
END_TEST

/* Another KEK does not open the store key: exit 2, naming both files. A
 * store key that unwraps but is not the one the objects were written
 * under does not open the object's data key: exit 2. Nothing written.
 * @relation(REQ-STOR-011) */
START_TEST(test_sd_wrong_key)
{
    uint8_t *p = random_bytes(1000, 13);
    char object[256];
    put_object(ID_A, 1, p, 1000, object);

    write_file(kek_path, OTHER_KEK, sizeof OTHER_KEK);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_KEY);
    ck_assert_ptr_nonnull(strstr(err, "stor.key"));
    ck_assert_ptr_nonnull(strstr(err, kek_path));
    ck_assert_ptr_nonnull(strstr(err, wrapped_path));
    assert_no_output();

    write_file(kek_path, KEK, sizeof KEK);
    write_wrapped(KEK, OTHER_STORE_KEY);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_KEY);
    ck_assert_ptr_nonnull(strstr(err, "stor.key"));
    ck_assert_ptr_nonnull(strstr(err, "the wrong key"));
    assert_no_output();

    write_wrapped(KEK, STORE_KEY);   /* the right one, at another place */
    char moved[128];
    snprintf(moved, sizeof moved, "%s/store.key.copy", dir);
    ck_assert_int_eq(rename(wrapped_path, moved), 0);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_NOINPUT);
    ck_assert_ptr_nonnull(strstr(err, wrapped_path));   /* the default, named */
    ck_assert_int_eq(dsg_storage_decrypt(kek_path, moved, object, out_path, &bytes, err,
                                         sizeof err), DSG_SD_OK);
    ck_assert_uint_eq(bytes, 1000);
    free(p);
}
END_TEST

/* The KEK given as bytes (from an escrow file): the same object decrypts,
 * another KEK is stor.key naming what the caller named, and the store key
 * file is required. @relation(REQ-STOR-011) */
START_TEST(test_sd_kek_given)
{
    uint8_t *p = random_bytes(70000, 17), *got;
    char object[256];
    size_t n = 0;
    put_object(ID_A, 1, p, 70000, object);
    ck_assert_msg(dsg_storage_decrypt_kek(KEK, "the escrow file", wrapped_path, object, out_path,
                                          &bytes, err, sizeof err) == DSG_SD_OK, "%s", err);
    ck_assert_uint_eq(bytes, 70000);
    got = read_file(out_path, &n);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(n, 70000);
    ck_assert_mem_eq(got, p, n);
    free(got);
    ck_assert_int_eq(unlink(out_path), 0);
    ck_assert_int_eq(dsg_storage_decrypt_kek(OTHER_KEK, "the escrow file", wrapped_path, object,
                                             out_path, &bytes, err, sizeof err), DSG_SD_KEY);
    ck_assert_ptr_nonnull(strstr(err, "stor.key: the KEK the escrow file"));
    assert_no_output();
    ck_assert_int_eq(dsg_storage_decrypt_kek(KEK, "the escrow file", NULL, object, out_path,
                                             &bytes, err, sizeof err), DSG_SD_USAGE);
    free(p);
}
END_TEST

/* Key files of the wrong length are refused (64) and ones that cannot be
 * read (66), each message naming the file, before the object is read.
 * @relation(REQ-STOR-011) */
START_TEST(test_sd_key_files)
{
    uint8_t buf[64] = { 0 };
    char object[256];
    uint8_t *p = random_bytes(100, 17);
    put_object(ID_A, 1, p, 100, object);

    write_file(wrapped_path, buf, DSGD_WRAPPED_LEN - 1);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_USAGE);
    ck_assert_ptr_nonnull(strstr(err, wrapped_path));
    ck_assert_ptr_nonnull(strstr(err, "39 bytes, not the 40 of a wrapped store key"));
    write_file(wrapped_path, buf, DSGD_WRAPPED_LEN + 1);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_USAGE);
    ck_assert_ptr_nonnull(strstr(err, "41 bytes, not the 40"));
    write_wrapped(KEK, STORE_KEY);

    write_file(kek_path, KEK, sizeof KEK - 1);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_USAGE);
    ck_assert_ptr_nonnull(strstr(err, kek_path));
    ck_assert_ptr_nonnull(strstr(err, "31 bytes, not the 32 of a key-encryption key"));

    ck_assert_int_eq(unlink(kek_path), 0);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_NOINPUT);
    ck_assert_ptr_nonnull(strstr(err, kek_path));
    ck_assert_int_eq(mkdir(kek_path, 0700), 0);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_NOINPUT);
    ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
    assert_no_output();
    free(p);
}
END_TEST

/* Names that are not the store's <32 hex>.<version> are refused, and
 * before any file is read; an existing output file is not replaced, nor a
 * FILE.partial left by another run removed; a missing object, a
 * directory and a file that is not a dsg object each get their status.
 * @relation(REQ-STOR-011) */
START_TEST(test_sd_arguments)
{
    static const char *const bad[] = {
        "", "x", HEX_A, HEX_A ".", HEX_A ".01", HEX_A ".-1", HEX_A ".+1", HEX_A ".1x",
        HEX_A ".1 ", HEX_A "0.1", "6F626a6563742d412d31366279746573.1",
        "6g626a6563742d412d31366279746573.1", "dir/" HEX_A, HEX_A ".18446744073709551616",
    };
    uint8_t id[DSG_SEG_OBJECT_ID_LEN];
    uint64_t v = 99;
    char object[256], partial[128];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(dsg_sd_object_name(bad[i], id, &v) == -1, "%s accepted", bad[i]);
        ck_assert_uint_eq(v, 99);
    }
    ck_assert_int_eq(dsg_sd_object_name("a/b/" HEX_A ".0", id, &v), 0);
    ck_assert_mem_eq(id, ID_A, sizeof id);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(dsg_sd_object_name(HEX_A ".18446744073709551615", id, &v), 0);
    ck_assert_uint_eq(v, UINT64_MAX);

    /* the name is checked first: the missing key files are not reached */
    ck_assert_int_eq(dsg_storage_decrypt("/nonexistent/kek", NULL, "/tmp/plain.txt", NULL,
                                         &bytes, err, sizeof err), DSG_SD_USAGE);
    ck_assert_ptr_nonnull(strstr(err, "<32 hex digits>.<version>"));
    ck_assert_int_eq(dsg_storage_decrypt(NULL, NULL, HEX_A ".1", NULL, &bytes, err, sizeof err),
                     DSG_SD_USAGE);

    uint8_t *p = random_bytes(3000, 19);
    put_object(ID_A, 1, p, 3000, object);
    write_file(out_path, "keep", 4);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_CANTCREAT);
    ck_assert_ptr_nonnull(strstr(err, "exists"));
    size_t n = 0;
    uint8_t *kept = read_file(out_path, &n);
    ck_assert_uint_eq(n, 4);
    ck_assert_mem_eq(kept, "keep", 4);
    free(kept);
    ck_assert_int_eq(unlink(out_path), 0);

    snprintf(partial, sizeof partial, "%s.partial", out_path);
    write_file(partial, "other", 5);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_CANTCREAT);
    ck_assert_ptr_nonnull(strstr(err, "earlier run"));
    ck_assert(exists(partial));   /* not this run's: left alone */
    ck_assert(!exists(out_path));
    ck_assert_int_eq(unlink(partial), 0);
    ck_assert_int_eq(dsg_storage_decrypt(kek_path, NULL, object, "", &bytes, err, sizeof err),
                     DSG_SD_USAGE);

    snprintf(object, sizeof object, "%s/%s.5", dir, HEX_A);   /* no such file */
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_NOINPUT);
    ck_assert_ptr_nonnull(strstr(err, object));
    ck_assert_int_eq(mkdir(object, 0700), 0);
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_NOINPUT);
    ck_assert_int_eq(rmdir(object), 0);
    write_file(object, p, 200);   /* 200 bytes that are no dsg object */
    ck_assert_int_eq(decrypt_to_file(object), DSG_SD_DATAERR);
    ck_assert_ptr_nonnull(strstr(err, "not a dsg object"));
    assert_no_output();
    free(p);
}
END_TEST

/* The default store key: share/store.key.wrapped of the KEK's directory's
 * parent, whatever form the KEK's path takes. @relation(REQ-STOR-011) */
START_TEST(test_sd_default_store_key)
{
    static const char *const cases[][2] = {
        { "var/keys/kek", "var/share/store.key.wrapped" },
        { "/srv/dsg/var/keys/kek", "/srv/dsg/var/share/store.key.wrapped" },
        { "keys/kek", "share/store.key.wrapped" },
        { "kek", "../share/store.key.wrapped" },
        { "./kek", "./../share/store.key.wrapped" },
        { "../kek", "../../share/store.key.wrapped" },
        { "/kek", "/share/store.key.wrapped" },
        { "var/keys//kek", "var/share/store.key.wrapped" },
    };
    char out[128];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(dsg_sd_default_store_key(cases[i][0], out, sizeof out), 0);
        ck_assert_str_eq(out, cases[i][1]);
    }
    ck_assert_int_eq(dsg_sd_default_store_key("var/keys/kek", out, 10), -1);
}
END_TEST

/* The codec's unwrap opens what the master's wrap made, and refuses it
 * under another KEK or with a byte changed, wiping the output.
 * @relation(REQ-STOR-011) */
START_TEST(test_sd_unwrap_matches_master)
{
    uint8_t w[DSGD_WRAPPED_LEN], key[DSG_SEG_DATA_KEY_LEN], zero[DSG_SEG_DATA_KEY_LEN] = { 0 };
    ck_assert_int_eq(dsgd_keys_wrap(KEK, STORE_KEY, w), 0);
    ck_assert_int_eq(dsg_oc_key_unwrap(KEK, w, key), 0);
    ck_assert_mem_eq(key, STORE_KEY, sizeof key);
    ck_assert_int_eq(dsg_oc_key_unwrap(OTHER_KEK, w, key), -1);
    ck_assert_mem_eq(key, zero, sizeof key);
    w[20] ^= 1u;
    ck_assert_int_eq(dsg_oc_key_unwrap(KEK, w, key), -1);
}
END_TEST

Suite *suite_storage_decrypt(void)
{
    Suite *s = suite_create("storage_decrypt");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_sd_round_trip);
    tcase_add_test(tc, test_sd_stdout);
    tcase_add_test(tc, test_sd_flipped_byte);
    tcase_add_test(tc, test_sd_truncated);
    tcase_add_test(tc, test_sd_swapped_name);
    tcase_add_test(tc, test_sd_wrong_key);
    tcase_add_test(tc, test_sd_kek_given);
    tcase_add_test(tc, test_sd_key_files);
    tcase_add_test(tc, test_sd_arguments);
    tcase_add_test(tc, test_sd_default_store_key);
    tcase_add_test(tc, test_sd_unwrap_matches_master);
    suite_add_tcase(s, tc);
    return s;
}
