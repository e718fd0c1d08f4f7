/* UTC RFC 3339 timestamps with milliseconds: see rfc3339.h. */
#include "core/rfc3339.h"

/* A civil date: year 0..9999, month 1..12, day of the month. */
typedef struct {
    int64_t y, m, d;
} civil_date;

/* The calendar facts civil's proof needs, as ghost functions (no code):
 * each is proved by WP in a context of its own, from the plain definitions
 * of acsl/rfc3339.acsl.h and the ghost functions it calls, and used by
 * calling it with the values at hand; so no proof has to find an instance
 * of a quantified lemma, and each is linear arithmetic with one division
 * or remainder by a constant at a time. */

/* The divisions in the days before year 100c + 4q + r of an era. */
/*@ ghost
/@ requires 0 <= c <= 3 && 0 <= q <= 24 && 0 <= r <= 3;
   assigns \nothing;
   ensures (100 * c + 4 * q + r + 3) / 4 == 25 * c + q + (r > 0 ? 1 : 0);
   ensures (100 * c + 4 * q + r + 99) / 100 == c + (4 * q + r > 0 ? 1 : 0);
   ensures (100 * c + 4 * q + r + 399) / 400 == (100 * c + 4 * q + r > 0 ? 1 : 0);
   ensures dsg_rfc_leap_day(100 * c + 4 * q + r) == (r == 0 && (q > 0 || c == 0) ? 1 : 0);
@/
static void era_year_parts(int64_t c, int64_t q, int64_t r)
{
}
*/

/* The days of an era before its March-based year 100c + 4q + r (years
 * from March 1, so that a leap day ends its year): c centuries of 36524
 * days, q four-year cycles of 1461, r years of 365, and the leap day of
 * the era's first year; and the year after a four-year cycle that is not
 * a century's last is a leap year. */
/*@ ghost
/@ requires 0 <= c <= 3 && 0 <= q <= 24 && 0 <= r <= 3;
   assigns \nothing;
   ensures dsg_rfc_ydays(100 * c + 4 * q + r) + dsg_rfc_leap_day(100 * c + 4 * q + r) ==
             36524 * c + 1461 * q + 365 * r + 1;
   ensures q < 24 ==> dsg_rfc_leap_day(100 * c + 4 * q + 4) == 1;
@/
static void year_of_era(int64_t c, int64_t q, int64_t r)
{
    era_year_parts(c, q, r);
    if (q < 24)
        era_year_parts(c, q + 1, 0);
}
*/

/* The divisions and remainders of year 400e + k. */
/*@ ghost
/@ requires 0 <= e <= 25 && 0 <= k <= 400;
   assigns \nothing;
   ensures (400 * e + k + 3) / 4 == 100 * e + (k + 3) / 4;
   ensures (400 * e + k + 99) / 100 == 4 * e + (k + 99) / 100;
   ensures (400 * e + k + 399) / 400 == e + (k + 399) / 400;
   ensures (400 * e + k) % 4 == k % 4;
   ensures (400 * e + k) % 100 == k % 100;
   ensures (400 * e + k) % 400 == k % 400;
@/
static void era_parts(int64_t e, int64_t k)
{
}
*/

/* The Gregorian calendar repeats every 400 years (146097 days). */
/*@ ghost
/@ requires 0 <= e <= 25 && 0 <= k <= 400;
   assigns \nothing;
   ensures dsg_rfc_ydays(400 * e + k) == 146097 * e + dsg_rfc_ydays(k);
   ensures dsg_rfc_leap_day(400 * e + k) == dsg_rfc_leap_day(k);
@/
static void same_in_era(int64_t e, int64_t k)
{
    era_parts(e, k);
}
*/

/* A multiple of 400 is one of 100, a multiple of 100 one of 4. */
/*@ ghost
/@ requires 0 <= y <= 10000;
   assigns \nothing;
   ensures y % 100 == 0 ==> y % 4 == 0;
   ensures y % 400 == 0 ==> y % 100 == 0;
   ensures (y + 4) / 4 == (y + 3) / 4 + (y % 4 == 0 ? 1 : 0);
   ensures (y + 100) / 100 == (y + 99) / 100 + (y % 100 == 0 ? 1 : 0);
   ensures (y + 400) / 400 == (y + 399) / 400 + (y % 400 == 0 ? 1 : 0);
@/
static void year_parts(int64_t y)
{
}
*/

