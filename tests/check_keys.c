/*
 * Unit tests of the master's keys (src/run/keys.h): REQ-MFA-018. The key
 * wrap round trip and its refusals, then the files in a temporary state
 * directory: made on the first call, reused after, and the refusals of a
 * KEK with group or other permission, of a keys directory open to others,
 * of a missing KEK beside a wrapped data key, of a file of the wrong length
 * and of a wrapped key under another KEK. The KEK's rotation (REQ-STOR-008):
 * the data keys unchanged under a new KEK, and every state a crash can
 * leave between its steps, each prepared by hand: every data key opens,
 * and the next start finishes the rotation.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/keys.h"
#include "stor/objcrypt.h"

Suite *suite_keys(void);

static const uint8_t KEK[DSGD_KEK_LEN] = "key-encryption-key-of-32-bytes!!";
static const uint8_t DATA[DSGD_DATA_KEY_LEN] = "the-data-key-of-exactly-32-bytes";

/* @relation(REQ-MFA-018) */
START_TEST(test_keys_wrap_round_trip_and_refusals)
{
    uint8_t w[DSGD_WRAPPED_LEN], back[DSGD_DATA_KEY_LEN], other[DSGD_KEK_LEN];
    ck_assert_int_eq(dsgd_keys_wrap(KEK, DATA, w), 0);
    ck_assert(memmem(w, sizeof w, DATA, 8) == NULL);
    ck_assert_int_eq(dsgd_keys_unwrap(KEK, w, back), 0);
    ck_assert_mem_eq(back, DATA, sizeof back);
    memcpy(other, KEK, sizeof other);
    other[5] ^= 0x40;
    ck_assert_int_eq(dsgd_keys_unwrap(other, w, back), -1);
    for (size_t i = 0; i < sizeof w; i++) {
        w[i] ^= 1;
        ck_assert_msg(dsgd_keys_unwrap(KEK, w, back) == -1, "byte %zu flipped unwrapped", i);
        w[i] ^= 1;
    }
}
END_TEST

static char dir[64], path[160], err[1024];
static dsgd_keys_owner OWNER;

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/dsg-keys-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/auth", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/share", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    OWNER = (dsgd_keys_owner){ geteuid(), getegid() };
}

static void teardown(void)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void at(const char *rel)
{
    snprintf(path, sizeof path, "%s/%s", dir, rel);
}

static void mode_is(const char *rel, unsigned mode, off_t size)
{
    struct stat st;
    at(rel);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, mode);
    ck_assert_uint_eq(st.st_uid, geteuid());
    if (size >= 0)
        ck_assert_int_eq(st.st_size, size);
}

static void refused(const char *want)
{
    uint8_t key[DSGD_DATA_KEY_LEN];
    ck_assert_int_eq(dsgd_keys_role_key(dir, "auth", &OWNER, key, err, sizeof err), -1);
    ck_assert_msg(strstr(err, want) != NULL, "%s", err);
}

/* @relation(REQ-MFA-018) */
START_TEST(test_keys_made_once_then_reused)
{
    uint8_t a[DSGD_DATA_KEY_LEN], b[DSGD_DATA_KEY_LEN];
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, a, err, sizeof err) == 0, "%s", err);
    mode_is("keys", 0700, -1);
    mode_is("keys/kek", 0600, DSGD_KEK_LEN);
    mode_is("auth/totp.key.wrapped", 0600, DSGD_WRAPPED_LEN);
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, b, err, sizeof err) == 0, "%s", err);
    ck_assert_mem_eq(a, b, sizeof a);
    at("keys/kek.new");
    ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

