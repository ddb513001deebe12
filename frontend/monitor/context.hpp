// What every monitor command works with, the helpers they share, and the
// command handlers themselves (one group of commands per commands_*.cpp).
#pragma once
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "cpu/disasm.hpp"
#include "frontend/monitor/parse.hpp"
#include "machine/debugger.hpp"

namespace amber::monitor {

// The words after the command's name.
using Words = std::span<const std::string>;

struct Context {
    Debugger& dbg;
    const Disassembler& dis;
    uint64_t tick_limit = Debugger::kForever;  // runs never pass this tick (--max-ticks)
    std::string out;                           // what the current command prints
    bool quit = false;                         // the user asked to leave
    bool resume = false;                       // ... and to let the guest run on

    Cpu& cpu() { return dbg.cpu(); }
    template <typename... A> void print(fmt::format_string<A...> f, A&&... args) {
        fmt::format_to(std::back_inserter(out), f, std::forward<A>(args)...);
    }
    // Register names resolved against the current CPU state.
    NameLookup names();
    // How many more ticks a run may take before the tick limit.
    uint64_t ticks_left();
};

// Throws CommandError ("usage: ...") unless there are min..max words.
void require_words(Words w, size_t min, size_t max, std::string_view usage);

// "0008:000FF200  55                    push ebp" for the instruction at
// CS:EIP, or at a linear address labelled as the caller says; `length` is
// 0 when nothing there could be read.
struct CodeLine {
    unsigned length = 0;
    std::string text;
};
CodeLine disassemble(Context& ctx, uint32_t linear, const std::string& label, uint32_t address, bool code32);
std::string current_instruction(Context& ctx);

// How a run ended, then the next instruction: printed after every run.
void report_stop(Context& ctx, const Debugger::Stop& s);

// commands_run.cpp
void cmd_continue(Context& ctx, Words w);
void cmd_step(Context& ctx, Words w);
void cmd_next(Context& ctx, Words w);
void cmd_until(Context& ctx, Words w);
// commands_break.cpp
void cmd_break(Context& ctx, Words w);
void cmd_watch(Context& ctx, Words w);
void cmd_catch(Context& ctx, Words w);
void cmd_delete(Context& ctx, Words w);
void cmd_info(Context& ctx, Words w);
// commands_state.cpp
void cmd_regs(Context& ctx, Words w);
void cmd_sregs(Context& ctx, Words w);
void cmd_cregs(Context& ctx, Words w);
// commands_fpu.cpp
void cmd_fpu(Context& ctx, Words w);
// commands_sse.cpp
void cmd_sse(Context& ctx, Words w);
// commands_tables.cpp
void cmd_gdt(Context& ctx, Words w);
void cmd_ldt(Context& ctx, Words w);
void cmd_idt(Context& ctx, Words w);
// commands_memory.cpp
void cmd_examine(Context& ctx, Words w);
void cmd_examine_physical(Context& ctx, Words w);
void cmd_walk(Context& ctx, Words w);
void cmd_backtrace(Context& ctx, Words w);
// commands_disasm.cpp
void cmd_disassemble(Context& ctx, Words w);
void cmd_disassemble16(Context& ctx, Words w);
void cmd_disassemble32(Context& ctx, Words w);

}  // namespace amber::monitor
