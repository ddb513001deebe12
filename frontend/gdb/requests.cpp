#include "frontend/gdb/requests.hpp"

#include "frontend/gdb/hex.hpp"

namespace amber::gdb {

namespace {

// Splits `text` at the first `sep`: the part before, and the rest after.
// Nothing if `sep` is absent.
std::optional<std::pair<std::string_view, std::string_view>> split(std::string_view text, char sep) {
    const size_t at = text.find(sep);
    if (at == std::string_view::npos) return std::nullopt;
    return std::pair{text.substr(0, at), text.substr(at + 1)};
}

}  // namespace

std::optional<MemoryRange> parse_memory_range(std::string_view args) {
    auto parts = split(args, ',');
    if (!parts) return std::nullopt;
    auto address = parse_hex_u32(parts->first);
    auto length = parse_hex_u32(parts->second);
    if (!address || !length) return std::nullopt;
    return MemoryRange{*address, *length};
}

std::optional<MemoryWrite> parse_memory_write(std::string_view args) {
    auto parts = split(args, ':');
    if (!parts) return std::nullopt;
    auto range = parse_memory_range(parts->first);
    if (!range) return std::nullopt;
    return MemoryWrite{*range, parts->second};
}

std::optional<BreakpointRequest> parse_breakpoint(std::string_view args) {
    // Conditions and commands after ';' are for targets that evaluate them;
    // we do not offer that (qSupported), so gdb does not send them.
    args = args.substr(0, args.find(';'));
    auto type_rest = split(args, ',');
    if (!type_rest) return std::nullopt;
    auto address_kind = split(type_rest->second, ',');
    if (!address_kind) return std::nullopt;
    auto type = parse_hex_u32(type_rest->first);
    auto address = parse_hex_u32(address_kind->first);
    auto length = parse_hex_u32(address_kind->second);
    if (!type || !address || !length) return std::nullopt;
    return BreakpointRequest{*type, *address, *length};
}

std::optional<ResumeRequest> parse_resume(char command, std::string_view args) {
    ResumeRequest request;
    request.mode = (command == 's' || command == 'S') ? ResumeMode::Step : ResumeMode::Continue;
    if (command == 'C' || command == 'S') {
        auto signal_rest = split(args, ';');
        const std::string_view signal = signal_rest ? signal_rest->first : args;
        if (!parse_hex_number(signal)) return std::nullopt;
        args = signal_rest ? signal_rest->second : std::string_view{};
        if (signal_rest && args.empty()) return std::nullopt;  // "C05;" without an address
    }
    if (!args.empty()) {
        auto address = parse_hex_u32(args);
        if (!address) return std::nullopt;
        request.address = *address;
    }
    return request;
}

std::optional<ResumeMode> parse_vcont(std::string_view args) {
    if (!args.starts_with(';')) return std::nullopt;
    args.remove_prefix(1);
    while (!args.empty()) {
        auto next = split(args, ';');
        std::string_view action = next ? next->first : args;
        args = next ? next->second : std::string_view{};

        auto with_thread = split(action, ':');
        if (with_thread) {
            if (!names_our_thread(with_thread->second)) continue;
            action = with_thread->first;
        }
        if (action.empty()) return std::nullopt;
        const char verb = action[0];
        const std::string_view signal = action.substr(1);
        if ((verb == 'c' || verb == 's') && signal.empty())
            return verb == 's' ? ResumeMode::Step : ResumeMode::Continue;
        if ((verb == 'C' || verb == 'S') && parse_hex_number(signal))
            return verb == 'S' ? ResumeMode::Step : ResumeMode::Continue;
        return std::nullopt;  // 't', 'r' (not offered) or malformed
    }
    return std::nullopt;
}

std::optional<XferRead> parse_xfer_read(std::string_view args) {
    auto object_rest = split(args, ':');
    if (!object_rest) return std::nullopt;
    auto verb_rest = split(object_rest->second, ':');
    if (!verb_rest || verb_rest->first != "read") return std::nullopt;
    auto annex_range = split(verb_rest->second, ':');
    if (!annex_range) return std::nullopt;
    auto range = parse_memory_range(annex_range->second);
    if (!range) return std::nullopt;
    return XferRead{object_rest->first, annex_range->first, range->address, range->length};
}

bool names_our_thread(std::string_view id) {
    if (id == "-1") return true;
    auto n = parse_hex_number(id);
    return n && (*n == 0 || *n == kThreadId);
}

}  // namespace amber::gdb
