// The command set of a CD-ROM drive (SCSI MMC over SPC), independent of the
// wire that carries it: an IDE/ATAPI channel hands it 12-byte packets, a
// SCSI host adapter would hand it CDBs. The disc is an ISO image: a data
// track of 2048-byte Mode 1 sectors starting at LBA 0, one session.
//
// One command at a time:
//   1. data_out_length(cdb): how many bytes the host sends with this command
//      (only MODE SELECT has a data-out phase). The transport collects them.
//   2. execute(cdb, data_out): runs the command. Result.ok false means CHECK
//      CONDITION; sense() then holds the reason (the ATAPI error register is
//      sense_key << 4) until the next command replaces it.
//   3. Result.length bytes of data-in follow (already cut to the command's
//      allocation length); the transport pulls them with read_data() in
//      pieces of any size, e.g. one DRQ block at a time. Read commands stream
//      their sectors from the image on demand, so a large READ never builds a
//      large buffer. When read_data() returns fewer bytes than asked, the
//      image could not be read: sense() says MEDIUM ERROR and the command
//      ends with CHECK CONDITION.
//
// Unit attention is reported by the first command after the event except
// INQUIRY, REQUEST SENSE, GET CONFIGURATION and GET EVENT STATUS
// NOTIFICATION, which run normally and leave it pending (REQUEST SENSE
// reports it, and clears it, when the last command left no sense).
//
// Not a Device of its own: the drive that carries it (the ATAPI device)
// forwards its reset() and visit().
//
// Modelled: sense data with REQUEST SENSE; unit attention (power on / reset,
// then "not ready to ready change" once after each disc load); a tray that
// opens (START STOP UNIT eject, refused while PREVENT ALLOW MEDIUM REMOVAL
// holds it) and closes again with the same disc; media events for GET EVENT
// STATUS NOTIFICATION; the mode pages an OS reads (with the audio-control
// page writable through MODE SELECT); the SET CD SPEED read speed.
//
// Not modelled, on purpose: audio (PLAY AUDIO is an invalid opcode; the
// audio status is always "none"), subchannel and C2 data in READ CD, EDC/ECC
// bytes (READ CD asking for them is refused), mixed-mode or multi-session
// discs, and time: every command completes at once and the disc is ready the
// moment the tray closes.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "devices/block_image.hpp"
#include "machine/archive.hpp"

namespace amber {

namespace scsi {
// Opcodes (SPC / MMC).
constexpr uint8_t TEST_UNIT_READY = 0x00, REQUEST_SENSE = 0x03, INQUIRY = 0x12, MODE_SELECT_6 = 0x15,
                  MODE_SENSE_6 = 0x1A, START_STOP_UNIT = 0x1B, PREVENT_ALLOW_MEDIUM_REMOVAL = 0x1E,
                  READ_CAPACITY = 0x25, READ_10 = 0x28, SEEK_10 = 0x2B, READ_SUBCHANNEL = 0x42,
                  READ_TOC = 0x43, GET_CONFIGURATION = 0x46, GET_EVENT_STATUS_NOTIFICATION = 0x4A,
                  READ_DISC_INFORMATION = 0x51, READ_TRACK_INFORMATION = 0x52, MODE_SELECT_10 = 0x55,
                  MODE_SENSE_10 = 0x5A, READ_12 = 0xA8, READ_CD_MSF = 0xB9, SET_CD_SPEED = 0xBB,
                  MECHANISM_STATUS = 0xBD, READ_CD = 0xBE;

// Sense keys.
constexpr uint8_t NO_SENSE = 0x0, NOT_READY = 0x2, MEDIUM_ERROR = 0x3, ILLEGAL_REQUEST = 0x5,
                  UNIT_ATTENTION = 0x6;

// Sense data of one command: key plus additional sense code and qualifier.
struct Sense {
    uint8_t key = NO_SENSE, asc = 0, ascq = 0;
    bool operator==(const Sense&) const = default;
};

// The conditions this drive reports.
constexpr Sense kNoSense{};
constexpr Sense kInvalidOpcode{ILLEGAL_REQUEST, 0x20, 0x00};
constexpr Sense kLbaOutOfRange{ILLEGAL_REQUEST, 0x21, 0x00};
constexpr Sense kInvalidFieldInCdb{ILLEGAL_REQUEST, 0x24, 0x00};
constexpr Sense kInvalidFieldInParameterList{ILLEGAL_REQUEST, 0x26, 0x00};
constexpr Sense kSavingNotSupported{ILLEGAL_REQUEST, 0x39, 0x00};
constexpr Sense kMediumRemovalPrevented{ILLEGAL_REQUEST, 0x53, 0x02};
constexpr Sense kIllegalModeForTrack{ILLEGAL_REQUEST, 0x64, 0x00};
constexpr Sense kNoMediumTrayClosed{NOT_READY, 0x3A, 0x01};
constexpr Sense kNoMediumTrayOpen{NOT_READY, 0x3A, 0x02};
constexpr Sense kMediumChanged{UNIT_ATTENTION, 0x28, 0x00};  // not ready to ready change
constexpr Sense kPowerOnReset{UNIT_ATTENTION, 0x29, 0x00};
constexpr Sense kUnrecoveredReadError{MEDIUM_ERROR, 0x11, 0x00};
}  // namespace scsi

class ScsiCdrom {
public:
    static constexpr uint32_t kSectorSize = 2048;
    // Reported as the maximum read speed: 40x, in kB/s (1x = 176.4 kB/s).
    static constexpr uint16_t kMaxReadSpeed = 7056;

