/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smmuv3-model: the smmuv3-model project's C core (IHI 0070 SMMUv3) as the SMMU of QEMU's virt machine.
 * The 128 KiB register frame, the per-device IOMMU translate callback, the table/queue memory and the four
 * wired SPIs are passed to one core instance; nothing here interprets SMMU state.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/notify.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "exec/address-spaces.h"
#include "exec/memory.h"
#include "hw/sysbus.h"
#include "hw/irq.h"
#include "hw/pci/pci.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "sysemu/sysemu.h"

#include "smmu/smmu.h"

#define TYPE_SMMUV3_MODEL "smmuv3-model"
#define TYPE_SMMUV3_MODEL_IOMMU_MR "smmuv3-model-iommu-memory-region"
OBJECT_DECLARE_SIMPLE_TYPE(SMMUv3ModelState, SMMUV3_MODEL)

#define SMMU_MODEL_FRAME_SIZE 0x20000   /* page 0 + page 1 (IHI 0070 6.1) */
#define SMMU_MODEL_VA_BITS    48
#define SMMU_MODEL_NUM_IRQS   4         /* eventq, priq, cmdq-sync, gerror: the order virt wires them */

typedef struct SMMUModelDevice {
    IOMMUMemoryRegion iommu;
    AddressSpace as;
    SMMUv3ModelState *s;
    PCIBus *bus;
    int devfn;
    bool has_notifiers;
    QLIST_ENTRY(SMMUModelDevice) next;
} SMMUModelDevice;

typedef struct SMMUModelStream {
    uint32_t sid;
    uint64_t translations, reads, writes, utlb_hits, main_tlb_hits, tcu_tlb_hits, walks, walk_mem_reads;
    uint64_t bypassed, aborted, razwi, stalls;
    uint64_t faults_by_event[256];
} SMMUModelStream;

struct SMMUv3ModelState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
    qemu_irq irq[SMMU_MODEL_NUM_IRQS];
    PCIBus *primary_bus;
    GHashTable *devs;               /* (bus, devfn) -> SMMUModelDevice */
    QLIST_HEAD(, SMMUModelDevice) notified;
    QemuRecMutex lock;
    smmu_t *core;
    smmu_config_t cfg;
    Notifier exit_notifier;
    FILE *trace;
    GHashTable *streams;            /* sid -> SMMUModelStream */
    uint64_t irq_edges[SMMU_MODEL_NUM_IRQS], reg_reads, reg_writes, mem_errors;
    uint64_t invalidations_notified;
    uint64_t last_inval_cmds;

    /* Properties: a preset and the key knobs of the project's config keys (docs/config-keys.md). */
    char *preset;
    char *stats_path;
    char *trace_path;
    uint8_t arch_minor, oas_bits, sidsize, ssidsize, httu, stall_model;
    uint32_t ril, msi, btm, s2p;        /* 0/1, or UINT32_MAX = the preset's value */
    uint32_t utlb_entries, main_tlb_entries, cfg_cache_entries, walk_cache_entries;
};

static const char *const event_names[256] = {
    [0x01] = "F_UUT", [0x02] = "C_BAD_STREAMID", [0x03] = "F_STE_FETCH", [0x04] = "C_BAD_STE",
    [0x05] = "F_BAD_ATS_TREQ", [0x06] = "F_STREAM_DISABLED", [0x07] = "F_TRANSL_FORBIDDEN",
    [0x08] = "C_BAD_SUBSTREAMID", [0x09] = "F_CD_FETCH", [0x0A] = "C_BAD_CD", [0x0B] = "F_WALK_EABT",
    [0x10] = "F_TRANSLATION", [0x11] = "F_ADDR_SIZE", [0x12] = "F_ACCESS", [0x13] = "F_PERMISSION",
    [0x20] = "F_TLB_CONFLICT", [0x21] = "F_CFG_CONFLICT", [0x24] = "E_PAGE_REQUEST", [0x25] = "F_VMS_FETCH",
};

static const char *const cmd_names[256] = {
    [0x01] = "CMD_PREFETCH_CONFIG", [0x02] = "CMD_PREFETCH_ADDR", [0x03] = "CMD_CFGI_STE",
    [0x04] = "CMD_CFGI_STE_RANGE", [0x05] = "CMD_CFGI_CD", [0x06] = "CMD_CFGI_CD_ALL",
    [0x10] = "CMD_TLBI_NH_ALL", [0x11] = "CMD_TLBI_NH_ASID", [0x12] = "CMD_TLBI_NH_VA", [0x13] = "CMD_TLBI_NH_VAA",
    [0x18] = "CMD_TLBI_EL3_ALL", [0x1A] = "CMD_TLBI_EL3_VA", [0x20] = "CMD_TLBI_EL2_ALL",
    [0x21] = "CMD_TLBI_EL2_ASID", [0x22] = "CMD_TLBI_EL2_VA", [0x23] = "CMD_TLBI_EL2_VAA",
    [0x28] = "CMD_TLBI_S12_VMALL", [0x2A] = "CMD_TLBI_S2_IPA", [0x30] = "CMD_TLBI_NSNH_ALL",
    [0x40] = "CMD_ATC_INV", [0x41] = "CMD_PRI_RESP", [0x44] = "CMD_RESUME", [0x45] = "CMD_STALL_TERM",
    [0x46] = "CMD_SYNC",
};

