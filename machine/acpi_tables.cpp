#include "machine/acpi_tables.hpp"

#include <cstring>
#include <stdexcept>
#include <string_view>

#include "mmu/endian.hpp"

namespace amber {

namespace {

using Bytes = std::vector<uint8_t>;

void append(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

// ---------------------------------------------------------------- AML
// Just the ACPI Machine Language terms the DSDT uses (ACPI 1.0b, 16.2).
namespace aml {

constexpr uint8_t kZero = 0x00, kOne = 0x01, kByte = 0x0A, kWord = 0x0B, kDWord = 0x0C;
constexpr uint8_t kName = 0x08, kScope = 0x10, kBuffer = 0x11, kPackage = 0x12, kExtPrefix = 0x5B, kDevice = 0x82;
constexpr uint8_t kRoot = 0x5C;

// PkgLength: the length of itself plus what follows.
Bytes pkg_length(size_t body) {
    for (unsigned extra = 0; extra < 4; ++extra) {
        const size_t total = body + 1 + extra;
        if (extra == 0 && total < 64) return {static_cast<uint8_t>(total)};
        if (extra > 0 && total < (size_t(1) << (4 + 8 * extra))) {
            Bytes b{static_cast<uint8_t>((extra << 6) | (total & 0x0F))};
            for (unsigned i = 0; i < extra; ++i) b.push_back(static_cast<uint8_t>(total >> (4 + 8 * i)));
            return b;
        }
    }
    throw std::length_error("AML package too long");
}

// One name segment ("PCI0", "_S5" padded with '_') or a rooted one ("\\_SB").
Bytes name(std::string_view n) {
    Bytes b;
    if (!n.empty() && n[0] == '\\') {
        b.push_back(kRoot);
        n.remove_prefix(1);
    }
    if (n.size() > 4) throw std::invalid_argument("AML name segment longer than 4 characters");
    for (size_t i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(i < n.size() ? n[i] : '_'));
    return b;
}

Bytes integer(uint32_t v) {
    if (v == 0) return {kZero};
    if (v == 1) return {kOne};
    Bytes b;
    if (v <= 0xFF) {
        b = {kByte, static_cast<uint8_t>(v)};
    } else if (v <= 0xFFFF) {
        b = {kWord};
        append_le<uint16_t>(b, static_cast<uint16_t>(v));
    } else {
        b = {kDWord};
        append_le<uint32_t>(b, v);
    }
    return b;
}

// A compressed EISA id ("PNP0A03"): three letters of 5 bits, four hex digits.
Bytes eisa_id(std::string_view id) {
    auto hex = [](char c) { return static_cast<uint32_t>(c <= '9' ? c - '0' : c - 'A' + 10); };
    const uint32_t vendor = (uint32_t(id[0] - '@') << 10) | (uint32_t(id[1] - '@') << 5) | uint32_t(id[2] - '@');
    const uint32_t product = (hex(id[3]) << 12) | (hex(id[4]) << 8) | (hex(id[5]) << 4) | hex(id[6]);
    // Stored as big-endian 16-bit halves.
    const uint32_t v = ((vendor >> 8) & 0xFF) | ((vendor & 0xFF) << 8) | ((product >> 8) & 0xFF) << 16 | (product & 0xFF) << 24;
    return integer(v);
}

Bytes name_def(std::string_view n, const Bytes& value) {
    Bytes b{kName};
    append(b, name(n));
    append(b, value);
    return b;
}

Bytes package(const std::vector<Bytes>& elements) {
    Bytes body{static_cast<uint8_t>(elements.size())};
    for (const Bytes& e : elements) append(body, e);
    Bytes b{kPackage};
    append(b, pkg_length(body.size()));
    append(b, body);
    return b;
}

Bytes buffer(const Bytes& data) {
    Bytes body = integer(static_cast<uint32_t>(data.size()));
    append(body, data);
    Bytes b{kBuffer};
    append(b, pkg_length(body.size()));
    append(b, body);
    return b;
}

Bytes scoped(Bytes head, std::string_view n, const std::vector<Bytes>& terms) {
    Bytes body = name(n);
    for (const Bytes& t : terms) append(body, t);
    append(head, pkg_length(body.size()));
    append(head, body);
    return head;
}
Bytes scope(std::string_view n, const std::vector<Bytes>& terms) { return scoped({kScope}, n, terms); }
Bytes device(std::string_view n, const std::vector<Bytes>& terms) { return scoped({kExtPrefix, kDevice}, n, terms); }

}  // namespace aml

// ---------------------------------------------------------------- resources
// Resource descriptors (ACPI 1.0b, 6.4) for _CRS buffers.
namespace res {

Bytes io(uint16_t base, uint8_t length) {
    Bytes b{0x47, 0x01};  // I/O port, 16-bit decode
    append_le<uint16_t>(b, base);
    append_le<uint16_t>(b, base);
    b.push_back(1);
    b.push_back(length);
    return b;
}

Bytes irq(unsigned line) {
    Bytes b{0x22};  // IRQ, edge-triggered, active high (no flags byte)
    append_le<uint16_t>(b, static_cast<uint16_t>(1u << line));
    return b;
}

// A window the bridge passes on (producer): bus numbers or I/O ports.
Bytes word_window(uint8_t type, uint8_t type_flags, uint16_t min, uint16_t max) {
    Bytes b{0x88, 0x0D, 0x00, type, 0x0C, type_flags};  // min and max fixed
    append_le<uint16_t>(b, 0);
    append_le<uint16_t>(b, min);
    append_le<uint16_t>(b, max);
    append_le<uint16_t>(b, 0);
    append_le<uint16_t>(b, static_cast<uint16_t>(max - min + 1));
    return b;
}
Bytes bus_numbers(uint16_t min, uint16_t max) { return word_window(2, 0, min, max); }
Bytes io_window(uint16_t min, uint16_t max) { return word_window(1, 0x03, min, max); }  // ISA and non-ISA ranges

Bytes memory_window(uint32_t min, uint32_t max) {
    Bytes b{0x87, 0x17, 0x00, 0x00, 0x0C, 0x01};  // memory, min and max fixed, read-write, not cacheable
    append_le<uint32_t>(b, 0);
    append_le<uint32_t>(b, min);
    append_le<uint32_t>(b, max);
    append_le<uint32_t>(b, 0);
    append_le<uint32_t>(b, max - min + 1);
    return b;
}

Bytes end() { return {0x79, 0x00}; }  // checksum 0: "the descriptors sum to zero" is not claimed

Bytes list(const std::vector<Bytes>& items) {
    Bytes b;
    for (const Bytes& i : items) append(b, i);
    append(b, end());
    return b;
}

}  // namespace res

// ---------------------------------------------------------------- tables

constexpr size_t kHeaderSize = 36;

// The common header; the length and checksum are filled in by finish().
Bytes header(const char* signature, uint8_t revision) {
    Bytes h(kHeaderSize, 0);
    std::memcpy(h.data(), signature, 4);
    h[8] = revision;
    std::memcpy(h.data() + 10, "AMBER ", 6);
    std::memcpy(h.data() + 16, "AMBERPC ", 8);
    store_le<uint32_t>(h.data() + 24, 1);  // OEM revision
    std::memcpy(h.data() + 28, "AMBR", 4);  // creator
    store_le<uint32_t>(h.data() + 32, 1);
    return h;
}

void finish(Bytes& table) {
    store_le<uint32_t>(table.data() + 4, static_cast<uint32_t>(table.size()));
    table[9] = 0;
    table[9] = static_cast<uint8_t>(-acpi_checksum(table.data(), table.size()));
}

Bytes facs() {
    Bytes f(64, 0);
    std::memcpy(f.data(), "FACS", 4);
    store_le<uint32_t>(f.data() + 4, 64);
    return f;
}

Bytes fadt(const AcpiConfig& cfg, uint32_t facs_addr, uint32_t dsdt_addr) {
    Bytes t = header("FACP", 1);
    t.resize(116, 0);
    uint8_t* p = t.data();
    store_le<uint32_t>(p + 36, facs_addr);
    store_le<uint32_t>(p + 40, dsdt_addr);
    p[44] = 0;  // INT_MODEL (ACPI 1.0): dual 8259 PIC, no APIC
    store_le<uint16_t>(p + 46, cfg.sci_irq);
    store_le<uint32_t>(p + 48, cfg.smi_cmd);
    p[52] = cfg.acpi_enable;
    p[53] = cfg.acpi_disable;
    store_le<uint32_t>(p + 56, cfg.pm_base);       // PM1a event block
    store_le<uint32_t>(p + 64, cfg.pm_base + 4u);  // PM1a control block
    store_le<uint32_t>(p + 76, cfg.pm_base + 8u);  // PM timer
    store_le<uint32_t>(p + 80, cfg.gpe0_base);
    p[88] = 4;                                // PM1 event block length
    p[89] = 2;                                // PM1 control block length
    p[91] = 4;                                // PM timer length
    p[92] = cfg.gpe0_base ? 4 : 0;            // GPE0 block length
    store_le<uint16_t>(p + 96, 0x0FFF);       // C2 latency: no C2
    store_le<uint16_t>(p + 98, 0x0FFF);       // C3 latency: no C3
    // WBINVD works, C1 (HLT) on all processors, no sleep button; the
    // power button is the fixed-feature one, the timer 24 bits wide.
    store_le<uint32_t>(p + 112, (1u << 0) | (1u << 2) | (1u << 5));
    finish(t);
    return t;
}

Bytes rsdt(uint32_t fadt_addr) {
    Bytes t = header("RSDT", 1);
    append_le<uint32_t>(t, fadt_addr);
    finish(t);
    return t;
}

Bytes rsdp(uint32_t rsdt_addr) {
    Bytes r(20, 0);
    std::memcpy(r.data(), "RSD PTR ", 8);
    std::memcpy(r.data() + 9, "AMBER ", 6);
    r[15] = 0;  // ACPI 1.0
    store_le<uint32_t>(r.data() + 16, rsdt_addr);
    r[8] = static_cast<uint8_t>(-acpi_checksum(r.data(), r.size()));
    return r;
}

void align(Bytes& b, size_t to) { b.resize((b.size() + to - 1) / to * to, 0); }

}  // namespace

uint8_t acpi_checksum(const uint8_t* data, size_t size) {
    uint8_t sum = 0;
    for (size_t i = 0; i < size; ++i) sum = static_cast<uint8_t>(sum + data[i]);
    return sum;
}

std::vector<uint8_t> build_dsdt(const AcpiConfig& cfg) {
    using namespace aml;
    auto legacy = [](std::string_view n, std::string_view hid, Bytes crs, uint32_t uid = 0) {
        std::vector<Bytes> terms{name_def("_HID", eisa_id(hid))};
        if (uid) terms.push_back(name_def("_UID", integer(uid)));
        terms.push_back(name_def("_CRS", buffer(crs)));
        return device(n, terms);
    };
    std::vector<Bytes> isa{
        name_def("_ADR", integer(0x00010000)),  // 00:01.0, the PIIX3's ISA bridge
        legacy("KBD", "PNP0303", res::list({res::io(0x60, 1), res::io(0x64, 1), res::irq(1)})),
        legacy("MOU", "PNP0F13", res::list({res::irq(12)})),
        legacy("RTC", "PNP0B00", res::list({res::io(0x70, 2), res::irq(8)})),
    };
    if (cfg.com1) isa.push_back(legacy("COM1", "PNP0501", res::list({res::io(0x3F8, 8), res::irq(4)}), 1));
    if (cfg.com2) isa.push_back(legacy("COM2", "PNP0501", res::list({res::io(0x2F8, 8), res::irq(3)}), 2));

    const Bytes pci_windows = res::list({
        res::bus_numbers(0x00, 0xFF),
        res::io(0xCF8, 8),  // configuration mechanism #1: the bridge's own ports
        res::io_window(0x0000, 0x0CF7),
        res::io_window(0x0D00, 0xFFFF),
        res::memory_window(0x000A0000, 0x000BFFFF),  // the VGA window
        res::memory_window(cfg.pci_mem_start, cfg.pci_mem_end),
    });
    // ACPI 1.0 integers are 32 bits wide: DSDT revision 1.
    Bytes t = header("DSDT", 1);
    append(t, name_def("\\_S5", package({integer(0), integer(0), integer(0), integer(0)})));
    append(t, scope("\\_SB", {device("PCI0", {
                                  name_def("_HID", eisa_id("PNP0A03")),
                                  name_def("_ADR", integer(0)),
                                  name_def("_UID", integer(0)),
                                  name_def("_CRS", buffer(pci_windows)),
                                  device("ISA", isa),
                              })}));
    finish(t);
    return t;
}

AcpiTables build_acpi_tables(const AcpiConfig& cfg) {
    if (cfg.tables_addr % 64 || cfg.rsdp_addr % 16) throw std::invalid_argument("ACPI table addresses misaligned");
    // FACS first (it must be 64-byte aligned), then the DSDT, FADT and RSDT.
    Bytes out = facs();
    const uint32_t facs_addr = cfg.tables_addr;
    const uint32_t dsdt_addr = cfg.tables_addr + static_cast<uint32_t>(out.size());
    append(out, build_dsdt(cfg));
    align(out, 16);
    const uint32_t fadt_addr = cfg.tables_addr + static_cast<uint32_t>(out.size());
    append(out, fadt(cfg, facs_addr, dsdt_addr));
    align(out, 16);
    const uint32_t rsdt_addr = cfg.tables_addr + static_cast<uint32_t>(out.size());
    append(out, rsdt(fadt_addr));
    return {rsdp(rsdt_addr), out};
}

}  // namespace amber