/* The days before a year grow by that year's length: dsg_rfc_ydays is
 * the sum it stands for. */
/*@ ghost
/@ requires 0 <= y <= 10000;
   assigns \nothing;
   ensures dsg_rfc_ydays(0) == 0;
   ensures dsg_rfc_ydays(y + 1) == dsg_rfc_ydays(y) + 365 + dsg_rfc_leap_day(y);
@/
static void next_year(int64_t y)
{
    year_parts(y);
}
*/

/* The days before a month grow by that month's length, and December
 * ends the year: dsg_rfc_yday is the sum it stands for. */
/*@ ghost
/@ requires 0 <= y <= 9999 && 1 <= m <= 12;
   assigns \nothing;
   ensures dsg_rfc_yday(y, 1) == 0;
   ensures m < 12 ==> dsg_rfc_yday(y, m + 1) == dsg_rfc_yday(y, m) + dsg_rfc_mdays(y, m);
   ensures m == 12 ==> dsg_rfc_yday(y, m) + dsg_rfc_mdays(y, m) == 365 + dsg_rfc_leap_day(y);
@/
static void next_month(int64_t y, int64_t m)
{
}
*/

/* The date civil computes is day z: from the split of the day into
 * era, century, four-year cycle, year and day of a March-based year, and
 * the month from March mp. */
/*@ ghost
/@ requires 0 <= z <= 3652424;
   requires 0 <= era <= 25 && 0 <= c <= 3 && 0 <= q <= 24 && 0 <= r <= 3 && 0 <= doy <= 365;
   requires z + 146097 - 60 == 146097 * era + 36524 * c + 1461 * q + 365 * r + doy;
   requires doy == 365 ==> r == 3 && (q < 24 || c == 3);
   requires 0 <= mp <= 11 && (153 * mp + 2) / 5 <= doy;
   requires mp < 11 ==> doy < (153 * mp + 155) / 5;
   requires mp / 10 == (mp >= 10 ? 1 : 0);
   requires y == 400 * era + 100 * c + 4 * q + r + mp / 10 - 400;
   requires m == mp + 3 - 12 * (mp / 10);
   requires d == doy - (153 * mp + 2) / 5 + 1;
   assigns \nothing;
   ensures 0 <= y <= 9999;
   ensures 1 <= m <= 12;
   ensures 1 <= d <= dsg_rfc_mdays(y, m);
   ensures dsg_rfc_ydays(y) + dsg_rfc_yday(y, m) + d - 1 == z;
@/
static void date_of(int64_t z, int64_t era, int64_t c, int64_t q, int64_t r, int64_t doy,
                    int64_t mp, int64_t y, int64_t m, int64_t d)
{
    year_of_era(c, q, r);
    next_year(100 * c + 4 * q + r);
    if (era > 0)
        same_in_era(era - 1, 100 * c + 4 * q + r + mp / 10);
    /@ assert era == 0 ==> y == 0 && mp >= 10 && 100 * c + 4 * q + r == 399; @/
    /@ assert dsg_rfc_ydays(y) == 146097 * (era - 1) + dsg_rfc_ydays(100 * c + 4 * q + r + mp / 10) &&
              dsg_rfc_leap_day(y) == dsg_rfc_leap_day(100 * c + 4 * q + r + mp / 10); @/
    /@ assert mp < 10 ==> dsg_rfc_yday(y, m) == 59 + dsg_rfc_leap_day(y) + (153 * mp + 2) / 5; @/
    /@ assert mp >= 10 ==> dsg_rfc_yday(y, m) == (153 * mp + 2) / 5 - 306; @/
    /@ assert mp < 11 ==> dsg_rfc_mdays(y, m) == (153 * mp + 155) / 5 - (153 * mp + 2) / 5; @/
    /@ assert mp == 11 ==> dsg_rfc_mdays(y, m) == 28 + dsg_rfc_leap_day(y); @/
    /@ assert doy == 365 ==> mp == 11 && dsg_rfc_leap_day(y) == 1; @/
    /@ assert d <= dsg_rfc_mdays(y, m); @/
    /@ assert mp < 10 ==> dsg_rfc_ydays(y) + dsg_rfc_yday(y, m) + d - 1 == z; @/
    /@ assert mp >= 10 ==> dsg_rfc_ydays(y) + dsg_rfc_yday(y, m) + d - 1 == z; @/
}
*/

