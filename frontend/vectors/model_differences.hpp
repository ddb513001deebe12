// The documented ways a 386 in real mode differs from the 80286, as they show
// in vectors recorded on an 80286. Each entry says what differs and why (with
// the manual reference), which tests it applies to, and how such a test is
// judged on a 386: left out, because the recording cannot say what a 386
// does, or judged against the recording rewritten for a 386. The runner
// reports these tests per difference, apart from passes and failures; a test
// that fails for a reason not listed here is a failure.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "cpu/model.hpp"
#include "frontend/vectors/insn_form.hpp"
#include "frontend/vectors/suite.hpp"
#include "frontend/vectors/test_case.hpp"

namespace amber::vectors {

enum class Treatment : uint8_t {
    Skip,    // not applicable: the recording shows 286 behaviour the 386 does not have
    Adjust,  // judged against the recording rewritten for a 386
};

struct ModelDifference {
    std::string_view name;    // short id for reports
    std::string_view why;     // the difference, and the manual that documents it
    std::string_view judged;  // how a test it applies to is judged
    Treatment treatment;
    bool (*applies)(const TestCase&, const InsnForm&);
    void (*adjust)(TestCase&, const InsnForm&);  // Adjust only: rewrites the expectation
};

// The list for `model` running vectors recorded in `format`: the 286 -> 386
// differences for 80286 MOO vectors on a 386 or later, otherwise none.
std::span<const ModelDifference> model_differences(CpuModel model, Format format);

struct Explanation {
    std::vector<const ModelDifference*> applied;  // empty: the test is judged as recorded
    bool skip = false;                            // a Skip difference applies: do not run it
    std::optional<TestCase> adjusted;             // the expectation for the model, if rewritten
};

// Which differences of `list` apply to `test`, and the test rewritten by the
// Adjust ones (only when some apply and none says Skip).
Explanation explain(std::span<const ModelDifference> list, const TestCase& test);

}  // namespace amber::vectors
