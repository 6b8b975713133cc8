/*
 * Fixed-point decimal arithmetic for the business rules (see rules_num.h).
 * Amounts are int64 in 10^-4 units; products and quotients for the
 * percentage intervals use __int128 (GCC/Clang on 64-bit targets).
 */
#include "rules_num.h"

#include <stdio.h>
#include <string.h>

#include "budgetx.h"

/* Largest magnitude we accept: 10^14 whole units, far beyond any budget. */
#define DEC_MAX ((int64_t)100000000000000LL * BX_DEC_ONE)

static const int64_t pow10_tab[] = {1, 10, 100, 1000, 10000};

int64_t rules_dec_unit(int places)
{
    if (places < 0)
        places = 0;
    if (places > BX_DEC_PLACES)
        places = BX_DEC_PLACES;
    return pow10_tab[BX_DEC_PLACES - places];
}

int rules_dec_add(int64_t a, int64_t b, int64_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

int rules_dec_mul(int64_t a, int64_t k, int64_t *out)
{
    return !__builtin_mul_overflow(a, k, out);
}

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    return s;
}

/* Digits of the integer part, skipping ',' separators. */
static int parse_int_part(const char **sp, int64_t *whole, int *ndigits)
{
    const char *s = *sp;

    *whole = 0;
    *ndigits = 0;
    while ((*s >= '0' && *s <= '9') || (*s == ',' && *ndigits > 0)) {
        if (*s != ',') {
            if (*whole > DEC_MAX / BX_DEC_ONE / 10)
                return BX_E_LIMIT;
            *whole = *whole * 10 + (*s - '0');
            (*ndigits)++;
        }
        s++;
    }
    *sp = s;
    return BX_OK;
}

int rules_dec_parse(const char *s, struct bx_dec *out)
{
    int64_t whole = 0;
    int64_t frac = 0;
    int neg = 0;
    int nint = 0;
    int places = 0;
    int rc;

    if (s == NULL)
        return BX_E_ARG;
    s = skip_blanks(s);
    if (*s == '-' || *s == '+') {
        neg = *s == '-';
        s++;
    }
    rc = parse_int_part(&s, &whole, &nint);
    if (rc != BX_OK)
        return rc;
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9') {
            if (places == BX_DEC_PLACES)
                return BX_E_ARG;
            frac = frac * 10 + (*s - '0');
            places++;
            s++;
        }
    }
    if (nint == 0 && places == 0)
        return BX_E_ARG;
    if (*skip_blanks(s) != '\0')
        return BX_E_ARG;
    out->v = whole * BX_DEC_ONE + frac * pow10_tab[BX_DEC_PLACES - places];
    if (neg)
        out->v = -out->v;
    out->places = places;
    return BX_OK;
}

void rules_dec_format(int64_t v, int min_places, char *buf, size_t n)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t whole = mag / BX_DEC_ONE;
    uint64_t frac = mag % BX_DEC_ONE;
    int places = BX_DEC_PLACES;
    char digits[8];
    int i;

    if (min_places < 0)
        min_places = 0;
    if (min_places > BX_DEC_PLACES)
        min_places = BX_DEC_PLACES;
    while (places > min_places && frac % 10 == 0) {
        frac /= 10;
        places--;
    }
    if (places == 0) {
        snprintf(buf, n, "%s%llu", v < 0 ? "-" : "", (unsigned long long)whole);
        return;
    }
    /* 1..4 digits with leading zeros, written by hand (no %0*llu) */
    digits[places] = '\0';
    for (i = places - 1; i >= 0; i--) {
        digits[i] = (char)('0' + frac % 10);
        frac /= 10;
    }
    snprintf(buf, n, "%s%llu.%s", v < 0 ? "-" : "", (unsigned long long)whole,
             digits);
}

int64_t rules_dec_round(int64_t v, int places)
{
    int64_t u = rules_dec_unit(places);
    int64_t half = u / 2;
    int64_t q;

    if (u == 1)
        return v;
    if (v >= 0)
        q = (v + half) / u;
    else
        q = -((-v + half) / u);
    return q * u;
}

/* 100 * x / y in 10^-8 percent units (quotient truncated toward zero). */
static __int128 ratio_fine(__int128 x, __int128 y)
{
    return x * 100 * BX_DEC_ONE * BX_DEC_ONE / y;
}

int rules_dec_ratio_ok(int64_t x, int64_t ex, int64_t y, int64_t ey, int64_t p,
                       int p_places, int64_t *exact, int64_t *half)
{
    __int128 lo = 0;
    __int128 hi = 0;
    __int128 h = rules_dec_unit(p_places) / 2;
    __int128 pf = (__int128)p * BX_DEC_ONE;
    int i;

    *exact = 0;
    *half = (int64_t)h;
    if (y != 0) {
        __int128 q = ratio_fine(x, y);
        __int128 r = q >= 0 ? (q + BX_DEC_ONE / 2) / BX_DEC_ONE
                            : -((-q + BX_DEC_ONE / 2) / BX_DEC_ONE);
        *exact = rules_dec_round((int64_t)r, p_places);
    }
    if ((y - ey <= 0 && y + ey >= 0) || ey < 0 || ex < 0)
        return -1;
    for (i = 0; i < 4; i++) {
        __int128 cx = (__int128)x + ((i & 1) ? ex : -ex);
        __int128 cy = (__int128)y + ((i & 2) ? ey : -ey);
        __int128 q = ratio_fine(cx, cy);

        if (i == 0 || q < lo)
            lo = q;
        if (i == 0 || q > hi)
            hi = q;
    }
    /* The quotients are truncated: widen by one fine unit each side. */
    lo -= 1;
    hi += 1;
    h *= BX_DEC_ONE;
    *half = (int64_t)((hi - lo) / 2 / BX_DEC_ONE + h / BX_DEC_ONE);
    return pf + h >= lo && pf - h <= hi;
}
