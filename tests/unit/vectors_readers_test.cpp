// The test-vector readers: MOO binary files built by hand, JSON in both the
// SingleStepTests and native32 layouts, metadata, wildcards.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "frontend/vectors/glob.hpp"
#include "frontend/vectors/json_reader.hpp"
#include "frontend/vectors/metadata.hpp"
#include "frontend/vectors/moo_reader.hpp"

using namespace amber::vectors;

namespace {

// Little-endian byte buffer with nested chunks, to build MOO files.
struct Bytes {
    std::string data;
    Bytes& u8(uint8_t v) {
        data.push_back(static_cast<char>(v));
        return *this;
    }
    Bytes& u16(uint16_t v) { return u8(v & 0xFF).u8(v >> 8); }
    Bytes& u32(uint32_t v) { return u16(v & 0xFFFF).u16(v >> 16); }
    Bytes& text(const std::string& s) {
        data += s;
        return *this;
    }
    Bytes& chunk(const std::string& id, const Bytes& payload) {
        text(id).u32(static_cast<uint32_t>(payload.data.size()));
        data += payload.data;
        return *this;
    }
};

Bytes regs(uint16_t mask, std::vector<uint16_t> values) {
    Bytes b;
    b.u16(mask);
    for (uint16_t v : values) b.u16(v);
    return b;
}

Bytes ram(std::vector<std::pair<uint32_t, uint8_t>> entries) {
    Bytes b;
    b.u32(static_cast<uint32_t>(entries.size()));
    for (auto [a, v] : entries) b.u32(a).u8(v);
    return b;
}

// One TEST: "inc ax" at 1000:0010, with every optional and unknown chunk.
Bytes sample_test(uint32_t index) {
    Bytes init;
    // ax bx cx dx cs ss ds es sp bp si di ip flags
    init.chunk("REGS", regs(0x3FFF, {0x1234, 2, 3, 4, 0x1000, 0x2000, 0x3000, 0x4000, 0x100, 6, 7, 8, 0x10, 0xF002}));
    init.chunk("RAM ", ram({{0x10010, 0x40}, {0x10011, 0xF4}}));
    init.chunk("QUEU", Bytes().u32(1).u8(0x40));
    Bytes fina;
    fina.chunk("REGS", regs(0x1001, {0x1235, 0x12}));  // ax, ip
    fina.chunk("RAM ", ram({{0x20FE, 0x99}}));
    Bytes test;
    test.u32(index);
    test.chunk("GMET", Bytes().u32(0xDEADBEEF));  // unknown: skipped by length
    test.chunk("NAME", Bytes().u32(6).text("inc ax"));
    test.chunk("BYTS", Bytes().u32(2).u8(0x40).u8(0xF4));
    test.chunk("INIT", init);
    test.chunk("FINA", fina);
    test.chunk("EXCP", Bytes().u8(13).u32(0x20FE));
    test.chunk("HASH", Bytes().text(std::string(20, 'h')));
    return test;
}

std::string sample_file(uint32_t declared = 2) {
    Bytes header;
    header.u8(1).u8(1).u16(0).u32(declared).text("C286");
    Bytes file;
    file.chunk("MOO ", header);
    file.chunk("META", Bytes().text("whatever"));
    file.chunk("TEST", sample_test(0));
    file.chunk("TEST", sample_test(2));
    return file.data;
}

}  // namespace

TEST_CASE("MOO reader: a hand-built file with unknown chunks") {
    MooFile f = parse_moo(sample_file(), "sample");
    CHECK(f.cpu_id == "C286");
    REQUIRE(f.tests.size() == 2);
    const TestCase& t = f.tests[1];
    CHECK(t.index == 2);
    CHECK(t.name == "inc ax");
    CHECK(t.bytes == std::vector<uint8_t>{0x40, 0xF4});
    CHECK(t.initial.regs.present == 0xFFFF - (1 << 12) - (1 << 13));  // all but FS, GS
    CHECK(t.initial.regs.get(Field::EAX) == 0x1234);
    CHECK(t.initial.regs.get(Field::EBX) == 2);  // REGS order is ax bx cx dx...
    CHECK(t.initial.regs.get(Field::ECX) == 3);
    CHECK(t.initial.regs.get(Field::CS) == 0x1000);
    CHECK(t.initial.regs.get(Field::ES) == 0x4000);
    CHECK(t.initial.regs.get(Field::ESP) == 0x100);
    CHECK(t.initial.regs.get(Field::EIP) == 0x10);
    CHECK(t.initial.regs.get(Field::EFLAGS) == 0xF002);
    REQUIRE(t.initial.ram.size() == 2);
    CHECK(t.initial.ram[1].addr == 0x10011);
    CHECK(t.initial.ram[1].value == 0xF4);
    CHECK(t.final.regs.has(Field::EAX));
    CHECK(t.final.regs.has(Field::EIP));
    CHECK_FALSE(t.final.regs.has(Field::EBX));
    CHECK(t.final.regs.get(Field::EIP) == 0x12);
    REQUIRE(t.pushed_flags);
    CHECK(t.pushed_flags->vector == 13);
    CHECK(t.pushed_flags->address == 0x20FE);
}

