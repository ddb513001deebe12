#include "machine/automation.hpp"

#include <cctype>

#include <fmt/format.h>

#include "machine/scheduler.hpp"

namespace amber {

namespace {

constexpr uint64_t kDefaultTimeoutSeconds = 60;

// Splits a script line into words. A double-quoted word may hold spaces; it
// is kept as written (backslashes included), so a wait's pattern reaches
// std::regex with its own escapes; send texts go through decode_escapes().
std::vector<std::string> split_words(std::string_view line, unsigned lineno) {
    std::vector<std::string> words;
    size_t i = 0;
    while (i < line.size()) {
        if (std::isspace(static_cast<unsigned char>(line[i]))) {
            ++i;
            continue;
        }
        if (line[i] == '#') break;
        std::string w;
        if (line[i] != '"') {
            while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) w.push_back(line[i++]);
            words.push_back(std::move(w));
            continue;
        }
        ++i;
        bool closed = false;
        while (i < line.size()) {
            char c = line[i++];
            if (c == '"') {
                closed = true;
                break;
            }
            w.push_back(c);
            if (c == '\\' && i < line.size()) w.push_back(line[i++]);
        }
        if (!closed) throw ScriptError(fmt::format("script line {}: unterminated string", lineno));
        words.push_back(std::move(w));
    }
    return words;
}

// C escapes in a send text: \n \r \t \e \\ \" \xNN.
std::string decode_escapes(const std::string& raw, unsigned lineno) {
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\' || i + 1 >= raw.size()) {
            out.push_back(raw[i]);
            continue;
        }
        char e = raw[++i];
        switch (e) {
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'e': out.push_back('\x1b'); break;
        case 'x': {
            auto hex = [&](size_t k) { return k < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[k])); };
            if (!hex(i + 1) || !hex(i + 2))
                throw ScriptError(fmt::format("script line {}: \\x needs two hex digits", lineno));
            out.push_back(static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16)));
            i += 2;
            break;
        }
        case '\\':
        case '"': out.push_back(e); break;
        default:
            throw ScriptError(fmt::format("script line {}: unknown escape '\\{}' (\\n \\r \\t \\e \\\\ \\\" \\xNN)", lineno, e));
        }
    }
    return out;
}

uint64_t parse_duration(const std::string& w, uint64_t tps, unsigned lineno) {
    size_t used = 0;
    double value = 0;
    try {
        value = std::stod(w, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    std::string unit = w.substr(used);
    double scale = 0;
    if (unit == "s") scale = double(tps);
    else if (unit == "ms") scale = double(tps) / 1e3;
    else if (unit == "us") scale = double(tps) / 1e6;
    else if (unit == "m") scale = double(tps) * 60;
    else if (unit == "i") scale = 1;
    if (used == 0 || scale == 0 || value < 0)
        throw ScriptError(fmt::format("script line {}: '{}' is not a duration (e.g. 500ms, 30s, 2m, 1000000i)", lineno, w));
    return static_cast<uint64_t>(value * scale);
}

Console parse_console(const std::string& w, unsigned lineno, bool screen_ok) {
    if (w == "serial") return Console::Serial;
    if (w == "debugcon") return Console::DebugCon;
    if (w == "screen" && screen_ok) return Console::Screen;
    throw ScriptError(fmt::format("script line {}: '{}' is not a console ({})", lineno, w,
                                  screen_ok ? "serial, debugcon or screen" : "serial or keys"));
}

const char* console_name(Console c) {
    switch (c) {
    case Console::Serial: return "serial";
    case Console::DebugCon: return "debugcon";
    case Console::Screen: return "screen";
    }
    return "?";
}

}  // namespace

std::vector<ScriptStep> parse_script(std::string_view text, uint64_t tps) {
    std::vector<ScriptStep> steps;
    unsigned lineno = 0;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++lineno;
        auto w = split_words(line, lineno);
        if (w.empty()) continue;
        auto need = [&](size_t lo, size_t hi, const char* form) {
            if (w.size() < lo || w.size() > hi)
                throw ScriptError(fmt::format("script line {}: expected '{}'", lineno, form));
        };
        ScriptStep s;
        s.line = lineno;
        const std::string& verb = w[0];
        if (verb == "wait") {
            need(3, 4, "wait serial|debugcon|screen \"REGEX\" [TIMEOUT]");
            s.kind = ScriptStep::Kind::Wait;
            s.console = parse_console(w[1], lineno, true);
            s.text = w[2];
            try {
                std::regex check(s.text);
            } catch (const std::regex_error& e) {
                throw ScriptError(fmt::format("script line {}: bad regular expression \"{}\": {}", lineno, s.text, e.what()));
            }
            s.ticks = w.size() == 4 ? parse_duration(w[3], tps, lineno) : kDefaultTimeoutSeconds * tps;
        } else if (verb == "send") {
            need(3, 3, "send serial|keys \"TEXT\"");
            if (w[1] == "serial") s.kind = ScriptStep::Kind::SendSerial;
            else if (w[1] == "keys") s.kind = ScriptStep::Kind::SendKeys;
            else parse_console(w[1], lineno, false);  // throws
            s.text = decode_escapes(w[2], lineno);
        } else if (verb == "key") {
            need(2, 2, "key COMBINATION");
            s.kind = ScriptStep::Kind::Key;
            s.text = w[1];
        } else if (verb == "sleep") {
            need(2, 2, "sleep DURATION");
            s.kind = ScriptStep::Kind::Sleep;
            s.ticks = parse_duration(w[1], tps, lineno);
        } else if (verb == "stop") {
            need(1, 2, "stop [STATUS]");
            s.kind = ScriptStep::Kind::Stop;
            if (w.size() == 2) {
                try {
                    size_t used = 0;
                    s.status = std::stoi(w[1], &used);
                    if (used != w[1].size() || s.status < 0 || s.status > 255) throw std::out_of_range("");
                } catch (const std::exception&) {
                    throw ScriptError(fmt::format("script line {}: stop status must be 0..255 (got '{}')", lineno, w[1]));
                }
            }
        } else {
            throw ScriptError(fmt::format("script line {}: unknown step '{}' (wait, send, key, sleep or stop)", lineno, verb));
        }
        steps.push_back(std::move(s));
    }
    return steps;
}

