// Scripted interaction with a running machine, for tests, CI and scripted
// use: wait until a console shows a regular expression, send text to a serial
// port or the keyboard, let virtual time pass, stop with an exit status.
//
// A script is one step per line ('#' starts a comment):
//   wait serial|debugcon|screen "REGEX" [TIMEOUT]   default timeout 60s
//   send serial "TEXT"            C escapes: \n \r \t \e \\ \" \xNN (a wait pattern keeps its regex escapes)
//   send keys "TEXT"              typed on the PS/2 keyboard
//   key COMBO                     e.g. ctrl-alt-delete, enter, f12
//   sleep DURATION
//   stop [STATUS]                 end the run (status 0 by default)
// Durations are virtual time: 500ms, 30s, 2m, or an instruction count 5000000i.
//
// The steps run against virtual time, so a script gives the same result on
// every host. A stream (serial, debugcon) is matched from where the previous
// match on it ended, so two waits for the same text need two occurrences; the
// screen is matched as it is now.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "devices/char_backend.hpp"

namespace amber {

struct ScriptError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class Console : uint8_t { Serial, DebugCon, Screen };

struct ScriptStep {
    enum class Kind : uint8_t { Wait, SendSerial, SendKeys, Key, Sleep, Stop };
    Kind kind = Kind::Stop;
    Console console = Console::Serial;  // Wait
    std::string text;                   // Wait: the pattern; Send*: the text; Key: the combination
    uint64_t ticks = 0;                 // Wait: timeout; Sleep: duration
    int status = 0;                     // Stop
    unsigned line = 0;                  // in the script, for messages
};

// Throws ScriptError naming the line. ticks_per_second converts durations.
std::vector<ScriptStep> parse_script(std::string_view text, uint64_t ticks_per_second);

// What the automation reads from and writes to; the board fills it in.
struct AutomationPorts {
    std::function<std::string()> screen_text;             // empty: no screen
    std::function<void(std::string_view)> type_keys;      // empty: no keyboard
    std::function<bool(std::string_view)> press_combo;    // false: unknown key name
};

// Sits between a character device and its host backend: remembers what the
// guest wrote (for waits) and feeds text the script sends ahead of the host's
// input. While a script may still send, the line never hangs up.
class TapBackend final : public CharBackend {
public:
    explicit TapBackend(std::unique_ptr<CharBackend> inner) : inner_(std::move(inner)) {}
    void write(uint8_t byte) override {
        output_.push_back(static_cast<char>(byte));
        inner_->write(byte);
    }
    CharInput read() override;
    bool connected() const override { return true; }

    void inject(std::string_view text) { input_.append(text); }
    const std::string& output() const { return output_; }

private:
    std::unique_ptr<CharBackend> inner_;
    std::string output_;
    std::string input_;
    size_t input_pos_ = 0;
    bool inner_hung_up_ = false;
};

// The exit status of a run whose script failed (a wait timed out).
constexpr int kExitScriptFailed = 121;

class Automation {
public:
    Automation(std::vector<ScriptStep> steps, AutomationPorts ports, TapBackend* serial, TapBackend* debugcon);

    // Called between slices of the run with the current virtual time.
    // Returns the stop status once the script says stop or an expectation
    // fails (message() says why); nothing while it goes on.
    std::optional<int> poll(uint64_t now);
    // The latest virtual time by which poll() wants to be called again.
    uint64_t next_deadline() const;
    bool finished() const { return pc_ >= steps_.size(); }
    bool failed() const { return failed_; }
    const std::string& message() const { return message_; }

private:
    bool try_match(const ScriptStep& s);
    std::optional<int> fail(const ScriptStep& s, std::string why);

    std::vector<ScriptStep> steps_;
    std::vector<std::regex> patterns_;  // one per step (unused for non-waits)
    AutomationPorts ports_;
    TapBackend* serial_;
    TapBackend* debugcon_;
    size_t pc_ = 0;
    uint64_t step_started_ = 0;
    bool step_active_ = false;
    size_t serial_pos_ = 0, debugcon_pos_ = 0;
    bool failed_ = false;
    std::string message_;
};

}  // namespace amber
