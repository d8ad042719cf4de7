/* Fuzz target: the trajectory's names and lookup (full and partial names, shortcuts,
 * crun/$/run_N/$set, links, runs).
 *
 * Every field (tools/fuzz/fuzz.h) is one operation: a letter, then a name.
 *   p c d r g   add a parameter (int), config, derived parameter, result, group
 *   l           a link of that name to the last node added or found
 *   ? *         snx_traj_get / snx_traj_get_all
 *   n           snx_node_get from the last node, without shortcuts or links
 *   -           remove what the name finds (with its subtree)
 *   x           explore the last parameter with three values
 *   s b e       set the run (the name is its index or name), begin run, end run
 * Every failure must be an error code with a message; a node found by any name must
 * be found again by its full name, and a node added must be found by the name it was
 * added under. */
#include "fuzz.h"

#include "snex/traj.h"
#include "snex/value.h"

typedef struct state {
    snx_traj *traj;
    snx_node *last;       /* the last node added or found (removals clear it) */
    snx_node *last_param; /* the last parameter added */
} state;

/* A node found by any name is found again by its full name. */
static void check_found(snx_traj *traj, snx_node *node)
{
    if (!node || snx_node_is_root(node))
        return;
    snx_error_clear();
    snx_node *again = snx_traj_get(traj, snx_node_full_name(node));
    fuzz_check(again == node);
}

static void check_node(snx_node *node)
{
    if (!node)
        fuzz_check_error(snx_errcode());
}

static void add(state *s, char op, const char *name)
{
    snx_node *node = NULL;
    snx_error_clear();
    switch (op) {
    case 'p': node = snx_traj_add_parameter(s->traj, name, snx_int(1), "p"); break;
    case 'c': node = snx_traj_add_config(s->traj, name, snx_str("c"), NULL); break;
    case 'd': node = snx_traj_add_derived(s->traj, name, snx_double(2), NULL); break;
    case 'r': node = snx_traj_add_result(s->traj, name, snx_int(3), "r"); break;
    default: node = snx_traj_add_group(s->traj, name, "g"); break;
    }
    check_node(node);
    if (!node)
        return;
    s->last = node;
    if (op == 'p')
        s->last_param = node;
    check_found(s->traj, node);
}

static void get_all(state *s, const char *name)
{
    snx_node **all = NULL;
    snx_error_clear();
    long n = snx_traj_get_all(s->traj, name, &all);
    if (n < 0)
        fuzz_check_error((int)n);
    for (long k = 0; k < n; k++)
        check_found(s->traj, all[k]);
    free(all);
}

static void remove_found(state *s, const char *name)
{
    snx_node *node = snx_traj_get(s->traj, name);
    if (!node)
        return;
    snx_error_clear();
    int rc = snx_node_remove(node, SNX_REMOVE_RECURSIVE);
    fuzz_check_rc(rc);
    if (!rc) /* what pointed into the removed subtree is gone */
        s->last = s->last_param = NULL;
}

static void explore(state *s)
{
    if (!s->last_param)
        return;
    snx_ranges *r = snx_ranges_new();
    fuzz_check(r);
    snx_error_clear();
    int rc = snx_ranges_add_ints(r, snx_node_full_name(s->last_param),
                                 (int64_t[]){ 4, 5, 6 }, 3);
    if (!rc)
        rc = snx_traj_explore(s->traj, r);
    fuzz_check_rc(rc);
    snx_ranges_free(r);
}

static void set_run(state *s, const char *name)
{
    char *end;
    long idx = strtol(name, &end, 10);
    snx_error_clear();
    fuzz_check_rc(end != name && *end == '\0' ? snx_traj_set_run(s->traj, idx)
                                              : snx_traj_set_run_name(s->traj, name));
}

static void operation(state *s, const char *field)
{
    char op = field[0];
    const char *name = op ? field + 1 : field;
    if (*name == ' ')
        name++;
    snx_error_clear();
    switch (op) {
    case 'p': case 'c': case 'd': case 'r': case 'g': add(s, op, name); break;
    case 'l':
        if (s->last)
            fuzz_check_rc(snx_traj_add_link(s->traj, name, s->last));
        break;
    case '?': {
        snx_node *node = snx_traj_get(s->traj, name);
        check_node(node);
        check_found(s->traj, node);
        if (node)
            s->last = node;
        break;
    }
    case '*': get_all(s, name); break;
    case 'n':
        if (s->last)
            check_node(snx_node_get(s->last, name,
                                    &(snx_find_opts){ .no_shortcuts = true, .no_links = true }));
        break;
    case '-': remove_found(s, name); break;
    case 'x': explore(s); break;
    case 's': set_run(s, name); break;
    case 'b': fuzz_check_rc(snx_traj_begin_run(s->traj, strtol(name, NULL, 10))); break;
    case 'e': snx_traj_end_run(s->traj); break;
    default: break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_fields f;
    fuzz_fields_cut(&f, data, size);
    state s = { snx_traj_new("fuzz", NULL), NULL, NULL };
    fuzz_check(s.traj);
    for (size_t k = 0; k < f.n; k++)
        operation(&s, f.field[k]);
    snx_traj_free(s.traj);
    fuzz_fields_free(&f);
    return 0;
}