CharInput TapBackend::read() {
    if (input_pos_ < input_.size()) return CharInput::of(static_cast<uint8_t>(input_[input_pos_++]));
    if (inner_hung_up_) return CharInput::nothing();
    CharInput in = inner_->read();
    if (in.kind != CharInput::Kind::HangUp) return in;
    inner_hung_up_ = true;  // the host side is gone; the script may still type
    return CharInput::nothing();
}

Automation::Automation(std::vector<ScriptStep> steps, AutomationPorts ports, TapBackend* serial, TapBackend* debugcon)
    : steps_(std::move(steps)), ports_(std::move(ports)), serial_(serial), debugcon_(debugcon) {
    for (const ScriptStep& s : steps_) patterns_.emplace_back(s.kind == ScriptStep::Kind::Wait ? s.text : std::string());
}

std::optional<int> Automation::fail(const ScriptStep& s, std::string why) {
    failed_ = true;
    message_ = fmt::format("script line {}: {}", s.line, why);
    return kExitScriptFailed;
}

bool Automation::try_match(const ScriptStep& s) {
    const std::regex& re = patterns_[pc_];
    std::smatch m;
    if (s.console == Console::Screen) {
        std::string screen = ports_.screen_text();
        return std::regex_search(screen, m, re);
    }
    TapBackend* tap = s.console == Console::Serial ? serial_ : debugcon_;
    size_t& pos = s.console == Console::Serial ? serial_pos_ : debugcon_pos_;
    const std::string& out = tap->output();
    if (!std::regex_search(out.begin() + static_cast<std::ptrdiff_t>(pos), out.end(), m, re)) return false;
    pos += static_cast<size_t>(m.position(0) + m.length(0));
    return true;
}

std::optional<int> Automation::poll(uint64_t now) {
    while (pc_ < steps_.size()) {
        const ScriptStep& s = steps_[pc_];
        if (!step_active_) {
            step_active_ = true;
            step_started_ = now;
        }
        switch (s.kind) {
        case ScriptStep::Kind::Wait: {
            if (s.console == Console::Screen && !ports_.screen_text) return fail(s, "this machine has no screen");
            if (s.console != Console::Screen && !(s.console == Console::Serial ? serial_ : debugcon_))
                return fail(s, fmt::format("the {} console is not connected", console_name(s.console)));
            if (try_match(s)) break;
            if (now - step_started_ >= s.ticks)
                return fail(s, fmt::format("timed out waiting for \"{}\" on {}", s.text, console_name(s.console)));
            return std::nullopt;
        }
        case ScriptStep::Kind::SendSerial:
            if (!serial_) return fail(s, "the serial console is not connected");
            serial_->inject(s.text);
            break;
        case ScriptStep::Kind::SendKeys:
            if (!ports_.type_keys) return fail(s, "this machine has no keyboard");
            ports_.type_keys(s.text);
            break;
        case ScriptStep::Kind::Key:
            if (!ports_.press_combo) return fail(s, "this machine has no keyboard");
            if (!ports_.press_combo(s.text)) return fail(s, fmt::format("unknown key combination '{}'", s.text));
            break;
        case ScriptStep::Kind::Sleep:
            if (now - step_started_ < s.ticks) return std::nullopt;
            break;
        case ScriptStep::Kind::Stop:
            ++pc_;
            message_ = fmt::format("script line {}: stop", s.line);
            return s.status;
        }
        ++pc_;
        step_active_ = false;
    }
    return std::nullopt;
}

uint64_t Automation::next_deadline() const {
    if (pc_ >= steps_.size()) return Scheduler::kNever;
    const ScriptStep& s = steps_[pc_];
    if (!step_active_) return 0;
    if (s.kind == ScriptStep::Kind::Sleep || s.kind == ScriptStep::Kind::Wait) return step_started_ + s.ticks;
    return 0;
}

}  // namespace amber