static bool cmd_is_tlbi(unsigned op) { return op >= 0x10 && op <= 0x30; }
static bool cmd_is_cfgi(unsigned op) { return op >= 0x03 && op <= 0x06; }

/* ---- Host callbacks of the core ---- */

static int model_mem_read(void *ctx, uint64_t pa, void *dst, size_t len)
{
    SMMUv3ModelState *s = ctx;
    MemTxResult r = address_space_read(&address_space_memory, pa, MEMTXATTRS_UNSPECIFIED, dst, len);
    if (r != MEMTX_OK) {
        s->mem_errors++;
    }
    return r == MEMTX_OK ? 0 : -1;
}

static int model_mem_write(void *ctx, uint64_t pa, const void *src, size_t len)
{
    SMMUv3ModelState *s = ctx;
    MemTxResult r = address_space_write(&address_space_memory, pa, MEMTXATTRS_UNSPECIFIED, src, len);
    if (r != MEMTX_OK) {
        s->mem_errors++;
    }
    return r == MEMTX_OK ? 0 : -1;
}

static void model_irq(void *ctx, smmu_irq_t line, bool level)
{
    SMMUv3ModelState *s = ctx;
    if ((unsigned)line >= SMMU_MODEL_NUM_IRQS) {
        return;
    }
    if (level) {
        s->irq_edges[line]++;
    }
    qemu_set_irq(s->irq[line], level);
}

/* ---- Invalidation -> QEMU's IOMMU notifiers (vhost/vfio-style users that cache translations) ---- */

static void model_notify_unmap_all(SMMUv3ModelState *s)
{
    SMMUModelDevice *d;
    QLIST_FOREACH(d, &s->notified, next) {
        IOMMUNotifier *n;
        IOMMU_NOTIFIER_FOREACH(n, IOMMU_MEMORY_REGION(&d->iommu)) {
            IOMMUTLBEvent ev = {
                .type = IOMMU_NOTIFIER_UNMAP,
                .entry = { .target_as = &address_space_memory, .iova = n->start,
                           .addr_mask = n->end - n->start, .perm = IOMMU_NONE },
            };
            memory_region_notify_iommu_one(n, &ev);
        }
        s->invalidations_notified++;
    }
}

/* After the core consumed commands: any TLBI/CFGI among them drops every notifier's cached range (the
 * conservative choice; QEMU's own SMMUv3 narrows it per command). */
static void model_after_commands(SMMUv3ModelState *s)
{
    smmu_global_stats_t g;
    uint64_t inval = 0;
    if (QLIST_EMPTY(&s->notified)) {
        return;
    }
    smmu_global_stats(s->core, &g);
    for (unsigned op = 0; op < 256; op++) {
        if (cmd_is_tlbi(op) || cmd_is_cfgi(op)) {
            inval += g.commands_by_opcode[op];
        }
    }
    if (inval != s->last_inval_cmds) {
        s->last_inval_cmds = inval;
        model_notify_unmap_all(s);
    }
}

/* ---- MMIO frame ---- */

static uint64_t model_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    SMMUv3ModelState *s = opaque;
    uint64_t v;
    qemu_rec_mutex_lock(&s->lock);
    s->reg_reads++;
    v = smmu_reg_read(s->core, addr, size);
    qemu_rec_mutex_unlock(&s->lock);
    return v;
}

static void model_mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    SMMUv3ModelState *s = opaque;
    qemu_rec_mutex_lock(&s->lock);
    s->reg_writes++;
    smmu_reg_write(s->core, addr, val, size);
    model_after_commands(s);
    qemu_rec_mutex_unlock(&s->lock);
}

static const MemoryRegionOps model_mmio_ops = {
    .read = model_mmio_read,
    .write = model_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 8 },
};

/* ---- Translation ---- */

static SMMUModelStream *model_stream(SMMUv3ModelState *s, uint32_t sid)
{
    SMMUModelStream *st = g_hash_table_lookup(s->streams, GUINT_TO_POINTER(sid));
    if (!st) {
        st = g_new0(SMMUModelStream, 1);
        st->sid = sid;
        g_hash_table_insert(s->streams, GUINT_TO_POINTER(sid), st);
    }
    return st;
}

