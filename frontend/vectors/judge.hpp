// Runs test vectors on a real amber::Machine -- the same decoder, handlers,
// memory and fault delivery as a normal run -- and compares the outcome with
// the recording. One Judge (one machine) serves many tests and files: each
// test puts back to zero every byte it touched.
//
// Stray writes ("nothing else was written"): memory outside a test's listed
// bytes must stay zero. After each test the judge scans the 4 KiB pages that
// hold its listed bytes and its stack, which catches a wrong offset or a
// misplaced push at the cost of a few page scans. A write that lands on some
// other page is caught by sweep() at the end of each file; the runner then
// replays that file with a whole-memory scan after every test to name the
// culprit. (A stray write of the value zero cannot be seen.)
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cpu/model.hpp"
#include "frontend/vectors/metadata.hpp"
#include "frontend/vectors/suite.hpp"
#include "frontend/vectors/test_case.hpp"
#include "frontend/vectors/verdict.hpp"
#include "machine/machine.hpp"

namespace amber::vectors {

// How a format's vectors are run and compared.
struct JudgeRules {
    bool wide = false;             // 32-bit register file (native32)
    bool run_to_halt = false;      // 80286: run until the HLT placed after the instruction
    bool a20 = false;              // address line 20 enabled (8086 vectors wrap at 1 MiB)
    uint32_t flags_clear = 0;      // FLAGS bits dropped on load (80286 real mode: 12-15)
    uint32_t flags_compared = 0;   // FLAGS bits that are ever compared
    uint32_t reachable_top = 0;    // highest physical address + 1 a test can write
};
JudgeRules rules_for(Format format);

class Judge {
public:
    static constexpr uint64_t kTickLimit = 200000;  // a runaway test stops here

    Judge(CpuModel model, Format format);

    // Empty when `file` can run on this model, else why not (reported as n/a).
    std::string not_applicable(const SuiteFile& file, const std::vector<TestCase>& tests);
    // Runs one test and compares. Throws std::runtime_error if the test itself
    // is unusable (its initial state lacks a register).
    Verdict run(const TestCase& test, const FormInfo& info);

    // Scan all reachable memory after every test instead of nearby pages only.
    void set_full_scan(bool on) { full_scan_ = on; }
    // True once a test found bytes another test left behind (so blame may be
    // misplaced); cleared by sweep().
    bool found_leftovers() const { return leftovers_; }
    // Zeroes and counts every nonzero byte left in reachable memory.
    size_t sweep();

    const JudgeRules& rules() const { return rules_; }
    Machine& machine() { return machine_; }

private:
    struct Expect {
        uint32_t addr;
        uint8_t value;
        uint8_t mask;  // bits compared (a pushed FLAGS word may have undefined bits)
    };

    void build_expectations(const TestCase& test, uint32_t flags_mask);
    void collect_pages(const TestCase& test);
    void clear_leftovers();
    void load(const TestCase& test);
    void execute(const TestCase& test, Verdict& v);
    void compare_registers(const TestCase& test, uint32_t flags_mask, Verdict& v);
    void compare_fpu(const TestCase& test, const FormInfo& info, Verdict& v);
    void compare_sse(const TestCase& test, const FormInfo& info, Verdict& v);
    void compare_memory(Verdict& v);
    void find_strays(Verdict& v);
    void restore_memory();
    bool expected_at(uint32_t addr) const;

    Format format_;
    JudgeRules rules_;
    Machine machine_;
    bool full_scan_ = false;
    bool leftovers_ = false;
    std::vector<Expect> expect_;    // sorted by address; reused between tests
    std::vector<uint32_t> pages_;   // page numbers to scan for strays
    std::vector<uint32_t> strays_;  // addresses to zero after the test
};

}  // namespace amber::vectors
