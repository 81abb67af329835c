#include "cicada/cli/curve_setup.hpp"

#include <cstdio>

#include "cicada/transport/curve_keys.hpp"
#include "cicada/transport/transport_error.hpp"

namespace cicada::cli {

CurveKeys load_curve_keys(const Options& options) {
  CurveKeys keys;
  if (options.curve_secret_key_file.empty()) return keys;
  keys.secret_key = transport::read_curve_key_file(options.curve_secret_key_file).secret_key;
  if (keys.secret_key.empty()) {
    throw std::runtime_error("--curve-secret-key " + options.curve_secret_key_file +
                             ": holds no secret-key (give the .key file, not the .pub)");
  }
  if (!options.curve_master_key_file.empty()) {
    // A .key file holds the public key too, so a master's --processes
    // workers can be given the master's own key file.
    keys.master_public_key =
        transport::read_curve_key_file(options.curve_master_key_file).public_key;
  }
  if (!options.curve_authorized_keys.empty()) {
    keys.authorized_keys = transport::read_authorized_keys(options.curve_authorized_keys);
  }
  return keys;
}

int generate_curve_keys(const std::string& prefix, const char* program) {
  try {
    transport::write_curve_key_files(prefix, transport::generate_curve_key_pair());
  } catch (const transport::TransportError& e) {
    std::fprintf(stderr, "%s: error: %s\n", program, e.what());
    return 1;
  }
  std::printf(
      "Wrote %s.key (the secret key: keep it on this node, pass it as --curve-secret-key)\n"
      "and %s.pub (the public key: give it to the master's --curve-authorized-keys, or to the "
      "workers' --curve-master-key)\n",
      prefix.c_str(), prefix.c_str());
  return 0;
}

}  // namespace cicada::cli
