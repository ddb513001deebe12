// amber trace record | check | diff: boot traces for regression testing.
//   record  runs a machine (the `amber run` options) and writes its trace
//   check   runs the recorded machine again, with the recorded input, and
//           reports the first event that differs
//   diff    compares two trace files
//   dump    lists a trace's header and events
// A PC's trace holds every image (firmware, disks, CD, floppies) with its
// role and SHA-256; record and check run the disks as snapshots so the files
// stay as hashed. A script runs while recording only: the input it gave
// (keyboard, serial, debug console) is in the trace and check replays it at
// the recorded ticks, so a check needs neither the script nor its timing.
#include <deque>
#include <fstream>
#include <iterator>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "cpu/disasm.hpp"
#include "frontend/commands.hpp"
#include "devices/floppy82077.hpp"
#include "devices/ide_channel.hpp"
#include "devices/ide_controller.hpp"
#include "devices/ps2_keyboard.hpp"
#include "frontend/machine_setup.hpp"
#include "frontend/session.hpp"
#include "machine/sha256.hpp"
#include "machine/trace_check.hpp"
#include "roms/embedded.hpp"

namespace amber::cli {

namespace po = boost::program_options;

namespace {

constexpr int kExitDiverged = 1;
const char* const kEmbeddedRomName = "(embedded monitor guest)";
const std::string kVersion = "amber 0.4";

std::vector<uint8_t> read_file(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("cannot read {} '{}'", what, path));
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
    // Written beside the target and renamed, so an interrupted write never
    // leaves a damaged trace under the requested name.
    const std::string tmp = path + ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error(fmt::format("cannot write trace file '{}'", path));
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!out) throw std::runtime_error(fmt::format("cannot write trace file '{}'", path));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw std::runtime_error(fmt::format("cannot write trace file '{}'", path));
}

// ---- the machine configuration as the header records it ----

// Record and check always run a PC's disks as snapshots: the guest's writes
// stay in memory, so the image files (whose hashes the header holds) are
// the same for every later check.
std::string describe_config(const MachineOptions& o) {
    std::string s;
    const bool pc = o.kind == MachineKind::Pc;
    s += fmt::format("kind={}\n", pc ? "pc" : "bare");
    s += fmt::format("cpu={}\n", traits_of(o.cpu).name);
    if (pc) {
        s += fmt::format("mem_mib={}\n", o.mem_mib);
        s += fmt::format("boot_order={}\n", o.boot_order);
        if (o.boot_menu) s += "boot_menu=1\n";
        s += fmt::format("rtc_start={}\n", o.rtc_start);
        s += "snapshot=1\n";
        if (o.kernel) s += fmt::format("append={}\n", o.append);
    } else {
        s += fmt::format("ram_kib={}\n", o.ram_kib);
        s += fmt::format("ext_mib={}\n", o.ext_mib);
    }
    s += fmt::format("no_reboot={}\n", o.no_reboot ? 1 : 0);
    if (o.max_ticks) s += fmt::format("max_ticks={}\n", *o.max_ticks);
    // A script's tap stands in for the terminal: the port is connected.
    const bool serial = o.serial.kind != BackendSpec::Kind::None || !o.script.empty();
    s += fmt::format("serial_connected={}\n", serial ? 1 : 0);
    if (pc) s += fmt::format("biosdebug_connected={}\n", o.port_402.kind != BackendSpec::Kind::None ? 1 : 0);
    // Informational: a script's input is in the events, and check replays it.
    s += fmt::format("script={}\n", o.script.empty() ? 0 : 1);
    return s;
}

std::optional<std::string> config_find(const std::string& config, const std::string& key) {
    const std::string prefix = key + "=";
    size_t at = 0;
    while (at < config.size()) {
        size_t end = config.find('\n', at);
        if (end == std::string::npos) end = config.size();
        if (config.compare(at, prefix.size(), prefix) == 0) return config.substr(at + prefix.size(), end - at - prefix.size());
        at = end + 1;
    }
    return std::nullopt;
}

