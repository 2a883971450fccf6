/*
** check_state.c -- tests of state.h: bit fields at every offset, the tail of a vector, vectors
** under 8 bytes, zero-bit fields, value encodings, and that writes keep the other bits.
*/
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "suites_list.h"

enum { BUF = 24 };

/* The field written the slow, obvious way: bit b of the vector is bit b % 8 of byte b / 8. */
static uint32_t bits_ref(const uint8_t *vec, uint32_t bit, uint32_t n_bits)
{
    uint32_t v = 0;
    for (uint32_t k = 0; k < n_bits; k++)
        v |= (uint32_t)((vec[(bit + k) / 8] >> ((bit + k) % 8)) & 1) << k;
    return v;
}

/* A reproducible pattern of values: the low n_bits of a multiplicative hash of 'seed'. */
static uint32_t pattern(uint32_t seed, uint32_t n_bits)
{
    uint64_t h = (uint64_t)(seed + 1) * 0x9e3779b97f4a7c15u;
    return (uint32_t)(h >> 32) & (uint32_t)((UINT64_C(1) << n_bits) - 1);
}

/* ---- core ---- */

/* Every width 0..32 at every offset of vectors of 1..BUF bytes, the tail and the under-8-byte
** paths included: the value reads back, and every other bit of the vector is unchanged. */
START_TEST(state_bits_round_trip_everywhere)
{
    uint8_t vec[BUF + 8], before[BUF + 8];
    for (uint32_t size = 1; size <= BUF; size++) {
        for (uint32_t n_bits = 0; n_bits <= 32; n_bits++) {
            for (uint32_t bit = 0; bit + n_bits <= 8 * size; bit++) {
                for (uint32_t i = 0; i < sizeof vec; i++)
                    vec[i] = (uint8_t)pattern(i + size, 8);
                memcpy(before, vec, sizeof vec);
                uint32_t value = pattern(bit * 33 + n_bits, n_bits);
                bits_set(vec, size, bit, n_bits, value);
                ck_assert_uint_eq(bits_get(vec, size, bit, n_bits), value);
                ck_assert_uint_eq(bits_ref(vec, bit, n_bits), value);
                /* restore the field: the whole buffer, past 'size' too, is as it was */
                bits_set(vec, size, bit, n_bits, bits_ref(before, bit, n_bits));
                ck_assert_mem_eq(vec, before, sizeof vec);
            }
        }
    }
}
END_TEST

/* A field at the very end of a vector is written without touching the byte after it. */
START_TEST(state_bits_never_write_past_the_vector)
{
    uint8_t vec[16];
    memset(vec, 0, sizeof vec);
    vec[11] = 0xa5;                             /* the byte after an 11-byte vector */
    bits_set(vec, 11, 88 - 32, 32, 0xffffffff); /* the last 32 bits */
    ck_assert_uint_eq(vec[11], 0xa5);
    ck_assert_uint_eq(vec[7], 0xff);
    ck_assert_uint_eq(vec[6], 0);
    bits_set(vec, 11, 88, 0, 0); /* a 0-bit field right at the end */
    ck_assert_uint_eq(bits_get(vec, 11, 88, 0), 0);
    ck_assert_uint_eq(vec[11], 0xa5);
    uint8_t small[4] = {0, 0, 0x5a, 0x5a};
    bits_set(small, 2, 3, 13, 0x1fff); /* a 2-byte vector, bits 3..15 */
    ck_assert_uint_eq(small[0], 0xf8);
    ck_assert_uint_eq(small[1], 0xff);
    ck_assert_uint_eq(small[2], 0x5a);
}
END_TEST

/* A vector of 1 to 7 bytes is read and written as one word by overlapping loads and stores:
** on a heap block of exactly its size (AddressSanitizer reports a byte past it), every field
** of every width reads back and leaves the other bits as they were. */
START_TEST(state_bits_small_vectors_stay_inside)
{
    for (uint32_t size = 1; size < 8; size++) {
        uint8_t *vec = malloc(size), before[8];
        ck_assert_ptr_nonnull(vec);
        for (uint32_t i = 0; i < size; i++)
            vec[i] = (uint8_t)pattern(i + 7 * size, 8);
        memcpy(before, vec, size);
        for (uint32_t n_bits = 1; n_bits <= 8 * size && n_bits <= 32; n_bits++)
            for (uint32_t bit = 0; bit + n_bits <= 8 * size; bit++) {
                uint32_t old = bits_get(vec, size, bit, n_bits);
                ck_assert_uint_eq(old, bits_ref(vec, bit, n_bits));
                bits_set(vec, size, bit, n_bits, ~old & (uint32_t)((UINT64_C(1) << n_bits) - 1));
                ck_assert_uint_eq(bits_ref(vec, bit, n_bits) ^ old,
                                  (uint32_t)((UINT64_C(1) << n_bits) - 1));
                bits_set(vec, size, bit, n_bits, old);
                ck_assert_mem_eq(vec, before, size);
            }
        free(vec);
    }
}
END_TEST

START_TEST(state_bits_for_counts_values)
{
    ck_assert_uint_eq(layout_bits_for(0), 0);
    ck_assert_uint_eq(layout_bits_for(1), 1);
    ck_assert_uint_eq(layout_bits_for(2), 2);
    ck_assert_uint_eq(layout_bits_for(3), 2);
    ck_assert_uint_eq(layout_bits_for(4), 3);
    ck_assert_uint_eq(layout_bits_for(255), 8);
    ck_assert_uint_eq(layout_bits_for(256), 9);
    ck_assert_uint_eq(layout_bits_for(0x7fffffff), 31);
    ck_assert_uint_eq(layout_bits_for(0xffffffff), 32);
}
END_TEST

/* Ranged fields hold value - lo; unranged ones the int32's bits (base 0), negatives included. */
START_TEST(state_field_encoding)
{
    ck_assert_uint_eq(field_encode(5, -1), 6);
    ck_assert_int_eq(field_decode(6, -1), 5);
    ck_assert_uint_eq(field_encode(-70000, -70000), 0);
    ck_assert_uint_eq(field_encode(INT32_MAX, INT32_MIN), 0xffffffff);
    ck_assert_int_eq(field_decode(0xffffffff, INT32_MIN), INT32_MAX);
    ck_assert_uint_eq(field_encode(-1, 0), 0xffffffff);
    ck_assert_int_eq(field_decode(0xffffffff, 0), -1);
    ck_assert_int_eq(field_decode(0x80000000, 0), INT32_MIN);
}
END_TEST

Suite *state_suite(void)
{
    Suite *s = suite_create("state");
    TCase *core = tcase_create("core");
    tcase_add_test(core, state_bits_round_trip_everywhere);
    tcase_add_test(core, state_bits_never_write_past_the_vector);
    tcase_add_test(core, state_bits_small_vectors_stay_inside);
    tcase_add_test(core, state_bits_for_counts_values);
    tcase_add_test(core, state_field_encoding);
    /* state_bits_round_trip_everywhere tries every field at every bit: 2.4 s under the
    ** sanitizers on a quiet machine, past Check's default 4 s on a loaded one */
    tcase_set_timeout(core, 60);
    suite_add_tcase(s, core);
    return s;
}
