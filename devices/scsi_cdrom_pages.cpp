// The larger, table-like answers of ScsiCdrom: mode pages, the table of
// contents and the feature list of GET CONFIGURATION.
#include "devices/scsi_bytes.hpp"
#include "devices/scsi_cdrom.hpp"

namespace amber {

using namespace scsi;

// One mode page as MODE SENSE returns it. control: 0 current values,
// 1 the mask of changeable bits, 2 default values. Empty: no such page.
std::vector<uint8_t> ScsiCdrom::mode_page(uint8_t page, uint8_t control) const {
    bool mask = control == 1, defaults = control == 2;
    Reply d;
    switch (page) {
    case 0x01:  // read error recovery
        d.u8(0x01);
        d.u8(0x0A);
        d.u8(0);                 // error recovery flags
        d.u8(mask ? 0 : 5);      // read retry count
        d.zeros(8);
        break;
    case 0x0D:  // CD device parameters
        d.u8(0x0D);
        d.u8(0x06);
        d.u8(0);
        d.u8(0);                 // inactivity timer: vendor default
        d.u16(mask ? 0 : 60);    // seconds per minute (MSF units)
        d.u16(mask ? 0 : 75);    // frames per second
        break;
    case 0x0E: {  // CD audio control
        static constexpr uint8_t kDefaultPorts[8] = {0x01, 0xFF, 0x02, 0xFF, 0, 0, 0, 0};
        static constexpr uint8_t kChangeablePorts[8] = {0x0F, 0xFF, 0x0F, 0xFF, 0x0F, 0xFF, 0x0F, 0xFF};
        d.u8(0x0E);
        d.u8(0x0E);
        d.u8(mask ? 0x06 : defaults ? 0x04 : audio_flags_);  // IMMED, SOTC
        d.zeros(5);
        for (size_t i = 0; i < 8; ++i)
            d.u8(mask ? kChangeablePorts[i] : defaults ? kDefaultPorts[i] : audio_ports_[i]);
        break;
    }
    case 0x2A: {  // CD capabilities and mechanical status
        d.u8(0x2A);
        d.u8(0x14);
        if (mask) {
            d.zeros(20);
            break;
        }
        d.u8(0x00);   // reads CD-ROM only (no CD-R/RW/DVD claims)
        d.u8(0x00);   // writes nothing
        d.u8(0x40);   // multi-session (READ TOC format 1 answers); no audio play
        d.u8(0x00);   // no CD-DA extraction, no subchannel, no ISRC/UPC
        // Tray loader, can eject, no prevent jumper, lock state, can lock.
        d.u8(uint8_t(0x20 | 0x08 | 0x04 | (prevent_ ? 0x02 : 0) | 0x01));
        d.u8(0x00);   // no separate volume / mute per channel
        d.u16(kMaxReadSpeed);
        d.u16(256);   // volume levels
        d.u16(0);     // buffer size (KiB): none worth reporting
        d.u16(defaults ? kMaxReadSpeed : read_speed_);
        d.u8(0);
        d.u8(0);      // digital output format
        d.u16(0);     // maximum write speed
        d.u16(0);     // current write speed
        break;
    }
    default: break;
    }
    return std::move(d.bytes);
}

// READ TOC formats: 0 the track list with the lead-out (track 0xAA), 1 the
// last session, 2 the raw ("full") TOC of Q-subchannel entries. The disc is
// always one data track starting at LBA 0.
std::vector<uint8_t> ScsiCdrom::toc(uint8_t format, bool msf, uint8_t track, bool& valid) const {
    constexpr uint8_t kLeadOut = 0xAA, kAdrControl = 0x14;  // ADR 1, data track
    Reply d;
    d.u16(0);  // data length, set at the end
    d.u8(1);   // first track / session
    d.u8(1);   // last track / session
    auto address = [&](uint32_t lba) {
        if (!msf) return d.u32(lba);
        Msf a = lba_to_msf(lba);
        d.u8(0), d.u8(a.m), d.u8(a.s), d.u8(a.f);
    };
    auto descriptor = [&](uint8_t number, uint32_t lba) {
        d.u8(0);
        d.u8(kAdrControl);
        d.u8(number);
        d.u8(0);
        address(lba);
    };
    switch (format) {
    case 0:
        if (track > 1 && track != kLeadOut) {
            valid = false;
            return {};
        }
        if (track <= 1) descriptor(1, 0);
        descriptor(kLeadOut, sectors_);
        break;
    case 1:
        descriptor(1, 0);  // first track of the last session
        break;
    case 2: {
        auto entry = [&](uint8_t point, uint8_t pm, uint8_t ps, uint8_t pf) {
            d.u8(1);  // session
            d.u8(kAdrControl);
            d.u8(0);  // TNO: lead-in
            d.u8(point);
            d.zeros(4);  // ATIME and zero
            d.u8(pm), d.u8(ps), d.u8(pf);
        };
        Msf lead_out = lba_to_msf(sectors_), start = lba_to_msf(0);
        entry(0xA0, 1, 0x00, 0);  // first track; disc type CD-DA / CD-ROM
        entry(0xA1, 1, 0, 0);     // last track
        entry(0xA2, lead_out.m, lead_out.s, lead_out.f);
        entry(1, start.m, start.s, start.f);
        break;
    }
    default: valid = false; return {};
    }
    put_be16(&d.bytes[0], uint16_t(d.size() - 2));
    return std::move(d.bytes);
}

// The feature descriptors of GET CONFIGURATION, in feature-code order.
// rt 0: all from `start` on; 1: those from `start` on that are current;
// 2: only feature `start`.
std::vector<uint8_t> ScsiCdrom::configuration(uint8_t rt, uint16_t start) const {
    constexpr uint16_t kProfileCdRom = 0x0008;
    bool media = has_media();
    Reply d;
    d.u32(0);                             // data length, set at the end
    d.u16(0);
    d.u16(media ? kProfileCdRom : 0);     // current profile
    auto feature = [&](uint16_t code, uint8_t version, bool persistent, bool current,
                       std::initializer_list<uint8_t> data) {
        bool wanted = rt == 2 ? code == start : code >= start && (rt == 0 || current);
        if (!wanted) return;
        d.u16(code);
        d.u8(uint8_t(version << 2 | (persistent ? 2 : 0) | (current ? 1 : 0)));
        d.u8(uint8_t(data.size()));
        d.bytes.insert(d.bytes.end(), data);
    };
    // Profile list: the only profile this drive has is CD-ROM.
    feature(0x0000, 0, true, true, {0x00, 0x08, uint8_t(media ? 1 : 0), 0});
    // Core: physical interface ATAPI (2); no device-busy events, no INQUIRY2.
    feature(0x0001, 1, true, true, {0, 0, 0, 2, 0, 0, 0, 0});
    // Morphing: media changes are reported by polled GESN (OCEvent), no async.
    feature(0x0002, 1, true, true, {0x02, 0, 0, 0});
    // Removable medium: tray loader, can eject, no prevent jumper, lockable.
    feature(0x0003, 0, true, true, {uint8_t(0x20 | 0x08 | 0x04 | 0x01), 0, 0, 0});
    // Random readable: 2048-byte blocks, one per blocking unit.
    feature(0x0010, 0, false, media, {0x00, 0x00, 0x08, 0x00, 0x00, 0x01, 0x00, 0x00});
    // Multi-read and CD read (no CD-Text, C2 or digital audio).
    feature(0x001D, 0, false, media, {});
    feature(0x001E, 0, false, media, {0, 0, 0, 0});
    put_be32(&d.bytes[0], uint32_t(d.size() - 4));
    return std::move(d.bytes);
}

}  // namespace amber