std::string config_value(const std::string& config, const std::string& key) {
    if (auto v = config_find(config, key)) return *v;
    throw std::runtime_error(fmt::format("trace header lacks '{}'", key));
}

uint64_t config_number(const std::string& config, const std::string& key) {
    const std::string v = config_value(config, key);
    try {
        size_t used = 0;
        const uint64_t n = std::stoull(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
        return n;
    } catch (const std::exception&) {
        throw std::runtime_error(fmt::format("trace header has a bad '{}': '{}'", key, v));
    }
}

// SHA-256 of a file read in pieces, so a large disk image never sits in
// memory whole.
TraceImage hash_file(const std::string& role, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("cannot read {} image '{}'", role, path));
    Sha256 sha;
    std::vector<char> buf(1 << 20);
    TraceImage im;
    im.role = role;
    im.name = path;
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto n = static_cast<size_t>(in.gcount());
        sha.update({reinterpret_cast<const uint8_t*>(buf.data()), n});
        im.size += n;
    }
    if (in.bad()) throw std::runtime_error(fmt::format("cannot read {} image '{}'", role, path));
    im.sha256 = sha.finish();
    return im;
}

TraceImage rom_image(const MachineOptions& o) {
    if (o.rom_path) return hash_file("rom", *o.rom_path);
    TraceImage im;
    im.role = "rom";
    im.name = kEmbeddedRomName;
    im.sha256 = Sha256::of(roms::monitor_guest());
    im.size = roms::monitor_guest().size();
    return im;
}

const char* const kDiskRoles[4] = {"hda", "hdb", "hdc", "hdd"};
const char* const kFloppyRoles[2] = {"fda", "fdb"};

// Every file the machine is built from, with its role.
std::vector<TraceImage> machine_images(const MachineOptions& o) {
    if (o.kind != MachineKind::Pc) return {rom_image(o)};
    std::vector<TraceImage> out;
    if (o.rom_path || !o.kernel) out.push_back(hash_file("bios", o.rom_path.value_or(kDefaultBios)));
    if (!o.vga_bios.empty()) out.push_back(hash_file("vga-bios", o.vga_bios));
    for (unsigned i = 0; i < 4; ++i)
        if (o.hd[i]) out.push_back(hash_file(kDiskRoles[i], *o.hd[i]));
    if (o.cdrom) out.push_back(hash_file("cdrom", *o.cdrom));
    if (o.kernel) out.push_back(hash_file("kernel", *o.kernel));
    if (o.initrd) out.push_back(hash_file("initrd", *o.initrd));
    for (unsigned i = 0; i < 2; ++i)
        if (o.fd[i]) out.push_back(hash_file(kFloppyRoles[i], *o.fd[i]));
    return out;
}

void require_unchanged(const TraceImage& recorded, const TraceImage& now) {
    if (now.sha256 != recorded.sha256)
        throw std::runtime_error(fmt::format("image {} '{}' has changed since the trace was recorded (sha256 {} "
                                             "now, {} recorded)",
                                             recorded.role, recorded.name, Sha256::hex(now.sha256),
                                             Sha256::hex(recorded.sha256)));
}

// Points the options' image of `role` at `path`; false for an unknown role.
bool set_image(MachineOptions& o, const std::string& role, const std::string& path) {
    if (role == "bios") o.rom_path = path;
    else if (role == "vga-bios") o.vga_bios = path;
    else if (role == "cdrom") o.cdrom = path;
    else if (role == "kernel") o.kernel = path;
    else if (role == "initrd") o.initrd = path;
    else {
        for (unsigned i = 0; i < 4; ++i)
            if (role == kDiskRoles[i]) return o.hd[i] = path, true;
        for (unsigned i = 0; i < 2; ++i)
            if (role == kFloppyRoles[i]) return o.fd[i] = path, true;
        return false;
    }
    return true;
}

