/*
** state.c -- whole-state helpers that are not hot enough to inline.
*/
#include "state.h"

bool state_all_done(const Program *prog, const uint8_t *vec)
{
    for (uint32_t tid = 0; tid < prog->n_threads; tid++)
        if (!state_thread_done(prog, vec, tid))
            return false;
    return true;
}
