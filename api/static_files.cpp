#include "api/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace corral::api {
namespace {

namespace fs = std::filesystem;

std::string content_type_of(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
  };
  auto it = kTypes.find(fs::path(path).extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// esbuild's names: "app-PXMAE4QZ.js": a dash, then eight or more upper-case
// letters and digits before the extension.
bool has_content_hash(const std::string& path) {
  std::string stem = fs::path(path).stem().string();
  size_t dash = stem.rfind('-');
  if (dash == std::string::npos || stem.size() - dash - 1 < 8) return false;
  for (size_t i = dash + 1; i < stem.size(); ++i) {
    if (!std::isupper(static_cast<unsigned char>(stem[i])) && !std::isdigit(static_cast<unsigned char>(stem[i]))) {
      return false;
    }
  }
  return true;
}

Result<std::string> read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& StaticFiles::security_headers() {
  static const std::vector<std::pair<std::string, std::string>> kHeaders = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
  };
  return kHeaders;
}

Result<StaticFiles> StaticFiles::load(const std::string& root) {
  std::error_code error;
  if (!fs::is_regular_file(fs::path(root) / "index.html", error)) {
    return Status::invalid_argument("no web UI in " + root + " (no index.html: scripts/setup.sh builds it)");
  }
  StaticFiles files;
  for (auto it = fs::recursive_directory_iterator(root, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    // Hidden files (the build's stamp) are not the UI's.
    if (!it->is_regular_file() || it->path().extension() == ".gz" || it->path().filename().string()[0] == '.') {
      continue;
    }
    std::string relative = "/" + fs::relative(it->path(), root).generic_string();
    CORRAL_ASSIGN_OR_RETURN(std::string content, read_whole(it->path()));
    File file{std::move(content), std::nullopt, content_type_of(relative), has_content_hash(relative)};
    fs::path gz = it->path().string() + ".gz";
    if (fs::is_regular_file(gz)) {
      CORRAL_ASSIGN_OR_RETURN(std::string gzipped, read_whole(gz));
      file.gzipped = std::move(gzipped);
    }
    files.files_.emplace(relative, std::move(file));
  }
  if (error) return Status::io("reading the web UI in " + root + ": " + error.message());
  return files;
}

namespace {

// The UI's own pages (web/src/main.tsx's routes): they load the app.
bool is_ui_route(const std::string& path) {
  for (const char* page : {"/tasks/", "/reviews", "/repos", "/audit"}) {
    if (path.rfind(page, 0) == 0) return true;
  }
  return false;
}

}  // namespace

StaticAnswer StaticFiles::answer(const std::string& path, bool accepts_gzip) const {
  auto it = files_.find(path == "/" ? "/index.html" : path);
  // Anything else that is no file is a plain 404.
  if (it == files_.end() && !is_ui_route(path)) {
    StaticAnswer missing{404, "not found\n", security_headers()};
    missing.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
    return missing;
  }
  if (it == files_.end()) it = files_.find("/index.html");
  const File& file = it->second;
  StaticAnswer answer{200, file.content, security_headers()};
  answer.headers.push_back({"Content-Type", file.content_type});
  answer.headers.push_back({"Cache-Control", file.immutable ? "public, max-age=31536000, immutable" : "no-cache"});
  if (file.gzipped) {
    answer.headers.push_back({"Vary", "Accept-Encoding"});
    if (accepts_gzip) {
      answer.body = *file.gzipped;
      answer.headers.push_back({"Content-Encoding", "gzip"});
    }
  }
  return answer;
}

}  // namespace corral::api
