#include "frontend/gdb/stub.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "frontend/gdb/hex.hpp"
#include "frontend/gdb/rsp.hpp"
#include "frontend/gdb/target_description.hpp"

namespace amber::gdb {

namespace {

const std::string kOk = "OK";
const std::string kUnsupported;
const std::string kMalformed = "E01";
const std::string kRefused = "E02";
const std::string kMemoryFault = "E03";

// Thread ids are hex in the protocol; ours is 1 either way.
const std::string kThread = "1";
static_assert(kThreadId == 1);

// gdb's own signal numbers (include/gdb/signals.h), as stop replies carry them.
constexpr uint8_t kSigInt = 2;
constexpr uint8_t kSigTrap = 5;
constexpr uint8_t kSigSegv = 11;

// The 'g' packet: the core and x87 registers, then with SSE xmm0-7 and mxcsr.
constexpr size_t kRegisterFileBytes = kCoreRegCount * 4 + kX87Count * kX87Bytes + kX87ControlCount * 4;
constexpr size_t kSseRegisterFileBytes = kRegisterFileBytes + kXmmCount * kXmmBytes + 4;

// The largest memory read we answer at once: its hex must fit a packet.
// gdb splits larger reads by our PacketSize anyway; a shorter answer is a
// partial read, which gdb continues itself.
constexpr uint32_t kMaxMemoryRead = kMaxPayload / 2;

uint32_t load_le32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

bool is_x87_data(unsigned regno) { return regno >= unsigned(Reg::St0) && regno <= unsigned(Reg::St7); }
bool is_xmm(unsigned regno) { return regno >= unsigned(Reg::Xmm0) && regno <= unsigned(Reg::Xmm7); }

// The 32-bit value of a register that is not st0..st7 or xmm0..xmm7.
uint32_t value_of(const RegisterFile& regs, unsigned regno) {
    if (regno == unsigned(Reg::Mxcsr)) return regs.mxcsr;
    return regno < kCoreRegCount ? regs.core[regno] : regs.x87_control[regno - unsigned(Reg::Fctrl)];
}

template <size_t N> std::array<uint8_t, N> array_of(const uint8_t* p) {
    std::array<uint8_t, N> a;
    std::copy_n(p, N, a.begin());
    return a;
}

std::string stop_signal(uint8_t signal) {
    std::string text = "T";
    append_hex_byte(text, signal);
    return text;
}

// Removes `prefix` from the front of `text` if it is there.
bool consume(std::string_view& text, std::string_view prefix) {
    if (!text.starts_with(prefix)) return false;
    text.remove_prefix(prefix.size());
    return true;
}

}  // namespace

SessionEnd GdbStub::serve() {
    last_stop_ = stop_reply(StopReason::of(StopKind::Step));
    while (!end_) {
        auto packet = connection_.receive();
        if (!packet) {
            end_ = SessionEnd::Disconnected;
            break;
        }
        const Reply reply = packet->too_long ? Reply{kMalformed} : handle(packet->payload);
        if (reply.send && !connection_.send(reply.text)) {
            if (!end_) end_ = SessionEnd::Disconnected;
            break;
        }
        if (reply.stop_acks) connection_.stop_acks();
    }
    if (*end_ != SessionEnd::Killed) {
        remove_inserted_breakpoints();
        target_.detach();
    }
    return *end_;
}

GdbStub::Reply GdbStub::handle(std::string_view packet) {
    if (packet.empty()) return {kUnsupported};
    const char command = packet[0];
    const std::string_view args = packet.substr(1);
    switch (command) {
    case '?':
        return {last_stop_};
    case 'g':
        return {read_all_registers()};
    case 'G':
        return {write_all_registers(args)};
    case 'p':
        return {read_one_register(args)};
    case 'P':
        return {write_one_register(args)};
    case 'm':
        return {read_memory(args)};
    case 'M':
        return {write_memory(args, false)};
    case 'X':
        return {write_memory(args, true)};
    case 'Z':
    case 'z':
        return change_breakpoint(args, command == 'Z');
    case 'c':
    case 'C':
    case 's':
    case 'S': {
        auto request = parse_resume(command, args);
        if (!request) return {kMalformed};
        return {resume(request->mode, request->address)};
    }
    case 'H':  // select the thread for later requests: there is only ours
        return {args.size() > 1 && names_our_thread(args.substr(1)) ? kOk : kMalformed};
    case 'T':  // is the thread alive
        return {names_our_thread(args) ? kOk : kMalformed};
    case 'D':  // "D" or "D;pid"
        end_ = SessionEnd::Detached;
        return {kOk};
    case 'k':
        target_.kill();
        end_ = SessionEnd::Killed;
        return {"", false};
    case 'q':
    case 'Q':
        return handle_query(packet);
    case 'v':
        return handle_v(packet);
    default:
        return {kUnsupported};
    }
}

GdbStub::Reply GdbStub::handle_query(std::string_view packet) {
    std::string_view args = packet;
    if (consume(args, "qSupported")) return {supported_features(args)};
    if (consume(args, "qXfer:")) return {read_target_description(args)};
    if (packet == "QStartNoAckMode") return {kOk, true, true};
    if (packet == "qAttached") return {"1"};  // gdb's `quit` then detaches instead of killing
    if (packet == "qC") return {"QC" + kThread};
    if (packet == "qfThreadInfo") return {"m" + kThread};
    if (packet == "qsThreadInfo") return {"l"};  // the list ended with the first answer
    if (packet == "qSymbol::") return {kOk};     // no symbols wanted
    return {kUnsupported};
}

GdbStub::Reply GdbStub::handle_v(std::string_view packet) {
    std::string_view args = packet;
    // gdb only uses vCont if C and S are listed too; their signals are ignored.
    if (packet == "vCont?") return {"vCont;c;C;s;S"};
    if (consume(args, "vCont")) {
        auto mode = parse_vcont(args);
        if (!mode) return {kMalformed};
        return {resume(*mode, std::nullopt)};
    }
    if (packet.starts_with("vKill")) {
        target_.kill();
        end_ = SessionEnd::Killed;
        return {kOk};
    }
    return {kUnsupported};
}

std::string GdbStub::supported_features(std::string_view gdb_features) {
    // gdb lists what it understands after ':', separated by ';'.
    gdb_knows_swbreak_ = gdb_features.find("swbreak+") != std::string_view::npos;
    gdb_knows_hwbreak_ = gdb_features.find("hwbreak+") != std::string_view::npos;
    char size[16];
    std::snprintf(size, sizeof size, "%zx", kMaxPayload);
    return std::string("PacketSize=") + size +
           ";qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;vContSupported+";
}

std::string GdbStub::read_target_description(std::string_view args) {
    auto request = parse_xfer_read(args);
    if (!request) {
        // Not a read of something we can name: malformed if it is "features".
        return args.starts_with("features:") ? "E00" : kUnsupported;
    }
    if (request->object != "features") return kUnsupported;
    if (request->annex != "target.xml") return "E00";
    const std::string_view xml = target_description_xml(target_.has_sse());
    if (request->offset >= xml.size()) return "l";
    const std::string_view part = xml.substr(request->offset, request->length);
    const bool last = request->offset + part.size() >= xml.size();
    std::string reply(1, last ? 'l' : 'm');
    reply += escape_binary(part);
    return reply;
}

unsigned GdbStub::register_count() { return target_.has_sse() ? kSseRegCount : kRegCount; }

std::string GdbStub::read_all_registers() {
    const RegisterFile regs = target_.read_registers();
    std::string hex;
    hex.reserve(kSseRegisterFileBytes * 2);
    for (uint32_t v : regs.core) hex += to_hex_le(v);
    for (const X87Value& st : regs.st) hex += to_hex(st);
    for (uint32_t v : regs.x87_control) hex += to_hex_le(v);
    if (target_.has_sse()) {
        for (const XmmValue& x : regs.xmm) hex += to_hex(x);
        hex += to_hex_le(regs.mxcsr);
    }
    return hex;
}

std::string GdbStub::write_all_registers(std::string_view hex) {
    auto bytes = from_hex(hex);
    const bool sse = target_.has_sse();
    if (!bytes || bytes->size() != (sse ? kSseRegisterFileBytes : kRegisterFileBytes)) return kMalformed;
    // Write only what changes: writing a segment register may reload its
    // descriptor, and gdb's 'G' repeats every register it did not touch.
    const RegisterFile now = target_.read_registers();
    const uint8_t* p = bytes->data();
    for (unsigned i = 0; i < register_count(); ++i) {
        if (is_x87_data(i)) {
            const X87Value st = array_of<kX87Bytes>(p);
            p += kX87Bytes;
            const unsigned index = i - unsigned(Reg::St0);
            if (st != now.st[index] && !target_.write_x87_register(index, st)) return kRefused;
        } else if (is_xmm(i)) {
            const XmmValue x = array_of<kXmmBytes>(p);
            p += kXmmBytes;
            const unsigned index = i - unsigned(Reg::Xmm0);
            if (x != now.xmm[index] && !target_.write_xmm_register(index, x)) return kRefused;
        } else {
            const uint32_t value = load_le32(p);
            p += 4;
            if (value != value_of(now, i) && !target_.write_register(Reg(i), value)) return kRefused;
        }
    }
    return kOk;
}

std::string GdbStub::read_one_register(std::string_view args) {
    auto regno = parse_hex_u32(args);
    if (!regno || *regno >= register_count()) return kMalformed;
    const RegisterFile regs = target_.read_registers();
    if (is_x87_data(*regno)) return to_hex(regs.st[*regno - unsigned(Reg::St0)]);
    if (is_xmm(*regno)) return to_hex(regs.xmm[*regno - unsigned(Reg::Xmm0)]);
    return to_hex_le(value_of(regs, *regno));
}

std::string GdbStub::write_one_register(std::string_view args) {
    const size_t equals = args.find('=');
    if (equals == std::string_view::npos) return kMalformed;
    auto regno = parse_hex_u32(args.substr(0, equals));
    auto bytes = from_hex(args.substr(equals + 1));
    if (!regno || *regno >= register_count() || !bytes) return kMalformed;
    if (is_x87_data(*regno)) {
        if (bytes->size() != kX87Bytes) return kMalformed;
        const X87Value st = array_of<kX87Bytes>(bytes->data());
        return target_.write_x87_register(*regno - unsigned(Reg::St0), st) ? kOk : kRefused;
    }
    if (is_xmm(*regno)) {
        if (bytes->size() != kXmmBytes) return kMalformed;
        const XmmValue x = array_of<kXmmBytes>(bytes->data());
        return target_.write_xmm_register(*regno - unsigned(Reg::Xmm0), x) ? kOk : kRefused;
    }
    if (bytes->size() != 4) return kMalformed;
    return target_.write_register(Reg(*regno), load_le32(bytes->data())) ? kOk : kRefused;
}

std::string GdbStub::read_memory(std::string_view args) {
    auto range = parse_memory_range(args);
    if (!range) return kMalformed;
    // Stop at the top of the 4 GiB linear space rather than wrap around.
    const uint64_t room = (uint64_t(1) << 32) - range->address;
    const size_t length = static_cast<size_t>(std::min<uint64_t>({range->length, kMaxMemoryRead, room}));
    if (length == 0) return "";  // no bytes: an empty string of hex (gdb does not ask this)
    std::vector<uint8_t> buffer(length);
    const size_t got = target_.read_memory(range->address, buffer);
    if (got == 0) return kMemoryFault;
    return to_hex(std::span(buffer).first(std::min(got, length)));
}

std::string GdbStub::write_memory(std::string_view args, bool binary) {
    auto request = parse_memory_write(args);
    if (!request) return kMalformed;
    auto data = binary ? unescape_binary(request->data) : from_hex(request->data);
    if (!data || data->size() != request->range.length) return kMalformed;
    if (data->empty()) return kOk;  // gdb probes for 'X' with an empty write
    if (uint64_t(request->range.address) + data->size() > (uint64_t(1) << 32)) return kMemoryFault;
    return target_.write_memory(request->range.address, *data) ? kOk : kMemoryFault;
}

GdbStub::Reply GdbStub::change_breakpoint(std::string_view args, bool insert) {
    auto request = parse_breakpoint(args);
    if (!request) return {kMalformed};
    if (request->type > unsigned(BreakKind::AccessWatch)) return {kUnsupported};
    const BreakKind kind = BreakKind(request->type);
    const BreakResult result = insert ? target_.insert_breakpoint(kind, request->address, request->length)
                                      : target_.remove_breakpoint(kind, request->address, request->length);
    if (result == BreakResult::Unsupported) return {kUnsupported};
    if (result == BreakResult::Failed) return {kRefused};
    const auto same = [&](const BreakpointRequest& b) {
        return b.type == request->type && b.address == request->address && b.length == request->length;
    };
    const auto found = std::find_if(inserted_.begin(), inserted_.end(), same);
    if (insert && found == inserted_.end()) inserted_.push_back(*request);
    if (!insert && found != inserted_.end()) inserted_.erase(found);
    return {kOk};
}

void GdbStub::remove_inserted_breakpoints() {
    for (const BreakpointRequest& b : inserted_) target_.remove_breakpoint(BreakKind(b.type), b.address, b.length);
    inserted_.clear();
}

std::string GdbStub::resume(ResumeMode mode, std::optional<uint32_t> address) {
    if (exited_) return last_stop_;  // nothing left to run
    if (address && !target_.write_register(Reg::Eip, *address)) return kRefused;
    const StopReason stop = target_.resume(mode, [this] { return connection_.interrupt_requested(); });
    exited_ = stop.kind == StopKind::Exited;
    last_stop_ = stop_reply(stop);
    return last_stop_;
}

std::string GdbStub::stop_reply(const StopReason& stop) const {
    if (stop.kind == StopKind::Exited) {
        std::string text = "W";
        append_hex_byte(text, stop.exit_status);
        return text;
    }
    std::string text;
    switch (stop.kind) {
    case StopKind::Interrupted:
        text = stop_signal(kSigInt);
        break;
    case StopKind::TripleFault:
        text = stop_signal(kSigSegv);
        break;
    default:
        text = stop_signal(kSigTrap);
        break;
    }
    if (stop.kind == StopKind::SoftwareBreakpoint && gdb_knows_swbreak_) text += "swbreak:;";
    if (stop.kind == StopKind::HardwareBreakpoint && gdb_knows_hwbreak_) text += "hwbreak:;";
    if (stop.kind == StopKind::Watchpoint) {
        text += stop.watch == BreakKind::ReadWatch     ? "rwatch:"
                : stop.watch == BreakKind::AccessWatch ? "awatch:"
                                                       : "watch:";
        char address[16];
        std::snprintf(address, sizeof address, "%x;", stop.data_address);
        text += address;
    }
    text += "thread:" + kThread + ";";
    return text;
}

}  // namespace amber::gdb
