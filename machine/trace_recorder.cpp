#include "machine/trace_recorder.hpp"

#include <deque>
#include <stdexcept>

#include <fmt/format.h>

#include "mmu/endian.hpp"

namespace amber {

uint64_t hash_page(const uint8_t* page) {
    // Word-wise multiply-xor: fast, and defined on the little-endian value
    // of each word, so hosts of either byte order agree.
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (uint32_t off = 0; off < kPageSize; off += 8) {
        h ^= load_le<uint64_t>(page + off);
        h *= 0xFF51AFD7ED558CCDull;
        h ^= h >> 29;
    }
    return h;
}

namespace {
constexpr uint16_t kPostPort = 0x80;

// Records what a device writes and what it reads from the real backend.
class RecordingBackend final : public CharBackend {
public:
    RecordingBackend(std::unique_ptr<CharBackend> inner, TraceRecorder& rec, const Cpu& cpu, uint8_t channel)
        : inner_(std::move(inner)), rec_(rec), cpu_(cpu), channel_(channel) {}
    void write(uint8_t byte) override {
        rec_.emit({TraceEvent::Type::Output, cpu_.ticks, channel_, byte});
        inner_->write(byte);
    }
    CharInput read() override {
        const CharInput in = inner_->read();
        if (in.kind != CharInput::Kind::Nothing)
            rec_.emit({TraceEvent::Type::Input, cpu_.ticks, channel_, static_cast<uint32_t>(in.kind), in.byte});
        return in;
    }
    bool connected() const override { return inner_->connected(); }

private:
    std::unique_ptr<CharBackend> inner_;
    TraceRecorder& rec_;
    const Cpu& cpu_;
    uint8_t channel_;
};

// Gives the guest the recorded input at the recorded ticks. A read at any
// other tick finds nothing, as the recording run did at that read.
class ReplayBackend final : public CharBackend {
public:
    ReplayBackend(std::deque<TraceEvent> inputs, bool connected, TraceRecorder& rec, const Cpu& cpu, uint8_t channel)
        : inputs_(std::move(inputs)), connected_(connected), rec_(rec), cpu_(cpu), channel_(channel) {}
    void write(uint8_t byte) override { rec_.emit({TraceEvent::Type::Output, cpu_.ticks, channel_, byte}); }
    CharInput read() override {
        if (inputs_.empty() || inputs_.front().tick != cpu_.ticks) return CharInput::nothing();
        const TraceEvent e = inputs_.front();
        inputs_.pop_front();
        rec_.emit(e);
        return {static_cast<CharInput::Kind>(e.b), static_cast<uint8_t>(e.c)};
    }
    bool connected() const override { return connected_; }

private:
    std::deque<TraceEvent> inputs_;
    bool connected_;
    TraceRecorder& rec_;
    const Cpu& cpu_;
    uint8_t channel_;
};
}  // namespace

TraceRecorder::TraceRecorder(Machine& m, TraceSink& sink, unsigned checkpoint_log2)
    : m_(m), sink_(sink), log2_(checkpoint_log2) {
    DebugRequests req;
    req.events = true;
    req.io = true;
    req.mode_switches = true;
    client_ = m_.cpu().add_debug_client([this](Cpu& c, const DebugEvent& e) { on_cpu(c, e); }, req);
    checkpoint_event_ = m_.scheduler().add_event(
        "trace checkpoint",
        [this](uint64_t now) {
            take_checkpoint(now);
            m_.scheduler().schedule(checkpoint_event_, now + (uint64_t(1) << log2_));
        },
        Scheduler::Wakes::Nothing);
    const uint64_t period = uint64_t(1) << log2_;
    m_.scheduler().schedule(checkpoint_event_, (m_.cpu().ticks / period + 1) * period);
    for (uint32_t page : m_.memory().ram_pages()) page_hashes_.push_back(hash_page(m_.memory().slot(page).host));
    m_.memory().clear_dirty_log();
}

TraceRecorder::~TraceRecorder() {
    m_.cpu().remove_debug_client(client_);
    m_.scheduler().cancel(checkpoint_event_);
}

std::unique_ptr<CharBackend> TraceRecorder::record_backend(std::unique_ptr<CharBackend> inner, uint8_t channel) {
    return std::make_unique<RecordingBackend>(std::move(inner), *this, m_.cpu(), channel);
}

std::unique_ptr<CharBackend> TraceRecorder::replay_backend(const Trace& recorded, uint8_t channel, bool connected) {
    std::deque<TraceEvent> inputs;
    for (const TraceEvent& e : recorded.events)
        if (e.type == TraceEvent::Type::Input && e.a == channel) inputs.push_back(e);
    return std::make_unique<ReplayBackend>(std::move(inputs), connected, *this, m_.cpu(), channel);
}

void TraceRecorder::emit(TraceEvent e) { sink_.add(e); }

DiskObserver TraceRecorder::disk_observer() {
    return [this](const DiskRequest& r) {
        TraceEvent e;
        e.type = TraceEvent::Type::DiskRequest;
        e.tick = m_.cpu().ticks;
        e.a = r.unit;
        e.b = r.command | (r.write ? 0x100u : 0u);
        e.c = r.count;
        e.lba = r.lba;
        emit(std::move(e));
    };
}

std::function<void(uint8_t)> TraceRecorder::keyboard_observer() {
    return [this](uint8_t event) {
        TraceEvent e;
        e.type = TraceEvent::Type::Input;
        e.tick = m_.cpu().ticks;
        e.a = trace_channel::kKeyboard;
        e.c = event;  // b: CharInput::Kind::Byte (0)
        emit(std::move(e));
    };
}

void TraceRecorder::on_cpu(Cpu& c, const DebugEvent& e) {
    switch (e.kind) {
    case DebugEvent::Kind::Interrupt:
        emit({TraceEvent::Type::Interrupt, c.ticks, e.vector, static_cast<uint32_t>(e.event)});
        break;
    case DebugEvent::Kind::ModeSwitch:
        emit({TraceEvent::Type::ModeSwitch, c.ticks, c.cr0, c.v86() ? 1u : 0u});
        break;
    case DebugEvent::Kind::Io: {
        TraceIoCount& n = io_[static_cast<uint16_t>(e.address)];
        n.port = static_cast<uint16_t>(e.address);
        (e.write ? n.writes : n.reads) += 1;
        if (e.write && e.address == kPostPort) emit({TraceEvent::Type::PostCode, c.ticks, e.value & 0xFF});
        break;
    }
    case DebugEvent::Kind::Watch: break;
    }
}

void TraceRecorder::flush_io(uint64_t now) {
    if (io_.empty()) return;
    TraceEvent e{TraceEvent::Type::IoSummary, now};
    for (const auto& [port, n] : io_) e.io.push_back(n);
    io_.clear();
    emit(std::move(e));
}

TraceCheckpoint TraceRecorder::checkpoint_now() {
    const Cpu& c = m_.cpu();
    TraceCheckpoint cp;
    for (unsigned i = 0; i < 8; ++i) cp.regs[i] = c.r[i];
    cp.eip = c.eip;
    cp.eflags = c.flags.get();
    cp.cr0 = c.cr0;
    cp.cr3 = c.cr3;
    for (unsigned s = 0; s < 6; ++s) cp.selectors[s] = c.seg[s].selector;
    // Only pages written since the last checkpoint can have a new hash (the
    // memory's dirty log); the others keep theirs.
    PhysMemory& mem = m_.memory();
    const auto& pages = mem.ram_pages();
    uint64_t all = 0xCBF29CE484222325ull;
    for (size_t i = 0; i < pages.size(); ++i) {
        uint64_t h = page_hashes_[i];
        if (mem.written_since_clear(pages[i]) || verify_dirty_log_) {
            h = hash_page(mem.slot(pages[i]).host);
            if (h != page_hashes_[i] && !mem.written_since_clear(pages[i]))
                throw std::logic_error(fmt::format("page {:#x} changed without a mark in the dirty log", pages[i]));
            if (h != page_hashes_[i]) {
                cp.changed_pages.emplace_back(pages[i], h);
                page_hashes_[i] = h;
            }
        }
        all = (all ^ h) * 0x100000001B3ull;
    }
    mem.clear_dirty_log();
    cp.ram_hash = all;
    for (const auto& d : m_.devices()) {
        HashArchive a;
        d->visit(a);
        cp.device_hashes.push_back(a.digest());
    }
    return cp;
}

void TraceRecorder::take_checkpoint(uint64_t now) {
    flush_io(now);
    TraceEvent e{TraceEvent::Type::Checkpoint, now};
    e.checkpoint = checkpoint_now();
    emit(std::move(e));
}

void TraceRecorder::finish(const RunResult& r) {
    const uint64_t now = m_.cpu().ticks;
    take_checkpoint(now);
    TraceEvent e{TraceEvent::Type::End, now, static_cast<uint32_t>(r.reason), static_cast<uint32_t>(r.exit_code)};
    e.text = r.message;
    emit(std::move(e));
}

}  // namespace amber
