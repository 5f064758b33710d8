// The web UI's built files (web/dist), read into memory once when the daemon
// starts and served from there: only files that were in the folder can ever
// be answered, whatever a request's path says.
//
// Each answer carries its content type; names with a content hash
// (app-3F2A…​.js) are cached for a year, everything else is revalidated;
// a file built with a .gz sibling is sent compressed to clients that accept
// gzip. Every answer carries the UI's security headers (a strict
// Content-Security-Policy: scripts, styles and connections from the daemon
// only, no inline script, no framing). The UI's own pages (/tasks/…,
// /reviews, /repos, /audit) get index.html; any other path that is no file
// is a 404.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace corral::api {

struct StaticAnswer {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class StaticFiles {
 public:
  // Reads every file under `root`; invalid_argument if it has no index.html.
  static Result<StaticFiles> load(const std::string& root);

  // GET or HEAD of `path` (no query).
  StaticAnswer answer(const std::string& path, bool accepts_gzip) const;

  size_t file_count() const { return files_.size(); }

  // The headers every UI answer (and every API answer) carries.
  static const std::vector<std::pair<std::string, std::string>>& security_headers();

 private:
  struct File {
    std::string content;
    std::optional<std::string> gzipped;
    std::string content_type;
    bool immutable = false;
  };
  std::map<std::string, File> files_;  // by path from the root, with a leading '/'
};

}  // namespace corral::api
