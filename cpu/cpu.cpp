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
    cr0 = traits_->model >= CpuModel::i486 ? cr0_bit::ET : 0;
    cr2 = cr3 = cr4 = 0;
    std::fill(std::begin(dr), std::end(dr), 0);
    msrs.reset();
    sse.reset();
    x87.init();  // as FNINIT leaves it (firmware runs FNINIT before using the FPU anyway)
    drive_ferr(false);
    dr[6] = 0xFFFF0FF0u;
    dr[7] = 0x400;
    gdtr = {};
    idtr = {0, 0x3FF};
    ldtr = Segment{0, 0, 0xFFFF, 0x82};
    tr = Segment{0, 0, 0xFFFF, 0x8B};
    mode_changed();
    update_debug_active();
    pending_dr6_ = 0;
    for (unsigned sr = 0; sr < 6; ++sr) set_segment_cache(sr, Segment{});
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

void Cpu::code_page_written(uint32_t page_number) {
    cache_.code_page_written(page_number);
    pending |= kCodeChanged;  // leave the running block: it may be stale
}

// Shadow RAM was switched: TLB entries hold host pointers to the old backing.
void Cpu::mapping_changed() {
    flush_tlb();
    pending |= kCodeChanged;
}

void Cpu::write_access_revoked() {
    for (Tlb& t : tlbs_) t.drop_write_tags();
}

// ---------------------------------------------------------------- interrupts

void Cpu::service_pending() {
    pending &= ~(kCodeChanged | kStepEvent);
    if ((pending & kIrq) && ticks != irq_inhibit_tick_ && irq_source_) {
        uint8_t vector = irq_source_->acknowledge();
        halted = false;
        try {
            raise_event(vector, eip, EventKind::External);
        } catch (const CpuFault& f) {
            deliver_fault(f, eip);
        }
    }
}

// ---------------------------------------------------------------- execution

Block* Cpu::current_block() {
    const Segment& cs = seg[CS];
    uint32_t lin = cs.base + eip;
    TlbEntry* e = &tlb_->entry(lin);
    if (e->fetch_tag != (lin & ~kPageMask)) {
        // A page that faults is fetched by the uncached path, which raises #PF.
        e = fill_tlb(lin, AccessKind::Fetch, /*probe=*/true);
        if (!e || e->fetch_tag != (lin & ~kPageMask)) return nullptr;  // MMIO or unmapped: not cached
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
        for (Tlb& t : tlbs_) t.protect_code_page(phys & ~kPageMask);
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
    if (debug_active_) execute_one_debugged();
    else execute_one_cached();
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
            if (debug_active_) {
                execute_one_debugged();
                prev = nullptr;
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
        if (debug_active_) execute_one_debugged();
        else execute_one_cached();
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
