#include "frontend/monitor/monitor.hpp"

#include <array>
#include <exception>

namespace amber::monitor {

namespace {

struct CommandSpec {
    std::string_view name;
    std::string_view alias;  // the short form, or empty
    std::string_view usage;
    std::string_view help;
    void (*run)(Context&, Words);
};

void cmd_help(Context& ctx, Words w);
void cmd_quit(Context& ctx, Words w) {
    require_words(w, 0, 0, "quit");
    ctx.quit = true;
}
void cmd_resume(Context& ctx, Words w) {
    require_words(w, 0, 0, "resume");
    ctx.quit = true;
    ctx.resume = true;
}

constexpr std::array kCommands = {
    CommandSpec{"continue", "c", "continue", "run until a breakpoint, watchpoint or catch, or until the machine stops",
                cmd_continue},
    CommandSpec{"step", "s", "step [N]", "execute N instructions (1 by default; each REP iteration counts as one)", cmd_step},
    CommandSpec{"next", "n", "next", "execute one instruction; a CALL or INT runs until it returns", cmd_next},
    CommandSpec{"until", "", "until ADDR | until tick N", "run until execution reaches ADDR, or until tick N",
                cmd_until},
    CommandSpec{"break", "b", "break SEG:OFF | lin ADDR | phys ADDR",
                "stop before the instruction at CS:EIP = SEG:OFF, or at a linear or physical address", cmd_break},
    CommandSpec{"watch", "", "watch [r|w|rw] [phys] ADDR [LEN]",
                "stop after a write (or read, or either) to LEN bytes at ADDR, linear or physical",
                cmd_watch},
    CommandSpec{"catch", "", "catch int N|all | catch io PORT[-PORT] | catch mode",
                "stop at an interrupt or exception, a port access, or a switch of CR0.PE, CR0.PG or EFLAGS.VM",
                cmd_catch},
    CommandSpec{"delete", "d", "delete ID|all", "remove a breakpoint, watchpoint or catch by its id", cmd_delete},
    CommandSpec{"info", "", "info break", "list breakpoints, watchpoints and catches with their hits", cmd_info},
    CommandSpec{"regs", "r", "regs", "general registers, EIP, EFLAGS, the mode and the tick", cmd_regs},
    CommandSpec{"sregs", "", "sregs", "segment registers with their descriptor caches, LDTR and TR", cmd_sregs},
    CommandSpec{"cregs", "", "cregs", "control and debug registers, GDTR, IDTR, LDTR and TR", cmd_cregs},
    CommandSpec{"fpu", "", "fpu", "the FPU registers", cmd_fpu},
    CommandSpec{"sse", "xmm", "sse", "the SSE registers: XMM0-XMM7 (as dwords and as doubles) and MXCSR", cmd_sse},
    CommandSpec{"gdt", "", "gdt [SELECTOR]", "the GDT's descriptors, or the one a selector names", cmd_gdt},
    CommandSpec{"ldt", "", "ldt [SELECTOR]", "the current LDT's descriptors, or one of them", cmd_ldt},
    CommandSpec{"idt", "", "idt [VECTOR]", "the IDT's gates (the vector table in real mode), or one of them",
                cmd_idt},
    CommandSpec{"walk", "", "walk ADDR", "the page-table walk of a linear address", cmd_walk},
    CommandSpec{"x", "", "x ADDR [N]", "dump N bytes (128 by default) at a linear address or SEG:OFF", cmd_examine},
    CommandSpec{"xp", "", "xp ADDR [N]", "dump N bytes (128 by default) at a physical address", cmd_examine_physical},
    CommandSpec{"u", "", "u [ADDR] [N]", "disassemble N instructions (10 by default) at ADDR (CS:EIP by default)",
                cmd_disassemble},
    CommandSpec{"u16", "", "u16 [ADDR] [N]", "the same, as 16-bit code", cmd_disassemble16},
    CommandSpec{"u32", "", "u32 [ADDR] [N]", "the same, as 32-bit code", cmd_disassemble32},
    CommandSpec{"bt", "", "bt", "the call chain, following saved EBP values up the stack", cmd_backtrace},
    CommandSpec{"help", "", "help [COMMAND]", "list the commands, or explain one", cmd_help},
    CommandSpec{"quit", "q", "quit", "leave the monitor (and Amber)", cmd_quit},
    CommandSpec{"resume", "", "resume",
                "leave the monitor and let the guest run on without it (entered with C-a c from 'amber run')",
                cmd_resume},
};

const CommandSpec* find_command(std::string_view name) {
    for (const CommandSpec& c : kCommands)
        if (name == c.name || (!c.alias.empty() && name == c.alias)) return &c;
    return nullptr;
}

std::string names_of(const CommandSpec& c) {
    return c.alias.empty() ? std::string(c.name) : fmt::format("{}, {}", c.alias, c.name);
}

void cmd_help(Context& ctx, Words w) {
    require_words(w, 0, 1, "help [COMMAND]");
    if (w.size() == 1) {
        const CommandSpec* c = find_command(w[0]);
        if (!c) throw CommandError(fmt::format("no command '{}'", w[0]));
        ctx.print("{}: {}\n  usage: {}\n", names_of(*c), c->help, c->usage);
        return;
    }
    constexpr size_t kColumn = 34;
    for (const CommandSpec& c : kCommands) {
        if (c.usage.size() < kColumn) ctx.print("  {:<{}} {}\n", c.usage, kColumn, c.help);
        else ctx.print("  {}\n  {:<{}} {}\n", c.usage, "", kColumn, c.help);
    }
    ctx.print("Short forms: c s n b d r q. Numbers are hex (0x optional), #N is decimal.\n"
              "ADDR is a value or SEG:OFF (SEG: a number or es/cs/ss/ds/fs/gs); a register\n"
              "name stands for its value (x ss:esp, walk cr2). Breakpoint ids are decimal.\n");
}

}  // namespace

Monitor::Monitor(Debugger& dbg, uint64_t tick_limit) : ctx_{dbg, dis_, tick_limit, {}, false} {}

std::string Monitor::execute(std::string_view line) {
    ctx_.out.clear();
    const std::vector<std::string> words = split_words(line);
    if (words.empty() || words[0].starts_with('#')) return {};
    try {
        const CommandSpec* c = find_command(words[0]);
        if (!c) throw CommandError(fmt::format("unknown command '{}' (try 'help')", words[0]));
        c->run(ctx_, Words(words).subspan(1));
    } catch (const CommandError& e) {
        ++errors_;
        ctx_.out += fmt::format("error: {}\n", e.what());
    } catch (const std::exception& e) {  // a bug, not a typo: still one line, and the session goes on
        ++errors_;
        ctx_.out += fmt::format("error: internal: {}\n", e.what());
    }
    return std::move(ctx_.out);
}

std::string Monitor::where() { return current_instruction(ctx_) + "\n"; }

}  // namespace amber::monitor
