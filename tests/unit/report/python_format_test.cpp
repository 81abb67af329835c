#include "cicada/report/python_format.hpp"

#include <doctest/doctest.h>

namespace cicada::report {

TEST_CASE("floats print as Python's str() prints them") {
  CHECK(python_float(0.0) == "0.0");
  CHECK(python_float(100.0) == "100.0");
  CHECK(python_float(12.5) == "12.5");
  CHECK(python_float(0.1) == "0.1");
  CHECK(python_float(1.0 / 3) == "0.3333333333333333");
  CHECK(python_float(70.38690476190476) == "70.38690476190476");
  CHECK(python_float(0.0001) == "0.0001");
  CHECK(python_float(0.00001) == "1e-05");
  CHECK(python_float(1.5e-7) == "1.5e-07");
  CHECK(python_float(1234567890123456.0) == "1234567890123456.0");
  CHECK(python_float(1e16) == "1e+16");
  CHECK(python_float(1.7e300) == "1.7e+300");
  CHECK(python_float(-2.5) == "-2.5");
  CHECK(python_float(1700000000.25) == "1700000000.25");
}

TEST_CASE("CSV fields are quoted only when Python's csv module would") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("") == "");
}

TEST_CASE("fixed decimals match Python's %f") {
  CHECK(fixed(4.8, 6) == "4.800000");
  CHECK(fixed(0, 6) == "0.000000");
}

}  // namespace cicada::report
