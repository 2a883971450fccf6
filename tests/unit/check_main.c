/*
** check_main.c -- run the Check suites: all of them (check_unit), or one (check_<module>).
**
** The exit status is the number of failed tests, capped at 125 so a shell sees a failure.
** CK_RUN_SUITE and CK_FORK work as Check documents them.
*/
#include <check.h>
#include <stdlib.h>

#include "suites_list.h"

int main(void)
{
    SRunner *sr = srunner_create(NULL);
#ifdef WEFT_ONE_SUITE
    srunner_add_suite(sr, WEFT_ONE_SUITE());
#else
#define X(fn) srunner_add_suite(sr, fn());
    WEFT_SUITES(X)
#undef X
#endif
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed > 125 ? 125 : failed;
}
