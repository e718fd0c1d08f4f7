/*
 * Unit tests of the streaming multipart/form-data parser
 * (src/core/multipart.h): REQ-SHARE-010.
 *
 * Bad input first: each boundary RFC 2046 refuses, each error of the
 * delimiter lines, header lines and epilogue, over-long header blocks and
 * lines, input that ends too early, a malformed parser struct, errors
 * staying reported; then each Content-Disposition refusal. Then messages
 * in the shape RFC 7578 gives, preamble and epilogue, boundary-like bytes
 * in a part's data, and file names (raw UTF-8 and filename*).
 *
 * A message is parsed into a transcript, one line per event with the data
 * of consecutive DATA and HELD events joined, by a caller that hands the
 * input over in pieces the way the portal would (re-presenting what was
 * not consumed, reading more on NEED_MORE, calling dsg_mp_finish at the
 * end). Every message is parsed whole, then in pieces of every size, then
 * cut in two at every offset: the transcripts must be equal. Every call is
 * checked against the contract.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/multipart.h"

Suite *suite_multipart(void);

#define SCRIPT_MAX 16384u
#define HDR_CAP 256u

struct script {
    char text[SCRIPT_MAX];
    size_t len;
    int in_data;   /* the last line is "data:" and may grow */
};

static struct script whole, pieces;
static uint8_t hdr_buf[HDR_CAP];

static void put(struct script *s, const void *p, size_t n)
{
    ck_assert_uint_le(s->len + n, SCRIPT_MAX - 1);
    memcpy(s->text + s->len, p, n);
    s->len += n;
    s->text[s->len] = '\0';
}

static void put_str(struct script *s, const char *str)
{
    put(s, str, strlen(str));
}

static void put_data(struct script *s, const uint8_t *p, size_t n)
{
    if (!s->in_data)
        put_str(s, "data:");
    s->in_data = 1;
    put(s, p, n);
}

static void end_data(struct script *s)
{
    if (s->in_data)
        put_str(s, "\n");
    s->in_data = 0;
}

/* One call, checked against the contract. */
static dsg_mp_status feed_checked(dsg_mp *mp, const uint8_t *in, size_t len, dsg_mp_out *out)
{
    dsg_mp_status st = dsg_mp_feed(mp, in, len, out);
    ck_assert_uint_le(out->consumed, len);
    ck_assert_int_eq(dsg_mp_is_valid(mp), 1);
    switch (st) {
    case DSG_MP_DATA:
        ck_assert_uint_ge(out->len, 1);
        ck_assert_uint_eq(out->off + out->len, out->consumed);
        break;
    case DSG_MP_HELD:
        ck_assert_uint_ge(out->len, 1);
        ck_assert_uint_le(out->off + out->len, mp->delim_len);
        break;
    case DSG_MP_HEADER:
        ck_assert_uint_ge(out->name_len, 1);
        ck_assert_uint_eq(out->off, out->name_len);
        ck_assert_uint_le(out->off + out->len, mp->hdr_cap);
        break;
    default:
        ck_assert_uint_eq(out->len, 0);
    }
    if (st == DSG_MP_NEED_MORE)
        ck_assert_uint_eq(out->consumed, len);
    if (st == DSG_MP_HELD)
        ck_assert_uint_eq(mp->pos.match, 0);              /* the next call consumes */
    else if (len > 0 && st != DSG_MP_ERR_FAILED)
        ck_assert_uint_ge(out->consumed, 1);              /* never stalls */
    if (st >= DSG_MP_ERR_DELIMITER)
        ck_assert_uint_eq(mp->pos.phase, DSG_MP_PH_FAILED);
    return st;
}

/* Parses `msg` handed over in pieces of `step` bytes (0: all at once;
 * SIZE_MAX - k: two pieces cut at k) into a transcript. */
