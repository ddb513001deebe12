// The GDB stub's command set, as scripted conversations with a fake
// target: gdb's packets go in, the stub's replies come out.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "frontend/gdb/hex.hpp"
#include "frontend/gdb/rsp.hpp"
#include "frontend/gdb/stub.hpp"
#include "frontend/gdb/target_description.hpp"
#include "tests/gdb/fake_target.hpp"

using namespace amber::gdb;
using amber::gdb::testing::FakeTarget;

namespace {

// Input from a string, handed out a few bytes at a time so that packets
// straddle reads; output collected. Past the input, the stream has ended.
class ScriptedChannel final : public ByteChannel {
public:
    explicit ScriptedChannel(std::string input) : input_(std::move(input)) {}

    size_t read(std::span<uint8_t> buffer) override {
        const size_t n = std::min({buffer.size(), input_.size() - pos_, size_t(7)});
        std::memcpy(buffer.data(), input_.data() + pos_, n);
        pos_ += n;
        return n;
    }
    bool readable() override { return true; }  // bytes waiting, or the end: never blocks
    bool write(std::span<const uint8_t> data) override {
        output.append(reinterpret_cast<const char*>(data.data()), data.size());
        return true;
    }

    std::string output;

private:
    std::string input_;
    size_t pos_ = 0;
};

// What gdb sends, in order.
struct Script {
    std::string bytes;
    Script& send(std::string_view payload) {
        bytes += frame_packet(payload);
        return *this;
    }
    Script& raw(std::string_view b) {
        bytes += b;
        return *this;
    }
    // Ends acknowledgments, as gdb does right after connecting.
    static Script no_ack() { return Script{}.send("QStartNoAckMode").raw("+"); }
};

struct Outcome {
    std::vector<std::string> replies;  // payloads, in order
    std::string raw;                   // every byte the stub sent
    SessionEnd end;
};

Outcome run(FakeTarget& target, const Script& script) {
    ScriptedChannel channel(script.bytes);
    GdbStub stub(target, channel);
    Outcome out;
    out.end = stub.serve();
    out.raw = channel.output;
    PacketDecoder decoder;
    for (char c : channel.output) {
        auto event = decoder.feed(static_cast<uint8_t>(c));
        if (!event || event->kind != FrameEvent::Kind::Packet) continue;
        REQUIRE(event->checksum_ok);
        out.replies.push_back(event->payload);
    }
    return out;
}

// The replies after the one to QStartNoAckMode, for a script that began with Script::no_ack().
std::vector<std::string> replies_to(FakeTarget& target, const Script& script) {
    Outcome out = run(target, script);
    REQUIRE(!out.replies.empty());
    CHECK(out.replies.front() == "OK");
    out.replies.erase(out.replies.begin());
    return out.replies;
}

// A target holding a small loop at 0x1000 that stores a count at 0x2000:
//   1000 inc eax / 1001 inc eax / 1002 nop / 1003 mov [2000],eax / 1008 inc ecx / 1009 jmp 1000
FakeTarget looping_target() {
    FakeTarget t;
    t.load(0x1000, {0x40, 0x40, 0x90, 0xA3, 0x00, 0x20, 0x00, 0x00, 0x41, 0xEB, 0xF5});
    t.load(0x3000, {0xef, 0xbe, 0xad, 0xde, 0x78, 0x56, 0x34, 0x12});
    t.reg(Reg::Eip) = 0x1000;
    t.reg(Reg::Esp) = 0x8000;
    t.reg(Reg::Eflags) = 0x2;
    return t;
}

}  // namespace

TEST_CASE("gdb stub: qSupported announces what the stub does", "[gdb]") {
    FakeTarget t;
    auto r = replies_to(t, Script::no_ack().send("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386"));
    REQUIRE(r.size() == 1);
    for (const char* feature :
         {"PacketSize=4000", "qXfer:features:read+", "QStartNoAckMode+", "swbreak+", "hwbreak+"}) {
        CHECK_THAT(r[0], Catch::Contains(feature));
    }
}

