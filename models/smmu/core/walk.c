/* SPDX-License-Identifier: BSD-3-Clause */
/* One stage of a VMSAv8-64 translation table walk: descriptors, faults, permissions, HTTU (Arm ARM D8; IHI 0070 3.13, 7.3). */
#include "walk.h"

/* Descriptor fields (Arm ARM D8.3). */
#define D_VALID      (1ull << 0)
#define D_TABLE      (1ull << 1)   /* table at levels 0-2, page at level 3 */
#define D_AP1        (1ull << 6)   /* stage 2: S2AP[0] read */
#define D_AP2        (1ull << 7)   /* stage 2: S2AP[1] write */
#define D_AF         (1ull << 10)
#define D_NG         (1ull << 11)
#define D_DBM        (1ull << 51)
#define D_CONT       (1ull << 52)
#define D_PXN        (1ull << 53)  /* stage 2: XN[0] */
#define D_UXN        (1ull << 54)  /* stage 2: XN[1]; one-EL stage 1: XN */

/* Bits of smmu_wc_entry_t.limits. */
enum { LIM_APT0 = 1, LIM_APT1 = 2, LIM_UXNT = 4, LIM_PXNT = 8, LIM_NST = 16 };

static uint64_t be64(const uint8_t *b)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | b[i];
    return v;
}

static void put_be64(uint8_t *b, uint64_t v)
{
    for (int i = 7; i >= 0; i--) { b[i] = (uint8_t)v; v >>= 8; }
}

/* Output address field [47:granule], with OA[51:48] from bits [15:12] for a 64K granule with 52-bit PAs. */
static uint64_t desc_oa(const smmu_stage_cfg_t *c, uint64_t d)
{
    uint64_t oa = d & 0x0000FFFFFFFFFFFFull & ~((1ull << c->granule) - 1);
    if (c->lpa) oa |= smmu_bits(d, 15, 12) << 48;
    return oa;
}

/* Whether a block descriptor is allowed at `level` for the granule (Arm ARM D8.3; no FEAT_LPA2). */
static bool block_ok(const smmu_stage_cfg_t *c, unsigned level)
{
    if (c->granule == 12) return level == 1 || level == 2;
    if (c->granule == 14) return level == 2;
    return level == 2 || (level == 1 && c->lpa);
}

/* log2 of the contiguous range a descriptor with the Contiguous bit belongs to (Arm ARM D8.7). */
static unsigned cont_log2(const smmu_stage_cfg_t *c, unsigned level, unsigned size_log2)
{
    if (c->granule == 12) return size_log2 + 4;                               /* 16 entries */
    if (c->granule == 14) return size_log2 + (level == 3 ? 7 : level == 2 ? 5 : 0);
    return size_log2 + (level >= 2 ? 5 : 0);                                  /* 64K: 32 entries */
}

static int fault(const smmu_stage_cfg_t *c, smmu_walk_out_t *o, uint8_t id, unsigned level, uint64_t ia)
{
    o->fault.id = id;
    o->fault.s2 = c->stage == 2;
    /* A stage-1 walk abort is CLASS TT; other stage-1 faults are IN; stage-2 callers refine IN (7.3.10-14). */
    o->fault.cls = (c->stage == 1 && id == EVT_F_WALK_EABT) ? EVT_CLASS_TT : EVT_CLASS_IN;
    o->fault.level = (uint8_t)level;
    o->fault.ipa = c->stage == 2 ? ia : 0;
    return id;
}

static int read_desc(const smmu_walk_env_t *env, const smmu_stage_cfg_t *c, uint64_t pa, uint64_t *d, smmu_cost_t *cost)
{
    uint8_t b[8];
    int rc = smmu_mem_read(env->smmu, pa, b, 8, cost);
    *d = c->big_endian ? be64(b) : smmu_le64(b);
    return rc;
}

