/* Parameters: one typed value, locked once read, plus the explored range. */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>
#include <string.h>

static int is_par(const snx_node *n, const char *what)
{
    if (n && n->kind == SNX_NODE_PARAMETER)
        return 1;
    snx_error(SNX_ETYPE, "%s: \"%s\" is not a parameter", what, n ? n->full_name : "(null)");
    return 0;
}

void traj_par_free(snx_node *p)
{
    snx_value_clear(&p->value);
    for (size_t k = 0; k < p->range_len; k++)
        snx_value_clear(&p->range[k]);
    free(p->range);
    p->range = NULL;
    p->range_len = p->range_cap = 0;
}

/* Exploration is only meaningful between values of one kind: the same type, arrays
 * of the same shape, quantities of the same dimension. */
int traj_value_check_kind(const char *name, const snx_value *ref, const snx_value *v,
                          size_t position)
{
    if (v->type == SNX_T_ERROR)
        return snx_error_context("\"%s\", value %zu", name, position);
    if (v->type == SNX_T_NONE || v->type == SNX_T_TABLE)
        return snx_error(SNX_ETYPE, "\"%s\", value %zu: a parameter cannot hold a %s value",
                         name, position, snx_type_name(v->type));
    if (ref->type == SNX_T_NONE || snx_value_same_kind(ref, v))
        return 0;
    if (ref->type == SNX_T_QUANTITY && v->type == SNX_T_QUANTITY) {
        char a[64], b[64];
        return snx_error(SNX_ETYPE, "\"%s\", value %zu: unit %s (%s) does not match %s (%s)",
                         name, position, v->unit, snx_dim_format(snx_value_dim(v), a, sizeof a),
                         ref->unit, snx_dim_format(snx_value_dim(ref), b, sizeof b));
    }
    if (v->type == ref->type) /* arrays */
        return snx_error(SNX_ETYPE, "\"%s\", value %zu: a %s of another shape than the "
                         "parameter's", name, position, snx_type_name(v->type));
    return snx_error(SNX_ETYPE, "\"%s\", value %zu: a %s does not match the parameter's %s",
                     name, position, snx_type_name(v->type), snx_type_name(ref->type));
}

int traj_par_check_kind(const snx_node *p, const snx_value *v, size_t position)
{
    const snx_value *ref = p->range_len ? &p->range[0] : &p->value;
    return traj_value_check_kind(p->full_name, ref, v, position);
}

static const snx_value *current(const snx_node *p)
{
    long run = p->traj->run_idx;
    if (p->range_len && run >= 0 && (size_t)run < p->range_len)
        return &p->range[run];
    return &p->value;
}

const snx_value *snx_par_peek(const snx_node *p)
{
    if (!is_par(p, "peek"))
        return NULL;
    const snx_value *v = current(p);
    if (v->type == SNX_T_NONE) {
        snx_error(SNX_ETYPE, "parameter \"%s\" is empty", p->full_name);
        return NULL;
    }
    return v;
}

const snx_value *snx_par_get(snx_node *p)
{
    const snx_value *v = snx_par_peek(p);
    if (v)
        p->locked = 1;
    return v;
}

const snx_value *snx_par_default(snx_node *p)
{
    if (!is_par(p, "default"))
        return NULL;
    if (p->value.type == SNX_T_NONE) {
        snx_error(SNX_ETYPE, "parameter \"%s\" is empty", p->full_name);
        return NULL;
    }
    p->locked = 1;
    return &p->value;
}

static int refuse_locked(const snx_node *p, const char *what)
{
    if (p->locked)
        return snx_error(SNX_ELOCKED,
                         "%s: parameter \"%s\" is locked (it was read); unlock it first",
                         what, p->full_name);
    return 0;
}

