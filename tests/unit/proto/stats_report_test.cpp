#include "cicada/proto/stats_report.hpp"

#include <doctest/doctest.h>

#include "cicada/proto/envelope.hpp"
#include "support/hex.hpp"
#include "support/stats_reports.hpp"

namespace cicada::proto {

namespace {
Value data_of(const std::string& fixture) {
  static const auto fixtures = test::load_hex_fixtures("proto/golden.txt");
  auto envelope = decode_envelope(fixtures.at(fixture));
  REQUIRE(envelope);
  return envelope->data;
}
}  // namespace

TEST_CASE("a stats report decodes every field of Locust's serialized entries") {
  auto report = stats_report_from_value(data_of("tv14_stats"));
  REQUIRE_MESSAGE(report, report.error().message);
  const auto& entry = report->stats.at(0);
  CHECK(entry.method == "GET");
  CHECK(entry.last_request_timestamp == 1700000001.5);
  CHECK(entry.start_time == 1700000000.0);
  CHECK(entry.num_requests == 3);
  CHECK(entry.num_none_requests == 0);
  CHECK(entry.num_failures == 1);
  CHECK(entry.total_response_time == Number{std::int64_t{300}});
  CHECK(entry.max_response_time == Number{std::int64_t{150}});
  CHECK(entry.min_response_time == Number{std::int64_t{50}});
  CHECK(entry.total_content_length == 30);
  CHECK(entry.response_times == std::vector<Bucket>{{50, 1}, {100, 1}, {150, 1}});
  CHECK(entry.num_reqs_per_sec == std::vector<Bucket>{{1700000001, 3}});
  CHECK(entry.num_fail_per_sec == std::vector<Bucket>{{1700000001, 1}});
  CHECK_FALSE(entry.cicada_histogram.has_value());
  const auto& error = report->errors.at(0);
  CHECK(error.key == "e6362a5fa22a8f4b7bfb195b24313c34882d87c94acab15a4f7189d1e0cea8aa");
  CHECK(error.name == "/");
  CHECK(error.method == "GET");
  CHECK(error.occurrences == 1);
  CHECK(report->user_classes_count == UserClassCounts{{"User1", 1}, {"User2", 2}});
}

TEST_CASE("Locust 2.12.1 reports: float bucket keys become ints, nil method becomes empty") {
  auto report = stats_report_from_value(data_of("stats_2_12_float_keys_nil_method"));
  REQUIRE_MESSAGE(report, report.error().message);
  const auto& entry = report->stats.at(0);
  CHECK(entry.response_times == std::vector<Bucket>{{0, 1}, {150, 2}, {1000, 1}});
  CHECK(entry.total_response_time == Number{1234.5678});
  CHECK(entry.min_response_time == Number{0.4});
  CHECK(report->stats_total.method == "");
  CHECK_FALSE(report->stats_total.last_request_timestamp.has_value());
  CHECK_FALSE(report->stats_total.min_response_time.has_value());
}

TEST_CASE("keys from user listeners and error timestamps are kept and re-encoded in order") {
  const Value data = data_of("stats_with_listener_key_and_seen_times");
  auto report = stats_report_from_value(data);
  REQUIRE_MESSAGE(report, report.error().message);
  REQUIRE(report->extra.size() == 1);
  CHECK(*report->extra[0].key.as_string() == "my_listener_data");
  CHECK(report->errors.at(0).first_seen == 1700000000.5);
  CHECK(report->errors.at(0).last_seen == 1700000002.75);
  CHECK(test::to_hex(encode_value(to_value(*report))) == test::to_hex(encode_value(data)));
}

TEST_CASE("cicada's precise histogram travels as an extra bytes field") {
  StatsEntryReport entry;
  entry.name = "/x";
  entry.method = "GET";
  entry.cicada_histogram = std::string("\x01\x00\xff", 3);
  const Value value = to_value(entry);
  REQUIRE(value.find("cicada_histogram") != nullptr);
  CHECK(value.find("cicada_histogram")->is_binary());
  auto decoded = stats_entry_from_value(value);
  REQUIRE(decoded);
  CHECK(decoded->cicada_histogram == entry.cicada_histogram);
}

TEST_CASE("open-model iterations travel under a key Locust ignores, only when there are some") {
  Value plain = to_value(StatsReport{});
  CHECK(plain.find("cicada_iterations") == nullptr);
  StatsReport report;
  report.cicada_iterations = {{"Checkout", 120, 3}, {"Browse", 7, 0}};
  const Value value = to_value(report);
  REQUIRE(value.find("cicada_iterations") != nullptr);
  auto decoded = stats_report_from_value(value);
  REQUIRE_MESSAGE(decoded, decoded.error().message);
  CHECK(decoded->cicada_iterations == report.cicada_iterations);
  CHECK(decoded->extra.empty());

  SUBCASE("negative or malformed counts are an error naming the key") {
    Value bad = value;
    for (auto& entry : *bad.as_map()) {
      if (entry.key.as_string() && *entry.key.as_string() == "cicada_iterations")
        entry.value = make_map({{"Checkout", Value(Value::Array{Value(1), Value(-2)})}});
    }
    auto refused = stats_report_from_value(bad);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message ==
          "stats.cicada_iterations: counts of Checkout must be integers >= 0");
  }
}

