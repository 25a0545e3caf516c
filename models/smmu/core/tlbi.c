/* SPDX-License-Identifier: BSD-3-Clause */
/* TLB invalidation commands (IHI 0070 4.4): the scope of each CMD_TLBI_* over the TLBs and walk caches. */
#include "tlb.h"

enum { ASID_ANY, ASID_NONGLOBAL, ASID_OR_GLOBAL };

typedef struct scope {
    uint8_t  sw_mask;           /* bit per SMMU_SW_* */
    uint8_t  kind_mask;         /* bit per SMMU_TLB_* */
    bool     wc[2];             /* stage-1 / stage-2 walk caches are in scope */
    bool     match_vmid;
    uint16_t vmid, vmid_mask;
    int      asid_mode;
    uint16_t asid;
    bool     by_addr;
    uint64_t lo, hi;            /* inclusive input-address range */
    unsigned granule;           /* 0: any; else only entries of that granule (TG) */
    unsigned ttl;               /* 0: any level; else leaf entries of that level, table entries above it */
} scope_t;

static bool vmid_ok(const scope_t *sc, uint16_t vmid)
{
    return !sc->match_vmid || ((vmid ^ sc->vmid) & sc->vmid_mask) == 0;
}

static bool overlaps(const scope_t *sc, uint64_t base, unsigned size_log2)
{
    if (!sc->by_addr) return true;
    uint64_t last = size_log2 >= 64 ? ~0ull : base + ((1ull << size_log2) - 1);
    return base <= sc->hi && last >= sc->lo;
}

static bool tlb_in_scope(const scope_t *sc, const smmu_tlb_entry_t *e)
{
    if (!(sc->sw_mask & (1u << e->sw)) || !(sc->kind_mask & (1u << e->kind))) return false;
    if (e->sw == SMMU_SW_NSEL1 && !vmid_ok(sc, e->vmid)) return false;
    if (sc->asid_mode == ASID_NONGLOBAL && (e->global || e->asid != sc->asid)) return false;
    if (sc->asid_mode == ASID_OR_GLOBAL && !e->global && e->asid != sc->asid) return false;
    if (sc->granule && e->granule_log2 != sc->granule) return false;
    if (sc->ttl && e->level != sc->ttl) return false;
    unsigned sz = e->size_log2;
    if (e->kind == SMMU_TLB_NESTED && e->s1_size_log2 > sz && e->s1_size_log2 < 64) sz = e->s1_size_log2;
    return overlaps(sc, sz >= 64 ? 0 : e->ia & ~((1ull << sz) - 1), sz);   /* Arm ARM D8.17: splintered stage 1 */
}

/* Table descriptors carry no nG: they are tagged with the ASID of the walk (Arm ARM D8.17: VA by ASID
 * invalidates non-global entries from any level). TTL n with Leaf=0 reaches table descriptors above level n. */
static bool wc_in_scope(const scope_t *sc, const smmu_wc_line_t *l)
{
    if (!sc->wc[l->stage - 1] || !(sc->sw_mask & (1u << l->sw))) return false;
    if (l->sw == SMMU_SW_NSEL1 && !vmid_ok(sc, l->vmid)) return false;
    if (l->stage == 1 && l->sw != SMMU_SW_EL2 && sc->asid_mode != ASID_ANY && l->asid != sc->asid) return false;
    if (sc->granule && l->granule_log2 != sc->granule) return false;
    if (sc->ttl && l->e.level > sc->ttl) return false;
    uint64_t base = l->e.ia_shift >= 64 ? 0 : l->prefix << l->e.ia_shift;
    return overlaps(sc, base, l->e.ia_shift);
}

static uint64_t sweep_tlb_set(smmu_tlb_t *t, uint32_t set, const scope_t *sc)
{
    uint64_t n = 0;
    const uint32_t *tag = t->tag_asid + (size_t)set * t->c->ways;
    for (uint32_t w = 0; w < t->c->ways && t->c->live[set]; w++) {
        /* The compact ASID tag (UINT32_MAX: global) rules out other ASIDs' entries without reading them. */
        if (sc->asid_mode == ASID_NONGLOBAL && tag[w] != sc->asid) continue;
        if (sc->asid_mode == ASID_OR_GLOBAL && tag[w] != sc->asid && tag[w] != UINT32_MAX) continue;
        const smmu_tlb_entry_t *e = smmu_cache_entry(t->c, set, w);
        if (e->hdr.valid && tlb_in_scope(sc, e)) {
            smmu_tlb_forget(t, set, w);
            n++;
        }
    }
    return n;
}