/* @relation(REQ-MFA-018, REQ-STOR-007) */
START_TEST(test_keys_refusals)
{
    uint8_t key[DSGD_DATA_KEY_LEN];
    char kek[160], want[640];
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, key, err, sizeof err) == 0, "%s", err);
    at("keys/kek");
    snprintf(kek, sizeof kek, "%s", path);
    ck_assert_int_eq(chmod(kek, 0644), 0);
    snprintf(want, sizeof want, "key file %s has owner uid %u and mode 0644: it must be owned by"
             " uid %u with no group or other permissions (chmod 600 %s): refusing to start",
             kek, (unsigned)geteuid(), (unsigned)geteuid(), kek);
    refused(want);
    ck_assert_int_eq(chmod(kek, 0600), 0);
    at("keys");
    ck_assert_int_eq(chmod(path, 0750), 0);
    refused("(chmod 700 ");
    ck_assert_int_eq(chmod(path, 0700), 0);
    at("kek.saved");
    ck_assert_int_eq(rename(kek, path), 0);
    refused("is missing while the wrapped data key");
    ck_assert_int_ne(access(kek, F_OK), 0);   /* no new KEK beside the wrapped key */
    /* another KEK of the right form does not unwrap it */
    FILE *f = fopen(kek, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(KEK, 1, sizeof KEK, f), sizeof KEK);
    fclose(f);
    ck_assert_int_eq(chmod(kek, 0600), 0);
    refused("does not unwrap under the key-encryption key");
    /* a KEK one byte short */
    ck_assert_int_eq(truncate(kek, DSGD_KEK_LEN - 1), 0);
    refused("not 32 bytes");
    ck_assert_int_eq(rename(path, kek), 0);
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, key, err, sizeof err) == 0, "%s", err);
}
END_TEST

/* The KEK ID the master prints and records: none before the first start,
 * then the ID of the KEK file's bytes; a KEK refused for its mode gives no
 * ID. @relation(REQ-STOR-007) */
START_TEST(test_keys_kek_id)
{
    uint8_t key[DSGD_DATA_KEY_LEN], id[DSGD_KEK_ID_LEN], want[DSGD_KEK_ID_LEN],
        kek[DSGD_KEK_LEN];
    ck_assert_int_eq(dsgd_keys_kek_id(dir, id, err, sizeof err), 0);
    ck_assert_msg(dsgd_keys_role_key(dir, "share", &OWNER, key, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(dsgd_keys_kek_id(dir, id, err, sizeof err) == 1, "%s", err);
    at("keys/kek");
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(kek, 1, sizeof kek, f), sizeof kek);
    fclose(f);
    ck_assert_int_eq(dsg_oc_kek_id(kek, want), 0);
    ck_assert_mem_eq(id, want, sizeof id);
    ck_assert_int_eq(chmod(path, 0640), 0);
    ck_assert_int_eq(dsgd_keys_kek_id(dir, id, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "(chmod 600 "));
}
END_TEST

/* Starts refused for their keys are noted for the next start to record:
 * one line each, control bytes made '?', no more than 1 KiB kept, the
 * note gone once recorded. @relation(REQ-STOR-015) */
START_TEST(test_keys_failures_noted)
{
    char detail[1200], want[200];
    uint8_t key[DSGD_DATA_KEY_LEN];
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, key, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(dsgd_keys_notes(dir, DSGD_KEYS_NOTE_FAILED, detail, sizeof detail, err, sizeof err), 0);
    dsgd_keys_note(dir, DSGD_KEYS_NOTE_FAILED, "auth: first");
    dsgd_keys_note(dir, DSGD_KEYS_NOTE_FAILED, "share: second\nwith a newline");
    ck_assert_int_eq(dsgd_keys_notes(dir, DSGD_KEYS_NOTE_FAILED, detail, sizeof detail, err, sizeof err), 1);
    ck_assert_ptr_nonnull(strstr(detail, "Z auth: first\n 20"));
    ck_assert_ptr_nonnull(strstr(detail, "Z share: second?with a newline"));
    for (int i = 0; i < 40; i++) {
        snprintf(want, sizeof want, "role: failure %d", i);
        dsgd_keys_note(dir, DSGD_KEYS_NOTE_FAILED, want);
    }
    at("keys/open-failed");
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_le(st.st_size, 1024);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    ck_assert_int_eq(dsgd_keys_notes_done(dir, DSGD_KEYS_NOTE_FAILED, err, sizeof err), 0);
    ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

/* Run as root, the master writes the wrapped key as the auth role's user
 * into that user's directory (no CAP_DAC_OVERRIDE needed) and refuses one
 * of another owner. @relation(REQ-MFA-018) */
START_TEST(test_keys_wrapped_key_of_the_auth_user)
{
    uint8_t a[DSGD_DATA_KEY_LEN], b[DSGD_DATA_KEY_LEN];
    struct stat st;
    if (geteuid() != 0)
        return;   /* the fsuid switch is the root master's */
    OWNER = (dsgd_keys_owner){ 65534, 65534 };
    at("auth");
    ck_assert_int_eq(chown(path, 65534, 65534), 0);
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, a, err, sizeof err) == 0, "%s", err);
    at("auth/totp.key.wrapped");
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_uid, 65534);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    mode_is("keys/kek", 0600, DSGD_KEK_LEN);   /* the KEK stays the master's */
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, b, err, sizeof err) == 0, "%s", err);
    ck_assert_mem_eq(a, b, sizeof a);
    at("auth/totp.key.wrapped");
    ck_assert_int_eq(chown(path, 0, 0), 0);
    refused("has owner uid 0 and mode 0600: it must be owned by uid 65534");
}
END_TEST

