#include "tools/call-sim/twilio_message_writer.h"

#include "host/twilio/media_stream_messages.h"

namespace callagent::callsim {

TwilioMessageWriter::TwilioMessageWriter(StreamIdentity identity) : identity_(std::move(identity)) {}

std::string TwilioMessageWriter::connected() const {
  return twilio::serialize_connected();
}

std::string TwilioMessageWriter::start(
    const std::vector<std::pair<std::string, std::string>>& custom_parameters) {
  twilio::StartMessage start;
  start.sequence_number = next_sequence_number_++;
  start.stream_sid = identity_.stream_sid;
  start.account_sid = identity_.account_sid;
  start.call_sid = identity_.call_sid;
  start.tracks = {"inbound"};  // a <Connect> stream carries the caller's track only
  start.custom_parameters = custom_parameters;
  start.encoding = "audio/x-mulaw";
  start.sample_rate_hz = 8000;
  start.channels = 1;
  return twilio::serialize_start(start);
}

std::string TwilioMessageWriter::media(const CallerFrame& frame) {
  twilio::MediaMessage media;
  media.sequence_number = next_sequence_number_++;
  media.track = "inbound";
  media.chunk = frame.chunk;
  media.timestamp_ms = frame.timestamp_ms;
  media.payload.assign(frame.mulaw_audio.begin(), frame.mulaw_audio.end());
  return twilio::serialize_inbound_media(identity_.stream_sid, media);
}

std::string TwilioMessageWriter::mark(std::string_view name) {
  return twilio::serialize_inbound_mark(identity_.stream_sid, next_sequence_number_++, name);
}

std::string TwilioMessageWriter::dtmf(std::string_view digit) {
  return twilio::serialize_dtmf(identity_.stream_sid, next_sequence_number_++, digit);
}

std::string TwilioMessageWriter::stop() {
  twilio::StopMessage stop;
  stop.sequence_number = next_sequence_number_++;
  stop.account_sid = identity_.account_sid;
  stop.call_sid = identity_.call_sid;
  return twilio::serialize_stop(identity_.stream_sid, stop);
}

}  // namespace callagent::callsim
