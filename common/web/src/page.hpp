#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cicada::web {

/// A front-end file compiled into the binary (web/src and the charting library).
struct EmbeddedAsset {
  std::string_view name;  ///< as requested under /assets/, e.g. "app.js"
  std::string_view content_type;
  std::string_view bytes;
};

/// Every embedded file; defined in the source the build generates.
const std::vector<EmbeddedAsset>& embedded_assets();

/// The asset named `name`, if there is one.
std::optional<EmbeddedAsset> find_asset(std::string_view name);

/// JSON text made safe inside a <script>: "</" becomes "<\/" (still the same JSON).
std::string script_safe(const std::string& json_text);

/// The UI page: index.html with `window.templateArgs` set to `template_args` (JSON).
std::string render_page(const std::string& template_args);

}  // namespace cicada::web