int snx_par_set(snx_node *p, snx_value v)
{
    int rc = is_par(p, "set") ? refuse_locked(p, "set") : SNX_ETYPE;
    /* An unexplored parameter may change type; an explored one keeps its range's. */
    if (!rc && (p->range_len || v.type == SNX_T_ERROR || v.type == SNX_T_NONE ||
                v.type == SNX_T_TABLE))
        rc = traj_par_check_kind(p, &v, 0);
    if (rc) {
        snx_value_clear(&v);
        return rc;
    }
    snx_value_clear(&p->value);
    p->value = v;
    return 0;
}

bool snx_par_is_locked(const snx_node *p) { return p->locked; }
void snx_par_lock(snx_node *p) { p->locked = 1; }
void snx_par_unlock(snx_node *p) { p->locked = 0; }
bool snx_par_is_empty(const snx_node *p)
{
    return p->value.type == SNX_T_NONE && !p->range_len;
}

int snx_par_empty(snx_node *p)
{
    if (!is_par(p, "empty"))
        return SNX_ETYPE;
    int rc = refuse_locked(p, "empty");
    if (rc)
        return rc;
    if (p->range_len) /* as in pypet, an emptied parameter is no longer explored */
        traj_unexplore(p->traj, p);
    traj_par_free(p);
    return 0;
}

bool snx_par_is_explored(const snx_node *p) { return p->range_len > 0; }
size_t snx_par_range_length(const snx_node *p) { return p->range_len; }

const snx_value *snx_par_range_at(const snx_node *p, size_t k)
{
    if (k >= p->range_len) {
        snx_error(SNX_EINVAL, "\"%s\": run %zu is outside the range of length %zu",
                  p->full_name, k, p->range_len);
        return NULL;
    }
    return &p->range[k];
}

int snx_par_shrink(snx_node *p)
{
    if (!is_par(p, "shrink"))
        return SNX_ETYPE;
    int rc = refuse_locked(p, "shrink");
    if (rc)
        return rc;
    if (!p->range_len)
        return snx_error(SNX_ETYPE, "shrink: \"%s\" is not explored", p->full_name);
    traj_unexplore(p->traj, p);
    for (size_t k = 0; k < p->range_len; k++)
        snx_value_clear(&p->range[k]);
    p->range_len = 0;
    return 0;
}

/* Appends values (consumed) to the range; the caller checked kinds. */
int traj_par_append_range(snx_node *p, snx_value *values, size_t n)
{
    if (snx_grow(&p->range, &p->range_cap, p->range_len + n, sizeof *p->range))
        return SNX_ENOMEM;
    for (size_t k = 0; k < n; k++) {
        p->range[p->range_len++] = values[k];
        values[k] = snx_none();
    }
    return 0;
}

char *snx_par_to_str(const snx_node *p)
{
    snx_buf b = { 0 };
    snx_buf_puts(&b, p->full_name);
    if (p->range_len)
        snx_buf_printf(&b, " (len %zu)", p->range_len);
    if (p->comment)
        snx_buf_printf(&b, ": %s", p->comment);
    const snx_value *v = current(p);
    char *s = snx_value_to_str(v, 64);
    snx_buf_printf(&b, ": %s", s ? s : "?");
    free(s);
    return snx_buf_take(&b);
}

static void lock_branch(snx_node *n, snx_branch b1, snx_branch b2)
{
    if (n->kind == SNX_NODE_PARAMETER && (n->branch == b1 || n->branch == b2) &&
        !snx_par_is_empty(n))
        n->locked = 1;
    for (size_t k = 0; k < n->n_children; k++)
        lock_branch(n->children[k], b1, b2);
}

void snx_traj_lock_parameters(snx_traj *t)
{
    lock_branch(t->root, SNX_BRANCH_PARAMETERS, SNX_BRANCH_CONFIG);
}

void snx_traj_lock_derived(snx_traj *t)
{
    lock_branch(t->root, SNX_BRANCH_DERIVED, SNX_BRANCH_DERIVED);
}