/* Stage-1 Direct permissions for both privileges (Arm ARM D8.4.1; IHI 0070 CD.WXN/UWXN/PAN). */
static uint8_t s1_perms(const smmu_stage_cfg_t *c, uint64_t d, unsigned lim, bool writable)
{
    bool xn_u = (d & D_UXN) || (lim & LIM_UXNT);
    uint8_t p = SMMU_PERM_RP;
    if (!c->two_el) {
        /* One EL: AP[1] RES1, XN at bit 54; accesses are treated alike whatever PnU says. */
        bool x = !xn_u && !(c->wxn && writable);
        p = SMMU_PERM_RP | SMMU_PERM_RU;
        if (writable) p |= SMMU_PERM_WP | SMMU_PERM_WU;
        if (x) p |= SMMU_PERM_XP | SMMU_PERM_XU;
        return p;
    }
    bool user = (d & D_AP1) && !(lim & LIM_APT0);
    bool wu = user && writable;
    bool xp = !(d & D_PXN) && !(lim & LIM_PXNT) && !wu;    /* EL0-writable is never privileged-executable */
    bool xu = !xn_u;
    if (c->wxn && writable) xp = xu = false;
    if (c->uwxn && wu) xp = false;
    if (writable) p |= SMMU_PERM_WP;
    if (user) p |= SMMU_PERM_RU | (wu ? SMMU_PERM_WU : 0);
    if (c->pan && user) p &= (uint8_t)~(SMMU_PERM_RP | SMMU_PERM_WP);   /* PAN: privileged data access to user pages */
    if (xp) p |= SMMU_PERM_XP;
    if (xu) p |= SMMU_PERM_XU;
    return p;
}

/* Stage-2 Direct permissions (Arm ARM D8.4.2): S2AP for data, XN or XN[1:0] with XNX for execution. */
static uint8_t s2_perms(const smmu_stage_cfg_t *c, uint64_t d, bool writable)
{
    uint8_t p = 0;
    if (d & D_AP1) p |= SMMU_PERM_RP | SMMU_PERM_RU;
    if (writable) p |= SMMU_PERM_WP | SMMU_PERM_WU;
    unsigned xn = (unsigned)smmu_bits(d, 54, 53);
    bool xp, xu;
    if (c->xnx) { xp = xn == 0 || xn == 3; xu = xn == 0 || xn == 1; }
    else xp = xu = !(xn & 2);
    if (xp) p |= SMMU_PERM_XP;
    if (xu) p |= SMMU_PERM_XU;
    return p;
}

static bool allowed(uint8_t perm, unsigned access)
{
    bool priv = access & SMMU_ACC_PRIV;
    uint8_t need = (access & SMMU_ACC_X) ? (priv ? SMMU_PERM_XP : SMMU_PERM_XU)
                 : (access & SMMU_ACC_W) ? (priv ? SMMU_PERM_WP : SMMU_PERM_WU)
                 : (priv ? SMMU_PERM_RP : SMMU_PERM_RU);
    return (perm & need) != 0;
}

/* HTTU: atomic read-modify-write of the leaf descriptor (the host is single-threaded, so a re-read
 * that still matches makes the write atomic). Returns 0, 1 if the descriptor changed under us, or -1 on abort. */
static int httu_update(const smmu_walk_env_t *env, const smmu_stage_cfg_t *c, uint64_t dipa, uint64_t pa,
                       uint64_t old, uint64_t new_d, smmu_walk_out_t *o)
{
    if (env->no_update) return 0;
    uint64_t now;
    if (read_desc(env, c, pa, &now, &o->cost)) { o->fault.fetch_addr = pa; return -1; }
    if (now != old) { o->fault.fetch_addr = pa; return 1; }
    uint64_t wpa = pa;
    if (c->stage == 1 && env->s2_table) {
        /* The stage-1 update is a write at stage 2: it needs write permission there (TTRnW = 0). */
        smmu_walk_fault_t f;
        memset(&f, 0, sizeof f);
        int rc = env->s2_table(env->s2_ctx, dipa, true, &wpa, &f);
        if (rc) { o->fault = f; return -2; }
    }
    uint8_t b[8];
    if (c->big_endian) put_be64(b, new_d); else smmu_put_le64(b, new_d);
    if (smmu_mem_write(env->smmu, wpa, b, 8, &o->cost)) { o->fault.fetch_addr = wpa; return -1; }
    return 0;
}

