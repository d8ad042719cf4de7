/* snex ls: the trajectories of a file, or the tree below a path.
 *
 * The trajectories come from snx_hdf5_list; each is loaded with its parameters only
 * (the explored ranges give the number of runs) and its run information (which runs
 * completed). A tree is loaded with parameters and a skeleton of everything else:
 * parameters show type, shape, unit and value; derived parameters and results show
 * their kind and comment, and with -l each is read (one at a time, released after)
 * to show its items' types, shapes and units. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CMD "ls"
#define NAME_WIDTH 34
#define INLINE_MAX 48

static const char usage[] =
    "usage: " CLI_PROG " " CMD " [-l] [-d N] FILE [PATH]\n"
    "Without PATH: the trajectories in FILE with their runs, completed runs and\n"
    "creation time. With PATH (a trajectory, TRAJ/dotted.path, or a dotted path in the\n"
    "last trajectory): the tree below it. Groups end in '/'; parameters show type,\n"
    "shape, unit and value; results and derived parameters their kind; '#' comments.\n"
    "  -l, --long      more: comments and times of trajectories; every result's items\n"
    "                  (type, shape, unit: reads the results), explored ranges,\n"
    "                  annotations\n"
    "  -d, --depth N   at most N levels below PATH\n"
    "  -h, --help      this text\n";

typedef struct ls_opts {
    bool lng;
    int depth;
} ls_opts;

/* ---- the trajectories of a file ------------------------------------------------ */

static void format_time(double timestamp, char *buf, size_t size)
{
    time_t t = (time_t)timestamp;
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(buf, size, "?");
}

static int list_one(const char *file, const char *name, const ls_opts *o)
{
    cli_traj t;
    int rc = cli_open(file, name, CLI_LOAD_PARAMETERS, &t);
    if (rc)
        return rc;
    size_t n = snx_traj_n_runs(t.traj), done = 0;
    for (size_t k = 0; k < n; k++)
        done += snx_traj_is_completed(t.traj, (long)k);
    char created[32];
    format_time(snx_traj_timestamp(t.traj), created, sizeof created);
    printf("%-40s %8zu %s%10zu%s  %s", name, n, done < n ? cli_style_code(CLI_YELLOW) : "",
           done, done < n ? cli_style_code(CLI_RESET) : "", created);
    const char *comment = snx_node_comment(snx_traj_root(t.traj));
    if (o->lng && *comment)
        printf("  %s# %s%s", cli_style_code(CLI_DIM), comment, cli_style_code(CLI_RESET));
    putchar('\n');
    cli_close(&t);
    return CLI_OK;
}

static int list_trajectories(const char *file, const ls_opts *o)
{
    char **names;
    long n;
    int rc = cli_list(file, &names, &n);
    if (rc)
        return rc;
    printf("%s%-40s %8s %10s  %s%s\n", cli_style_code(CLI_BOLD), "TRAJECTORY", "RUNS",
           "COMPLETED", "CREATED", cli_style_code(CLI_RESET));
    for (long k = 0; !rc && k < n; k++)
        rc = list_one(file, names[k], o);
    snx_hdf5_names_free(names, n);
    return rc;
}

/* ---- a tree ----------------------------------------------------------------------- */

typedef struct tree_ctx {
    cli_traj *t;
    const ls_opts *o;
    int base_depth;
    int rc;
} tree_ctx;

/* The node's name (groups with a '/') indented by depth, padded to one column. */
static void print_name(const tree_ctx *c, snx_node *node, bool group, cli_style style)
{
    int indent = 2 * (snx_node_depth(node) - c->base_depth);
    const char *name = snx_node_is_root(node) ? snx_traj_name(c->t->traj) : snx_node_name(node);
    printf("%*s%s%s%s%s", indent, "", cli_style_code(style), name, group ? "/" : "",
           cli_style_code(CLI_RESET));
    int width = NAME_WIDTH - indent - (int)strlen(name) - group;
    if (!group || *snx_node_comment(node)) /* more follows on the line */
        printf("%*s ", width > 0 ? width : 0, "");
}

static void print_comment(const tree_ctx *c, const snx_node *node)
{
    const char *comment = snx_node_comment(node);
    if (!*comment)
        return;
    int room = c->o->lng ? (int)strlen(comment) : 60;
    printf("  %s# %.*s%s%s", cli_style_code(CLI_DIM), room, comment,
           (int)strlen(comment) > room ? "..." : "", cli_style_code(CLI_RESET));
}

static void print_annotations(const tree_ctx *c, const snx_node *node)
{
    if (!c->o->lng || !snx_node_n_annotations(node))
        return;
    char *a = snx_node_annotations_to_str(node);
    int indent = 2 * (snx_node_depth(node) - c->base_depth + 1);
    printf("%*s%sannotations: %s%s\n", indent, "", cli_style_code(CLI_DIM), a ? a : "?",
           cli_style_code(CLI_RESET));
    free(a);
}

static void print_range(const tree_ctx *c, const snx_node *par)
{
    size_t n = snx_par_range_length(par);
    printf("  %sexplored: %zu values%s", cli_style_code(CLI_CYAN), n, cli_style_code(CLI_RESET));
    if (!c->o->lng)
        return;
    fputs(" [", stdout);
    for (size_t k = 0; k < n && k < 6; k++) {
        fputs(k ? ", " : "", stdout);
        cli_print_inline(stdout, snx_par_range_at(par, k), 24);
    }
    fputs(n > 6 ? ", ...]" : "]", stdout);
}

