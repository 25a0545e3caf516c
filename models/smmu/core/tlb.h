/* SPDX-License-Identifier: BSD-3-Clause */
/* TBU and TCU translation caches: micro-TLB and main TLB per TBU, TCU TLB, walk caches; TLB invalidation. */
#ifndef SMMU_CORE_TLB_H
#define SMMU_CORE_TLB_H

#include "internal.h"
#include "cache.h"

/* A decoded TLBI_* command (IHI 0070 4.4); fields the opcode does not have are 0. */
typedef struct smmu_tlbi {
    uint8_t  opcode;
    uint16_t vmid, asid;
    uint64_t addr;        /* VA (NH/EL2) or IPA (S2_IPA), Address[63:12] as given */
    bool     leaf;
    uint8_t  ttl, tg;     /* TTL[1:0], TG[1:0] (0 = no range/TTL hint) */
    uint8_t  scale, num;  /* range form: (NUM+1) << SCALE granules when TG != 0 */
} smmu_tlbi_t;

int  smmu_tlbs_create(struct smmu_core *s, char *err, size_t errlen);
void smmu_tlbs_destroy(struct smmu_core *s);
/* Apply one invalidation to every TLB and walk cache. Returns the number of entries invalidated. */
uint64_t smmu_tlb_invalidate(struct smmu_core *s, const smmu_tlbi_t *op);

/* Translation regime tag (IHI 0070 3.17); Secure and EL3 StreamWorlds are not modelled. */
enum smmu_sw { SMMU_SW_NSEL1 = 0, SMMU_SW_EL2 = 1, SMMU_SW_EL2_E2H = 2 };
/* StreamWorld of a stream: STE.STRW, with EL2 split by SMMU_CR2.E2H. */
uint8_t smmu_tlb_sw(const struct smmu_core *s, const smmu_ste_t *ste);

/* What an entry translates: VA->PA by stage 1 only, IPA->PA by stage 2 only, VA->PA through both stages. */
enum smmu_tlb_kind { SMMU_TLB_S1 = 1, SMMU_TLB_S2 = 2, SMMU_TLB_NESTED = 3 };

typedef struct smmu_tlb_entry {
    smmu_cache_hdr_t hdr;            /* set by the TLB; callers leave it zero */
    uint8_t  sw;                     /* SMMU_SW_* */
    uint8_t  kind;                   /* SMMU_TLB_* */
    bool     global;                 /* stage-1 descriptor nG == 0: matches any ASID of the same ASET */
    bool     aset;                   /* CD.ASET, for global matching (3.17.1) */
    uint16_t vmid;                   /* NS-EL1 only (STE.S2VMID; 0 when stage 2 is not implemented) */
    uint16_t asid;                   /* non-global stage-1 entries of NS-EL1 and EL2-E2H */
    uint8_t  size_log2;              /* bytes covered: page, block or contiguous span; nested: the smaller stage */
    uint8_t  level, granule_log2;    /* leaf level and granule (12/14/16) of stage 1 (of stage 2 for S2-only) */
    uint8_t  s2_level, s2_granule_log2;  /* nested: stage-2 leaf level and granule */
    uint8_t  s1_size_log2;           /* nested: size of the stage-1 block/page it was split from (0: size_log2);
                                        a stage-1 invalidation of any address in it removes every piece */
    uint8_t  perm;                   /* SMMU_PERM_* */
    uint8_t  memattr, sh;
    uint64_t ia;                     /* input address of the first byte (aligned to size_log2) */
    uint64_t oa;                     /* output address of the first byte */
    uint64_t ipa;                    /* nested: IPA of the first byte */
} smmu_tlb_entry_t;

typedef struct smmu_tlb_key {
    uint8_t  sw, kind;
    bool     aset;
    uint16_t vmid, asid;
    uint64_t ia;
} smmu_tlb_key_t;

static inline uint64_t smmu_tlb_out(const smmu_tlb_entry_t *e, uint64_t ia) { return e->oa + (ia - e->ia); }

/* Probe the port's micro-TLB, then its main TLB, then the TCU TLB; each structure present charges its latency
 * to cost->cycles (DTI link latency is the caller's). A lower-level hit is promoted into the levels above.
 * peek: no replacement update, no statistics, no promotion. Returns NULL on a miss (*where = SMMU_SRC_NONE). */
const smmu_tlb_entry_t *smmu_tlb_lookup(struct smmu_core *s, unsigned port, const smmu_tlb_key_t *key,
                                        smmu_source_t *where, smmu_cost_t *cost, bool peek);
/* Insert a translation into the port's micro-TLB, main TLB and the TCU TLB. The hdr field is ignored. */
void smmu_tlb_fill(struct smmu_core *s, unsigned port, const smmu_tlb_entry_t *e);
/* The TCU TLB alone, for translations the TCU needs itself (stage-2 translations of nested stage-1 table
 * fetches, kind SMMU_TLB_S2). Absent TCU TLB: lookups miss at no cost and fills are dropped. */
const smmu_tlb_entry_t *smmu_tlb_lookup_tcu(struct smmu_core *s, const smmu_tlb_key_t *key, smmu_cost_t *cost, bool peek);
void smmu_tlb_fill_tcu(struct smmu_core *s, const smmu_tlb_entry_t *e);
/* Number of TLB and walk-cache structures present (for the per-structure TLBI cost). */
unsigned smmu_tlb_structures(const struct smmu_core *s);
/* Drop every TLB and walk-cache entry. */
uint64_t smmu_tlb_invalidate_all(struct smmu_core *s);