    struct Result {
        bool ok = false;      // GOOD status; false: CHECK CONDITION, see sense()
        uint64_t length = 0;  // bytes in the data-in phase, to pull with read_data()
    };

    ScsiCdrom();
    ~ScsiCdrom();

    // Opens an ISO file read-only; throws ImageError with a one-line reason
    // (missing, unreadable, empty, not a whole number of 2048-byte sectors).
    static std::unique_ptr<BlockImage> open_image(const std::string& path);

    // The user (or the configuration) puts a disc in and closes the tray: the
    // next command reports the medium change. Replaces any disc. Throws
    // ImageError if the image is not a whole number of 2048-byte sectors.
    void insert(std::unique_ptr<BlockImage> image);
    // The user takes the disc out (the host side: not refused by PREVENT).
    void eject();
    // The user presses the eject button: honoured unless the guest has
    // locked the tray, in which case the guest is told (media event
    // "eject request") and decides. Returns whether the tray opened.
    bool press_eject_button();

    bool has_media() const { return image_ && !tray_open_; }
    bool tray_open() const { return tray_open_; }
    bool removal_prevented() const { return prevent_; }
    uint32_t capacity() const { return sectors_; }  // sectors of the disc in the tray (0: none)

    // Power-on / hardware reset of the drive (ATAPI DEVICE RESET does not
    // call this: it keeps the sense and the lock, as a soft reset does).
    void reset();

    size_t data_out_length(std::span<const uint8_t> cdb) const;
    Result execute(std::span<const uint8_t> cdb, std::span<const uint8_t> data_out = {});
    // The next bytes of the current data-in phase; returns how many were
    // produced (fewer than out.size() at its end, or on a read error).
    size_t read_data(std::span<uint8_t> out);
    uint64_t data_remaining() const { return remaining_; }
    // Drops the rest of the data-in phase (a device reset, a host abort).
    // Sense, lock and unit attention stay, as after an ATAPI soft reset.
    void abort_transfer();

    // Sense of the last command (NO SENSE after a good one).
    const scsi::Sense& sense() const { return sense_; }

    void visit(Archive& ar);

private:
    // Which parts of a raw 2352-byte sector a streamed read returns.
    struct SectorFormat {
        bool sync = false, header = false, user = true;
        uint32_t bytes() const { return (sync ? 12 : 0) + (header ? 4 : 0) + (user ? kSectorSize : 0); }
    };

    Result dispatch(std::span<const uint8_t> cdb, std::span<const uint8_t> data_out);
    Result good(std::vector<uint8_t> data, size_t allocation);
    Result good() { return good({}, 0); }
    Result fail(const scsi::Sense& s);
    bool ready_or_fail(Result& r);  // NOT READY without a disc
    Result start_read(uint64_t lba, uint64_t count, SectorFormat fmt);
    bool fill_sector_buffer();

    Result cmd_request_sense(std::span<const uint8_t> cdb);
    Result cmd_inquiry(std::span<const uint8_t> cdb);
    Result cmd_read_capacity();
    Result cmd_read_cd(std::span<const uint8_t> cdb);
    Result cmd_read_toc(std::span<const uint8_t> cdb);
    Result cmd_read_subchannel(std::span<const uint8_t> cdb);
    Result cmd_get_configuration(std::span<const uint8_t> cdb);
    Result cmd_get_event_status(std::span<const uint8_t> cdb);
    Result cmd_mode_sense(std::span<const uint8_t> cdb);
    Result cmd_mode_select(std::span<const uint8_t> cdb, std::span<const uint8_t> data_out);
    Result cmd_start_stop(std::span<const uint8_t> cdb);
    Result cmd_set_cd_speed(std::span<const uint8_t> cdb);
    Result cmd_read_disc_information(std::span<const uint8_t> cdb);
    Result cmd_read_track_information(std::span<const uint8_t> cdb);
    Result cmd_mechanism_status(std::span<const uint8_t> cdb);

    // Builders for the larger answers (scsi_cdrom_pages.cpp).
    std::vector<uint8_t> mode_page(uint8_t page, uint8_t control) const;
    std::vector<uint8_t> toc(uint8_t format, bool msf, uint8_t track, bool& valid) const;
    std::vector<uint8_t> configuration(uint8_t rt, uint16_t start) const;

    void open_tray();
    void close_tray();

    std::unique_ptr<BlockImage> image_;
    uint32_t sectors_ = 0;

    // ---- modelled state (visit) ----
    scsi::Sense sense_;
    uint8_t unit_attention_ = 0;   // 0 none, 1 power on, 2 medium changed
    uint8_t media_event_ = 0;      // pending GESN media event code (0: no change)
    bool tray_open_ = false;
    bool prevent_ = false;
    uint16_t read_speed_ = kMaxReadSpeed;
    uint32_t last_lba_ = 0;        // head position: MECHANISM STATUS, READ SUBCHANNEL
    std::array<uint8_t, 8> audio_ports_{0x01, 0xFF, 0x02, 0xFF, 0, 0, 0, 0};  // mode page 0x0E bytes 8-15
    uint8_t audio_flags_ = 0x04;   // mode page 0x0E byte 2 (IMMED)

    // The data-in phase in progress (visited too: a snapshot may fall
    // between two DRQ blocks).
    std::vector<uint8_t> buffer_;  // reply bytes, or the current streamed sector
    uint32_t buffer_pos_ = 0;
    uint64_t remaining_ = 0;       // bytes still to deliver, buffer included
    bool streaming_ = false;       // sectors from the image, not a reply in buffer_
    uint64_t stream_lba_ = 0;      // next sector to read
    SectorFormat stream_fmt_;
};

}  // namespace amber
