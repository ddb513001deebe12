// A standard IBM VGA (plus the Bochs "dispi" VBE extension), as the SeaBIOS
// stdvga BIOS and Linux's vgacon program it: directly, through its ports.
//
// Ports: misc output (0x3C2 write, 0x3CC read), input status 0 (0x3C2 read),
// video subsystem enable (0x3C3), sequencer (0x3C4/5), graphics controller
// (0x3CE/F), attribute controller (0x3C0/1), DAC (0x3C6-0x3C9), feature
// control (0x3CA read, 0x3BA/0x3DA write), and the CRTC plus input status 1
// at 0x3B4/5/0x3BA or 0x3D4/5/0x3DA as misc output bit 0 selects (the other
// block reads as an empty bus). Bochs VBE: index 0x1CE, data 0x1CF.
//
// Memory: 0xA0000-0xBFFFF is one MmioHandler; the graphics controller's
// memory map select decides which part of it answers. Video memory is kept
// interleaved -- byte p of plane-offset o lives at vram_[o * 4 + p] -- so
// chain-4 and VBE modes see it as one linear framebuffer.
//
// Addressing model (documented because real cards differ in details that no
// BIOS relies on): in chain-4 the CPU address's low two bits pick the plane
// and the plane offset is address >> 2; in odd/even the low bit picks the
// plane pair (even: 0/2, odd: 1/3) and the plane offset is address >> 1.
// So text cell n (CPU offset 2n) sits at plane offset n, and the CRTC's
// start address, cursor location and offset count cells.
//
// Retrace: input status 1's display-disabled (bit 0) and vertical retrace
// (bit 3) bits follow virtual time -- a 449-line frame about 70 times per
// guest second -- so polling loops end, identically on every run.
//
// Not modelled: pixel output of graphics modes (the registers and memory are
// all there), light pen, the CRTC's byte/dword address rotation in text
// modes, the misc output odd/even page bit, and interrupts on retrace.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "machine/device.hpp"
#include "machine/io_bus.hpp"
#include "mmu/phys_memory.hpp"

