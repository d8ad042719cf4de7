/* storage/: every failure is a clear error, never a crash, and never damages what
 * was stored before: missing files, wrong names and indices, garbage and truncated
 * files, unknown format versions, foreign groups, a full disk, locked files,
 * reserved names, bad options. */
#include "storage_test.h"

#include <fcntl.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#define FILE_NAME "errors.hdf5"

static void store_two(void)
{
    const char *names[] = {"alpha", "beta"};
    for (int i = 0; i < 2; i++) {
        snx_traj *t = snx_traj_new(names[i], NULL);
        snx_hdf5_opts o = { 0 };
        o.overwrite_file = i == 0;
        assert_ok(snx_hdf5_attach(t, FILE_NAME, &o));
        assert_non_null(snx_traj_add_parameter(t, "v", snx_int(i), NULL));
        assert_ok(snx_traj_store(t, NULL));
        snx_traj_free(t);
    }
}

/* Loads with the given name/index and checks the failure. */
static void assert_load_fails(const char *file, const char *name, long index, int force,
                              int code, const char *fragment)
{
    snx_load_opts o = snx_load_defaults();
    o.name = name;
    o.index = index;
    o.force = force;
    snx_traj *t = snx_hdf5_load(file, &o);
    if (t)
        snx_traj_free(t);
    assert_null(t);
    assert_int_equal(snx_errcode(), code);
    assert_errmsg_contains(fragment);
}

static void test_missing_file(void **state)
{
    (void)state;
    assert_load_fails("no/such/file.hdf5", NULL, -1, 0, SNX_EIO, "no file no/such/file.hdf5");
    char **names;
    assert_fails(snx_hdf5_list("no_such.hdf5", &names), SNX_EIO, "no_such.hdf5");
    /* Loading into an attached trajectory says the same. */
    snx_traj *t = snx_traj_new("t", NULL);
    assert_ok(snx_hdf5_attach(t, "absent.hdf5", NULL));
    assert_fails(snx_traj_load(t, NULL), SNX_EIO, "absent.hdf5");
    snx_traj_free(t);
}

