#include "sse_parser.h"

namespace callagent::plugins::openai {

bool SseParser::feed(std::string_view bytes, const EventHandler& on_event) {
  for (const char byte : bytes) {
    if (stopped_) return false;
    if (after_cr_) {
      after_cr_ = false;
      if (byte == '\n') continue;  // the second half of a "\r\n" split across feeds or not
    }
    if (byte == '\r') {
      after_cr_ = true;
      if (!end_line(on_event)) stopped_ = true;
    } else if (byte == '\n') {
      if (!end_line(on_event)) stopped_ = true;
    } else {
      line_.push_back(byte);
    }
  }
  return !stopped_;
}

bool SseParser::end_line(const EventHandler& on_event) {
  if (line_.empty()) {
    // A blank line dispatches the event, if it carried any data.
    if (!has_data_) return true;
    const std::string data = std::move(data_);
    data_.clear();
    has_data_ = false;
    return on_event(data);
  }
  if (line_.front() == ':') {  // comment, e.g. the keep-alive ": ping" some servers send
    line_.clear();
    return true;
  }
  const std::string_view line(line_);
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  }
  line_.clear();
  return true;
}

}  // namespace callagent::plugins::openai