// The options that rebuild the recorded machine; the images must be the
// ones recorded, byte for byte.
MachineOptions options_from(const Trace& t) {
    const std::string& c = t.header.config;
    MachineOptions o;
    const std::string kind = config_find(c, "kind").value_or("bare");
    if (kind != "bare" && kind != "pc") throw std::runtime_error(fmt::format("trace header names an unknown machine '{}'", kind));
    o.kind = kind == "pc" ? MachineKind::Pc : MachineKind::Bare;
    const std::string cpu = config_value(c, "cpu");
    auto model = parse_cpu_model(cpu);
    if (!model) throw std::runtime_error(fmt::format("trace header names an unknown CPU '{}'", cpu));
    o.cpu = *model;
    o.no_reboot = config_number(c, "no_reboot") != 0;
    if (config_find(c, "max_ticks")) o.max_ticks = config_number(c, "max_ticks");
    o.serial.kind = BackendSpec::Kind::None;  // replayed, never the terminal
    o.debugcon.kind = BackendSpec::Kind::None;
    if (o.kind == MachineKind::Bare) {
        o.ram_kib = static_cast<unsigned>(config_number(c, "ram_kib"));
        o.ext_mib = static_cast<unsigned>(config_number(c, "ext_mib"));
        for (const TraceImage& im : t.header.images) {
            if (im.role != "rom") continue;
            if (im.name != kEmbeddedRomName) o.rom_path = im.name;
            require_unchanged(im, rom_image(o));
        }
        return o;
    }
    const uint64_t mem = config_number(c, "mem_mib");
    if (mem < 2 || mem > 3072) throw std::runtime_error(fmt::format("trace header has a bad 'mem_mib': {}", mem));
    o.mem_mib = static_cast<unsigned>(mem);
    o.boot_order = config_value(c, "boot_order");
    o.boot_menu = config_find(c, "boot_menu").has_value();
    if (o.boot_order.empty() || o.boot_order.size() > 3 || o.boot_order.find_first_not_of("acd") != std::string::npos)
        throw std::runtime_error(fmt::format("trace header has a bad 'boot_order': '{}'", o.boot_order));
    o.rtc_start = config_number(c, "rtc_start");
    if (auto append = config_find(c, "append")) o.append = *append;
    o.snapshot = true;
    o.display = false;
    o.vga_bios.clear();  // only when the recording had one
    // Connected only so that build_machine asks the trace hook for a backend.
    if (config_number(c, "biosdebug_connected")) o.port_402.kind = BackendSpec::Kind::Stdio;
    for (const TraceImage& im : t.header.images) {
        if (!set_image(o, im.role, im.name))
            throw std::runtime_error(fmt::format("trace header names an unknown image role '{}'", im.role));
        require_unchanged(im, hash_file(im.role, im.name));
    }
    return o;
}

// Disk requests and keyboard input of a PC reach the recorder through the
// devices' observers.
void observe_pc(const Pc& pc, TraceRecorder& rec) {
    if (pc.ide)
        for (unsigned ch = 0; ch < 2; ++ch)
            for (unsigned slot = 0; slot < 2; ++slot)
                if (IdeDevice* d = pc.ide->channel(ch).device(slot))
                    d->set_observer(rec.disk_observer(), static_cast<uint8_t>(ch * 2 + slot));
    if (pc.fdc) pc.fdc->set_observer(rec.disk_observer());
    if (pc.keyboard) pc.keyboard->set_host_observer(rec.keyboard_observer());
}

// ---- sinks ----

class WritingSink final : public TraceSink {
public:
    explicit WritingSink(const TraceHeader& h) : writer_(h) {}
    void add(const TraceEvent& e) override { writer_.add(e); }
    const std::vector<uint8_t>& bytes() const { return writer_.bytes(); }

private:
    TraceWriter writer_;
};

// ---- the instruction log: a window of instructions, disassembled, each
// with the registers it changed ----

struct Window {
    uint64_t first = 0, count = 0;
};

Window parse_window(const std::string& text) {
    const size_t colon = text.find(':');
    try {
        if (colon == std::string::npos) throw std::invalid_argument(text);
        return {std::stoull(text.substr(0, colon)), std::stoull(text.substr(colon + 1))};
    } catch (const std::exception&) {
        throw UsageError(fmt::format("--insn-window must be FIRST_TICK:COUNT (got '{}')", text));
    }
}