/* An address-scoped TLBI on a set-associative TLB visits only the sets its range maps to, per entry size
 * present, when every entry it can reach has a known set: one VMID, one ASID (or only global entries), and no
 * nested entry (those are indexed by a piece of a larger stage-1 block). Returns false to ask for a full sweep. */
static bool sweep_tlb_indexed(smmu_tlb_t *t, const scope_t *sc, uint64_t *n)
{
    const smmu_cache_t *c = t->c;
    const uint8_t S2 = 1u << SMMU_TLB_S2, NSEL1 = 1u << SMMU_SW_NSEL1, EL2 = 1u << SMMU_SW_EL2;
    if (c->sets == 1 || !sc->by_addr) return false;
    if ((sc->kind_mask & (1u << SMMU_TLB_NESTED)) && t->nnested) return false;
    if ((sc->sw_mask & NSEL1) && (sc->sw_mask != NSEL1 || !sc->match_vmid || sc->vmid_mask != 0xFFFF)) return false;
    bool only_global = sc->kind_mask == S2 || sc->sw_mask == EL2;   /* tlb.c tags these entries global */
    if (sc->asid_mode == ASID_ANY && !only_global) return false;
    uint16_t vmid = sc->sw_mask == NSEL1 ? sc->vmid : 0;
    uint64_t visits = 0;
    for (uint64_t sizes = t->size_mask; sizes; sizes &= sizes - 1) {
        unsigned sz = (unsigned)__builtin_ctzll(sizes);
        uint64_t span = (sc->hi >> sz) - (sc->lo >> sz);
        if (span >= c->sets) return false;
        visits += (span + 1) * (only_global ? 1 : 2);
        if (visits > c->sets) return false;
    }
    for (uint64_t sizes = t->size_mask; sizes; sizes &= sizes - 1) {
        unsigned sz = (unsigned)__builtin_ctzll(sizes);
        for (uint64_t page = sc->lo >> sz; page <= sc->hi >> sz; page++) {
            uint64_t ia = page << sz;
            if (!only_global) *n += sweep_tlb_set(t, smmu_tlb_set_index(c, ia, sz, vmid, false, sc->asid), sc);
            if (t->nglobal) *n += sweep_tlb_set(t, smmu_tlb_set_index(c, ia, sz, vmid, true, 0), sc);
            if (page == UINT64_MAX >> sz) break;
        }
    }
    return true;
}

static uint64_t sweep_tlb(smmu_tlb_t *t, const scope_t *sc)
{
    uint64_t n = 0;
    if (!t->c || sweep_tlb_indexed(t, sc, &n)) return n;
    for (uint32_t set = 0; set < t->c->sets; set++) n += sweep_tlb_set(t, set, sc);
    return n;
}

static uint64_t sweep_wc(smmu_cache_t *c, const scope_t *sc)
{
    uint64_t n = 0;
    if (!c) return 0;
    for (uint32_t set = 0; set < c->sets; set++)
        for (uint32_t w = 0; w < c->ways && c->live[set]; w++) {
            const smmu_wc_line_t *l = smmu_cache_entry(c, set, w);
            if (l->hdr.valid && wc_in_scope(sc, l)) {
                smmu_cache_invalidate(c, set, w);
                n++;
            }
        }
    return n;
}

/* Address, range (TG != 0: (NUM+1) << SCALE granules from Address) and TTL hint (4.4.1.1). */
static void set_address(scope_t *sc, const smmu_tlbi_t *op)
{
    static const unsigned tg_log2[4] = {0, 12, 14, 16};
    sc->by_addr = true;
    sc->lo = op->addr & ~0xFFFull;
    sc->granule = tg_log2[op->tg & 3];
    if (!sc->granule) {
        sc->hi = sc->lo | 0xFFF;                         /* one address: every entry holding it */
        return;
    }
    unsigned scale = op->scale > 39 ? 39 : op->scale;    /* larger SCALE values are treated as 39 */
    uint64_t bytes = ((uint64_t)(op->num & 31) + 1) << (scale + sc->granule);
    sc->hi = sc->lo + bytes - 1 < sc->lo ? ~0ull : sc->lo + bytes - 1;   /* no wrap past the top */
    sc->ttl = op->ttl & 3;
    if (sc->ttl == 1 && sc->granule == 14) sc->ttl = 0;   /* 16K TTL=1 is reserved without DS: any level */
}