static void print_parameter(const tree_ctx *c, const snx_node *par)
{
    const snx_value *v = snx_par_peek(par);
    snx_branch b = snx_node_branch(par);
    fputs(b == SNX_BRANCH_CONFIG ? "config    " : b == SNX_BRANCH_DERIVED ? "derived   " : "parameter ",
          stdout);
    if (!v) {
        fputs("(empty)", stdout);
        return;
    }
    cli_describe(stdout, v);
    if (v->type != SNX_T_INT_ARRAY && v->type != SNX_T_DOUBLE_ARRAY && v->type != SNX_T_TABLE) {
        fputs(" = ", stdout);
        cli_print_inline(stdout, v, INLINE_MAX);
    }
    if (snx_par_is_explored(par))
        print_range(c, par);
}

/* A result's items, one line each (the result was read for them). */
static void print_items(const tree_ctx *c, const snx_node *res)
{
    int indent = 2 * (snx_node_depth(res) - c->base_depth + 1);
    for (size_t k = 0; k < snx_result_n_items(res); k++) {
        const char *item;
        const snx_value *v = snx_result_item_at(res, k, &item);
        int width = NAME_WIDTH - indent - 1 - (int)strlen(item);
        printf("%*s%s.%s%s%*s ", indent, "", cli_style_code(CLI_DIM), item,
               cli_style_code(CLI_RESET), width > 0 ? width : 0, "");
        cli_describe(stdout, v);
        if (v->type != SNX_T_INT_ARRAY && v->type != SNX_T_DOUBLE_ARRAY &&
            v->type != SNX_T_TABLE) {
            fputs(" = ", stdout);
            cli_print_inline(stdout, v, INLINE_MAX);
        }
        putchar('\n');
    }
}

static int print_leaf(tree_ctx *c, snx_node *leaf)
{
    bool derived = snx_node_kind_of(leaf) == SNX_NODE_PARAMETER &&
                   snx_node_branch(leaf) == SNX_BRANCH_DERIVED;
    bool read_it = c->o->lng && snx_leaf_is_empty(leaf);
    if ((derived || snx_node_kind_of(leaf) == SNX_NODE_RESULT) && read_it &&
        (c->rc = cli_load_leaf(c->t, leaf)))
        return 1;
    print_name(c, leaf, false, CLI_BOLD);
    if (snx_node_kind_of(leaf) == SNX_NODE_PARAMETER && !snx_leaf_is_empty(leaf))
        print_parameter(c, leaf);
    else
        fputs(snx_node_kind_of(leaf) == SNX_NODE_RESULT ? "result    " : "derived   ", stdout);
    print_comment(c, leaf);
    putchar('\n');
    print_annotations(c, leaf);
    if (snx_node_kind_of(leaf) == SNX_NODE_RESULT && c->o->lng)
        print_items(c, leaf);
    if (read_it && snx_node_kind_of(leaf) == SNX_NODE_RESULT)
        snx_result_empty(leaf); /* keeps memory at one result's worth */
    return 0;
}

static void print_links(const tree_ctx *c, const snx_node *group)
{
    for (size_t k = 0; k < snx_node_n_links(group); k++) {
        const char *name;
        snx_node *target = snx_node_link(group, k, &name);
        int indent = 2 * (snx_node_depth(group) - c->base_depth + 1);
        printf("%*s%s%s%s -> %s\n", indent, "", cli_style_code(CLI_CYAN), name,
               cli_style_code(CLI_RESET), target ? snx_node_full_name(target) : "?");
    }
}

static void print_group(tree_ctx *c, snx_node *group)
{
    print_name(c, group, true, CLI_BLUE);
    print_comment(c, group);
    putchar('\n');
    print_annotations(c, group);
    if (c->o->depth == 0 || snx_node_depth(group) - c->base_depth < c->o->depth)
        print_links(c, group);
}

static int visit(snx_node *node, void *vctx)
{
    tree_ctx *c = vctx;
    if (snx_node_is_leaf(node))
        return print_leaf(c, node);
    print_group(c, node);
    return 0;
}

static int list_tree(cli_traj *t, cli_target *tg, const void *opts)
{
    const ls_opts *o = opts;
    tree_ctx c = { .t = t, .o = o, .base_depth = snx_node_depth(tg->node) };
    if (snx_node_is_leaf(tg->node)) {
        visit(tg->node, &c);
    } else {
        print_group(&c, tg->node);
        snx_iter_opts it = { .no_links = true, .max_depth = o->depth };
        snx_node_iter(tg->node, &it, visit, &c);
    }
    return c.rc;
}

int cmd_ls(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "long", no_argument, NULL, 'l' }, { "depth", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 }
    };
    ls_opts o = { 0 };
    int opt, rc;
    while ((opt = getopt_long(argc, argv, "ld:h", longopts, NULL)) != -1) {
        char *end;
        switch (opt) {
        case 'l': o.lng = true; break;
        case 'd':
            o.depth = (int)strtol(optarg, &end, 10);
            if (end == optarg || *end || o.depth < 1)
                return cli_usage_error(CMD, "--depth wants a number >= 1, not \"%s\"", optarg);
            break;
        default: return cli_help_or_bad(opt, CMD, usage);
        }
    }
    if ((rc = cli_positionals(argc, argv, 1, 2, CMD)))
        return rc;
    const char *file = argv[optind], *path = argv[optind + 1];
    return path ? cli_on_target(file, path, -1, false, list_tree, &o)
                : list_trajectories(file, &o);
}
