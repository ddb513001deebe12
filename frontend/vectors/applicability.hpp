// Whether a file of vectors can be judged on the chosen CPU model: forms that
// need a newer CPU (a 186 opcode on the 8086, CMPXCHG on the 386, SSE...) or
// state the runner cannot load yet are reported as "n/a", apart from passes
// and failures.
#pragma once
#include <string>

#include "cpu/model.hpp"
#include "frontend/vectors/metadata.hpp"
#include "frontend/vectors/suite.hpp"

namespace amber::vectors {

// Empty when the file can run; otherwise a short reason ("requires pentium").
std::string not_applicable_reason(CpuModel model, Format format, const FormInfo& info);

}  // namespace amber::vectors