int smmu_walk(const smmu_walk_env_t *env, const smmu_stage_cfg_t *c, uint64_t ia, unsigned access, smmu_walk_out_t *o)
{
    memset(o, 0, sizeof *o);
    /* A regime smmu_s1_cfg/smmu_s2_cfg cannot produce: refuse it rather than index out of range. */
    if ((c->granule != 12 && c->granule != 14 && c->granule != 16) || c->start_level > 3 || c->ias > 52 ||
        c->oas > 52 || c->ias <= smmu_level_shift(c->granule, c->start_level) ||
        c->ias - smmu_level_shift(c->granule, c->start_level) > c->granule + 1u)
        return fault(c, o, EVT_F_TRANSLATION, c->start_level, ia);
    const unsigned g = c->granule, stride = g - 3u;
    const uint64_t mask = smmu_bits(~0ull, c->ias - 1u, 0);

    /* Input-range check (Arm ARM D8.2): stage 1 above ias equals the TTB select bit (below the top byte with TBI). */
    if (c->stage == 1) {
        unsigned top = c->tbi ? 56 : 64;
        uint64_t upper = top > c->ias ? smmu_bits(ia, top - 1, c->ias) : 0;
        uint64_t want = (c->ttb1 && top > c->ias) ? smmu_bits(~0ull, top - 1 - c->ias, 0) : 0;
        if (upper != want) return fault(c, o, EVT_F_TRANSLATION, c->start_level, ia);
        if (c->e0pd && !(access & SMMU_ACC_PRIV)) return fault(c, o, EVT_F_TRANSLATION, c->start_level, ia);
    } else if (ia & ~mask) {
        return fault(c, o, EVT_F_TRANSLATION, c->start_level, ia);
    }
    /* The walk-cache key: the input address with its upper bits canonical (TTB1: ones, else zeros). */
    const uint64_t key = (c->stage == 1 && c->ttb1) ? (ia | ~mask) : (ia & mask);

    unsigned level = c->start_level;
    unsigned top_bits = c->ias - smmu_level_shift(g, level);            /* includes concatenation */
    uint64_t table = c->ttb & 0x000FFFFFFFFFFFFFull & ~((8ull << top_bits) - 1);
    if (table >> c->oas) return fault(c, o, EVT_F_ADDR_SIZE, level, ia);  /* normally C_BAD_CD/STE */
    unsigned lim = 0;
    smmu_wc_entry_t e;
    if (env->wc && env->wc->lookup && env->wc->lookup(env->wc_ctx, c->stage, key, &e) &&
        e.level > level && e.level <= 3) {
        level = e.level;
        table = e.table;
        lim = e.limits;
    }

    for (int restarts = 0;;) {
        unsigned shift = smmu_level_shift(g, level);
        unsigned nbits = level == c->start_level ? top_bits : stride;
        uint64_t dipa = table + (smmu_bits(ia & mask, shift + nbits - 1, shift) << 3);
        uint64_t dpa = dipa;
        if (c->stage == 1 && env->s2_table) {
            smmu_walk_fault_t f;
            memset(&f, 0, sizeof f);
            int rc = env->s2_table(env->s2_ctx, dipa, false, &dpa, &f);
            if (rc) { o->fault = f; return rc; }
        }
        uint64_t d;
        o->cost.cycles += env->smmu->cfg.walk_step_cycles;
        if (read_desc(env, c, dpa, &d, &o->cost)) {
            fault(c, o, EVT_F_WALK_EABT, level, ia);
            o->fault.fetch_addr = dpa;
            return EVT_F_WALK_EABT;
        }
        if (!(d & D_VALID)) return fault(c, o, EVT_F_TRANSLATION, level, ia);

        if (level < 3 && (d & D_TABLE)) {
            uint64_t next = desc_oa(c, d);
            if (next >> c->oas) return fault(c, o, EVT_F_ADDR_SIZE, level, ia);
            if (c->stage == 1 && !c->had)
                lim |= (unsigned)(smmu_bits(d, 62, 61) | (smmu_bits(d, 60, 60) << 2) | (smmu_bits(d, 59, 59) << 3));
            if (c->stage == 1) lim |= (unsigned)smmu_bits(d, 63, 63) << 4;
            if (env->wc && env->wc->fill) {
                smmu_wc_entry_t ne = { (uint8_t)(level + 1), (uint8_t)shift, next, (uint8_t)lim };
                env->wc->fill(env->wc_ctx, c->stage, key, &ne);
            }
            table = next;
            level++;
            continue;
        }
        /* Leaf: a page at level 3, a block where the granule allows one; anything else is reserved. */
        if (level < 3 && !block_ok(c, level)) return fault(c, o, EVT_F_TRANSLATION, level, ia);
        if (level == 3 && !(d & D_TABLE)) return fault(c, o, EVT_F_TRANSLATION, level, ia);
        uint64_t base = desc_oa(c, d) & ~((1ull << shift) - 1);
        if (base >> c->oas) return fault(c, o, EVT_F_ADDR_SIZE, level, ia);

        bool apt1 = c->stage == 1 && (lim & LIM_APT1);
        bool dirty_ok = c->hd && (d & D_DBM) && !apt1;                 /* writable-clean can become dirty */
        bool hw_writable = c->stage == 1 ? !(d & D_AP2) && !apt1 : (d & D_AP2) != 0;
        bool writable = hw_writable || dirty_ok;
        uint8_t perm = c->stage == 1 ? s1_perms(c, d, lim, writable) : s2_perms(c, d, writable);

        /* Access flag before permission (Arm ARM D8.5: AF faults have priority). */
        bool set_af = !(d & D_AF) && c->ha;
        if (!(d & D_AF) && !c->ha && !c->affd) return fault(c, o, EVT_F_ACCESS, level, ia);
        bool ok = allowed(perm, access);
        if (!ok && !env->report_perms) return fault(c, o, EVT_F_PERMISSION, level, ia);
        uint8_t any = (access & SMMU_ACC_PRIV) ? SMMU_PERM_RP | SMMU_PERM_WP | SMMU_PERM_XP
                                               : SMMU_PERM_RU | SMMU_PERM_WU | SMMU_PERM_XU;
        if (!(perm & any)) set_af = false;     /* ATS: AF only for a Completion that grants something (13.7) */

        /* No HTTU update on a faulting access (CONSTRAINED UNPREDICTABLE in Arm ARM D8.5.1; MMU-700 does none). */
        bool make_dirty = ok && (access & SMMU_ACC_W) && !(access & SMMU_ACC_X) && dirty_ok && !hw_writable;
        uint64_t nd = d;
        if (set_af) nd |= D_AF;
        if (make_dirty) nd = c->stage == 1 ? (nd & ~D_AP2) : (nd | D_AP2);
        if (nd != d) {
            int rc = httu_update(env, c, dipa, dpa, d, nd, o);
            if (rc == 1 && ++restarts < 4) continue;                     /* descriptor changed: re-read it */
            if (rc == -2) return o->fault.id;
            if (rc) {
                uint64_t fa = o->fault.fetch_addr;
                fault(c, o, EVT_F_WALK_EABT, level, ia);
                o->fault.fetch_addr = fa;
                return EVT_F_WALK_EABT;
            }
            d = nd;
            o->updated = true;
        }
        bool wclean = dirty_ok && !(c->stage == 1 ? !(d & D_AP2) : (d & D_AP2));
        if (wclean) perm &= (uint8_t)~(SMMU_PERM_WP | SMMU_PERM_WU);
        o->wclean = wclean;
        o->perm = perm;
        o->level = (uint8_t)level;
        o->size_log2 = (uint8_t)((d & D_CONT) ? cont_log2(c, level, shift) : shift);
        o->oa = base | (ia & ((1ull << shift) - 1));
        o->attr = c->stage == 1 ? (uint8_t)(c->mair >> (8 * smmu_bits(d, 4, 2))) : (uint8_t)smmu_bits(d, 5, 2);
        o->sh = (uint8_t)smmu_bits(d, 9, 8);
        o->ng = c->stage == 1 && (d & D_NG);
        o->desc_addr = dpa;
        o->desc = d;
        return 0;
    }
}
