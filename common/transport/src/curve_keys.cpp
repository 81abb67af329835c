#include "cicada/transport/curve_keys.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <zmq.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cicada/core/trim.hpp"
#include "cicada/transport/transport_error.hpp"

namespace cicada::transport {
namespace {

constexpr std::size_t kZ85KeyLength = 40;

/// One `name = "value"` line of a key file; `where` names the file and line for errors.
std::pair<std::string, std::string> parse_key_line(const std::string& line,
                                                   const std::string& where) {
  const auto equals = line.find('=');
  if (equals == std::string::npos) {
    throw TransportError(where + ": expected a line like public-key = \"<40 Z85 characters>\"");
  }
  std::string name(trim(line.substr(0, equals), " \t\r"));
  std::string value(trim(line.substr(equals + 1), " \t\r"));
  if (name != "public-key" && name != "secret-key") {
    throw TransportError(where + ": unknown entry '" + name +
                         "' (a key file has public-key and secret-key)");
  }
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
    throw TransportError(where + ": the " + name + " must be in double quotes");
  }
  value = value.substr(1, value.size() - 2);
  if (!is_curve_key(value)) {
    throw TransportError(where + ": the " + name + " is not a CURVE key (40 Z85 characters)");
  }
  return {std::move(name), std::move(value)};
}

/// Calls `on_entry(name, key, where)` for each entry of the key file at `path`.
template <typename OnEntry>
void read_key_lines(const std::filesystem::path& path, OnEntry on_entry) {
  std::ifstream in(path);
  if (!in) {
    throw TransportError("cannot read the CURVE key file " + path.string() + ": " +
                         std::strerror(errno));
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string text(trim(line, " \t\r"));
    if (text.empty() || text.front() == '#') continue;
    const std::string where = path.string() + ":" + std::to_string(number);
    auto [name, key] = parse_key_line(text, where);
    on_entry(name, key, where);
  }
}

void write_file(const std::string& path, const std::string& text, mode_t mode) {
  // O_EXCL: never overwrite a key someone already relies on.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw TransportError("cannot create " + path + ": " + std::strerror(errno));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int error = errno;
  ::close(fd);
  if (!written) throw TransportError("cannot write " + path + ": " + std::strerror(error));
}

}  // namespace

CurveKeyPair generate_curve_key_pair() {
  std::array<char, kZ85KeyLength + 1> public_key{};
  std::array<char, kZ85KeyLength + 1> secret_key{};
  if (zmq_curve_keypair(public_key.data(), secret_key.data()) != 0) {
    throw TransportError(std::string("cannot generate a CURVE key pair: ") +
                         zmq_strerror(zmq_errno()));
  }
  return {public_key.data(), secret_key.data()};
}

std::string curve_public_key(const std::string& secret_key) {
  if (!is_curve_key(secret_key)) throw TransportError("not a CURVE secret key (40 Z85 characters)");
  std::array<char, kZ85KeyLength + 1> public_key{};
  if (zmq_curve_public(public_key.data(), secret_key.c_str()) != 0) {
    throw TransportError(std::string("cannot derive the CURVE public key: ") +
                         zmq_strerror(zmq_errno()));
  }
  return public_key.data();
}

bool is_curve_key(const std::string& text) {
  if (text.size() != kZ85KeyLength) return false;
  std::array<std::uint8_t, 32> decoded{};
  return zmq_z85_decode(decoded.data(), text.c_str()) != nullptr;
}

void write_curve_key_files(const std::string& prefix, const CurveKeyPair& keys) {
  const std::string name = std::filesystem::path(prefix).filename().string();
  write_file(prefix + ".key",
             "# cicada CURVE key pair '" + name +
                 "'. Keep this file secret: whoever holds it is this node.\n"
                 "public-key = \"" +
                 keys.public_key + "\"\nsecret-key = \"" + keys.secret_key + "\"\n",
             0600);
  write_file(prefix + ".pub",
             "# cicada CURVE public key '" + name + "'. Give it to the other side.\n" +
                 "public-key = \"" + keys.public_key + "\"\n",
             0644);
}

CurveKeyFile read_curve_key_file(const std::string& path) {
  CurveKeyFile file;
  read_key_lines(path,
                 [&](const std::string& name, const std::string& key, const std::string& where) {
                   std::string& slot = name == "public-key" ? file.public_key : file.secret_key;
                   if (!slot.empty()) throw TransportError(where + ": a second " + name);
                   slot = key;
                 });
  if (file.public_key.empty() && !file.secret_key.empty()) {
    file.public_key = curve_public_key(file.secret_key);
  }
  if (file.public_key.empty()) throw TransportError(path + ": holds no CURVE key");
  if (!file.secret_key.empty() && curve_public_key(file.secret_key) != file.public_key) {
    throw TransportError(path + ": its public-key does not belong to its secret-key");
  }
  return file;
}

std::vector<std::string> read_authorized_keys(const std::string& path) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    for (const auto& entry : std::filesystem::directory_iterator(path, error)) {
      if (entry.is_regular_file() && entry.path().extension() == ".pub")
        files.push_back(entry.path());
    }
    if (error) throw TransportError("cannot list " + path + ": " + error.message());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw TransportError(path + ": holds no .pub file");
  } else {
    files.emplace_back(path);
  }
  std::vector<std::string> keys;
  for (const auto& file : files) {
    read_key_lines(file, [&](const std::string& name, const std::string& key, const std::string&) {
      if (name == "public-key") keys.push_back(key);
    });
  }
  if (keys.empty()) throw TransportError(path + ": holds no public-key");
  return keys;
}

}  // namespace cicada::transport
