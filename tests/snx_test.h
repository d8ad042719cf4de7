/* Shared test helpers on top of cmocka. */
#ifndef SNX_TEST_H
#define SNX_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex.h"

/* |a - b| <= tol, printing both values on failure. */
#define assert_close(a, b, tol)                                                        \
    do {                                                                               \
        double a_ = (a), b_ = (b), t_ = (tol);                                         \
        if (!(fabs(a_ - b_) <= t_)) {                                                  \
            print_error("%s = %.17g, expected %.17g (tolerance %g)\n", #a, a_, b_, t_); \
            fail();                                                                    \
        }                                                                              \
    } while (0)

/* The call returns 0; otherwise print its status and snx_errmsg(). */
#define assert_ok(expr)                                                                \
    do {                                                                               \
        int rc_ = (int)(expr);                                                         \
        if (rc_ != 0) {                                                                \
            print_error("%s returned %d (%s): %s\n", #expr, rc_, snx_strerror(rc_),    \
                        snx_errmsg());                                                 \
            fail();                                                                    \
        }                                                                              \
    } while (0)

/* The call fails with exactly `code`, and its message contains `fragment`. */
#define assert_fails(expr, code, fragment)                                             \
    do {                                                                               \
        int rc_ = (int)(expr);                                                         \
        if (rc_ != (code)) {                                                           \
            print_error("%s returned %d (%s), expected %d (%s); message: %s\n", #expr,  \
                        rc_, snx_strerror(rc_), (int)(code), snx_strerror(code),       \
                        snx_errmsg());                                                 \
            fail();                                                                    \
        }                                                                              \
        if (!strstr(snx_errmsg(), (fragment))) {                                       \
            print_error("message \"%s\" lacks \"%s\"\n", snx_errmsg(), (fragment));    \
            fail();                                                                    \
        }                                                                              \
    } while (0)

#define assert_errmsg_contains(fragment)                                               \
    do {                                                                               \
        if (!strstr(snx_errmsg(), (fragment))) {                                       \
            print_error("message \"%s\" lacks \"%s\"\n", snx_errmsg(), (fragment));    \
            fail();                                                                    \
        }                                                                              \
    } while (0)

#endif