static void run(const char *boundary, const uint8_t *in, size_t len, size_t step,
                struct script *s)
{
    dsg_mp mp;
    memset(s, 0, sizeof *s);
    dsg_mp_status st = dsg_mp_init(&mp, (const uint8_t *)boundary, strlen(boundary),
                                   hdr_buf, sizeof hdr_buf);
    ck_assert_int_eq(st, DSG_MP_NEED_MORE);
    size_t pos = 0, end;
    if (step == 0)
        end = len;
    else if (step > SIZE_MAX / 2)
        end = SIZE_MAX - step;         /* the first of two pieces */
    else
        end = step < len ? step : len;
    for (;;) {
        dsg_mp_out out;
        st = feed_checked(&mp, in + pos, end - pos, &out);
        const uint8_t *at = in + pos;
        pos += out.consumed;
        char line[HDR_CAP + 32];
        switch (st) {
        case DSG_MP_DATA:
            put_data(s, at + out.off, out.len);
            continue;
        case DSG_MP_HELD:
            put_data(s, mp.delim + out.off, out.len);
            continue;
        case DSG_MP_NEED_MORE:
            if (end < len) {
                end = step == 0 || step > SIZE_MAX / 2 || len - end < step ? len : end + step;
                continue;
            }
            end_data(s);
            st = dsg_mp_finish(&mp);
            snprintf(line, sizeof line, "finish:%s\n", dsg_mp_status_token(st));
            put_str(s, line);
            return;
        case DSG_MP_HEADER:
            end_data(s);
            put_str(s, "header:");
            put(s, mp.hdr, out.name_len);
            put_str(s, "=");
            put(s, mp.hdr + out.off, out.len);
            put_str(s, "\n");
            continue;
        case DSG_MP_PART:
        case DSG_MP_BODY:
        case DSG_MP_PART_END:
        case DSG_MP_END:
            end_data(s);
            snprintf(line, sizeof line, "%s\n", dsg_mp_status_token(st));
            put_str(s, line);
            continue;
        default:
            end_data(s);
            snprintf(line, sizeof line, "error:%s@%zu\n", dsg_mp_status_token(st), pos);
            put_str(s, line);
            ck_assert_int_eq(dsg_mp_feed(&mp, in, len, &out), DSG_MP_ERR_FAILED);
            ck_assert_int_eq(dsg_mp_finish(&mp), DSG_MP_ERR_FAILED);
            return;
        }
    }
}

/* Whole, in pieces of every size, cut in two at every offset: the same
 * transcript, which must be `want`. */
static void check_msg_n(const char *boundary, const char *msg, size_t len, const char *want)
{
    const uint8_t *in = (const uint8_t *)msg;
    run(boundary, in, len, 0, &whole);
    ck_assert_msg(strcmp(whole.text, want) == 0, "got\n%s\nwant\n%s", whole.text, want);
    for (size_t step = 1; step <= len; step++) {
        run(boundary, in, len, step, &pieces);
        ck_assert_msg(strcmp(pieces.text, whole.text) == 0, "step %zu:\n%s", step, pieces.text);
    }
    for (size_t cut = 0; cut <= len; cut++) {
        run(boundary, in, len, SIZE_MAX - cut, &pieces);
        ck_assert_msg(strcmp(pieces.text, whole.text) == 0, "cut %zu:\n%s", cut, pieces.text);
    }
}

static void check_msg(const char *boundary, const char *msg, const char *want)
{
    check_msg_n(boundary, msg, strlen(msg), want);
}

#define B "AaB03x"

/* ---- bad input: the boundary ----------------------------------------------- */

static dsg_mp_status init_with(const char *b, size_t n)
{
    dsg_mp mp;
    dsg_mp_status st = dsg_mp_init(&mp, (const uint8_t *)b, n, hdr_buf, sizeof hdr_buf);
    ck_assert_int_eq(dsg_mp_is_valid(&mp), 1);
    if (st != DSG_MP_NEED_MORE) {
        dsg_mp_out out;
        ck_assert_int_eq(mp.pos.phase, DSG_MP_PH_FAILED);
        ck_assert_int_eq(dsg_mp_feed(&mp, (const uint8_t *)"--", 2, &out), DSG_MP_ERR_FAILED);
        ck_assert_uint_eq(out.consumed, 0);
    }
    return st;
}

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_boundary_refused)
{
    char b71[72], b70[71];
    memset(b71, 'a', 71);
    b71[71] = '\0';
    memset(b70, 'z', 70);
    b70[70] = '\0';
    ck_assert_int_eq(init_with("", 0), DSG_MP_ERR_BOUNDARY);          /* missing */
    ck_assert_int_eq(init_with(b71, 71), DSG_MP_ERR_BOUNDARY);        /* over 70 */
    ck_assert_int_eq(init_with("ab ", 3), DSG_MP_ERR_BOUNDARY);       /* ends in SP */
    ck_assert_int_eq(init_with(" ", 1), DSG_MP_ERR_BOUNDARY);
    ck_assert_int_eq(init_with("a\"b", 3), DSG_MP_ERR_BOUNDARY);      /* not bchars */
    ck_assert_int_eq(init_with("a;b", 3), DSG_MP_ERR_BOUNDARY);
    ck_assert_int_eq(init_with("a\r\nb", 4), DSG_MP_ERR_BOUNDARY);
    ck_assert_int_eq(init_with("a\0b", 3), DSG_MP_ERR_BOUNDARY);
    ck_assert_int_eq(init_with("\xe3\x81\x82", 3), DSG_MP_ERR_BOUNDARY);
    ck_assert_int_eq(init_with(b70, 70), DSG_MP_NEED_MORE);
    ck_assert_int_eq(init_with("a", 1), DSG_MP_NEED_MORE);
    ck_assert_int_eq(init_with("'()+_,-./:=? 09azAZ", 19), DSG_MP_NEED_MORE);
}
END_TEST