/* Walk caches (TCU), tagged by StreamWorld, VMID, ASID (stage 1), stage and level and IA prefix.
 * walk_cache_s1[L] / walk_cache_s2[L] hold table descriptors read at level L (entry level L+1); a descriptor
 * at level L of granule g covers ia_shift = g + (3 - L) * (g - 3). Unified: walk_cache_s1[0] holds everything. */
typedef struct smmu_wc_ctx {
    struct smmu_core *s;
    uint8_t  sw;
    uint16_t vmid, asid;
    uint8_t  granule_log2[2];        /* stage 1, stage 2 */
    smmu_cost_t *cost;               /* walk-cache latency is charged here (may be NULL) */
    bool     peek;                   /* no fill, no replacement update, no statistics */
} smmu_wc_ctx_t;

void smmu_wc_bind(struct smmu_core *s, smmu_wc_ctx_t *ctx, uint8_t sw, uint16_t vmid, uint16_t asid,
                  unsigned s1_granule_log2, unsigned s2_granule_log2, smmu_cost_t *cost, bool peek);
/* Walker ops (ctx is a smmu_wc_ctx_t *, stage 1 or 2): the deepest cached table descriptor covering ia. */
bool smmu_wc_lookup(void *ctx, unsigned stage, uint64_t ia, smmu_wc_entry_t *out);
void smmu_wc_fill(void *ctx, unsigned stage, uint64_t ia, const smmu_wc_entry_t *e);

/* A remembered lookup: the way a key found in a 4 KiB input page while the TLB's contents stayed the same.
 * Every entry covers whole 4 KiB pages, so the same contents, tags and page give the same way. */
typedef struct smmu_tlb_memo {
    uint64_t gen;                    /* smmu_cache_t.gen when made; 0: empty */
    uint64_t page;                   /* key ia >> 12 */
    uint64_t tags;                   /* sw, kind, aset, vmid, asid of the key */
    uint32_t set, way;
} smmu_tlb_memo_t;

#define SMMU_TLB_MEMO 64             /* memo slots per TLB (direct-mapped) */

/* State of the translation caches; private to tlb.c, walkcache.c and tlbi.c. */
typedef struct smmu_tlb {
    smmu_cache_t *c;                 /* NULL: absent */
    uint64_t size_mask;              /* bit n: entries of size_log2 n are present (probe each size once) */
    uint32_t size_count[64];
    uint32_t nglobal;                /* valid entries matching any ASID (probed at their own set index) */
    uint64_t *tag_ia;                /* per (set, way): ia of a valid entry, so a way scan reads 9 bytes a way */
    uint8_t  *tag_sz;                /* per (set, way): size_log2 of a valid entry; stale for invalid ways */
    uint32_t *tag_asid;              /* per (set, way): ASID of a non-global entry, UINT32_MAX for a global one */
    uint32_t nnested;                /* valid SMMU_TLB_NESTED entries (indexed by a piece of their stage-1 block) */
    smmu_tlb_memo_t *memo;           /* SMMU_TLB_MEMO slots: a repeated hit skips the way scan */
    uint16_t *filter;                /* fully associative only: valid entries per hash of (page at the entry's
                                        size, VMID, ASID or global); a zero proves a miss without a way scan */
    uint32_t filter_mask;            /* filter slots - 1 */
} smmu_tlb_t;

struct smmu_tlbs {
    unsigned nports;
    smmu_tlb_t utlb[SMMU_MAX_PORTS], main[SMMU_MAX_PORTS], tcu;
    bool unified;
    smmu_cache_t *wc[2][4];          /* [stage-1][descriptor level]; unified: wc[0][0] only */
};

/* Walk-cache line (walkcache.c). */
typedef struct smmu_wc_line {
    smmu_cache_hdr_t hdr;
    uint8_t  sw, stage, granule_log2;
    uint16_t vmid, asid;
    uint64_t prefix;                 /* ia >> e.ia_shift */
    smmu_wc_entry_t e;
} smmu_wc_line_t;

void smmu_tlb_forget(smmu_tlb_t *t, uint32_t set, uint32_t way);   /* invalidate one entry, keeping size counts */

/* Set of a TLB entry: the page number at the entry's size, mixed with the VMID and (non-global) ASID tags so
 * that streams using the same IOVAs spread over the sets instead of fighting for one. */
static inline uint64_t smmu_tlb_tag_hash(uint64_t ia, unsigned sz, uint16_t vmid, bool global, uint16_t asid)
{
    uint64_t h = (uint64_t)vmid * 0x9E3779B97F4A7C15ull ^ (global ? 0 : ((uint64_t)asid + 1) * 0xC2B2AE3D27D4EB4Full);
    return (ia >> sz) ^ (h >> 40);
}

static inline uint32_t smmu_tlb_set_index(const smmu_cache_t *c, uint64_t ia, unsigned sz, uint16_t vmid, bool global,
                                          uint16_t asid)
{
    if (c->sets == 1) return 0;
    return smmu_cache_set_of(c, smmu_tlb_tag_hash(ia, sz, vmid, global, asid));
}

#endif