static void test_wrong_name_or_index(void **state)
{
    (void)state;
    store_two();
    assert_load_fails(FILE_NAME, "gamma", 0, 0, SNX_ENODATA,
                      "holds no trajectory \"gamma\" (it holds \"alpha\", \"beta\")");
    assert_load_fails(FILE_NAME, NULL, 2, 0, SNX_ENODATA, "there is no index 2");
    assert_load_fails(FILE_NAME, NULL, -3, 0, SNX_ENODATA, "holds 2 trajectories");
    /* A group that is not a trajectory is neither listed nor loaded. */
    hid_t f = H5Fopen(FILE_NAME, H5F_ACC_RDWR, H5P_DEFAULT);
    H5Gclose(H5Gcreate2(f, "foreign", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Fclose(f);
    assert_load_fails(FILE_NAME, "foreign", 0, 0, SNX_EFORMAT, "not a snex trajectory");
    char **names;
    long n = snx_hdf5_list(FILE_NAME, &names);
    assert_int_equal(n, 2);
    snx_hdf5_names_free(names, n);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void test_garbage_and_truncated_files(void **state)
{
    (void)state;
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 7919 % 251);
    write_bytes("garbage.hdf5", junk, sizeof junk);
    assert_load_fails("garbage.hdf5", NULL, -1, 0, SNX_EFORMAT, "garbage.hdf5 is not an HDF5 file");
    write_bytes("empty.hdf5", junk, 0);
    assert_load_fails("empty.hdf5", NULL, -1, 0, SNX_EFORMAT, "not an HDF5 file");

    /* A copy cut off at several lengths: an error every time, never a crash. */
    store_two();
    FILE *f = fopen(FILE_NAME, "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    for (long cut = size / 8; cut < size; cut += size / 8) {
        write_bytes("cut.hdf5", data, (size_t)cut);
        snx_traj *t = snx_hdf5_load("cut.hdf5", NULL);
        if (t) /* a cut behind everything the trajectory needs may still load */
            snx_traj_free(t);
        else
            assert_true(snx_errcode() == SNX_EFORMAT || snx_errcode() == SNX_EIO);
    }
    write_bytes("cut.hdf5", data, (size_t)size / 2);
    assert_load_fails("cut.hdf5", NULL, -1, 0, SNX_EFORMAT, "cut.hdf5 is damaged or truncated");
    free(data);
    /* The original is untouched by all this. */
    snx_traj *t = st_load(FILE_NAME, "beta", SNX_LOAD_DATA, 0, 0);
    assert_int_equal(snx_traj_int(t, "v"), 1);
    snx_traj_free(t);
}

static void test_unknown_format_version(void **state)
{
    (void)state;
    store_two();
    hid_t f = H5Fopen(FILE_NAME, H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t g = H5Gopen2(f, "beta", H5P_DEFAULT);
    hid_t a = H5Aopen(g, "snex_format", H5P_DEFAULT);
    int64_t v = SNX_HDF5_FORMAT_VERSION + 98;
    H5Awrite(a, H5T_NATIVE_INT64, &v);
    H5Aclose(a);
    H5Gclose(g);
    H5Fclose(f);
    assert_load_fails(FILE_NAME, "beta", 0, 0, SNX_EVERSION, "format version 99");
    snx_load_opts o = snx_load_defaults();
    o.name = "beta";
    o.force = 1;
    snx_traj *t = snx_hdf5_load(FILE_NAME, &o);
    assert_non_null(t);
    assert_int_equal(snx_traj_int(t, "v"), 1);
    snx_traj_free(t);
}

static void test_same_name_twice(void **state)
{
    (void)state;
    store_two();
    snx_traj *t = snx_traj_new("alpha", NULL);
    assert_ok(snx_hdf5_attach(t, FILE_NAME, NULL));
    assert_fails(snx_traj_store(t, NULL), SNX_EEXIST, "already holds a trajectory \"alpha\"");
    snx_traj_free(t);
}

/* n doubles that do not compress. */
static double *noise(size_t n)
{
    double *d = malloc(n * sizeof *d);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        d[i] = (double)x;
    }
    return d;
}

static void test_full_disk(void **state)
{
    (void)state;
    snx_traj *t = st_new("full", FILE_NAME);
    st_explore_xy(t, 2, 2);
    assert_non_null(snx_traj_add_result(t, "before", snx_int(42), NULL));
    assert_ok(snx_traj_store(t, NULL));
    assert_ok(snx_hdf5_close(t));

    /* The file may not grow by more than a few kilobytes. */
    FILE *f = fopen(FILE_NAME, "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)size + 8192;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    double *m = noise(200000);
    snx_node *big = snx_traj_add_result(t, "big", snx_none(), NULL);
    assert_ok(snx_result_set(big, "m", snx_double_array(200000, m)));
    int rc = snx_traj_store_node(t, big, NULL);
    assert_int_equal(rc, SNX_EIO);
    assert_errmsg_contains(FILE_NAME);
    assert_errmsg_contains("File too large");
    /* The handle that failed commits nothing more; reopening works from the last
     * commit. */
    snx_hdf5_close(t);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    snx_traj *u = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_int_equal(st_val(u, "results.before", NULL)->u.i, 42);
    assert_int_equal(snx_traj_n_runs(u), 4);
    snx_traj_free(u);
    free(m);

    /* The same while runs are stored: the runs committed before stay. */
    assert_ok(snx_hdf5_close(t));
    getrlimit(RLIMIT_FSIZE, &lim);
    signal(SIGXFSZ, SIG_IGN);
    for (long i = 0; i < 4; i++) {
        assert_ok(snx_traj_begin_run(t, i));
        snx_node *r = snx_traj_add_result(t, "trace", snx_none(), NULL);
        double *d = noise(i < 2 ? 10 : 100000);
        assert_ok(snx_result_set(r, "v", snx_double_array(i < 2 ? 10 : 100000, d)));
        free(d);
        if (i == 2) { /* runs 0 and 1 are committed; now the disk fills up */
            assert_ok(snx_hdf5_flush(t));
            lim.rlim_cur = (rlim_t)size + 65536;
            setrlimit(RLIMIT_FSIZE, &lim);
        }
        assert_ok(snx_traj_store_run(t, i));
        /* Storing a run buffers; the commit is what fails. */
        if (i == 2)
            assert_fails(snx_hdf5_flush(t), SNX_EIO, "File too large");
        snx_traj_end_run(t);
    }
    snx_hdf5_close(t);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    snx_traj_free(t);
    u = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_true(snx_traj_is_completed(u, 0) && snx_traj_is_completed(u, 1));
    assert_false(snx_traj_is_completed(u, 2));
    assert_int_equal(st_val(u, "results.runs.run_00000001.trace", "v")->u.a.len, 10);
    snx_traj_free(u);
}

/* A disk that fills up while the journal is written (a small tmpfs: the file's own
 * writes fit, the journal's do not). Opening for writing fails with SNX_EIO (it was
 * taken for a damaged file); a commit fails with the reason, the handle commits
 * nothing more, and closing it neither fails twice nor leaves libhdf5 a freed file
 * to close again at exit (it used to crash there, or in snex's second close). */
static void test_full_disk_while_writing_the_journal(void **state)
{
    (void)state;
    unlink(FILE_NAME);
    snx_traj *t = snx_traj_new("journal", NULL);
    assert_ok(snx_hdf5_attach(t, FILE_NAME, &(snx_hdf5_opts){ .keep_open = true }));
    snx_node *before = snx_traj_add_result(t, "before", snx_int(42), "a comment");
    assert_ok(snx_traj_store(t, NULL));

    /* Rewriting what the file holds touches pages below its committed length only,
     * which go to the journal first: a journal of one page is beyond 4 KB. */
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 4096;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    assert_ok(snx_node_set_comment(before, "another comment"));
    int rc = snx_traj_store_node(t, before, &(snx_store_opts){ .level = SNX_STORE_OVERWRITE });
    int closed = snx_hdf5_close(t), again = snx_hdf5_close(t);
    /* Opening for writing writes too. */
    snx_traj *u = snx_hdf5_load(FILE_NAME, NULL);
    int reopened = snx_traj_store(u, NULL);
    char reopen_msg[512];
    snprintf(reopen_msg, sizeof reopen_msg, "%s", snx_errmsg());
    snx_traj_free(u);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);

    assert_int_equal(rc, SNX_EIO);
    assert_int_equal(closed, SNX_EIO);
    assert_int_equal(again, 0); /* closed once: nothing left to close */
    assert_int_equal(reopened, SNX_EIO);
    assert_non_null(strstr(reopen_msg, "cannot open " FILE_NAME));
    assert_non_null(strstr(reopen_msg, "journal"));
    assert_int_equal(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);

    /* The file is at its last commit. */
    u = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_string_equal(snx_node_comment(snx_traj_get(u, "results.before")), "a comment");
    snx_traj_free(u);
    snx_traj_free(t);
}

static void test_locked_file(void **state)
{
    (void)state;
    store_two();
    /* Another writer holds the file (flock, as HDF5 writers do). */
    int fd = open(FILE_NAME, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    assert_load_fails(FILE_NAME, "alpha", 0, 0, SNX_EIO, "in use by another process");
    close(fd);
    snx_traj *t = st_load(FILE_NAME, "alpha", SNX_LOAD_DATA, 0, 0);
    snx_traj_free(t);
}

static void test_torn_journal_is_ignored(void **state)
{
    (void)state;
    store_two();
    /* What a writer killed while writing its journal leaves next to the file. */
    char junk[1000];
    memset(junk, 'x', sizeof junk);
    memcpy(junk, "SNXJRNL1", 8);
    write_bytes(FILE_NAME ".journal", junk, sizeof junk);
    snx_traj *t = st_load(FILE_NAME, "beta", SNX_LOAD_DATA, 0, 0);
    assert_int_equal(snx_traj_int(t, "v"), 1);
    assert_true(st_file_exists(FILE_NAME ".journal")); /* readers leave it alone */
    assert_non_null(snx_traj_add_result(t, "more", snx_int(1), NULL));
    assert_ok(snx_traj_store(t, NULL)); /* a writer discards it */
    assert_false(st_file_exists(FILE_NAME ".journal"));
    snx_traj_free(t);
}

static void test_bad_arguments_and_reserved_names(void **state)
{
    (void)state;
    snx_traj *t = snx_traj_new("args", NULL);
    snx_hdf5_opts o = { 0 };
    o.complevel = 10;
    assert_fails(snx_hdf5_attach(t, FILE_NAME, &o), SNX_EINVAL, "complevel");
    assert_fails(snx_hdf5_attach(t, "", NULL), SNX_EINVAL, "empty file name");
    assert_fails(snx_hdf5_flush(t), SNX_ENOSERVICE, "no HDF5 storage service");
    assert_null(snx_hdf5_filename(t));
    assert_null(snx_hdf5_load(NULL, NULL));
    assert_int_equal(snx_errcode(), SNX_EINVAL);
    o = (snx_hdf5_opts){ 0 };
    o.overwrite_file = 1;
    assert_ok(snx_hdf5_attach(t, FILE_NAME, &o));
    assert_non_null(snx_traj_add_result(t, "_columns", snx_int(1), NULL));
    assert_fails(snx_traj_store(t, NULL), SNX_ENAME, "reserved");
    assert_ok(snx_node_remove(st_get(t, "results._columns"), SNX_REMOVE_NODE));
    assert_non_null(snx_traj_add_group(t, "overview", NULL));
    assert_fails(snx_traj_store(t, NULL), SNX_ENAME, "\"overview\" is reserved");
    snx_traj_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_wrong_name_or_index),
        cmocka_unit_test(test_garbage_and_truncated_files),
        cmocka_unit_test(test_unknown_format_version),
        cmocka_unit_test(test_same_name_twice),
        cmocka_unit_test(test_full_disk),
        cmocka_unit_test(test_full_disk_while_writing_the_journal),
        cmocka_unit_test(test_locked_file),
        cmocka_unit_test(test_torn_journal_is_ignored),
        cmocka_unit_test(test_bad_arguments_and_reserved_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