/* The date z days after 0000-01-01 (H. Hinnant's civil_from_days, in
 * March-based years so that the leap day ends the year, shifted by one
 * 400-year era so that every quantity is non-negative). The era is split
 * into centuries of 36524 days (the last 36525), those into four-year
 * cycles of 1461 days (the last of a century 1460 unless the century ends
 * the era), those into years of 365 days (the last 366 in a leap cycle). */
/*@ requires 0 <= z <= 3652424;
    assigns \nothing;
    ensures 0 <= \result.y <= 9999;
    ensures 1 <= \result.m <= 12;
    ensures 1 <= \result.d <= dsg_rfc_mdays(\result.y, \result.m);
    ensures dsg_rfc_ydays(\result.y) + dsg_rfc_yday(\result.y, \result.m) + \result.d - 1 == z;
*/
static civil_date civil(int64_t z)
{
    int64_t zm = z + 146097 - 60;          /* days since -0400-03-01 */
    int64_t era = zm / 146097;             /* 0..25 */
    int64_t doe = zm - era * 146097;       /* day of the era, 0..146096 */
    int64_t c = (doe - doe / 146096) / 36524;
    int64_t doc = doe - c * 36524;         /* day of the century */
    int64_t q = doc / 1461;
    int64_t doq = doc - q * 1461;          /* day of the four-year cycle */
    int64_t r = (doq - doq / 1460) / 365;
    int64_t doy = doq - r * 365;           /* day of the March-based year */
    int64_t mp = (5 * doy + 2) / 153;      /* month from March, 0..11 */
    civil_date out;
    out.d = doy - (153 * mp + 2) / 5 + 1;
    out.m = mp + 3 - 12 * (mp / 10);
    out.y = 400 * era + 100 * c + 4 * q + r + mp / 10 - 400;
    /*@ assert doy == 365 ==> r == 3 && doq == 1460 && (q < 24 || c == 3); */
    //@ ghost date_of(z, era, c, q, r, doy, mp, out.y, out.m, out.d);
    return out;
}

/* The day of sec and its second: counted from 0000-01-01 (719528 days,
 * 62167219200 s, before the epoch), so that C's truncating division is
 * the floor. */
/*@ ghost
/@ requires DSG_RFC3339_SEC_MIN <= sec <= DSG_RFC3339_SEC_MAX;
   assigns \nothing;
   ensures dsg_rfc_floor_div(sec, 86400) == (sec + 62167219200) / 86400 - 719528;
   ensures (sec + 62167219200) % 86400 == sec - 86400 * dsg_rfc_floor_div(sec, 86400);
@/
static void day_of(int64_t sec)
{
}
*/

/* 1970-01-01 is day 719528 after 0000-01-01. */
/*@ ghost
/@ assigns \nothing;
   ensures dsg_rfc_ydays(1970) == 719528;
@/
static void epoch(void)
{
    /@ assert 1973 / 4 == 493 && 2069 / 100 == 20 && 2369 / 400 == 5; @/
}
*/

/* A second of the day is its hours, minutes and seconds. */
/*@ ghost
/@ requires 0 <= tod < 86400;
   assigns \nothing;
   ensures 3600 * (tod / 3600) + 60 * (tod / 60 % 60) + tod % 60 == tod;
@/
static void time_of_day(int64_t tod)
{
    /@ assert tod / 60 == 60 * (tod / 3600) + tod % 3600 / 60; @/
    /@ assert tod / 60 % 60 == tod % 3600 / 60; @/
    /@ assert tod % 60 == tod % 3600 % 60; @/
}
*/

