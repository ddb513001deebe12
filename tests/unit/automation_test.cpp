#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "machine/automation.hpp"

using namespace amber;

namespace {

constexpr uint64_t kTps = 1000;  // ticks per virtual second, to keep numbers small

struct Rig {
    TapBackend* serial;
    std::unique_ptr<TapBackend> serial_owner;
    std::string screen = "";
    std::string typed;

    Rig() : serial_owner(std::make_unique<TapBackend>(std::make_unique<NullCharBackend>())) { serial = serial_owner.get(); }

    Automation make(std::string_view script) {
        AutomationPorts ports;
        ports.screen_text = [this] { return screen; };
        ports.type_keys = [this](std::string_view t) { typed.append(t); };
        ports.press_combo = [this](std::string_view c) {
            typed.append("<" + std::string(c) + ">");
            return c != "nonsense";
        };
        return Automation(parse_script(script, kTps), ports, serial, nullptr);
    }
    void guest_prints(std::string_view s) {
        for (char c : s) serial->write(static_cast<uint8_t>(c));
    }
};

}  // namespace

TEST_CASE("automation: script syntax errors name the line", "[automation]") {
    CHECK_THROWS_WITH(parse_script("wait serial \"ok\"\nfrobnicate\n", kTps),
                      "script line 2: unknown step 'frobnicate' (wait, send, key, sleep or stop)");
    CHECK_THROWS_WITH(parse_script("wait serial \"(\"", kTps), Catch::Contains("script line 1: bad regular expression"));
    CHECK_THROWS_WITH(parse_script("sleep soon", kTps), Catch::Contains("is not a duration"));
    CHECK_THROWS_WITH(parse_script("send serial \"open", kTps), "script line 1: unterminated string");
    CHECK_THROWS_WITH(parse_script("wait printer \"x\"", kTps), Catch::Contains("not a console"));
    CHECK_THROWS_WITH(parse_script("stop 300", kTps), Catch::Contains("0..255"));
    auto steps = parse_script("# comment\n\nwait screen \"a\\.b\" 2s\nsend serial \"x\\n\\x41\"\nsleep 1500ms\nstop 3\n", kTps);
    REQUIRE(steps.size() == 4);
    CHECK(steps[0].text == "a\\.b");
    CHECK(steps[0].ticks == 2000);
    CHECK(steps[1].text == "x\nA");
    CHECK(steps[2].ticks == 1500);
    CHECK(steps[3].status == 3);
}

TEST_CASE("automation: waits consume the stream, sends reach the guest", "[automation]") {
    Rig rig;
    Automation a = rig.make("wait serial \"login:\"\nsend serial \"root\\n\"\nwait serial \"login:\" 1s\nstop 7\n");
    CHECK_FALSE(a.poll(0));
    rig.guest_prints("Debian\nlogin: ");
    CHECK_FALSE(a.poll(10));  // matched, sent, now waits for a second prompt
    CHECK(rig.serial->read().byte == 'r');
    CHECK(rig.serial->read().byte == 'o');
    CHECK_FALSE(a.poll(500));  // the first "login:" does not count twice
    rig.guest_prints("login: ");
    auto status = a.poll(600);
    REQUIRE(status);
    CHECK(*status == 7);
    CHECK_FALSE(a.failed());
}

TEST_CASE("automation: a wait that times out fails the run", "[automation]") {
    Rig rig;
    Automation a = rig.make("wait serial \"never\" 2s\n");
    CHECK_FALSE(a.poll(0));
    CHECK(a.next_deadline() == 2000);
    CHECK_FALSE(a.poll(1999));
    auto status = a.poll(2000);
    REQUIRE(status);
    CHECK(*status == kExitScriptFailed);
    CHECK(a.message() == "script line 1: timed out waiting for \"never\" on serial");
}

TEST_CASE("automation: screen, keys and sleep", "[automation]") {
    Rig rig;
    Automation a = rig.make(R"(wait screen "C:\\>"   # a regex: one literal backslash
send keys "dir\n"
key ctrl-alt-delete
sleep 1s
key nonsense
)");
    CHECK_FALSE(a.poll(0));
    rig.screen = "Starting...\nC:\\>";
    CHECK_FALSE(a.poll(100));
    CHECK(rig.typed == "dir\n<ctrl-alt-delete>");
    CHECK_FALSE(a.poll(1099));
    auto status = a.poll(1100);
    REQUIRE(status);
    CHECK(*status == kExitScriptFailed);
    CHECK(a.message() == "script line 5: unknown key combination 'nonsense'");
}

TEST_CASE("automation: the tap keeps the line up after the host hangs up", "[automation]") {
    TapBackend tap(std::make_unique<NullCharBackend>());
    CHECK(tap.read().kind == CharInput::Kind::Nothing);
    tap.inject("A");
    CHECK(tap.read().byte == 'A');
    CHECK(tap.connected());
}
