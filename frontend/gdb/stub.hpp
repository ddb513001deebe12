// The GDB stub: answers the requests of one gdb connection by driving a
// GdbTarget. All-stop mode, one thread (id 1), i386 registers as
// target_description.cpp describes them (with SSE when the target has it).
//
// Replies: "OK"; "" for anything we do not know (gdb then knows it is
// unsupported); and these errors, whose numbers gdb does not interpret:
//   E01  the request is malformed (bad hex, missing fields, wrong length)
//   E02  the target refused (register not writable, breakpoint not placed)
//   E03  the memory cannot be read or written
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/gdb/channel.hpp"
#include "frontend/gdb/connection.hpp"
#include "frontend/gdb/requests.hpp"
#include "frontend/gdb/target.hpp"

namespace amber::gdb {

enum class SessionEnd {
    Detached,      // gdb sent 'D': target.detach() was called
    Killed,        // gdb sent 'k': target.kill() was called
    Disconnected,  // the connection closed or broke: target.detach() was called
};

class GdbStub {
public:
    GdbStub(GdbTarget& target, ByteChannel& channel) : target_(target), connection_(channel) {}

    // Serves requests until the session ends. The guest is taken to be
    // stopped when gdb connects (as after -S, or stopped by the caller).
    // Breakpoints this session inserted are removed before it returns.
    SessionEnd serve();

private:
    struct Reply {
        std::string text;
        bool send = true;        // false: the request takes no reply ('k')
        bool stop_acks = false;  // after sending: no-ack mode from now on
    };

    Reply handle(std::string_view packet);
    Reply handle_query(std::string_view packet);
    Reply handle_v(std::string_view packet);

    unsigned register_count();  // 'p'/'P' numbers below it exist
    std::string read_all_registers();
    std::string write_all_registers(std::string_view hex);
    std::string read_one_register(std::string_view args);
    std::string write_one_register(std::string_view args);
    std::string read_memory(std::string_view args);
    std::string write_memory(std::string_view args, bool binary);
    Reply change_breakpoint(std::string_view args, bool insert);
    std::string resume(ResumeMode mode, std::optional<uint32_t> address);
    std::string supported_features(std::string_view gdb_features);
    std::string read_target_description(std::string_view args);

    std::string stop_reply(const StopReason& stop) const;
    void remove_inserted_breakpoints();

    GdbTarget& target_;
    RspConnection connection_;
    std::string last_stop_;          // the answer to '?'; set in serve()
    bool exited_ = false;            // the guest ended; only '?', 'D' and 'k' make sense now
    bool gdb_knows_swbreak_ = false;  // it asked for the swbreak/hwbreak stop reasons
    bool gdb_knows_hwbreak_ = false;
    std::vector<BreakpointRequest> inserted_;
    std::optional<SessionEnd> end_;
};

}  // namespace amber::gdb
