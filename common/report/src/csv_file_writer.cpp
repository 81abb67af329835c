#include "cicada/report/csv_file_writer.hpp"

#include <filesystem>
#include <stdexcept>

#include "cicada/report/csv_report.hpp"
#include "cicada/runner/environment.hpp"

namespace cicada::report {

CsvFileWriter::CsvFileWriter(Environment& environment, std::string prefix, bool full_history)
    : environment_(environment), prefix_(std::move(prefix)), full_history_(full_history) {
  const std::filesystem::path folder = std::filesystem::path(prefix_).parent_path();
  std::error_code error;
  if (!folder.empty()) std::filesystem::create_directories(folder, error);
  if (error)
    throw std::runtime_error("cannot create folder " + folder.string() + ": " + error.message());
  const std::string history_path = prefix_ + "_stats_history.csv";
  history_.open(history_path, std::ios::binary | std::ios::trunc);
  if (!history_) throw std::runtime_error("cannot write " + history_path);
  history_ << stats_history_header() << std::flush;
  rewrite(prefix_ + "_stats.csv", stats_csv(environment_.stats()));
  rewrite(prefix_ + "_failures.csv", failures_csv(environment_.stats()));
  rewrite(prefix_ + "_exceptions.csv", exceptions_csv({}));
}

void CsvFileWriter::start() {
  environment_.runner().every(std::chrono::seconds(1), [this] { write_now(); });
}

void CsvFileWriter::write_now() {
  const auto& stats = environment_.stats();
  const std::int64_t users = environment_.has_runner() ? environment_.runner().user_count() : 0;
  rewrite(prefix_ + "_stats.csv", stats_csv(stats));
  history_ << stats_history_rows(stats, stats.now(), users, full_history_) << std::flush;
  rewrite(prefix_ + "_failures.csv", failures_csv(stats));
  if (environment_.has_runner()) {
    rewrite(prefix_ + "_exceptions.csv", exceptions_csv(environment_.runner().exceptions()));
  }
}

void CsvFileWriter::rewrite(const std::string& path, const std::string& content) const {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw std::runtime_error("cannot write " + path);
  file << content;
}

}  // namespace cicada::report
