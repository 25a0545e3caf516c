// SPDX-License-Identifier: BSD-3-Clause
// The programming interface: register frame accesses and the command-queue consumer process.
#include <smmu/sc/smmuv3.h>

#include <cstring>
#include <optional>

#include "core_lock.h"

using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace smmu {

namespace {
constexpr uint64_t kFrameSize = 0x20000;       // page 0 + page 1 (IHI 0070 6.1)
constexpr uint64_t kCr0 = 0x20, kGbpa = 0x44, kCmdqProd = 0x98, kCmdqCons = 0x9C;
constexpr unsigned kOpSync = 0x46;
} // namespace

// 32-bit and 64-bit aligned accesses only (IHI 0070 6.2: other sizes are CONSTRAINED UNPREDICTABLE; refused here).
bool Smmuv3::reg_access(tlm::tlm_generic_payload &gp, const sc_time *mem_at, bool pmcg)
{
    const uint64_t off = gp.get_address();
    const unsigned len = gp.get_data_length();
    if (gp.get_byte_enable_ptr()) {
        gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if ((len != 4 && len != 8) || gp.get_streaming_width() < len) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return false;
    }
    if (off >= kFrameSize || off + len > kFrameSize || (off & (len - 1)) || !core_) {
        gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    bool revoke = false;
    {
        CoreLock lock(*this);
        if (mem_at) mem_cursor_ = *mem_at;               // set under the lock: another core call may have moved it
        if (pmcg) {
            // The cycle event counts up to the access (a debug read, mem_at == nullptr, changes nothing).
            const tick at = mem_at ? mem_at->value() : 0;
            if (mem_at && period_ && at > pmcg_clock_) {
                const uint64_t n = (at - pmcg_clock_) / period_;
                pmcg_clock_ += n * period_;
                smmu_pmcg_advance(core_, n);
            }
            uint64_t v = 0;
            if (gp.is_read()) {
                v = smmu_pmcg_reg_read(core_, off, len);
                std::memcpy(gp.get_data_ptr(), &v, len);
            } else if (gp.is_write()) {
                std::memcpy(&v, gp.get_data_ptr(), len);
                smmu_pmcg_reg_write(core_, off, v, len);
            }
        } else if (gp.is_read()) {
            uint64_t v = smmu_reg_read(core_, off, len);
            std::memcpy(gp.get_data_ptr(), &v, len);   // little-endian host: the frame is little-endian
            stats_.reg_reads++;
        } else if (gp.is_write()) {
            uint64_t v = 0;
            std::memcpy(&v, gp.get_data_ptr(), len);
            smmu_reg_write(core_, off, v, len);
            stats_.reg_writes++;
            // SMMUEN and GBPA decide every stream's translation: any write to them revokes DMI.
            revoke = (off <= kCr0 && kCr0 < off + len) || (off <= kGbpa && kGbpa < off + len);
        }
    }
    if (revoke) dmi_revoke();
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
    return true;
}

void Smmuv3::reg_b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
{
    const sc_time now = sc_core::sc_time_stamp();
    delay += cyc(params_.reg_access_cycles);
    const sc_time at = now + delay;                     // an access may make the core write memory (MSI)
    if (!reg_access(gp, &at)) return;
    const sc_time stamp = sc_core::sc_time_stamp();
    if (stamp > now) delay = at > stamp ? at - stamp : SC_ZERO_TIME;   // the core lock waited
    if (mem_cursor_ > stamp + delay) delay = mem_cursor_ - stamp;
    if (gp.is_write()) {
        if (gp.get_address() == kCmdqProd)
        {
            if (prod_writes_.size() >= 4096) prod_writes_.pop_front();   // a driver that never lets the queue drain
            uint32_t prod = 0;
            std::memcpy(&prod, gp.get_data_ptr(), 4);
            prod_writes_.emplace_back(prod, sc_core::sc_time_stamp() + delay);
        }
        if (sc_core::sc_is_running()) {
            cmdq_kick_.notify(delay);                     // the consumer sees it at its local time
            stall_settled_.notify(delay);                 // EVENTQ_CONS / CR0 / GERRORN may settle stalls (7.2.1, 6.3.9.6)
        }
    }
}

// PMCG 0's frame: the same access rules and cost as the SMMU's; an overflow MSI is timed like the SMMU's MSIs.
void Smmuv3::pmcg_b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
{
    const sc_time now = sc_core::sc_time_stamp();
    delay += cyc(params_.reg_access_cycles);
    const sc_time at = now + delay;
    if (!reg_access(gp, &at, true)) return;
    const sc_time stamp = sc_core::sc_time_stamp();
    if (stamp > now) delay = at > stamp ? at - stamp : SC_ZERO_TIME;   // the core lock waited
    if (mem_cursor_ > stamp + delay) delay = mem_cursor_ - stamp;
}

unsigned Smmuv3::pmcg_transport_dbg(tlm::tlm_generic_payload &gp)
{
    if (!gp.is_read() || core_busy_) return 0;
    return reg_access(gp, nullptr, true) ? gp.get_data_length() : 0;
}

unsigned Smmuv3::reg_transport_dbg(tlm::tlm_generic_payload &gp)
{
    if (!gp.is_read() || core_busy_) return 0;          // debug writes would have side effects; no waiting
    return reg_access(gp) ? gp.get_data_length() : 0;
}

// Consumes commands one at a time: each costs the core's cycles plus the memory time of its accesses.
// The base command cost is charged before the command takes effect, so that a CMD_SYNC completes
// (CONS moves, MSI, interrupt) at the end of its own processing time.
void Smmuv3::cmdq_thread()
{
    if (!core_) return;
    smmu_global_stats_t before, after;
    for (;;) {
        // Held at a CMD_SYNC until the endpoints complete its ATC invalidations: ats_thread kicks on each one.
        if (smmu_cmdq_waiting(core_) || !smmu_cmdq_pending(core_)) {
            wait(cmdq_kick_);
            continue;
        }
        const uint64_t base = (uint64_t)params_.core.cmd_cycles + params_.cmd_fetch_cycles;
        wait(cyc(base));
        std::optional<CoreLock> lock(std::in_place, *this);
        smmu_global_stats(core_, &before);
        const uint32_t cons = (uint32_t)smmu_reg_read(core_, kCmdqCons, 4) & 0x00FFFFFFu;
        mem_cursor_ = sc_core::sc_time_stamp();
        uint32_t cycles = 0;
        if (!smmu_cmdq_step(core_, &cycles)) {
            lock.reset();
            wait(cmdq_kick_);
            continue;
        }
        smmu_global_stats(core_, &after);
        lock.reset();
        unsigned op = 256;
        for (unsigned i = 0; i < 256; i++)
            if (after.commands_by_opcode[i] != before.commands_by_opcode[i]) { op = i; break; }
        stats_.commands++;
        if (op < 256) stats_.commands_by_opcode[op]++;
        // The batch containing this command was published by the oldest PROD write not yet consumed.
        while (!prod_writes_.empty() && (prod_writes_.front().first & 0x00FFFFFFu) == cons) prod_writes_.pop_front();
        if (op == kOpSync) {
            stats_.cmd_syncs++;
            const sc_time pub = prod_writes_.empty() ? sc_core::sc_time_stamp() : prod_writes_.front().second;
            const sc_time now = sc_core::sc_time_stamp();
            stats_.cmd_sync_latency.add(cycles_of(now > pub ? now - pub : SC_ZERO_TIME));
        }
        stall_settled_.notify(SC_ZERO_TIME);            // CMD_RESUME / CMD_STALL_TERM may have settled a stall
        if (dmi_revoked_by(op)) dmi_revoke();           // CFGI_*, TLBI_*: the grants may be stale from now on
        const sc_time mem = mem_cursor_ - sc_core::sc_time_stamp();
        const uint64_t extra = cycles > params_.core.cmd_cycles ? cycles - params_.core.cmd_cycles : 0;
        const sc_time rest = cyc(extra) + mem;
        if (rest > SC_ZERO_TIME) wait(rest);
    }
}

} // namespace smmu
