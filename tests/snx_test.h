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

#include <fcntl.h>
#include <signal.h> /* before snex.h: its names must not clash with POSIX macros
                       (sim.h's parameters were once named si_value, a <signal.h> macro) */
#include <unistd.h>

#include "snex.h"

/* Explores the int parameter `name` over 0, step, 2 step, ... (n values): the sweep
 * most Environment tests run. 0 or an error code. */
static inline int snx_test_explore_ints(snx_traj *traj, const char *name, size_t n,
                                        int64_t step)
{
    int64_t *v = malloc((n ? n : 1) * sizeof *v);
    snx_ranges *r = snx_ranges_new();
    for (size_t k = 0; v && k < n; k++)
        v[k] = (int64_t)k * step;
    int rc = !v || !r ? SNX_ENOMEM : snx_ranges_add_ints(r, name, v, n);
    if (!rc)
        rc = snx_traj_explore(traj, r);
    snx_ranges_free(r);
    free(v);
    return rc;
}

/* Sends what is written to descriptor fd (STDOUT_FILENO, STDERR_FILENO) to the
 * file at path, truncated; returns a copy of the old descriptor for
 * snx_test_unredirect. */
static inline int snx_test_redirect(int fd, const char *path)
{
    fflush(NULL);
    int saved = dup(fd);
    int file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(saved >= 0 && file >= 0);
    dup2(file, fd);
    close(file);
    return saved;
}

static inline void snx_test_unredirect(int fd, int saved)
{
    fflush(NULL);
    dup2(saved, fd);
    close(saved);
}

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