/* A number is its decimal digits. */
/*@ ghost
/@ requires 0 <= v <= 9999;
   assigns \nothing;
   ensures v <= 99 ==> 10 * (v / 10) + v % 10 == v;
   ensures v <= 999 ==> 100 * (v / 100) + 10 * (v / 10 % 10) + v % 10 == v;
   ensures 1000 * (v / 1000) + 100 * (v / 100 % 10) + 10 * (v / 10 % 10) + v % 10 == v;
   ensures 0 <= v / 1000 <= 9 && 0 <= v / 100 % 10 <= 9 && 0 <= v / 10 % 10 <= 9 && 0 <= v % 10 <= 9;
   ensures v <= 999 ==> v / 100 <= 9;
   ensures v <= 99 ==> v / 10 <= 9;
@/
static void digits(int64_t v)
{
    /@ assert v / 10 == 10 * (v / 100) + v / 10 % 10; @/
    /@ assert v / 100 == 10 * (v / 1000) + v / 100 % 10; @/
}
*/

/* The bytes put_fields writes read back as the fields it was given, in
 * the shape of RFC 3339 (proved apart from the stores). */
/*@ ghost
/@ requires \valid_read(out + (0 .. 24));
   requires 0 <= y <= 9999 && 0 <= m <= 99 && 0 <= d <= 99;
   requires 0 <= hh <= 99 && 0 <= mi <= 99 && 0 <= ss <= 99 && 0 <= ms <= 999;
   requires out[0] == '0' + y / 1000 && out[1] == '0' + y / 100 % 10 &&
              out[2] == '0' + y / 10 % 10 && out[3] == '0' + y % 10 &&
              out[5] == '0' + m / 10 && out[6] == '0' + m % 10 &&
              out[8] == '0' + d / 10 && out[9] == '0' + d % 10 &&
              out[11] == '0' + hh / 10 && out[12] == '0' + hh % 10 &&
              out[14] == '0' + mi / 10 && out[15] == '0' + mi % 10 &&
              out[17] == '0' + ss / 10 && out[18] == '0' + ss % 10 &&
              out[20] == '0' + ms / 100 && out[21] == '0' + ms / 10 % 10 &&
              out[22] == '0' + ms % 10 &&
              out[4] == '-' && out[7] == '-' && out[10] == 'T' && out[13] == ':' &&
              out[16] == ':' && out[19] == '.' && out[23] == 'Z' && out[24] == 0;
   assigns \nothing;
   ensures dsg_rfc_shape(out);
   ensures dsg_rfc_year(out) == y;
   ensures dsg_rfc_month(out) == m;
   ensures dsg_rfc_day(out) == d;
   ensures dsg_rfc_hour(out) == hh;
   ensures dsg_rfc_minute(out) == mi;
   ensures dsg_rfc_second(out) == ss;
   ensures dsg_rfc_milli(out) == ms;
@/
static void read_back(const char *out, int64_t y, int64_t m, int64_t d, int64_t hh,
                      int64_t mi, int64_t ss, int64_t ms)
{
    digits(y);
    digits(m);
    digits(d);
    digits(hh);
    digits(mi);
    digits(ss);
    digits(ms);
    /@ assert dsg_rfc_is_digit(out[0]) && dsg_rfc_is_digit(out[1]) &&
              dsg_rfc_is_digit(out[2]) && dsg_rfc_is_digit(out[3]); @/
    /@ assert dsg_rfc_is_digit(out[5]) && dsg_rfc_is_digit(out[6]) &&
              dsg_rfc_is_digit(out[8]) && dsg_rfc_is_digit(out[9]); @/
    /@ assert dsg_rfc_is_digit(out[11]) && dsg_rfc_is_digit(out[12]) &&
              dsg_rfc_is_digit(out[14]) && dsg_rfc_is_digit(out[15]) &&
              dsg_rfc_is_digit(out[17]) && dsg_rfc_is_digit(out[18]); @/
    /@ assert dsg_rfc_is_digit(out[20]) && dsg_rfc_is_digit(out[21]) &&
              dsg_rfc_is_digit(out[22]); @/
}
*/

