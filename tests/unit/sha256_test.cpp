#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "machine/sha256.hpp"

using amber::Sha256;

namespace {
std::string sha(const std::string& s) {
    return Sha256::hex(Sha256::of({reinterpret_cast<const uint8_t*>(s.data()), s.size()}));
}
}  // namespace

TEST_CASE("SHA-256 of the FIPS 180 examples") {
    CHECK(sha("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // A million 'a's, fed in uneven pieces.
    Sha256 s;
    std::vector<uint8_t> chunk(977, 'a');
    size_t left = 1'000'000;
    while (left) {
        const size_t n = std::min(left, chunk.size());
        s.update({chunk.data(), n});
        left -= n;
    }
    CHECK(Sha256::hex(s.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
