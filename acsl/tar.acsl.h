/*
 * ACSL logic for the tar headers of a bulk download (src/core/tar.h).
 * Included by that header; installed with it. Plain definitions; nothing
 * assumed.
 */
#ifndef DSG_ACSL_TAR_H
#define DSG_ACSL_TAR_H

/*@
  // A name an entry may have: 1 .. max bytes, no NUL and no '/', not "."
  // or "..": every entry extracts into the directory tar runs in.
  predicate dsg_tar_name_valid{L}(uint8_t *n, integer len, integer max) =
    1 <= len <= max &&
    (\forall integer k; 0 <= k < len ==> n[k] != 0 && n[k] != '/') &&
    !(len == 1 && n[0] == '.') &&
    !(len == 2 && n[0] == '.' && n[1] == '.');
*/

#endif