TEST_CASE("MOO reader: truncation and bad headers are errors, not crashes") {
    std::string good = sample_file();
    for (size_t cut : {good.size() - 1, good.size() - 30, size_t(40), size_t(13)}) {
        INFO("cut at " << cut);
        CHECK_THROWS_WITH(parse_moo(good.substr(0, cut), "f.MOO"), Catch::Contains("truncated"));
    }
    CHECK_THROWS_WITH(parse_moo("JSON", "f.MOO"), Catch::Contains("not a MOO file"));
    CHECK_THROWS_WITH(parse_moo(sample_file(3), "f.MOO"), Catch::Contains("promises 3 tests"));
    // A chunk length pointing past the end of the file.
    std::string lying = good;
    lying[4] = '\xFF';
    CHECK_THROWS_AS(parse_moo(lying, "f.MOO"), std::runtime_error);
}

TEST_CASE("JSON reader: SingleStepTests 8086 layout") {
    std::string text = R"([
{"name":"add cl, ah","bytes":[0,225],"initial":{"regs":{"ax":13212,"bx":1,"cx":47784,"dx":2,"cs":59545,"ss":3,"ds":4,"es":5,"sp":6,"bp":7,"si":8,"di":0,"ip":22673,"flags":64663},"ram":[[975393,0],[975394,225]],"queue":[0,225]},"final":{"regs":{"cx":47835,"ip":22675,"flags":62598},"ram":[[975393,0]],"queue":[144]},"test_hash":"56c8","test_num":4}
])";
    auto tests = parse_json_tests(text, "00.json");
    REQUIRE(tests.size() == 1);
    const TestCase& t = tests[0];
    CHECK(t.index == 4);
    CHECK(t.name == "add cl, ah");
    CHECK(t.bytes == std::vector<uint8_t>{0, 225});
    CHECK(t.initial.regs.get(Field::EAX) == 13212);
    CHECK(t.initial.regs.get(Field::EFLAGS) == 64663);
    CHECK(t.initial.ram.size() == 2);
    CHECK(t.initial.ram[1].addr == 975394);
    CHECK(t.final.regs.get(Field::ECX) == 47835);
    CHECK_FALSE(t.final.regs.has(Field::EAX));
    CHECK(t.final.ram.size() == 1);
    CHECK(t.compare_mask[unsigned(Field::EFLAGS)] == 0xFFFFFFFF);
}

TEST_CASE("JSON reader: native32 layout with undefined bits and FPU state") {
    std::string text = R"([{"idx":6,"name":"bsf edx,ecx","bytes":[15,188,209],
"initial":{"regs":{"eax":1,"ecx":0,"edx":5,"ebx":0,"esp":5338836,"ebp":0,"esi":0,"edi":0,"eip":4198400,"eflags":578},
"ram":[[4198400,15],[4198401,188],[4198402,209]],"fpu":{"fcw":895,"fsw":0,"ftw":65535,"st":["00000000000000000000"]}},
"final":{"regs":{"eip":4198403,"eflags":582},"ram":[[4198400,15]]},
"undefined":{"eflags":2197,"fsw":0,"regs":{"edx":4294967295}},"host_bytes":[15,188,209]}])";
    auto tests = parse_json_tests(text, "0FBC.json");
    REQUIRE(tests.size() == 1);
    const TestCase& t = tests[0];
    CHECK(t.index == 6);
    CHECK(t.initial.regs.get(Field::ESP) == 5338836);
    CHECK(t.final.regs.get(Field::EIP) == 4198403);
    CHECK(t.compare_mask[unsigned(Field::EFLAGS)] == ~uint32_t(2197));
    CHECK(t.compare_mask[unsigned(Field::EDX)] == 0);
    CHECK(t.compare_mask[unsigned(Field::EAX)] == 0xFFFFFFFF);
    CHECK(t.uses_fpu);
    CHECK_FALSE(t.uses_sse);
}

