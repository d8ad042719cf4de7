/* Helpers of the Environment tests: a small file-backed fake storage service.
 *
 * The fake writes one text line per stored run, "R <idx> <dump>\n", where <dump>
 * lists every leaf the run added with its items' values (snx_value_to_str), so that
 * two sweeps can be compared line by line. Each line is one write() to a file opened
 * with O_APPEND: a process killed at any moment leaves whole lines plus at most one
 * partial last line, which loading ignores. Loading (for resume) rebuilds the
 * trajectory's parameters with the test's builder and marks the runs found in the
 * file as completed -- just what resume needs from a storage backend. */
#ifndef ENV_TEST_H
#define ENV_TEST_H

#include "snx_test.h"
#include "snex/env.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Adds the parameters and the exploration of the test's trajectory. */
typedef int (*fake_builder)(snx_traj *traj);
static fake_builder fake_build;

typedef struct fake_store {
    char *path;
    long n_store_calls;
    long n_runs_stored;
} fake_store;

static int fake_leaf_dump(snx_buf *b, snx_node *n)
{
    if (!snx_node_is_leaf(n))
        return 0;
    snx_buf_printf(b, "%s%s=", b->len ? " " : "", snx_node_full_name(n));
    if (snx_node_kind_of(n) == SNX_NODE_PARAMETER) {
        char *v = snx_value_to_str(snx_par_peek(n), 0);
        snx_buf_puts(b, v ? v : "?");
        free(v);
        return 0;
    }
    for (size_t k = 0; k < snx_result_n_items(n); k++) {
        const char *item;
        const snx_value *val = snx_result_item_at(n, k, &item);
        char *v = snx_value_to_str(val, 0);
        snx_buf_printf(b, "%s%s:%s", k ? "," : "", item, v ? v : "?");
        free(v);
    }
    return 0;
}

/* The dump of what the trajectory recorded as added by the current run. */
static char *fake_run_dump(snx_traj *traj)
{
    snx_buf b = { 0 };
    snx_buf_puts(&b, "");
    for (size_t k = 0; k < snx_traj_n_run_added(traj); k++)
        fake_leaf_dump(&b, snx_traj_run_added(traj, k));
    return snx_buf_take(&b);
}

static int fake_append(const char *path, const char *line)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0666);
    if (fd < 0)
        return snx_error(SNX_EIO, "fake: open %s: %s", path, strerror(errno));
    ssize_t n = write(fd, line, strlen(line));
    close(fd);
    return n == (ssize_t)strlen(line) ? 0 : snx_error(SNX_EIO, "fake: write failed");
}

static int fake_store_all(void *self, snx_traj *traj, const snx_store_opts *opts)
{
    (void)opts;
    fake_store *f = self;
    f->n_store_calls++;
    snx_traj_set_stored(traj, 1);
    return 0;
}

static int fake_store_node(void *self, snx_traj *traj, snx_node *node, const snx_store_opts *o)
{
    (void)self, (void)traj, (void)node, (void)o;
    return 0;
}

static int fake_store_run(void *self, snx_traj *traj, long idx)
{
    fake_store *f = self;
    char *dump = fake_run_dump(traj);
    snx_buf line = { 0 };
    snx_buf_printf(&line, "R %ld %s\n", idx, dump ? dump : "");
    free(dump);
    int rc = fake_append(f->path, line.data);
    snx_buf_free(&line);
    if (!rc)
        f->n_runs_stored++;
    return rc;
}

static void fake_free(void *self)
{
    fake_store *f = self;
    free(f->path);
    free(f);
}

static const snx_storage_ops fake_ops = {
    .store = fake_store_all,
    .store_node = fake_store_node,
    .store_run = fake_store_run,
    .free = fake_free,
};

static int fake_attach(snx_traj *traj, const char *filename, const snx_env_opts *opts)
{
    fake_store *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(filename)))
        return SNX_ENOMEM;
    if (opts && opts->overwrite)
        unlink(filename);
    snx_traj_set_storage(traj, &fake_ops, f);
    return 0;
}

/* Reads the file's complete lines into a table run -> dump (last line wins); cuts a
 * partial last line off. Returns the number of runs n_runs or -1 when no file. */
static long fake_read(const char *path, char ***dumps, size_t n_runs)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    *dumps = calloc(n_runs ? n_runs : 1, sizeof **dumps);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long good_bytes = 0;
    while ((len = getline(&line, &cap, fp)) > 0) {
        if (line[len - 1] != '\n')
            break; /* a partial last line */
        line[len - 1] = '\0';
        long idx;
        int off = 0;
        if (sscanf(line, "R %ld %n", &idx, &off) == 1 && idx >= 0 && (size_t)idx < n_runs) {
            free((*dumps)[idx]);
            (*dumps)[idx] = strdup(line + off);
        }
        good_bytes += len;
    }
    free(line);
    fclose(fp);
    if (truncate(path, good_bytes) != 0)
        return -1;
    return (long)n_runs;
}

static void fake_free_dumps(char **dumps, size_t n)
{
    for (size_t k = 0; dumps && k < n; k++)
        free(dumps[k]);
    free(dumps);
}

static snx_traj *fake_load(const char *filename, const char *name, const snx_env_opts *opts)
{
    struct stat st;
    if (stat(filename, &st) != 0) {
        snx_error(SNX_ENODATA, "fake: no file %s", filename);
        return NULL;
    }
    snx_traj *traj = snx_traj_new(name, NULL);
    if (!traj || fake_build(traj) || fake_attach(traj, filename, NULL)) {
        snx_traj_free(traj);
        return NULL;
    }
    (void)opts;
    size_t n = snx_traj_n_runs(traj);
    char **dumps = NULL;
    fake_read(filename, &dumps, n);
    for (size_t k = 0; k < n; k++)
        if (dumps && dumps[k]) {
            snx_run_info info = { .idx = (long)k, .completed = 1 };
            snx_traj_set_run_info(traj, (long)k, &info);
        }
    fake_free_dumps(dumps, n);
    snx_traj_set_stored(traj, 1);
    return traj;
}

static const snx_env_storage fake_storage = {
    .name = "fake", .attach = fake_attach, .load = fake_load,
};

/* Whether two files hold the same runs with the same dumps. */
static void assert_same_runs(const char *a, const char *b, size_t n_runs)
{
    char **da = NULL, **db = NULL;
    assert_int_equal(fake_read(a, &da, n_runs), (long)n_runs);
    assert_int_equal(fake_read(b, &db, n_runs), (long)n_runs);
    for (size_t k = 0; k < n_runs; k++) {
        if (!da[k] || !db[k] || strcmp(da[k], db[k]) != 0)
            print_error("run %zu differs:\n  %s\n  %s\n", k, da[k] ? da[k] : "(missing)",
                        db[k] ? db[k] : "(missing)");
        assert_non_null(da[k]);
        assert_non_null(db[k]);
        assert_string_equal(da[k], db[k]);
    }
    fake_free_dumps(da, n_runs);
    fake_free_dumps(db, n_runs);
}

#endif
