/* SPDX-License-Identifier: BSD-3-Clause */
// Statistics of the SystemC SMMUv3 module: per stream, per port and global, dumpable as JSON.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <smmu/smmu.h>

namespace smmu {

// Latency distribution in SMMU clock cycles: exact below 1024 cycles, then 16 sub-buckets per power of two.
class SMMU_API LatencyStats {
public:
    void add(uint64_t cycles) {
        if (cycles >= kExact || cycles >= buckets_.size()) return add_general(cycles);
        buckets_[cycles]++;                              // below kExact the bucket is the value itself
        n_++;
        sum_ += cycles;
        if (cycles < min_) min_ = cycles;
        if (cycles > max_) max_ = cycles;
    }
    uint64_t count() const { return n_; }
    uint64_t min() const { return n_ ? min_ : 0; }
    uint64_t max() const { return max_; }
    double mean() const { return n_ ? (double)sum_ / (double)n_ : 0.0; }
    uint64_t percentile(double p) const;                 // p in [0,100], nearest rank: the bucket's lower bound (max in the top bucket)
    // Non-empty buckets as (lower bound in cycles, count).
    std::vector<std::pair<uint64_t, uint64_t>> histogram() const;
    void json(std::ostream &os) const;
    void merge(const LatencyStats &o);                   // adds o's samples (the streams of one trace, say)

    static constexpr unsigned kExact = 1024;          // latencies below this are counted exactly

private:
    void add_general(uint64_t cycles);
    static unsigned bucket_of(uint64_t v);
    static uint64_t bucket_low(unsigned b);
    uint64_t n_ = 0, min_ = ~0ull, max_ = 0, sum_ = 0;
    std::vector<uint64_t> buckets_;
};

// How one translation was served. Every translation is exactly one of these, so the counts of the kinds add
// up to TrafficStats::translations: a translation that waits for a walk already in flight for the same page
// is SharedWalk (whatever the functional core's TLB says, it completes with that walk), never a TLB hit.
enum class Served : uint8_t {
    MicroTlb, MainTlb, TcuTlb,    // a TLB hit at that level
    SharedWalk,                   // completes with a walk in flight for the same page
    Walk,                         // a table walk of its own that produced the translation
    Bypass,                       // no translation: STE/S1DSS/GBPA bypass
    Failed,                       // no output: aborted, RAZ/WI or stalled (a stall's retry is another translation)
};
constexpr unsigned kServedKinds = 7;
SMMU_API const char *served_name(Served s);              // "utlb" "mtlb" "tcu" "shared" "walk" "bypass" "failed"

struct SMMU_API TrafficStats {
    uint64_t transactions = 0, reads = 0, writes = 0, bytes = 0;
    uint64_t translations = 0;                           // one per page a transaction touches, plus stall retries
    uint64_t bypassed = 0, aborted = 0, razwi = 0, stalls = 0;
    // The Served kinds: utlb_hits + main_tlb_hits + tcu_tlb_hits + shared_walks + walks + bypassed + failed()
    // == translations.
    uint64_t utlb_hits = 0, main_tlb_hits = 0, tcu_tlb_hits = 0;
    uint64_t walks = 0, walk_mem_reads = 0, shared_walks = 0;
    uint64_t cfg_cache_misses = 0;                       // translations that read STE/CD from memory
    std::map<unsigned, uint64_t> faults_by_event;        // EventID -> count
    LatencyStats latency;                                // per translation: arrival to output
    // PCIe ATS (not translations: none of these is in `translations` or its kinds).
    uint64_t ats_requests = 0;                           // Translation Requests answered
    uint64_t ats_refused = 0;                            // of which UR or CA
    uint64_t ats_no_access = 0;                          // of which Success with R = W = 0 (a fault PRI may resolve)
    uint64_t ats_translated = 0;                         // transactions with AT = Translated (from the device's ATC)
    uint64_t ats_translated_aborted = 0;                 // of which the SMMU refused (EATS/ATSCHK checks)
    LatencyStats ats_latency;                            // per Translation Request: arrival to completion
    uint64_t page_requests = 0;                          // PRI Page Requests received

    uint64_t failed() const { return aborted + razwi + stalls; }
    uint64_t count(Served s) const;
    void add(Served s, const smmu_result_t &res);         // counts one translation's kind (not its latency)
    double rate(Served s) const { return rate(count(s)); }
    double utlb_hit_rate() const { return rate(utlb_hits); }
    double main_tlb_hit_rate() const { return rate(main_tlb_hits); }
    double tcu_tlb_hit_rate() const { return rate(tcu_tlb_hits); }
    double tlb_hit_rate() const { return rate(utlb_hits + main_tlb_hits + tcu_tlb_hits); }   // shared walks excluded
    double mem_reads_per_walk() const { return walks ? (double)walk_mem_reads / (double)walks : 0.0; }
    void merge(const TrafficStats &o);
    void json(std::ostream &os) const;

private:
    double rate(uint64_t v) const { return translations ? (double)v / (double)translations : 0.0; }
};

struct SMMU_API PortStats : TrafficStats {
    unsigned slots_peak = 0;                             // most TBU translation slots busy at once
};

struct SMMU_API Stats {
    std::map<uint32_t, TrafficStats> streams;            // by StreamID
    std::vector<PortStats> ports;                        // by upstream port (TBU)
    unsigned tcu_slots_peak = 0, walk_slots_peak = 0;
    uint64_t commands = 0, cmd_syncs = 0;
    std::map<unsigned, uint64_t> commands_by_opcode;
    LatencyStats cmd_sync_latency;                       // CMDQ_PROD publication to CMD_SYNC completion
    uint64_t irq_edges[4] = {0, 0, 0, 0};                // rising edges per smmu_irq_t
    uint64_t reg_reads = 0, reg_writes = 0;
    // DMI (Params::dmi): regions granted upstream, requests refused, revocations (each invalidates every region).
    uint64_t dmi_grants = 0, dmi_refusals = 0, dmi_invalidations = 0;
    // ATC invalidations (CMD_ATC_INV): sent to an endpoint, completed by it, failed by the timeout, and answered by
    // the module for a StreamID no endpoint has used (nothing can be cached there); latency from delivery to the
    // endpoint's completion, in cycles.
    uint64_t atc_inv_sent = 0, atc_inv_completed = 0, atc_inv_timeouts = 0, atc_inv_unrouted = 0, atc_inv_late = 0;
    LatencyStats atc_inv_latency;
    // PRI: Page Requests queued, discarded on overflow, refused (PRI disabled); PRG Responses delivered / with no
    // endpoint to take them.
    uint64_t pri_queued = 0, pri_overflows = 0, pri_disabled = 0, pri_responses = 0, pri_resp_unrouted = 0;
};

} // namespace smmu
