/*
 * Password policy (REQ-MFA-007). See pw_policy.h for the contract and
 * acsl/pw_policy.acsl.h for what each rule means.
 */
#include "auth/pw_policy.h"
#include "core/utf8.h"

/*@ assigns \nothing;
    ensures \result == dsg_pw_fold(b);
*/
static uint8_t fold(uint8_t b)
{
    return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + 32u) : b;
}

int dsg_pw_policy_is_valid(const dsg_pw_policy *p)
{
    return p->min_length >= DSG_PW_LENGTH_FLOOR &&
           p->min_length <= p->max_length &&
           p->max_length >= DSG_PW_MAX_LENGTH_FLOOR &&
           p->max_length <= DSG_PW_LENGTH_CEILING &&
           p->required_classes <= DSG_PW_CLASS_COUNT;
}

/* Characters: bytes that are not UTF-8 continuation bytes. */
/*@ requires \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures \result == dsg_pw_chars(s, n);
*/
static size_t count_chars(const uint8_t *s, size_t n)
{
    size_t count = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant count == dsg_pw_chars(s, i);
        loop invariant 0 <= count <= i;
        loop assigns i, count;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 0x80u || s[i] > 0xBFu)
            count++;
    }
    return count;
}

/*@ requires \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures \result == dsg_pw_classes(s, n);
*/
static uint32_t count_classes(const uint8_t *s, size_t n)
{
    int upper = 0, lower = 0, digit = 0, other = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant upper == 0 || upper == 1;
        loop invariant lower == 0 || lower == 1;
        loop invariant digit == 0 || digit == 1;
        loop invariant other == 0 || other == 1;
        loop invariant upper == dsg_pw_upper_in(s, i);
        loop invariant lower == dsg_pw_lower_in(s, i);
        loop invariant digit == dsg_pw_digit_in(s, i);
        loop invariant other == dsg_pw_other_in(s, i);
        loop assigns i, upper, lower, digit, other;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        uint8_t b = s[i];
        if (b >= 'A' && b <= 'Z')
            upper = 1;
        else if (b >= 'a' && b <= 'z')
            lower = 1;
        else if (b >= '0' && b <= '9')
            digit = 1;
        else
            other = 1;
    }
    return (uint32_t)(upper + lower + digit + other);
}

/*@ requires \valid_read(s + (0 .. n - 1));
    requires i < n;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_pw_control_at(s, n, i);
*/
static int control_at(const uint8_t *s, size_t n, size_t i)
{
    if (s[i] < 0x20u || s[i] == 0x7Fu)
        return 1;
    /* C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8 */
    return s[i] == 0xC2u && i + 1u < n && s[i + 1u] >= 0x80u && s[i + 1u] <= 0x9Fu;
}

/*@ requires \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_pw_has_control(s, n);
*/
static int has_control(const uint8_t *s, size_t n)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> !dsg_pw_control_at(s, n, k);
        loop assigns i;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        if (control_at(s, n, i))
            return 1;
    }
    return 0;
}

/* Does u[0..m) occur at s[at..at+m), ASCII case-insensitively? */
/*@ requires \valid_read(s + (0 .. n - 1));
    requires \valid_read(u + (0 .. m - 1));
    requires at + m <= n;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_pw_match_at(s, u, m, at);
*/
static int match_at(const uint8_t *s, size_t n, size_t at, const uint8_t *u, size_t m)
{
    (void)n;   /* only the contract needs it: at + k never overflows */
    /*@ loop invariant 0 <= k <= m;
        loop invariant \forall integer j; 0 <= j < k ==>
                         dsg_pw_fold(s[at + j]) == dsg_pw_fold(u[j]);
        loop assigns k;
        loop variant m - k;
    */
    for (size_t k = 0; k < m; k++) {
        if (fold(s[at + k]) != fold(u[k]))
            return 0;
    }
    return 1;
}

/*@ requires \valid_read(s + (0 .. n - 1));
    requires \valid_read(u + (0 .. m - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_pw_contains(s, n, u, m);
*/
static int contains(const uint8_t *s, size_t n, const uint8_t *u, size_t m)
{
    if (m > n)
        return 0;
    /*@ loop invariant 0 <= at <= n - m + 1;
        loop invariant \forall integer i; 0 <= i < at ==> !dsg_pw_match_at(s, u, m, i);
        loop assigns at;
        loop variant n - m + 1 - at;
    */
    for (size_t at = 0; at <= n - m; at++) {
        if (match_at(s, n, at, u, m))
            return 1;
    }
    return 0;
}

/* Well-formed UTF-8: the proved decoder of src/core/utf8 accepts every
 * sequence from the first byte to the last. */
/*@ requires \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int utf8_ok(const uint8_t *s, size_t n)
{
    size_t pos = 0;
    uint32_t cp = 0;
    /*@ loop invariant 0 <= pos <= n;
        loop assigns pos, cp;
        loop variant n - pos;
    */
    while (pos < n) {
        size_t step = dsg_utf8_decode(s, n, pos, &cp);
        if (step == 0)
            return 0;
        pos += step;
    }
    return 1;
}

