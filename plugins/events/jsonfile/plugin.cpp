#include "jsonfile_events.h"

CALLAGENT_PLUGIN(event_sink, "events_jsonfile", "1.0.0",
                 "transcript store: one JSON file per conversation, written atomically",
                 callagent::plugins::JsonFileEventSink)
