/*
 * ACSL logic for UTC RFC 3339 timestamps with milliseconds
 * (src/core/rfc3339.h). Included by that header; installed with it.
 * No axioms and no lemmas: every function and predicate is a plain
 * definition. The facts of the calendar the proof needs are the contracts
 * of ghost functions in src/core/rfc3339.c, each proved by WP in a context
 * of its own and used by calling it.
 *
 * The calendar is stated the plain way, so that it can be checked by
 * reading: the Gregorian leap rule, a table of month lengths, the days
 * before each month, and the days before each year as 365 per year plus
 * one per leap year before it. The ghost functions next_year and
 * next_month of src/core/rfc3339.c prove that the closed forms are those
 * sums.
 */
#ifndef DSG_ACSL_RFC3339_H
#define DSG_ACSL_RFC3339_H

/*@
  // Gregorian leap years: every 4th, except every 100th, except every 400th.
  // 1 in a leap year, else 0.
  logic integer dsg_rfc_leap_day(integer y) =
    ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 1 : 0;

  // Days in month m (1..12) of year y.
  logic integer dsg_rfc_mdays(integer y, integer m) =
    m == 2 ? 28 + dsg_rfc_leap_day(y) :
    (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;

  // Days of year y before the first of month m (1..12).
  logic integer dsg_rfc_yday(integer y, integer m) =
    (m == 1 ? 0 : m == 2 ? 31 : m == 3 ? 59 : m == 4 ? 90 : m == 5 ? 120 :
     m == 6 ? 151 : m == 7 ? 181 : m == 8 ? 212 : m == 9 ? 243 :
     m == 10 ? 273 : m == 11 ? 304 : 334) +
    (m > 2 ? dsg_rfc_leap_day(y) : 0);

  // Days from 0000-01-01 to the first of January of year y >= 0: 365 a
  // year, and one for each leap year among 0 .. y-1 (the multiples of 4,
  // less those of 100, plus those of 400; year 0 is one of each).
  logic integer dsg_rfc_ydays(integer y) =
    365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;

  // Days from 1970-01-01 to y-m-d (negative before it), y >= 0.
  logic integer dsg_rfc_days_from_civil(integer y, integer m, integer d) =
    dsg_rfc_ydays(y) + dsg_rfc_yday(y, m) + d - 1 - dsg_rfc_ydays(1970);

  // floor(a / b) for b > 0 (ACSL's / truncates toward zero).
  logic integer dsg_rfc_floor_div(integer a, integer b) =
    a >= 0 ? a / b : -((-a + b - 1) / b);

  // The fields of YYYY-MM-DDTHH:MM:SS.mmmZ, read from their digits
  // (the value of the digit s[k] is s[k] - '0').
  logic integer dsg_rfc_dv{L}(char *s, integer k) = s[k] - '0';

  predicate dsg_rfc_is_digit(integer c) = '0' <= c <= '9';

  logic integer dsg_rfc_year{L}(char *s) =
    1000 * dsg_rfc_dv(s, 0) + 100 * dsg_rfc_dv(s, 1) + 10 * dsg_rfc_dv(s, 2) + dsg_rfc_dv(s, 3);
  logic integer dsg_rfc_month{L}(char *s) = 10 * dsg_rfc_dv(s, 5) + dsg_rfc_dv(s, 6);
  logic integer dsg_rfc_day{L}(char *s) = 10 * dsg_rfc_dv(s, 8) + dsg_rfc_dv(s, 9);
  logic integer dsg_rfc_hour{L}(char *s) = 10 * dsg_rfc_dv(s, 11) + dsg_rfc_dv(s, 12);
  logic integer dsg_rfc_minute{L}(char *s) = 10 * dsg_rfc_dv(s, 14) + dsg_rfc_dv(s, 15);
  logic integer dsg_rfc_second{L}(char *s) = 10 * dsg_rfc_dv(s, 17) + dsg_rfc_dv(s, 18);
  logic integer dsg_rfc_milli{L}(char *s) =
    100 * dsg_rfc_dv(s, 20) + 10 * dsg_rfc_dv(s, 21) + dsg_rfc_dv(s, 22);

  // The shape: digits where digits go, the separators at their places, NUL at 24.
  predicate dsg_rfc_shape{L}(char *s) =
    dsg_rfc_is_digit(s[0]) && dsg_rfc_is_digit(s[1]) && dsg_rfc_is_digit(s[2]) &&
    dsg_rfc_is_digit(s[3]) && dsg_rfc_is_digit(s[5]) && dsg_rfc_is_digit(s[6]) &&
    dsg_rfc_is_digit(s[8]) && dsg_rfc_is_digit(s[9]) && dsg_rfc_is_digit(s[11]) &&
    dsg_rfc_is_digit(s[12]) && dsg_rfc_is_digit(s[14]) && dsg_rfc_is_digit(s[15]) &&
    dsg_rfc_is_digit(s[17]) && dsg_rfc_is_digit(s[18]) && dsg_rfc_is_digit(s[20]) &&
    dsg_rfc_is_digit(s[21]) && dsg_rfc_is_digit(s[22]) &&
    s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
    s[16] == ':' && s[19] == '.' && s[23] == 'Z' && s[24] == 0;

  // The fields are in range for their calendar.
  predicate dsg_rfc_fields_ok{L}(char *s) =
    1 <= dsg_rfc_month(s) <= 12 &&
    1 <= dsg_rfc_day(s) <= dsg_rfc_mdays(dsg_rfc_year(s), dsg_rfc_month(s)) &&
    dsg_rfc_hour(s) < 24 && dsg_rfc_minute(s) < 60 && dsg_rfc_second(s) < 60;

  // s names the instant sec (seconds since 1970-01-01T00:00:00Z, no leap
  // seconds) to the millisecond below nsec.
  predicate dsg_rfc_names{L}(char *s, integer sec, integer nsec) =
    dsg_rfc_days_from_civil(dsg_rfc_year(s), dsg_rfc_month(s), dsg_rfc_day(s)) ==
      dsg_rfc_floor_div(sec, 86400) &&
    3600 * dsg_rfc_hour(s) + 60 * dsg_rfc_minute(s) + dsg_rfc_second(s) ==
      sec - 86400 * dsg_rfc_floor_div(sec, 86400) &&
    dsg_rfc_milli(s) == nsec / 1000000;
*/

#endif
