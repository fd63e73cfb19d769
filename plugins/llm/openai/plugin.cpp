#include "openai_llm.h"

CALLAGENT_PLUGIN(llm, "llm_openai", "1.0.0", "OpenAI-compatible streaming chat completions",
                 callagent::plugins::openai::OpenAiLlmProvider)