TEST_CASE("gdb stub: the target description comes in pieces and names all 32 registers", "[gdb]") {
    FakeTarget t;
    Script s = Script::no_ack();
    const size_t xml_size = target_description_xml().size();
    for (size_t offset = 0; offset < xml_size + 0x100; offset += 0x100) {
        char request[64];
        std::snprintf(request, sizeof request, "qXfer:features:read:target.xml:%zx,100", offset);
        s.send(request);
    }
    auto r = replies_to(t, s);
    std::string xml;
    for (size_t i = 0; i < r.size(); ++i) {
        REQUIRE(!r[i].empty());
        const bool last_piece = (i + 1) * 0x100 >= xml_size;
        CHECK(r[i][0] == (last_piece ? 'l' : 'm'));
        xml += r[i].substr(1);
    }
    CHECK(xml == target_description_xml());
    CHECK_THAT(xml, Catch::Contains("<feature name=\"org.gnu.gdb.i386.core\">"));
    CHECK_THAT(xml, Catch::Contains("<architecture>i386</architecture>"));
    // Every register gdb's i386 code requires, in 'g' packet order.
    size_t at = 0;
    for (const char* name : {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags", "cs", "ss",
                             "ds", "es", "fs", "gs", "st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7",
                             "fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"}) {
        const size_t found = xml.find(std::string("<reg name=\"") + name + "\"", at);
        INFO(name);
        REQUIRE(found != std::string::npos);
        at = found;
    }
}

