// Deepgram server messages recorded from the live API or quoted verbatim from its docs
// (protocols.md §3.3), shared by the parser and session tests.
#pragma once

namespace callagent::plugins::deepgram::testing {

// Recorded by Deepgram's daily SDK test: mulaw 8 kHz, nova-3, punctuate + smart_format.
inline constexpr const char* kTestingResults = R"({
  "channel": {
    "alternatives": [
      {
        "transcript": "Testing. 123. Testing. 123.",
        "confidence": 0.987885,
        "words": [
          {"word": "testing", "start": 1.22, "end": 1.62, "confidence": 0.483064, "punctuated_word": "Testing."},
          {"word": "123", "start": 1.62, "end": 2.12, "confidence": 0.93632686, "punctuated_word": "123."},
          {"word": "testing", "start": 2.1799998, "end": 2.6799998, "confidence": 0.987885, "punctuated_word": "Testing."},
          {"word": "123", "start": 3.1399999, "end": 3.6399999, "confidence": 0.99418044, "punctuated_word": "123."}
        ]
      }
    ]
  },
  "metadata": {
    "model_info": {"name": "2-general-nova", "version": "2024-01-18.26916", "arch": "nova-3"},
    "request_id": "26dd8cc9-77e6-4db7-a0ae-3034c013cb64",
    "model_uuid": "c0d1a568-ce81-4fea-97e7-bd45cb1fdf3c"
  },
  "type": "Results",
  "channel_index": [0, 1],
  "duration": 3.08,
  "start": 0.74,
  "is_final": true,
  "from_finalize": false,
  "speech_final": true
})";

inline constexpr const char* kEmptyFinal =
    R"({"channel": {"alternatives": [{"transcript": "", "confidence": 0.0, "words": []}]}, "metadata": {"model_info": {"name": "general", "version": "2024-01-26.8851", "arch": "base"}, "request_id": "699ace2f-5c81-4cf7-ae95-81e39557d10f", "model_uuid": "1ed36bac-f71c-4f3f-a31f-02fd6525c489"}, "type": "Results", "channel_index": [0, 1], "duration": 0.74, "start": 0.0, "is_final": true, "from_finalize": false, "speech_final": true})";

inline constexpr const char* kTranquility =
    R"({"channel": {"alternatives": [{"transcript": "Ensure domestic tranquility.", "confidence": 0.9897461, "words": [{"word": "ensure", "start": 6.251818, "end": 6.6427274, "confidence": 0.9897461, "punctuated_word": "Ensure"}, {"word": "domestic", "start": 6.6427274, "end": 7.1427274, "confidence": 0.99658203, "punctuated_word": "domestic"}, {"word": "tranquility", "start": 7.19, "end": 7.4245453, "confidence": 0.9248047, "punctuated_word": "tranquility."}]}]}, "metadata": {"model_info": {"name": "general", "version": "2024-01-26.8851", "arch": "base"}, "request_id": "4b21fb93-0ece-46c8-a7c8-05709d2119dc", "model_uuid": "1ed36bac-f71c-4f3f-a31f-02fd6525c489"}, "type": "Results", "channel_index": [0, 1], "duration": 1.73, "start": 5.9, "is_final": true, "from_finalize": false, "speech_final": true})";

// The docs' interim example: no `type`, no punctuated_word.
inline constexpr const char* kInterim = R"({
  "channel_index": [0, 1],
  "duration": 1.039875,
  "start": 0,
  "is_final": false,
  "channel": {
    "alternatives": [
      {
        "transcript": "another big",
        "confidence": 0.9600255,
        "words": [
          {"word": "another", "start": 0.2971154, "end": 0.7971154, "confidence": 0.9588303},
          {"word": "big", "start": 0.85173076, "end": 1.039875, "confidence": 0.9600255}
        ]
      }
    ]
  }
})";

inline constexpr const char* kUtteranceEnd = R"({
  "channel": [0, 1],
  "last_word_end": 2.395,
  "type": "UtteranceEnd"
})";

inline constexpr const char* kSpeechStarted = R"({
  "type": "SpeechStarted",
  "channel": [0, 1],
  "timestamp": 9.54
})";

inline constexpr const char* kMetadata = R"({
  "type": "Metadata",
  "transaction_key": "deprecated",
  "request_id": "8c8ebea9-dbec-45fa-a035-e4632cb05b5f",
  "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "created": "2024-08-29T22:37:55.202Z",
  "duration": 0.0,
  "channels": 0
})";

}  // namespace callagent::plugins::deepgram::testing