static void model_count(SMMUModelStream *st, const smmu_result_t *r, bool write)
{
    st->translations++;
    if (write) {
        st->writes++;
    } else {
        st->reads++;
    }
    if (r->status != SMMU_OK) {
        if (r->status == SMMU_RAZWI) {
            st->razwi++;
        } else if (r->status == SMMU_STALL) {
            st->stalls++;
        } else {
            st->aborted++;
        }
    } else if (r->bypass) {
        st->bypassed++;
    } else {
        switch (r->source) {
        case SMMU_SRC_UTLB: st->utlb_hits++; break;
        case SMMU_SRC_MAIN_TLB: st->main_tlb_hits++; break;
        case SMMU_SRC_TCU_TLB: st->tcu_tlb_hits++; break;
        default: st->walks++; st->walk_mem_reads += r->mem_reads; break;
        }
    }
    if (r->event) {
        st->faults_by_event[r->event]++;
    }
}

static IOMMUTLBEntry model_translate(IOMMUMemoryRegion *mr, hwaddr addr, IOMMUAccessFlags flag, int iommu_idx)
{
    SMMUModelDevice *d = container_of(mr, SMMUModelDevice, iommu);
    SMMUv3ModelState *s = d->s;
    bool write = flag & IOMMU_WO;
    smmu_txn_t txn = {
        .sid = PCI_BUILD_BDF(pci_bus_num(d->bus), d->devfn),   /* StreamID = PCI requester ID */
        .addr = addr, .write = write,
    };
    smmu_result_t r;
    IOMMUTLBEntry e = {
        .target_as = &address_space_memory, .iova = addr, .translated_addr = addr,
        .addr_mask = 0, .perm = IOMMU_NONE,
    };

    qemu_rec_mutex_lock(&s->lock);
    smmu_translate(s->core, &txn, &r);
    model_count(model_stream(s, txn.sid), &r, write);
    if (r.status == SMMU_OK) {
        unsigned lg = r.page_log2 >= 12 && r.page_log2 < 64 ? r.page_log2 : 12;
        hwaddr mask = ((hwaddr)1 << lg) - 1;
        e.iova = addr & ~mask;
        e.translated_addr = r.pa & ~mask;
        e.addr_mask = mask;
        e.perm = (r.read_ok ? IOMMU_RO : 0) | (r.write_ok && write ? IOMMU_WO : 0);
    }
    if (s->trace && flag != IOMMU_NONE) {
        /* QEMU asks per translated region and does not pass the access length: the record's size is the
         * span from the IOVA to the end of the region (4 KiB page when the access faulted). */
        uint64_t span = e.addr_mask ? e.addr_mask + 1 - (addr & e.addr_mask) : 4096 - (addr & 0xfff);
        int64_t ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        if (fprintf(s->trace, "%" PRId64 "000 0x%x - %c 0x%" PRIx64 " %" PRIu64 "\n", ns, txn.sid,
                    write ? 'W' : 'R', (uint64_t)addr, span) < 0) {
            error_report("smmuv3-model: cannot write trace %s: %s", s->trace_path, strerror(errno));
            fclose(s->trace);
            s->trace = NULL;
        }
    }
    qemu_rec_mutex_unlock(&s->lock);
    return e;
}

static int model_notify_flag_changed(IOMMUMemoryRegion *mr, IOMMUNotifierFlag old, IOMMUNotifierFlag new,
                                     Error **errp)
{
    SMMUModelDevice *d = container_of(mr, SMMUModelDevice, iommu);
    if (new & (IOMMU_NOTIFIER_MAP | IOMMU_NOTIFIER_DEVIOTLB_UNMAP)) {
        error_setg(errp, "smmuv3-model: only UNMAP notifiers are supported (the guest's mappings are not "
                   "shadowed)");
        return -EINVAL;
    }
    qemu_rec_mutex_lock(&d->s->lock);
    if (old == IOMMU_NOTIFIER_NONE && new != IOMMU_NOTIFIER_NONE && !d->has_notifiers) {
        QLIST_INSERT_HEAD(&d->s->notified, d, next);
        d->has_notifiers = true;
    } else if (new == IOMMU_NOTIFIER_NONE && d->has_notifiers) {
        QLIST_REMOVE(d, next);
        d->has_notifiers = false;
    }
    qemu_rec_mutex_unlock(&d->s->lock);
    return 0;
}

