#include "cicada/transport/curve_keys.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "cicada/transport/transport_error.hpp"
#include "support/child_process.hpp"

namespace cicada::transport {
namespace {

std::string write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

/// The message of the TransportError `action` throws, or "" when it throws none.
template <typename Action>
std::string error_of(Action action) {
  try {
    action();
  } catch (const TransportError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("curve keys: written files read back, the secret one private") {
  const std::string dir = test::make_temp_dir("cicada-curve-keys");
  const auto keys = generate_curve_key_pair();
  CHECK(is_curve_key(keys.public_key));
  CHECK(curve_public_key(keys.secret_key) == keys.public_key);
  write_curve_key_files(dir + "/node", keys);

  const auto secret_file = read_curve_key_file(dir + "/node.key");
  CHECK(secret_file.secret_key == keys.secret_key);
  CHECK(secret_file.public_key == keys.public_key);
  const auto public_file = read_curve_key_file(dir + "/node.pub");
  CHECK(public_file.secret_key.empty());
  CHECK(public_file.public_key == keys.public_key);

  struct stat info {};
  REQUIRE(::stat((dir + "/node.key").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  // A second run never overwrites a key someone relies on.
  CHECK(error_of([&] {
          write_curve_key_files(dir + "/node", generate_curve_key_pair());
        }).find("File exists") != std::string::npos);
  CHECK(read_curve_key_file(dir + "/node.key").secret_key == keys.secret_key);
}

TEST_CASE("curve keys: authorized keys from a directory of .pub files or one file of them") {
  const std::string dir = test::make_temp_dir("cicada-curve-authorized");
  const auto one = generate_curve_key_pair();
  const auto two = generate_curve_key_pair();
  std::filesystem::create_directory(dir + "/workers");
  write_curve_key_files(dir + "/workers/one", one);
  write_curve_key_files(dir + "/workers/two", two);
  // Only the .pub files count: a .key left there is not read.
  CHECK(read_authorized_keys(dir + "/workers") ==
        std::vector<std::string>{one.public_key, two.public_key});

  write(dir + "/all.pub", "# the fleet\n\npublic-key = \"" + one.public_key +
                              "\"\n  public-key = \"" + two.public_key + "\"  \n");
  CHECK(read_authorized_keys(dir + "/all.pub") ==
        std::vector<std::string>{one.public_key, two.public_key});
}

TEST_CASE("curve keys: a bad key file is an error naming the file and line") {
  const std::string dir = test::make_temp_dir("cicada-curve-bad");
  const auto keys = generate_curve_key_pair();
  CHECK(error_of([&] { read_curve_key_file(dir + "/missing.key"); }).find("missing.key") !=
        std::string::npos);
  const auto short_key = write(dir + "/short.pub", "# c\npublic-key = \"abc\"\n");
  CHECK(error_of([&] { read_curve_key_file(short_key); }) ==
        short_key + ":2: the public-key is not a CURVE key (40 Z85 characters)");
  // A key alone on its line (one without '=' or '#', which Z85 also uses).
  const auto bare = write(dir + "/bare.pub", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7\n");
  CHECK(error_of([&] { read_curve_key_file(bare); }).find(bare + ":1: expected a line like") == 0);
  const auto unknown = write(dir + "/unknown.pub", "private-key = \"" + keys.secret_key + "\"\n");
  CHECK(error_of([&] { read_curve_key_file(unknown); }).find("unknown entry 'private-key'") !=
        std::string::npos);
  const auto mixed =
      write(dir + "/mixed.key", "public-key = \"" + generate_curve_key_pair().public_key +
                                    "\"\nsecret-key = \"" + keys.secret_key + "\"\n");
  CHECK(error_of([&] { read_curve_key_file(mixed); }).find("does not belong") != std::string::npos);
  const auto empty = write(dir + "/empty.pub", "# nothing\n");
  CHECK(error_of([&] { read_authorized_keys(empty); }) == empty + ": holds no public-key");
  std::filesystem::create_directory(dir + "/none");
  CHECK(error_of([&] { read_authorized_keys(dir + "/none"); }) ==
        dir + "/none: holds no .pub file");
}

}  // namespace cicada::transport
