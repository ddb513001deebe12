#include "frontend/vectors/json_reader.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace amber::vectors {

namespace {

using Json = nlohmann::json;

// The keys the reader acts on; everything else (queue, test_hash, host_bytes,
// the FPU/SSE register contents...) is parsed and dropped.
enum class Key : uint8_t {
    Other, Name, Bytes, Initial, Final, Regs, Ram, Index, Exception, Undefined, Eflags, Fpu, Sse, Register,
    Fcw, Fsw, Ftw, St, Mxcsr, Xmm
};

Key classify(std::string_view k) {
    if (k == "name") return Key::Name;
    if (k == "bytes") return Key::Bytes;
    if (k == "initial") return Key::Initial;
    if (k == "final") return Key::Final;
    if (k == "regs") return Key::Regs;
    if (k == "ram") return Key::Ram;
    if (k == "test_num" || k == "idx") return Key::Index;
    if (k == "exception") return Key::Exception;
    if (k == "undefined") return Key::Undefined;
    if (k == "eflags") return Key::Eflags;
    if (k == "fpu") return Key::Fpu;
    if (k == "sse") return Key::Sse;
    if (k == "fcw") return Key::Fcw;
    if (k == "fsw") return Key::Fsw;
    if (k == "ftw") return Key::Ftw;
    if (k == "st") return Key::St;
    if (k == "mxcsr") return Key::Mxcsr;
    if (k == "xmm") return Key::Xmm;
    return Key::Other;
}

// Nesting, counted in open containers: 1 = the top array, 2 = a test object,
// 3 = "initial"/"final"/"undefined"/"bytes", 4 = "regs"/"ram", 5 = one RAM pair.
class TestSax final : public nlohmann::json_sax<Json> {
public:
    TestSax(std::vector<TestCase>& out, const std::string& origin) : out_(out), origin_(origin) {}

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool number_integer(number_integer_t v) override {
        if (v < 0) return value_error("a negative number");
        return number(static_cast<uint64_t>(v));
    }
    bool number_unsigned(number_unsigned_t v) override { return number(v); }

    bool string(string_t& s) override {
        if (depth_ == 2 && key_[2] == Key::Name) test_.name = s;
        else if (depth_ == 2 && key_[2] == Key::Exception) test_.exception = s;
        else if (depth_ == 5 && key_[3] == Key::Fpu && key_[4] == Key::St && state()) return st_string(s);
        else if (depth_ == 5 && key_[3] == Key::Sse && key_[4] == Key::Xmm && state()) return xmm_string(s);
        return true;
    }

    bool key(string_t& k) override {
        if (depth_ >= kMaxDepth) return true;
        Key kind = classify(k);
        // Register names only matter directly inside a "regs" object.
        if (depth_ == 4 && key_[3] == Key::Regs) {
            auto f = parse_field(k);
            if (!f) return value_error(fmt::format("unknown register '{}'", k));
            field_ = *f;
            kind = Key::Register;
        }
        key_[depth_] = kind;
        return true;
    }

    bool start_object(std::size_t) override {
        ++depth_;
        if (depth_ == 2) test_ = TestCase{};
        if (depth_ == 4 && key_[2] == Key::Initial) {
            if (key_[3] == Key::Fpu) test_.uses_fpu = true;
            if (key_[3] == Key::Sse) test_.uses_sse = true;
        }
        if (depth_ < kMaxDepth) key_[depth_] = Key::Other;
        return true;
    }
    bool end_object() override {
        if (depth_ == 2) out_.push_back(std::move(test_));
        --depth_;
        return true;
    }
    bool start_array(std::size_t) override {
        ++depth_;
        if (depth_ < kMaxDepth) key_[depth_] = Key::Other;
        pair_pos_ = 0;
        st_pos_ = 0;
        return true;
    }
    bool end_array() override {
        if (depth_ == 5 && in_ram() && pair_pos_ != 2) return value_error("a RAM entry that is not [address, byte]");
        --depth_;
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
        error_ = fmt::format("{}: malformed JSON near byte {}: {}", origin_, position, e.what());
        return false;
    }

    const std::string& error() const { return error_; }

private:
    static constexpr unsigned kMaxDepth = 8;

    CpuState* state() {
        if (key_[2] == Key::Initial) return &test_.initial;
        if (key_[2] == Key::Final) return &test_.final;
        return nullptr;
    }
    bool in_ram() { return state() && key_[3] == Key::Ram; }

