#pragma once

#include <string>

namespace cicada {
class Environment;
}

namespace cicada::web {

struct HtmlReportOptions {
  std::string locustfile;           ///< shown as "Script"
  bool show_download_link = false;  ///< the UI's copy links to its download
  std::string theme;                ///< "dark", "light", or "" to follow the system
};

/// Locust's HTML report (--html FILE, /stats/report): one self-contained page
/// with the request, response-time, failure and exception tables, the charts
/// of the run's history and the final task ratios. The page, its script, its
/// styles and uPlot are all inlined, so it opens with no network. Percentiles
/// are the precise histogram's. Call on the loop's thread (it reads the stats).
std::string html_report(Environment& environment, const HtmlReportOptions& options);

}  // namespace cicada::web
