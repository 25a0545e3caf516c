/* SPDX-License-Identifier: BSD-3-Clause */
// The example SoC around smmu::Smmuv3: DRAM with latency and bandwidth, interconnect links, the CPU that runs
// the driver model through the register socket, and DMA masters replaying traffic patterns.
#pragma once

#ifndef SC_INCLUDE_DYNAMIC_PROCESSES
#define SC_INCLUDE_DYNAMIC_PROCESSES
#endif
#include <algorithm>
#include <iterator>
#include <vector>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "driver/hw.h"

namespace smmusim {

// DRAM: fixed latency, and a data bus of `bandwidth` bytes/s; requests beyond it queue. The bus keeps its busy
// intervals, so a request at an earlier (temporally decoupled) time uses a gap before a later reservation
// instead of queueing behind it.
struct Dram : sc_core::sc_module {
    tlm_utils::simple_target_socket<Dram> socket;
    PhysMemory &mem;
    sc_core::sc_time latency;
    double bandwidth;
    struct Busy { sc_core::sc_time start, end; };
    std::vector<Busy> busy;                              // disjoint, by start (so by end too); live from busy_head
    size_t busy_head = 0;
    uint64_t bytes = 0, accesses = 0;
    double queued_ps = 0;

    Dram(sc_core::sc_module_name n, PhysMemory &m, sc_core::sc_time lat, double bw)
        : sc_module(n), socket("socket"), mem(m), latency(lat), bandwidth(bw) {
        socket.register_b_transport(this, &Dram::b_transport);
        socket.register_transport_dbg(this, &Dram::transport_dbg);
    }
    void b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay) {
        sc_core::sc_time arrive = sc_core::sc_time_stamp() + delay;
        sc_core::sc_time xfer(gp.get_data_length() / bandwidth, sc_core::SC_SEC);
        sc_core::sc_time start = reserve(arrive, xfer);
        queued_ps += (start - arrive).to_seconds() * 1e12;
        delay = (start - sc_core::sc_time_stamp()) + xfer + latency;
        bytes += gp.get_data_length();
        accesses++;
        transport_dbg(gp);
    }
    // The earliest bus time at or after `at` free for `len`; intervals that ended before now are forgotten.
    sc_core::sc_time reserve(sc_core::sc_time at, sc_core::sc_time len) {
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        while (busy_head < busy.size() && busy[busy_head].end <= now) busy_head++;
        if (busy_head == busy.size()) {
            busy.clear();
            busy_head = 0;
        } else if (busy_head * 2 >= busy.size()) {       // compact now and then: amortised O(1)
            busy.erase(busy.begin(), busy.begin() + (std::ptrdiff_t)busy_head);
            busy_head = 0;
        }
        auto by_start = [](const sc_core::sc_time &t, const Busy &b) { return t < b.start; };
        auto it = std::upper_bound(busy.begin() + (std::ptrdiff_t)busy_head, busy.end(), at, by_start);
        if (it != busy.begin() + (std::ptrdiff_t)busy_head && std::prev(it)->end > at) at = std::prev(it)->end;
        for (; it != busy.end() && it->start < at + len; ++it)
            if (it->end > at) at = it->end;
        if (len > sc_core::SC_ZERO_TIME) {
            if (busy.empty() || busy.back().start < at) busy.push_back({at, at + len});   // the in-order case
            else busy.insert(std::upper_bound(busy.begin() + (std::ptrdiff_t)busy_head, busy.end(), at, by_start),
                             {at, at + len});
        }
        return at;
    }
    unsigned transport_dbg(tlm::tlm_generic_payload &gp) {
        bool ok = gp.is_write() ? mem.write(gp.get_address(), gp.get_data_ptr(), gp.get_data_length())
                                : mem.read(gp.get_address(), gp.get_data_ptr(), gp.get_data_length());
        gp.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return ok ? gp.get_data_length() : 0;
    }
};

// An interconnect hop: `latency` on the way in and again on the way back. Several initiators may share it.
struct Link : sc_core::sc_module {
    tlm_utils::multi_passthrough_target_socket<Link> in;
    tlm_utils::simple_initiator_socket<Link> out;
    sc_core::sc_time latency;
    Link(sc_core::sc_module_name n, sc_core::sc_time lat) : sc_module(n), in("in"), out("out"), latency(lat) {
        in.register_b_transport(this, &Link::b_transport);
        in.register_transport_dbg(this, &Link::transport_dbg);
    }
    void b_transport(int, tlm::tlm_generic_payload &gp, sc_core::sc_time &delay) {
        delay += latency;
        out->b_transport(gp, delay);
        delay += latency;
    }
    unsigned transport_dbg(int, tlm::tlm_generic_payload &gp) { return out->transport_dbg(gp); }
};

// The CPU's view of the SMMU registers: timed accesses through the register socket.
struct RegBus : sc_core::sc_module, RegisterPort {
    tlm_utils::simple_initiator_socket<RegBus> socket;
    sc_core::sc_time poll_interval;
    explicit RegBus(sc_core::sc_module_name n, sc_core::sc_time poll = sc_core::sc_time(100, sc_core::SC_NS))
        : sc_module(n), socket("socket"), poll_interval(poll) {}
    uint64_t access(uint64_t off, uint64_t v, unsigned size, bool write) {
        uint8_t buf[8] = {};
        for (unsigned i = 0; i < size; i++) buf[i] = (uint8_t)(v >> (8 * i));
        tlm::tlm_generic_payload gp;
        gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(off);
        gp.set_data_ptr(buf);
        gp.set_data_length(size);
        gp.set_streaming_width(size);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        socket->b_transport(gp, d);
        sc_core::wait(d);
        return PhysMemory::le64_n(buf, (int)size);
    }
    uint32_t read32(uint64_t off) override { return (uint32_t)access(off, 0, 4, false); }
    uint64_t read64(uint64_t off) override { return access(off, 0, 8, false); }
    void write32(uint64_t off, uint32_t v) override { access(off, v, 4, true); }
    void write64(uint64_t off, uint64_t v) override { access(off, v, 8, true); }
    void relax() override { sc_core::wait(poll_interval); }
};

} // namespace smmusim
