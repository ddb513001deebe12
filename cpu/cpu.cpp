#include "cpu/cpu.hpp"

#include <algorithm>

#include "cpu/decoder.hpp"

namespace amber {

namespace {
// Instructions per cached block at most: long enough to amortise the lookup,
// short enough that a write to the page throws little work away.
constexpr size_t kMaxBlockInsns = 64;
}  // namespace

Cpu::Cpu(CpuModel model, PhysMemory& mem, IoBus& io)
    : traits_(&traits_of(model)), mem_(mem), io_(io),
      addr_mask_(traits_->address_bits >= 32 ? 0xFFFFFFFFu : (1u << traits_->address_bits) - 1) {
    mem_.set_code_listener(this);
    reset();
}

void Cpu::reset() {
    std::fill(std::begin(r), std::end(r), 0);
    flags.set(0x2);
    for (unsigned sr = 0; sr < 6; ++sr) set_segment_cache(sr, Segment{});
    idtr = {};
    cr0 = 0;
    if (traits_->model == CpuModel::i8086) {
        load_segment(CS, 0xFFFF);
        eip = 0;
    } else {
        // The 286 and later start with CS.base at the top of the bus.
        set_segment_cache(CS, {0xF000, (addr_mask_ & ~0xFFFFu), 0xFFFF, 0x93});
        eip = 0xFFF0;
    }
    next_eip = eip;
    halted = shutdown = false;
    irq_inhibit_tick_ = ~uint64_t(0);
    pending &= kIrq;
    a20_ = false;
    set_a20(true);  // also flushes the TLB
}

void Cpu::set_a20(bool enabled) {
    a20_ = enabled;
    uint32_t bus = traits_->address_bits >= 32 ? 0xFFFFFFFFu : (1u << traits_->address_bits) - 1;
    addr_mask_ = enabled ? bus : (bus & ~(1u << 20));
    flush_tlb();
}

void Cpu::flush_tlb() {
    tlb_.flush();
    cache_.bump_epoch();  // linear -> physical may have changed under chained blocks
}

void Cpu::code_page_written(uint32_t page_number) {
    cache_.code_page_written(page_number);
    pending |= kCodeChanged;  // leave the running block: it may be stale
}

// ---------------------------------------------------------------- memory

TlbEntry& Cpu::fill_tlb(uint32_t lin) {
    TlbEntry& e = tlb_.entry(lin);
    uint32_t page = lin & ~kPageMask;
    uint32_t phys = translate(page);
    const PageSlot& s = mem_.slot(phys);
    e = TlbEntry{};
    e.phys_page = phys;
    if (s.host) {
        e.host_page = s.host;
        e.read_tag = e.fetch_tag = page;
        if (s.writable && !s.has_code) e.write_tag = page;
    }
    return e;
}

template <typename T> T Cpu::read_lin_slow(uint32_t lin) {
    if (!fits_in_page(lin, sizeof(T))) {
        T v = 0;
        for (unsigned i = 0; i < sizeof(T); ++i) v |= static_cast<T>(T(read_lin<uint8_t>(lin + i)) << (8 * i));
        return v;
    }
    TlbEntry& e = fill_tlb(lin);
    if (e.read_tag == (lin & ~kPageMask)) return load_le<T>(e.host_page + (lin & kPageMask));
    return mem_.read<T>(e.phys_page | (lin & kPageMask));
}

template <typename T> void Cpu::write_lin_slow(uint32_t lin, T v) {
    if (!fits_in_page(lin, sizeof(T))) {
        // Without paging no byte of a split write can fault, so bytes may go
        // one at a time; with paging both pages are checked first.
        for (unsigned i = 0; i < sizeof(T); ++i) write_lin<uint8_t>(lin + i, static_cast<uint8_t>(v >> (8 * i)));
        return;
    }
    TlbEntry& e = fill_tlb(lin);
    if (e.write_tag == (lin & ~kPageMask)) {
        store_le<T>(e.host_page + (lin & kPageMask), v);
        return;
    }
    mem_.write<T>(e.phys_page | (lin & kPageMask), v);  // ROM, MMIO, or a code page
    if (e.host_page) fill_tlb(lin);  // a code page that was just cleaned becomes fast again
}

// An access that runs past the segment limit: the 8086 wraps the offset within
// the segment; later CPUs raise #SS for the stack segment and #GP otherwise.
template <typename T> T Cpu::read_mem_edge(unsigned sr, uint32_t off) {
    if (traits_->segment_wrap_faults || off > seg[sr].limit) fault_segment(sr);
    T v = 0;
    for (unsigned i = 0; i < sizeof(T); ++i)
        v |= static_cast<T>(T(read_lin<uint8_t>(seg[sr].base + ((off + i) & 0xFFFF))) << (8 * i));
    return v;
}

template <typename T> void Cpu::write_mem_edge(unsigned sr, uint32_t off, T v) {
    if (traits_->segment_wrap_faults || off > seg[sr].limit) fault_segment(sr);
    for (unsigned i = 0; i < sizeof(T); ++i)
        write_lin<uint8_t>(seg[sr].base + ((off + i) & 0xFFFF), static_cast<uint8_t>(v >> (8 * i)));
}

void Cpu::fault_segment(unsigned sr) {
    bool stack = sr == SS && !traits_->overrun_is_gp;
    throw CpuFault{stack ? vec::SS : vec::GP, traits_->model >= CpuModel::i386, 0};
}

template uint8_t Cpu::read_lin_slow<uint8_t>(uint32_t);
template uint16_t Cpu::read_lin_slow<uint16_t>(uint32_t);
template uint32_t Cpu::read_lin_slow<uint32_t>(uint32_t);
template void Cpu::write_lin_slow<uint8_t>(uint32_t, uint8_t);
template void Cpu::write_lin_slow<uint16_t>(uint32_t, uint16_t);
template void Cpu::write_lin_slow<uint32_t>(uint32_t, uint32_t);
template uint8_t Cpu::read_mem_edge<uint8_t>(unsigned, uint32_t);
template uint16_t Cpu::read_mem_edge<uint16_t>(unsigned, uint32_t);
template uint32_t Cpu::read_mem_edge<uint32_t>(unsigned, uint32_t);
template void Cpu::write_mem_edge<uint8_t>(unsigned, uint32_t, uint8_t);
template void Cpu::write_mem_edge<uint16_t>(unsigned, uint32_t, uint16_t);
template void Cpu::write_mem_edge<uint32_t>(unsigned, uint32_t, uint32_t);

// ---------------------------------------------------------------- segments, flags, interrupts

void Cpu::load_segment(unsigned sr, uint16_t selector) {
    seg[sr].selector = selector;
    seg[sr].base = uint32_t(selector) << 4;
}

void Cpu::set_segment_cache(unsigned sr, const Segment& s) {
    seg[sr] = s;
    if (sr == CS) code32_ = s.attr & Segment::kBig;
    if (sr == SS) stack32_ = s.attr & Segment::kBig;
}

void Cpu::far_jump(uint16_t selector, uint32_t offset) {
    load_segment(CS, selector);
    next_eip = eip = offset & ip_mask();
}

void Cpu::write_flags16(uint16_t v) {
    uint32_t writable = traits_->flags_writable;
    flags.set((flags.get() & ~writable) | (v & writable) | 0x2);
    sync_irq_pending();
}

void Cpu::interrupt(uint8_t vector, uint32_t return_eip) {
    uint32_t entry = uint32_t(vector) * 4;
    if (entry + 3 > idtr.limit) throw CpuFault{vec::GP, true, static_cast<uint16_t>(entry + 2)};
    push<uint16_t>(flags_image());
    push<uint16_t>(seg[CS].selector);
    push<uint16_t>(static_cast<uint16_t>(return_eip));
    uint16_t ip = read_lin<uint16_t>(idtr.base + entry);
    uint16_t cs = read_lin<uint16_t>(idtr.base + entry + 2);
    flags.set(flags.get() & ~(flag::IF | flag::TF));
    sync_irq_pending();
    far_jump(cs, ip);
    halted = false;
}

void Cpu::deliver(const CpuFault& f) {
    uint32_t ret = f.after_insn ? next_eip : eip;
    ++ticks;  // the faulting instruction still took its time
    try {
        interrupt(f.vector, ret);
    } catch (const CpuFault&) {
        try {
            interrupt(vec::DF, eip);
        } catch (const CpuFault&) {
            shutdown = true;  // triple fault: the processor shuts down
            halted = true;
            pending |= kStop;
        }
    }
}

void Cpu::service_pending() {
    pending &= ~kCodeChanged;
    if ((pending & kIrq) && ticks != irq_inhibit_tick_ && irq_source_) {
        uint8_t vector = irq_source_->acknowledge();
        halted = false;
        try {
            interrupt(vector, eip);
        } catch (const CpuFault& f) {
            deliver(f);
        }
    }
}

// ---------------------------------------------------------------- execution

Block* Cpu::current_block() {
    const Segment& cs = seg[CS];
    uint32_t lin = cs.base + eip;
    TlbEntry* e = &tlb_.entry(lin);
    if (e->fetch_tag != (lin & ~kPageMask)) {
        e = &fill_tlb(lin);
        if (e->fetch_tag != (lin & ~kPageMask)) return nullptr;  // MMIO or unmapped: not cached
    }
    uint32_t phys = e->phys_page | (lin & kPageMask);
    const uint32_t mode = code32_ ? 1 : 0;  // what decoding depends on
    Block* b = cache_.find(CodeCache::make_key(phys, mode));
    if (!b) b = decode_block(phys, mode);
    if (!b) return nullptr;
    // The block must not run past the segment limit or the 16-bit IP wrap here.
    if (uint64_t(eip) + b->byte_len - 1 > std::min<uint32_t>(cs.limit, ip_mask())) return nullptr;
    return b;
}

Block* Cpu::decode_block(uint32_t phys, uint32_t mode) {
    const PageSlot& slot = mem_.slot(phys);
    if (!slot.host) return nullptr;
    uint32_t offset = phys & kPageMask;
    uint32_t avail = kPageSize - offset;
    uint32_t to_limit = std::min<uint32_t>(seg[CS].limit, ip_mask()) - eip + 1;
    if (to_limit && to_limit < avail) avail = to_limit;

    auto block = std::make_unique<Block>();
    block->key = CodeCache::make_key(phys, mode);
    const OpTable& table = op_table(traits_->model);
    uint32_t used = 0;
    while (block->insns.size() < kMaxBlockInsns) {
        SpanSource src{slot.host + offset + used, avail - used};
        Insn insn;
        if (decode(table, *traits_, mode & 1, src, insn) != DecodeStatus::Ok) break;
        used += insn.len;
        block->insns.push_back(insn);
        if (insn.flags & insn_flag::kEndsBlock) break;
    }
    if (block->insns.empty()) return nullptr;
    block->byte_len = used;
    if (!slot.has_code) {
        mem_.mark_code(phys);
        tlb_.protect_code_page(phys & ~kPageMask);
    }
    return cache_.insert(std::move(block));
}

namespace {
// Instruction bytes fetched through CS, for code the cache cannot hold.
struct FetchSource {
    Cpu& cpu;
    uint32_t used = 0;
    bool next(uint8_t& b) {
        uint32_t off = (cpu.eip + used++) & cpu.ip_mask();
        if (off > cpu.seg[CS].limit) throw CpuFault{vec::GP, true, 0};
        b = cpu.read_lin<uint8_t>(cpu.seg[CS].base + off);
        return true;
    }
};
}  // namespace

void Cpu::execute_one_uncached() {
    FetchSource src{*this};
    Insn insn;
    decode(op_table(traits_->model), *traits_, code32_, src, insn);
    execute(insn);
}

void Cpu::execute(const Insn& i) {
    next_eip = (eip + i.len) & ip_mask();
    i.fn(*this, i);
    eip = next_eip;
    ++ticks;
}

// Runs `b` and then, while nothing is pending and time remains, the blocks
// chained after it. Returns the last block run (for the caller to link from).
Block* Cpu::execute_chain(Block* b) {
    for (;;) {
        const Insn* i = b->insns.data();
        const Insn* end = i + b->insns.size();
        // Stop at the deadline: checked once per block rather than per
        // instruction (only a block's last instruction adds ticks of its own).
        if (uint64_t room = deadline_ - ticks; room < b->insns.size()) end = i + room;
        const uint32_t mask = ip_mask();
        for (;;) {
            next_eip = (eip + i->len) & mask;
            i->fn(*this, *i);
            eip = next_eip;
            ++ticks;
            if (++i == end || pending) break;
        }
        if (pending || ticks >= deadline_) return b;
        const Segment& cs = seg[CS];
        Block* next = b->successor(eip, cs.base, cs.limit, cache_.epoch());
        if (!next) return b;
        b = next;
    }
}

// The instrumented loop: the hook sees every instruction boundary; the
// instruction still comes from the code cache and runs the same handler.
void Cpu::execute_one_traced() {
    insn_hook_(*this);
    if (pending & kStop) return;
    execute_one_cached();
}

// One instruction: the first of the block at CS:EIP (or decoded uncached).
void Cpu::execute_one_cached() {
    Block* b = current_block();
    if (!b) {
        execute_one_uncached();
        return;
    }
    execute(b->insns.front());
}

void Cpu::run(uint64_t deadline) {
    deadline_ = deadline;
    Block* prev = nullptr;  // the block that just ran, for chaining
    uint64_t epoch = cache_.epoch();
    while (ticks < deadline_) {
        if (pending) {
            service_pending();
            if (pending & kStop) return;
        }
        if (halted) return;  // the machine decides how long to idle
        if (cache_.epoch() != epoch) {
            prev = nullptr;  // it may have been dropped
            epoch = cache_.epoch();
        }
        cache_.release_retired();
        try {
            if (insn_hook_) {
                execute_one_traced();
                continue;
            }
            const Segment& cs = seg[CS];
            Block* b = prev ? prev->successor(eip, cs.base, cs.limit, epoch) : nullptr;
            if (!b) {
                b = current_block();
                if (b && prev) prev->remember(b, eip, cs.base, cs.limit, epoch);
            }
            prev = b ? execute_chain(b) : nullptr;
            if (!b) execute_one_uncached();
        } catch (const CpuFault& f) {
            prev = nullptr;
            deliver(f);
        }
    }
}

std::optional<CpuFault> Cpu::step() {
    if (halted) return std::nullopt;
    deadline_ = ~uint64_t(0);  // a repeated string instruction runs to completion
    if (pending) service_pending();
    cache_.release_retired();
    try {
        execute_one_cached();
    } catch (const CpuFault& f) {
        deliver(f);
        return f;
    }
    return std::nullopt;
}

std::string Cpu::mnemonic(const Insn& i) const {
    const OpInfo& o = op_table(traits_->model).lookup(i.op, i.reg);
    return o.name ? o.name : "(bad)";
}

}  // namespace amber