TEST_CASE("JSON reader: native32 SSE state (MXCSR, XMM most significant digit first)") {
    std::string text = R"([{"idx":2,"name":"addps xmm0,xmm1","bytes":[15,88,193],
"initial":{"regs":{"eax":0,"ecx":0,"edx":0,"ebx":0,"esp":5338836,"ebp":0,"esi":0,"edi":0,"eip":4198400,"eflags":514},
"ram":[],"sse":{"mxcsr":8064,"xmm":["00112233445566778899aabbccddeeff","0","0","0","0","0","0","0"]}},
"final":{"regs":{"eip":4198403},"ram":[],"sse":{"mxcsr":8096,"xmm":["ffeeddccbbaa99887766554433221100",
"00000000000000000000000000000001","0","0","0","0","0","0"]}}}])";
    CHECK_THROWS_WITH(parse_json_tests(text, "0F58.json"), Catch::Contains("32 hex digits"));
    std::string full = text;
    const std::string zero = std::string("\"") + std::string(32, '0') + "\"";
    for (size_t at; (at = full.find("\"0\"")) != std::string::npos;) full.replace(at, 3, zero);
    auto tests = parse_json_tests(full, "0F58.json");
    REQUIRE(tests.size() == 1);
    const TestCase& t = tests[0];
    CHECK(t.uses_sse);
    CHECK(t.initial.sse.mxcsr == 8064);
    CHECK(t.initial.sse.xmm[0][1] == 0x0011223344556677);
    CHECK(t.initial.sse.xmm[0][0] == 0x8899aabbccddeeff);
    CHECK(t.final.sse.mxcsr == 8096);
    CHECK(t.final.sse.xmm[1][0] == 1);
    CHECK(t.final.sse.xmm[1][1] == 0);
}

TEST_CASE("JSON reader: malformed input is an error naming the file") {
    CHECK_THROWS_WITH(parse_json_tests("[{\"name\":\"x\",", "bad.json"), Catch::Contains("bad.json"));
    CHECK_THROWS_WITH(parse_json_tests(R"([{"initial":{"regs":{"zz":1}}}])", "bad.json"),
                      Catch::Contains("unknown register 'zz'"));
    CHECK_THROWS_WITH(parse_json_tests(R"([{"initial":{"ram":[[1,2,3]]}}])", "bad.json"),
                      Catch::Contains("[address, byte]"));
}

TEST_CASE("metadata: opcode, ModRM-reg and native32 entries") {
    Metadata m = Metadata::parse(R"({"cpu":"8086","opcodes":{
        "00":{"status":"normal"},
        "D4":{"status":"normal","flags":"o....a.c","flags-mask":63470},
        "F6":{"reg":{"1":{"status":"alias","flags-mask":65519},"6":{"status":"normal"}}}}})",
                                 "metadata.json");
    CHECK(m.cpu() == "8086");
    CHECK_FALSE(m.is_native32());
    REQUIRE(m.find("00"));
    CHECK(m.find("00")->flags_mask == 0xFFFFFFFF);
    CHECK(m.find("D4")->flags_mask == (0xFFFF0000u | 63470));
    CHECK(m.find("F6.1")->status == "alias");
    CHECK(m.find("F6.1")->flags_mask == (0xFFFF0000u | 65519));
    CHECK(m.find("F6.6")->status == "normal");
    CHECK(m.find("F6.7") == nullptr);

    Metadata n = Metadata::parse(R"({"forms":{"66.81.0":{"desc":"ADD","suite":"int","requires":"386"},
        "D8.0":{"suite":"x87","requires":"387"}}})", "metadata.json");
    CHECK(n.is_native32());
    CHECK(n.find("66.81.0")->required_cpu == "386");
    CHECK(n.find("D8.0")->status == "x87");
    CHECK_THROWS(Metadata::parse("{}", "metadata.json"));
    CHECK_THROWS(Metadata::parse("not json", "metadata.json"));
}

TEST_CASE("filter wildcards") {
    CHECK(glob_match("F6.*", "F6.6"));
    CHECK(glob_match("f6.*", "F6.6"));
    CHECK_FALSE(glob_match("F6.*", "F7.6"));
    CHECK(glob_match("?0", "D0"));
    CHECK_FALSE(glob_match("?0", "D0.1"));
    CHECK(glob_match("*", ""));
    CHECK(glob_match("*.*.0", "66.81.0"));
    auto p = split_patterns("F6.*,D4,,A?");
    CHECK(p == std::vector<std::string>{"F6.*", "D4", "A?"});
    CHECK(matches_any(p, "A5"));
    CHECK_FALSE(matches_any(p, "B5"));
    CHECK(matches_any({}, "anything"));
}
