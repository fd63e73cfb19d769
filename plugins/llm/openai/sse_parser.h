// Incremental Server-Sent Events parser (WHATWG rules, the subset a chat-completions stream
// uses): bytes may be split anywhere, lines end with \r\n, \n or \r, ':' lines are
// comments, several "data:" lines join with '\n', and a blank line dispatches the event.
// Only the data of each event matters here; event/id/retry fields are ignored.
//
// Threading: none; one instance per response, used by one thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace callagent::plugins::openai {

class SseParser {
 public:
  // Called with each event's data. Return false to stop: feed() drops the rest.
  using EventHandler = std::function<bool(std::string_view data)>;

  // Feeds the next bytes of the stream. Returns false once a handler returned false.
  bool feed(std::string_view bytes, const EventHandler& on_event);

 private:
  bool end_line(const EventHandler& on_event);

  std::string line_;             // the line being read, without its terminator
  std::string data_;             // the data of the event being read
  bool has_data_ = false;        // a "data" field was seen since the last dispatch
  bool after_cr_ = false;        // the previous byte was '\r': a following '\n' is its pair
  bool stopped_ = false;
};

}  // namespace callagent::plugins::openai
