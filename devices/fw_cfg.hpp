// The firmware configuration interface QEMU gives SeaBIOS (ports 0x510
// selector, 0x511 data): a set of numbered items and a directory of named
// files. Amber uses it to hand the firmware option ROMs it should run
// (the VGA BIOS as "vgaroms/...") and a few facts (one CPU).
//
// Semantics: a 16-bit write to 0x510 selects an item and rewinds it; each
// read of 0x511 returns its next byte, 0 past the end or for an unknown
// item. Writes to items are ignored (Amber's items are read-only), and the
// DMA interface is not offered (the ID item says so).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "machine/device.hpp"
#include "machine/io_bus.hpp"

namespace amber {

class FwCfg final : public Device, public IoHandler {
public:
    static constexpr uint16_t kSelectorPort = 0x510, kDataPort = 0x511;

    explicit FwCfg(IoBus& io);
    ~FwCfg() override;

    std::string_view name() const override { return "fw_cfg"; }
    void reset() override;
    void visit(Archive& ar) override;

    uint32_t io_read(uint16_t port, unsigned size) override;
    void io_write(uint16_t port, uint32_t value, unsigned size) override;

    void add_item(uint16_t key, std::vector<uint8_t> data);
    void add_file(const std::string& name, std::vector<uint8_t> data);  // name at most 55 bytes

private:
    void rebuild_directory();

    IoBus& io_;
    std::map<uint16_t, std::vector<uint8_t>> items_;
    std::vector<std::string> file_names_;
    uint16_t selected_ = 0;
    uint32_t offset_ = 0;
};

}  // namespace amber
