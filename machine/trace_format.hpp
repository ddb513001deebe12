// Boot traces: what a run did, stamped with the instruction count, in a
// compact byte-order independent file. A trace holds a header (Amber's
// version, the machine configuration, the SHA-256 of every image) and a
// stream of events: output bytes, input as the guest received it, interrupts
// and exceptions, mode switches, POST codes, port I/O summaries, periodic
// checkpoints of the whole state (registers, RAM page hashes, device hashes)
// and the end of the run.
//
// File layout: "AMBRTRC" + format version byte, then the header and the
// events. Integers are little-endian; counts and tick deltas are LEB128.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace amber {

struct TraceImage {
    std::string role;  // "rom" (bare); PC: "bios", "vga-bios", "hda".."hdd", "cdrom", "fda", "fdb"
    std::string name;  // the file name it was read from (informational)
    std::array<uint8_t, 32> sha256{};
    uint64_t size = 0;
};

struct TraceHeader {
    std::string amber_version;
    std::string config;  // the machine configuration, one "key=value" per line
    std::vector<TraceImage> images;
    uint8_t checkpoint_log2 = 24;  // a checkpoint every 2^k ticks
};

struct TraceCheckpoint {
    uint32_t regs[8] = {};
    uint32_t eip = 0, eflags = 0, cr0 = 0, cr3 = 0;
    uint16_t selectors[6] = {};
    uint64_t ram_hash = 0;
    std::vector<uint64_t> device_hashes;  // in the machine's device order
    // RAM pages whose hash changed since the previous checkpoint.
    std::vector<std::pair<uint32_t, uint64_t>> changed_pages;
};

struct TraceIoCount {
    uint16_t port = 0;
    uint32_t reads = 0, writes = 0;
};

struct TraceEvent {
    enum class Type : uint8_t {
        Output = 1,   // a = channel, b = byte
        Input,        // a = channel, b = CharInput kind, c = byte
        Interrupt,    // a = vector, b = EventKind
        ModeSwitch,   // a = CR0, b = EFLAGS.VM
        PostCode,     // a = value written to port 0x80
        IoSummary,    // io: port accesses since the previous summary
        Checkpoint,   // checkpoint
        End,          // a = StopReason, b = exit code; text = message
        DiskRequest,  // a = unit (0..3 IDE, 4..5 floppy), b = command | 0x100 for a write, c = count; lba
    };
    Type type = Type::Output;
    uint64_t tick = 0;
    uint32_t a = 0, b = 0, c = 0;
    uint64_t lba = 0;  // DiskRequest only
    std::string text{};
    std::vector<TraceIoCount> io{};
    std::optional<TraceCheckpoint> checkpoint{};

    bool operator==(const TraceEvent&) const;
    std::string describe() const;
};

// Channels of Output/Input events.
namespace trace_channel {
constexpr uint8_t kCom1 = 0, kDebugConsole = 1;
constexpr uint8_t kBiosDebug = 2;  // a PC's port 0x402 (SeaBIOS's debug output)
constexpr uint8_t kKeyboard = 3;   // Input only: c = a PS/2 host key event (key index, bit 7 release)
}

// Writes a trace as it is produced.
class TraceWriter {
public:
    explicit TraceWriter(const TraceHeader& header);
    void add(const TraceEvent& e);
    const std::vector<uint8_t>& bytes() const { return out_; }

private:
    std::vector<uint8_t> out_;
    uint64_t last_tick_ = 0;
};

struct Trace {
    TraceHeader header;
    std::vector<TraceEvent> events;
};

// Parses a whole trace; throws std::runtime_error naming what is wrong
// (not a trace, an unsupported version, truncated at byte N, a bad record).
Trace parse_trace(const std::vector<uint8_t>& bytes);

}  // namespace amber
