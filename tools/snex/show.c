/* snex show: one leaf's values, for reading at a terminal. Quantities appear in the
 * unit they were given in, arrays as shape, first and last elements and min / mean /
 * max (every element with --all), tables as columns, explored parameters with
 * their range. A per-run leaf is named with its run (results.runs.run_00000003.x)
 * or found in the run --run names. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define CMD "show"
#define RANGE_SHOWN 16 /* ranges up to this long are listed whole */
#define RANGE_EDGE 5

static const char usage[] =
    "usage: " CLI_PROG " " CMD " [--all] [--run N] FILE PATH\n"
    "The values of the leaf (parameter or result) PATH names: TRAJ/dotted.path, or a\n"
    "full, partial or short name in the file's last trajectory.\n"
    "  -a, --all       every element of arrays, every row of tables, every value of ranges\n"
    "  -r, --run N     look in run N (3, r_3 or run_00000003): its results, and explored\n"
    "                  parameters with that run's value\n"
    "  -h, --help      this text\n";

typedef struct show_opts {
    bool all;
    long run;
} show_opts;

static void print_header(const snx_node *leaf, const char *what)
{
    printf("%s%s%s  (%s)\n", cli_style_code(CLI_BOLD), snx_node_full_name(leaf),
           cli_style_code(CLI_RESET), what);
    if (*snx_node_comment(leaf))
        printf("  %s# %s%s\n", cli_style_code(CLI_DIM), snx_node_comment(leaf),
               cli_style_code(CLI_RESET));
    if (snx_node_n_annotations(leaf)) {
        char *a = snx_node_annotations_to_str(leaf);
        printf("  annotations: %s\n", a ? a : "?");
        free(a);
    }
}

static void print_range_entry(const snx_node *par, size_t k)
{
    char name[SNX_RUN_NAME_BUF];
    printf("  %s  ", snx_run_name(name, (long)k));
    cli_print_inline(stdout, snx_par_range_at(par, k), 0);
    putchar('\n');
}

static void print_range(const snx_node *par, const show_opts *o)
{
    size_t n = snx_par_range_length(par);
    printf("%sexplored%s over %zu runs:\n", cli_style_code(CLI_CYAN), cli_style_code(CLI_RESET), n);
    bool whole = o->all || n <= RANGE_SHOWN;
    for (size_t k = 0; k < n; k++) {
        if (!whole && k == RANGE_EDGE) {
            printf("  ... (%zu runs)\n", n - 2 * RANGE_EDGE);
            k = n - RANGE_EDGE;
        }
        print_range_entry(par, k);
    }
}

static void show_parameter(const snx_node *par, const show_opts *o)
{
    const snx_value *v = snx_par_peek(par);
    char kind[80] = "parameter";
    if (v)
        snprintf(kind, sizeof kind, "%s, %s", snx_node_branch(par) == SNX_BRANCH_DERIVED
                 ? "derived parameter" : "parameter", snx_type_name(v->type));
    print_header(par, kind);
    if (!v) {
        printf("(empty)\n");
        return;
    }
    const cli_fmt_opts fo = { .all = o->all, .indent = "  " };
    if (snx_par_is_explored(par) && o->run >= 0) {
        printf("value in run %ld: ", o->run);
        cli_print_value(stdout, cli_par_in_run(par, o->run), &fo);
        return;
    }
    printf("%s: ", snx_par_is_explored(par) ? "default" : "value");
    cli_print_value(stdout, v, &fo);
    if (snx_par_is_explored(par))
        print_range(par, o);
}

static void show_result(const snx_node *res, const show_opts *o)
{
    char kind[48];
    size_t n = snx_result_n_items(res);
    snprintf(kind, sizeof kind, "result, %zu item%s", n, n == 1 ? "" : "s");
    print_header(res, kind);
    const cli_fmt_opts fo = { .all = o->all, .indent = "    " };
    for (size_t k = 0; k < n; k++) {
        const char *item;
        const snx_value *v = snx_result_item_at(res, k, &item);
        printf("  %s%s%s: ", cli_style_code(CLI_BOLD), item, cli_style_code(CLI_RESET));
        cli_print_value(stdout, v, &fo);
    }
}

static int show(cli_traj *t, cli_target *tg, const void *opts)
{
    if (!snx_node_is_leaf(tg->node))
        return cli_fail(t->file, "%s is a group, not a leaf ('" CLI_PROG " ls' lists it)",
                        cli_node_label(t, tg->node));
    if (snx_node_kind_of(tg->node) == SNX_NODE_PARAMETER)
        show_parameter(tg->node, opts);
    else
        show_result(tg->node, opts);
    return CLI_OK;
}

int cmd_show(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "all", no_argument, NULL, 'a' }, { "run", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
    };
    show_opts o = { .run = -1 };
    int opt, rc;
    while ((opt = getopt_long(argc, argv, "ar:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'a': o.all = true; break;
        case 'r':
            if ((rc = cli_parse_run(CMD, optarg, &o.run)))
                return rc;
            break;
        default: return cli_help_or_bad(opt, CMD, usage);
        }
    }
    if ((rc = cli_positionals(argc, argv, 2, 2, CMD)))
        return rc;
    return cli_on_target(argv[optind], argv[optind + 1], o.run, false, show, &o);
}