static AddressSpace *model_find_add_as(PCIBus *bus, void *opaque, int devfn)
{
    SMMUv3ModelState *s = opaque;
    uint64_t key = ((uint64_t)(uintptr_t)bus << 8) ^ (uint64_t)devfn;
    SMMUModelDevice *d = g_hash_table_lookup(s->devs, &key);
    if (!d) {
        uint64_t *k = g_new(uint64_t, 1);
        char *name = g_strdup_printf("smmuv3-model-%p-%d", (void *)bus, devfn);
        *k = key;
        d = g_new0(SMMUModelDevice, 1);
        d->s = s;
        d->bus = bus;
        d->devfn = devfn;
        memory_region_init_iommu(&d->iommu, sizeof(d->iommu), TYPE_SMMUV3_MODEL_IOMMU_MR, OBJECT(s), name,
                                 1ULL << SMMU_MODEL_VA_BITS);
        address_space_init(&d->as, MEMORY_REGION(&d->iommu), name);
        g_free(name);
        g_hash_table_insert(s->devs, k, d);
    }
    return &d->as;
}

/* ---- Statistics at exit ---- */

static void json_cache(GString *j, const char *name, smmu_t *core, smmu_struct_id_t w, bool comma)
{
    smmu_cache_stats_t c = {0};
    g_string_append_printf(j, "%s\"%s\":", comma ? "," : "", name);
    if (!smmu_cache_stats(core, w, -1, -1, &c)) {
        g_string_append(j, "null");
        return;
    }
    g_string_append_printf(j, "{\"lookups\":%" PRIu64 ",\"hits\":%" PRIu64 ",\"misses\":%" PRIu64
                           ",\"hit_rate\":%.6f,\"fills\":%" PRIu64 ",\"evictions\":%" PRIu64
                           ",\"invalidations\":%" PRIu64 "}", c.lookups, c.hits, c.misses,
                           c.lookups ? (double)c.hits / (double)c.lookups : 0.0, c.fills, c.evictions,
                           c.invalidations);
}

static double rate(uint64_t n, uint64_t d) { return d ? (double)n / (double)d : 0.0; }

static gint sid_cmp(gconstpointer a, gconstpointer b)
{
    uint32_t x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);
    return x < y ? -1 : x > y;
}

