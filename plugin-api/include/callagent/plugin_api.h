// Everything a plugin author needs: include this one header.
#pragma once

#include "callagent/plugin_api/audio.h"
#include "callagent/plugin_api/call_info.h"
#include "callagent/plugin_api/event_sink.h"
#include "callagent/plugin_api/exception_boundary.h"
#include "callagent/plugin_api/llm.h"
#include "callagent/plugin_api/logger.h"
#include "callagent/plugin_api/metrics.h"
#include "callagent/plugin_api/plugin.h"
#include "callagent/plugin_api/provider.h"
#include "callagent/plugin_api/state_store.h"
#include "callagent/plugin_api/status.h"
#include "callagent/plugin_api/stt.h"
#include "callagent/plugin_api/thread_name.h"
#include "callagent/plugin_api/tts.h"
