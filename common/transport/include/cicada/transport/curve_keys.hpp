#pragma once

#include <string>
#include <vector>

namespace cicada::transport {

/// A CURVE key pair in Z85 text (40 characters each), as ZeroMQ takes them.
struct CurveKeyPair {
  std::string public_key;
  std::string secret_key;
};

/// A fresh key pair from libsodium's generator (through ZeroMQ).
CurveKeyPair generate_curve_key_pair();

/// The public key that belongs to `secret_key` (Z85). Throws TransportError
/// when `secret_key` is not a Z85 key.
std::string curve_public_key(const std::string& secret_key);

/// True for 40 characters of Z85 that decode to a 32-byte key.
bool is_curve_key(const std::string& text);

/// Writes `prefix.key` (the secret and public key, readable by the owner only)
/// and `prefix.pub` (the public key, to hand to the other side). Refuses to
/// overwrite either file. Throws TransportError naming the file.
void write_curve_key_files(const std::string& prefix, const CurveKeyPair& keys);

/// What a key file holds: `public-key = "..."` and, in a `.key` file,
/// `secret-key = "..."` lines; `#` starts a comment.
struct CurveKeyFile {
  std::string public_key;
  std::string secret_key;  ///< empty in a `.pub` file
};

/// Reads a file written by write_curve_key_files. Throws TransportError naming
/// the file and line when it is missing, unreadable or holds a malformed key.
CurveKeyFile read_curve_key_file(const std::string& path);

/// The public keys a master accepts: `path` is a directory (every `*.pub` file
/// in it) or one file of `public-key = "..."` lines (`.pub` files put together).
/// Throws TransportError naming the file and line.
std::vector<std::string> read_authorized_keys(const std::string& path);

}  // namespace cicada::transport
