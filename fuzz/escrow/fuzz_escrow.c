/*
 * Fuzz harness of the escrow file reader (src/stor/escrow.h): any bytes
 * are an escrow file or refused with a status, never a crash. The mode is
 * read from the header; a passphrase file is opened with a fixed
 * passphrase only when its scrypt cost is the smallest (N = 2^10, r = 1,
 * p = 1, so that a run stays fast), a public-key file with a fixed X25519
 * private key (the seeds are sealed to its public key). What opens holds
 * the three keys within their lengths; a header the reader refuses never
 * opens.
 * @relation(REQ-STOR-009)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stor/escrow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char PASS[] = "the fuzzer's escrow passphrase";
static const uint8_t PRIV[DSG_ESCROW_PUB_LEN] = "the fuzzer's X25519 private key";

static void check(const dsg_escrow_keys *k)
{
    if (k->sign_len == 0 || k->sign_len > DSG_ESCROW_SIGN_MAX)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dsg_escrow_keys k;
    dsg_escrow_scrypt s;
    int mode = dsg_escrow_mode(data, size);
    if (mode < 0) {
        if (dsg_escrow_open_private(data, size, PRIV, &k) == DSG_ESCROW_OK)
            abort();   /* a header the mode refuses never opens */
        return 0;
    }
    if (mode == DSG_ESCROW_PASSPHRASE) {
        if (dsg_escrow_params(data, size, &s) != DSG_ESCROW_OK)
            abort();
        if (s.n != DSG_ESCROW_N_MIN || s.r != 1 || s.p != 1)
            return 0;
        if (dsg_escrow_open_passphrase(data, size, (const uint8_t *)PASS, sizeof PASS - 1, &k) ==
            DSG_ESCROW_OK)
            check(&k);
        return 0;
    }
    if (mode != DSG_ESCROW_PUBLIC_KEY)
        abort();
    if (dsg_escrow_open_private(data, size, PRIV, &k) == DSG_ESCROW_OK)
        check(&k);
    return 0;
}