namespace amber {

namespace vga {
constexpr uint32_t kWindowBase = 0xA0000;   // the legacy memory window
constexpr uint32_t kWindowSize = 0x20000;
constexpr uint32_t kPlaneSize = 0x10000;    // 64 KiB per plane
constexpr uint32_t kDefaultVramSize = 4 * 1024 * 1024;  // enough for VBE 1024x768x32

constexpr unsigned kSeqCount = 5, kCrtcCount = 25, kGcCount = 9, kAttrCount = 21;

// Sequencer
constexpr uint8_t SR_RESET = 0, SR_CLOCKING = 1, SR_MAP_MASK = 2, SR_CHAR_MAP = 3, SR_MEMORY_MODE = 4;
constexpr uint8_t SR4_EXTENDED = 0x02, SR4_SEQUENTIAL = 0x04, SR4_CHAIN4 = 0x08;
// CRTC
constexpr uint8_t CR_H_DISPLAY_END = 0x01, CR_OVERFLOW = 0x07, CR_MAX_SCAN = 0x09;
constexpr uint8_t CR_CURSOR_START = 0x0A, CR_CURSOR_END = 0x0B;
constexpr uint8_t CR_START_HI = 0x0C, CR_START_LO = 0x0D, CR_CURSOR_HI = 0x0E, CR_CURSOR_LO = 0x0F;
constexpr uint8_t CR_V_RETRACE_END = 0x11, CR_V_DISPLAY_END = 0x12, CR_OFFSET = 0x13;
constexpr uint8_t CR_MODE = 0x17, CR_LINE_COMPARE = 0x18;
constexpr uint8_t CR11_PROTECT = 0x80, CR0A_CURSOR_OFF = 0x20;
// Graphics controller
constexpr uint8_t GR_SET_RESET = 0, GR_ENABLE_SET_RESET = 1, GR_COLOR_COMPARE = 2, GR_ROTATE = 3;
constexpr uint8_t GR_READ_MAP = 4, GR_MODE = 5, GR_MISC = 6, GR_COLOR_DONT_CARE = 7, GR_BIT_MASK = 8;
constexpr uint8_t GR5_READ_MODE1 = 0x08, GR5_ODD_EVEN = 0x10, GR6_GRAPHICS = 0x01;
// Attribute controller
constexpr uint8_t AR_MODE = 0x10, AR_OVERSCAN = 0x11, AR_PLANE_ENABLE = 0x12, AR_PANNING = 0x13;
constexpr uint8_t AR_COLOR_SELECT = 0x14, AR_INDEX_PAS = 0x20, AR10_GRAPHICS = 0x01, AR10_BLINK = 0x08;
// Misc output
constexpr uint8_t MISC_COLOR_IO = 0x01, MISC_RAM_ENABLE = 0x02;
// Input status 1
constexpr uint8_t ST1_DISPLAY_DISABLED = 0x01, ST1_VRETRACE = 0x08;

// Bochs VBE ("dispi") registers, selected through port 0x1CE.
constexpr uint16_t kDispiIndexPort = 0x1CE, kDispiDataPort = 0x1CF;
enum DispiIndex : uint16_t {
    DISPI_ID = 0, DISPI_XRES, DISPI_YRES, DISPI_BPP, DISPI_ENABLE, DISPI_BANK,
    DISPI_VIRT_WIDTH, DISPI_VIRT_HEIGHT, DISPI_X_OFFSET, DISPI_Y_OFFSET, DISPI_VIDEO_MEMORY_64K,
    kDispiCount
};
constexpr uint16_t kDispiId0 = 0xB0C0, kDispiId5 = 0xB0C5;
constexpr uint16_t DISPI_ENABLED = 0x01, DISPI_GETCAPS = 0x02, DISPI_8BIT_DAC = 0x20;
constexpr uint16_t DISPI_LFB_ENABLED = 0x40, DISPI_NOCLEARMEM = 0x80;
constexpr uint16_t kDispiMaxXres = 2560, kDispiMaxYres = 1600, kDispiMaxBpp = 32;
}  // namespace vga

// What the text screen shows, in one snapshot (cells row by row).
struct VgaTextScreen {
    unsigned cols = 0, rows = 0;
    std::vector<uint8_t> chars;   // code page 437
    std::vector<uint8_t> attrs;   // VGA attribute bytes
    bool cursor_visible = false;  // enabled and on the screen
    unsigned cursor_row = 0, cursor_col = 0;
    bool blink_enabled = false;   // attribute bit 7 blinks instead of brightening the background
    uint8_t char_at(unsigned r, unsigned c) const { return chars[r * cols + c]; }
    uint8_t attr_at(unsigned r, unsigned c) const { return attrs[r * cols + c]; }
};

class Vga final : public Device, public IoHandler, public MmioHandler {
public:
    // The current virtual time in ticks (the machine's CPU tick counter).
    using Clock = std::function<uint64_t()>;

    // Claims its ports on `io` and maps the 0xA0000-0xBFFFF window in `mem`
    // (which must be unmapped there: MachineConfig::Layout::Pc leaves it free).
    // vram_bytes (at least 256 KiB, rounded to 64 KiB) sizes the VBE framebuffer.
    Vga(IoBus& io, PhysMemory& mem, Clock clock, uint64_t ticks_per_second,
        uint32_t vram_bytes = vga::kDefaultVramSize);
    ~Vga() override;
    Vga(const Vga&) = delete;
    Vga& operator=(const Vga&) = delete;

    std::string_view name() const override { return "vga"; }
    // Leaves the card in 80x25 colour text mode (mode 3), so a guest without
    // a VGA BIOS can still write to 0xB8000 and be seen.
    void reset() override;
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;
    // offset from 0xA0000
    uint32_t mmio_read(uint32_t offset, unsigned size) override;
    void mmio_write(uint32_t offset, uint32_t value, unsigned size) override;

    // The VBE linear framebuffer: the board maps it where the BIOS looks for
    // it (a PCI BAR, or 0xE0000000 without PCI), offsets from its base.
    MmioHandler& linear_framebuffer() { return lfb_; }
    uint32_t vram_size() const { return uint32_t(vram_.size()); }

    // ---- the text screen ----
    bool text_mode() const;
    VgaTextScreen text_screen() const;  // empty (0x0) outside text mode
    // Rows as UTF-8 strings (code page 437; 0x20-0x7E stay plain ASCII;
    // NUL shows as a space), each `cols` characters wide.
    std::vector<std::string> text_lines() const;
    bool cursor_visible() const { return text_screen().cursor_visible; }

