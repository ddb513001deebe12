#include "machine/trace_format.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "mmu/endian.hpp"

namespace amber {

namespace {
constexpr char kMagic[7] = {'A', 'M', 'B', 'R', 'T', 'R', 'C'};
constexpr uint8_t kVersion = 2;  // 2: disk requests, the 0x402 and keyboard channels

// ---- encoding ----
void put8(std::vector<uint8_t>& o, uint8_t v) { o.push_back(v); }
void put_var(std::vector<uint8_t>& o, uint64_t v) {
    do {
        uint8_t b = v & 0x7F;
        v >>= 7;
        o.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
    } while (v);
}
void put_str(std::vector<uint8_t>& o, const std::string& s) {
    put_var(o, s.size());
    o.insert(o.end(), s.begin(), s.end());
}

// ---- decoding, every read bounds-checked ----
class Reader {
public:
    explicit Reader(const std::vector<uint8_t>& b) : b_(b) {}
    bool done() const { return pos_ == b_.size(); }
    uint8_t u8() {
        need(1);
        return b_[pos_++];
    }
    uint64_t le(unsigned bytes) {
        need(bytes);
        uint64_t v = 0;
        for (unsigned i = 0; i < bytes; ++i) v |= uint64_t(b_[pos_++]) << (8 * i);
        return v;
    }
    uint64_t var() {
        uint64_t v = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            const uint8_t b = u8();
            v |= uint64_t(b & 0x7F) << shift;
            if (!(b & 0x80)) return v;
        }
        fail("an over-long number");
    }
    // A count of things each at least `min_size` bytes long: bounded by what is left.
    size_t count(size_t min_size) {
        const uint64_t n = var();
        if (n > (b_.size() - pos_) / std::max<size_t>(min_size, 1)) fail("a count larger than the file");
        return static_cast<size_t>(n);
    }
    std::string str() {
        const size_t n = count(1);
        std::string s(b_.begin() + static_cast<long>(pos_), b_.begin() + static_cast<long>(pos_ + n));
        pos_ += n;
        return s;
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error(fmt::format("corrupt trace file: {} at byte {}", what, pos_));
    }

private:
    void need(size_t n) const {
        if (b_.size() - pos_ < n) throw std::runtime_error(fmt::format("trace file truncated at byte {}", b_.size()));
    }
    const std::vector<uint8_t>& b_;
    size_t pos_ = 0;
};

void put_checkpoint(std::vector<uint8_t>& o, const TraceCheckpoint& c) {
    for (uint32_t r : c.regs) append_le<uint32_t>(o, r);
    append_le<uint32_t>(o, c.eip);
    append_le<uint32_t>(o, c.eflags);
    append_le<uint32_t>(o, c.cr0);
    append_le<uint32_t>(o, c.cr3);
    for (uint16_t s : c.selectors) append_le<uint16_t>(o, s);
    append_le<uint64_t>(o, c.ram_hash);
    put_var(o, c.device_hashes.size());
    for (uint64_t h : c.device_hashes) append_le<uint64_t>(o, h);
    put_var(o, c.changed_pages.size());
    for (auto [page, hash] : c.changed_pages) {
        put_var(o, page >> 12);
        append_le<uint64_t>(o, hash);
    }
}

TraceCheckpoint get_checkpoint(Reader& r) {
    TraceCheckpoint c;
    for (uint32_t& v : c.regs) v = static_cast<uint32_t>(r.le(4));
    c.eip = static_cast<uint32_t>(r.le(4));
    c.eflags = static_cast<uint32_t>(r.le(4));
    c.cr0 = static_cast<uint32_t>(r.le(4));
    c.cr3 = static_cast<uint32_t>(r.le(4));
    for (uint16_t& s : c.selectors) s = static_cast<uint16_t>(r.le(2));
    c.ram_hash = r.le(8);
    c.device_hashes.resize(r.count(8));
    for (uint64_t& h : c.device_hashes) h = r.le(8);
    c.changed_pages.resize(r.count(9));
    for (auto& [page, hash] : c.changed_pages) {
        page = static_cast<uint32_t>(r.var() << 12);
        hash = r.le(8);
    }
    return c;
}

bool same_checkpoint(const TraceCheckpoint& a, const TraceCheckpoint& b) {
    for (unsigned i = 0; i < 8; ++i)
        if (a.regs[i] != b.regs[i]) return false;
    for (unsigned i = 0; i < 6; ++i)
        if (a.selectors[i] != b.selectors[i]) return false;
    return a.eip == b.eip && a.eflags == b.eflags && a.cr0 == b.cr0 && a.cr3 == b.cr3 && a.ram_hash == b.ram_hash &&
           a.device_hashes == b.device_hashes && a.changed_pages == b.changed_pages;
}

const char* type_name(TraceEvent::Type t) {
    switch (t) {
    case TraceEvent::Type::Output: return "output";
    case TraceEvent::Type::Input: return "input";
    case TraceEvent::Type::Interrupt: return "interrupt";
    case TraceEvent::Type::ModeSwitch: return "mode switch";
    case TraceEvent::Type::PostCode: return "POST code";
    case TraceEvent::Type::IoSummary: return "port I/O summary";
    case TraceEvent::Type::Checkpoint: return "checkpoint";
    case TraceEvent::Type::End: return "end of run";
    case TraceEvent::Type::DiskRequest: return "disk request";
    }
    return "?";
}
}  // namespace

