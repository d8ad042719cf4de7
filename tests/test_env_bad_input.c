/* The bad-input catalogue of the Environment (bad_input_test.h): options out of
 * range, an output folder that cannot be written, and a run that exhausts its memory
 * limit. */
#include "bad_input_test.h"

#include <stdint.h>

static snx_env *env_with(snx_env_opts o)
{
    if (!o.storage)
        o.storage = SNX_ENV_NO_STORAGE;
    o.log_folder = "";
    o.log_level = SNX_LOG_ERROR;
    return snx_env_new(&o);
}

/* issue 12, defect 6: NaN timeouts and intervals, absurd worker counts were accepted. */
static void test_options(void **state)
{
    (void)state;
    BAD_NULL(env_with((snx_env_opts){ .commit_interval = NAN }), SNX_EINVAL, "commit interval");
    BAD_NULL(env_with((snx_env_opts){ .commit_interval = INFINITY }), SNX_EINVAL, "commit interval");
    BAD_NULL(env_with((snx_env_opts){ .run_timeout = NAN }), SNX_EINVAL, "run timeout");
    BAD_NULL(env_with((snx_env_opts){ .run_timeout = INFINITY }), SNX_EINVAL, "run timeout");
    BAD_NULL(env_with((snx_env_opts){ .run_timeout = -1 }), SNX_EINVAL, "run timeout");
    BAD_NULL(env_with((snx_env_opts){ .grace_period = NAN }), SNX_EINVAL, "grace period");
    BAD_NULL(env_with((snx_env_opts){ .n_workers = (size_t)-3 }), SNX_EINVAL, "worker processes");
    BAD_NULL(env_with((snx_env_opts){ .n_workers = 100000 }), SNX_EINVAL, "worker processes");
    BAD_NULL(env_with((snx_env_opts){ .compression = 10 }), SNX_EINVAL, "compression");
    BAD_NULL(env_with((snx_env_opts){ .compression = -2 }), SNX_EINVAL, "compression");
    BAD_NULL(env_with((snx_env_opts){ .single_process = true, .stateless = true, .run_timeout = 1 }),
             SNX_EINVAL, "timeout");
    BAD_NULL(env_with((snx_env_opts){ .single_process = true }), SNX_EINVAL, "restore");
    BAD_NULL(env_with((snx_env_opts){ .trajectory = "a.b" }), SNX_ENAME, "a.b");
    snx_env *env = env_with((snx_env_opts){ .trajectory = "fine", .n_workers = 2 });
    assert_non_null(env);
    snx_env_free(env);
}

static int trivial(snx_traj *traj, void *data, snx_value *ret)
{
    (void)data, (void)ret;
    return snx_traj_add_result(traj, "x", snx_int(1), "") ? 0 : snx_errcode();
}

/* A folder that cannot be written is refused by snx_env_new, not after the runs. */
static void test_unwritable_folder(void **state)
{
    (void)state;
    const snx_env_storage *hdf5 = snx_env_default_storage();
    if (!hdf5) /* linked without storage/ (make check-layers) */
        return;
    BAD_NULL(env_with((snx_env_opts){ .trajectory = "ro", .storage = hdf5,
                                      .filename = "/proc/snex_cannot/ro.hdf5" }),
             SNX_EIO, "cannot create folder");
    BAD_NULL(env_with((snx_env_opts){ .trajectory = "ro", .storage = hdf5,
                                      .filename = "/proc/ro.hdf5" }),
             SNX_EIO, "cannot write in folder \"/proc\"");
    if (geteuid() != 0) { /* root writes into any folder whatever its mode */
        assert_ok(system("mkdir -p ro_folder && chmod 555 ro_folder"));
        BAD_NULL(env_with((snx_env_opts){ .trajectory = "ro", .storage = hdf5,
                                          .filename = "ro_folder/ro.hdf5" }),
                 SNX_EIO, "cannot write in folder");
        assert_ok(system("chmod 755 ro_folder"));
    }
    snx_env *env = env_with((snx_env_opts){ .trajectory = "rw", .storage = hdf5,
                                            .filename = "rw_folder/rw.hdf5", .n_workers = 1,
                                            .overwrite = true });
    assert_non_null(env);
    assert_ok(snx_env_run(env, trivial, NULL));
    snx_env_free(env);
}

/* Allocates (and touches) 1 GiB in steps of 64 MiB. */
static int hungry(snx_traj *traj, void *data, snx_value *ret)
{
    (void)data, (void)ret;
    if (snx_traj_int(traj, "big") == 0)
        return 0;
    char *blocks[16] = { NULL };
    int rc = 0;
    for (int k = 0; k < 16 && !rc; k++) {
        if (!(blocks[k] = snx_malloc((size_t)64 << 20)))
            rc = SNX_ENOMEM;
        else
            memset(blocks[k], 1, (size_t)64 << 20);
    }
    for (int k = 0; k < 16; k++)
        free(blocks[k]);
    return rc;
}

/* issue 12, defect 8: a per-run memory limit; the run that exceeds it fails alone. */
static void test_memory_limit(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    return; /* AddressSanitizer's shadow memory exceeds any address-space limit */
#endif
    const char *preload = getenv("LD_PRELOAD");
    if (preload && strstr(preload, "vgpreload"))
        return; /* so does valgrind's own address space */
    snx_env *env = env_with((snx_env_opts){ .trajectory = "mem", .n_workers = 2,
                                            .run_memory = (size_t)512 << 20 });
    assert_non_null(env);
    snx_traj *traj = snx_env_traj(env);
    assert_non_null(snx_traj_add_parameter(traj, "big", snx_int(0), ""));
    assert_ok(snx_test_explore_ints(traj, "big", 3, 1));
    assert_fails(snx_env_run(env, hungry, NULL), SNX_ERUN, "");
    assert_int_equal(snx_env_n_completed(env), 1);
    assert_int_equal(snx_env_n_failed(env), 2);
    size_t n;
    const snx_run_result *r = snx_env_results(env, &n);
    assert_non_null(r[1].error);
    if (!strstr(r[1].error, "out of memory") && !strstr(r[1].error, "memory limit"))
        fail_msg("run 1 failed for another reason: %s", r[1].error);
    bad_cases++;
    snx_env_free(env);
}

static void test_count(void **state)
{
    (void)state;
    bad_report("test_env_bad_input", 13);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options), cmocka_unit_test(test_unwritable_folder),
        cmocka_unit_test(test_memory_limit), cmocka_unit_test(test_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
