// SPDX-License-Identifier: BSD-3-Clause
// Fuzz target 2: the command and event queue machinery under random BASE/PROD/CONS/CR0/GERRORN sequences,
// with real commands in the queue and a fault storm feeding the event queue. Invariants: commands are read
// and records written only inside the queue as BASE defines it, PROD/CONS stay inside their fields, a
// recorded event advances EVENTQ_PROD by exactly one, CMDQ_CONS.ERR is a CERROR code, work is bounded.
#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_host.h"

using namespace fz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzedDataProvider fdp(data, size);
    Host h;
    smmu_config_t cfg;
    smmu_config_default(&cfg);
    cfg.cmdqs = fdp.ConsumeIntegralInRange<uint8_t>(0, 7);
    cfg.eventqs = fdp.ConsumeIntegralInRange<uint8_t>(0, 6);
    cfg.cmdq_stepped = fdp.ConsumeBool();
    cfg.msi = fdp.ConsumeBool();
    cfg.sidsize = 8;
    smmu_host_t host = h.host();
    char err[256];
    smmu_t *s = smmu_create(&cfg, &host, err, sizeof err);
    FUZZ_CHECK(s, "smmu_create: %s", err);
    RegCheck rc;
    rc.snapshot(s);
    const uint64_t limit = (2ull << cfg.cmdqs) * 64 + 64;
    auto w = [&](uint64_t off, uint64_t v, unsigned sz) {
        h.reset();
        smmu_reg_write(s, off, v, sz);
        FUZZ_CHECK(h.reads + h.writes <= limit, "write 0x%llx: %llu accesses", (unsigned long long)off,
                   (unsigned long long)(h.reads + h.writes));
        update_windows(h, s);
    };
    // Stream table: 256 linear STEs, SID 0..127 invalid (C_BAD_STE), 128..255 abort (no event).
    for (uint32_t sid = 128; sid < 256; sid++) h.w64(kStrtab + sid * 64ull, 1);
    w(STRTAB_BASE, kStrtab, 8);
    w(STRTAB_BASE_CFG, 8, 4);
    w(CMDQ_BASE, kCmdq | cfg.cmdqs, 8);
    w(EVENTQ_BASE, kEvtq | cfg.eventqs, 8);
    w(CR0, 0xD, 4);
    h.check_windows = true;
    uint32_t prod_shadow = 0;
    int ops = 0;
    while (fdp.remaining_bytes() && ops++ < 300) {
        switch (fdp.ConsumeIntegralInRange<int>(0, 10)) {
        case 0: {   // BASE with a random LOG2SIZE (beyond IDR1 too), maybe unaligned
            uint64_t lg = fdp.ConsumeIntegralInRange<uint64_t>(0, 31);
            uint64_t off = fdp.ConsumeBool() ? 0 : fdp.ConsumeIntegralInRange<uint64_t>(0, 0xFFF) << 5;
            if (fdp.ConsumeBool()) w(CMDQ_BASE, (kCmdq + off) | lg | (fdp.ConsumeIntegral<uint64_t>() & 0xC0000000000000ull), 8);
            else w(EVENTQ_BASE, (kEvtq + off) | lg, 8);
            break;
        }
        case 1: {   // PROD/CONS writes: near the current values or anything
            const uint64_t regs[] = {CMDQ_PROD, CMDQ_CONS, EVENTQ_PROD, EVENTQ_CONS};
            uint64_t r = fdp.PickValueInArray(regs);
            uint32_t cur = (uint32_t)smmu_reg_read(s, r, 4);
            uint32_t v = fdp.ConsumeBool() ? cur + fdp.ConsumeIntegralInRange<uint32_t>(0, 300) : fdp.ConsumeIntegral<uint32_t>();
            if (r == CMDQ_PROD) prod_shadow = v;
            w(r, v, 4);
            break;
        }
        case 2: w(CR0, fdp.ConsumeIntegralInRange<uint32_t>(0, 15), 4); break;
        case 3: w(GERRORN, (uint32_t)smmu_reg_read(s, GERROR, 4) ^ (fdp.ConsumeBool() ? 0 : fdp.ConsumeIntegral<uint32_t>()), 4); break;
        case 4: {   // fill commands from PROD on: SYNC, CFGI, TLBI, illegal, with MSI targets
            unsigned n = fdp.ConsumeIntegralInRange<unsigned>(1, 40);
            uint64_t cb = smmu_reg_read(s, CMDQ_BASE, 8);
            for (unsigned i = 0; i < n; i++) {
                uint64_t slot = h.cmdq_lo + (((prod_shadow + i) * 16ull) % (h.cmdq_hi - h.cmdq_lo));
                const uint64_t ops0[] = {0x46, 0x46 | 1u << 12, 0x03, 0x04 | 31ull << 0, 0x30, 0x10, 0x00, 0xFF, 0x46 | 3u << 12};
                uint64_t q0 = fdp.PickValueInArray(ops0) | (fdp.ConsumeBool() ? fdp.ConsumeIntegral<uint64_t>() & ~0xFFull : 0);
                h.w64(slot, q0);
                h.w64(slot + 8, fdp.ConsumeBool() ? kMsi : fdp.ConsumeIntegral<uint64_t>());
            }
            (void)cb;
            prod_shadow += n;
            w(CMDQ_PROD, prod_shadow & 0xFFFFF, 4);
            break;
        }
        case 5: case 6: {   // a fault: invalid STE (C_BAD_STE), out-of-range SID, or abort STE (no record)
            smmu_txn_t t{};
            t.sid = fdp.ConsumeIntegralInRange<uint32_t>(0, 300);
            t.addr = fdp.ConsumeIntegral<uint32_t>();
            smmu_result_t r{};
            uint32_t p0 = (uint32_t)smmu_reg_read(s, EVENTQ_PROD, 4);
            uint64_t seen = h.events_seen;
            h.reset();
            smmu_translate(s, &t, &r);
            FUZZ_CHECK(h.reads + h.writes <= 16, "fault made %llu accesses", (unsigned long long)(h.reads + h.writes));
            uint32_t p1 = (uint32_t)smmu_reg_read(s, EVENTQ_PROD, 4);
            uint32_t idr1 = rc.idr[1];
            unsigned lg = (unsigned)(smmu_reg_read(s, EVENTQ_BASE, 8) & 0x1F);
            unsigned maxlg = (idr1 >> 16) & 0x1F;
            if (lg > maxlg) lg = maxlg;
            uint32_t mask = (2u << lg) - 1;
            if (r.recorded) {
                FUZZ_CHECK(h.events_seen == seen + 1 && h.last_event_id == r.event, "recorded 0x%x", r.event);
                FUZZ_CHECK(((p1 - p0) & mask) == 1 && (p1 & 0x80000000u) == (p0 & 0x80000000u),
                           "EVENTQ_PROD 0x%08x -> 0x%08x for one record", p0, p1);
            } else {
                FUZZ_CHECK(h.events_seen == seen, "a record written but not reported");
                FUZZ_CHECK((p1 & mask) == (p0 & mask), "EVENTQ_PROD moved without a record: 0x%08x -> 0x%08x", p0, p1);
            }
            break;
        }
        case 7: {
            uint32_t cyc;
            h.reset();
            smmu_cmdq_step(s, &cyc);
            FUZZ_CHECK(h.reads + h.writes <= 8, "one command: %llu accesses", (unsigned long long)(h.reads + h.writes));
            break;
        }
        case 8: w(EVENTQ_CONS, (uint32_t)smmu_reg_read(s, EVENTQ_PROD, 4), 4); break;
        case 9: w(fdp.ConsumeBool() ? EVENTQ_IRQ_CFG0 : GERROR_IRQ_CFG0, kMsi + fdp.ConsumeIntegralInRange<uint64_t>(0, 64), 8); break;
        case 10: w(IRQ_CTRL, fdp.ConsumeIntegralInRange<uint32_t>(0, 7), 4); break;
        }
        rc.check(s);
    }
    smmu_destroy(s);
    return 0;
}
