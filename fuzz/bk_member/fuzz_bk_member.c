/*
 * libFuzzer harness of a backup's member files (src/bkup/bk_member.h):
 * the header parser and the pulled reader on any bytes.
 *
 * The header parser answers OK, TRUNCATED or FORMAT and nothing else; on
 * OK its header lies within the input (h.len <= size), names a role of
 * the list, an ID of the shape YYYYMMDDTHHMMSSZ and a name of 1 to 255
 * bytes of [A-Za-z0-9._-/]. Then the bytes are read as a member with a
 * fixed X25519 private key (the seeds are encrypted to its public key),
 * expecting the backup, role and name the header names (so the reader
 * gets past its binding checks): every status is a defined one, a refusal
 * has a message, the reader hands out no more plaintext than the input
 * holds and nothing after the end or after an error. abort() on any
 * violation.
 * @relation(REQ-BKUP-003)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bkup/bk_member.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t PRIV[DSG_X25519_LEN] = "the fuzzer's X25519 private key";

static void check_header(const dsg_bk_member_header *h, size_t size)
{
    if (h->len > size || h->len != DSG_BK_FIXED_LEN + h->name_len || h->role >= DSG_BK_ROLES ||
        h->name_len == 0 || h->name_len > DSG_BK_NAME_MAX || strlen(h->name) != h->name_len ||
        !dsg_bk_id_ok(h->id))
        abort();
    for (size_t i = 0; i < h->name_len; i++) {
        char c = h->name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '/'))
            abort();
    }
}

static void read_all(int fd, const dsg_bk_member_header *h, size_t size)
{
    static uint8_t buf[100000];
    dsg_bk_member_reader *r = NULL;
    size_t total = 0, got = 0;
    dsg_bk_status st = dsg_bk_member_reader_new(fd, PRIV, h->id, h->role, h->name, &r);
    while (st == DSG_BK_OK && (st = dsg_bk_member_read(r, buf, sizeof buf, &got)) == DSG_BK_OK &&
           got > 0)
        if ((total += got) > size)
            abort();
    if (st > DSG_BK_STATE || (st != DSG_BK_OK && dsg_bk_member_reader_error(r)[0] == '\0'))
        abort();
    if (dsg_bk_member_read(r, buf, sizeof buf, &got) != (st == DSG_BK_OK ? DSG_BK_OK
                                                                        : DSG_BK_STATE) ||
        got != 0)
        abort();   /* nothing after the end or after an error */
    dsg_bk_member_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dsg_bk_member_header h;
    dsg_bk_status st = dsg_bk_member_header_parse(data, size, &h);
    if (st != DSG_BK_OK && st != DSG_BK_TRUNCATED && st != DSG_BK_FORMAT)
        abort();
    if (st != DSG_BK_OK) {
        memset(&h, 0, sizeof h);
        memcpy(h.id, "20261127T030000Z", DSG_BK_ID_LEN + 1);
        memcpy(h.name, "auth.db", 8);
    } else {
        check_header(&h, size);
    }
    int fd = memfd_create("member", 0);
    if (fd < 0)
        return 0;
    if (size == 0 || write(fd, data, size) == (ssize_t)size) {
        lseek(fd, 0, SEEK_SET);
        read_all(fd, &h, size);
    }
    close(fd);
    return 0;
}