TEST_CASE("gdb stub: with SSE the description adds xmm0-7 and mxcsr after the x87 registers", "[gdb]") {
    FakeTarget t;
    t.sse = true;
    auto r = replies_to(t, Script::no_ack().send("qXfer:features:read:target.xml:0,4000"));
    REQUIRE(r.size() == 1);
    REQUIRE(r[0][0] == 'l');
    const std::string xml = r[0].substr(1);
    CHECK(xml == target_description_xml(true));
    CHECK(xml != target_description_xml(false));
    CHECK_THAT(std::string(target_description_xml(false)), !Catch::Contains("i386.sse"));
    const size_t sse = xml.find("<feature name=\"org.gnu.gdb.i386.sse\">");
    REQUIRE(sse != std::string::npos);
    CHECK(sse > xml.find("<reg name=\"fop\""));
    size_t at = sse;
    for (const char* name : {"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "mxcsr"}) {
        const size_t found = xml.find(std::string("<reg name=\"") + name + "\"", at);
        INFO(name);
        REQUIRE(found != std::string::npos);
        at = found;
    }
    CHECK_THAT(xml, Catch::Contains("type=\"vec128\"") && Catch::Contains("type=\"i386_mxcsr\""));
}

TEST_CASE("gdb stub: with SSE 'g', 'G', 'p' and 'P' cover xmm0-7 and mxcsr", "[gdb]") {
    FakeTarget t;
    t.sse = true;
    for (uint8_t k = 0; k < 16; ++k) t.regs.xmm[1][k] = static_cast<uint8_t>(0x10 + k);
    t.regs.mxcsr = 0x1f80;
    auto r = replies_to(t, Script::no_ack()
                               .send("g")
                               .send("p21")   // xmm1
                               .send("p28")   // mxcsr
                               .send("p29")   // nothing past mxcsr
                               .send("P22=000102030405060708090a0b0c0d0e0f")
                               .send("P22=0001")
                               .send("P28=843f0000"));
    REQUIRE(r.size() == 7);
    const std::string& g = r[0];
    const size_t x87_end = (16 * 4 + 8 * 10 + 8 * 4) * 2;
    REQUIRE(g.size() == x87_end + (8 * 16 + 4) * 2);
    CHECK(g.substr(x87_end + 32, 32) == "101112131415161718191a1b1c1d1e1f");
    CHECK(g.substr(g.size() - 8) == "801f0000");
    CHECK(r[1] == "101112131415161718191a1b1c1d1e1f");
    CHECK(r[2] == "801f0000");
    CHECK(r[3] == "E01");
    CHECK(r[4] == "OK");
    CHECK(r[5] == "E01");
    CHECK(r[6] == "OK");
    CHECK(t.regs.xmm[2][15] == 0x0f);
    CHECK(t.regs.mxcsr == 0x3f84);

    // 'G' of the SSE size: an xmm register and mxcsr change, the rest does not.
    std::string g2 = replies_to(t, Script::no_ack().send("g"))[0];
    g2.replace(x87_end + 7 * 32, 2, "aa");        // xmm7's low byte
    g2.replace(g2.size() - 8, 8, "801f0000");     // mxcsr
    t.register_writes.clear();
    auto w = replies_to(t, Script::no_ack().send("G" + g2).send("G" + g2.substr(0, x87_end)));
    CHECK(w == std::vector<std::string>{"OK", "E01"});
    CHECK(t.regs.xmm[7][0] == 0xaa);
    CHECK(t.regs.mxcsr == 0x1f80);
    CHECK(t.register_writes == std::vector<Reg>{Reg::Mxcsr});
}

TEST_CASE("gdb stub: without SSE the xmm numbers do not exist", "[gdb]") {
    FakeTarget t;
    auto r = replies_to(t, Script::no_ack().send("p21").send("P28=00000000"));
    CHECK(r == std::vector<std::string>{"E01", "E01"});
}

TEST_CASE("gdb stub: other qXfer objects and annexes are refused", "[gdb]") {
    FakeTarget t;
    auto r = replies_to(t, Script::no_ack()
                               .send("qXfer:features:read:other.xml:0,100")
                               .send("qXfer:auxv:read::0,100")
                               .send("qXfer:features:read:target.xml:zz,100")
                               .send("qXfer:features:read:target.xml:ffffff,100"));
    CHECK(r == std::vector<std::string>{"E00", "", "E00", "l"});
}

TEST_CASE("gdb stub: connection queries for one stopped thread", "[gdb]") {
    FakeTarget t;
    auto r = replies_to(t, Script::no_ack()
                               .send("?")
                               .send("qAttached")
                               .send("qC")
                               .send("qfThreadInfo")
                               .send("qsThreadInfo")
                               .send("Hg0")
                               .send("Hc-1")
                               .send("Hg2")
                               .send("T1")
                               .send("T2")
                               .send("qSymbol::"));
    CHECK(r == std::vector<std::string>{"T05thread:1;", "1", "QC1", "m1", "l", "OK", "OK", "E01", "OK", "E01", "OK"});
}

TEST_CASE("gdb stub: unknown requests get an empty reply", "[gdb]") {
    FakeTarget t;
    auto r = replies_to(
        t, Script::no_ack().send("vMustReplyEmpty").send("qTStatus").send("!").send("R00").send("").send("QFoo:1"));
    CHECK(r == std::vector<std::string>(6, ""));
}

TEST_CASE("gdb stub: 'g' sends the register file in target description order", "[gdb]") {
    FakeTarget t;
    t.reg(Reg::Eax) = 0x12345678;
    t.reg(Reg::Eip) = 0x0000fff0;
    t.reg(Reg::Gs) = 0xf000;
    t.regs.st[0] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    t.regs.x87_control[7] = 0xabcd;  // fop
    auto r = replies_to(t, Script::no_ack().send("g"));
    REQUIRE(r.size() == 1);
    const std::string& g = r[0];
    REQUIRE(g.size() == (16 * 4 + 8 * 10 + 8 * 4) * 2);
    CHECK(g.substr(0, 8) == "78563412");
    CHECK(g.substr(8 * 8, 8) == "f0ff0000");
    CHECK(g.substr(15 * 8, 8) == "00f00000");
    CHECK(g.substr(16 * 8, 20) == "0102030405060708090a");
    CHECK(g.substr(g.size() - 8) == "cdab0000");
}

TEST_CASE("gdb stub: 'G' writes only the registers that change", "[gdb]") {
    FakeTarget t;
    t.reg(Reg::Cs) = 0xf000;
    t.reg(Reg::Eip) = 0xfff0;
    std::string g = replies_to(t, Script::no_ack().send("g"))[0];
    g.replace(3 * 8, 8, "44332211");  // ebx
    g.replace(8 * 8, 8, "00100000");  // eip
    const std::string full = std::string("G") + g;
    const std::string short_by_one = std::string("G") + g.substr(2);
    auto r = replies_to(t, Script::no_ack().send(full).send(short_by_one).send(short_by_one + "zz"));
    CHECK(r == std::vector<std::string>{"OK", "E01", "E01"});
    CHECK(t.reg(Reg::Ebx) == 0x11223344);
    CHECK(t.reg(Reg::Eip) == 0x1000);
    CHECK(t.reg(Reg::Cs) == 0xf000);
    CHECK(t.register_writes == std::vector<Reg>{Reg::Ebx, Reg::Eip});
}

TEST_CASE("gdb stub: 'G' changing an x87 register the target cannot write is refused", "[gdb]") {
    FakeTarget t;
    std::string g = replies_to(t, Script::no_ack().send("g"))[0];
    g.replace(16 * 8, 2, "01");  // st0's low byte
    CHECK(replies_to(t, Script::no_ack().send(std::string("G") + g)) == std::vector<std::string>{"E02"});
}

TEST_CASE("gdb stub: 'p' and 'P' read and write one register", "[gdb]") {
    FakeTarget t;
    t.reg(Reg::Eip) = 0x7c00;
    t.regs.x87_control[0] = 0x037f;  // fctrl
    auto r = replies_to(t, Script::no_ack()
                               .send("p8")
                               .send("p10")   // st0
                               .send("p18")   // fctrl
                               .send("p20")   // no register 32
                               .send("pzz")
                               .send("P3=efbeadde")
                               .send("P1f=01000000")  // fop
                               .send("P10=00000000000000000000")
                               .send("P3=1234")
                               .send("P3")
                               .send("P20=00000000")
                               .send("p3"));
    CHECK(r == std::vector<std::string>{"007c0000", "00000000000000000000", "7f030000", "E01", "E01", "OK", "OK",
                                        "E02", "E01", "E01", "E01", "efbeadde"});
    CHECK(t.reg(Reg::Ebx) == 0xdeadbeef);
    CHECK(t.regs.x87_control[7] == 1);
}

TEST_CASE("gdb stub: memory reads, partial at the end of memory, errors where nothing is", "[gdb]") {
    FakeTarget t = looping_target();
    auto r = replies_to(t, Script::no_ack()
                               .send("m3000,8")
                               .send("mfffe,4")     // two bytes left before the end
                               .send("m10000,4")    // nothing there
                               .send("mffffffff,8")  // the top of the linear space
                               .send("m3000")
                               .send("mzz,4")
                               .send("m3000,100000"));  // more than a packet holds: a partial read
    REQUIRE(r.size() == 7);
    CHECK(r[0] == "efbeadde78563412");
    CHECK(r[1] == "0000");
    CHECK(r[2] == "E03");
    CHECK(r[3] == "E03");
    CHECK(r[4] == "E01");
    CHECK(r[5] == "E01");
    CHECK(r[6].size() == kMaxPayload);
}

TEST_CASE("gdb stub: memory writes in hex and in binary", "[gdb]") {
    FakeTarget t;
    std::string binary = "X4000,4:";
    binary += escape_binary(std::vector<uint8_t>{'#', '$', '}', '*'});
    auto r = replies_to(t, Script::no_ack()
                               .send("M3000,4:01020304")
                               .send(binary)
                               .send("X4000,0:")   // gdb's probe for 'X'
                               .send("M3000,4:0102")  // shorter than announced
                               .send("M3000,1:zz")
                               .send("Mfffe,4:01020304")  // runs off the end
                               .send("Mffffffff,2:0102")  // would wrap around 4 GiB
                               .send("X4000,2:}"));       // ends inside an escape
    CHECK(r == std::vector<std::string>{"OK", "OK", "OK", "E01", "E01", "E03", "E03", "E01"});
    CHECK(t.load32(0x3000) == 0x04030201);
    CHECK(t.memory[0x4000] == '#');
    CHECK(t.memory[0x4001] == '$');
    CHECK(t.memory[0x4002] == '}');
    CHECK(t.memory[0x4003] == '*');
    CHECK(t.memory[0xfffe] == 0);
}

TEST_CASE("gdb stub: a software breakpoint stops the loop with EIP at its address", "[gdb]") {
    FakeTarget t = looping_target();
    auto r = replies_to(t, Script::no_ack()
                               .send("qSupported:swbreak+;hwbreak+")
                               .send("Z0,1008,1")
                               .send("c")
                               .send("p8")
                               .send("z0,1008,1")
                               .send("s")
                               .send("p8"));
    REQUIRE(r.size() == 7);
    CHECK(r[1] == "OK");
    CHECK(r[2] == "T05swbreak:;thread:1;");
    CHECK(r[3] == "08100000");
    CHECK(r[4] == "OK");
    CHECK(r[5] == "T05thread:1;");
    CHECK(r[6] == "09100000");
    CHECK(t.reg(Reg::Eax) == 2);
}

TEST_CASE("gdb stub: stop reasons are only named to a gdb that asked for them", "[gdb]") {
    FakeTarget t = looping_target();
    auto r = replies_to(t, Script::no_ack().send("qSupported:multiprocess+").send("Z0,1002,1").send("c"));
    CHECK(r[2] == "T05thread:1;");
}

TEST_CASE("gdb stub: hardware breakpoints and watchpoints", "[gdb]") {
    FakeTarget t = looping_target();
    // 1000: mov eax,[3000] / 1005: mov [3004],eax / 100a: jmp 1000
    t.load(0x1000, {0xA1, 0x00, 0x30, 0x00, 0x00, 0xA3, 0x04, 0x30, 0x00, 0x00, 0xEB, 0xF4});
    Script s = Script::no_ack().send("qSupported:swbreak+;hwbreak+");
    s.send("Z1,1005,1").send("c").send("z1,1005,1");
    s.send("Z2,3004,4").send("c").send("z2,3004,4");
    s.send("Z3,3000,4").send("c").send("z3,3000,4");
    s.send("Z4,3002,2").send("c").send("p8").send("z4,3002,2");
    auto r = replies_to(t, s);
    REQUIRE(!r.empty());
    r.erase(r.begin());  // the qSupported reply
    CHECK(r == std::vector<std::string>{
                   "OK", "T05hwbreak:;thread:1;", "OK",
                   "OK", "T05watch:3004;thread:1;", "OK",
                   "OK", "T05rwatch:3000;thread:1;", "OK",
                   "OK", "T05awatch:3002;thread:1;", "05100000", "OK"});
    CHECK(t.points.empty());
}

TEST_CASE("gdb stub: breakpoints the target cannot place", "[gdb]") {
    FakeTarget t;
    t.offers_hardware = false;
    auto r = replies_to(t, Script::no_ack().send("Z1,1000,1").send("Z2,1000,4").send("Z5,1000,1").send("Z0,1000"));
    CHECK(r == std::vector<std::string>{"", "", "", "E01"});

    FakeTarget full;
    Script s = Script::no_ack();
    for (int i = 0; i < 5; ++i) s.send(std::string("Z0,100") + std::to_string(i) + ",1");
    s.send("Z2,2000,3");  // no such watch length
    CHECK(replies_to(full, s) == std::vector<std::string>{"OK", "OK", "OK", "OK", "E02", "E02"});
}

TEST_CASE("gdb stub: step and continue from a given address, and through vCont", "[gdb]") {
    FakeTarget t = looping_target();
    auto r = replies_to(t, Script::no_ack()
                               .send("vCont?")
                               .send("s1008")
                               .send("p8")
                               .send("vCont;s:1")
                               .send("p8")
                               .send("vCont;S05")
                               .send("p8")
                               .send("Z0,1003,1")
                               .send("vCont;s:2;c")
                               .send("p8")
                               .send("vCont;t")
                               .send("C05;1008")
                               .send("p8")
                               .send("sxyz"));
    CHECK(r == std::vector<std::string>{"vCont;c;C;s;S", "T05thread:1;", "09100000", "T05thread:1;", "00100000",
                                        "T05thread:1;", "01100000", "OK", "T05thread:1;", "03100000", "E01",
                                        "T05thread:1;", "03100000", "E01"});
}

TEST_CASE("gdb stub: Ctrl-C stops a running guest", "[gdb]") {
    FakeTarget t = looping_target();
    auto out = run(t, Script::no_ack().send("c").raw("\x03").send("p8").send("D"));
    REQUIRE(out.replies.size() == 4);
    CHECK(out.replies[1] == "T02thread:1;");
    CHECK(out.replies[3] == "OK");
    CHECK(out.end == SessionEnd::Detached);
    CHECK(t.executed == FakeTarget::kPollInterval);  // stopped at the first look
}

TEST_CASE("gdb stub: gdb going away while the guest runs ends the session", "[gdb]") {
    FakeTarget t = looping_target();
    auto out = run(t, Script::no_ack().send("Z0,2000,1").send("c"));
    CHECK(out.end == SessionEnd::Disconnected);
    CHECK(t.detached);
    CHECK(t.points.empty());  // the breakpoint gdb left is removed
}

TEST_CASE("gdb stub: the guest's exit is reported, and stays so", "[gdb]") {
    FakeTarget t;
    t.load(0x1000, {0x40, 0x40, 0x40, 0xF4});  // inc eax x3, hlt: exit status 3
    t.reg(Reg::Eip) = 0x1000;
    auto r = replies_to(t, Script::no_ack().send("c").send("?").send("c").send("s"));
    CHECK(r == std::vector<std::string>{"W03", "W03", "W03", "W03"});
    CHECK(t.executed == 4);
}

TEST_CASE("gdb stub: a triple fault stops with SIGSEGV", "[gdb]") {
    FakeTarget t;
    t.load(0x1000, {0x90, 0xFF});
    t.reg(Reg::Eip) = 0x1000;
    auto r = replies_to(t, Script::no_ack().send("c").send("?"));
    CHECK(r == std::vector<std::string>{"T0bthread:1;", "T0bthread:1;"});
}

TEST_CASE("gdb stub: detach removes leftover breakpoints and lets the target go", "[gdb]") {
    FakeTarget t = looping_target();
    auto out = run(t, Script::no_ack().send("Z0,1008,1").send("Z2,2000,4").send("D").send("g"));
    CHECK(out.end == SessionEnd::Detached);
    CHECK(out.replies.back() == "OK");  // nothing after the detach is answered
    CHECK(t.detached);
    CHECK_FALSE(t.killed);
    CHECK(t.points.empty());
}

TEST_CASE("gdb stub: kill takes no reply and ends the session", "[gdb]") {
    FakeTarget t;
    auto out = run(t, Script::no_ack().send("k").send("g"));
    CHECK(out.end == SessionEnd::Killed);
    CHECK(out.replies.size() == 1);  // only the OK to QStartNoAckMode
    CHECK(t.killed);
    CHECK_FALSE(t.detached);
}

TEST_CASE("gdb stub: acknowledgments until no-ack mode", "[gdb]") {
    FakeTarget t;
    t.reg(Reg::Eip) = 0x10;
    SECTION("each packet is acknowledged, and each reply waits for its '+'") {
        auto out = run(t, Script{}.send("p8").raw("+").send("QStartNoAckMode").raw("+").send("p8"));
        const std::string reply = frame_packet("10000000");
        CHECK(out.raw == std::string("+") + reply + "+" + frame_packet("OK") + reply);
    }
    SECTION("a packet with a bad checksum is refused until it comes right") {
        auto out = run(t, Script{}.raw("$p8#00").send("p8").raw("+"));
        CHECK(out.raw == std::string("-+") + frame_packet("10000000"));
    }
    SECTION("a refused reply is sent again") {
        auto out = run(t, Script{}.send("p8").raw("-+"));
        CHECK(out.raw == std::string("+") + frame_packet("10000000") + frame_packet("10000000"));
    }
    SECTION("without acks, a bad checksum is not checked") {
        auto out = run(t, Script::no_ack().raw("$p8#00"));
        CHECK(out.replies.back() == "10000000");
    }
}

TEST_CASE("gdb stub: an overlong packet gets an error, and the session goes on", "[gdb]") {
    FakeTarget t;
    auto r = replies_to(t, Script::no_ack().send("M0," + std::string(kMaxPayload + 10, '0')).send("?"));
    CHECK(r == std::vector<std::string>{"E01", "T05thread:1;"});
}

TEST_CASE("gdb stub: garbage from the socket never breaks the stub", "[gdb]") {
    // Random bytes, rich in the characters that matter to the framing.
    const std::string alphabet = "$#+-}*\x03:,;0123456789abcdefgmMXZzpPGcsvqQHTDk?";
    std::mt19937 rng(8);
    for (int round = 0; round < 200; ++round) {
        FakeTarget t = looping_target();
        std::string noise;
        const size_t length = rng() % 600;
        for (size_t i = 0; i < length; ++i)
            noise += (rng() % 4 == 0) ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
        Outcome out = run(t, Script{}.raw(noise));
        CHECK((out.end == SessionEnd::Disconnected || out.end == SessionEnd::Detached ||
               out.end == SessionEnd::Killed));
    }
    // Well-framed packets with random contents: every one gets a reply.
    for (int round = 0; round < 200; ++round) {
        FakeTarget t = looping_target();
        Script s = Script::no_ack();
        int packets = 0;
        for (int i = 0; i < 20; ++i) {
            std::string payload(1, "gGpPmMXZzcsvqQHT?"[rng() % 17]);
            const size_t length = rng() % 40;
            for (size_t j = 0; j < length; ++j) payload += alphabet[rng() % alphabet.size()];
            // Keep the framing intact, and the guest from running forever.
            std::erase_if(payload, [](char c) { return c == '$' || c == '#' || c == '\x03'; });
            if (payload[0] == 'c' || payload[0] == 'v') continue;
            s.send(payload);
            ++packets;
        }
        Outcome out = run(t, s);
        CHECK(out.replies.size() == size_t(packets) + 1);
    }
}
