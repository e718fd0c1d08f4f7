/*
 * libFuzzer harness for the backup manifest parser and writer
 * (src/core/bkup_manifest.h).
 *
 * Input: one setup byte (the capacity of the member array, 0-31), then
 * the manifest text.
 *
 * Every result is checked against the contract: the status a defined
 * one, the offset within the input (the input's length on success), the
 * count 0 on an error and within the capacity on success. For an accepted
 * manifest: every member of a role with its role line, its name inside the
 * input and followed by a space, and keeping the name rule as written out
 * here segment by segment (non-empty, no leading ".", bytes of
 * [A-Za-z0-9._-], no "..", at most 255 bytes), its digest inside the
 * input, 64 lowercase hex digits followed by LF; the members strictly in
 * order (role, then name bytes), so no two share a role and a name; at
 * most 32 depends, ascending and before the ID. Then the round trip: the
 * writer gives back the input byte for byte (the text is canonical), the
 * writer refuses a buffer one byte short, and parsing its output gives
 * the same head and members. abort() on any violation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bkup_manifest.h"

/* @relation(REQ-BKUP-017) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define CAP_MAX 32u

static int name_ok(const uint8_t *s, size_t n)
{
    if (n < 1 || n > DSG_BKM_NAME_MAX)
        return 0;
    size_t seg = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '/') {
            if (i == seg || s[seg] == '.')
                return 0;
            seg = i + 1;
            continue;
        }
        int c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
        if (c == '.' && i > seg && s[i - 1] == '.')
            return 0;
    }
    return 1;
}

/* <0, 0, >0 as member a sorts before, equal to, after b. */
static int member_order(const uint8_t *s, const dsg_bkm_member *a, const dsg_bkm_member *b)
{
    if (a->role != b->role)
        return a->role < b->role ? -1 : 1;
    size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
    int c = memcmp(s + a->name_off, s + b->name_off, n);
    if (c != 0)
        return c;
    return a->name_len < b->name_len ? -1 : a->name_len > b->name_len ? 1 : 0;
}

static void check_accepted(const uint8_t *s, size_t len, const dsg_bkm_head *h,
                           const dsg_bkm_member *m, size_t count)
{
    CHECK(h->ndepends <= DSG_BKM_DEPENDS_MAX);
    for (size_t i = 0; i < h->ndepends; i++) {
        CHECK(memcmp(h->depends[i], h->id, DSG_BKM_ID_LEN) < 0);
        CHECK(i == 0 || memcmp(h->depends[i - 1], h->depends[i], DSG_BKM_ID_LEN) < 0);
    }
    int roles = 0;
    for (unsigned r = 0; r < DSG_BKM_ROLES; r++) {
        CHECK(h->role_seen[r] <= 1);
        roles += h->role_seen[r];
    }
    CHECK(roles >= 1);
    for (size_t k = 0; k < count; k++) {
        const dsg_bkm_member *x = &m[k];
        CHECK(x->role < DSG_BKM_ROLES && h->role_seen[x->role] == 1);
        CHECK(x->name_off < len && x->name_len < len - x->name_off);
        CHECK(s[x->name_off + x->name_len] == ' ');
        CHECK(name_ok(s + x->name_off, x->name_len));
        CHECK(x->size >= 0);
        CHECK(x->digest_off < len && DSG_BKM_DIGEST_HEX < len - x->digest_off);
        CHECK(s[x->digest_off + DSG_BKM_DIGEST_HEX] == '\n');
        for (size_t j = 0; j < DSG_BKM_DIGEST_HEX; j++) {
            uint8_t c = s[x->digest_off + j];
            CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        }
        CHECK(k == 0 || member_order(s, &m[k - 1], x) < 0);
    }
}

static dsg_bkm_head head, head2;
static dsg_bkm_member members[CAP_MAX], members2[CAP_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t cap = data[0] % CAP_MAX;
    const uint8_t *s = data + 1;
    size_t len = size - 1;
    size_t count = 99, at = 99;
    dsg_bkm_status st = dsg_bkm_parse(s, len, &head, members, cap, &count, &at);
    CHECK(st >= DSG_BKM_OK && st <= DSG_BKM_ERR_TRAILING);   /* TOO_LONG needs 1 GiB */
    CHECK(at <= len);
    if (st != DSG_BKM_OK) {
        CHECK(count == 0);
        return 0;
    }
    CHECK(at == len && count <= cap);
    check_accepted(s, len, &head, members, count);

    /* the round trip: the text comes back byte for byte */
    uint8_t *out = malloc(len + 1);
    CHECK(out != NULL);
    size_t out_len = 99;
    CHECK(dsg_bkm_write(&head, members, count, s, len, out, len + 1, &out_len) == DSG_BKM_OK);
    CHECK(out_len == len && memcmp(out, s, len) == 0);
    if (len > 0) {
        CHECK(dsg_bkm_write(&head, members, count, s, len, out, len - 1, &out_len) ==
              DSG_BKM_ERR_SPACE);
        CHECK(out_len == 0);
    }
    CHECK(dsg_bkm_write(&head, members, count, s, len, out, len, &out_len) == DSG_BKM_OK);

    /* and parses to the same records */
    size_t count2 = 99, at2 = 99;
    CHECK(dsg_bkm_parse(out, out_len, &head2, members2, cap, &count2, &at2) == DSG_BKM_OK);
    CHECK(count2 == count && at2 == out_len);
    CHECK(memcmp(head2.id, head.id, DSG_BKM_ID_LEN) == 0);
    CHECK(memcmp(head2.created, head.created, DSG_BKM_TIME_LEN) == 0);
    CHECK(head2.dsg_major == head.dsg_major && head2.dsg_minor == head.dsg_minor &&
          head2.dsg_patch == head.dsg_patch);
    CHECK(head2.ndepends == head.ndepends);
    CHECK(memcmp(head2.depends, head.depends, head.ndepends * DSG_BKM_ID_LEN) == 0);
    CHECK(memcmp(head2.role_seen, head.role_seen, sizeof head.role_seen) == 0);
    for (unsigned r = 0; r < DSG_BKM_ROLES; r++) {
        if (!head.role_seen[r])
            continue;
        CHECK(memcmp(head2.role_time[r], head.role_time[r], DSG_BKM_TIME_LEN) == 0);
        CHECK(head2.role_schema[r] == head.role_schema[r]);
    }
    for (size_t k = 0; k < count; k++) {
        CHECK(members2[k].role == members[k].role);
        CHECK(members2[k].name_len == members[k].name_len);
        CHECK(memcmp(out + members2[k].name_off, s + members[k].name_off, members[k].name_len) ==
              0);
        CHECK(members2[k].size == members[k].size);
        CHECK(memcmp(out + members2[k].digest_off, s + members[k].digest_off,
                     DSG_BKM_DIGEST_HEX) == 0);
    }
    free(out);
    return 0;
}
