/*
** state.h -- reading and writing the fields of a packed state vector; hashing it.
**
** A state is prog->state_size bytes: shared variables, then mutex owners, then queues, then one
** block per thread (position field first, then its locals). Nothing in it points anywhere, so two
** states are equal exactly when their bytes are. Fields are unaligned; every access goes
** through memcpy, which compilers turn into plain loads. All functions are safe from any thread.
*/
#ifndef WEFT_STATE_H
#define WEFT_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "program.h"

/* The value of a field of 'width' bytes at p, decoded with the variable's range base 'lo'. */
static inline int32_t field_get(const uint8_t *p, uint8_t width, int32_t lo)
{
    if (width == 1)
        return (int32_t)((int64_t)lo + p[0]);
    if (width == 2) {
        uint16_t v;
        memcpy(&v, p, 2);
        return (int32_t)((int64_t)lo + v);
    }
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Store 'value' (already checked to lie in lo..hi for narrow fields). */
static inline void field_set(uint8_t *p, uint8_t width, int32_t lo, int32_t value)
{
    if (width == 1) {
        p[0] = (uint8_t)((int64_t)value - lo);
    } else if (width == 2) {
        uint16_t v = (uint16_t)((int64_t)value - lo);
        memcpy(p, &v, 2);
    } else {
        memcpy(p, &value, 4);
    }
}

/* An unsigned field (positions, mutex owners, queue lengths). */
static inline uint32_t ufield_get(const uint8_t *p, uint8_t width)
{
    if (width == 1)
        return p[0];
    if (width == 2) {
        uint16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void ufield_set(uint8_t *p, uint8_t width, uint32_t value)
{
    if (width == 1) {
        p[0] = (uint8_t)value;
    } else if (width == 2) {
        uint16_t v = (uint16_t)value;
        memcpy(p, &v, 2);
    } else {
        memcpy(p, &value, 4);
    }
}

/* Bytes needed for an unsigned field holding values 0..max. */
static inline uint8_t layout_width_for(uint32_t max)
{
    return max <= 0xff ? 1 : max <= 0xffff ? 2 : 4;
}

/* Element 'i' of variable 'v' (no bounds check) for thread 'tid' (ignored for shared vars). */
static inline int32_t state_var_get(const Program *prog, const uint8_t *vec, uint32_t var,
                                    uint32_t tid, uint32_t i)
{
    const Var *v = &prog->vars[var];
    uint32_t off = v->off + i * v->width;
    if (v->scope == VAR_LOCAL)
        off += prog->threads[tid].base;
    return field_get(vec + off, v->width, v->lo);
}

/* The position of thread 'tid'. */
static inline uint32_t state_pos(const Program *prog, const uint8_t *vec, uint32_t tid)
{
    const Thread *t = &prog->threads[tid];
    return ufield_get(vec + t->base, prog->templates[t->tmpl].pc_width);
}

static inline void state_set_pos(const Program *prog, uint8_t *vec, uint32_t tid, uint32_t pos)
{
    const Thread *t = &prog->threads[tid];
    ufield_set(vec + t->base, prog->templates[t->tmpl].pc_width, pos);
}

/* True when thread 'tid' is at its end position. */
static inline bool state_thread_done(const Program *prog, const uint8_t *vec, uint32_t tid)
{
    const Thread *t = &prog->threads[tid];
    return state_pos(prog, vec, tid) == prog->templates[t->tmpl].n_pos - 1;
}

/* True when every thread has finished. */
bool state_all_done(const Program *prog, const uint8_t *vec);

/* Owner of mutex 'm': 0 when free, else thread index + 1. */
static inline uint32_t state_mutex_owner(const Program *prog, const uint8_t *vec, uint32_t m)
{
    const Mutex *mx = &prog->mutexes[m];
    return ufield_get(vec + mx->off, mx->width);
}

/* Length of queue 'q'. */
static inline uint32_t state_queue_len(const Program *prog, const uint8_t *vec, uint32_t q)
{
    const Queue *qu = &prog->queues[q];
    return ufield_get(vec + qu->off_len, qu->len_width);
}

/* Element i (0 = oldest) of queue 'q'. */
static inline int32_t state_queue_elem(const Program *prog, const uint8_t *vec, uint32_t q,
                                       uint32_t i)
{
    int32_t v;
    memcpy(&v, vec + prog->queues[q].off + 4 * i, 4);
    return v;
}

/* 64-bit xxh3 hash of a vector of 'len' bytes. */
uint64_t state_hash(const uint8_t *vec, uint32_t len);

#endif