uint64_t smmu_tlb_invalidate(struct smmu_core *s, const smmu_tlbi_t *op)
{
    struct smmu_tlbs *t = s->tlbs;
    const uint8_t S1 = 1u << SMMU_TLB_S1, S2 = 1u << SMMU_TLB_S2, NEST = 1u << SMMU_TLB_NESTED;
    const uint8_t NSEL1 = 1u << SMMU_SW_NSEL1, EL2 = 1u << SMMU_SW_EL2, E2H = 1u << SMMU_SW_EL2_E2H;
    bool e2h = (s->cr2 & 1u) != 0;                        /* SMMU_CR2.E2H */
    scope_t sc;
    memset(&sc, 0, sizeof sc);
    sc.vmid = op->vmid;
    sc.vmid_mask = 0xFFFF;
    unsigned vmw = (s->cr0 >> CR0_VMW_SHIFT) & 7;
    if (s->cfg.vmw && vmw >= 1 && vmw <= 4) sc.vmid_mask = (uint16_t)(0xFFFFu << vmw);   /* CR0.VMW wildcard */
    sc.asid = op->asid;

    switch (op->opcode) {
    case 0x10: case 0x11: case 0x12: case 0x13:          /* TLBI_NH_ALL / ASID / VA / VAA */
        sc.sw_mask = NSEL1;
        sc.kind_mask = S1 | NEST;
        sc.match_vmid = s->cfg.s2p;                       /* VMID is RES0 without stage 2 */
        sc.asid_mode = op->opcode == 0x11 ? ASID_NONGLOBAL : op->opcode == 0x12 ? ASID_OR_GLOBAL : ASID_ANY;
        sc.wc[0] = true;
        if (op->opcode >= 0x12) {
            set_address(&sc, op);
            sc.wc[0] = !op->leaf;
        }
        break;
    case 0x20: case 0x21: case 0x22: case 0x23:          /* TLBI_EL2_ALL / ASID / VA / VAA */
        sc.kind_mask = S1;
        sc.wc[0] = true;
        if (op->opcode == 0x20) sc.sw_mask = EL2 | E2H;
        else if (op->opcode == 0x21) { sc.sw_mask = E2H; sc.asid_mode = ASID_NONGLOBAL; }
        else {
            sc.sw_mask = e2h ? E2H : EL2;
            sc.asid_mode = op->opcode == 0x22 && e2h ? ASID_OR_GLOBAL : ASID_ANY;
            set_address(&sc, op);
            sc.wc[0] = !op->leaf;
        }
        break;
    case 0x28:                                            /* TLBI_S12_VMALL */
        sc.sw_mask = NSEL1;
        sc.kind_mask = S1 | S2 | NEST;
        sc.match_vmid = true;
        sc.wc[0] = sc.wc[1] = true;
        break;
    case 0x2A:                                            /* TLBI_S2_IPA: stage-2-only entries; combined ones need not go */
        sc.sw_mask = NSEL1;
        sc.kind_mask = S2;
        sc.match_vmid = true;
        set_address(&sc, op);
        sc.wc[1] = !op->leaf;
        break;
    case 0x30:                                            /* TLBI_NSNH_ALL */
        sc.sw_mask = NSEL1;
        sc.kind_mask = S1 | S2 | NEST;
        sc.wc[0] = sc.wc[1] = true;
        break;
    default:                                              /* TLBI_EL3_*: no EL3 StreamWorld is modelled */
        return 0;
    }

    uint64_t n = sweep_tlb(&t->tcu, &sc);
    for (unsigned p = 0; p < t->nports; p++) n += sweep_tlb(&t->utlb[p], &sc) + sweep_tlb(&t->main[p], &sc);
    for (int st = 0; st < 2; st++)
        for (int l = 0; l < 4; l++) n += sweep_wc(t->wc[st][l], &sc);
    return n;
}