/* ---- bad input: the message -------------------------------------------------- */

#define PART_A "--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
#define PART_A_SCRIPT "part\nheader:Content-Disposition=form-data; name=\"a\"\nbody\n"

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_delimiter_lines_refused)
{
    /* the boundary run into other bytes */
    check_msg(B, "--" B "x\r\n", "error:bad-delimiter@9\n");
    check_msg(B, PART_A "1\r\n--" B "Z\r\n--" B "--",
              PART_A_SCRIPT "data:1\npart-end\nerror:bad-delimiter@66\n");
    /* padding, then something else; bare LF; CR without LF */
    check_msg(B, "--" B " x\r\n", "error:bad-delimiter@10\n");
    check_msg(B, "--" B "\n", "error:bad-delimiter@9\n");
    check_msg(B, "--" B "\rx", "error:bad-delimiter@10\n");
    /* a single "-", or padding before "--" */
    check_msg(B, "--" B "-\r\n", "error:bad-delimiter@10\n");
    check_msg(B, "--" B " --\r\n", "error:bad-delimiter@10\n");
}
END_TEST

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_header_lines_refused)
{
    const char *pre = "--" B "\r\n";
    char msg[128];
    static const struct { const char *head; size_t at; } bad[] = {
        { "Name\r\n", 5 },                  /* no ":" */
        { "Na me: v\r\n", 3 },              /* SP in the name */
        { "Name : v\r\n", 5 },              /* SP before ":" */
        { ": v\r\n", 1 },                   /* empty name */
        { " Name: v\r\n", 1 },              /* folding */
        { "Name: v\r\n\tmore\r\n", 10 },    /* folding of a second line */
        { "Name: v\n", 8 },                 /* bare LF */
        { "Name: v\rx", 9 },                /* CR without LF */
        { "Name: a\x01z\r\n", 8 },          /* control byte */
        { "Name: a\x7fz\r\n", 8 },          /* DEL */
        { "Name: a\0z\r\n", 8 },            /* NUL */
        { "N\xc3\xa4me: v\r\n", 2 },        /* non-ASCII name */
        { "Name: v\r\n\rx", 11 },           /* the empty line's CR without LF */
        { "Name: v\r\n\n", 10 },            /* a bare LF as the empty line */
        { "\n", 1 },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        size_t hl = strlen(bad[k].head);
        if (k == 10)
            hl = 11;                        /* the NUL one */
        size_t pl = strlen(pre);
        memcpy(msg, pre, pl);
        memcpy(msg + pl, bad[k].head, hl);
        char want[64];
        snprintf(want, sizeof want, "part\nerror:bad-header@%zu\n", pl + bad[k].at);
        if (k == 5 || k == 12 || k == 13)
            snprintf(want, sizeof want, "part\nheader:Name=v\nerror:bad-header@%zu\n",
                     pl + bad[k].at);
        check_msg_n(B, msg, pl + hl, want);
    }
}
END_TEST

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_header_block_bounded)
{
    /* one line longer than the caller's buffer (name + value > 256) */
    static char msg[DSG_MP_HEADER_MAX * 2];
    size_t n = (size_t)snprintf(msg, sizeof msg, "--" B "\r\nX: ");
    memset(msg + n, 'v', HDR_CAP);
    n += HDR_CAP;
    memcpy(msg + n, "\r\n\r\n", 5);
    run(B, (const uint8_t *)msg, strlen(msg), 0, &whole);
    ck_assert_str_eq(whole.text, "part\nerror:header-too-long@269\n");
    /* the longest line that fits: name 1 + value 255 */
    msg[n - 1] = '\r';
    msg[n] = '\n';
    memcpy(msg + n + 1, "\r\n--" B "--", 13);
    run(B, (const uint8_t *)msg, strlen(msg), 0, &whole);
    ck_assert_uint_eq(strlen(whole.text), 5 + 7 + 1 + 255 + 1 + 5 + 9 + 4 + 12);
    ck_assert(strstr(whole.text, "finish:end\n") != NULL);

    /* many short lines: the block may hold 8192 bytes, not one more */
    n = (size_t)snprintf(msg, sizeof msg, "--" B "\r\n");
    size_t start = n;
    while (n - start + 10 <= DSG_MP_HEADER_MAX - 2) {
        memcpy(msg + n, "A: 123456\r\n", 11);   /* 11 bytes a line */
        n += 11;
    }
    size_t block = n - start;
    size_t fill = DSG_MP_HEADER_MAX - 2 - block;   /* pad the last line to reach the bound */
    ck_assert_uint_ge(fill, 4);
    memcpy(msg + n, "B:", 2);
    memset(msg + n + 2, 'x', fill - 4);
    memcpy(msg + n + fill - 2, "\r\n\r\n", 4);
    n += fill + 2;
    ck_assert_uint_eq(n - start, DSG_MP_HEADER_MAX);
    memcpy(msg + n, "\r\n--" B "--", 13);
    run(B, (const uint8_t *)msg, strlen(msg), 0, &whole);
    ck_assert(strstr(whole.text, "body\npart-end\nend\nfinish:end\n") != NULL);
    /* one byte more */
    memmove(msg + start + 1, msg + start, strlen(msg + start) + 1);
    msg[start] = 'C';
    msg[start + 1] = 'C';
    run(B, (const uint8_t *)msg, strlen(msg), 0, &whole);
    ck_assert(strstr(whole.text, "error:header-too-long@") != NULL);
    char want[40];
    snprintf(want, sizeof want, "error:header-too-long@%zu\n", start + DSG_MP_HEADER_MAX + 1);
    ck_assert_msg(strstr(whole.text, want) != NULL, "%s", whole.text);
}
END_TEST

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_epilogue_rules)
{
    check_msg(B, PART_A "x\r\n--" B "--y", PART_A_SCRIPT "data:x\npart-end\nend\nerror:bad-epilogue@68\n");
    check_msg(B, PART_A "x\r\n--" B "-- \ty", PART_A_SCRIPT "data:x\npart-end\nend\nerror:bad-epilogue@70\n");
    check_msg(B, PART_A "x\r\n--" B "--\ry", PART_A_SCRIPT "data:x\npart-end\nend\nerror:bad-epilogue@69\n");
    check_msg(B, PART_A "x\r\n--" B "--\n", PART_A_SCRIPT "data:x\npart-end\nend\nerror:bad-epilogue@68\n");
    /* padding, then CR LF and anything at all */
    check_msg(B, PART_A "x\r\n--" B "-- \t \r\n\r\n--" B "\r\nbad\x01\r\n--" B "--",
              PART_A_SCRIPT "data:x\npart-end\nend\nfinish:end\n");
    check_msg(B, PART_A "x\r\n--" B "--  ", PART_A_SCRIPT "data:x\npart-end\nend\nfinish:end\n");
}
END_TEST

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_truncated)
{
    check_msg(B, "", "finish:truncated\n");
    check_msg(B, "no boundary here\r\n", "finish:truncated\n");
    check_msg(B, "--AaB03", "finish:truncated\n");
    check_msg(B, "--" B, "finish:truncated\n");
    check_msg(B, "--" B "\r", "finish:truncated\n");
    check_msg(B, "--" B "\r\n", "part\nfinish:truncated\n");
    check_msg(B, "--" B "\r\nA: b", "part\nfinish:truncated\n");
    check_msg(B, "--" B "\r\nA: b\r\n", "part\nheader:A=b\nfinish:truncated\n");
    check_msg(B, PART_A, PART_A_SCRIPT "finish:truncated\n");
    check_msg(B, PART_A "data", PART_A_SCRIPT "data:data\nfinish:truncated\n");
    check_msg(B, PART_A "data\r\n--" B, PART_A_SCRIPT "data:data\npart-end\nfinish:truncated\n");
    check_msg(B, PART_A "data\r\n--" B "-", PART_A_SCRIPT "data:data\npart-end\nfinish:truncated\n");
    check_msg(B, PART_A "data\r\n--" B "--\r",
              PART_A_SCRIPT "data:data\npart-end\nend\nfinish:truncated\n");
    /* a candidate cut short is data, and still truncated */
    check_msg(B, PART_A "data\r\n--AaB", PART_A_SCRIPT "data:data\nfinish:truncated\n");
}
END_TEST

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_malformed_state_refused)
{
    dsg_mp mp;
    dsg_mp_out out;
    ck_assert_int_eq(dsg_mp_init(&mp, (const uint8_t *)B, 6, hdr_buf, sizeof hdr_buf),
                     DSG_MP_NEED_MORE);
    dsg_mp good = mp;
    static const uint8_t in[] = "--AaB03x\r\n";
    mp.pos.match = mp.delim_len;                      /* match as long as the delimiter */
    ck_assert_int_eq(dsg_mp_is_valid(&mp), 0);
    ck_assert_int_eq(dsg_mp_feed(&mp, in, 10, &out), DSG_MP_ERR_STATE);
    ck_assert_uint_eq(out.consumed, 0);
    ck_assert_int_eq(dsg_mp_finish(&mp), DSG_MP_ERR_STATE);
    mp = good;
    mp.pos.virt = 1;
    ck_assert_int_eq(dsg_mp_feed(&mp, in, 10, &out), DSG_MP_ERR_STATE);
    mp = good;
    mp.pos.phase = 16;
    ck_assert_int_eq(dsg_mp_feed(&mp, in, 10, &out), DSG_MP_ERR_STATE);
    mp = good;
    mp.pos.phase = DSG_MP_PH_LINE;                    /* a match outside the data */
    ck_assert_int_eq(dsg_mp_feed(&mp, in, 10, &out), DSG_MP_ERR_STATE);
    mp = good;
    mp.pos.used = HDR_CAP + 1;
    ck_assert_int_eq(dsg_mp_feed(&mp, in, 10, &out), DSG_MP_ERR_STATE);
    mp = good;
    mp.pos.head_bytes = DSG_MP_HEADER_MAX + 1;
    ck_assert_int_eq(dsg_mp_feed(&mp, in, 10, &out), DSG_MP_ERR_STATE);
    mp = good;
    mp.delim[1] = 'x';
    ck_assert_int_eq(dsg_mp_feed(&mp, in, 10, &out), DSG_MP_ERR_STATE);
    mp = good;
    mp.delim[5] = '\r';                               /* a CR in the boundary */
    ck_assert_int_eq(dsg_mp_feed(&mp, in, 10, &out), DSG_MP_ERR_STATE);
    mp = good;
    mp.delim_len = 4;
    ck_assert_int_eq(dsg_mp_feed(&mp, in, 10, &out), DSG_MP_ERR_STATE);
    mp = good;
    mp.pos.phase = DSG_MP_PH_VALUE;                   /* a value without a name */
    ck_assert_int_eq(dsg_mp_feed(&mp, in, 10, &out), DSG_MP_ERR_STATE);
    mp = good;
    ck_assert_int_eq(dsg_mp_feed(&mp, in, 10, &out), DSG_MP_PART);
}
END_TEST

