// SPDX-License-Identifier: BSD-3-Clause
#include "txn.h"

namespace traffic {

static uint64_t splitmix(uint64_t &x)
{
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

Rng::Rng(uint64_t seed) { for (auto &s : s_) s = splitmix(seed); }

uint64_t Rng::next()
{
    uint64_t r = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0]; s_[3] ^= s_[1]; s_[1] ^= s_[2]; s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return r;
}

double Rng::uniform() { return (double)(next() >> 11) * 0x1.0p-53; }

uint64_t Rng::below(uint64_t n)
{
    // Lemire's multiply-shift with rejection: unbiased.
    unsigned __int128 m = (unsigned __int128)next() * n;
    uint64_t lo = (uint64_t)m;
    if (lo < n) {
        uint64_t t = -n % n;
        while (lo < t) { m = (unsigned __int128)next() * n; lo = (uint64_t)m; }
    }
    return (uint64_t)(m >> 64);
}

} // namespace traffic