static GString *model_stats_json(SMMUv3ModelState *s, GString *summary)
{
    GString *j = g_string_new("{");
    smmu_global_stats_t g;
    uint64_t tlbi = 0, cfgi = 0, events[256] = {0}, tot[7] = {0};
    GList *sids = g_list_sort(g_hash_table_get_keys(s->streams), sid_cmp), *l;
    static const char *const structs[] = {"utlb", "main_tlb", "tcu_tlb", "cfg_cache", "walk_s1", "walk_s2"};
    static const char *const irqs[] = {"evtq", "priq", "cmd_sync", "gerror"};
    bool first;

    smmu_global_stats(s->core, &g);
    for (unsigned op = 0; op < 256; op++) {
        tlbi += cmd_is_tlbi(op) ? g.commands_by_opcode[op] : 0;
        cfgi += cmd_is_cfgi(op) ? g.commands_by_opcode[op] : 0;
    }
    g_string_append_printf(j, "\"scenario\":\"qemu-virt\",\"source\":\"qemu %s smmuv3-model\",\"preset\":\"%s\","
                           "\"simulated_ns\":%" PRId64 ",", QEMU_VERSION, s->preset ? s->preset : "mmu-700",
                           qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    g_string_append(j, "\"id_registers\":{");
    for (unsigned i = 0; i < 8; i++) {
        static const char *const idr[] = {"IDR0", "IDR1", "IDR2", "IDR3", "IDR4", "IDR5", "IIDR", "AIDR"};
        g_string_append_printf(j, "%s\"%s\":\"0x%08" PRIx64 "\"", i ? "," : "", idr[i],
                               smmu_reg_read(s->core, 4 * i, 4));
    }
    g_string_append(j, "},");
    g_string_append_printf(j, "\"driver\":{\"commands\":%" PRIu64 ",\"syncs\":%" PRIu64 ",\"tlbi\":%" PRIu64
                           ",\"cfgi\":%" PRIu64 "},", g.commands, g.cmd_syncs, tlbi, cfgi);
    g_string_append(j, "\"smmu\":{\"streams\":{");
    first = true;
    for (l = sids; l; l = l->next) {
        SMMUModelStream *st = g_hash_table_lookup(s->streams, l->data);
        uint64_t failed = st->aborted + st->razwi + st->stalls;
        bool f2 = true;
        g_string_append_printf(j, "%s\"%u\":{\"transactions\":%" PRIu64 ",\"reads\":%" PRIu64 ",\"writes\":%" PRIu64
            ",\"translations\":%" PRIu64 ",\"bypassed\":%" PRIu64 ",\"aborted\":%" PRIu64 ",\"razwi\":%" PRIu64
            ",\"stalls\":%" PRIu64 ",\"utlb_hits\":%" PRIu64 ",\"main_tlb_hits\":%" PRIu64 ",\"tcu_tlb_hits\":%" PRIu64
            ",\"utlb_hit_rate\":%.6f,\"main_tlb_hit_rate\":%.6f,\"tcu_tlb_hit_rate\":%.6f,\"shared_walk_rate\":0"
            ",\"walk_rate\":%.6f,\"failed\":%" PRIu64 ",\"walks\":%" PRIu64 ",\"walk_mem_reads\":%" PRIu64
            ",\"mem_reads_per_walk\":%.6f,\"shared_walks\":0,\"faults_by_event\":{",
            first ? "" : ",", st->sid, st->translations, st->reads, st->writes, st->translations, st->bypassed,
            st->aborted, st->razwi, st->stalls, st->utlb_hits, st->main_tlb_hits, st->tcu_tlb_hits,
            rate(st->utlb_hits, st->translations), rate(st->main_tlb_hits, st->translations),
            rate(st->tcu_tlb_hits, st->translations), rate(st->walks, st->translations), failed, st->walks,
            st->walk_mem_reads, rate(st->walk_mem_reads, st->walks));
        for (unsigned e = 0; e < 256; e++) {
            if (st->faults_by_event[e]) {
                g_string_append_printf(j, "%s\"0x%x\":%" PRIu64, f2 ? "" : ",", e, st->faults_by_event[e]);
                events[e] += st->faults_by_event[e];
                f2 = false;
            }
        }
        g_string_append(j, "}}");
        tot[0] += st->translations; tot[1] += st->utlb_hits; tot[2] += st->main_tlb_hits;
        tot[3] += st->tcu_tlb_hits; tot[4] += st->walks; tot[5] += st->bypassed; tot[6] += failed;
        g_string_append_printf(summary, "  sid 0x%04x: %" PRIu64 " translations, utlb %.1f%%, main TLB %.1f%%, "
                               "TCU TLB %.1f%%, walk %.1f%%, bypass %.1f%%, failed %" PRIu64 "\n", st->sid,
                               st->translations, 100 * rate(st->utlb_hits, st->translations),
                               100 * rate(st->main_tlb_hits, st->translations),
                               100 * rate(st->tcu_tlb_hits, st->translations),
                               100 * rate(st->walks, st->translations), 100 * rate(st->bypassed, st->translations),
                               failed);
        first = false;
    }
    g_list_free(sids);
    g_string_append(j, "},\"caches\":{");
    for (int w = 0; w < 6; w++) {
        json_cache(j, structs[w], s->core, (smmu_struct_id_t)w, w > 0);
    }
    g_string_append_printf(j, "},\"commands\":%" PRIu64 ",\"cmd_syncs\":%" PRIu64 ",\"commands_by_opcode\":{",
                           g.commands, g.cmd_syncs);
    first = true;
    for (unsigned op = 0; op < 256; op++) {
        if (g.commands_by_opcode[op]) {
            g_string_append_printf(j, "%s\"0x%x\":%" PRIu64, first ? "" : ",", op, g.commands_by_opcode[op]);
            first = false;
        }
    }
    g_string_append(j, "},\"irq_edges\":{");
    for (int i = 0; i < 4; i++) {
        g_string_append_printf(j, "%s\"%s\":%" PRIu64, i ? "," : "", irqs[i], s->irq_edges[i]);
    }
    g_string_append_printf(j, "},\"reg_reads\":%" PRIu64 ",\"reg_writes\":%" PRIu64 ",\"core\":{\"translations\":%"
                           PRIu64 ",\"events_recorded\":%" PRIu64 ",\"events_lost\":%" PRIu64 ",\"walks\":%" PRIu64
                           ",\"walk_reads\":%" PRIu64 "},\"memory_errors\":%" PRIu64 ",\"notifier_flushes\":%"
                           PRIu64 "},", s->reg_reads, s->reg_writes, g.translations, g.events_recorded,
                           g.events_lost, g.walks, g.walk_reads, s->mem_errors, s->invalidations_notified);
    g_string_append_printf(j, "\"translations\":%" PRIu64 ",\"utlb_hits\":%" PRIu64 ",\"main_tlb_hits\":%" PRIu64
                           ",\"tcu_tlb_hits\":%" PRIu64 ",\"walks\":%" PRIu64 ",\"bypassed\":%" PRIu64
                           ",\"failed\":%" PRIu64 ",\"events\":{", tot[0], tot[1], tot[2], tot[3], tot[4], tot[5],
                           tot[6]);
    first = true;
    for (unsigned e = 0; e < 256; e++) {
        if (events[e]) {
            g_string_append_printf(j, "%s\"%s\":%" PRIu64, first ? "" : ",",
                                   event_names[e] ? event_names[e] : "UNKNOWN", events[e]);
            first = false;
        }
    }
    g_string_append(j, "}}\n");

    g_string_append_printf(summary, "  driver: %" PRIu64 " commands, %" PRIu64 " CMD_SYNC, %" PRIu64 " TLBI, %"
                           PRIu64 " CFGI\n  commands:", g.commands, g.cmd_syncs, tlbi, cfgi);
    for (unsigned op = 0; op < 256; op++) {
        if (g.commands_by_opcode[op]) {
            g_string_append_printf(summary, " %s=%" PRIu64, cmd_names[op] ? cmd_names[op] : "?",
                                   g.commands_by_opcode[op]);
        }
    }
    g_string_append(summary, "\n  events:");
    if (!g.events_recorded) {
        g_string_append(summary, " none");
    }
    for (unsigned e = 0; e < 256; e++) {
        if (events[e]) {
            g_string_append_printf(summary, " %s=%" PRIu64, event_names[e] ? event_names[e] : "UNKNOWN",
                                   events[e]);
        }
    }
    g_string_append_printf(summary, " (%" PRIu64 " recorded)\n", g.events_recorded);
    for (int w = 0; w < 6; w++) {
        smmu_cache_stats_t c = {0};
        if (smmu_cache_stats(s->core, (smmu_struct_id_t)w, -1, -1, &c)) {
            g_string_append_printf(summary, "  %-9s %10" PRIu64 " lookups %5.1f%% hits %8" PRIu64
                                   " invalidations\n", structs[w], c.lookups, 100 * rate(c.hits, c.lookups),
                                   c.invalidations);
        }
    }
    return j;
}

static void model_exit(Notifier *n, void *data)
{
    SMMUv3ModelState *s = container_of(n, SMMUv3ModelState, exit_notifier);
    GString *summary = g_string_new("smmuv3-model statistics:\n");
    GString *j;

    qemu_rec_mutex_lock(&s->lock);
    j = model_stats_json(s, summary);
    fputs(summary->str, stderr);
    if (s->stats_path) {
        FILE *f = fopen(s->stats_path, "w");
        bool ok = f && fputs(j->str, f) >= 0;
        if (f && fclose(f) != 0) {
            ok = false;
        }
        if (ok) {
            fprintf(stderr, "smmuv3-model: wrote %s\n", s->stats_path);
        } else {
            fprintf(stderr, "smmuv3-model: cannot write %s: %s\n", s->stats_path, strerror(errno));
        }
    }
    if (s->trace) {
        if (fclose(s->trace) != 0) {
            fprintf(stderr, "smmuv3-model: cannot write trace %s: %s\n", s->trace_path, strerror(errno));
        } else {
            fprintf(stderr, "smmuv3-model: wrote trace %s\n", s->trace_path);
        }
        s->trace = NULL;
    }
    g_string_free(summary, TRUE);
    g_string_free(j, TRUE);
    qemu_rec_mutex_unlock(&s->lock);
}

/* ---- Configuration ---- */

static void cache_set(smmu_cache_config_t *c, uint32_t entries, uint32_t ways, smmu_repl_t p, uint32_t lat)
{
    c->entries = entries;
    c->ways = ways;
    c->policy = p;
    c->latency = lat;
}

/* The presets mirror configs/presets/mmu600.yaml and mmu700.yaml (models/smmu/sc/params.cpp). */
static bool model_preset(smmu_config_t *c, const char *name)
{
    smmu_config_default(c);
    if (!name || !strcmp(name, "mmu-700") || !strcmp(name, "mmu700")) {
        c->arch_minor = 2;
        c->iidr = 0x4870043Bu;
        c->btm = false;
        c->walk_cache_unified = true;
        cache_set(&c->walk_cache_s1[0], 2048, 4, SMMU_REPL_PLRU, 3);
        for (int l = 1; l < 4; l++) {
            cache_set(&c->walk_cache_s1[l], 0, 0, SMMU_REPL_PLRU, 0);
        }
        for (int l = 0; l < 4; l++) {
            cache_set(&c->walk_cache_s2[l], 0, 0, SMMU_REPL_PLRU, 0);
        }
        return true;
    }
    if (!strcmp(name, "mmu-600") || !strcmp(name, "mmu600")) {
        c->arch_minor = 1;
        c->iidr = 0x4830043Bu;
        c->fwb = false;                 /* IDR3.FWB is SMMUv3.2 */
        c->ril = false;
        c->bbml = 0;
        cache_set(&c->cfg_cache, 64, 4, SMMU_REPL_PLRU, 3);
        c->walk_cache_unified = false;
        for (int l = 0; l < 4; l++) {
            cache_set(&c->walk_cache_s1[l], 256, 4, SMMU_REPL_PLRU, 3);
            cache_set(&c->walk_cache_s2[l], 128, 4, SMMU_REPL_PLRU, 3);
        }
        return true;
    }
    return false;
}

static void model_realize(DeviceState *dev, Error **errp)
{
    SMMUv3ModelState *s = SMMUV3_MODEL(dev);
    SysBusDevice *sbd = SYS_BUS_DEVICE(dev);
    smmu_host_t host = { .ctx = s, .mem_read = model_mem_read, .mem_write = model_mem_write, .irq = model_irq };
    char err[256] = "";

    if (!model_preset(&s->cfg, s->preset)) {
        error_setg(errp, "smmuv3-model: preset '%s': unknown (mmu-700 or mmu-600)", s->preset);
        return;
    }
    if (s->arch_minor != UINT8_MAX) s->cfg.arch_minor = s->arch_minor;
    if (s->oas_bits) s->cfg.oas_bits = s->oas_bits;
    if (s->sidsize != UINT8_MAX) s->cfg.sidsize = s->sidsize;
    if (s->ssidsize != UINT8_MAX) s->cfg.ssidsize = s->ssidsize;
    if (s->httu != UINT8_MAX) s->cfg.httu = s->httu;
    if (s->stall_model != UINT8_MAX) s->cfg.stall_model = s->stall_model;
    if (s->ril != UINT32_MAX) s->cfg.ril = s->ril;
    if (s->msi != UINT32_MAX) s->cfg.msi = s->msi;
    if (s->btm != UINT32_MAX) s->cfg.btm = s->btm;
    if (s->s2p != UINT32_MAX) s->cfg.s2p = s->s2p;
    /* A preset value that exists only with a feature the knobs turned off follows them (as in smmu-sim). */
    if (s->arch_minor != UINT8_MAX) s->cfg.fwb = s->cfg.arch_minor >= 2;
    if (s->cfg.stall_model == 1) s->cfg.stall_max = 0;
    if (!s->cfg.s2p) s->cfg.hyp = s->cfg.vmw = false;
    if (s->utlb_entries != UINT32_MAX) {
        cache_set(&s->cfg.utlb, s->utlb_entries, s->utlb_entries, s->cfg.utlb.policy, s->cfg.utlb.latency);
    }
    if (s->main_tlb_entries != UINT32_MAX) {
        s->cfg.main_tlb.entries = s->main_tlb_entries;
        if (s->main_tlb_entries < s->cfg.main_tlb.ways || s->cfg.main_tlb.ways == 0) {
            s->cfg.main_tlb.ways = s->main_tlb_entries;
        }
    }
    if (s->cfg_cache_entries != UINT32_MAX) {
        s->cfg.cfg_cache.entries = s->cfg_cache_entries;
        if (s->cfg_cache_entries < s->cfg.cfg_cache.ways || s->cfg.cfg_cache.ways == 0) {
            s->cfg.cfg_cache.ways = s->cfg_cache_entries;
        }
    }
    if (s->walk_cache_entries != UINT32_MAX) {
        for (int l = 0; l < 4; l++) {
            if (s->cfg.walk_cache_s1[l].entries) {
                s->cfg.walk_cache_s1[l].entries = s->walk_cache_entries;
                if (s->walk_cache_entries < s->cfg.walk_cache_s1[l].ways) {
                    s->cfg.walk_cache_s1[l].ways = s->walk_cache_entries;
                }
            }
        }
    }
    s->core = smmu_create(&s->cfg, &host, err, sizeof err);
    if (!s->core) {
        error_setg(errp, "smmuv3-model: bad configuration: %s", err);
        return;
    }
    if (!s->primary_bus) {
        error_setg(errp, "smmuv3-model: 'primary-bus' is not set");
        return;
    }
    if (s->trace_path) {
        s->trace = fopen(s->trace_path, "w");
        if (!s->trace || fprintf(s->trace, "# smmu-trace 1: time_ps sid ssid op addr size\n") < 0) {
            error_setg_errno(errp, errno, "smmuv3-model: cannot write trace %s", s->trace_path);
            return;
        }
    }
    qemu_rec_mutex_init(&s->lock);
    s->devs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    s->streams = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    QLIST_INIT(&s->notified);
    memory_region_init_io(&s->mmio, OBJECT(s), &model_mmio_ops, s, TYPE_SMMUV3_MODEL, SMMU_MODEL_FRAME_SIZE);
    sysbus_init_mmio(sbd, &s->mmio);
    for (int i = 0; i < SMMU_MODEL_NUM_IRQS; i++) {
        sysbus_init_irq(sbd, &s->irq[i]);
    }
    pci_setup_iommu(s->primary_bus, model_find_add_as, s);
    s->exit_notifier.notify = model_exit;
    qemu_add_exit_notifier(&s->exit_notifier);
}

static void model_reset(DeviceState *dev)
{
    SMMUv3ModelState *s = SMMUV3_MODEL(dev);
    smmu_host_t host = { .ctx = s, .mem_read = model_mem_read, .mem_write = model_mem_write, .irq = model_irq };
    char err[256] = "";
    smmu_t *fresh;

    /* A system reset (e.g. guest reboot) returns the registers to their reset values: a new core instance;
     * the statistics of the adapter keep counting across it. */
    if (!s->core || !s->reg_writes) {
        return;
    }
    fresh = smmu_create(&s->cfg, &host, err, sizeof err);
    if (!fresh) {
        error_report("smmuv3-model: reset: %s", err);
        return;
    }
    qemu_rec_mutex_lock(&s->lock);
    smmu_destroy(s->core);
    s->core = fresh;
    s->last_inval_cmds = 0;
    qemu_rec_mutex_unlock(&s->lock);
}

static Property model_properties[] = {
    DEFINE_PROP_LINK("primary-bus", SMMUv3ModelState, primary_bus, TYPE_PCI_BUS, PCIBus *),
    DEFINE_PROP_STRING("preset", SMMUv3ModelState, preset),
    DEFINE_PROP_STRING("stats", SMMUv3ModelState, stats_path),
    DEFINE_PROP_STRING("trace", SMMUv3ModelState, trace_path),
    DEFINE_PROP_UINT8("arch-minor", SMMUv3ModelState, arch_minor, UINT8_MAX),
    DEFINE_PROP_UINT8("oas", SMMUv3ModelState, oas_bits, 0),
    DEFINE_PROP_UINT8("sidsize", SMMUv3ModelState, sidsize, UINT8_MAX),
    DEFINE_PROP_UINT8("ssidsize", SMMUv3ModelState, ssidsize, UINT8_MAX),
    DEFINE_PROP_UINT8("httu", SMMUv3ModelState, httu, UINT8_MAX),
    DEFINE_PROP_UINT8("stall-model", SMMUv3ModelState, stall_model, UINT8_MAX),
    DEFINE_PROP_UINT32("ril", SMMUv3ModelState, ril, UINT32_MAX),
    DEFINE_PROP_UINT32("msi", SMMUv3ModelState, msi, UINT32_MAX),
    DEFINE_PROP_UINT32("btm", SMMUv3ModelState, btm, UINT32_MAX),
    DEFINE_PROP_UINT32("s2p", SMMUv3ModelState, s2p, UINT32_MAX),
    DEFINE_PROP_UINT32("utlb-entries", SMMUv3ModelState, utlb_entries, UINT32_MAX),
    DEFINE_PROP_UINT32("main-tlb-entries", SMMUv3ModelState, main_tlb_entries, UINT32_MAX),
    DEFINE_PROP_UINT32("cfg-cache-entries", SMMUv3ModelState, cfg_cache_entries, UINT32_MAX),
    DEFINE_PROP_UINT32("walk-cache-entries", SMMUv3ModelState, walk_cache_entries, UINT32_MAX),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription model_vmstate = {
    .name = TYPE_SMMUV3_MODEL,
    .unmigratable = 1,   /* the core's state is not serialisable through QEMU's vmstate */
};

static void model_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    dc->desc = "SMMUv3 (smmuv3-model C core)";
    dc->realize = model_realize;
    dc->reset = model_reset;
    dc->vmsd = &model_vmstate;
    device_class_set_props(dc, model_properties);
}

static void model_iommu_mr_class_init(ObjectClass *klass, void *data)
{
    IOMMUMemoryRegionClass *imrc = IOMMU_MEMORY_REGION_CLASS(klass);
    imrc->translate = model_translate;
    imrc->notify_flag_changed = model_notify_flag_changed;
}

static const TypeInfo model_info = {
    .name = TYPE_SMMUV3_MODEL,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(SMMUv3ModelState),
    .class_init = model_class_init,
};

static const TypeInfo model_iommu_mr_info = {
    .name = TYPE_SMMUV3_MODEL_IOMMU_MR,
    .parent = TYPE_IOMMU_MEMORY_REGION,
    .class_init = model_iommu_mr_class_init,
};

static void model_register_types(void)
{
    type_register_static(&model_info);
    type_register_static(&model_iommu_mr_info);
}

type_init(model_register_types)
