/*
** state.h -- reading and writing the fields of a packed state vector; hashing it.
**
** A state is prog->state_size bytes: shared variables, then mutex owners, then queues, then one
** block per thread (position field first, then its locals), each field packed to the bits its
** range needs with no padding (compile.c lays them out). Nothing in it points anywhere, and bits
** past the last field stay zero, so two states are equal exactly when their bytes are. All
** functions are safe from any thread (they write only the vector they are given).
*/
#ifndef WEFT_STATE_H
#define WEFT_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "program.h"

/* xxh3 compiled into each caller: a vector is a few dozen bytes, for which the call through the
** shared library and its dispatch cost as much as the hash itself. */
#define XXH_INLINE_ALL
#include <xxhash.h>

/* ---- bit fields ----
**
** Every field is an unsigned run of 0 to 32 bits at a bit offset, with no padding between fields;
** bit b of the vector is bit b % 8 of byte b / 8 (little-endian bit order). A read loads the
** 64-bit word that holds the field and shifts and masks it. The word starts at the field's byte,
** or, near the end of the vector, at the last 8 bytes, so no access reads or writes past
** state_size bytes and callers need no padding after a vector. A field never spans more than
** 39 bits from its word's start (7 bits of shift + 32), so one word always holds it. A vector
** under 8 bytes (most small models) is read whole into one word by two overlapping loads, and
** written back the same way, never past its end. Writes touch only the field's bits: a vector
** that starts zeroed keeps its unused bits zero, so equal states have equal bytes.
*/

/* The little-endian 64-bit word at p (unaligned). */
static inline uint64_t bits_load64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

static inline void bits_store64(uint8_t *p, uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    memcpy(p, &w, 8);
}

/* The little-endian 32- and 16-bit words at p (unaligned), and their stores. */
static inline uint32_t bits_load32(const uint8_t *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap32(w);
#endif
    return w;
}

static inline uint32_t bits_load16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static inline void bits_store32(uint8_t *p, uint32_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap32(w);
#endif
    memcpy(p, &w, 4);
}

static inline void bits_store16(uint8_t *p, uint32_t w)
{
    p[0] = (uint8_t)w;
    p[1] = (uint8_t)(w >> 8);
}

/* A whole vector of 1 to 7 bytes as one word: two loads of 4 (or 2) bytes, from the start and
** up to the end, overlapping where the vector is shorter than both; the overlapping bytes are
** the same in both, so or-ing the loads gives each byte once. */
static inline uint64_t bits_load_small(const uint8_t *vec, uint32_t size)
{
    if (size >= 4)
        return bits_load32(vec) | (uint64_t)bits_load32(vec + size - 4) << (8 * (size - 4));
    if (size >= 2)
        return bits_load16(vec) | (uint64_t)bits_load16(vec + size - 2) << (8 * (size - 2));
    return size ? vec[0] : 0;
}

/* Write the low 'size' bytes of 'w' (size 1 to 7) back, as bits_load_small read them. */
static inline void bits_store_small(uint8_t *vec, uint32_t size, uint64_t w)
{
    if (size >= 4) {
        bits_store32(vec, (uint32_t)w);
        bits_store32(vec + size - 4, (uint32_t)(w >> (8 * (size - 4))));
    } else if (size >= 2) {
        bits_store16(vec, (uint32_t)w);
        bits_store16(vec + size - 2, (uint32_t)(w >> (8 * (size - 2))));
    } else if (size) {
        vec[0] = (uint8_t)w;
    }
}

/* Copy a vector of 'size' bytes: 4 to 8 bytes (most small models) by two overlapping 4-byte
** loads and stores instead of a call to memcpy, whose length is not known at compile time. */
static inline void state_copy(uint8_t *dst, const uint8_t *src, uint32_t size)
{
    if (size >= 4 && size <= 8) {
        uint32_t head = bits_load32(src), tail = bits_load32(src + size - 4);
        bits_store32(dst, head);
        bits_store32(dst + size - 4, tail);
        return;
    }
    memcpy(dst, src, size);
}

/* True if the vectors 'a' and 'b' of 'size' bytes are equal: 4 to 8 bytes by two overlapping
** words each, without a call to memcmp. */
static inline bool state_equal(const uint8_t *a, const uint8_t *b, uint32_t size)
{
    if (size >= 4 && size <= 8)
        return ((bits_load32(a) ^ bits_load32(b)) |
                (bits_load32(a + size - 4) ^ bits_load32(b + size - 4))) == 0;
    return memcmp(a, b, size) == 0;
}

/* Byte where the word holding bit 'bit' of a vector of 'size' >= 8 bytes starts. */
static inline uint32_t bits_word_at(uint32_t size, uint32_t bit)
{
    uint32_t byte = bit >> 3;
    return byte + 8 <= size ? byte : size - 8;
}