// Installs the CPU's instruction hook from a scheduler event at the window's
// first tick, so the run before it keeps the fast loop.
class InstructionLog {
public:
    InstructionLog(Machine& m, const std::string& path, Window w) : m_(m), w_(w), out_(path) {
        if (!out_) throw std::runtime_error(fmt::format("cannot write instruction log '{}'", path));
        start_ = m_.scheduler().add_event("instruction log", [this](uint64_t) { begin(); }, Scheduler::Wakes::Nothing);
        m_.scheduler().schedule(start_, std::max(w_.first, m_.cpu().ticks));
    }
    ~InstructionLog() {
        m_.scheduler().cancel(start_);
        m_.cpu().set_insn_hook(nullptr);
    }

private:
    struct Regs {
        uint32_t r[8], eflags;
        uint16_t sel[6];
    };
    static Regs snapshot(const Cpu& c) {
        Regs s{};
        for (unsigned i = 0; i < 8; ++i) s.r[i] = c.r[i];
        s.eflags = c.flags.get();
        for (unsigned i = 0; i < 6; ++i) s.sel[i] = c.seg[i].selector;
        return s;
    }
    void begin() {
        last_ = snapshot(m_.cpu());
        m_.cpu().set_insn_hook([this](Cpu& c) { step(c); });
    }
    // Called before each instruction: reports what the previous one changed,
    // then names this one.
    void step(Cpu& c) {
        static const char* const kRegs[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
        static const char* const kSegs[6] = {"es", "cs", "ss", "ds", "fs", "gs"};
        const Regs now = snapshot(c);
        std::string changes;
        for (unsigned i = 0; i < 8; ++i)
            if (now.r[i] != last_.r[i]) changes += fmt::format(" {}={:08X}", kRegs[i], now.r[i]);
        if (now.eflags != last_.eflags) changes += fmt::format(" eflags={:08X}", now.eflags);
        for (unsigned i = 0; i < 6; ++i)
            if (now.sel[i] != last_.sel[i]) changes += fmt::format(" {}={:04X}", kSegs[i], now.sel[i]);
        if (logged_ && !changes.empty()) out_ << "           ->" << changes << "\n";
        last_ = now;
        if (logged_ == w_.count) {
            c.set_insn_hook(nullptr);  // the window is over: back to the fast loop
            return;
        }
        uint8_t bytes[15] = {};
        for (unsigned k = 0; k < 15; ++k) {
            const auto phys = c.translate(c.seg[CS].base + c.eip + k);
            bytes[k] = phys ? c.memory().read8(*phys) : 0;
        }
        const auto line = dis_.one(bytes, c.eip, c.code32());
        out_ << fmt::format("{:>10} {:04X}:{:0{}X}  {}\n", c.ticks, c.seg[CS].selector, c.eip, c.code32() ? 8 : 4,
                            line.text);
        ++logged_;
    }

    Machine& m_;
    Window w_;
    std::ofstream out_;
    Disassembler dis_;
    Scheduler::EventId start_ = 0;
    Regs last_{};
    uint64_t logged_ = 0;
};

// ---- record ----

int trace_record(const Args& args) {
    po::options_description d("options for 'amber trace record'");
    d.add_options()("help,h", "show this help")("output,o", po::value<std::string>(), "trace file to write")(
        "checkpoint-log2", po::value<unsigned>()->default_value(22), "a checkpoint every 2^N instructions (10..40)")(
        "insn-log", po::value<std::string>(), "also write an instruction log (disassembly and register changes) to FILE")(
        "insn-window", po::value<std::string>()->default_value("0:10000"),
        "the instructions --insn-log covers: FIRST_TICK:COUNT")(
        "verify-dirty-log", po::bool_switch(),
        "for testing Amber: hash all RAM at every checkpoint and fail if a page changed that the dirty log missed");
    add_machine_options(d, "none");
    po::variables_map vm;
    po::store(po::command_line_parser(accept_single_dash(args, d)).options(d).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        fmt::print("usage: amber trace record -o FILE [machine options]\n\n"
                   "A PC's disks run as snapshots (as with -snapshot) during record and check: the\n"
                   "image files are never written, so a recording can be checked again and again.\n"
                   "An automation script runs while recording; check replays the input it gave\n"
                   "(keyboard, serial) at the recorded ticks and does not need the script.\n\n{}\n",
                   fmt::streamed(d));
        return 0;
    }
    if (!vm.count("output")) throw UsageError("trace record needs -o FILE");
    const unsigned log2 = vm["checkpoint-log2"].as<unsigned>();
    if (log2 < 10 || log2 > 40) throw UsageError("--checkpoint-log2 must be 10..40");
    MachineOptions o = parse_machine_options(vm);
    o.snapshot = true;   // the images must stay as hashed
    o.display = false;   // no live screen: the trace is the output

    TraceHeader h;
    h.amber_version = kVersion;
    h.checkpoint_log2 = static_cast<uint8_t>(log2);
    h.images = machine_images(o);
    h.config = describe_config(o);
    WritingSink sink(h);

    std::unique_ptr<Machine> machine;
    std::unique_ptr<TraceRecorder> rec;
    MachineHooks hooks;
    hooks.before_devices = [&](Machine& m) { rec = std::make_unique<TraceRecorder>(m, sink, log2); };
    hooks.backend = [&](std::unique_ptr<CharBackend> inner, uint8_t channel) {
        return rec->record_backend(std::move(inner), channel);
    };
    MachineExtras extras;
    machine = build_machine(o, SerialStdin::Guest, hooks, &extras);
    rec->verify_dirty_log(vm["verify-dirty-log"].as<bool>());
    observe_pc(extras.pc, *rec);
    std::unique_ptr<InstructionLog> log;
    if (vm.count("insn-log"))
        log = std::make_unique<InstructionLog>(*machine, vm["insn-log"].as<std::string>(),
                                               parse_window(vm["insn-window"].as<std::string>()));
    Session session;
    session.automation = make_automation(o, *machine, extras);
    const RunResult r = run_session(*machine, o.max_ticks.value_or(Scheduler::kNever), session);
    log.reset();
    rec->finish(r);
    rec.reset();
    machine.reset();
    write_file(vm["output"].as<std::string>(), sink.bytes());
    // The trace is written either way; a failed script (a wait that timed
    // out, a `stop 3`) still fails the command, as in `amber run`.
    if (r.reason == StopReason::ScriptEnded && r.exit_code != 0) {
        fmt::print(stderr, "amber trace record: the script ended with status {}: {}\n", r.exit_code, r.message);
        return r.exit_code;
    }
    return 0;
}

// ---- check ----

struct CheckOutcome {
    std::optional<TraceComparer::Divergence> divergence;
    bool complete = false;
    uint64_t ticks = 0;
    uint16_t cs = 0;
    uint32_t eip = 0;
    std::vector<std::string> recent;  // the last instructions, when asked for
};

// Re-runs the recorded machine (options_from(t)); with `recent`, keeps the last instructions
// executed (slower: every instruction is observed).
CheckOutcome replay(const Trace& t, const MachineOptions& o, unsigned recent) {
    const bool serial_connected = config_number(t.header.config, "serial_connected") != 0;
    const TraceEvent& recorded_end = t.events.back();
    CheckOutcome out;
    std::unique_ptr<Machine> machine;
    std::unique_ptr<TraceComparer> cmp;
    std::unique_ptr<TraceRecorder> rec;
    MachineHooks hooks;
    hooks.before_devices = [&](Machine& m) {
        cmp = std::make_unique<TraceComparer>(t, m);
        rec = std::make_unique<TraceRecorder>(m, *cmp, t.header.checkpoint_log2);
    };
    hooks.backend = [&](std::unique_ptr<CharBackend>, uint8_t channel) {
        const bool connected = channel == trace_channel::kCom1 ? serial_connected : channel == trace_channel::kBiosDebug;
        return rec->replay_backend(t, channel, connected);
    };
    MachineExtras extras;
    machine = build_machine(o, SerialStdin::Guest, hooks, &extras);
    observe_pc(extras.pc, *rec);

    struct Recent {
        uint16_t cs;
        uint32_t eip;
        bool code32;
        uint8_t bytes[15];
    };
    std::vector<Recent> ring(recent);
    uint64_t seen = 0;
    if (recent) {
        machine->cpu().set_insn_hook([&](Cpu& c) {
            Recent& r = ring[seen++ % ring.size()];
            r = {c.seg[CS].selector, c.eip, c.code32(), {}};
            for (unsigned k = 0; k < 15; ++k) {
                const auto phys = c.translate(c.seg[CS].base + c.eip + k);
                r.bytes[k] = phys ? c.memory().read8(*phys) : 0;
            }
        });
    }
    // The keyboard input a script gave is queued again at its recorded
    // ticks, between slices as the script did; the script itself is not run.
    std::deque<TraceEvent> keys;
    for (const TraceEvent& e : t.events)
        if (e.type == TraceEvent::Type::Input && e.a == trace_channel::kKeyboard) keys.push_back(e);
    Session session;
    PS2Keyboard* kbd = extras.pc.keyboard;
    if (kbd && !keys.empty())
        session.host_input = [&keys, kbd](uint64_t now) {
            while (!keys.empty() && keys.front().tick <= now) {
                kbd->queue_recorded(static_cast<uint8_t>(keys.front().c));
                keys.pop_front();
            }
            return keys.empty() ? Scheduler::kNever : keys.front().tick;
        };
    // A run its script (or the user) ended stops at the recorded tick.
    const auto end_reason = static_cast<StopReason>(recorded_end.a);
    const bool ended_from_outside = end_reason == StopReason::ScriptEnded || end_reason == StopReason::Requested;
    uint64_t limit = o.max_ticks.value_or(Scheduler::kNever);
    if (ended_from_outside) limit = recorded_end.tick - std::min(recorded_end.tick, machine->cpu().ticks);
    RunResult r = run_session(*machine, limit, session);
    if (ended_from_outside && r.reason == StopReason::TickLimit && r.ticks == recorded_end.tick)
        r = {end_reason, static_cast<int>(recorded_end.b), r.ticks, recorded_end.text};
    if (!cmp->diverged()) rec->finish(r);
    out.divergence = cmp->divergence();
    out.complete = cmp->complete();
    out.ticks = machine->cpu().ticks;
    out.cs = machine->cpu().seg[CS].selector;
    out.eip = machine->cpu().eip;
    if (recent) {
        Disassembler dis;
        for (uint64_t k = seen > ring.size() ? seen - ring.size() : 0; k < seen; ++k) {
            const Recent& x = ring[k % ring.size()];
            const auto line = dis.one(x.bytes, x.eip, x.code32);
            out.recent.push_back(fmt::format("{:04X}:{:0{}X}  {}", x.cs, x.eip, x.code32 ? 8 : 4, line.text));
        }
    }
    rec.reset();
    machine.reset();
    return out;
}

int trace_check(const Args& args) {
    po::options_description d("options for 'amber trace check'");
    d.add_options()("help,h", "show this help")("trace", po::value<std::string>(), "the trace file")(
        "recent", po::value<unsigned>()->default_value(16), "instructions to show before a divergence");
    po::positional_options_description pos;
    pos.add("trace", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(d).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help") || !vm.count("trace")) {
        fmt::print("usage: amber trace check FILE\n\n{}\n", fmt::streamed(d));
        return vm.count("help") ? 0 : 2;
    }
    const std::string path = vm["trace"].as<std::string>();
    const Trace t = parse_trace(read_file(path, "trace file"));
    const MachineOptions o = options_from(t);  // hashes the images once
    CheckOutcome first = replay(t, o, 0);
    if (first.complete) {
        fmt::print("trace check: {} events match ({} ticks)\n", t.events.size(), first.ticks);
        return 0;
    }
    // Run again, watching the last instructions, up to the same point.
    const CheckOutcome again = replay(t, o, vm["recent"].as<unsigned>());
    fmt::print("trace check: diverged at tick {}, CS:EIP {:04X}:{:08X}\n", again.ticks, again.cs, again.eip);
    if (again.divergence) {
        const auto& dv = *again.divergence;
        fmt::print("  recorded: {}\n", dv.expected ? dv.expected->describe() : "(nothing: the recording ended)");
        fmt::print("  now:      {}\n", dv.seen.describe());
        for (const std::string& s : dv.details) fmt::print("  {}\n", s);
    } else {
        fmt::print("  the run ended before the recording did\n");
    }
    if (!again.recent.empty()) {
        fmt::print("  last instructions:\n");
        for (const std::string& s : again.recent) fmt::print("    {}\n", s);
    }
    return kExitDiverged;
}

// ---- diff ----

int trace_diff(const Args& args) {
    if (args.size() != 2) throw UsageError("usage: amber trace diff A B");
    const Trace a = parse_trace(read_file(args[0], "trace file"));
    const Trace b = parse_trace(read_file(args[1], "trace file"));
    bool differs = false;
    if (a.header.config != b.header.config) {
        fmt::print("configurations differ:\n--- {}\n{}--- {}\n{}", args[0], a.header.config, args[1], b.header.config);
        differs = true;
    }
    for (const TraceImage& x : a.header.images)
        for (const TraceImage& y : b.header.images)
            if (x.role == y.role && x.sha256 != y.sha256) {
                fmt::print("image {} differs: {} ({}) against {} ({})\n", x.role, x.name, Sha256::hex(x.sha256).substr(0, 16),
                           y.name, Sha256::hex(y.sha256).substr(0, 16));
                differs = true;
            }
    const size_t n = std::min(a.events.size(), b.events.size());
    for (size_t i = 0; i < n; ++i) {
        if (a.events[i] == b.events[i]) continue;
        fmt::print("first difference at event {}:\n  {}: {}\n  {}: {}\n", i, args[0], a.events[i].describe(), args[1],
                   b.events[i].describe());
        if (a.events[i].checkpoint && b.events[i].checkpoint)
            for (const std::string& s : checkpoint_differences(*a.events[i].checkpoint, *b.events[i].checkpoint))
                fmt::print("  {}\n", s);
        return kExitDiverged;
    }
    if (a.events.size() != b.events.size()) {
        fmt::print("one trace goes on: {} events against {}\n", a.events.size(), b.events.size());
        return kExitDiverged;
    }
    if (!differs) fmt::print("traces are identical ({} events)\n", a.events.size());
    return differs ? kExitDiverged : 0;
}

// ---- dump ----

// The header and the events, one per line; checkpoints and port summaries
// only with --all (they make up most of a trace and say little to a reader).
int trace_dump(const Args& args) {
    bool all = false;
    std::optional<std::string> path;
    for (const std::string& a : args) {
        if (a == "--all") all = true;
        else if (!path) path = a;
        else throw UsageError("usage: amber trace dump [--all] FILE");
    }
    if (!path) throw UsageError("usage: amber trace dump [--all] FILE");
    const Trace t = parse_trace(read_file(*path, "trace file"));
    fmt::print("version: {}\ncheckpoint every 2^{} ticks\n{}", t.header.amber_version, t.header.checkpoint_log2,
               t.header.config);
    for (const TraceImage& im : t.header.images)
        fmt::print("image {} '{}' {} bytes sha256 {}\n", im.role, im.name, im.size, Sha256::hex(im.sha256));
    for (const TraceEvent& e : t.events) {
        const bool bulky = e.type == TraceEvent::Type::Checkpoint || e.type == TraceEvent::Type::IoSummary;
        if (all || !bulky) fmt::print("{}\n", e.describe());
    }
    return 0;
}

}  // namespace

int cmd_trace(const Args& args) {
    if (args.empty()) throw UsageError("usage: amber trace record|check|diff|dump ...");
    const Args rest(args.begin() + 1, args.end());
    if (args[0] == "record") return trace_record(rest);
    if (args[0] == "check") return trace_check(rest);
    if (args[0] == "diff") return trace_diff(rest);
    if (args[0] == "dump") return trace_dump(rest);
    throw UsageError(fmt::format("unknown trace command '{}' (record, check, diff or dump)", args[0]));
}

}  // namespace amber::cli
