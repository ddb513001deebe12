#include "devices/floppy82077.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "devices/dma8237.hpp"
#include "machine/log.hpp"

namespace amber {

using namespace fdc;

namespace {

// Register offsets from the base port.
constexpr unsigned REG_SRA = 0, REG_SRB = 1, REG_DOR = 2, REG_TDR = 3, REG_MSR_DSR = 4, REG_FIFO = 5, REG_DIR_CCR = 7;

// Opcodes (low five bits of the first command byte).
constexpr uint8_t OP_READ_TRACK = 0x02, OP_SPECIFY = 0x03, OP_SENSE_DRIVE = 0x04, OP_WRITE = 0x05, OP_READ = 0x06;
constexpr uint8_t OP_RECALIBRATE = 0x07, OP_SENSE_INT = 0x08, OP_READ_ID = 0x0A, OP_FORMAT = 0x0D;
constexpr uint8_t OP_DUMPREG = 0x0E, OP_SEEK = 0x0F, OP_VERSION = 0x10, OP_PERPENDICULAR = 0x12;
constexpr uint8_t OP_CONFIGURE = 0x13, OP_LOCK = 0x14;
constexpr uint8_t CMD_MT = 0x80, CMD_MFM = 0x40;
constexpr uint8_t CONFIG_EIS = 0x40;

// Bytes in each command, 0 for an invalid opcode.
uint8_t command_length(uint8_t first) {
    switch (first & 0x1F) {
    case OP_SENSE_INT: case OP_DUMPREG: case OP_VERSION: case OP_LOCK: return 1;
    case OP_SENSE_DRIVE: case OP_RECALIBRATE: case OP_READ_ID: case OP_PERPENDICULAR: return 2;
    case OP_SPECIFY: case OP_SEEK: return 3;
    case OP_CONFIGURE: return 4;
    case OP_FORMAT: return 6;
    case OP_READ: case OP_WRITE: case OP_READ_TRACK: return 9;
    default: return 0;
    }
}

constexpr uint8_t kRate500 = 1u << RATE_500K, kRate300 = 1u << RATE_300K, kRate250 = 1u << RATE_250K;
constexpr uint8_t kRate1M = 1u << RATE_1M;

// 360K-class media read at 250 kbit/s in their own drive and 300 in a 1.2M one.
constexpr FloppyFormat kFormats[] = {
    {"160K", 163840, 40, 1, 8, 1, kRate250 | kRate300},
    {"180K", 184320, 40, 1, 9, 1, kRate250 | kRate300},
    {"320K", 327680, 40, 2, 8, 1, kRate250 | kRate300},
    {"360K", 368640, 40, 2, 9, 1, kRate250 | kRate300},
    {"720K", 737280, 80, 2, 9, 3, kRate250},
    {"1.2M", 1228800, 80, 2, 15, 2, kRate500},
    {"1.44M", 1474560, 80, 2, 18, 4, kRate500},
    {"1.68M DMF", 1720320, 80, 2, 21, 4, kRate500},
    {"1.72M", 1763328, 82, 2, 21, 4, kRate500},
    {"2.88M", 2949120, 80, 2, 36, 5, kRate1M},
};

}  // namespace

const FloppyFormat* floppy_format_for_size(uint64_t bytes) {
    for (const FloppyFormat& f : kFormats)
        if (f.bytes == bytes) return &f;
    return nullptr;
}

Floppy82077::Floppy82077(IoBus& io, Scheduler& scheduler, Clock clock, Dma8237& dma, IrqLine irq, uint16_t base)
    : io_(io), sched_(scheduler), clock_(std::move(clock)), dma_(dma), irq_(std::move(irq)), base_(base) {
    event_ = sched_.add_event("floppy", [this](uint64_t t) { on_event(t); });
    io_.map(base_, 6, this);
    io_.map(uint16_t(base_ + REG_DIR_CCR), 1, this);
    reset();
}

Floppy82077::~Floppy82077() {
    sched_.cancel(event_);
    io_.unmap(this);
}

// ---------------------------------------------------------------- media

void Floppy82077::insert(unsigned drive, std::unique_ptr<BlockImage> image) {
    if (drive >= kDrives) throw ImageError(fmt::format("floppy drive {} does not exist (there are {})", drive, kDrives));
    if (!image) return eject(drive);
    const FloppyFormat* f = floppy_format_for_size(image->size());
    if (!f)
        throw ImageError(fmt::format("floppy image '{}' is {} bytes, which is no floppy format "
                                     "(160K, 180K, 320K, 360K, 720K, 1.2M, 1.44M, 1.68M, 1.72M or 2.88M)",
                                     image->path(), image->size()));
    Drive& d = drives_[drive];
    d.image = std::move(image);
    d.format = f;
    d.type_cmos = f->cmos_type;
    d.max_cylinder = uint8_t(f->cylinders + 3);
    d.cylinder = std::min(d.cylinder, d.max_cylinder);
    d.changed = true;
    log::get("floppy")->debug("drive {}: {} medium{}", drive, f->name, d.image->read_only() ? " (write-protected)" : "");
}

void Floppy82077::eject(unsigned drive) {
    if (drive >= kDrives) return;
    Drive& d = drives_[drive];
    if (d.image) d.image->flush();
    d.image.reset();
    d.format = nullptr;
    d.changed = true;
}

uint8_t Floppy82077::cmos_type(unsigned drive) const { return drive < kDrives ? drives_[drive].type_cmos : 0; }

bool Floppy82077::drive_usable(unsigned drive) const { return drive < kDrives && drives_[drive].image; }

// ---------------------------------------------------------------- reset, state

void Floppy82077::reset() {
    tdr_ = 0;
    rate_ = RATE_250K;
    dsr_ = rate_;
    specify1_ = specify2_ = 0;
    locked_ = false;
    pcn_ = {};
    dor_ = 0;
    enter_reset();  // DOR bit 2 clear: held in reset until the BIOS releases it
}

void Floppy82077::enter_reset() {
    phase_ = Phase::Command;
    cmd_pos_ = cmd_len_ = 0;
    res_pos_ = res_len_ = 0;
    op_ = Op::None;
    sense_pending_ = 0;
    seeking_ = 0;
    seek_done_.fill(Scheduler::kNever);
    reset_done_ = exec_done_ = Scheduler::kNever;
    int_pending_ = result_clears_int_ = false;
    if (!locked_) {
        config_ = 0x20;  // implied seek off, FIFO off, drive polling on, threshold 1
        pretrk_ = 0;
        perpendicular_ &= 0x3C;  // GAP and WGATE clear; the per-drive bits stay
    }
    update_irq();
    reschedule();
}

void Floppy82077::leave_reset() {
    reset_done_ = now() + delay(kResetDelayNs);
    reschedule();
}

void Floppy82077::visit(Archive& ar) {
    ar.field("dor", dor_);
    ar.field("tdr", tdr_);
    ar.field("dsr", dsr_);
    ar.field("rate", rate_);
    ar.field("specify1", specify1_);
    ar.field("specify2", specify2_);
    ar.field("config", config_);
    ar.field("pretrk", pretrk_);
    ar.field("perpendicular", perpendicular_);
    ar.field("locked", locked_);
    ar.field("int_pending", int_pending_);
    ar.field("result_clears_int", result_clears_int_);
    uint8_t phase = uint8_t(phase_), op = uint8_t(op_);
    ar.field("phase", phase);
    ar.field("op", op);
    ar.bytes("cmd", cmd_);
    ar.field("cmd_len", cmd_len_);
    ar.field("cmd_pos", cmd_pos_);
    ar.bytes("res", res_);
    ar.field("res_len", res_len_);
    ar.field("res_pos", res_pos_);
    ar.bytes("pcn", pcn_);
    ar.bytes("sense_st0", sense_st0_);
    ar.field("sense_pending", sense_pending_);
    ar.field("seeking", seeking_);
    for (uint64_t& t : seek_done_) ar.field("seek_done", t);
    ar.field("reset_done", reset_done_);
    ar.field("exec_done", exec_done_);
    ar.field("drive", drive_);
    ar.field("head", head_);
    ar.field("c", c_);
    ar.field("h", h_);
    ar.field("r", r_);
    ar.field("n", n_);
    ar.field("eot", eot_);
    ar.field("mt", mt_);
    ar.field("format_left", format_left_);
    ar.field("fill", fill_);
    ar.bytes("buf", buf_);
    ar.field("buf_pos", buf_pos_);
    ar.field("buf_len", buf_len_);
    for (Drive& d : drives_) {
        ar.field("drive.cylinder", d.cylinder);
        ar.field("drive.rotation", d.rotation);
        ar.field("drive.changed", d.changed);
    }
    if (ar.loading()) {
        phase_ = phase <= uint8_t(Phase::Result) ? Phase(phase) : Phase::Command;
        op_ = op <= uint8_t(Op::Format) ? Op(op) : Op::None;
        drive_ &= 3;
        head_ &= 1;
        cmd_len_ = std::min<uint8_t>(cmd_len_, uint8_t(cmd_.size()));
        cmd_pos_ = std::min(cmd_pos_, cmd_len_);
        res_len_ = std::min<uint8_t>(res_len_, uint8_t(res_.size()));
        res_pos_ = std::min(res_pos_, res_len_);
        buf_len_ = std::min<uint16_t>(buf_len_, kSectorSize);
        buf_pos_ = std::min(buf_pos_, buf_len_);
        for (Drive& d : drives_) d.cylinder = std::min(d.cylinder, d.max_cylinder);
        update_irq();
        reschedule();
    }
}

// ---------------------------------------------------------------- interrupts and time

void Floppy82077::update_irq() {
    // DOR bit 3 gates only DMA requests here, not INT: SeaBIOS releases the
    // reset by writing DOR = 0x04 and then waits for the reset interrupt.
    bool level = int_pending_ && (dor_ & DOR_NRESET);
    if (level == irq_out_) return;
    irq_out_ = level;
    irq_.set(level);
}

void Floppy82077::raise_interrupt() {
    // An edge-triggered PIC needs a fresh rising edge for a fresh event.
    if (irq_out_) {
        irq_out_ = false;
        irq_.lower();
    }
    int_pending_ = true;
    update_irq();
}

void Floppy82077::clear_interrupt() {
    int_pending_ = false;
    update_irq();
}

uint64_t Floppy82077::delay(uint64_t ns) const { return std::max(sched_.ns_to_ticks(ns), kMinDelayTicks); }

void Floppy82077::reschedule() {
    uint64_t next = std::min(reset_done_, exec_done_);
    for (uint64_t t : seek_done_) next = std::min(next, t);
    if (next == Scheduler::kNever) sched_.cancel(event_);
    else sched_.schedule(event_, next);
}

void Floppy82077::on_event(uint64_t t) {
    if (reset_done_ <= t) {
        // Drive polling after a reset reports a "ready changed" status for
        // each of the four drives, one SENSE INTERRUPT each.
        reset_done_ = Scheduler::kNever;
        for (unsigned d = 0; d < 4; ++d) sense_st0_[d] = uint8_t(ST0_READY_CHANGE | d);
        sense_pending_ = 0x0F;
        raise_interrupt();
    }
    for (unsigned d = 0; d < 4; ++d)
        if (seek_done_[d] <= t) {
            seek_done_[d] = Scheduler::kNever;
            complete_seek(d);
        }
    if (exec_done_ <= t) {
        exec_done_ = Scheduler::kNever;
        start_execution();
    }
    reschedule();
}

// ---------------------------------------------------------------- ports

uint32_t Floppy82077::io_read(uint16_t port, unsigned size) {
    uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint32_t(read_port((port + i - base_) & 7)) << (8 * i);
    return v;
}

void Floppy82077::io_write(uint16_t port, uint32_t value, unsigned size) {
    for (unsigned i = 0; i < size; ++i) write_port((port + i - base_) & 7, uint8_t(value >> (8 * i)));
}

uint8_t Floppy82077::read_port(unsigned reg) {
    switch (reg) {
    case REG_DOR: return dor_;
    case REG_TDR: return tdr_;
    case REG_MSR_DSR: return read_msr();
    case REG_FIFO: return read_fifo();
    case REG_DIR_CCR: {
        unsigned d = dor_ & DOR_SELECT;
        return d < kDrives && drives_[d].changed ? 0x80 : 0x00;
    }
    case REG_SRA:
    case REG_SRB:
    default: return 0xFF;  // status registers A/B exist in PS/2 mode only
    }
}

void Floppy82077::write_port(unsigned reg, uint8_t v) {
    switch (reg) {
    case REG_DOR: write_dor(v); break;
    case REG_TDR: tdr_ = v & 3; break;
    case REG_MSR_DSR:
        dsr_ = v & 0x7F;
        rate_ = v & 3;
        if ((v & DSR_RESET) && (dor_ & DOR_NRESET)) {  // a self-clearing software reset
            enter_reset();
            leave_reset();
        }
        break;
    case REG_FIFO: write_fifo(v); break;
    case REG_DIR_CCR: rate_ = v & 3; break;
    default: break;
    }
}

void Floppy82077::write_dor(uint8_t v) {
    uint8_t old = dor_;
    dor_ = v;
    if (!(v & DOR_NRESET)) {
        if (old & DOR_NRESET) enter_reset();
    } else if (!(old & DOR_NRESET)) {
        leave_reset();
    }
    update_irq();
}

uint8_t Floppy82077::read_msr() const {
    if (!(dor_ & DOR_NRESET)) return 0;
    switch (phase_) {
    case Phase::Command: return uint8_t(MSR_RQM | (cmd_pos_ ? MSR_CB : 0) | seeking_);
    case Phase::Execution: return uint8_t(MSR_CB | seeking_);
    case Phase::PioRead: return MSR_RQM | MSR_DIO | MSR_NDMA | MSR_CB;
    case Phase::PioWrite: return MSR_RQM | MSR_NDMA | MSR_CB;
    case Phase::Result: return uint8_t(MSR_RQM | MSR_DIO | MSR_CB | seeking_);
    }
    return 0;
}

uint8_t Floppy82077::read_fifo() {
    if (!(dor_ & DOR_NRESET)) return 0xFF;
    if (phase_ == Phase::Result) {
        if (res_pos_ == 0 && result_clears_int_) clear_interrupt();
        uint8_t v = res_[res_pos_++];
        if (res_pos_ >= res_len_) {
            phase_ = Phase::Command;
            res_pos_ = res_len_ = 0;
        }
        return v;
    }
    if (phase_ == Phase::PioRead) {
        uint8_t v = buf_[buf_pos_++];
        if (buf_pos_ >= buf_len_) pio_block_done();
        return v;
    }
    return 0xFF;  // nothing to read: the guest ignored RQM/DIO
}

void Floppy82077::write_fifo(uint8_t v) {
    if (!(dor_ & DOR_NRESET)) return;
    if (phase_ == Phase::PioWrite) {
        buf_[buf_pos_++] = v;
        if (buf_pos_ >= buf_len_) pio_block_done();
        return;
    }
    if (phase_ != Phase::Command) {
        log::get("floppy")->debug("byte {:#04x} written outside the command phase, ignored", v);
        return;
    }
    if (cmd_pos_ == 0) {
        cmd_len_ = command_length(v);
        if (cmd_len_ == 0) {
            log::get("floppy")->debug("invalid command {:#04x}", v);
            finish_immediate({ST0_INVALID});
            return;
        }
    }
    cmd_[cmd_pos_++] = v;
    if (cmd_pos_ < cmd_len_) return;
    cmd_pos_ = 0;
    execute_command();
}

// ---------------------------------------------------------------- commands

void Floppy82077::finish_immediate(std::initializer_list<uint8_t> result) {
    res_len_ = 0;
    for (uint8_t b : result) res_[res_len_++] = b;
    res_pos_ = 0;
    result_clears_int_ = false;
    phase_ = res_len_ ? Phase::Result : Phase::Command;
}

void Floppy82077::execute_command() {
    const uint8_t first = cmd_[0];
    log::get("floppy")->trace("command {:02x}", fmt::join(cmd_.begin(), cmd_.begin() + cmd_len_, " "));
    switch (first & 0x1F) {
    case OP_SPECIFY:
        specify1_ = cmd_[1];
        specify2_ = cmd_[2];
        finish_immediate({});
        break;
    case OP_SENSE_DRIVE: cmd_sense_drive(); break;
    case OP_SENSE_INT: cmd_sense_interrupt(); break;
    case OP_RECALIBRATE: cmd_seek(true); break;
    case OP_SEEK: cmd_seek(false); break;
    case OP_VERSION: finish_immediate({0x90}); break;
    case OP_CONFIGURE:
        config_ = cmd_[2] & 0x7F;
        pretrk_ = cmd_[3];
        finish_immediate({});
        break;
    case OP_LOCK:
        locked_ = first & 0x80;
        finish_immediate({uint8_t(locked_ ? 0x10 : 0x00)});
        break;
    case OP_DUMPREG: cmd_dumpreg(); break;
    case OP_PERPENDICULAR:
        // OW (bit 7) allows the per-drive bits D0-D3 to change; GAP/WGATE always do.
        perpendicular_ = (cmd_[1] & 0x80) ? uint8_t(cmd_[1] & 0x3F) : uint8_t((perpendicular_ & 0x3C) | (cmd_[1] & 3));
        finish_immediate({});
        break;
    case OP_READ: start_data_command(Op::ReadData); break;
    case OP_WRITE: start_data_command(Op::WriteData); break;
    case OP_READ_TRACK: start_data_command(Op::ReadTrack); break;
    case OP_READ_ID: start_data_command(Op::ReadId); break;
    case OP_FORMAT: start_data_command(Op::Format); break;
    default: finish_immediate({ST0_INVALID}); break;
    }
}

void Floppy82077::cmd_sense_interrupt() {
    if (!sense_pending_) {
        finish_immediate({ST0_INVALID});
        return;
    }
    unsigned d = 0;
    while (!(sense_pending_ >> d & 1)) ++d;
    sense_pending_ &= uint8_t(~(1u << d));
    clear_interrupt();
    finish_immediate({sense_st0_[d], pcn_[d]});
}

void Floppy82077::cmd_sense_drive() {
    unsigned d = cmd_[1] & 3;
    uint8_t st3 = uint8_t(ST3_RDY | (cmd_[1] & 7));
    const Drive* drv = d < kDrives ? &drives_[d] : nullptr;
    // Without a disk the write-protect sensor sees no open window.
    if (!drv || !drv->image || drv->image->read_only()) st3 |= ST3_WP;
    if (drv && drv->type_cmos && drv->cylinder == 0) st3 |= ST3_T0;
    if (!drv || !drv->format || drv->format->heads == 2) st3 |= ST3_TS;
    finish_immediate({st3});
}

void Floppy82077::cmd_dumpreg() {
    res_ = {pcn_[0], pcn_[1], pcn_[2], pcn_[3], specify1_, specify2_, eot_,
            uint8_t((locked_ ? 0x80 : 0) | (perpendicular_ & 0x3F)), config_, pretrk_};
    res_len_ = 10;
    res_pos_ = 0;
    result_clears_int_ = false;
    phase_ = Phase::Result;
}

void Floppy82077::seek_drive(unsigned drive, unsigned cylinder) {
    if (drive >= kDrives || !drives_[drive].type_cmos) return;
    Drive& d = drives_[drive];
    d.cylinder = uint8_t(std::min<unsigned>(cylinder, d.max_cylinder));
    // A step with a disk in and the motor on resets the change line.
    if (d.image && (dor_ & (DOR_MOTOR0 << drive))) d.changed = false;
}

void Floppy82077::cmd_seek(bool recalibrate) {
    const unsigned d = cmd_[1] & 3;
    unsigned target = cmd_[2];
    if (recalibrate) target = 0;
    else if (cmd_[0] & 0x80)  // relative seek; bit 6 says which way
        target = (cmd_[0] & 0x40) ? std::min(255u, pcn_[d] + target) : (pcn_[d] > target ? pcn_[d] - target : 0);
    uint8_t st0 = uint8_t(ST0_SEEK_END | (cmd_[1] & 7));
    // Recalibrating a drive that is not there never sees track 0.
    if (recalibrate && (d >= kDrives || !drives_[d].type_cmos)) st0 |= ST0_ABNORMAL | ST0_EQUIPMENT;
    else pcn_[d] = uint8_t(target);
    seek_drive(d, target);
    sense_st0_[d] = st0;
    seeking_ |= uint8_t(1u << d);
    seek_done_[d] = now() + delay(kSeekDelayNs);
    finish_immediate({});
    reschedule();
}

void Floppy82077::complete_seek(unsigned drive) {
    seeking_ &= uint8_t(~(1u << drive));
    sense_pending_ |= uint8_t(1u << drive);
    raise_interrupt();
}

void Floppy82077::start_data_command(Op op) {
    op_ = op;
    drive_ = cmd_[1] & 3;
    head_ = (cmd_[1] >> 2) & 1;
    mt_ = false;
    switch (op) {
    case Op::ReadData:
    case Op::WriteData:
    case Op::ReadTrack:
        c_ = cmd_[2];
        h_ = cmd_[3];
        r_ = cmd_[4];
        n_ = cmd_[5];
        eot_ = cmd_[6];
        mt_ = (cmd_[0] & CMD_MT) && op != Op::ReadTrack;
        if (op == Op::ReadTrack) r_ = 1;  // starts with the first sector after the index hole
        break;
    case Op::Format:
        n_ = cmd_[2];
        format_left_ = cmd_[3];
        fill_ = cmd_[5];
        break;
    default: break;
    }
    if (observer_) {
        const bool write = op == Op::WriteData || op == Op::Format;
        const uint32_t count = op == Op::Format ? format_left_ : eot_ >= r_ ? eot_ - r_ + 1u : 1u;
        observer_({static_cast<uint8_t>(disk_unit::kFloppyA + drive_), static_cast<uint8_t>(cmd_[0] & 0x1F), write,
                   uint64_t(c_) << 16 | uint64_t(h_) << 8 | r_, count});
    }
    phase_ = Phase::Execution;
    exec_done_ = now() + delay(kDataDelayNs);
    reschedule();
}

// ---------------------------------------------------------------- execution

uint8_t Floppy82077::medium_error() const {
    if (!drive_usable(drive_)) return ST1_MA;
    const Drive& d = drives_[drive_];
    const FloppyFormat& f = *d.format;
    if (!(cmd_[0] & CMD_MFM)) return ST1_MA;           // every supported medium is MFM
    if (!(f.rate_mask >> rate_ & 1)) return ST1_MA;   // wrong data rate: no address marks found
    if (head_ >= f.heads || d.cylinder >= f.cylinders) return ST1_MA;
    return 0;
}

void Floppy82077::start_execution() {
    if (op_ == Op::None) return;
    if ((config_ & CONFIG_EIS) && (op_ == Op::ReadData || op_ == Op::WriteData)) {
        seek_drive(drive_, c_);  // implied seek
        if (drive_ < kDrives && drives_[drive_].type_cmos) pcn_[drive_] = c_;
    }
    if (uint8_t err = medium_error()) {
        finish(ST0_ABNORMAL, err, 0);
        return;
    }
    Drive& d = drives_[drive_];
    if (op_ == Op::ReadId) {
        d.rotation = uint8_t(d.rotation % d.format->sectors + 1);
        c_ = d.cylinder;
        h_ = head_;
        r_ = d.rotation;
        n_ = 2;
        finish(0, 0, 0);
        return;
    }
    if ((op_ == Op::WriteData || op_ == Op::Format) && d.image->read_only()) {
        finish(ST0_ABNORMAL, ST1_NW, 0);
        return;
    }
    if (op_ == Op::Format && format_left_ == 0) {
        finish(0, 0, 0);
        return;
    }
    const bool pio = specify2_ & 1;
    if (!pio) {
        run_dma();
        return;
    }
    // Non-DMA: the FIFO asks for (or offers) each byte; INT stays high meanwhile.
    buf_pos_ = 0;
    if (op_ == Op::Format) {
        buf_len_ = 4;
    } else if (!begin_sector()) {
        return;
    }
    phase_ = reading() ? Phase::PioRead : Phase::PioWrite;
    raise_interrupt();
}

uint64_t Floppy82077::sector_offset(unsigned cyl, unsigned head, unsigned sector) const {
    const FloppyFormat& f = *drives_[drive_].format;
    return ((uint64_t(cyl) * f.heads + head) * f.sectors + (sector - 1)) * kSectorSize;
}

bool Floppy82077::begin_sector() {
    if (!drive_usable(drive_)) {  // ejected while the command ran
        finish(ST0_ABNORMAL, ST1_MA, 0);
        return false;
    }
    const Drive& d = drives_[drive_];
    const FloppyFormat& f = *d.format;
    if (head_ >= f.heads) {  // multi-track stepped onto a side the medium lacks
        finish(ST0_ABNORMAL, ST1_MA, 0);
        return false;
    }
    // The track holds IDs (cylinder, head, 1..sectors, N=2); look for ours.
    if (c_ != d.cylinder) {
        finish(ST0_ABNORMAL, ST1_ND, c_ == 0xFF ? ST2_BC : ST2_WC);
        return false;
    }
    if (h_ != head_ || n_ != 2 || r_ < 1 || r_ > f.sectors) {
        finish(ST0_ABNORMAL, ST1_ND, 0);
        return false;
    }
    buf_pos_ = 0;
    buf_len_ = kSectorSize;
    if (reading() && !d.image->read(sector_offset(d.cylinder, head_, r_), buf_)) {
        finish(ST0_ABNORMAL, ST1_CRC, 0x20);  // data error in the data field
        return false;
    }
    return true;
}

Floppy82077::Step Floppy82077::end_sector() {
    if (!drive_usable(drive_)) {
        finish(ST0_ABNORMAL, ST1_MA, 0);
        return Step::Failed;
    }
    Drive& d = drives_[drive_];
    if (op_ == Op::WriteData && !d.image->write(sector_offset(d.cylinder, head_, r_), buf_)) {
        finish(ST0_ABNORMAL, d.image->read_only() ? ST1_NW : ST1_CRC, 0);
        return Step::Failed;
    }
    if (r_ != eot_) {
        ++r_;
        return Step::Next;
    }
    r_ = 1;
    if (mt_ && head_ == 0) {  // multi-track: side 0 done, go on with side 1
        head_ = 1;
        h_ ^= 1;
        return Step::Next;
    }
    ++c_;
    if (mt_) h_ ^= 1;
    return Step::EndOfCylinder;
}

bool Floppy82077::end_format_sector() {
    if (!drive_usable(drive_)) {
        finish(ST0_ABNORMAL, ST1_MA, 0);
        return false;
    }
    Drive& d = drives_[drive_];
    const FloppyFormat& f = *d.format;
    c_ = buf_[0];
    h_ = buf_[1];
    r_ = buf_[2];
    n_ = buf_[3];
    // An image holds only the standard layout; IDs it cannot represent are
    // accepted and forgotten.
    if (c_ == d.cylinder && h_ == head_ && n_ == 2 && r_ >= 1 && r_ <= f.sectors) {
        std::array<uint8_t, kSectorSize> fill;
        fill.fill(fill_);
        if (!d.image->write(sector_offset(d.cylinder, head_, r_), fill)) {
            finish(ST0_ABNORMAL, ST1_CRC, 0);
            return false;
        }
    } else {
        log::get("floppy")->debug("format: ID {}/{}/{}/{} cannot be kept in the image", c_, h_, r_, n_);
    }
    if (--format_left_ == 0) {
        finish(0, 0, 0);
        return false;
    }
    return true;
}

void Floppy82077::pio_block_done() {
    buf_pos_ = 0;
    if (op_ == Op::Format) {
        end_format_sector();
        return;
    }
    switch (end_sector()) {
    case Step::Failed: return;
    case Step::EndOfCylinder: finish(ST0_ABNORMAL, ST1_EN, 0); return;  // no TC without DMA
    case Step::Next: begin_sector(); return;
    }
}

void Floppy82077::run_dma() {
    const DmaDirection dir = reading() ? DmaDirection::ToMemory : DmaDirection::FromMemory;
    for (;;) {
        const size_t want = op_ == Op::Format ? 4 : kSectorSize;
        if (op_ != Op::Format && !begin_sector()) return;
        DmaTransfer t;
        if (dor_ & DOR_DMA_GATE) t = dma_.transfer(kDmaChannel, std::span(buf_.data(), want), dir);
        if (t.bytes < want && !t.terminal_count) {
            finish(ST0_ABNORMAL, ST1_OR, 0);  // the DMA never answered the request
            return;
        }
        if (t.bytes < want && !reading()) std::fill(buf_.begin() + t.bytes, buf_.begin() + want, 0);
        if (op_ == Op::Format) {
            if (!end_format_sector()) return;
            if (t.terminal_count) {
                finish(0, 0, 0);
                return;
            }
            continue;
        }
        Step s = end_sector();
        if (s == Step::Failed) return;
        if (t.terminal_count) {
            finish(0, 0, 0);
            return;
        }
        if (s == Step::EndOfCylinder) {
            finish(ST0_ABNORMAL, ST1_EN, 0);
            return;
        }
    }
}

void Floppy82077::finish(uint8_t st0_bits, uint8_t st1, uint8_t st2) {
    res_ = {uint8_t(st0_bits | head_ << 2 | drive_), st1, st2, c_, h_, r_, n_};
    res_len_ = 7;
    res_pos_ = 0;
    result_clears_int_ = true;
    phase_ = Phase::Result;
    op_ = Op::None;
    raise_interrupt();
}

}  // namespace amber