/* ---- bad input: Content-Disposition ------------------------------------------- */

static uint8_t ext_buf[64];

static dsg_mp_disp_status disp(const char *v, dsg_mp_disp *d)
{
    return dsg_mp_disposition((const uint8_t *)v, strlen(v), d, ext_buf, sizeof ext_buf);
}

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_disposition_refused)
{
    dsg_mp_disp d;
    static const struct { const char *v; dsg_mp_disp_status want; } bad[] = {
        { "", DSG_MP_DISP_ERR_SYNTAX },
        { ";name=a", DSG_MP_DISP_ERR_SYNTAX },
        { "attachment; name=\"a\"", DSG_MP_DISP_ERR_TYPE },
        { "form-data-x; name=\"a\"", DSG_MP_DISP_ERR_TYPE },
        { "form-data", DSG_MP_DISP_ERR_NO_NAME },
        { "form-data; filename=\"a.txt\"", DSG_MP_DISP_ERR_NO_NAME },
        { "form-data;", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data; name", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data; name=", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data; name =\"a\"", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data; name= \"a\"", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data; name=\"a", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data; name=\"a\"x", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data; name=\"a\\\"b\"", DSG_MP_DISP_ERR_SYNTAX },     /* backslash */
        { "form-data; name=\"a\x01\"", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data name=\"a\"", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data; name=\"a\"; name=\"b\"", DSG_MP_DISP_ERR_DUPLICATE },
        { "form-data; NAME=\"a\"; name=\"b\"", DSG_MP_DISP_ERR_DUPLICATE },
        { "form-data; name=a; filename=x; filename=y", DSG_MP_DISP_ERR_DUPLICATE },
        { "form-data; name=a; filename*=UTF-8''x; filename*=UTF-8''y",
          DSG_MP_DISP_ERR_DUPLICATE },
        { "form-data; name=a; filename*=ISO-8859-1''x", DSG_MP_DISP_ERR_CHARSET },
        { "form-data; name=a; filename*=''x", DSG_MP_DISP_ERR_CHARSET },
        { "form-data; name=a; filename*=UTF-8'x", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data; name=a; filename*=UTF-8", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data; name=a; filename*=UTF-8'e_n'x", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data; name=a; filename*=\"UTF-8''x\"", DSG_MP_DISP_ERR_SYNTAX },
        { "form-data; name=a; filename*=UTF-8''%G1", DSG_MP_DISP_ERR_ENCODING },
        { "form-data; name=a; filename*=UTF-8''%4", DSG_MP_DISP_ERR_ENCODING },
        { "form-data; name=a; filename*=UTF-8''a%00b", DSG_MP_DISP_ERR_ENCODING },
        { "form-data; name=a; filename*=UTF-8''%C0%AF", DSG_MP_DISP_ERR_ENCODING },
        { "form-data; name=a; filename*=UTF-8''%E8%B3", DSG_MP_DISP_ERR_ENCODING },
        { "form-data; name=a; filename*=UTF-8''%ED%A0%80", DSG_MP_DISP_ERR_ENCODING },
        { "form-data; name=a; filename*=UTF-8''a'b", DSG_MP_DISP_ERR_ENCODING },
        { "form-data; name=a; filename*=UTF-8''a*b", DSG_MP_DISP_ERR_ENCODING },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        ck_assert_msg(disp(bad[k].v, &d) == bad[k].want, "%s: %s", bad[k].v,
                      dsg_mp_disp_status_token(disp(bad[k].v, &d)));
    /* a decoded name over the caller's buffer */
    char v[300];
    size_t n = (size_t)snprintf(v, sizeof v, "form-data; name=a; filename*=utf-8''");
    memset(v + n, 'x', sizeof ext_buf + 1);
    v[n + sizeof ext_buf + 1] = '\0';
    ck_assert_int_eq(disp(v, &d), DSG_MP_DISP_ERR_TOO_LONG);
    v[n + sizeof ext_buf] = '\0';
    ck_assert_int_eq(disp(v, &d), DSG_MP_DISP_OK);
    ck_assert_uint_eq(d.ext_len, sizeof ext_buf);
}
END_TEST

/* ---- well-formed messages ------------------------------------------------------ */

/* RFC 7578 §4's shape: two fields, one a file, quoted names, a charset. */
static const char rfc7578[] =
    "--AaB03x\r\n"
    "content-disposition: form-data; name=\"field1\"\r\n"
    "content-type: text/plain;charset=UTF-8\r\n"
    "\r\n"
    "Joe owes \xe2\x82\xac" "100.\r\n"
    "--AaB03x\r\n"
    "content-disposition: form-data; name=\"pics\"; filename=\"file1.txt\"\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "...contents of file1.txt...\r\n"
    "--AaB03x--\r\n";

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_rfc7578_message)
{
    check_msg(B, rfc7578,
              "part\n"
              "header:content-disposition=form-data; name=\"field1\"\n"
              "header:content-type=text/plain;charset=UTF-8\n"
              "body\n"
              "data:Joe owes \xe2\x82\xac" "100.\n"
              "part-end\n"
              "part\n"
              "header:content-disposition=form-data; name=\"pics\"; filename=\"file1.txt\"\n"
              "header:Content-Type=text/plain\n"
              "body\n"
              "data:...contents of file1.txt...\n"
              "part-end\n"
              "end\n"
              "finish:end\n");
    /* a browser's empty form: the close delimiter alone */
    check_msg("----WebKitFormBoundaryx7Ab", "------WebKitFormBoundaryx7Ab--\r\n",
              "end\nfinish:end\n");
    /* an empty part body, with and without the CR LF of an empty line */
    check_msg(B, PART_A "\r\n--" B "--", PART_A_SCRIPT "part-end\nend\nfinish:end\n");
    check_msg(B, PART_A "--" B "--", PART_A_SCRIPT "part-end\nend\nfinish:end\n");
    /* a part without headers; blanks around header values; padding */
    check_msg(B, "--" B " \t\r\n\r\nv\r\n--" B "\t\r\nX:\r\nY:  a b \t\r\n\r\n\r\n--" B "--",
              "part\nbody\ndata:v\npart-end\npart\nheader:X=\nheader:Y=a b\nbody\n"
              "part-end\nend\nfinish:end\n");
}
END_TEST

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_preamble_and_epilogue)
{
    check_msg(B, "This is the preamble.\r\nIt is dropped.\r\n--AaB03 is not it\r\n"
                 "\r\n--" B "\r\n\r\nx\r\n--" B "--\r\nThis is the epilogue.\r\n",
              "part\nbody\ndata:x\npart-end\nend\nfinish:end\n");
    /* a boundary not at the start of a line is preamble */
    check_msg(B, "x--" B "\r\n--" B "\r\n\r\ny\r\n--" B "--",
              "part\nbody\ndata:y\npart-end\nend\nfinish:end\n");
}
END_TEST

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_boundary_like_data)
{
    check_msg(B,
              PART_A "a\r\n--AaB03\r\nb\n--" B "\r--" B " --" B "x\r\r\n-\r\n--\r\n--A"
              "\r\r\n\r\n--" B "--",
              PART_A_SCRIPT
              "data:a\r\n--AaB03\r\nb\n--" B "\r--" B " --" B "x\r\r\n-\r\n--\r\n--A\r\r\n\n"
              "part-end\nend\nfinish:end\n");
    /* data that ends in CR LF keeps it: only the delimiter's CR LF goes */
    check_msg(B, PART_A "line\r\n\r\n--" B "--",
              PART_A_SCRIPT "data:line\r\n\npart-end\nend\nfinish:end\n");
    /* lone CRs and LFs, NUL and high bytes are data */
    check_msg_n(B, PART_A "\r\r\n\n\0\xff\r\n--" B "--", sizeof PART_A - 1 + 6 + 4 + 8 + 2,
                PART_A_SCRIPT "data:\r\r\n\n\0\xff\npart-end\nend\nfinish:end\n");
}
END_TEST

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_every_split)
{
    /* check_msg cuts every message at every piece size and offset; this one
     * also feeds a byte at a time through a parser that is checked to keep
     * the partial match below the delimiter length after every byte */
    dsg_mp mp;
    ck_assert_int_eq(dsg_mp_init(&mp, (const uint8_t *)B, 6, hdr_buf, sizeof hdr_buf),
                     DSG_MP_NEED_MORE);
    size_t len = sizeof rfc7578 - 1, pos = 0, events = 0;
    while (pos < len) {
        dsg_mp_out out;
        dsg_mp_status st = feed_checked(&mp, (const uint8_t *)rfc7578 + pos, 1, &out);
        ck_assert_uint_lt(mp.pos.match, mp.delim_len);
        ck_assert_int_lt(st, DSG_MP_ERR_STATE);
        pos += out.consumed;
        events += st != DSG_MP_NEED_MORE;
    }
    ck_assert_int_eq(dsg_mp_finish(&mp), DSG_MP_END);
    ck_assert_uint_ge(events, 14);
}
END_TEST

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_crlf_handling)
{
    /* a delimiter needs CR LF before it: LF alone, or CR alone, is data */
    check_msg(B, PART_A "a\n--" B "\r\n--" B "--",
              PART_A_SCRIPT "data:a\n--" B "\npart-end\nend\nfinish:end\n");
    check_msg(B, PART_A "a\r--" B "\r\n--" B "--",
              PART_A_SCRIPT "data:a\r--" B "\npart-end\nend\nfinish:end\n");
    /* the delimiter line ends in CR LF: LF alone is refused */
    check_msg(B, PART_A "a\r\n--" B "\nB: c\r\n", PART_A_SCRIPT "data:a\npart-end\n"
              "error:bad-delimiter@66\n");
}
END_TEST

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_file_names)
{
    dsg_mp_disp d;
    /* a browser's: raw UTF-8 in the quoted filename */
    const char *v = "form-data; name=\"upload\"; filename=\"\xe8\xb3\x87\xe6\x96\x99.txt\"";
    ck_assert_int_eq(disp(v, &d), DSG_MP_DISP_OK);
    ck_assert_uint_eq(d.name_len, 6);
    ck_assert(memcmp(v + d.name_off, "upload", 6) == 0);
    ck_assert_uint_eq(d.has_file, 1);
    ck_assert_uint_eq(d.has_ext, 0);
    ck_assert_uint_eq(d.file_len, 10);
    ck_assert(memcmp(v + d.file_off, "\xe8\xb3\x87\xe6\x96\x99.txt", 10) == 0);
    /* filename*: 資料.txt percent-encoded, beside an ASCII fallback */
    v = "Form-Data ; name=upload ;filename=\"fallback.txt\"; "
        "FILENAME*=utf-8'ja'%E8%B3%87%E6%96%99.txt";
    ck_assert_int_eq(disp(v, &d), DSG_MP_DISP_OK);
    ck_assert_uint_eq(d.name_len, 6);
    ck_assert(memcmp(v + d.name_off, "upload", 6) == 0);
    ck_assert_uint_eq(d.has_file, 1);
    ck_assert(memcmp(v + d.file_off, "fallback.txt", d.file_len) == 0);
    ck_assert_uint_eq(d.has_ext, 1);
    ck_assert_uint_eq(d.ext_len, 10);
    ck_assert(memcmp(ext_buf, "\xe8\xb3\x87\xe6\x96\x99.txt", 10) == 0);
    /* %22 stays as it is; an empty name; other parameters ignored */
    v = "form-data; name=\"\"; filename=\"a%22b\"; size=12; creation-date=\"x; y\"";
    ck_assert_int_eq(disp(v, &d), DSG_MP_DISP_OK);
    ck_assert_uint_eq(d.name_len, 0);
    ck_assert_uint_eq(d.file_len, 5);
    ck_assert(memcmp(v + d.file_off, "a%22b", 5) == 0);
    /* no filename */
    ck_assert_int_eq(disp("form-data; name=\"field1\"", &d), DSG_MP_DISP_OK);
    ck_assert_uint_eq(d.has_file, 0);
    ck_assert_uint_eq(d.has_ext, 0);
    ck_assert_uint_eq(d.ext_len, 0);
    /* the whole path: a header event's value read as a disposition */
    check_msg(B, "--" B "\r\nContent-Disposition: form-data; name=\"f\"; "
                 "filename*=UTF-8''%E8%B3%87%E6%96%99.txt\r\n\r\nx\r\n--" B "--",
              "part\nheader:Content-Disposition=form-data; name=\"f\"; "
              "filename*=UTF-8''%E8%B3%87%E6%96%99.txt\nbody\ndata:x\npart-end\nend\n"
              "finish:end\n");
}
END_TEST

