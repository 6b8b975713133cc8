/*
 * Fixed-point decimals for the business rules: every amount is an int64 in
 * units of 10^-4 (four places), so printed sums are exact.  Parsing,
 * formatting, rounding and the interval test for percentages.  No floating
 * point anywhere.
 */
#ifndef BX_RULES_NUM_H
#define BX_RULES_NUM_H

#include <stddef.h>
#include <stdint.h>

#define BX_DEC_PLACES 4
#define BX_DEC_ONE 10000

/* A decimal as printed: value in 10^-4 units and the places it showed. */
struct bx_dec {
    int64_t v;
    int places;
};

/*
 * Parse a printed decimal ("179.6", "-8.7", "0", "1,234.5", "+3").
 * Leading/trailing blanks are ignored; thousands separators ',' are
 * allowed.  Returns BX_OK, BX_E_ARG (empty, not a number, more than four
 * places) or BX_E_LIMIT (too large).
 */
int rules_dec_parse(const char *s, struct bx_dec *out);

/*
 * Format 'v' with at least 'min_places' places, more (up to four) only
 * when needed to show 'v' exactly.  Writes at most 'n' bytes.
 */
void rules_dec_format(int64_t v, int min_places, char *buf, size_t n);

/* 10^-places in 10^-4 units (places clamped to 0..4). */
int64_t rules_dec_unit(int places);

/* 'v' rounded half away from zero to 'places'. */
int64_t rules_dec_round(int64_t v, int places);

/* a+b / a*k with overflow detection: return 0 on overflow. */
int rules_dec_add(int64_t a, int64_t b, int64_t *out);
int rules_dec_mul(int64_t a, int64_t k, int64_t *out);

/*
 * Percentage test of the rounding model of docs/rules.md: 'p' (a percentage, 10^-4 units,
 * shown with 'p_places') is accepted when it lies within half a display
 * unit of 100*x/y for some x in [x-ex, x+ex] and y in [y-ey, y+ey].
 * Returns 1 accepted, 0 rejected, -1 undecidable (y's interval holds 0).
 * '*exact' receives 100*x/y rounded to 'p_places' (0 when y is 0) and
 * '*half' the half-width of the accepted interval, both in 10^-4 units.
 */
int rules_dec_ratio_ok(int64_t x, int64_t ex, int64_t y, int64_t ey, int64_t p,
                       int p_places, int64_t *exact, int64_t *half);

#endif /* BX_RULES_NUM_H */
