// The recorded Media Streams messages of ../shared/protocols.md §1.2, verbatim unless
// noted, shared by the parser's tests and the fast path's tests.
#pragma once

#include <string_view>

namespace callagent::twilio::recorded {

constexpr std::string_view kConnectedExample = R"({
  "event": "connected",
  "protocol": "Call",
  "version": "1.0.0"
})";

constexpr std::string_view kStartExample = R"({
  "event": "start",
  "sequenceNumber": "1",
  "start": {
    "accountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "callSid": "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "tracks": ["inbound"],
    "customParameters": {
      "FirstName": "Jane",
      "LastName": "Doe",
      "RemoteParty": "Bob"
    },
    "mediaFormat": {
      "encoding": "audio/x-mulaw",
      "sampleRate": 8000,
      "channels": 1
    }
  },
  "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
})";

// The older docs variant: a concrete SID, sequence number 2, both tracks, no parameters.
constexpr std::string_view kOlderStartExample = R"({
  "event": "start",
  "sequenceNumber": "2",
  "start": {
    "accountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "streamSid": "MZ18ad3ab5a668481ce02b83e7395059f0",
    "callSid": "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "tracks": ["inbound","outbound"],
    "customParameters": {},
    "mediaFormat": {
      "encoding": "audio/x-mulaw",
      "sampleRate": 8000,
      "channels": 1
    }
  },
  "streamSid": "MZ18ad3ab5a668481ce02b83e7395059f0"
})";

// The docs payload is cut with "..."; "no+JhoaJjpzSHxAK" is its valid 12-byte start.
constexpr std::string_view kMediaExample = R"({
  "event": "media",
  "sequenceNumber": "3",
  "media": {
    "track": "inbound",
    "chunk": "1",
    "timestamp": "5",
    "payload": "no+JhoaJjpzSHxAK"
  },
  "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
})";

// The [observed] capture line, its "..." payload replaced by three μ-law silence bytes.
constexpr std::string_view kObservedMediaCapture =
    R"({"event":"media","sequenceNumber":"424","media":{"track":"inbound","chunk":"423","timestamp":"8585","payload":"////"},"streamSid":"MZ92fd0a8252929adb108b724f970eaebb"})";

constexpr std::string_view kDtmfExample = R"({
  "event": "dtmf",
  "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
  "sequenceNumber": "5",
  "dtmf": {
    "track": "inbound_track",
    "digit": "1"
  }
})";

constexpr std::string_view kMarkExample = R"({
  "event": "mark",
  "sequenceNumber": "4",
  "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
  "mark": {
    "name": "my label"
  }
})";

constexpr std::string_view kStopExample = R"({
  "event": "stop",
  "sequenceNumber": "5",
  "stop": {
    "accountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "callSid": "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
  },
  "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
})";

}  // namespace callagent::twilio::recorded