/* The field of 'n_bits' bits (0 to 32) at bit offset 'bit' of a vector of 'size' bytes. */
static inline uint32_t bits_get(const uint8_t *vec, uint32_t size, uint32_t bit, uint32_t n_bits)
{
    uint64_t mask = (UINT64_C(1) << n_bits) - 1;
    if (size >= 8) {
        uint32_t byte = bits_word_at(size, bit);
        return (uint32_t)((bits_load64(vec + byte) >> ((bit - 8 * byte) & 63)) & mask);
    }
    return (uint32_t)((bits_load_small(vec, size) >> bit) & mask);
}

/* Set the field of 'n_bits' bits at 'bit' to 'value', which must fit in n_bits bits. */
static inline void bits_set(uint8_t *vec, uint32_t size, uint32_t bit, uint32_t n_bits,
                            uint32_t value)
{
    uint64_t mask = (UINT64_C(1) << n_bits) - 1;
    if (size >= 8) {
        uint32_t byte = bits_word_at(size, bit);
        uint32_t shift = (bit - 8 * byte) & 63; /* 64 only for a 0-bit field at the very end */
        uint64_t w = bits_load64(vec + byte);
        w = (w & ~(mask << shift)) | (((uint64_t)value & mask) << shift);
        bits_store64(vec + byte, w);
        return;
    }
    uint64_t w = bits_load_small(vec, size);
    w = (w & ~(mask << bit)) | (((uint64_t)value & mask) << bit);
    bits_store_small(vec, size, w);
}

/* Bits needed for an unsigned field holding values 0..max (0 for max == 0). */
static inline uint8_t layout_bits_for(uint32_t max)
{
    uint8_t n = 0;
    while (n < 32 && (max >> n) != 0)
        n++;
    return n;
}

/* ---- variables ---- */

/* The range base of variable v: a field holds value - base (0 for a variable with no range). */
static inline int32_t var_base(const Var *v)
{
    return v->has_range ? v->lo : 0;
}

/* Decode a field holding value - base, in 32-bit two's complement arithmetic. */
static inline int32_t field_decode(uint32_t raw, int32_t base)
{
    return (int32_t)(raw + (uint32_t)base);
}

static inline uint32_t field_encode(int32_t value, int32_t base)
{
    return (uint32_t)value - (uint32_t)base;
}

/* Absolute bit offset of element 'i' of variable 'var' for thread 'tid' (ignored when shared). */
static inline uint32_t state_var_bit(const Program *prog, uint32_t var, uint32_t tid, uint32_t i)
{
    const Var *v = &prog->vars[var];
    uint32_t bit = v->bit_off + i * v->bits;
    if (v->scope == VAR_LOCAL)
        bit += prog->threads[tid].bit_base;
    return bit;
}

/* Element 'i' of variable 'var' (no bounds check) for thread 'tid' (ignored for shared vars). */
static inline int32_t state_var_get(const Program *prog, const uint8_t *vec, uint32_t var,
                                    uint32_t tid, uint32_t i)
{
    const Var *v = &prog->vars[var];
    uint32_t raw = bits_get(vec, prog->state_size, state_var_bit(prog, var, tid, i), v->bits);
    return field_decode(raw, var_base(v));
}

/* Set element 'i' of variable 'var' for thread 'tid'; 'value' must lie in its declared range. */
static inline void state_var_set(const Program *prog, uint8_t *vec, uint32_t var, uint32_t tid,
                                 uint32_t i, int32_t value)
{
    const Var *v = &prog->vars[var];
    bits_set(vec, prog->state_size, state_var_bit(prog, var, tid, i), v->bits,
             field_encode(value, var_base(v)));
}

/* ---- positions, mutexes, queues ---- */

/* The position of thread 'tid'. */
static inline uint32_t state_pos(const Program *prog, const uint8_t *vec, uint32_t tid)
{
    const Thread *t = &prog->threads[tid];
    return bits_get(vec, prog->state_size, t->bit_base, prog->templates[t->tmpl].pc_bits);
}

static inline void state_set_pos(const Program *prog, uint8_t *vec, uint32_t tid, uint32_t pos)
{
    const Thread *t = &prog->threads[tid];
    bits_set(vec, prog->state_size, t->bit_base, prog->templates[t->tmpl].pc_bits, pos);
}

/* True when thread 'tid' is at its end position. */
static inline bool state_thread_done(const Program *prog, const uint8_t *vec, uint32_t tid)
{
    const Thread *t = &prog->threads[tid];
    return state_pos(prog, vec, tid) == prog->templates[t->tmpl].n_pos - 1;
}

