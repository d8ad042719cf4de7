/* snex runs: the runs table of a trajectory (its overview/runs, with the explored
 * values from the parameters' ranges): index, status (completed, failed and why,
 * or not run), run time and explored values.
 *
 * Filters: --failed keeps the runs that did not complete; --where keeps the runs
 * whose values satisfy every condition of "NAME OP NUMBER [and NAME OP NUMBER]...",
 * OP one of < <= > >= == !=, NAME a parameter (explored or not, full or short name),
 * `run` (the index) or `runtime` (seconds). */
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CMD "runs"
#define MAX_CONDITIONS 16

static const char usage[] =
    "usage: " CLI_PROG " " CMD " [--failed] [--where COND] FILE [TRAJ]\n"
    "The runs of trajectory TRAJ (default: the file's last): index, status (completed,\n"
    "failed and why, not run), run time, explored values.\n"
    "  -f, --failed       only the runs that did not complete\n"
    "  -w, --where COND   only the runs satisfying COND: NAME OP NUMBER, several joined\n"
    "                     by 'and'; OP one of < <= > >= == !=; NAME a parameter (full or\n"
    "                     short name), run or runtime. Example: --where 'R_ee>1.5 and run<8'\n"
    "  -h, --help         this text\n";

typedef enum { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE } cmp_op;

typedef struct condition {
    char name[SNX_NAME_MAX * 4];
    cmp_op op;
    double number;
    const snx_node *par; /* NULL: run or runtime */
} condition;

typedef struct runs_opts {
    bool failed;
    const char *where;
    condition cond[MAX_CONDITIONS];
    size_t n_cond;
} runs_opts;

/* ---- --where ----------------------------------------------------------------------- */