bool TraceEvent::operator==(const TraceEvent& o) const {
    if (type != o.type || tick != o.tick || a != o.a || b != o.b || c != o.c || lba != o.lba || text != o.text)
        return false;
    if (io.size() != o.io.size()) return false;
    for (size_t i = 0; i < io.size(); ++i)
        if (io[i].port != o.io[i].port || io[i].reads != o.io[i].reads || io[i].writes != o.io[i].writes)
            return false;
    if (checkpoint.has_value() != o.checkpoint.has_value()) return false;
    return !checkpoint || same_checkpoint(*checkpoint, *o.checkpoint);
}

std::string TraceEvent::describe() const {
    std::string s = fmt::format("tick {}: {}", tick, type_name(type));
    switch (type) {
    case Type::Output:
    case Type::Input: {
        const char* ch = a == trace_channel::kCom1           ? "COM1"
                         : a == trace_channel::kDebugConsole ? "debug port"
                         : a == trace_channel::kBiosDebug    ? "port 402"
                         : a == trace_channel::kKeyboard     ? "keyboard"
                                                             : "?";
        const uint32_t byte = type == Type::Output ? b : c;
        if (type == Type::Input && a == trace_channel::kKeyboard) {
            s += fmt::format(" keyboard key {:02X} {}", byte & 0x7F, byte & 0x80 ? "released" : "pressed");
            break;
        }
        s += fmt::format(" {} byte {:02X}", ch, byte);
        if (byte >= 0x20 && byte < 0x7F) s += fmt::format(" '{}'", char(byte));
        if (type == Type::Input && b != 0) s += b == 2 ? " (end of input)" : " (nothing)";
        break;
    }
    case Type::Interrupt: s += fmt::format(" vector {:02X}", a); break;
    case Type::ModeSwitch: s += fmt::format(" CR0={:08X} VM={}", a, b); break;
    case Type::PostCode: s += fmt::format(" {:02X}", a); break;
    case Type::IoSummary: s += fmt::format(" ({} ports)", io.size()); break;
    case Type::Checkpoint:
        if (checkpoint) s += fmt::format(" {:04X}:{:08X}", checkpoint->selectors[1], checkpoint->eip);
        break;
    case Type::End: s += fmt::format(" ({}{}{})", text, b ? ", status " : "", b ? std::to_string(b) : ""); break;
    case Type::DiskRequest: {
        static const char* const kUnits[6] = {"hda", "hdb", "hdc", "hdd", "fda", "fdb"};
        s += fmt::format(" {} command {:02X} {}", a < 6 ? kUnits[a] : "?", b & 0xFF, b & 0x100 ? "write" : "read");
        if (a >= 4) s += fmt::format(" C/H/S {}/{}/{}", lba >> 16, (lba >> 8) & 0xFF, lba & 0xFF);
        else s += fmt::format(" LBA {}", lba);
        s += fmt::format(", {} sectors", c);
        break;
    }
    }
    return s;
}

TraceWriter::TraceWriter(const TraceHeader& h) {
    out_.assign(std::begin(kMagic), std::end(kMagic));
    put8(out_, kVersion);
    put_str(out_, h.amber_version);
    put_str(out_, h.config);
    put8(out_, h.checkpoint_log2);
    put_var(out_, h.images.size());
    for (const TraceImage& im : h.images) {
        put_str(out_, im.role);
        put_str(out_, im.name);
        out_.insert(out_.end(), im.sha256.begin(), im.sha256.end());
        append_le<uint64_t>(out_, im.size);
    }
}

