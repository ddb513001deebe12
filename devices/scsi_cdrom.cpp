#include "devices/scsi_cdrom.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "devices/scsi_bytes.hpp"
#include "machine/log.hpp"

namespace amber {

using namespace scsi;

namespace {

constexpr uint8_t kUaNone = 0, kUaPowerOn = 1, kUaMediumChanged = 2;
// Media event codes of GET EVENT STATUS NOTIFICATION.
constexpr uint8_t kEventNone = 0, kEventEjectRequest = 1, kEventNewMedia = 2, kEventMediaRemoval = 3;
// Larger than any reply this drive builds (a raw sector is 2352 bytes).
constexpr uint32_t kMaxBuffer = 65536;

// Commands that run, and do not consume, a pending unit attention (MMC:
// a host must be able to ask what happened without losing the news).
bool ignores_unit_attention(uint8_t op) {
    return op == INQUIRY || op == REQUEST_SENSE || op == GET_CONFIGURATION || op == GET_EVENT_STATUS_NOTIFICATION;
}

}  // namespace

ScsiCdrom::ScsiCdrom() { reset(); }
ScsiCdrom::~ScsiCdrom() = default;

std::unique_ptr<BlockImage> ScsiCdrom::open_image(const std::string& path) {
    return BlockImage::open(path, BlockImage::Mode::ReadOnly, kSectorSize);
}

void ScsiCdrom::insert(std::unique_ptr<BlockImage> image) {
    if (!image) return eject();
    if (image->size() == 0 || image->size() % kSectorSize)
        throw ImageError(fmt::format("CD image '{}' is {} bytes, not a whole number of {}-byte sectors",
                                     image->path(), image->size(), kSectorSize));
    if (image->size() / kSectorSize > 0xFFFFFFFFull)
        throw ImageError(fmt::format("CD image '{}' is too large ({} bytes)", image->path(), image->size()));
    image_ = std::move(image);
    sectors_ = uint32_t(image_->size() / kSectorSize);
    tray_open_ = true;  // the disc goes in through the tray
    close_tray();
}

void ScsiCdrom::eject() {
    if (has_media()) media_event_ = kEventMediaRemoval;
    image_.reset();
    sectors_ = 0;
    tray_open_ = false;  // taken out and the tray pushed back: empty and closed
}

bool ScsiCdrom::press_eject_button() {
    if (prevent_) {
        media_event_ = kEventEjectRequest;  // the guest decides
        return false;
    }
    open_tray();
    return true;
}

void ScsiCdrom::open_tray() {
    if (tray_open_) return;
    tray_open_ = true;
    if (image_) media_event_ = kEventMediaRemoval;
}

void ScsiCdrom::close_tray() {
    if (!tray_open_) return;
    tray_open_ = false;
    if (image_) {
        unit_attention_ = kUaMediumChanged;
        media_event_ = kEventNewMedia;
    }
}

void ScsiCdrom::reset() {
    sense_ = kNoSense;
    unit_attention_ = kUaPowerOn;
    media_event_ = has_media() ? kEventNewMedia : kEventNone;
    prevent_ = false;
    read_speed_ = kMaxReadSpeed;
    last_lba_ = 0;
    audio_ports_ = {0x01, 0xFF, 0x02, 0xFF, 0, 0, 0, 0};
    audio_flags_ = 0x04;
    abort_transfer();
    stream_lba_ = 0;
    stream_fmt_ = {};
}

void ScsiCdrom::visit(Archive& ar) {
    ar.field("sense_key", sense_.key);
    ar.field("sense_asc", sense_.asc);
    ar.field("sense_ascq", sense_.ascq);
    ar.field("unit_attention", unit_attention_);
    ar.field("media_event", media_event_);
    ar.field("tray_open", tray_open_);
    ar.field("prevent", prevent_);
    ar.field("read_speed", read_speed_);
    ar.field("last_lba", last_lba_);
    ar.bytes("audio_ports", audio_ports_);
    ar.field("audio_flags", audio_flags_);
    uint32_t size = uint32_t(buffer_.size());
    ar.field("buffer_size", size);
    if (ar.loading()) buffer_.resize(std::min(size, kMaxBuffer));
    ar.bytes("buffer", buffer_);
    ar.field("buffer_pos", buffer_pos_);
    ar.field("remaining", remaining_);
    ar.field("streaming", streaming_);
    ar.field("stream_lba", stream_lba_);
    ar.field("stream_sync", stream_fmt_.sync);
    ar.field("stream_header", stream_fmt_.header);
    ar.field("stream_user", stream_fmt_.user);
    if (ar.loading()) {
        // A state file is guest-controlled input: keep the transfer consistent.
        buffer_pos_ = std::min<uint32_t>(buffer_pos_, uint32_t(buffer_.size()));
        uint64_t buffered = buffer_.size() - buffer_pos_;
        if (!streaming_) remaining_ = std::min(remaining_, buffered);
        if (streaming_ && (!has_media() || stream_fmt_.bytes() == 0)) remaining_ = 0;
        if (unit_attention_ > kUaMediumChanged) unit_attention_ = kUaNone;
    }
}

// ---- command flow -------------------------------------------------------

void ScsiCdrom::abort_transfer() {
    buffer_.clear();
    buffer_pos_ = 0;
    remaining_ = 0;
    streaming_ = false;
}

size_t ScsiCdrom::data_out_length(std::span<const uint8_t> cdb) const {
    if (cdb.empty()) return 0;
    if (cdb[0] == MODE_SELECT_6 && cdb.size() > 4) return cdb[4];
    if (cdb[0] == MODE_SELECT_10 && cdb.size() > 8) return be16(&cdb[7]);
    return 0;
}

ScsiCdrom::Result ScsiCdrom::execute(std::span<const uint8_t> cdb_in, std::span<const uint8_t> data_out) {
    abort_transfer();  // whatever is left of the previous data-in phase
    // Fields past the end of a short CDB read as zero.
    std::array<uint8_t, 16> cdb{};
    std::copy_n(cdb_in.begin(), std::min(cdb_in.size(), cdb.size()), cdb.begin());
    uint8_t op = cdb[0];
    if (unit_attention_ != kUaNone && !ignores_unit_attention(op)) {
        Sense ua = unit_attention_ == kUaPowerOn ? kPowerOnReset : kMediumChanged;
        unit_attention_ = kUaNone;
        return fail(ua);
    }
    Result r = dispatch(cdb, data_out);
    log::get("cdrom")->trace("cmd {:#04x}: {} (sense {:x}/{:02x}/{:02x}), {} bytes in", op, r.ok ? "ok" : "check",
                             sense_.key, sense_.asc, sense_.ascq, r.length);
    return r;
}

ScsiCdrom::Result ScsiCdrom::good(std::vector<uint8_t> data, size_t allocation) {
    if (data.size() > allocation) data.resize(allocation);
    sense_ = kNoSense;
    remaining_ = data.size();
    buffer_ = std::move(data);
    return {true, remaining_};
}

ScsiCdrom::Result ScsiCdrom::fail(const Sense& s) {
    sense_ = s;
    return {false, 0};
}

bool ScsiCdrom::ready_or_fail(Result& r) {
    if (has_media()) return true;
    r = fail(tray_open_ ? kNoMediumTrayOpen : kNoMediumTrayClosed);
    return false;
}

ScsiCdrom::Result ScsiCdrom::dispatch(std::span<const uint8_t> c, std::span<const uint8_t> data_out) {
    Result r;
    switch (c[0]) {
    case TEST_UNIT_READY:
        if (!ready_or_fail(r)) return r;
        return good();
    case REQUEST_SENSE: return cmd_request_sense(c);
    case INQUIRY: return cmd_inquiry(c);
    case MODE_SELECT_6:
    case MODE_SELECT_10: return cmd_mode_select(c, data_out);
    case MODE_SENSE_6:
    case MODE_SENSE_10: return cmd_mode_sense(c);
    case START_STOP_UNIT: return cmd_start_stop(c);
    case PREVENT_ALLOW_MEDIUM_REMOVAL:
        prevent_ = c[4] & 0x01;
        return good();
    case READ_CAPACITY:
        if (!ready_or_fail(r)) return r;
        return cmd_read_capacity();
    case READ_10:
        if (!ready_or_fail(r)) return r;
        return start_read(be32(&c[2]), be16(&c[7]), {});
    case READ_12:
        if (!ready_or_fail(r)) return r;
        return start_read(be32(&c[2]), be32(&c[6]), {});
    case READ_CD:
    case READ_CD_MSF:
        if (!ready_or_fail(r)) return r;
        return cmd_read_cd(c);
    case SEEK_10:
        if (!ready_or_fail(r)) return r;
        if (be32(&c[2]) >= sectors_) return fail(kLbaOutOfRange);
        last_lba_ = be32(&c[2]);
        return good();
    case READ_TOC:
        if (!ready_or_fail(r)) return r;
        return cmd_read_toc(c);
    case READ_SUBCHANNEL:
        if (!ready_or_fail(r)) return r;
        return cmd_read_subchannel(c);
    case GET_CONFIGURATION: return cmd_get_configuration(c);
    case GET_EVENT_STATUS_NOTIFICATION: return cmd_get_event_status(c);
    case READ_DISC_INFORMATION:
        if (!ready_or_fail(r)) return r;
        return cmd_read_disc_information(c);
    case READ_TRACK_INFORMATION:
        if (!ready_or_fail(r)) return r;
        return cmd_read_track_information(c);
    case SET_CD_SPEED: return cmd_set_cd_speed(c);
    case MECHANISM_STATUS: return cmd_mechanism_status(c);
    default:
        log::get("cdrom")->debug("unsupported command {:#04x}", c[0]);
        return fail(kInvalidOpcode);
    }
}

// ---- reads ---------------------------------------------------------------

ScsiCdrom::Result ScsiCdrom::start_read(uint64_t lba, uint64_t count, SectorFormat fmt) {
    if (lba + count > sectors_) return fail(kLbaOutOfRange);
    sense_ = kNoSense;
    streaming_ = count > 0 && fmt.bytes() > 0;
    stream_lba_ = lba;
    stream_fmt_ = fmt;
    remaining_ = streaming_ ? count * fmt.bytes() : 0;
    if (count == 0) last_lba_ = uint32_t(std::min<uint64_t>(lba, sectors_ ? sectors_ - 1 : 0));
    return {true, remaining_};
}

// READ CD and READ CD MSF: a data disc has Mode 1 sectors; of their raw
// layout this drive returns sync, header and user data, not EDC/ECC.
ScsiCdrom::Result ScsiCdrom::cmd_read_cd(std::span<const uint8_t> c) {
    uint8_t type = (c[1] >> 2) & 7;  // expected sector type: 0 any, 2 Mode 1
    if (type != 0 && type != 2) return fail(kIllegalModeForTrack);
    uint8_t flags = c[9];
    if (flags & 0x08) return fail(kInvalidFieldInCdb);  // EDC/ECC: not generated
    if (flags & 0x06) return fail(kInvalidFieldInCdb);  // C2 error information
    if (c[10] & 0x07) return fail(kInvalidFieldInCdb);  // subchannel data
    SectorFormat fmt;
    fmt.sync = flags & 0x80;
    uint8_t headers = (flags >> 5) & 3;  // 1 header, 2 subheader (none in Mode 1), 3 both
    fmt.header = headers == 1 || headers == 3;
    fmt.user = flags & 0x10;
    uint64_t lba, count;
    if (c[0] == READ_CD) {
        lba = be32(&c[2]);
        count = be24(&c[6]);
    } else {
        int64_t start = msf_to_lba(c[3], c[4], c[5]), end = msf_to_lba(c[6], c[7], c[8]);
        if (start < 0 || end < start) return fail(kInvalidFieldInCdb);
        lba = uint64_t(start);
        count = uint64_t(end - start);
    }
    return start_read(lba, count, fmt);
}

bool ScsiCdrom::fill_sector_buffer() {
    if (!has_media() || stream_lba_ >= sectors_) {
        sense_ = kUnrecoveredReadError;
        remaining_ = 0;
        return false;
    }
    buffer_.assign(stream_fmt_.bytes(), 0);
    uint8_t* p = buffer_.data();
    if (stream_fmt_.sync) {
        std::memset(p + 1, 0xFF, 10);  // 00 FF*10 00
        p += 12;
    }
    if (stream_fmt_.header) {
        Msf a = lba_to_msf(stream_lba_);
        auto bcd = [](uint8_t v) { return uint8_t((v / 10) << 4 | v % 10); };
        p[0] = bcd(a.m), p[1] = bcd(a.s), p[2] = bcd(a.f), p[3] = 0x01;  // Mode 1
        p += 4;
    }
    if (stream_fmt_.user && !image_->read(stream_lba_ * kSectorSize, std::span(p, kSectorSize))) {
        log::get("cdrom")->error("reading sector {} of '{}' failed", stream_lba_, image_->path());
        sense_ = kUnrecoveredReadError;
        remaining_ = 0;
        return false;
    }
    last_lba_ = uint32_t(stream_lba_);
    ++stream_lba_;
    buffer_pos_ = 0;
    return true;
}

size_t ScsiCdrom::read_data(std::span<uint8_t> out) {
    size_t done = 0;
    while (done < out.size() && remaining_ > 0) {
        if (buffer_pos_ >= buffer_.size()) {
            if (!streaming_ || !fill_sector_buffer()) {
                remaining_ = 0;
                break;
            }
        }
        size_t n = std::min<uint64_t>({out.size() - done, buffer_.size() - buffer_pos_, remaining_});
        std::memcpy(out.data() + done, buffer_.data() + buffer_pos_, n);
        done += n;
        buffer_pos_ += uint32_t(n);
        remaining_ -= n;
    }
    if (remaining_ == 0) abort_transfer();  // done: free the buffer
    return done;
}

// ---- small commands --------------------------------------------------------

// Fixed-format sense data (SPC). The sense of the last command, or, if it
// succeeded, what the drive would say about itself now.
ScsiCdrom::Result ScsiCdrom::cmd_request_sense(std::span<const uint8_t> c) {
    Sense s = sense_;
    if (s == kNoSense && unit_attention_ != kUaNone) {
        s = unit_attention_ == kUaPowerOn ? kPowerOnReset : kMediumChanged;
        unit_attention_ = kUaNone;
    } else if (s == kNoSense && !has_media()) {
        s = tray_open_ ? kNoMediumTrayOpen : kNoMediumTrayClosed;
    }
    std::vector<uint8_t> d(18, 0);
    d[0] = 0x70;  // current error, fixed format, information field not valid
    d[2] = s.key;
    d[7] = 10;    // additional sense length
    d[12] = s.asc;
    d[13] = s.ascq;
    return good(std::move(d), c[4]);
}

ScsiCdrom::Result ScsiCdrom::cmd_inquiry(std::span<const uint8_t> c) {
    size_t alloc = be16(&c[3]);
    bool evpd = c[1] & 0x01;
    if (c[1] & 0x02) return fail(kInvalidFieldInCdb);  // CmdDt (obsolete)
    if (!evpd) {
        if (c[2] != 0) return fail(kInvalidFieldInCdb);
        std::vector<uint8_t> d(36, ' ');
        d[0] = 0x05;  // peripheral qualifier 0, device type 5: CD/DVD
        d[1] = 0x80;  // removable medium
        d[2] = 0x05;  // SPC-3
        d[3] = 0x02;  // response data format 2
        d[4] = uint8_t(d.size() - 5);
        d[5] = d[6] = d[7] = 0;
        std::memcpy(&d[8], "AMBER", 5);      // vendor, 8 bytes
        std::memcpy(&d[16], "CD-ROM", 6);    // product, 16 bytes
        std::memcpy(&d[32], "1.0", 3);       // revision, 4 bytes
        return good(std::move(d), alloc);
    }
    // Vital product data: the list of pages and a unit serial number.
    static constexpr char kSerial[] = "AMBERCD0001";
    Reply d;
    d.u8(0x05);
    d.u8(c[2]);
    d.u16(0);  // page length, set below
    if (c[2] == 0x00) {
        d.u8(0x00), d.u8(0x80);
    } else if (c[2] == 0x80) {
        for (char ch : std::string_view(kSerial)) d.u8(uint8_t(ch));
    } else {
        return fail(kInvalidFieldInCdb);
    }
    put_be16(&d.bytes[2], uint16_t(d.size() - 4));
    return good(std::move(d.bytes), alloc);
}

ScsiCdrom::Result ScsiCdrom::cmd_read_capacity() {
    std::vector<uint8_t> d(8);
    put_be32(&d[0], sectors_ - 1);  // last logical block
    put_be32(&d[4], kSectorSize);
    return good(std::move(d), 8);
}

ScsiCdrom::Result ScsiCdrom::cmd_read_toc(std::span<const uint8_t> c) {
    bool msf = c[1] & 0x02;
    uint8_t format = c[2] & 0x0F;
    if (format == 0) format = c[9] >> 6;  // SFF-8020i put the format in the control byte
    bool valid = true;
    std::vector<uint8_t> d = toc(format, msf, c[6], valid);
    if (!valid) return fail(kInvalidFieldInCdb);
    return good(std::move(d), be16(&c[7]));
}

// Current position (format 1), media catalogue number (2) and track ISRC
// (3). No audio is ever playing; MCN and ISRC are reported as absent.
ScsiCdrom::Result ScsiCdrom::cmd_read_subchannel(std::span<const uint8_t> c) {
    bool msf = c[1] & 0x02;
    bool subq = c[2] & 0x40;
    uint8_t format = c[3];
    Reply d;
    d.u8(0);
    d.u8(0x15);  // audio status: none to report
    d.u16(0);    // sub-channel data length, set below
    if (subq) {
        auto address = [&](uint32_t lba) {
            if (!msf) return d.u32(lba);
            Msf a = lba_to_msf(lba);
            d.u8(0), d.u8(a.m), d.u8(a.s), d.u8(a.f);
        };
        switch (format) {
        case 0x01:
            d.u8(0x01);
            d.u8(0x14);  // ADR 1 (position), control 4 (data track)
            d.u8(1);     // track
            d.u8(1);     // index
            address(last_lba_);  // absolute
            address(last_lba_);  // relative to the track start (LBA 0)
            break;
        case 0x02:
            d.u8(0x02);
            d.zeros(3);
            d.zeros(16);  // MCVal clear, no catalogue number
            break;
        case 0x03:
            if (c[6] != 1) return fail(kInvalidFieldInCdb);
            d.u8(0x03);
            d.u8(0x14);
            d.u8(1);
            d.u8(0);
            d.zeros(16);  // TCVal clear, no ISRC
            break;
        default: return fail(kInvalidFieldInCdb);
        }
    }
    put_be16(&d.bytes[2], uint16_t(d.size() - 4));
    return good(std::move(d.bytes), be16(&c[7]));
}

ScsiCdrom::Result ScsiCdrom::cmd_get_configuration(std::span<const uint8_t> c) {
    uint8_t rt = c[1] & 0x03;
    if (rt == 3) return fail(kInvalidFieldInCdb);
    return good(configuration(rt, be16(&c[2])), be16(&c[7]));
}

// Polled operation only, media class only (both allowed by MMC).
ScsiCdrom::Result ScsiCdrom::cmd_get_event_status(std::span<const uint8_t> c) {
    if (!(c[1] & 0x01)) return fail(kInvalidFieldInCdb);  // asynchronous operation
    constexpr uint8_t kMediaClass = 4;
    Reply d;
    if (c[4] & (1u << kMediaClass)) {
        d.u16(6);            // event data length after this field
        d.u8(kMediaClass);
        d.u8(1u << kMediaClass);  // supported classes
        d.u8(media_event_);
        d.u8(uint8_t((has_media() ? 0x02 : 0) | (tray_open_ ? 0x01 : 0)));
        d.u8(0);             // start slot
        d.u8(0);             // end slot
        media_event_ = kEventNone;
    } else {
        d.u16(2);
        d.u8(0x80);          // NEA: no event of a requested class is available
        d.u8(1u << kMediaClass);
    }
    return good(std::move(d.bytes), be16(&c[7]));
}

ScsiCdrom::Result ScsiCdrom::cmd_mode_sense(std::span<const uint8_t> c) {
    bool ten = c[0] == MODE_SENSE_10;
    uint8_t control = c[2] >> 6;  // 0 current, 1 changeable, 2 default, 3 saved
    uint8_t page = c[2] & 0x3F;
    if (control == 3) return fail(kSavingNotSupported);
    if (c[3] != 0) return fail(kInvalidFieldInCdb);  // no subpages
    std::vector<uint8_t> pages;
    if (page == 0x3F) {
        for (uint8_t p : {0x01, 0x0D, 0x0E, 0x2A}) {
            auto one = mode_page(p, control);
            pages.insert(pages.end(), one.begin(), one.end());
        }
    } else {
        pages = mode_page(page, control);
        if (pages.empty()) return fail(kInvalidFieldInCdb);
    }
    // Medium type (SFF-8020i): 120 mm data disc, or no disc with the door
    // closed / open. No block descriptors (MMC drives need none).
    uint8_t medium = has_media() ? 0x01 : tray_open_ ? 0x71 : 0x70;
    Reply d;
    if (ten) {
        d.u16(uint16_t(6 + pages.size()));
        d.u8(medium);
        d.zeros(5);
    } else {
        d.u8(uint8_t(std::min<size_t>(3 + pages.size(), 255)));
        d.u8(medium);
        d.zeros(2);
    }
    d.bytes.insert(d.bytes.end(), pages.begin(), pages.end());
    return good(std::move(d.bytes), ten ? be16(&c[7]) : c[4]);
}

// Parameters are accepted and checked for shape; only the audio control
// page (channel routing and volume) is kept, so MODE SENSE gives it back.
ScsiCdrom::Result ScsiCdrom::cmd_mode_select(std::span<const uint8_t> c, std::span<const uint8_t> data) {
    bool ten = c[0] == MODE_SELECT_10;
    if (c[1] & 0x01) return fail(kInvalidFieldInCdb);  // SP: nothing can be saved
    data = data.first(std::min(data.size(), data_out_length(c)));
    size_t header = ten ? 8 : 4;
    if (data.size() < header) return data.empty() ? good() : fail(kInvalidFieldInParameterList);
    size_t pos = header + (ten ? be16(&data[6]) : data[3]);  // skip block descriptors
    while (pos + 2 <= data.size()) {
        uint8_t page = data[pos] & 0x3F;
        size_t len = data[pos + 1];
        if (pos + 2 + len > data.size()) return fail(kInvalidFieldInParameterList);
        if (page == 0x0E) {
            if (len < 14) return fail(kInvalidFieldInParameterList);
            audio_flags_ = data[pos + 2] & 0x06;
            for (size_t i = 0; i < 4; ++i) {
                audio_ports_[2 * i] = data[pos + 8 + 2 * i] & 0x0F;
                audio_ports_[2 * i + 1] = data[pos + 9 + 2 * i];
            }
        }
        pos += 2 + len;
    }
    return good();
}

ScsiCdrom::Result ScsiCdrom::cmd_start_stop(std::span<const uint8_t> c) {
    if (c[4] & 0xF0) return good();  // a power condition: nothing else happens
    bool load_eject = c[4] & 0x02, start = c[4] & 0x01;
    if (load_eject && !start) {
        if (prevent_) return fail(kMediumRemovalPrevented);
        open_tray();
    } else if (load_eject && start) {
        close_tray();
    }
    return good();
}

ScsiCdrom::Result ScsiCdrom::cmd_set_cd_speed(std::span<const uint8_t> c) {
    uint16_t speed = be16(&c[2]);  // kB/s; 0xFFFF: as fast as possible
    read_speed_ = std::clamp<uint16_t>(speed, 176, kMaxReadSpeed);
    return good();
}

// A pressed disc: complete, one session, one track.
ScsiCdrom::Result ScsiCdrom::cmd_read_disc_information(std::span<const uint8_t> c) {
    if (c[1] & 0x07) return fail(kInvalidFieldInCdb);  // only standard disc information
    Reply d;
    d.u16(32);      // length after this field
    d.u8(0x0E);     // not erasable, last session complete, disc complete
    d.u8(1);        // first track on disc
    d.u8(1);        // sessions (LSB)
    d.u8(1);        // first track in last session (LSB)
    d.u8(1);        // last track in last session (LSB)
    d.u8(0);        // no disc ID / bar code / application code valid
    d.u8(0x00);     // disc type: CD-DA or CD-ROM
    d.zeros(3);     // MSBs of the three counts above
    d.u32(0);       // disc identification
    d.u32(0xFFFFFFFF);  // last session lead-in start: none (complete disc)
    d.u32(0xFFFFFFFF);  // last possible lead-out start: none
    d.zeros(8);     // bar code
    d.u8(0);        // disc application code
    d.u8(0);        // OPC tables
    return good(std::move(d.bytes), be16(&c[7]));
}

ScsiCdrom::Result ScsiCdrom::cmd_read_track_information(std::span<const uint8_t> c) {
    uint32_t value = be32(&c[2]);
    switch (c[1] & 0x03) {
    case 0: if (value >= sectors_) return fail(kInvalidFieldInCdb); break;  // LBA inside track 1
    case 1: if (value != 1) return fail(kInvalidFieldInCdb); break;        // track number
    case 2: if (value != 1) return fail(kInvalidFieldInCdb); break;        // session number
    default: return fail(kInvalidFieldInCdb);
    }
    Reply d;
    d.u16(34);      // length after this field
    d.u8(1);        // track number (LSB)
    d.u8(1);        // session number (LSB)
    d.u8(0);
    d.u8(0x04);     // track mode: data, recorded uninterrupted
    d.u8(0x01);     // data mode 1
    d.u8(0);        // next writable / last recorded address not valid
    d.u32(0);       // track start
    d.u32(0);       // next writable address
    d.u32(0);       // free blocks
    d.u32(0);       // fixed packet size
    d.u32(sectors_);      // track size
    d.u32(sectors_ - 1);  // last recorded address
    d.u8(0);        // track number (MSB)
    d.u8(0);        // session number (MSB)
    d.zeros(2);
    return good(std::move(d.bytes), be16(&c[7]));
}

// A single-disc drive, not a changer: just the header.
ScsiCdrom::Result ScsiCdrom::cmd_mechanism_status(std::span<const uint8_t> c) {
    Reply d;
    d.u8(0);                             // no fault, changer ready, slot 0
    d.u8(tray_open_ ? 0x10 : 0x00);      // mechanism idle; door open
    uint32_t lba = std::min<uint32_t>(last_lba_, 0xFFFFFF);
    d.u8(uint8_t(lba >> 16)), d.u8(uint8_t(lba >> 8)), d.u8(uint8_t(lba));
    d.u8(0);                             // slots
    d.u16(0);                            // slot table length
    return good(std::move(d.bytes), be16(&c[8]));
}

}  // namespace amber
