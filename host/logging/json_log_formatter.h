// Formats each log record as one JSON object per line (`--log-format json`), for the
// journal and log shippers: {"time":"2026-11-24T10:00:00.123Z","level":"info","message":"..."}
#pragma once

#include <memory>

#include <spdlog/formatter.h>

namespace callagent::host {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& destination) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// Appends `text` as a JSON string body (without quotes), escaping what JSON requires.
// Invalid UTF-8 bytes are replaced so the line always parses.
void append_json_escaped(std::string_view text, spdlog::memory_buf_t& destination);

}  // namespace callagent::host