/* @relation(REQ-SHARE-010) */
START_TEST(test_mp_status_tokens)
{
    static const char *want[] = {
        "need-more", "part", "header", "body", "data", "held", "part-end", "end",
        "bad-state", "failed", "bad-boundary", "bad-delimiter", "bad-header",
        "header-too-long", "bad-epilogue", "truncated",
    };
    for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_str_eq(dsg_mp_status_token((dsg_mp_status)i), want[i]);
    ck_assert_str_eq(dsg_mp_status_token((dsg_mp_status)16), "unknown");
    ck_assert_str_eq(dsg_mp_status_token((dsg_mp_status)-1), "unknown");
    static const char *dwant[] = {
        "ok", "not-form-data", "bad-syntax", "no-name", "duplicate", "bad-charset",
        "bad-encoding", "too-long",
    };
    for (unsigned i = 0; i < sizeof dwant / sizeof dwant[0]; i++)
        ck_assert_str_eq(dsg_mp_disp_status_token((dsg_mp_disp_status)i), dwant[i]);
    ck_assert_str_eq(dsg_mp_disp_status_token((dsg_mp_disp_status)8), "unknown");
}
END_TEST

Suite *suite_multipart(void)
{
    Suite *s = suite_create("multipart");

    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_mp_boundary_refused);
    tcase_add_test(bad, test_mp_delimiter_lines_refused);
    tcase_add_test(bad, test_mp_header_lines_refused);
    tcase_add_test(bad, test_mp_header_block_bounded);
    tcase_add_test(bad, test_mp_epilogue_rules);
    tcase_add_test(bad, test_mp_truncated);
    tcase_add_test(bad, test_mp_malformed_state_refused);
    tcase_add_test(bad, test_mp_disposition_refused);
    suite_add_tcase(s, bad);

    TCase *good = tcase_create("well-formed");
    tcase_add_test(good, test_mp_rfc7578_message);
    tcase_add_test(good, test_mp_preamble_and_epilogue);
    tcase_add_test(good, test_mp_boundary_like_data);
    tcase_add_test(good, test_mp_every_split);
    tcase_add_test(good, test_mp_crlf_handling);
    tcase_add_test(good, test_mp_file_names);
    tcase_add_test(good, test_mp_status_tokens);
    suite_add_tcase(s, good);
    return s;
}