TEST_CASE("a report missing a field names the entry and the field") {
  Value data = data_of("tv14_stats");
  auto& stats = *data.as_map()->at(0).value.as_array();
  auto& first_entry = *stats[0].as_map();
  first_entry.erase(first_entry.begin() + 4);  // num_requests
  auto report = stats_report_from_value(data);
  REQUIRE_FALSE(report);
  CHECK(report.error().message == "stats.stats[0].num_requests: missing");
}

}  // namespace cicada::proto

namespace cicada::proto {
namespace {

std::string encoded(const StatsReport& report) {
  return test::to_hex(encode_value(to_value(report)));
}

}  // namespace

TEST_CASE("a report read straight from its bytes equals the general route's, into reused storage") {
  StatsReport reused;
  SUBCASE("a rich report, then a smaller one without the optional fields") {
    const StatsReport rich = test::rich_stats_report(5);
    REQUIRE(decode_stats_report(encode_value(to_value(rich)), reused));
    CHECK(encoded(reused) == encoded(rich));

    StatsReport plain = test::rich_stats_report(2);
    for (auto& entry : plain.stats) {
      entry.last_request_timestamp.reset();
      entry.min_response_time.reset();
      entry.cicada_histogram.reset();
      entry.cicada_paced_requests = 0;
      entry.cicada_omitted_histogram.reset();
      entry.response_times.clear();
    }
    plain.errors.clear();
    plain.cicada_iterations.clear();
    plain.extra.clear();
    REQUIRE(decode_stats_report(encode_value(to_value(plain)), reused));
    CHECK(reused.stats.size() == 2);
    CHECK(encoded(reused) == encoded(plain));
  }
  SUBCASE("Locust's own reports, 2.12.1's float keys and nil method included") {
    for (const char* fixture : {"tv14_stats", "stats_2_12_float_keys_nil_method",
                                "stats_with_listener_key_and_seen_times"}) {
      CAPTURE(fixture);
      const Value data = data_of(fixture);
      auto general = stats_report_from_value(data);
      REQUIRE(general);
      REQUIRE(decode_stats_report(encode_value(data), reused));
      CHECK(encoded(reused) == encoded(*general));
    }
  }
  SUBCASE("a bad report is refused with the general route's words") {
    Value data = data_of("tv14_stats");
    auto& first_entry = *data.as_map()->at(0).value.as_array()->at(0).as_map();
    first_entry.at(4).value = Value("many");  // num_requests
    auto refused = decode_stats_report(encode_value(data), reused);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == "stats.stats[0].num_requests: expected int, got str");
    CHECK_FALSE(decode_stats_report(std::string("\x93", 1), reused));
  }
}

}  // namespace cicada::proto

namespace cicada::proto {

TEST_CASE("a list of 100000 entries that are not entries is refused without room made for them") {
  // {"stats": [nil x 100000]}: a frame of 100 KB must not make the reader
  // allocate 100000 entries (some 30 MB) before it finds the first is no entry.
  std::string frame("\x81\xa5stats\xdd\x00\x01\x86\xa0", 12);
  frame.append(100'000, '\xc0');
  StatsReport reused;
  auto refused = decode_stats_report(frame, reused);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("stats.stats[0]") != std::string::npos);
  CHECK(reused.stats.size() <= 1);
}

}  // namespace cicada::proto
