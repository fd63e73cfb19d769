#include "tools/call-sim/host_frame_parser.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "host/audio/base64.h"

namespace callagent::callsim {
namespace {

using Json = nlohmann::json;

Status frame_error(std::string message) {
  return Status(ErrorCode::invalid_argument, std::move(message));
}

// The string at object[key], or nullptr when absent or not a string.
const std::string* string_field(const Json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return nullptr;
  return found->get_ptr<const std::string*>();
}

}  // namespace

Result<HostFrame> parse_host_frame(std::string_view text, std::string_view expected_stream_sid) {
  const Json message = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (message.is_discarded() || !message.is_object()) return frame_error("frame is not a JSON object");

  const std::string* event = string_field(message, "event");
  if (event == nullptr) return frame_error("frame has no \"event\" string");

  const std::string* stream_sid = string_field(message, "streamSid");
  if (stream_sid == nullptr) return frame_error(fmt::format("{}: missing \"streamSid\"", *event));
  if (!expected_stream_sid.empty() && *stream_sid != expected_stream_sid) {
    return frame_error(fmt::format("{}: streamSid {} is not this stream ({})", *event, *stream_sid,
                                   expected_stream_sid));
  }

  if (*event == "media") {
    const auto media = message.find("media");
    if (media == message.end() || !media->is_object()) return frame_error("media: missing \"media\" object");
    const std::string* payload = string_field(*media, "payload");
    if (payload == nullptr) return frame_error("media: missing \"media.payload\" string");
    HostMedia decoded;
    std::size_t error_offset = 0;
    if (!audio::base64_decode(*payload, decoded.mulaw_audio, error_offset)) {
      return frame_error(fmt::format("media: media.payload is not base64 (offset {})", error_offset));
    }
    return HostFrame(std::move(decoded));
  }
  if (*event == "mark") {
    const auto mark = message.find("mark");
    if (mark == message.end() || !mark->is_object()) return frame_error("mark: missing \"mark\" object");
    const std::string* name = string_field(*mark, "name");
    if (name == nullptr) return frame_error("mark: missing \"mark.name\" string");
    return HostFrame(HostMark{*name});
  }
  if (*event == "clear") return HostFrame(HostClear{});
  return frame_error(fmt::format("unknown event \"{}\" (expected media, mark or clear)", *event));
}

}  // namespace callagent::callsim
