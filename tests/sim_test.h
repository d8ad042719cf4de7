/* Helpers shared by the tests of the simulation engine (tests/test_sim_*.c). */
#ifndef SIM_TEST_H
#define SIM_TEST_H

#include "snx_test.h"

#define DT 1e-4 /* the default time step, 0.1 ms */

/* A network with the default dt and a fixed seed. */
static inline snx_net *test_net(uint64_t seed)
{
    snx_net *net = snx_net_new(&(snx_net_opts){ .seed = seed });
    assert_non_null(net);
    return net;
}

/* A group that must build; prints the message otherwise. */
static inline snx_group *must_group(snx_net *net, const char *name, int32_t n, const char *eqs,
                                    const snx_group_opts *opts)
{
    snx_group *g = snx_group_new(net, name, n, eqs, opts);
    if (!g)
        print_error("snx_group_new(%s): %s\n", name, snx_errmsg());
    assert_non_null(g);
    return g;
}

/* Group options inside macro arguments (the parentheses protect the commas). */
#define OPTS(...) (&(snx_group_opts){ __VA_ARGS__ })

/* snx_group_new must fail with `code` and a message containing each fragment. */
#define assert_group_fails(net, eqs, opts, code, ...)                                   \
    do {                                                                                \
        snx_group *g_ = snx_group_new((net), "bad", 4, (eqs), (opts));                  \
        if (g_)                                                                         \
            print_error("snx_group_new unexpectedly succeeded for %s\n", (eqs));        \
        assert_null(g_);                                                                \
        assert_int_equal(snx_errcode(), (code));                                        \
        const char *frags_[] = { __VA_ARGS__ };                                         \
        for (size_t f_ = 0; f_ < sizeof frags_ / sizeof frags_[0]; f_++)                \
            assert_errmsg_contains(frags_[f_]);                                         \
    } while (0)

#endif
