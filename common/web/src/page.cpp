#include "page.hpp"

#include <stdexcept>

namespace cicada::web {

std::optional<EmbeddedAsset> find_asset(std::string_view name) {
  for (const EmbeddedAsset& asset : embedded_assets()) {
    if (asset.name == name) return asset;
  }
  return std::nullopt;
}

std::string script_safe(const std::string& json_text) {
  std::string safe;
  safe.reserve(json_text.size());
  for (std::size_t i = 0; i < json_text.size(); ++i) {
    safe += json_text[i];
    if (json_text[i] == '<' && i + 1 < json_text.size() && json_text[i + 1] == '/') safe += '\\';
  }
  return safe;
}

std::string render_page(const std::string& template_args) {
  static constexpr std::string_view kPlaceholder = "__TEMPLATE_ARGS__";
  const auto index = find_asset("index.html");
  if (!index) throw std::logic_error("the build embedded no index.html");
  std::string page(index->bytes);
  const auto at = page.find(kPlaceholder);
  if (at == std::string::npos)
    throw std::logic_error("index.html has no " + std::string(kPlaceholder));
  page.replace(at, kPlaceholder.size(), script_safe(template_args));
  return page;
}

}  // namespace cicada::web