    // ---- inspection (tests, debugger) ----
    uint8_t seq(unsigned i) const { return i < vga::kSeqCount ? seq_[i] : 0; }
    uint8_t crtc(unsigned i) const { return i < vga::kCrtcCount ? crtc_[i] : 0; }
    uint8_t gc(unsigned i) const { return i < vga::kGcCount ? gc_[i] : 0; }
    uint8_t attr(unsigned i) const { return i < vga::kAttrCount ? attr_[i] : 0; }
    uint8_t misc() const { return misc_; }
    uint8_t plane_byte(unsigned plane, uint32_t offset) const {
        return vram_[((offset & (vga::kPlaneSize - 1)) << 2) | (plane & 3)];
    }
    std::array<uint8_t, 3> dac_entry(uint8_t i) const { return dac_[i]; }
    uint16_t dispi(unsigned i) const { return i < vga::kDispiCount ? dispi_[i] : 0; }
    bool vbe_enabled() const { return dispi_[vga::DISPI_ENABLE] & vga::DISPI_ENABLED; }

private:
    // Port groups (vga_ports.cpp)
    uint8_t read_port(uint16_t port);
    void write_port(uint16_t port, uint8_t v);
    bool port_is_inactive_mono_or_color(uint16_t port) const;
    void write_crtc(uint8_t index, uint8_t v);
    void write_attr(uint8_t v);
    uint8_t read_dac_data();
    void write_dac_data(uint8_t v);
    uint8_t input_status1();

    // Bochs VBE (vga_vbe.cpp)
    uint16_t read_dispi();
    void write_dispi(uint16_t v);
    uint32_t bank_offset() const;

    // Planar memory (vga_memory.cpp)
    uint8_t read_byte(uint32_t offset);
    void write_byte(uint32_t offset, uint8_t v);
    bool map_window(uint32_t& offset) const;  // window-relative address, false if outside

    class LinearFramebuffer final : public MmioHandler {
    public:
        explicit LinearFramebuffer(Vga& vga) : vga_(vga) {}
        uint32_t mmio_read(uint32_t offset, unsigned size) override;
        void mmio_write(uint32_t offset, uint32_t value, unsigned size) override;

    private:
        Vga& vga_;
    };

    IoBus& io_;
    PhysMemory& mem_;
    Clock clock_;
    uint64_t ticks_per_second_;
    LinearFramebuffer lfb_{*this};

    // ---- modelled state (visit) ----
    std::vector<uint8_t> vram_;
    // VRAM past this offset has never been written (all zero): visit() leaves
    // it out, so hashing a machine that never used VBE costs 256 KiB, not megabytes.
    uint32_t vram_used_ = 4 * vga::kPlaneSize;
    uint8_t misc_ = 0;
    uint8_t feature_ = 0;
    uint8_t subsystem_enable_ = 1;
    uint8_t seq_index_ = 0, crtc_index_ = 0, gc_index_ = 0, attr_index_ = 0;
    std::array<uint8_t, vga::kSeqCount> seq_{};
    std::array<uint8_t, vga::kCrtcCount> crtc_{};
    std::array<uint8_t, vga::kGcCount> gc_{};
    std::array<uint8_t, vga::kAttrCount> attr_{};
    bool attr_flipflop_data_ = false;  // the next 0x3C0 write is data, not index
    std::array<uint8_t, 4> latch_{};
    std::array<std::array<uint8_t, 3>, 256> dac_{};
    uint8_t dac_pel_mask_ = 0xFF;
    uint8_t dac_write_index_ = 0, dac_read_index_ = 0, dac_component_ = 0;
    bool dac_reading_ = false;  // last index written was the read index (0x3C7)
    uint16_t dispi_index_ = 0;
    std::array<uint16_t, vga::kDispiCount> dispi_{};
};

// Code page 437 character -> UTF-8 (the PC's glyphs: 0x01 is a smiley, 0xC4
// a box-drawing line...). 0x00 and 0xFF, blank on screen, give a space.
std::string_view cp437_to_utf8(uint8_t ch);

// Reads a VGA BIOS image (e.g. /usr/share/seabios/vgabios-stdvga.bin) to be
// mapped at 0xC0000; throws std::runtime_error naming the file and problem.
std::vector<uint8_t> load_vga_bios(const std::string& path);

}  // namespace amber
