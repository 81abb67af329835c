#include "page.hpp"

#include <stdexcept>

namespace cicada::web {

std::optional<EmbeddedAsset> find_asset(std::string_view name) {
  for (const EmbeddedAsset& asset : embedded_assets()) {
    if (asset.name == name) return asset;
  }
  return std::nullopt;
}

std::string render_page(const std::string& template_args) {
  static constexpr std::string_view kPlaceholder = "__TEMPLATE_ARGS__";
  const auto index = find_asset("index.html");
  if (!index) throw std::logic_error("the build embedded no index.html");
  std::string page(index->bytes);
  // "</" inside a script would end it early: JSON allows "<\/" for it.
  std::string safe;
  safe.reserve(template_args.size());
  for (std::size_t i = 0; i < template_args.size(); ++i) {
    safe += template_args[i];
    if (template_args[i] == '<' && i + 1 < template_args.size() && template_args[i + 1] == '/')
      safe += '\\';
  }
  const auto at = page.find(kPlaceholder);
  if (at == std::string::npos)
    throw std::logic_error("index.html has no " + std::string(kPlaceholder));
  page.replace(at, kPlaceholder.size(), safe);
  return page;
}

}  // namespace cicada::web