static const char *skip_space(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

static const char *parse_op(const char *s, cmp_op *op)
{
    static const struct { const char *text; cmp_op op; } ops[] = {
        { "<=", OP_LE }, { ">=", OP_GE }, { "==", OP_EQ }, { "!=", OP_NE },
        { "<", OP_LT },  { ">", OP_GT },
    };
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (strncmp(s, ops[k].text, strlen(ops[k].text)) == 0) {
            *op = ops[k].op;
            return s + strlen(ops[k].text);
        }
    return NULL;
}

/* One "NAME OP NUMBER" at s; returns the text after it, or NULL (a usage error was
 * printed). */
static const char *parse_condition(const char *s, condition *c)
{
    const char *start = s = skip_space(s);
    while (isalnum((unsigned char)*s) || *s == '_' || *s == '.')
        s++;
    size_t len = (size_t)(s - start);
    if (len == 0 || len >= sizeof c->name) {
        cli_usage_error(CMD, "--where: a name expected at \"%s\"", start);
        return NULL;
    }
    memcpy(c->name, start, len);
    c->name[len] = '\0';
    const char *op_at = s = skip_space(s);
    if (!(s = parse_op(s, &c->op))) {
        cli_usage_error(CMD, "--where: one of < <= > >= == != expected after \"%s\", at \"%s\"",
                        c->name, op_at);
        return NULL;
    }
    s = skip_space(s);
    char *end;
    c->number = strtod(s, &end);
    if (end == s) {
        cli_usage_error(CMD, "--where: a number expected after \"%s\", at \"%s\"", c->name, s);
        return NULL;
    }
    return skip_space(end);
}

static int parse_where(runs_opts *o)
{
    const char *s = o->where;
    while (true) {
        if (o->n_cond == MAX_CONDITIONS)
            return cli_usage_error(CMD, "--where: at most %d conditions", MAX_CONDITIONS);
        if (!(s = parse_condition(s, &o->cond[o->n_cond++])))
            return CLI_USAGE;
        if (!*s)
            return CLI_OK;
        if (strncmp(s, "and", 3) != 0 || !isspace((unsigned char)s[3]))
            return cli_usage_error(CMD, "--where: 'and' or the end expected at \"%s\"", s);
        s += 3;
    }
}

/* The names of the conditions, found in the trajectory. */
static int bind_conditions(cli_traj *t, runs_opts *o)
{
    for (size_t k = 0; k < o->n_cond; k++) {
        condition *c = &o->cond[k];
        if (strcmp(c->name, "run") == 0 || strcmp(c->name, "runtime") == 0)
            continue;
        c->par = snx_traj_get(t->traj, c->name);
        if (!c->par || snx_node_kind_of(c->par) != SNX_NODE_PARAMETER ||
            snx_node_branch(c->par) != SNX_BRANCH_PARAMETERS) {
            snx_error_clear();
            return cli_fail(t->file, "--where: trajectory \"%s\" has no parameter \"%s\"",
                            snx_traj_name(t->traj), c->name);
        }
    }
    return CLI_OK;
}

static bool compare(double x, cmp_op op, double y)
{
    switch (op) {
    case OP_LT: return x < y;
    case OP_LE: return x <= y;
    case OP_GT: return x > y;
    case OP_GE: return x >= y;
    case OP_EQ: return x == y;
    case OP_NE: return x != y;
    }
    return false;
}

/* Whether run idx satisfies every condition; -1 (with a message) when a
 * parameter's value is not a number. */
static int matches(cli_traj *t, const runs_opts *o, const snx_run_info *info)
{
    for (size_t k = 0; k < o->n_cond; k++) {
        const condition *c = &o->cond[k];
        double x = strcmp(c->name, "run") == 0 ? (double)info->idx : info->runtime;
        if (c->par && snx_value_as_double(cli_par_in_run(c->par, info->idx), &x)) {
            snx_error_clear();
            cli_fail(t->file, "--where: %s is not a number", snx_node_full_name(c->par));
            return -1;
        }
        if (!compare(x, c->op, c->number))
            return 0;
    }
    return 1;
}

/* ---- the table ----------------------------------------------------------------------- */

static bool failed(const snx_run_info *info)
{
    return info->error && *info->error;
}

static void print_head(const snx_traj *traj)
{
    printf("%s%-6s %-10s %10s", cli_style_code(CLI_BOLD), "run", "status", "runtime");
    for (size_t k = 0; k < snx_traj_n_explored(traj); k++)
        printf("  %12s", cli_explored_label(traj, k));
    printf("%s\n", cli_style_code(CLI_RESET));
}

static void print_run(const snx_traj *traj, const snx_run_info *info)
{
    const char *status = info->completed ? "completed" : failed(info) ? "failed" : "not run";
    cli_style style = info->completed ? CLI_GREEN : failed(info) ? CLI_RED : CLI_YELLOW;
    printf("%-6ld %s%-10s%s ", info->idx, cli_style_code(style), status,
           cli_style_code(CLI_RESET));
    if (info->runtime > 0)
        printf("%9.3fs", info->runtime);
    else
        printf("%10s", "-");
    for (size_t k = 0; k < snx_traj_n_explored(traj); k++) {
        char *s = cli_inline_str(cli_par_in_run(snx_traj_explored(traj, k), info->idx), 24);
        printf("  %12s", s ? s : "?");
        free(s);
    }
    if (failed(info))
        printf("  %s%s%s", cli_style_code(CLI_RED), info->error, cli_style_code(CLI_RESET));
    putchar('\n');
}

static int list_runs(const char *file, const char *traj_name, runs_opts *o)
{
    cli_traj t;
    int rc = cli_open(file, traj_name, CLI_LOAD_PARAMETERS, &t);
    if (rc)
        return rc;
    if (*t.path)
        rc = cli_usage_error(CMD, "TRAJ is a trajectory's name, not a path (\"%s\")", traj_name);
    if (!rc)
        rc = bind_conditions(&t, o);
    size_t n = snx_traj_n_runs(t.traj), shown = 0, done = 0, bad = 0;
    if (!rc)
        print_head(t.traj);
    for (size_t k = 0; !rc && k < n; k++) {
        snx_run_info info;
        if (snx_traj_run_info(t.traj, (long)k, &info)) {
            rc = cli_fail_snx(file, "run %zu", k);
            break;
        }
        done += info.completed;
        bad += !info.completed && failed(&info);
        int m = matches(&t, o, &info);
        if (m < 0)
            rc = CLI_ERROR;
        else if (m && !(o->failed && info.completed)) {
            print_run(t.traj, &info);
            shown++;
        }
    }
    if (!rc)
        printf("%s%zu of %zu runs shown; %zu completed, %zu failed, %zu not run%s\n",
               cli_style_code(CLI_DIM), shown, n, done, bad, n - done - bad,
               cli_style_code(CLI_RESET));
    cli_close(&t);
    return rc;
}

int cmd_runs(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "failed", no_argument, NULL, 'f' }, { "where", required_argument, NULL, 'w' },
        { "help", no_argument, NULL, 'h' },   { NULL, 0, NULL, 0 }
    };
    runs_opts o = { 0 };
    int opt, rc;
    while ((opt = getopt_long(argc, argv, "fw:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'f': o.failed = true; break;
        case 'w': o.where = optarg; break;
        default: return cli_help_or_bad(opt, CMD, usage);
        }
    }
    if ((rc = cli_positionals(argc, argv, 1, 2, CMD)) || (o.where && (rc = parse_where(&o))))
        return rc;
    return list_runs(argv[optind], argv[optind + 1], &o);
}