/* True when every thread has finished. */
bool state_all_done(const Program *prog, const uint8_t *vec);

/* ---- the preemption bound (Program.is_bounded) ---- */

#define STATE_NO_THREAD UINT32_MAX /* state_last_thread() of the initial state */

/* The thread whose step led to 'vec', or STATE_NO_THREAD in the initial state. */
static inline uint32_t state_last_thread(const Program *prog, const uint8_t *vec)
{
    return bits_get(vec, prog->state_size, prog->last_bit_off, prog->last_bits) - 1u;
}

/* The preemptions the schedule to 'vec' took. */
static inline uint32_t state_preemptions(const Program *prog, const uint8_t *vec)
{
    return bits_get(vec, prog->state_size, prog->preempt_bit_off, prog->preempt_bits);
}

/* Record in 'vec' that thread 'tid' took the step to it, the schedule's preemptions now 'n'. */
static inline void state_set_bound(const Program *prog, uint8_t *vec, uint32_t tid, uint32_t n)
{
    bits_set(vec, prog->state_size, prog->last_bit_off, prog->last_bits, tid + 1);
    bits_set(vec, prog->state_size, prog->preempt_bit_off, prog->preempt_bits, n);
}

/* Owner of mutex 'm': 0 when free, else thread index + 1. */
static inline uint32_t state_mutex_owner(const Program *prog, const uint8_t *vec, uint32_t m)
{
    const Mutex *mx = &prog->mutexes[m];
    return bits_get(vec, prog->state_size, mx->bit_off, mx->bits);
}

static inline void state_set_mutex_owner(const Program *prog, uint8_t *vec, uint32_t m,
                                         uint32_t owner)
{
    const Mutex *mx = &prog->mutexes[m];
    bits_set(vec, prog->state_size, mx->bit_off, mx->bits, owner);
}

/* Length of queue 'q'. */
static inline uint32_t state_queue_len(const Program *prog, const uint8_t *vec, uint32_t q)
{
    const Queue *qu = &prog->queues[q];
    return bits_get(vec, prog->state_size, qu->len_bit_off, qu->len_bits);
}

static inline void state_set_queue_len(const Program *prog, uint8_t *vec, uint32_t q, uint32_t len)
{
    const Queue *qu = &prog->queues[q];
    bits_set(vec, prog->state_size, qu->len_bit_off, qu->len_bits, len);
}

/* The range base of queue q's slots: a slot holds value - base (0 for a queue with no range). */
static inline int32_t queue_base(const Queue *qu)
{
    return qu->has_range ? qu->lo : 0;
}

/* Element i (0 = oldest) of queue 'q'; i must be below the length (a free slot reads as the
** range's low bound, or 0). */
static inline int32_t state_queue_elem(const Program *prog, const uint8_t *vec, uint32_t q,
                                       uint32_t i)
{
    const Queue *qu = &prog->queues[q];
    uint32_t raw = bits_get(vec, prog->state_size, qu->bit_off + i * qu->bits, qu->bits);
    return field_decode(raw, queue_base(qu));
}

/* Whether queue 'q' holds the same values in 'a' and 'b' (a put or a get changes it). */
static inline bool state_queue_equal(const Program *prog, const uint8_t *a, const uint8_t *b,
                                     uint32_t q)
{
    uint32_t len = state_queue_len(prog, a, q);
    if (state_queue_len(prog, b, q) != len)
        return false;
    for (uint32_t i = 0; i < len; i++)
        if (state_queue_elem(prog, a, q, i) != state_queue_elem(prog, b, q, i))
            return false;
    return true;
}

/* Set slot i of queue 'q' to 'value', which must lie in its declared range (the caller keeps
** slots past the length free with state_clear_queue_elem). */
static inline void state_set_queue_elem(const Program *prog, uint8_t *vec, uint32_t q, uint32_t i,
                                        int32_t value)
{
    const Queue *qu = &prog->queues[q];
    bits_set(vec, prog->state_size, qu->bit_off + i * qu->bits, qu->bits,
             field_encode(value, queue_base(qu)));
}

/* Free slot i of queue 'q': all its bits zero, whatever the range, so equal queues have equal
** bytes. */
static inline void state_clear_queue_elem(const Program *prog, uint8_t *vec, uint32_t q, uint32_t i)
{
    const Queue *qu = &prog->queues[q];
    bits_set(vec, prog->state_size, qu->bit_off + i * qu->bits, qu->bits, 0);
}

/* 64-bit xxh3 hash of a vector of 'len' bytes. */
static inline uint64_t state_hash(const uint8_t *vec, uint32_t len)
{
    return XXH3_64bits(vec, len);
}

#endif