/* The character of the digit v. */
/*@ requires 0 <= v <= 9;
    assigns \nothing;
    ensures \result == '0' + v;
*/
static char digit(int64_t v)
{
    return (char)('0' + v);
}

/* YYYY-MM-DDTHH:MM:SS.mmmZ and a NUL, from fields in range: each byte. */
/*@ requires \valid(out + (0 .. 24));
    requires 0 <= y <= 9999 && 0 <= m <= 99 && 0 <= d <= 99;
    requires 0 <= hh <= 99 && 0 <= mi <= 99 && 0 <= ss <= 99 && 0 <= ms <= 999;
    assigns out[0 .. 24];
    ensures out[0] == '0' + y / 1000 && out[1] == '0' + y / 100 % 10 &&
             out[2] == '0' + y / 10 % 10 && out[3] == '0' + y % 10 &&
             out[5] == '0' + m / 10 && out[6] == '0' + m % 10 &&
             out[8] == '0' + d / 10 && out[9] == '0' + d % 10 &&
             out[11] == '0' + hh / 10 && out[12] == '0' + hh % 10 &&
             out[14] == '0' + mi / 10 && out[15] == '0' + mi % 10 &&
             out[17] == '0' + ss / 10 && out[18] == '0' + ss % 10 &&
             out[20] == '0' + ms / 100 && out[21] == '0' + ms / 10 % 10 &&
             out[22] == '0' + ms % 10 &&
             out[4] == '-' && out[7] == '-' && out[10] == 'T' && out[13] == ':' &&
             out[16] == ':' && out[19] == '.' && out[23] == 'Z' && out[24] == 0;
*/
static void put_fields(char *out, int64_t y, int64_t m, int64_t d, int64_t hh, int64_t mi,
                       int64_t ss, int64_t ms)
{
    out[0] = digit(y / 1000);
    out[1] = digit(y / 100 % 10);
    out[2] = digit(y / 10 % 10);
    out[3] = digit(y % 10);
    out[4] = '-';
    out[5] = digit(m / 10);
    out[6] = digit(m % 10);
    out[7] = '-';
    out[8] = digit(d / 10);
    out[9] = digit(d % 10);
    out[10] = 'T';
    out[11] = digit(hh / 10);
    out[12] = digit(hh % 10);
    out[13] = ':';
    out[14] = digit(mi / 10);
    out[15] = digit(mi % 10);
    out[16] = ':';
    out[17] = digit(ss / 10);
    out[18] = digit(ss % 10);
    out[19] = '.';
    out[20] = digit(ms / 100);
    out[21] = digit(ms / 10 % 10);
    out[22] = digit(ms % 10);
    out[23] = 'Z';
    out[24] = '\0';
}

size_t dsg_rfc3339_ms(char *out, size_t size, int64_t sec, int64_t nsec)
{
    if (size < 25 || nsec < 0 || nsec > 999999999 || sec < DSG_RFC3339_SEC_MIN ||
        sec > DSG_RFC3339_SEC_MAX)
        return 0;
    int64_t t = sec - DSG_RFC3339_SEC_MIN;   /* seconds since 0000-01-01T00:00:00Z */
    civil_date c = civil(t / 86400);
    int64_t tod = t % 86400;                 /* second of the day */
    put_fields(out, c.y, c.m, c.d, tod / 3600, tod / 60 % 60, tod % 60, nsec / 1000000);
    //@ ghost read_back(out, c.y, c.m, c.d, tod / 3600, tod / 60 % 60, tod % 60, nsec / 1000000);
    //@ ghost day_of(sec);
    //@ ghost time_of_day(tod);
    //@ ghost epoch();
    /*@ assert dsg_rfc_days_from_civil(c.y, c.m, c.d) == dsg_rfc_floor_div(sec, 86400); */
    return 24;
}
