#pragma once

#include <string>
#include <string_view>

namespace cicada::report {

/// Python's `str(float)`: the shortest text that reads back as the same
/// double, "100.0" for integral values, exponent form below 1e-4 and from 1e16
/// ("1e-05", "1e+16"), "inf", "nan". What Locust's CSV and JSON files contain.
std::string python_float(double value);

/// Python's `"%.Nf" % value` (Locust's rates in history rows use "%f" = 6 places).
std::string fixed(double value, int decimals);

/// One CSV field as Python's csv.writer writes it: quoted only when it holds
/// a comma, a quote, CR or LF, with quotes doubled.
std::string csv_field(std::string_view text);

}  // namespace cicada::report