/* The share role's data key lives beside its store under the same KEK,
 * apart from the auth role's; a KEK missing while either wrapped key
 * exists is refused, whichever role asks; an unknown role has no key.
 * @relation(REQ-STOR-007) */
START_TEST(test_keys_share_data_key)
{
    uint8_t a[DSGD_DATA_KEY_LEN], s1[DSGD_DATA_KEY_LEN], s2[DSGD_DATA_KEY_LEN];
    char kek[160], saved[160];
    ck_assert_msg(dsgd_keys_role_key(dir, "share", &OWNER, s1, err, sizeof err) == 0, "%s", err);
    mode_is("share/store.key.wrapped", 0600, DSGD_WRAPPED_LEN);
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, a, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(dsgd_keys_role_key(dir, "share", &OWNER, s2, err, sizeof err) == 0, "%s", err);
    ck_assert_mem_eq(s1, s2, sizeof s1);
    ck_assert(memcmp(a, s1, sizeof a) != 0);
    at("keys/kek");
    snprintf(kek, sizeof kek, "%s", path);
    at("kek.saved");
    snprintf(saved, sizeof saved, "%s", path);
    ck_assert_int_eq(rename(kek, saved), 0);
    at("auth/totp.key.wrapped");
    ck_assert_int_eq(unlink(path), 0);   /* only the share role's is left */
    ck_assert_int_eq(dsgd_keys_role_key(dir, "auth", &OWNER, a, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "share/store.key.wrapped exists"));
    ck_assert_int_ne(access(kek, F_OK), 0);
    ck_assert_int_eq(dsgd_keys_role_key(dir, "logd", &OWNER, a, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no data key for the logd role"));
}
END_TEST

/* ---- rotation (REQ-STOR-008) ---------------------------------------------- */

static const uint8_t NEXT[DSGD_KEK_LEN] = "the-next-key-encryption-key-32b!";

static void put(const char *rel, const uint8_t *data, size_t len)
{
    at(rel);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(chmod(path, 0600), 0);
}

static void get(const char *rel, uint8_t *data, size_t len)
{
    at(rel);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(data, 1, len, f), len);
    ck_assert_int_eq(fgetc(f), EOF);
    fclose(f);
}

static int exists(const char *rel)
{
    at(rel);
    return access(path, F_OK) == 0;
}

static const char *const WRAPPED[2] = { "auth/totp.key.wrapped", "share/store.key.wrapped" };
static const char *const ROLE[2] = { "auth", "share" };

/* Both data keys made under a first KEK: the data keys into keys[], the
 * KEK into kek. */
static void two_keys(uint8_t keys[2][DSGD_DATA_KEY_LEN], uint8_t kek[DSGD_KEK_LEN])
{
    for (int i = 0; i < 2; i++)
        ck_assert_msg(dsgd_keys_role_key(dir, ROLE[i], &OWNER, keys[i], err, sizeof err) == 0,
                      "%s", err);
    get("keys/kek", kek, DSGD_KEK_LEN);
}

/* Each role's data key opens and is still keys[i]. */
static void keys_open(uint8_t keys[2][DSGD_DATA_KEY_LEN], const char *when)
{
    uint8_t key[DSGD_DATA_KEY_LEN];
    for (int i = 0; i < 2; i++) {
        ck_assert_msg(dsgd_keys_role_key(dir, ROLE[i], &OWNER, key, err, sizeof err) == 0,
                      "%s: %s: %s", when, ROLE[i], err);
        ck_assert_msg(memcmp(key, keys[i], sizeof key) == 0, "%s: %s's data key changed", when,
                      ROLE[i]);
    }
}

/* The rotation to kek is complete: kek in keys/kek, no kek.new, every
 * wrapped key under it alone, old (when not NULL) opening none, and the
 * data keys as they were. */
static void rotated_to(const uint8_t kek[DSGD_KEK_LEN], const uint8_t *old,
                       uint8_t keys[2][DSGD_DATA_KEY_LEN], const char *when)
{
    uint8_t file[DSGD_KEK_LEN], w[DSGD_WRAPPED_LEN], key[DSGD_DATA_KEY_LEN];
    get("keys/kek", file, sizeof file);
    ck_assert_msg(memcmp(file, kek, sizeof file) == 0, "%s: keys/kek is not the new KEK", when);
    ck_assert_msg(!exists("keys/kek.new"), "%s: kek.new is left", when);
    mode_is("keys/kek", 0600, DSGD_KEK_LEN);
    for (int i = 0; i < 2; i++) {
        get(WRAPPED[i], w, sizeof w);
        mode_is(WRAPPED[i], 0600, DSGD_WRAPPED_LEN);
        ck_assert_msg(dsgd_keys_unwrap(kek, w, key) == 0, "%s: %s is not under the new KEK",
                      when, WRAPPED[i]);
        ck_assert_mem_eq(key, keys[i], sizeof key);
        ck_assert_msg(old == NULL || dsgd_keys_unwrap(old, w, key) == -1,
                      "%s: %s still opens under the old KEK", when, WRAPPED[i]);
    }
    keys_open(keys, when);
}

static void ids_are(const dsgd_kek_rotation *r, const uint8_t *old, const uint8_t *next)
{
    uint8_t id[DSG_SEG_KEK_ID_LEN];
    ck_assert_int_eq(dsg_oc_kek_id(old, id), 0);
    ck_assert_mem_eq(r->old_id, id, sizeof id);
    ck_assert_int_eq(dsg_oc_kek_id(next, id), 0);
    ck_assert_mem_eq(r->new_id, id, sizeof id);
}

/* A rotation re-wraps both data keys under a new KEK, the KEK IDs before
 * and after reported; the data keys do not change, the old KEK opens
 * neither file, nothing *.new is left; a second rotation works the same;
 * a state directory without a KEK has nothing to rotate.
 * @relation(REQ-STOR-008) */
START_TEST(test_keys_rotate_kek)
{
    uint8_t keys[2][DSGD_DATA_KEY_LEN], old[DSGD_KEK_LEN], next[DSGD_KEK_LEN];
    dsgd_kek_rotation r;
    two_keys(keys, old);
    ck_assert_msg(dsgd_keys_rotate_kek(dir, &OWNER, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(r.rewrapped, 2);
    ck_assert_int_eq(r.resumed, 0);
    get("keys/kek", next, sizeof next);
    ck_assert(memcmp(next, old, sizeof next) != 0);
    ids_are(&r, old, next);
    rotated_to(next, old, keys, "first rotation");
    for (int i = 0; i < 2; i++) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%s.new", WRAPPED[i]);
        ck_assert(!exists(tmp));
    }
    ck_assert(!exists("keys/kek.new.new"));
    memcpy(old, next, sizeof old);
    ck_assert_msg(dsgd_keys_rotate_kek(dir, &OWNER, &r, err, sizeof err) == 0, "%s", err);
    get("keys/kek", next, sizeof next);
    ids_are(&r, old, next);
    rotated_to(next, old, keys, "second rotation");
    /* nothing to start from */
    at("keys/kek");
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(dsgd_keys_rotate_kek(dir, &OWNER, &r, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no key-encryption key to rotate"));
}
END_TEST

/* Only the wrapped keys that exist are re-wrapped (a role not enabled has
 * none); one that opens under neither KEK stops the rotation before the
 * KEK is replaced, and the others stay readable.
 * @relation(REQ-STOR-008) */
START_TEST(test_keys_rotate_kek_one_key_and_a_damaged_one)
{
    uint8_t key[DSGD_DATA_KEY_LEN], old[DSGD_KEK_LEN], now[DSGD_KEK_LEN], junk[DSGD_WRAPPED_LEN];
    dsgd_kek_rotation r;
    ck_assert_msg(dsgd_keys_role_key(dir, "share", &OWNER, key, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(dsgd_keys_rotate_kek(dir, &OWNER, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(r.rewrapped, 1);
    ck_assert(!exists(WRAPPED[0]));
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, key, err, sizeof err) == 0, "%s", err);
    get("keys/kek", old, sizeof old);
    memset(junk, 0x5a, sizeof junk);
    put(WRAPPED[1], junk, sizeof junk);
    ck_assert_int_eq(dsgd_keys_rotate_kek(dir, &OWNER, &r, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "share/store.key.wrapped unwraps under neither the key-encryption "
                             "key nor the new one") != NULL, "%s", err);
    get("keys/kek", now, sizeof now);
    ck_assert_mem_eq(now, old, sizeof now);   /* not replaced */
    ck_assert(exists("keys/kek.new"));
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, key, err, sizeof err) == 0, "%s", err);
}
END_TEST

/* The states a crash leaves, one after each step of the rotation (and in
 * the middle of step 2, with a half-written W.new), prepared by hand from
 * the same two data keys under OLD: in each, both data keys open (under
 * kek or kek.new), and the start's dsgd_keys_finish_rotation completes the
 * rotation to NEXT; once complete, it finds nothing to do. A rotation asked
 * for in such a state takes kek.new as the new KEK and finishes it.
 * @relation(REQ-STOR-008) */
START_TEST(test_keys_rotation_crash_points)
{
    static const struct { const char *name; int next_written, rewrapped, half, renamed; } at_step[] = {
        { "after step 1 (kek.new written)", 1, 0, 0, 0 },
        { "in step 2 (totp.key.wrapped.new half written)", 1, 0, 1, 0 },
        { "after step 2 of the auth key", 1, 1, 0, 0 },
        { "after step 2 of both keys", 1, 2, 0, 0 },
        { "after step 3 (kek.new renamed over kek)", 1, 2, 0, 1 },
    };
    uint8_t keys[2][DSGD_DATA_KEY_LEN], old[DSGD_KEK_LEN], w[DSGD_WRAPPED_LEN];
    dsgd_kek_rotation r;
    char kek[160];
    for (size_t c = 0; c < sizeof at_step / sizeof at_step[0]; c++) {
        const char *name = at_step[c].name;
        teardown();
        setup();
        two_keys(keys, old);
        put("keys/kek.new", NEXT, sizeof NEXT);
        for (int i = 0; i < at_step[c].rewrapped; i++) {
            ck_assert_int_eq(dsgd_keys_wrap(NEXT, keys[i], w), 0);
            put(WRAPPED[i], w, sizeof w);
        }
        if (at_step[c].half) {
            memset(w, 0x33, sizeof w);
            put("auth/totp.key.wrapped.new", w, 13);
        }
        if (at_step[c].renamed) {
            at("keys/kek");
            snprintf(kek, sizeof kek, "%s", path);
            at("keys/kek.new");
            ck_assert_int_eq(rename(path, kek), 0);
        }
        keys_open(keys, name);   /* as a start would open them, before finishing */
        int want = at_step[c].renamed ? 0 : 1;
        ck_assert_msg(dsgd_keys_finish_rotation(dir, &OWNER, &r, err, sizeof err) == want,
                      "%s: %s", name, err);
        if (want == 1) {
            ck_assert_uint_eq(r.rewrapped, 2);
            ck_assert_int_eq(r.resumed, 1);
            ids_are(&r, old, NEXT);
        }
        rotated_to(NEXT, old, keys, name);
        ck_assert_int_eq(dsgd_keys_finish_rotation(dir, &OWNER, &r, err, sizeof err), 0);
    }
    /* the same interrupted state, finished by the next rotation instead */
    teardown();
    setup();
    two_keys(keys, old);
    put("keys/kek.new", NEXT, sizeof NEXT);
    ck_assert_int_eq(dsgd_keys_wrap(NEXT, keys[1], w), 0);
    put(WRAPPED[1], w, sizeof w);
    ck_assert_msg(dsgd_keys_rotate_kek(dir, &OWNER, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.resumed, 1);
    ck_assert_uint_eq(r.rewrapped, 2);
    ids_are(&r, old, NEXT);
    rotated_to(NEXT, old, keys, "a rotation resumed by the next one");
}
END_TEST

/* At start: nothing to finish in a fresh state directory; a kek.new
 * without the KEK is refused, naming both; a kek.new of the wrong length
 * or open to others is refused like any key file.
 * @relation(REQ-STOR-008) */
START_TEST(test_keys_finish_rotation_refusals)
{
    uint8_t keys[2][DSGD_DATA_KEY_LEN], old[DSGD_KEK_LEN];
    dsgd_kek_rotation r;
    ck_assert_int_eq(dsgd_keys_finish_rotation(dir, &OWNER, &r, err, sizeof err), 0);
    ck_assert(!exists("keys"));
    two_keys(keys, old);
    put("keys/kek.new", NEXT, sizeof NEXT - 1);
    ck_assert_int_eq(dsgd_keys_finish_rotation(dir, &OWNER, &r, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "kek.new: not 32 bytes") != NULL, "%s", err);
    put("keys/kek.new", NEXT, sizeof NEXT);
    at("keys/kek.new");
    ck_assert_int_eq(chmod(path, 0640), 0);
    ck_assert_int_eq(dsgd_keys_finish_rotation(dir, &OWNER, &r, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "mode 0640") != NULL, "%s", err);
    ck_assert_int_eq(chmod(path, 0600), 0);
    at("keys/kek");
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(dsgd_keys_finish_rotation(dir, &OWNER, &r, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "keys/kek is missing while the wrapped data key") != NULL, "%s",
                  err);
}
END_TEST

/* A first start writes its new KEK as kek.new and renames it to kek: one
 * cut short in between left kek.new and no key at all. That is no
 * rotation: the next start makes its keys as on a first start.
 * @relation(REQ-STOR-008) */
START_TEST(test_keys_first_start_cut_short)
{
    uint8_t key[DSGD_DATA_KEY_LEN], kek[DSGD_KEK_LEN];
    dsgd_kek_rotation r;
    at("keys");
    ck_assert_int_eq(mkdir(path, 0700), 0);
    put("keys/kek.new", NEXT, 20);
    ck_assert_msg(dsgd_keys_finish_rotation(dir, &OWNER, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, key, err, sizeof err) == 0, "%s", err);
    ck_assert(!exists("keys/kek.new"));
    get("keys/kek", kek, sizeof kek);
    ck_assert(memcmp(kek, NEXT, 20) != 0);
}
END_TEST

Suite *suite_keys(void)
{
    Suite *s = suite_create("keys");
    TCase *w = tcase_create("wrap");
    tcase_add_test(w, test_keys_wrap_round_trip_and_refusals);
    suite_add_tcase(s, w);
    TCase *c = tcase_create("files");
    tcase_add_checked_fixture(c, setup, teardown);
    tcase_add_test(c, test_keys_made_once_then_reused);
    tcase_add_test(c, test_keys_refusals);
    tcase_add_test(c, test_keys_kek_id);
    tcase_add_test(c, test_keys_failures_noted);
    tcase_add_test(c, test_keys_share_data_key);
    tcase_add_test(c, test_keys_wrapped_key_of_the_auth_user);
    tcase_add_test(c, test_keys_rotate_kek);
    tcase_add_test(c, test_keys_rotate_kek_one_key_and_a_damaged_one);
    tcase_add_test(c, test_keys_rotation_crash_points);
    tcase_add_test(c, test_keys_finish_rotation_refusals);
    tcase_add_test(c, test_keys_first_start_cut_short);
    suite_add_tcase(s, c);
    return s;
}
