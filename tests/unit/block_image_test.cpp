#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <vector>

#include "devices/block_image.hpp"

using namespace amber;
namespace fs = std::filesystem;

namespace {

fs::path temp_image(const std::string& name, size_t size, uint8_t fill = 0xA5) {
    fs::path p = fs::temp_directory_path() / ("amber_block_" + std::to_string(::getpid()) + "_" + name);
    std::ofstream out(p, std::ios::binary);
    std::vector<char> data(size, static_cast<char>(fill));
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    return p;
}

std::vector<uint8_t> file_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("block image: bad files give one clear error", "[disk]") {
    CHECK_THROWS_WITH(BlockImage::open("/nonexistent/amber.img", BlockImage::Mode::ReadWrite),
                      "cannot open image '/nonexistent/amber.img': No such file or directory");
    auto empty = temp_image("empty", 0);
    CHECK_THROWS_WITH(BlockImage::open(empty.string(), BlockImage::Mode::ReadWrite),
                      "image '" + empty.string() + "' is empty");
    auto odd = temp_image("odd", 1000);
    CHECK_THROWS_WITH(BlockImage::open(odd.string(), BlockImage::Mode::ReadWrite),
                      "image '" + odd.string() + "' is 1000 bytes, not a whole number of 512-byte sectors");
    CHECK_THROWS_AS(BlockImage::open(fs::temp_directory_path().string(), BlockImage::Mode::ReadOnly), ImageError);
    fs::remove(empty);
    fs::remove(odd);
}

TEST_CASE("block image: reads and writes stay inside the image", "[disk]") {
    auto p = temp_image("rw", 2048);
    {
        auto img = BlockImage::open(p.string(), BlockImage::Mode::ReadWrite);
        REQUIRE(img->size() == 2048);
        std::vector<uint8_t> sector(512, 0x11);
        CHECK(img->write(512, sector));
        CHECK_FALSE(img->write(1800, sector));  // would run past the end: nothing written
        std::vector<uint8_t> back(512);
        CHECK(img->read(512, back));
        CHECK(back == sector);
        CHECK_FALSE(img->read(2047, back));
        CHECK(img->flush());
    }
    auto bytes = file_bytes(p);
    CHECK(bytes[511] == 0xA5);
    CHECK(bytes[512] == 0x11);
    CHECK(bytes[1800] == 0xA5);
    fs::remove(p);
}

TEST_CASE("block image: read-only and snapshot images never change the file", "[disk]") {
    auto p = temp_image("ro", 1024);
    std::vector<uint8_t> data(700, 0x22);
    {
        auto ro = BlockImage::open(p.string(), BlockImage::Mode::ReadOnly);
        CHECK(ro->read_only());
        CHECK_FALSE(ro->write(0, data));
    }
    {
        auto snap = BlockImage::open(p.string(), BlockImage::Mode::Snapshot);
        CHECK(snap->write(100, data));  // spans two overlay blocks
        std::vector<uint8_t> back(1024);
        CHECK(snap->read(0, back));
        CHECK(back[99] == 0xA5);
        CHECK(back[100] == 0x22);
        CHECK(back[799] == 0x22);
        CHECK(back[800] == 0xA5);
    }
    auto bytes = file_bytes(p);
    CHECK(std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0xA5; }));
    fs::remove(p);
}
