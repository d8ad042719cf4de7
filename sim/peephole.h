/* sim/peephole.h: stores fused into the instruction computing the stored value
 * (peephole.c). Internal. */
#ifndef SIM_PEEPHOLE_H
#define SIM_PEEPHOLE_H

#include "program.h"

/* Rewrites code[0..n) in place; returns its new length. */
int sim_fuse_stores(sim_insn *code, int n);

#endif
