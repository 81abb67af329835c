#pragma once

/// cicada's version; the top-level CMakeLists.txt checks it equals the project's.
#define CICADA_VERSION "0.1.0"