void TraceWriter::add(const TraceEvent& e) {
    put8(out_, static_cast<uint8_t>(e.type));
    put_var(out_, e.tick - last_tick_);  // events arrive in tick order
    last_tick_ = e.tick;
    switch (e.type) {
    case TraceEvent::Type::Output:
    case TraceEvent::Type::Interrupt:
        put8(out_, static_cast<uint8_t>(e.a));
        put8(out_, static_cast<uint8_t>(e.b));
        break;
    case TraceEvent::Type::Input:
        put8(out_, static_cast<uint8_t>(e.a));
        put8(out_, static_cast<uint8_t>(e.b));
        put8(out_, static_cast<uint8_t>(e.c));
        break;
    case TraceEvent::Type::ModeSwitch:
        append_le<uint32_t>(out_, e.a);
        put8(out_, static_cast<uint8_t>(e.b));
        break;
    case TraceEvent::Type::PostCode: put8(out_, static_cast<uint8_t>(e.a)); break;
    case TraceEvent::Type::IoSummary:
        put_var(out_, e.io.size());
        for (const TraceIoCount& c : e.io) {
            append_le<uint16_t>(out_, c.port);
            put_var(out_, c.reads);
            put_var(out_, c.writes);
        }
        break;
    case TraceEvent::Type::Checkpoint: put_checkpoint(out_, *e.checkpoint); break;
    case TraceEvent::Type::End:
        put8(out_, static_cast<uint8_t>(e.a));
        append_le<uint32_t>(out_, e.b);
        put_str(out_, e.text);
        break;
    case TraceEvent::Type::DiskRequest:
        put8(out_, static_cast<uint8_t>(e.a));
        put_var(out_, e.b);
        put_var(out_, e.c);
        put_var(out_, e.lba);
        break;
    }
}

Trace parse_trace(const std::vector<uint8_t>& bytes) {
    if (bytes.size() < sizeof kMagic + 1 || !std::equal(std::begin(kMagic), std::end(kMagic), bytes.begin()))
        throw std::runtime_error("not an Amber trace file");
    if (bytes[sizeof kMagic] != kVersion)
        throw std::runtime_error(fmt::format("trace format version {} is not supported (this Amber reads version {})",
                                             bytes[sizeof kMagic], kVersion));
    Reader r(bytes);
    for (size_t i = 0; i <= sizeof kMagic; ++i) r.u8();
    Trace t;
    t.header.amber_version = r.str();
    t.header.config = r.str();
    t.header.checkpoint_log2 = r.u8();
    t.header.images.resize(r.count(42));
    for (TraceImage& im : t.header.images) {
        im.role = r.str();
        im.name = r.str();
        for (uint8_t& b : im.sha256) b = r.u8();
        im.size = r.le(8);
    }
    uint64_t tick = 0;
    while (!r.done()) {
        TraceEvent e;
        const uint8_t type = r.u8();
        if (type < 1 || type > static_cast<uint8_t>(TraceEvent::Type::DiskRequest)) r.fail(fmt::format("an unknown record type {}", type));
        e.type = static_cast<TraceEvent::Type>(type);
        tick += r.var();
        e.tick = tick;
        switch (e.type) {
        case TraceEvent::Type::Output:
        case TraceEvent::Type::Interrupt:
            e.a = r.u8();
            e.b = r.u8();
            break;
        case TraceEvent::Type::Input:
            e.a = r.u8();
            e.b = r.u8();
            e.c = r.u8();
            break;
        case TraceEvent::Type::ModeSwitch:
            e.a = static_cast<uint32_t>(r.le(4));
            e.b = r.u8();
            break;
        case TraceEvent::Type::PostCode: e.a = r.u8(); break;
        case TraceEvent::Type::IoSummary:
            e.io.resize(r.count(4));
            for (TraceIoCount& c : e.io) {
                c.port = static_cast<uint16_t>(r.le(2));
                c.reads = static_cast<uint32_t>(r.var());
                c.writes = static_cast<uint32_t>(r.var());
            }
            break;
        case TraceEvent::Type::Checkpoint: e.checkpoint = get_checkpoint(r); break;
        case TraceEvent::Type::End:
            e.a = r.u8();
            e.b = static_cast<uint32_t>(r.le(4));
            e.text = r.str();
            break;
        case TraceEvent::Type::DiskRequest:
            e.a = r.u8();
            e.b = static_cast<uint32_t>(r.var());
            e.c = static_cast<uint32_t>(r.var());
            e.lba = r.var();
            break;
        }
        t.events.push_back(std::move(e));
    }
    // A recording always ends with its End record; a file cut at a record
    // boundary would otherwise pass for a shorter run.
    if (t.events.empty() || t.events.back().type != TraceEvent::Type::End)
        throw std::runtime_error(fmt::format("trace file truncated at byte {}: it has no end record", bytes.size()));
    return t;
}

}  // namespace amber