    bool number(uint64_t v) {
        if (depth_ == 2 && key_[2] == Key::Index) {
            test_.index = static_cast<uint32_t>(v);
        } else if (depth_ == 3 && key_[2] == Key::Bytes) {
            if (v > 0xFF) return value_error("an instruction byte above 255");
            test_.bytes.push_back(static_cast<uint8_t>(v));
        } else if (depth_ == 4 && key_[3] == Key::Regs && key_[4] == Key::Register) {
            if (v > 0xFFFFFFFFu) return value_error("a register value above 32 bits");
            if (CpuState* s = state()) s->regs.set(field_, static_cast<uint32_t>(v));
            else if (key_[2] == Key::Undefined) undefine(field_, static_cast<uint32_t>(v));
        } else if (depth_ == 3 && key_[2] == Key::Undefined && key_[3] == Key::Eflags) {
            undefine(Field::EFLAGS, static_cast<uint32_t>(v));
        } else if (depth_ == 3 && key_[2] == Key::Undefined && key_[3] == Key::Fsw) {
            test_.fsw_undefined = static_cast<uint16_t>(v);
        } else if (depth_ == 4 && key_[3] == Key::Fpu && state()) {
            if (v > 0xFFFF) return value_error("an x87 control/status/tag word above 16 bits");
            FpuImage& f = state()->fpu;
            if (key_[4] == Key::Fcw) f.fcw = static_cast<uint16_t>(v);
            else if (key_[4] == Key::Fsw) f.fsw = static_cast<uint16_t>(v);
            else if (key_[4] == Key::Ftw) f.ftw = static_cast<uint16_t>(v);
        } else if (depth_ == 4 && key_[3] == Key::Sse && key_[4] == Key::Mxcsr && state()) {
            if (v > 0xFFFFFFFFu) return value_error("an MXCSR above 32 bits");
            state()->sse.mxcsr = static_cast<uint32_t>(v);
        } else if (depth_ == 5 && in_ram()) {
            return ram_number(v);
        }
        return true;
    }

    // One ST(i): 20 hex digits, sign and exponent first.
    bool st_string(const std::string& s) {
        if (st_pos_ >= 8 || s.size() != 20 || s.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            return value_error("an x87 register that is not 20 hex digits (8 of them)");
        FpuImage& f = state()->fpu;
        f.se[st_pos_] = static_cast<uint16_t>(std::stoul(s.substr(0, 4), nullptr, 16));
        f.sig[st_pos_] = std::stoull(s.substr(4), nullptr, 16);
        ++st_pos_;
        return true;
    }

    // One XMM register: 32 hex digits, bits 127..0.
    bool xmm_string(const std::string& s) {
        if (st_pos_ >= 8 || s.size() != 32 || s.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            return value_error("an XMM register that is not 32 hex digits (8 of them)");
        auto& x = state()->sse.xmm[st_pos_];
        x[1] = std::stoull(s.substr(0, 16), nullptr, 16);
        x[0] = std::stoull(s.substr(16), nullptr, 16);
        ++st_pos_;
        return true;
    }

    bool ram_number(uint64_t v) {
        auto& ram = state()->ram;
        if (pair_pos_ == 0) {
            if (v > 0xFFFFFFFFu) return value_error("a RAM address above 32 bits");
            ram.push_back({static_cast<uint32_t>(v), 0});
        } else if (pair_pos_ == 1) {
            if (v > 0xFF) return value_error("a RAM byte above 255");
            ram.back().value = static_cast<uint8_t>(v);
        } else {
            return value_error("a RAM entry that is not [address, byte]");
        }
        ++pair_pos_;
        return true;
    }

    void undefine(Field f, uint32_t bits) { test_.compare_mask[static_cast<unsigned>(f)] &= ~bits; }

    bool value_error(const std::string& what) {
        error_ = fmt::format("{}: test {} ('{}'): {}", origin_, out_.size(), test_.name, what);
        return false;
    }

    std::vector<TestCase>& out_;
    const std::string& origin_;
    TestCase test_;
    std::string error_;
    unsigned depth_ = 0;
    Key key_[kMaxDepth] = {};
    Field field_ = Field::EAX;
    unsigned pair_pos_ = 0;
    unsigned st_pos_ = 0;
};

}  // namespace

std::vector<TestCase> parse_json_tests(std::string_view text, const std::string& origin) {
    std::vector<TestCase> tests;
    TestSax sax(tests, origin);
    bool ok = Json::sax_parse(text.begin(), text.end(), &sax);
    if (!ok) throw std::runtime_error(sax.error().empty() ? origin + ": malformed JSON" : sax.error());
    return tests;
}

}  // namespace amber::vectors