/* Lexicographic comparison of two words: <0, 0, >0. */
/*@ requires \valid_read(a) && \valid_read(b);
    requires dsg_pw_word_ok(a) && dsg_pw_word_ok(b);
    assigns \nothing;
    ensures -1 <= \result <= 1;
    ensures \result < 0 ==> dsg_pw_word_lt(a, b);
    ensures \result == 0 ==> dsg_pw_word_eq(a, b);
    ensures \result > 0 ==> dsg_pw_word_lt(b, a);
*/
static int word_cmp(const dsg_pw_word *a, const dsg_pw_word *b)
{
    size_t k = 0;
    /*@ loop invariant 0 <= k <= a->len && k <= b->len;
        loop invariant dsg_pw_eq_upto(a, b, k);
        loop assigns k;
        loop variant a->len - k;
    */
    while (k < a->len && k < b->len) {
        if (a->text[k] != b->text[k]) {
            /*@ assert dsg_pw_eq_upto(b, a, k); */
            return a->text[k] < b->text[k] ? -1 : 1;
        }
        k++;
    }
    /*@ assert dsg_pw_eq_upto(b, a, k); */
    if (a->len == b->len)
        return 0;
    return a->len < b->len ? -1 : 1;
}

int dsg_pw_list_is_sorted(const dsg_pw_word *list, size_t n)
{
    if (n == 0)
        return 1;
    if (list[0].len > DSG_PW_WORD_MAX)
        return 0;
    /*@ loop invariant 1 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> dsg_pw_word_ok(&list[k]);
        loop invariant \forall integer k, j; 0 <= k < j < i ==>
                         dsg_pw_word_lt(&list[k], &list[j]);
        loop assigns i;
        loop variant n - i;
    */
    for (size_t i = 1; i < n; i++) {
        if (list[i].len > DSG_PW_WORD_MAX)
            return 0;
        if (word_cmp(&list[i - 1], &list[i]) >= 0) {
            /*@ assert !dsg_pw_word_lt(&list[i - 1], &list[i]); */
            return 0;
        }
    }
    return 1;
}

/* Binary search for key in list[0..n). */
/*@ requires \valid_read(list + (0 .. n - 1));
    requires \valid_read(key);
    requires dsg_pw_word_ok(key);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==>
              \exists integer i; 0 <= i < n && dsg_pw_word_eq(key, &list[i]);
    ensures \result == 0 && dsg_pw_list_ok(list, n) ==>
              \forall integer i; 0 <= i < n ==> !dsg_pw_word_eq(key, &list[i]);
*/
static int find_word(const dsg_pw_word *list, size_t n, const dsg_pw_word *key)
{
    size_t lo = 0, hi = n;
    /*@ loop invariant 0 <= lo <= hi <= n;
        loop invariant dsg_pw_list_ok(list, n) ==>
          \forall integer i; 0 <= i < lo ==> dsg_pw_word_lt(&list[i], key);
        loop invariant dsg_pw_list_ok(list, n) ==>
          \forall integer i; hi <= i < n ==> dsg_pw_word_lt(key, &list[i]);
        loop assigns lo, hi;
        loop variant hi - lo;
    */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2u;
        if (list[mid].len > DSG_PW_WORD_MAX)
            return 0;   /* a malformed list: not sorted either */
        int c = word_cmp(key, &list[mid]);
        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1u;
    }
    return 0;
}

int dsg_pw_listed(const dsg_pw_word *list, size_t n, const uint8_t *pw, size_t len)
{
    if (len > DSG_PW_WORD_MAX)
        return 0;
    dsg_pw_word key = { .len = (uint8_t)len, .text = { 0 } };
    /*@ loop invariant 0 <= k <= len;
        loop invariant key.len == len;
        loop invariant \forall integer j; 0 <= j < k ==> key.text[j] == dsg_pw_fold(pw[j]);
        loop assigns k, key.text[0 .. DSG_PW_WORD_MAX - 1];
        loop variant len - k;
    */
    for (size_t k = 0; k < len; k++)
        key.text[k] = fold(pw[k]);
    return find_word(list, n, &key);
}

/*@ assigns \nothing;
    ensures \result == (c != 0 ? bit : 0);
*/
static uint32_t bit_if(int c, uint32_t bit)
{
    return c ? bit : 0u;
}

uint32_t dsg_pw_check(const dsg_pw_policy *p, const uint8_t *pw, size_t len,
                      const uint8_t *uid, size_t uid_len)
{
    if (!dsg_pw_policy_is_valid(p) || uid_len < 1u || uid_len > DSG_PW_USER_ID_MAX)
        return DSG_PW_BAD_ARGS;
    size_t chars = count_chars(pw, len);
    uint32_t broken = 0;
    broken |= bit_if(chars < p->min_length, DSG_PW_TOO_SHORT);
    broken |= bit_if(chars > p->max_length, DSG_PW_TOO_LONG);
    broken |= bit_if(count_classes(pw, len) < p->required_classes, DSG_PW_FEW_CLASSES);
    broken |= bit_if(contains(pw, len, uid, uid_len), DSG_PW_USER_ID);
    broken |= bit_if(dsg_pw_listed(dsg_pw_common, DSG_PW_COMMON_COUNT, pw, len),
                     DSG_PW_COMMON);
    broken |= bit_if(!utf8_ok(pw, len), DSG_PW_BAD_UTF8);
    broken |= bit_if(has_control(pw, len), DSG_PW_CONTROL);
    return broken;
}
