/*
 * The unit-test runner: every tests/check_<name>.c defines
 * Suite *suite_<name>(void); the build lists them in suites.h.
 * Check prints its summary lines; CK_TAP_LOG_FILE_NAME gets the TAP log
 * that tests/run-check.sh turns into trace results.
 */
#include <check.h>
#include <stdlib.h>

#define DSG_SUITE(fn) Suite *fn(void);
#include "suites.h"
#undef DSG_SUITE

int main(void)
{
    SRunner *runner = srunner_create(NULL);
#define DSG_SUITE(fn) srunner_add_suite(runner, fn());
#include "suites.h"
#undef DSG_SUITE
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
