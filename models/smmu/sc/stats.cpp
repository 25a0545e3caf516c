// SPDX-License-Identifier: BSD-3-Clause
// Latency histograms and the JSON dump of the module's statistics.
#include <smmu/sc/smmuv3.h>

#include <sstream>

namespace smmu {

namespace {
constexpr unsigned kExact = LatencyStats::kExact;
constexpr unsigned kSub = 16;              // sub-buckets per power of two above it
constexpr unsigned kExactLog2 = 10;

const char *const kIrqNames[4] = {"evtq", "priq", "cmd_sync", "gerror"};
const char *const kStructNames[] = {"utlb", "main_tlb", "tcu_tlb", "cfg_cache", "walk_s1", "walk_s2"};
} // namespace

unsigned LatencyStats::bucket_of(uint64_t v)
{
    if (v < kExact) return (unsigned)v;
    unsigned log2 = 63 - (unsigned)__builtin_clzll(v);
    unsigned sub = (unsigned)((v >> (log2 - 4)) & (kSub - 1));
    return kExact + (log2 - kExactLog2) * kSub + sub;
}

uint64_t LatencyStats::bucket_low(unsigned b)
{
    if (b < kExact) return b;
    unsigned log2 = (b - kExact) / kSub + kExactLog2;
    unsigned sub = (b - kExact) % kSub;
    return (1ull << log2) | ((uint64_t)sub << (log2 - 4));
}

void LatencyStats::add_general(uint64_t cycles)
{
    unsigned b = bucket_of(cycles);
    if (b >= buckets_.size()) buckets_.resize(b + 1, 0);
    buckets_[b]++;
    n_++;
    sum_ += cycles;
    if (cycles < min_) min_ = cycles;
    if (cycles > max_) max_ = cycles;
}

uint64_t LatencyStats::percentile(double p) const
{
    if (!n_) return 0;
    uint64_t rank = (uint64_t)((p / 100.0) * (double)n_ + 0.999999);   // nearest-rank
    if (rank < 1) rank = 1;
    if (rank > n_) rank = n_;
    uint64_t seen = 0;
    for (unsigned b = 0; b < buckets_.size(); b++) {
        seen += buckets_[b];
        if (seen >= rank) {
            if (b == bucket_of(max_)) return max_;
            uint64_t lo = bucket_low(b);
            return lo < min_ ? min_ : lo;
        }
    }
    return max_;
}

std::vector<std::pair<uint64_t, uint64_t>> LatencyStats::histogram() const
{
    std::vector<std::pair<uint64_t, uint64_t>> h;
    for (unsigned b = 0; b < buckets_.size(); b++)
        if (buckets_[b]) h.emplace_back(bucket_low(b), buckets_[b]);
    return h;
}

void LatencyStats::merge(const LatencyStats &o)
{
    if (!o.n_) return;
    if (o.buckets_.size() > buckets_.size()) buckets_.resize(o.buckets_.size(), 0);
    for (size_t b = 0; b < o.buckets_.size(); b++) buckets_[b] += o.buckets_[b];
    n_ += o.n_;
    sum_ += o.sum_;
    if (o.min_ < min_) min_ = o.min_;
    if (o.max_ > max_) max_ = o.max_;
}

void LatencyStats::json(std::ostream &os) const
{
    os << "{\"count\":" << n_ << ",\"min\":" << min() << ",\"mean\":" << mean() << ",\"p50\":" << percentile(50)
       << ",\"p90\":" << percentile(90) << ",\"p99\":" << percentile(99) << ",\"max\":" << max_ << ",\"histogram\":[";
    bool first = true;
    for (const auto &b : histogram()) {
        os << (first ? "" : ",") << "[" << b.first << "," << b.second << "]";
        first = false;
    }
    os << "]}";
}

const char *served_name(Served s)
{
    static const char *const names[kServedKinds] = {"utlb", "mtlb", "tcu", "shared", "walk", "bypass", "failed"};
    return (unsigned)s < kServedKinds ? names[(unsigned)s] : "?";
}

uint64_t TrafficStats::count(Served s) const
{
    switch (s) {
    case Served::MicroTlb: return utlb_hits;
    case Served::MainTlb: return main_tlb_hits;
    case Served::TcuTlb: return tcu_tlb_hits;
    case Served::SharedWalk: return shared_walks;
    case Served::Walk: return walks;
    case Served::Bypass: return bypassed;
    case Served::Failed: return failed();
    }
    return 0;
}

void TrafficStats::add(Served s, const smmu_result_t &res)
{
    translations++;
    switch (s) {
    case Served::MicroTlb: utlb_hits++; break;
    case Served::MainTlb: main_tlb_hits++; break;
    case Served::TcuTlb: tcu_tlb_hits++; break;
    case Served::SharedWalk: shared_walks++; break;
    case Served::Walk: walks++; walk_mem_reads += res.mem_reads; break;
    case Served::Bypass: bypassed++; break;
    case Served::Failed:
        if (res.status == SMMU_RAZWI) razwi++;
        else if (res.status == SMMU_STALL) stalls++;
        else aborted++;
        break;
    }
    if (res.event) faults_by_event[res.event]++;
}

void TrafficStats::merge(const TrafficStats &o)
{
    transactions += o.transactions; reads += o.reads; writes += o.writes; bytes += o.bytes;
    translations += o.translations;
    bypassed += o.bypassed; aborted += o.aborted; razwi += o.razwi; stalls += o.stalls;
    utlb_hits += o.utlb_hits; main_tlb_hits += o.main_tlb_hits; tcu_tlb_hits += o.tcu_tlb_hits;
    walks += o.walks; walk_mem_reads += o.walk_mem_reads; shared_walks += o.shared_walks;
    cfg_cache_misses += o.cfg_cache_misses;
    for (const auto &f : o.faults_by_event) faults_by_event[f.first] += f.second;
    latency.merge(o.latency);
    ats_requests += o.ats_requests; ats_refused += o.ats_refused; ats_no_access += o.ats_no_access;
    ats_translated += o.ats_translated; ats_translated_aborted += o.ats_translated_aborted;
    ats_latency.merge(o.ats_latency);
    page_requests += o.page_requests;
}

void TrafficStats::json(std::ostream &os) const
{
    os << "{\"transactions\":" << transactions << ",\"reads\":" << reads << ",\"writes\":" << writes
       << ",\"bytes\":" << bytes << ",\"translations\":" << translations << ",\"bypassed\":" << bypassed << ",\"aborted\":" << aborted << ",\"razwi\":" << razwi
       << ",\"stalls\":" << stalls << ",\"utlb_hits\":" << utlb_hits << ",\"main_tlb_hits\":" << main_tlb_hits
       << ",\"tcu_tlb_hits\":" << tcu_tlb_hits << ",\"utlb_hit_rate\":" << utlb_hit_rate()
       << ",\"main_tlb_hit_rate\":" << main_tlb_hit_rate() << ",\"tcu_tlb_hit_rate\":" << tcu_tlb_hit_rate()
       << ",\"shared_walk_rate\":" << rate(Served::SharedWalk) << ",\"walk_rate\":" << rate(Served::Walk)
       << ",\"failed\":" << failed() << ",\"walks\":" << walks
       << ",\"walk_mem_reads\":" << walk_mem_reads << ",\"mem_reads_per_walk\":" << mem_reads_per_walk()
       << ",\"shared_walks\":" << shared_walks << ",\"faults_by_event\":{";
    bool first = true;
    for (const auto &f : faults_by_event) {
        os << (first ? "" : ",") << "\"0x" << std::hex << f.first << std::dec << "\":" << f.second;
        first = false;
    }
    os << "},\"latency_cycles\":";
    latency.json(os);
    os << ",\"ats_requests\":" << ats_requests << ",\"ats_refused\":" << ats_refused << ",\"ats_no_access\":" << ats_no_access
       << ",\"ats_translated\":" << ats_translated << ",\"ats_translated_aborted\":" << ats_translated_aborted
       << ",\"page_requests\":" << page_requests << ",\"ats_latency_cycles\":";
    ats_latency.json(os);
    os << "}";
}

static void cache_json(std::ostream &os, const smmu_cache_stats_t &c)
{
    os << "{\"lookups\":" << c.lookups << ",\"hits\":" << c.hits << ",\"misses\":" << c.misses << ",\"hit_rate\":"
       << (c.lookups ? (double)c.hits / (double)c.lookups : 0.0) << ",\"fills\":" << c.fills
       << ",\"evictions\":" << c.evictions << ",\"invalidations\":" << c.invalidations << "}";
}

void Smmuv3::dump_stats_json(std::ostream &os) const
{
    os << "{\"module\":\"" << name() << "\",\"clock_period_ps\":" << (uint64_t)(params_.clock_period.to_seconds() * 1e12 + 0.5)
       << ",\"streams\":{";
    bool first = true;
    for (const auto &s : stats_.streams) {
        os << (first ? "" : ",") << "\"" << s.first << "\":";
        s.second.json(os);
        first = false;
    }
    os << "},\"ports\":[";
    for (size_t p = 0; p < stats_.ports.size(); p++) {
        const PortStats &ps = stats_.ports[p];
        os << (p ? "," : "") << "{\"port\":" << p << ",\"slots_peak\":" << ps.slots_peak << ",\"traffic\":";
        ps.json(os);
        smmu_cache_stats_t c{};
        os << ",\"utlb\":";
        if (core_ && smmu_cache_stats(core_, SMMU_STRUCT_UTLB, (int)p, -1, &c)) cache_json(os, c); else os << "null";
        os << ",\"main_tlb\":";
        c = smmu_cache_stats_t{};
        if (core_ && smmu_cache_stats(core_, SMMU_STRUCT_MAIN_TLB, (int)p, -1, &c)) cache_json(os, c); else os << "null";
        os << "}";
    }
    os << "],\"caches\":{";
    for (int w = 0; w < 6; w++) {
        smmu_cache_stats_t c{};
        os << (w ? "," : "") << "\"" << kStructNames[w] << "\":";
        if (core_ && smmu_cache_stats(core_, (smmu_struct_id_t)w, -1, -1, &c)) cache_json(os, c); else os << "null";
    }
    os << "},\"tcu_slots_peak\":" << stats_.tcu_slots_peak << ",\"walk_slots_peak\":" << stats_.walk_slots_peak
       << ",\"commands\":" << stats_.commands << ",\"cmd_syncs\":" << stats_.cmd_syncs << ",\"commands_by_opcode\":{";
    first = true;
    for (const auto &c : stats_.commands_by_opcode) {
        os << (first ? "" : ",") << "\"0x" << std::hex << c.first << std::dec << "\":" << c.second;
        first = false;
    }
    os << "},\"cmd_sync_latency_cycles\":";
    stats_.cmd_sync_latency.json(os);
    os << ",\"irq_edges\":{";
    for (int i = 0; i < 4; i++) os << (i ? "," : "") << "\"" << kIrqNames[i] << "\":" << stats_.irq_edges[i];
    os << "},\"reg_reads\":" << stats_.reg_reads << ",\"reg_writes\":" << stats_.reg_writes;
    os << ",\"dmi\":{\"grants\":" << stats_.dmi_grants << ",\"refusals\":" << stats_.dmi_refusals
       << ",\"invalidations\":" << stats_.dmi_invalidations << "}";
    os << ",\"atc_inv\":{\"sent\":" << stats_.atc_inv_sent << ",\"completed\":" << stats_.atc_inv_completed
       << ",\"timeouts\":" << stats_.atc_inv_timeouts << ",\"unrouted\":" << stats_.atc_inv_unrouted
       << ",\"late\":" << stats_.atc_inv_late << ",\"latency_cycles\":";
    stats_.atc_inv_latency.json(os);
    os << "},\"pri\":{\"queued\":" << stats_.pri_queued << ",\"overflows\":" << stats_.pri_overflows
       << ",\"disabled\":" << stats_.pri_disabled << ",\"responses\":" << stats_.pri_responses
       << ",\"responses_unrouted\":" << stats_.pri_resp_unrouted << "}";
    if (core_) {
        smmu_global_stats_t g;
        smmu_global_stats(core_, &g);
        os << ",\"core\":{\"translations\":" << g.translations << ",\"events_recorded\":" << g.events_recorded
           << ",\"events_lost\":" << g.events_lost << ",\"walks\":" << g.walks << ",\"walk_reads\":" << g.walk_reads << "}";
    }
    os << "}";
}

std::string Smmuv3::stats_json() const
{
    std::ostringstream os;
    dump_stats_json(os);
    return os.str();
}

} // namespace smmu
